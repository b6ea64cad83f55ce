// ECMA-419-shaped Serial over the `serialport` package, so the portable gateway
// runs unchanged on a Linux host (PC or Raspberry Pi with a real serial port).
// Options follow embedded:io/serial; `device` names the tty, as Moddable's own
// Linux serial does. Received chunks are queued and announced with onReadable;
// read(buffer) copies out of the queue.

import { SerialPort } from "serialport";
import type { SerialInstance, SerialOptions } from "../../core/io";

/** Bytes the kernel tty buffer takes before write() reports "output full". */
const WRITE_WINDOW = 4096;

export class NodeSerial implements SerialInstance {
  private port: SerialPort;
  private chunks: Buffer[] = [];
  private offset = 0;
  private available = 0;
  private pending = 0;
  private closed = false;
  private options: SerialOptions;

  constructor(options: SerialOptions) {
    if (!options.device) throw new RangeError("invalid device: the host serial needs a device path");
    if (!(options.baud >= 50 && options.baud <= 4000000)) throw new RangeError("invalid baud");
    this.options = options;
    this.port = new SerialPort({ path: options.device, baudRate: options.baud, autoOpen: false });
    this.port.on("data", (data: Buffer) => {
      if (this.closed) return;
      this.chunks.push(data);
      this.available += data.length;
      options.onReadable?.call(this, this.available);
    });
    this.port.on("error", (err: Error) => this.fail(err));
    this.port.on("close", (err?: Error & { disconnected?: boolean }) => {
      if (!this.closed) this.fail(err ?? new Error("serial port closed"));
    });
    this.port.open((err) => {
      if (err) return this.fail(err);
      if (!this.closed) options.onWritable?.call(this, WRITE_WINDOW);
    });
  }

  private fail(err: Error): void {
    if (this.shut()) this.options.onError?.call(this, err);
  }

  /** Close the port once; false when it was already closed. */
  private shut(): boolean {
    if (this.closed) return false;
    this.closed = true;
    try {
      if (this.port.isOpen) this.port.close();
    } catch {
      /* ignore */
    }
    return true;
  }

  read(buffer: Uint8Array): number | undefined {
    let n = 0;
    while (n < buffer.length && this.chunks.length) {
      const c = this.chunks[0];
      const take = Math.min(buffer.length - n, c.length - this.offset);
      buffer.set(c.subarray(this.offset, this.offset + take), n);
      n += take;
      this.offset += take;
      if (this.offset >= c.length) {
        this.chunks.shift();
        this.offset = 0;
      }
    }
    this.available -= n;
    return n;
  }

  write(data: ArrayBuffer | Uint8Array): void {
    if (this.closed) throw new Error("closed");
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
    if (this.pending + bytes.length > WRITE_WINDOW) throw new Error("output full");
    this.pending += bytes.length;
    // Copy: the caller may reuse its buffer before the write completes.
    this.port.write(Buffer.from(bytes), (err) => {
      this.pending -= bytes.length;
      if (err) return this.fail(err);
      if (!this.closed) this.options.onWritable?.call(this, WRITE_WINDOW - this.pending);
    });
  }

  close(): void {
    this.shut();
  }
}
