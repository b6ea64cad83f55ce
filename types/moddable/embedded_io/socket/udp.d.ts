// embedded:io/socket/udp — ECMA-419 UDP socket (Moddable lwIP implementation on ESP32).
// Binds 0.0.0.0 whatever `address` says; throws "no network" at construction when
// lwIP has no default interface; write() throws "UDP send failed" while the link is
// down. The lwIP implementation also has close(), add(group) and remove(group), but
// Moddable's own typings leave them out, so they are not declared here either:
// bd450 reaches them through one interface in src/platform/moddable/udp.ts, which
// keeps the code compiling under both sets of declarations.

declare module "embedded:io/socket/udp" {
  type Bytes = ArrayBuffer | SharedArrayBuffer | Uint8Array | Int8Array | Uint8ClampedArray | DataView;

  interface UDPOptions {
    /** Local port; 0 or absent picks an ephemeral one. */
    port?: number;
    /** Ignored on ESP32 (always binds 0.0.0.0). */
    address?: string;
    /** Datagrams waiting; each read() dequeues one. */
    onReadable?(this: UDP, packets: number): void;
    onError?(this: UDP): void;
    format?: "buffer";
    target?: unknown;
  }

  interface MulticastOptions {
    /** Ignored on ESP32: join groups with add(). */
    multicast: string;
    /** 1..255; sets lwIP's pcb->ttl (whether multicast sends honour it is unverified). */
    timeToLive: number;
  }

  export default class UDP {
    constructor(options: UDPOptions & ({} | MulticastOptions));
    /** One datagram with the sender attached, or undefined when none is queued. */
    read(): (ArrayBuffer & { address: string; port: number }) | undefined;
    /** Buffer first (the io.md page still shows the old address-first order). */
    write(data: Bytes, address: string, port: number): void;
    format: "buffer";
    target: unknown;
  }
}
