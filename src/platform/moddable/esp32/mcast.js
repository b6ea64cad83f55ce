// Multicast TTL for embedded:io/socket/udp on lwIP (native part: mcast.c).
export function setMulticastTTL(socket, ttl) @ "xs_bd450_mcast_ttl";
