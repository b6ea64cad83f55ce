declare module "platform/mcast" {
  /** Set the TTL of multicast datagrams sent by an embedded:io/socket/udp socket (1..255). */
  export function setMulticastTTL(socket: object, ttl: number): void;
}
