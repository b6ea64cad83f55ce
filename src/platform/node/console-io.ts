// Node side of the serial console: the console's byte stream on a tty/pty opened
// like a serial device (the same ECMA-419 NodeSerial the gateway uses for the
// terminal), or on this process's stdin/stdout ("stdio").
//
// Output is queued while the device reports "output full" and drained on
// onWritable; the queue is bounded so that a console nobody reads cannot grow the
// heap (beyond the bound, output is dropped and counted). A device that fails
// (pty closed, USB adapter unplugged) is reopened every second.

import type { SerialInstance } from "../../core/io";
import { NodeSerial } from "./serial";

export interface ConsoleIO {
  write(bytes: Uint8Array): void;
  /** Where typed bytes go from now on (the console of the running gateway; replaced on reboot). */
  connect(input: (bytes: Uint8Array, start: number, end: number) => void): void;
  close(): void;
  /** Output bytes dropped because the queue was full. */
  readonly dropped: number;
}

export interface ConsoleIOOptions {
  /** "stdio" or a tty/pty path. */
  target: string;
  baud?: number;
  /** Device events for the system log. */
  log?(text: string): void;
}

const QUEUE_MAX = 64 * 1024;

type Input = (bytes: Uint8Array, start: number, end: number) => void;

export function openConsoleIO(o: ConsoleIOOptions): ConsoleIO {
  let input: Input = () => {};
  const onData = (b: Uint8Array) => input(b, 0, b.length);
  const io = o.target === "stdio" ? stdioConsole(o, onData) : deviceConsole(o, onData);
  io.connect = (i) => {
    input = i;
  };
  return io;
}

function stdioConsole(o: ConsoleIOOptions, data: (b: Uint8Array) => void): ConsoleIO {
  const stdin = process.stdin;
  // Raw mode: the line editor does echo and editing itself, as on a serial line. Raw
  // mode also turns off the terminal's signal keys, so Ctrl-C is handed back to the
  // process as SIGINT here: on this terminal it stops the gateway, as it would without
  // a console (on a serial console Ctrl-C only drops the typed line).
  const tty = stdin.isTTY;
  if (tty) stdin.setRawMode(true);
  const onData = (b: Buffer) => {
    const i = tty ? b.indexOf(0x03) : -1;
    if (i >= 0) {
      if (i > 0) data(new Uint8Array(b.buffer, b.byteOffset, i));
      process.kill(process.pid, "SIGINT");
      return;
    }
    data(new Uint8Array(b.buffer, b.byteOffset, b.length));
  };
  // Input closed (no terminal, /dev/null under a service manager): the gateway runs on.
  const onEnd = () => o.log?.("console: standard input closed; the gateway keeps running without a console");
  stdin.on("data", onData);
  stdin.on("end", onEnd);
  stdin.resume();
  return {
    dropped: 0,
    connect() {
      /* set by openConsoleIO */
    },
    write(bytes) {
      process.stdout.write(Buffer.from(bytes));
    },
    close() {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      if (tty) stdin.setRawMode(false);
      stdin.pause();
    },
  };
}

function deviceConsole(o: ConsoleIOOptions, data: (b: Uint8Array) => void): ConsoleIO {
  const queue: Uint8Array[] = [];
  let queued = 0;
  let serial: SerialInstance | undefined;
  let writable = 0;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  // Log the first failure of a run of retries only, so a missing device cannot flood the log.
  let failing = false;
  const failed = (text: string) => {
    if (!failing) o.log?.(text);
    failing = true;
    serial = undefined;
    writable = 0;
    if (!closed && !retry) retry = setTimeout(open, 1000);
  };
  const rx = new Uint8Array(256);
  const io = {
    dropped: 0,
    write,
    close,
    connect(_: Input): void {
      /* set by openConsoleIO */
    },
  };

  function pump(): void {
    while (serial && queue.length && writable > 0) {
      const head = queue[0];
      const n = Math.min(head.length, writable);
      try {
        serial.write(head.subarray(0, n));
      } catch {
        writable = 0; // "output full": wait for onWritable
        return;
      }
      writable -= n;
      queued -= n;
      if (n === head.length) queue.shift();
      else queue[0] = head.subarray(n);
    }
  }

  function write(bytes: Uint8Array): void {
    if (queued + bytes.length > QUEUE_MAX) {
      io.dropped += bytes.length;
      return;
    }
    queue.push(bytes.slice());
    queued += bytes.length;
    pump();
  }

  function open(): void {
    retry = undefined;
    if (closed) return;
    try {
      serial = new NodeSerial({
        device: o.target,
        baud: o.baud ?? 115200,
        format: "buffer",
        onReadable() {
          for (;;) {
            const n = this.read(rx);
            if (!n) break;
            data(rx.subarray(0, n));
          }
        },
        onWritable(bytes: number) {
          if (failing) o.log?.(`console device ${o.target} open again`);
          failing = false;
          writable = bytes;
          pump();
        },
        onError(err: Error) {
          failed(`console device ${o.target} failed: ${err.message}; retrying every second`);
        },
      });
    } catch (e) {
      failed(`console device ${o.target}: ${(e as Error).message}; retrying every second`);
    }
  }

  function close(): void {
    closed = true;
    if (retry) clearTimeout(retry);
    try {
      serial?.close();
    } catch {
      /* already closed */
    }
    serial = undefined;
  }

  open();
  return io;
}
