// ECMA-419 Listener and TCP (buffer format) over node:net, shaped like Moddable's lwIP
// sockets (onReadable with the bytes waiting, read(n) throwing past them, write()
// returning the room left, onWritable once accepted and when room returns), so the
// board's HTTP engine (src/web/http.ts) runs here over real sockets.
import * as net from "node:net";
import type { ListenerClass, ListenerInstance, TcpClass, TcpOptions, TcpSocket } from "../../src/web/http";

const SNDBUF = 5744; // lwIP TCP_SND_BUF of a default ESP32 build (4 x MSS)

class NodeTcp implements TcpSocket {
  private readonly s: net.Socket;
  private chunks: Buffer[] = [];
  private available = 0;
  private closed = false;
  readonly remoteAddress?: string;

  constructor(o: TcpOptions) {
    this.s = o.from as net.Socket;
    this.remoteAddress = this.s.remoteAddress;
    this.s.on("data", (d: Buffer) => {
      this.chunks.push(d);
      this.available += d.length;
      o.onReadable?.call(this, this.available);
    });
    this.s.on("drain", () => o.onWritable?.call(this, this.room()));
    this.s.on("error", () => o.onError?.call(this));
    this.s.on("close", () => {
      if (!this.closed) o.onError?.call(this);
    });
    setImmediate(() => {
      if (!this.closed) o.onWritable?.call(this, this.room());
    });
  }

  private room(): number {
    return Math.max(0, SNDBUF - this.s.writableLength);
  }

  read(n?: number): ArrayBuffer | undefined {
    const want = n ?? this.available;
    if (want <= 0 || want > this.available) throw new Error("invalid");
    const all = Buffer.concat(this.chunks);
    const out = all.subarray(0, want);
    this.chunks = want < all.length ? [all.subarray(want)] : [];
    this.available -= want;
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength) as ArrayBuffer;
  }

  write(data: ArrayBuffer | Uint8Array): number {
    const b =
      data instanceof ArrayBuffer ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    if (b.length > this.room()) throw new Error("would block");
    this.s.write(Buffer.from(b));
    return this.room();
  }

  close(): void {
    this.closed = true;
    this.s.end();
    this.s.destroySoon();
  }
}

class NodeListener implements ListenerInstance {
  private readonly server: net.Server;
  private pending: net.Socket[] = [];
  readonly ready: Promise<number>;

  constructor(o: { port: number; address?: string; onReadable?(this: ListenerInstance, count: number): void }) {
    this.server = net.createServer((s) => {
      s.pause(); // data flows once a TCP is made from it, as on lwIP
      this.pending.push(s);
      o.onReadable?.call(this, this.pending.length);
    });
    this.ready = new Promise((resolve) =>
      this.server.listen(o.port, o.address ?? "127.0.0.1", () =>
        resolve((this.server.address() as net.AddressInfo).port),
      ),
    );
  }

  read(): net.Socket | undefined {
    const s = this.pending.shift();
    s?.resume();
    return s;
  }

  close(): void {
    this.server.close();
  }
}

export const NodeTcpClass: TcpClass = NodeTcp;
export const NodeListenerClass: ListenerClass = NodeListener;
/** The last listener made, for its bound port (tests listen on port 0). */
export function listenerPort(l: unknown): Promise<number> {
  return (l as NodeListener).ready;
}
