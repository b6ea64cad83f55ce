// A small HTTP/1.1 server over ECMA-419 sockets (embedded:io/socket/listener + tcp on the
// board), for the WebApp. Every bound is checked as the bytes arrive (RequestMeter plus
// a line buffer that grows only up to the header bound), one request per connection
// (`connection: close`), and all work happens in small steps: at most STEP (256) bytes read
// or written per turn of the event loop, the rest continued from a 0 ms timer, so a
// request never holds the loop while the terminal UART fills.
//
// Why not the SDK's modules/network/http Server: it buffers a header line without
// limit and wants each response's status the moment the request ends, while a login
// answer comes only after the stepped password check.

import { utf8 } from "../core/helpers";
import type { ByteBuffer, Timers } from "../core/io";
import type { WebApp, WebResponse } from "./app";
import { KEPT_HEADERS, type Refusal, type RequestMeter } from "./limits";

/** ECMA-419 TCP socket, buffer format. */
export interface TcpSocket {
  read(byteLength?: number): ArrayBuffer | number | undefined;
  /** Moddable's lwIP socket returns the room left; an error is thrown when the bytes do not fit. */
  write(data: ByteBuffer): number | undefined;
  close(): void;
  readonly remoteAddress?: string;
}

export interface TcpOptions {
  from: unknown;
  format?: "buffer";
  onReadable?(this: TcpSocket, bytes: number): void;
  onWritable?(this: TcpSocket, bytes: number): void;
  onError?(this: TcpSocket): void;
}

export interface TcpClass {
  new (options: TcpOptions): TcpSocket;
}

export interface ListenerInstance {
  read(): unknown;
  close(): void;
}

export interface ListenerClass {
  new (options: {
    port: number;
    address?: string;
    onReadable?(this: ListenerInstance, count: number): void;
  }): ListenerInstance;
}

/** Bytes read or written per step. */
export const STEP = 256;
const LF = 10,
  CR = 13;
const LAST_CHUNK = new Uint8Array([48, 13, 10, 13, 10]); // "0" CR LF CR LF

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  409: "Conflict",
  411: "Length Required",
  413: "Payload Too Large",
  414: "URI Too Long",
  415: "Unsupported Media Type",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
};

const HEX = "0123456789abcdef";

/** One chunk of a chunked body: size CR LF bytes CR LF (an empty one ends the body). */
function chunk(bytes: Uint8Array): Uint8Array {
  let size = "";
  for (let n = bytes.length; ; n >>= 4) {
    size = HEX[n & 15] + size;
    if (n < 16) break;
  }
  const out = new Uint8Array(size.length + 4 + bytes.length);
  for (let i = 0; i < size.length; i++) out[i] = size.charCodeAt(i);
  out[size.length] = 13;
  out[size.length + 1] = 10;
  out.set(bytes, size.length + 2);
  out[out.length - 2] = 13;
  out[out.length - 1] = 10;
  return out;
}

/** Request bytes as UTF-8 text (a JSON body). Malformed sequences become U+FFFD. */
export function fromUtf8(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; ) {
    const c = b[i++];
    if (c < 0x80) {
      s += String.fromCharCode(c);
      continue;
    }
    const n = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : -1;
    if (n < 0 || i + n > b.length) {
      s += "\ufffd";
      continue;
    }
    let v = c & (0x3f >> n);
    for (let k = 0; k < n; k++) v = (v << 6) | (b[i++] & 63);
    s +=
      v > 0xffff
        ? String.fromCharCode(0xd800 + ((v - 0x10000) >> 10), 0xdc00 + ((v - 0x10000) & 1023))
        : String.fromCharCode(v);
  }
  return s;
}

enum St {
  Line,
  Headers,
  Body,
  Handling,
  Writing,
  Closed,
}

/** One connection: parse within bounds, hand the request to the app, write the answer in steps. */
export class HttpConnection {
  private st = St.Line;
  private readonly app: WebApp;
  private readonly sock: TcpSocket;
  private readonly timers: Timers;
  private readonly remote: string;
  private readonly meter: RequestMeter;
  private readonly maxLine: number;
  private line = new Uint8Array(128);
  private lineLen = 0;
  private method = "";
  private target = "";
  private readonly headers: Record<string, string> = {};
  private body: Uint8Array | undefined;
  private bodyLen = 0;
  private unread = 0;
  private out: Array<string | Uint8Array> = [];
  private chunked = false;
  /** out[0] is the status line + headers (ASCII, written unframed). */
  private rawHead = false;
  private outPos = 0;
  private space = 0;
  private timer: unknown;
  private stepTimer: unknown;
  private readonly onClose: () => void;

