// Moddable's Linux host (x-cli-lin) behind platform/host: ttys by path, the host's own
// network (no Ethernet module), multicast options through platform/mcast (mcast.c).

import SerialIO from "embedded:io/serial";
import type { ByteBuffer, SerialClass, SerialInstance, SerialOptions } from "core/io";
import { exit, log as hostLog } from "platform/lin/args";
import { join, leave, setMulticastTTL, share } from "platform/mcast";

export const hostName = "lin";
export const hostHasEthernet = false;
export const EthernetDevice: undefined = undefined;

interface LinSerialIO {
  read(count?: number): ArrayBuffer | undefined;
  write(data: ArrayBuffer): void;
  close(): void;
}

/**
 * The Linux serial reads only `read(count)` into a new ArrayBuffer and writes only
 * whole ArrayBuffers (serial.c xs_serial_read / xs_serial_write), where the core reads
 * into its own buffer and writes views: this class adapts the two.
 */
class LinSerial implements SerialInstance {
  private io: LinSerialIO;
  constructor(o: SerialOptions) {
    const readable = o.onReadable,
      writable = o.onWritable;
    this.io = new (SerialIO as unknown as new (o: object) => LinSerialIO)({
      device: o.device,
      baud: o.baud,
      format: "buffer",
      onReadable: readable ? (n: number) => readable.call(this, n) : undefined,
      onWritable: writable ? (n: number) => writable.call(this, n) : undefined,
      onError: o.onError ? () => o.onError!.call(this, new Error("serial device error")) : undefined,
    });
  }
  read(buffer: Uint8Array): number | undefined {
    const b = this.io.read(buffer.length);
    if (!b?.byteLength) return 0;
    buffer.set(new Uint8Array(b));
    return b.byteLength;
  }
  write(data: ByteBuffer): void {
    this.io.write(
      data instanceof ArrayBuffer
        ? data
        : (data.buffer as ArrayBuffer).slice(data.byteOffset, data.byteOffset + data.byteLength),
    );
  }
  close(): void {
    this.io.close();
  }
}

export const Serial: SerialClass = LinSerial;
/** The terminal's tty: the kernel buffers it (no receive ring needed); `ringBytes` is ignored. */
export const TerminalSerial: SerialClass = LinSerial;

/** Exit status 75: the host runner starts the program again, as a board restarts. */
export function restart(): void {
  exit(75);
}

export function log(line: string): void {
  hostLog(line);
}

export function multicastTTL(socket: object, ttl: number): void {
  setMulticastTTL(socket, ttl);
}

/** Other 450 programs on the same host may bind the group ports too. */
export function sharePort(socket: object): void {
  share(socket);
}

export function joinGroup(socket: object, group: string): void {
  join(socket, group);
}

export function leaveGroup(socket: object, group: string): void {
  leave(socket, group);
}
