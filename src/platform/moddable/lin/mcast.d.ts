declare module "platform/mcast" {
  /** IP_MULTICAST_TTL of an embedded:io/socket/udp socket (1..255). */
  export function setMulticastTTL(socket: object, ttl: number): void;
  /** IP_ADD_MEMBERSHIP / IP_DROP_MEMBERSHIP on any interface. */
  export function join(socket: object, group: string): void;
  export function leave(socket: object, group: string): void;
  /** SO_REUSEADDR, so that other programs on the host can bind the same port. */
  export function share(socket: object): void;
}
