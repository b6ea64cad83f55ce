// The configuration console's serial port on the board: a second UART (or UART1
// routed onto the USB bridge pins), ECMA-419 Serial in buffer format.
//
// The ESP32 TX FIFO is 128 bytes and write() throws "output full" rather than
// writing part of the data, so output is queued and written in pieces of the
// size onWritable reports. The queue is bounded (a `log` dump to a detached
// terminal must not eat the heap): beyond it the oldest output is dropped and
// counted.

import type { ByteBuffer, SerialClass } from "core/io";

interface PortSerial {
  read(buffer: Uint8Array): number | undefined;
  write(data: ByteBuffer): void;
  close(): void;
}

export interface ConsolePortOptions {
  /** The platform's serial class (platform/host). */
  io: SerialClass;
  port: number;
  /** Linux: the tty's path. */
  device?: string;
  receive: number;
  transmit: number;
  baud: number;
  /** Most output bytes held while the UART is busy. */
  maxQueued?: number;
}

export class ConsolePort {
  readonly rx = new Uint8Array(128);
  dropped = 0;
  private serial: PortSerial | undefined;
  private queue: Uint8Array[] = [];
  private queued = 0;
  private head = 0; // bytes of queue[0] already written
  private writable = 0;
  private readonly maxQueued: number;
  /** Bytes typed by the user (the view is reused: copy what you keep); see connect(). */
  private input: (bytes: Uint8Array, start: number, end: number) => void = () => {};

  constructor(private readonly o: ConsolePortOptions) {
    this.maxQueued = o.maxQueued ?? 8192;
  }

  /** Where typed bytes go (the console; ConsoleChannel of src/app/assemble.ts). */
  connect(input: (bytes: Uint8Array, start: number, end: number) => void): void {
    this.input = input;
  }

  open(): void {
    const self = this;
    const o = this.o;
    this.serial = new o.io({
      ...(o.device !== undefined ? { device: o.device } : { port: o.port, receive: o.receive, transmit: o.transmit }),
      baud: o.baud,
      format: "buffer",
      onReadable() {
        for (;;) {
          const n = this.read(self.rx);
          if (!n) break;
          self.input(self.rx, 0, n as number);
        }
      },
      onWritable(bytes: number) {
        self.writable = bytes;
        self.pump();
      },
    }) as unknown as PortSerial;
  }

  write(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.queue.push(bytes);
    this.queued += bytes.length;
    while (this.queued > this.maxQueued && this.queue.length > 1) {
      const old = this.queue.shift()!;
      this.queued -= old.length - this.head;
      this.dropped += old.length - this.head;
      this.head = 0;
    }
    this.pump();
  }

  close(): void {
    this.serial?.close();
    this.serial = undefined;
  }

  private pump(): void {
    const s = this.serial;
    if (!s) return;
    while (this.writable > 0 && this.queue.length) {
      const b = this.queue[0];
      const n = Math.min(this.writable, b.length - this.head);
      try {
        s.write(b.subarray(this.head, this.head + n));
      } catch {
        this.writable = 0; // "output full": wait for onWritable
        return;
      }
      this.writable -= n;
      this.head += n;
      this.queued -= n;
      if (this.head >= b.length) {
        this.queue.shift();
        this.head = 0;
      }
    }
  }
}
