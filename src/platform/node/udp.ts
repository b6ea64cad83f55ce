// ECMA-419-shaped UDP socket over Node's dgram, with Moddable's multicast
// extension add(group)/remove(group). Host extensions: `interface` (IPv4 address of
// the interface for multicast send and joins) and `reuseAddr` (several listeners on
// one group port). dgram binds asynchronously; writes and joins made before the
// socket is bound are held (bounded) and replayed once it is.

import * as dgram from "dgram";
import type { Datagram, UDPInstance, UDPOptions } from "../../core/io";

const MAX_RECEIVE_QUEUE = 1024;
const MAX_PENDING_WRITES = 64;

export class NodeUDP implements UDPInstance {
  private socket: dgram.Socket;
  private ready = false;
  private closed = false;
  private queue: Datagram[] = [];
  private pendingWrites: Array<[Buffer, string, number]> = [];
  private pendingGroups: string[] = [];
  private options: UDPOptions;
  /** Received datagrams dropped because nobody read them (bounded queue). */
  droppedReceived = 0;
  /** Writes dropped because the socket was not bound yet and the hold queue was full. */
  droppedWrites = 0;

  constructor(options: UDPOptions) {
    this.options = options;
    if (options.timeToLive !== undefined && !(options.timeToLive >= 1 && options.timeToLive <= 255))
      throw new RangeError("invalid timeToLive");
    this.socket = dgram.createSocket({ type: "udp4", reuseAddr: options.reuseAddr ?? false });
    this.socket.on("error", (err) => {
      if (!this.closed) options.onError?.call(this, err);
    });
    this.socket.on("message", (msg, rinfo) => {
      if (this.closed) return;
      if (this.queue.length >= MAX_RECEIVE_QUEUE) {
        this.droppedReceived++;
        return;
      }
      const ab = msg.buffer.slice(msg.byteOffset, msg.byteOffset + msg.length) as Datagram;
      ab.address = rinfo.address;
      ab.port = rinfo.port;
      this.queue.push(ab);
      options.onReadable?.call(this, this.queue.length);
    });
    this.socket.bind(options.port ?? 0, options.address, () => {
      if (this.closed) return;
      try {
        if (options.interface) this.socket.setMulticastInterface(options.interface);
        this.socket.setMulticastTTL(options.timeToLive ?? 1);
        this.socket.setMulticastLoopback(true);
        if (options.receiveBufferSize) this.socket.setRecvBufferSize(options.receiveBufferSize);
      } catch (e) {
        options.onError?.call(this, e as Error);
      }
      this.ready = true;
      for (const g of this.pendingGroups) this.join(g);
      this.pendingGroups = [];
      for (const [b, a, p] of this.pendingWrites) this.send(b, a, p);
      this.pendingWrites = [];
    });
  }

  private join(group: string): void {
    try {
      this.socket.addMembership(group, this.options.interface);
    } catch (e) {
      this.options.onError?.call(this, e as Error);
    }
  }

  add(group: string): void {
    if (!/^2(2[4-9]|3\d)\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(group)) throw new RangeError("invalid multicast address");
    if (this.ready) this.join(group);
    else this.pendingGroups.push(group);
  }

  remove(group: string): void {
    if (!this.ready) {
      this.pendingGroups = this.pendingGroups.filter((g) => g !== group);
      return;
    }
    try {
      this.socket.dropMembership(group, this.options.interface);
    } catch {
      /* not a member */
    }
  }

  read(): Datagram | undefined {
    return this.queue.shift();
  }

  write(data: ArrayBuffer | Uint8Array, address: string, port: number): void {
    if (this.closed) throw new Error("closed");
    if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address)) throw new RangeError("invalid IP address");
    // Copy: the encoder reuses its datagram buffer, dgram sends asynchronously.
    const bytes = data instanceof Uint8Array ? Buffer.from(data) : Buffer.from(new Uint8Array(data));
    if (!this.ready) {
      if (this.pendingWrites.length >= MAX_PENDING_WRITES) {
        this.droppedWrites++;
        throw new Error("UDP send failed: socket not ready");
      }
      this.pendingWrites.push([bytes, address, port]);
      return;
    }
    this.send(bytes, address, port);
  }

  private send(bytes: Buffer, address: string, port: number): void {
    this.socket.send(bytes, port, address, (err) => {
      if (err && !this.closed) this.options.onError?.call(this, err);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.socket.close();
    } catch {
      /* already closed */
    }
  }
}
