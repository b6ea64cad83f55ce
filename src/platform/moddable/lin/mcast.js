// Multicast for embedded:io/socket/udp on Moddable's Linux host (native part: mcast.c).
export function setMulticastTTL(socket, ttl) @ "xs_bd450_mcast_ttl";
export function join(socket, group) @ "xs_bd450_mcast_join";
export function leave(socket, group) @ "xs_bd450_mcast_leave";
export function share(socket) @ "xs_bd450_mcast_share";
