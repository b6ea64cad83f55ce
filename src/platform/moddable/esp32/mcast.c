/*
 * bd450: the TTL of multicast datagrams on ESP32 (lwIP).
 *
 * Moddable's embedded:io/socket/udp (modules/io/socket/lwip/udp.c, xs_udp_constructor)
 * applies `timeToLive` as `skt->ttl = ttl` only. lwIP sends to a multicast address with
 * pcb->mcast_ttl when LWIP_MULTICAST_TX_OPTIONS is on (udp_sendto_if_src: ttl =
 * ip_addr_ismulticast(dst) ? udp_get_multicast_ttl(pcb) : pcb->ttl), which ESP-IDF
 * enables with IGMP. So IEC 61162-450's TTL (1 by default) is set here.
 *
 * The socket's host data is udp.c's UDPRecord, whose first member is the
 * `struct udp_pcb *skt` (udp.c, struct UDPRecord) — the only layout relied on.
 */

#include "xsmc.h"
#include "xsHost.h"
#include "lwip/udp.h"

void xs_bd450_mcast_ttl(xsMachine *the)
{
	struct udp_pcb **record = xsmcGetHostData(xsArg(0));
	int ttl = xsmcToInteger(xsArg(1));
	if ((ttl < 1) || (ttl > 255))
		xsRangeError("invalid multicast TTL");
	if (!record || !*record)
		xsUnknownError("socket closed");
	udp_set_multicast_ttl(*record, (u8_t)ttl);
}
