// embedded:io/serial — ECMA-419 serial port as Moddable implements it on ESP32.
// Only the buffer format is used by bd450. On ESP32 there is no software buffer:
// read() drains the 128-byte RX FIFO, write() throws "output full" when the data
// does not fit the free TX FIFO space (partial writes never happen).

declare module "embedded:io/serial" {
  type Bytes = ArrayBuffer | SharedArrayBuffer | Uint8Array | Int8Array | Uint8ClampedArray | DataView;

  interface SerialOptions {
    /** UART index 0..2 (ESP32). */
    port: number;
    /** GPIO of RX; at least one of receive/transmit is required. */
    receive?: number;
    /** GPIO of TX. */
    transmit?: number;
    /** 1..20 000 000; the frame is fixed at 8N1 on ESP32. */
    baud: number;
    format?: "number" | "buffer";
    /** Bytes in the RX FIFO; the data is read with read(), not passed here. */
    onReadable?(this: Serial, bytes: number): void;
    /** Free TX FIFO space. */
    onWritable?(this: Serial, bytes: number): void;
    target?: unknown;
  }

  export default class Serial {
    constructor(options: SerialOptions);
    /** Whatever is in the FIFO as one ArrayBuffer, or undefined when empty. */
    read(): ArrayBuffer | number | undefined;
    /** Fill `buffer` with what is available; returns the count. */
    read(buffer: Bytes): number | undefined;
    write(data: number | Bytes): void;
    close(): void;
    format: "number" | "buffer";
    target: unknown;
  }
}