  constructor(app: WebApp, sock: TcpSocket, timers: Timers, onClose: () => void) {
    this.app = app;
    this.sock = sock;
    this.timers = timers;
    this.onClose = onClose;
    this.remote = sock.remoteAddress ?? "?";
    this.meter = app.meter();
    this.maxLine =
      app.limits.maxHeaderBytes > app.limits.maxTarget + 16 ? app.limits.maxHeaderBytes : app.limits.maxTarget + 16;
    // The whole request, and then the answer, each within the time bound.
    this.timer = timers.set(() => this.expired(), app.limits.requestMs, false);
  }

  /** onReadable: `count` bytes are waiting. */
  readable(count: number): void {
    this.unread = count;
    this.step();
  }

  /** onWritable: room for `count` more bytes. */
  writable(count: number): void {
    this.space = count;
    if (this.st === St.Writing) this.step();
  }

  error(): void {
    this.close();
  }

  private schedule(): void {
    if (this.stepTimer === undefined && this.st !== St.Closed)
      this.stepTimer = this.timers.set(
        () => {
          this.stepTimer = undefined;
          this.step();
        },
        0,
        false,
      );
  }

  /** One bounded piece of work; schedules the next piece when more is waiting. */
  private step(): void {
    if (this.st === St.Closed) return;
    if (this.st === St.Writing) {
      this.writeSome();
      return;
    }
    if (this.unread <= 0) return;
    const n = this.unread < STEP ? this.unread : STEP;
    const got = this.sock.read(n);
    this.unread -= n;
    if (got instanceof ArrayBuffer && this.st < St.Handling) this.parse(new Uint8Array(got));
    if (this.unread > 0) this.schedule();
  }

  private parse(b: Uint8Array): void {
    const n = b.length;
    let i = 0;
    while (i < n && this.st < St.Handling) {
      if (this.st === St.Body) {
        const body = this.body!;
        const take = Math.min(n - i, body.length - this.bodyLen);
        body.set(b.subarray(i, i + take), this.bodyLen);
        this.bodyLen += take;
        i += take;
        if (this.bodyLen === body.length) this.dispatch();
        continue;
      }
      // Up to the next LF with locals only (property reads per byte cost XS dearly).
      let j = i;
      while (j < n && b[j] !== LF) j++;
      const len = this.lineLen + (j - i);
      if (len > this.line.length) {
        if (len > this.maxLine)
          return this.refuse(
            this.st === St.Line
              ? { status: 414, reason: "request line too long" }
              : { status: 431, reason: "header line too long" },
          );
        let size = this.line.length * 2;
        while (size < len) size *= 2;
        const grown = new Uint8Array(size < this.maxLine ? size : this.maxLine);
        grown.set(this.line.subarray(0, this.lineLen));
        this.line = grown;
      }
      this.line.set(b.subarray(i, j), this.lineLen);
      this.lineLen = len;
      i = j;
      if (j < n) {
        i++; // the LF
        this.lineDone();
      }
    }
  }

  private lineDone(): void {
    let end = this.lineLen;
    if (end > 0 && this.line[end - 1] === CR) end--;
    // One native call for the whole line (a line is at most maxLine bytes).
    const text = String.fromCharCode.apply(null, this.line.subarray(0, end) as unknown as number[]);
    this.lineLen = 0;
    if (this.st === St.Line) {
      if (text === "") return; // stray CR LF before a request
      const m = /^([A-Z]{1,10}) (\S+) HTTP\/1\.[01]$/.exec(text);
      if (!m) return this.refuse({ status: 400, reason: "malformed request line" });
      this.method = m[1];
      this.target = m[2];
      const r = this.meter.start(this.method, this.target);
      if (r) return this.refuse(r);
      this.st = St.Headers;
      return;
    }
    if (text === "") {
      const len = this.headers["content-length"];
      if (len !== undefined && Number(len) > 0) {
        this.body = new Uint8Array(Number(len));
        this.st = St.Body;
      } else this.dispatch();
      return;
    }
    const colon = text.indexOf(":");
    if (colon <= 0) return this.refuse({ status: 400, reason: "malformed header line" });
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    const r = this.meter.header(name, value);
    if (r) return this.refuse(r);
    if ((name === "content-length" || KEPT_HEADERS.indexOf(name) >= 0) && this.headers[name] === undefined)
      this.headers[name] = value;
  }

  private dispatch(): void {
    this.st = St.Handling;
    const body = this.body ? fromUtf8(this.body) : "";
    this.body = undefined;
    delete this.headers["content-length"];
    this.app.handle(
      { method: this.method, target: this.target, headers: this.headers, body, remote: this.remote },
      (res) => this.respond(res),
    );
  }

  private refuse(r: Refusal): void {
    this.st = St.Handling;
    this.respond(this.app.refused(r.status, r.reason, this.remote));
  }

