/*
 * fake_tarpit: accepts TCP connections and never sends a byte, holding
 * each until the client goes.  Whatever the protocol, the client waits
 * for a first line that does not come: the classic tarpit, used by the
 * TUI test that types into the wizard while a probe hangs on it.
 *
 * Usage: fake_tarpit ADDR PORT.  Prints "ready" once it listens.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define TARPIT_MAX_CONNS	256

int
main(int argc, char **argv)
{
	struct pollfd		pfd[1 + TARPIT_MAX_CONNS];
	struct sockaddr_in	sin;
	char			buf[512];
	int			one = 1, i, fd;

	if (argc != 3) {
		fprintf(stderr, "usage: fake_tarpit ADDR PORT\n");
		return 2;
	}
	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)atoi(argv[2]));
	if (inet_pton(AF_INET, argv[1], &sin.sin_addr) != 1 ||
	    (fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(fd, 64) != 0) {
		fprintf(stderr, "fake_tarpit: %s:%s: %s\n", argv[1], argv[2],
		    strerror(errno));
		return 1;
	}
	pfd[0].fd = fd;
	for (i = 1; i <= TARPIT_MAX_CONNS; i++)
		pfd[i].fd = -1;
	for (i = 0; i <= TARPIT_MAX_CONNS; i++)
		pfd[i].events = POLLIN;

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if (poll(pfd, 1 + TARPIT_MAX_CONNS, -1) == -1)
			continue;
		/* A client that writes is read and ignored; one that closes
		 * is let go. */
		for (i = 1; i <= TARPIT_MAX_CONNS; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (read(pfd[i].fd, buf, sizeof buf) <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
			}
		}
		if (!(pfd[0].revents & POLLIN) ||
		    (fd = accept(pfd[0].fd, NULL, NULL)) == -1)
			continue;
		for (i = 1; i <= TARPIT_MAX_CONNS && pfd[i].fd != -1; i++)
			continue;
		if (i > TARPIT_MAX_CONNS)
			close(fd);
		else
			pfd[i].fd = fd;
	}
}
