/*
 * bd450: multicast on Moddable's Linux embedded:io/socket/udp
 * (modules/io/socket/lin/udp.c has neither TTL nor group membership: "To do: multicast").
 * The socket's host data is that file's UDPRecord, whose first member is the `int skt`
 * descriptor — the only layout relied on.
 */

#include "xsmc.h"
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

static int socketOf(xsMachine *the)
{
	int *record = xsmcGetHostData(xsArg(0));
	if (!record || (*record < 0))
		xsUnknownError("socket closed");
	return *record;
}

void xs_bd450_mcast_ttl(xsMachine *the)
{
	int fd = socketOf(the);
	int ttl = xsmcToInteger(xsArg(1));
	if ((ttl < 1) || (ttl > 255))
		xsRangeError("invalid multicast TTL");
	unsigned char t = (unsigned char)ttl;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &t, sizeof(t)))
		xsUnknownError("IP_MULTICAST_TTL failed");
}

static void membership(xsMachine *the, int option)
{
	int fd = socketOf(the);
	struct ip_mreq mreq = {0};
	if (!inet_aton(xsmcToString(xsArg(1)), &mreq.imr_multiaddr))
		xsRangeError("invalid group");
	mreq.imr_interface.s_addr = htonl(INADDR_ANY);
	if (setsockopt(fd, IPPROTO_IP, option, &mreq, sizeof(mreq)))
		xsUnknownError(option == IP_ADD_MEMBERSHIP ? "join failed" : "leave failed");
}

void xs_bd450_mcast_join(xsMachine *the)
{
	membership(the, IP_ADD_MEMBERSHIP);
}

void xs_bd450_mcast_leave(xsMachine *the)
{
	membership(the, IP_DROP_MEMBERSHIP);
}

/* Let other programs bind the same port (SO_REUSEADDR, set after the SDK's bind: Linux
   checks it on both sockets when the next one binds), as 450 listeners on one host do. */
void xs_bd450_mcast_share(xsMachine *the)
{
	int fd = socketOf(the);
	int on = 1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)))
		xsUnknownError("SO_REUSEADDR failed");
}