  private expired(): void {
    this.timer = undefined;
    if (this.st < St.Handling)
      this.refuse({ status: 408, reason: `request not complete within ${this.app.limits.requestMs} ms` });
    else if (this.st === St.Writing)
      this.close(); // the client does not read its answer
    else this.timer = this.timers.set(() => this.expired(), this.app.limits.requestMs, false); // the app is still working (login check)
  }

  private respond(res: WebResponse): void {
    if (this.st === St.Closed) return;
    // Pages (bytes) go out with their length; JSON (a string) in chunks, each step
    // encoding only the slice it writes, so no step walks a whole answer.
    const chunked = typeof res.body === "string";
    let head =
      `HTTP/1.1 ${res.status} ${REASONS[res.status] ?? "Status"}\r\nconnection: close\r\n` +
      (chunked ? "transfer-encoding: chunked\r\n" : `content-length: ${res.body.length}\r\n`);
    for (let i = 0; i < res.headers.length; i += 2) head += res.headers[i] + ": " + res.headers[i + 1] + "\r\n";
    this.out = [head + "\r\n", res.body];
    this.rawHead = true;
    this.chunked = chunked;
    this.outPos = 0;
    this.st = St.Writing;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => this.expired(), this.app.limits.requestMs, false);
    this.schedule();
  }

  private writeSome(): void {
    while (this.out.length && this.out[0].length === this.outPos) {
      this.out.shift();
      this.outPos = 0;
      this.rawHead = false;
      if (this.out.length === 0 && this.chunked) {
        this.chunked = false;
        this.out.push(LAST_CHUNK);
      }
    }
    if (!this.out.length) return this.close();
    if (this.space <= 0) return; // onWritable continues
    const part = this.out[0];
    let n = part.length - this.outPos;
    if (n > STEP) n = STEP;
    let bytes: Uint8Array;
    if (typeof part === "string" && this.rawHead) {
      if (n > this.space) n = this.space;
      bytes = utf8(part.slice(this.outPos, this.outPos + n));
    } else if (typeof part === "string") {
      // A slice never ends between the two halves of a surrogate pair; UTF-8 may triple it, and 10 bytes frame it.
      const room = Math.floor((this.space - 10) / 3);
      if (room < 1) return;
      if (n > room) n = room;
      const last = part.charCodeAt(this.outPos + n - 1);
      if (n > 1 && last >= 0xd800 && last < 0xdc00) n--;
      bytes = chunk(utf8(part.slice(this.outPos, this.outPos + n)));
    } else {
      if (n > this.space) n = this.space;
      bytes = part.subarray(this.outPos, this.outPos + n);
    }
    const left = this.sock.write(bytes);
    this.outPos += n;
    this.space = typeof left === "number" ? left : this.space - bytes.length;
    this.schedule();
  }

  close(): void {
    if (this.st === St.Closed) return;
    this.st = St.Closed;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    if (this.stepTimer !== undefined) this.timers.clear(this.stepTimer);
    this.timer = this.stepTimer = undefined;
    try {
      this.sock.close();
    } catch {
      /* already gone */
    }
    this.onClose();
  }
}

export interface HttpServerOptions {
  app: WebApp;
  io: { Listener: ListenerClass; TCP: TcpClass };
  port: number;
  address?: string;
  timers: Timers;
}

/** Listen and serve `app`; returns close(). Connections over the bound are answered 503 and closed. */
export function serveHttp(o: HttpServerOptions): { listener: ListenerInstance; close(): void } {
  const open = new Set<HttpConnection>();
  const app = o.app;
  const BUSY = "HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";
  const busy = utf8(BUSY);
  // No `address` key unless given: the lwIP listener reads any key that is present.
  const where: { port: number; address?: string } = { port: o.port };
  if (o.address !== undefined) where.address = o.address;
  const listener = new o.io.Listener({
    ...where,
    onReadable(count) {
      for (let i = 0; i < count; i++) {
        const from = this.read();
        if (!from) break;
        if (!app.admit()) {
          const s = new o.io.TCP({ from, format: "buffer" });
          try {
            s.write(busy);
          } catch {
            /* no room: closing says enough */
          }
          s.close();
          continue;
        }
        let conn: HttpConnection | undefined;
        let early = 0;
        const sock = new o.io.TCP({
          from,
          format: "buffer",
          onReadable(n) {
            if (conn) conn.readable(n);
            else early = n;
          },
          onWritable(n) {
            conn?.writable(n);
          },
          onError() {
            conn?.error();
          },
        });
        const c: HttpConnection = new HttpConnection(app, sock, o.timers, () => {
          open.delete(c);
          app.release();
        });
        conn = c;
        open.add(c);
        if (early) c.readable(early);
      }
    },
  });
  return {
    listener,
    close() {
      for (const c of Array.from(open)) c.close();
      listener.close();
    },
  };
}
