// The gateway's UDP class on the board: embedded:io/socket/udp behind the Ethernet link.
//
// Moddable's UDP constructor throws "no network" while lwIP has no interface, and
// the gateway opens its socket once at start, cable or not. So the class handed to
// the gateway never throws at construction: it opens the real socket when the
// link is ready, retries from a Timer on "no network", closes it when the link
// goes down (a new socket per link-up also renews the IGMP joins), and throws
// "no network" from write() meanwhile, which the gateway counts as a send error.

import UDP from "embedded:io/socket/udp";
import type { ByteBuffer, Datagram, Timers, UDPClass, UDPInstance, UDPOptions } from "core/io";
import { joinGroup, leaveGroup, multicastTTL, sharePort } from "platform/host";
import type { EthernetLink } from "./link";

/** The socket as used here; group membership and multicast TTL go through platform/host. */
interface LwipSocket {
  read(): (ArrayBuffer & { address: string; port: number }) | undefined;
  write(data: ByteBuffer, address: string, port: number): void;
  close(): void;
}

export interface LinkUdpStats {
  opens: number;
  openFailures: number;
  joinFailures: number;
}

const RETRY_MS = 1000;

export function linkUdpClass(
  link: EthernetLink,
  timers: Timers,
  log: (line: string) => void,
  stats: LinkUdpStats,
): UDPClass {
  return class LinkUDP implements UDPInstance {
    private socket: LwipSocket | undefined;
    private readonly groups: string[] = [];
    private readonly options: UDPOptions;
    private retry: unknown;
    private closed = false;

    constructor(options: UDPOptions) {
      this.options = options;
      link.onChange((state) => {
        if (this.closed) return;
        if (state === "ready") this.open();
        else this.drop();
      });
      if (link.state === "ready") this.open();
    }

    write(data: ByteBuffer, address: string, port: number): void {
      const s = this.socket;
      if (!s) throw new Error("no network");
      s.write(data, address, port); // "UDP send failed" while the route is gone: the gateway counts it
    }

    read(): Datagram | undefined {
      return this.socket ? (this.socket.read() as Datagram | undefined) : undefined;
    }

    add(group: string): void {
      if (this.groups.indexOf(group) < 0) this.groups.push(group);
      if (this.socket) this.join(this.socket, group);
    }

    remove(group: string): void {
      const i = this.groups.indexOf(group);
      if (i < 0) return;
      this.groups.splice(i, 1);
      try {
        if (this.socket) leaveGroup(this.socket, group);
      } catch {
        /* not joined on this socket */
      }
    }

    close(): void {
      this.closed = true;
      this.drop();
    }

    private open(): void {
      if (this.socket || this.closed) return;
      timers.clear(this.retry);
      this.retry = undefined;
      const o = this.options;
      const self = this;
      try {
        const ttl = o.timeToLive ?? 1;
        const socket = new UDP({
          port: o.port ?? 0,
          timeToLive: ttl,
          onReadable(packets: number) {
            if (o.onReadable) o.onReadable.call(self, packets);
          },
        } as ConstructorParameters<typeof UDP>[0]) as unknown as LwipSocket;
        // 450 datagrams are multicast: `timeToLive` alone does not reach them (platform/mcast).
        multicastTTL(socket, ttl);
        sharePort(socket);
        this.socket = socket;
        stats.opens++;
        for (const g of this.groups) this.join(socket, g);
      } catch (e) {
        stats.openFailures++;
        if (stats.openFailures === 1 || stats.openFailures % 60 === 0)
          log(`udp: open failed (${(e as Error).message}); retrying every ${RETRY_MS} ms`);
        this.retry = timers.set(
          () => {
            this.retry = undefined;
            if (link.state === "ready") this.open();
          },
          RETRY_MS,
          false,
        );
      }
    }

    private join(socket: LwipSocket, group: string): void {
      try {
        joinGroup(socket, group);
      } catch (e) {
        stats.joinFailures++;
        log(`udp: join ${group} failed: ${(e as Error).message}`);
      }
    }

    private drop(): void {
      timers.clear(this.retry);
      this.retry = undefined;
      const s = this.socket;
      this.socket = undefined;
      if (s) {
        try {
          s.close();
        } catch {
          /* already closed */
        }
      }
    }
  };
}
