/*
 * Test oracle, independent of bd450: joins GROUP on PORT (any interface, SO_REUSEADDR),
 * prints "READY", then for each of COUNT datagrams one line "TTL <ip ttl> <bytes>"
 * (IP_RECVTTL), and exits.   recvttl GROUP PORT COUNT
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

int main(int argc, char *argv[])
{
	if (argc != 4) { fprintf(stderr, "usage: recvttl GROUP PORT COUNT\n"); return 2; }
	int fd = socket(AF_INET, SOCK_DGRAM, 0), on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = {0};
	a.sin_family = AF_INET;
	a.sin_port = htons(atoi(argv[2]));
	a.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a))) { perror("bind"); return 1; }
	struct ip_mreq m = {0};
	inet_aton(argv[1], &m.imr_multiaddr);
	m.imr_interface.s_addr = htonl(INADDR_ANY);
	if (setsockopt(fd, IPPROTO_IP, IP_ADD_MEMBERSHIP, &m, sizeof(m))) { perror("join"); return 1; }
	setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	printf("READY\n");
	fflush(stdout);
	for (int i = 0, n = atoi(argv[3]); i < n; i++) {
		char data[2048], control[256];
		struct iovec iov = { data, sizeof(data) };
		struct msghdr msg = {0};
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control;
		msg.msg_controllen = sizeof(control);
		ssize_t len = recvmsg(fd, &msg, 0);
		if (len < 0) { perror("recvmsg"); return 1; }
		int ttl = -1;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) memcpy(&ttl, CMSG_DATA(c), sizeof(ttl));
		printf("TTL %d %zd\n", ttl, len);
		fflush(stdout);
	}
	return 0;
}
