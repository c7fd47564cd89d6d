/*
 * fake_smtpd: an SMTP server that misbehaves on purpose, for the probe
 * tests.  A real Postfix cannot be told to pause inside its greeting, to
 * inject plaintext after STARTTLS or to answer in garbage; this can.
 *
 *   fake_smtpd --mode MODE [--listen ADDR]... [--port N]
 *       [--cert PEM --key PEM] [--nosni-cert PEM --nosni-key PEM]
 *       [--greeting1 FILE --pause SECONDS --greeting2 FILE]
 *       [--staple FILE] [--transcript FILE]
 *
 * It listens on every ADDR (default 127.0.0.1; IPv6 as "::1") at port N
 * (default 0: one ephemeral port, the same on every address when it can),
 * prints "PORT\n" on stdout once listening, then serves each connection
 * on its own thread until killed.  With --transcript, every line either
 * side sends is appended to FILE as "+SECONDS C: text" or "S:", timed
 * from the connection, so a test can check what the client said and
 * when; "(connected)" and "(closed)" lines frame each connection.
 * --cert and --key may name the same file.
 *
 * Modes (see fake_modes below): normal, slow-greeting, banner-notice,
 * no-starttls, starttls-refused, inject, tarpit, garbage, ehlo-reject,
 * greet-554, out-of-turn, tls10-only, implicit, tls-hang, ehlo-quirks.
 *
 * Test code: no care for leaks or partial writes beyond what a test
 * needs, every read bounded by a 30 s socket timeout.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define FAKE_MAX_LISTEN	512
#define FAKE_LINE_MAX	4096

struct fake_conn {
	int		 fd;
	SSL		*ssl;
	struct timespec	 start;
};

struct fake_mode {
	const char	*name;
	void		(*run)(struct fake_conn *);
};

static const struct fake_mode	*mode;
static SSL_CTX			*ctx, *ctx_nosni;
static char			*greeting1, *greeting2, *staple;
static size_t			 greeting1_len, greeting2_len, staple_len;
static int			 pause_s = 6;
static FILE			*transcript;
static pthread_mutex_t		 transcript_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((noreturn, format(printf, 1, 2)))
fake_die(const char *fmt, ...)
{
	va_list	ap;

	fprintf(stderr, "fake_smtpd: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

static char *
fake_read_file(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 size;

	if ((f = fopen(path, "rb")) == NULL)
		fake_die("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, f) != (size_t)size)
		fake_die("cannot read %s", path);
	fclose(f);
	buf[size] = '\0';
	*len = (size_t)size;
	return buf;
}

/* One transcript line per protocol line, "\r\n" left out. */
static void
fake_log(struct fake_conn *c, char who, const char *data, size_t len)
{
	struct timespec	now;
	double		t;
	size_t		i, start, n;

	if (transcript == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = (double)(now.tv_sec - c->start.tv_sec) +
	    (double)(now.tv_nsec - c->start.tv_nsec) / 1e9;
	pthread_mutex_lock(&transcript_lock);
	for (start = 0; start < len || (len == 0 && start == 0);
	    start = i + 1) {
		for (i = start; i < len && data[i] != '\n'; i++)
			continue;
		n = i - start;
		if (n > 0 && data[start + n - 1] == '\r')
			n--;
		fprintf(transcript, "+%.3f %c: %.*s\n", t, who, (int)n,
		    data + start);
	}
	fflush(transcript);
	pthread_mutex_unlock(&transcript_lock);
}

static void
fake_write(struct fake_conn *c, const char *data, size_t len)
{
	fake_log(c, 'S', data, len);
	if (c->ssl != NULL)
		SSL_write(c->ssl, data, (int)len);
	else
		send(c->fd, data, len, MSG_NOSIGNAL);
}

static void
fake_say(struct fake_conn *c, const char *text)
{
	fake_write(c, text, strlen(text));
}

/* One line from the client, without CRLF; -1 on EOF or timeout. */
static int
fake_read_line(struct fake_conn *c, char *line, size_t size)
{
	size_t	n = 0;
	int	r;
	char	ch;

	while (n + 1 < size) {
		if (c->ssl != NULL)
			r = SSL_read(c->ssl, &ch, 1);
		else
			r = (int)recv(c->fd, &ch, 1, 0);
		if (r <= 0)
			return -1;
		if (ch == '\n')
			break;
		line[n++] = ch;
	}
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	fake_log(c, 'C', line, n);
	return 0;
}

static int
fake_is(const char *line, const char *verb)
{
	return strncasecmp(line, verb, strlen(verb)) == 0;
}

static int
fake_tls_accept(struct fake_conn *c)
{
	c->ssl = SSL_new(ctx);
	SSL_set_fd(c->ssl, c->fd);
	if (SSL_accept(c->ssl) != 1) {
		fake_log(c, 'S', "(TLS handshake failed)", 22);
		return -1;
	}
	fake_log(c, 'S', "(TLS established)", 17);
	return 0;
}

/*
 * The ordinary dialogue from EHLO on: ehlo is the EHLO reply, or NULL
 * for the usual one with STARTTLS.  Ends at QUIT or EOF.
 */
static void
fake_dialogue(struct fake_conn *c, const char *ehlo, const char *starttls)
{
	char	line[FAKE_LINE_MAX];

	if (ehlo == NULL)
		ehlo = "250-fake.invalid\r\n250-PIPELINING\r\n"
		    "250-SIZE 10240000\r\n250-STARTTLS\r\n250 8BITMIME\r\n";
	if (starttls == NULL)
		starttls = "220 2.0.0 Ready to start TLS\r\n";

	while (fake_read_line(c, line, sizeof line) == 0) {
		if (fake_is(line, "EHLO")) {
			fake_say(c, c->ssl != NULL ?
			    "250-fake.invalid\r\n250 8BITMIME\r\n" : ehlo);
		} else if (fake_is(line, "HELO")) {
			fake_say(c, "250 fake.invalid\r\n");
		} else if (fake_is(line, "STARTTLS") && c->ssl == NULL) {
			fake_say(c, starttls);
			if (starttls[0] == '2' && fake_tls_accept(c) != 0)
				return;
		} else if (fake_is(line, "QUIT")) {
			fake_say(c, "221 2.0.0 Bye\r\n");
			return;
		} else
			fake_say(c, "502 5.5.2 Error: command not "
			    "recognized\r\n");
	}
}

static void
mode_normal(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, NULL, NULL);
}

/* Case 020: part one, a pause, part two; the client must keep quiet. */
static void
mode_slow_greeting(struct fake_conn *c)
{
	fake_write(c, greeting1, greeting1_len);
	sleep((unsigned)pause_s);
	fake_write(c, greeting2, greeting2_len);
	fake_dialogue(c, NULL, NULL);
}

static void
mode_banner_notice(struct fake_conn *c)
{
	fake_say(c, "220-relay.example.org ESMTP\r\n"
	    "220-Unsolicited bulk mail is not accepted here.\r\n"
	    "220-234 lines beginning with digits are still greeting text\r\n"
	    "220\r\n");
	fake_dialogue(c, NULL, NULL);
}

static void
mode_no_starttls(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, "250-fake.invalid\r\n250-PIPELINING\r\n"
	    "250 8BITMIME\r\n", NULL);
}

static void
mode_starttls_refused(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, NULL, "454 4.7.0 TLS not available due to local "
	    "problem\r\n");
}

/* A man in the middle's reply, queued behind the 220 to STARTTLS. */
static void
mode_inject(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, NULL, "220 2.0.0 Ready to start TLS\r\n"
	    "250-injected.invalid\r\n250 AUTH PLAIN\r\n");
}

static void
mode_tarpit(struct fake_conn *c)
{
	char	buf[256];

	while (recv(c->fd, buf, sizeof buf, 0) > 0)
		continue;
}

static void
mode_garbage(struct fake_conn *c)
{
	fake_say(c, "HTTP/1.0 400 Bad Request\r\n\r\n");
	mode_tarpit(c);
}

static void
mode_ehlo_reject(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid SMTP\r\n");
	fake_dialogue(c, "502 5.5.2 Error: command not recognized\r\n",
	    NULL);
}

static void
mode_greet_554(struct fake_conn *c)
{
	fake_say(c, "554 5.7.1 no SMTP service for you\r\n");
	mode_tarpit(c);
}

static void
mode_out_of_turn(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n250 unsolicited\r\n");
	fake_dialogue(c, NULL, NULL);
}

/* Port 465: TLS first, then the SMTP dialogue inside it. */
static void
mode_implicit(struct fake_conn *c)
{
	if (fake_tls_accept(c) != 0)
		return;
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, NULL, NULL);
}

/* Agrees to STARTTLS, then never answers the ClientHello. */
static void
mode_tls_hang(struct fake_conn *c)
{
	char	line[FAKE_LINE_MAX];

	fake_say(c, "220 fake.invalid ESMTP\r\n");
	while (fake_read_line(c, line, sizeof line) == 0) {
		if (fake_is(line, "EHLO"))
			fake_say(c, "250-fake.invalid\r\n250 STARTTLS\r\n");
		else if (fake_is(line, "STARTTLS")) {
			fake_say(c, "220 2.0.0 Ready to start TLS\r\n");
			mode_tarpit(c);
			return;
		}
	}
}

/* Lower case, padding, a tab: still STARTTLS (RFC 5321 §4.1.1.1). */
static void
mode_ehlo_quirks(struct fake_conn *c)
{
	fake_say(c, "220 fake.invalid ESMTP\r\n");
	fake_dialogue(c, "250-fake.invalid greets you\r\n"
	    "250-SIZE\t10240000\r\n250-starttls  \r\n250 8bitmime\r\n",
	    NULL);
}

static const struct fake_mode fake_modes[] = {
	{ "normal", mode_normal },
	{ "slow-greeting", mode_slow_greeting },
	{ "banner-notice", mode_banner_notice },
	{ "no-starttls", mode_no_starttls },
	{ "starttls-refused", mode_starttls_refused },
	{ "inject", mode_inject },
	{ "tarpit", mode_tarpit },
	{ "garbage", mode_garbage },
	{ "ehlo-reject", mode_ehlo_reject },
	{ "greet-554", mode_greet_554 },
	{ "out-of-turn", mode_out_of_turn },
	{ "tls10-only", mode_normal },
	{ "implicit", mode_implicit },
	{ "tls-hang", mode_tls_hang },
	{ "ehlo-quirks", mode_ehlo_quirks },
};

static void *
fake_serve(void *p)
{
	struct fake_conn	*c = p;
	struct timeval		 tv = { 30, 0 };

	setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	clock_gettime(CLOCK_MONOTONIC, &c->start);
	fake_log(c, 'S', "(connected)", 11);
	mode->run(c);
	fake_log(c, 'S', "(closed)", 8);
	if (c->ssl != NULL) {
		SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	close(c->fd);
	free(c);
	return NULL;
}

/* No SNI: switch to the other certificate, when there is one. */
static int
fake_servername(SSL *ssl, int *alert, void *arg)
{
	if (ctx_nosni != NULL &&
	    SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name) == NULL)
		SSL_set_SSL_CTX(ssl, ctx_nosni);
	return SSL_TLSEXT_ERR_OK;
}

static int
fake_status(SSL *ssl, void *arg)
{
	unsigned char	*copy;

	if (staple == NULL)
		return SSL_TLSEXT_ERR_NOACK;
	copy = OPENSSL_malloc(staple_len);
	memcpy(copy, staple, staple_len);
	SSL_set_tlsext_status_ocsp_resp(ssl, copy, (long)staple_len);
	return SSL_TLSEXT_ERR_OK;
}

static SSL_CTX *
fake_ctx(const char *cert, const char *key, int tls10)
{
	SSL_CTX	*c = SSL_CTX_new(TLS_server_method());

	if (c == NULL || SSL_CTX_use_certificate_chain_file(c, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM) != 1)
		fake_die("cannot load %s / %s", cert, key);
	if (tls10) {
		SSL_CTX_set_security_level(c, 0);
		SSL_CTX_set_min_proto_version(c, TLS1_VERSION);
		SSL_CTX_set_max_proto_version(c, TLS1_VERSION);
	}
	SSL_CTX_set_tlsext_servername_callback(c, fake_servername);
	SSL_CTX_set_tlsext_status_cb(c, fake_status);
	return c;
}

/* Binds addr:port; returns the socket. */
static int
fake_listen(const char *addr, int port)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 len;
	int			 fd, on = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		len = sizeof *sin;
	} else if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		len = sizeof *sin6;
	} else
		fake_die("not an address: %s", addr);
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fake_die("socket: %s", strerror(errno));
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
	if (bind(fd, (struct sockaddr *)&ss, len) != 0 ||
	    listen(fd, 256) != 0)
		fake_die("cannot listen on %s port %d: %s", addr, port,
		    strerror(errno));
	return fd;
}

static int
fake_port(int fd)
{
	struct sockaddr_storage	ss;
	socklen_t		len = sizeof ss;

	getsockname(fd, (struct sockaddr *)&ss, &len);
	if (ss.ss_family == AF_INET6)
		return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static void
fake_accept_loop(int *fds, size_t n)
{
	struct pollfd		 pfd[FAKE_MAX_LISTEN];
	struct fake_conn	*c;
	pthread_t		 t;
	size_t			 i;
	int			 fd;

	for (i = 0; i < n; i++) {
		pfd[i].fd = fds[i];
		pfd[i].events = POLLIN;
	}
	for (;;) {
		if (poll(pfd, n, -1) < 0 && errno != EINTR)
			fake_die("poll: %s", strerror(errno));
		for (i = 0; i < n; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if ((fd = accept4(fds[i], NULL, NULL,
			    SOCK_CLOEXEC)) == -1)
				continue;
			c = calloc(1, sizeof *c);
			c->fd = fd;
			if (pthread_create(&t, NULL, fake_serve, c) != 0) {
				close(fd);
				free(c);
				continue;
			}
			pthread_detach(t);
		}
	}
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, 'm' },
		{ "listen", required_argument, NULL, 'l' },
		{ "port", required_argument, NULL, 'p' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "nosni-cert", required_argument, NULL, 'C' },
		{ "nosni-key", required_argument, NULL, 'K' },
		{ "greeting1", required_argument, NULL, '1' },
		{ "greeting2", required_argument, NULL, '2' },
		{ "pause", required_argument, NULL, 'w' },
		{ "staple", required_argument, NULL, 's' },
		{ "transcript", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	const char	*addrs[FAKE_MAX_LISTEN], *cert = NULL, *key = NULL;
	const char	*cert2 = NULL, *key2 = NULL;
	int		 fds[FAKE_MAX_LISTEN], port = 0, ch;
	size_t		 naddrs = 0, i;

	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (ch) {
		case 'm':
			for (i = 0; i < sizeof fake_modes /
			    sizeof *fake_modes; i++)
				if (strcmp(fake_modes[i].name, optarg) == 0)
					mode = &fake_modes[i];
			if (mode == NULL)
				fake_die("unknown mode %s", optarg);
			break;
		case 'l':
			if (naddrs == FAKE_MAX_LISTEN)
				fake_die("too many addresses");
			addrs[naddrs++] = optarg;
			break;
		case 'p':
			port = atoi(optarg);
			break;
		case 'c':
			cert = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'C':
			cert2 = optarg;
			break;
		case 'K':
			key2 = optarg;
			break;
		case '1':
			greeting1 = fake_read_file(optarg, &greeting1_len);
			break;
		case '2':
			greeting2 = fake_read_file(optarg, &greeting2_len);
			break;
		case 'w':
			pause_s = atoi(optarg);
			break;
		case 's':
			staple = fake_read_file(optarg, &staple_len);
			break;
		case 't':
			if ((transcript = fopen(optarg, "a")) == NULL)
				fake_die("cannot open %s", optarg);
			break;
		default:
			exit(2);
		}
	}
	if (mode == NULL)
		fake_die("--mode is required");
	if (mode->run == mode_slow_greeting && (greeting1 == NULL ||
	    greeting2 == NULL))
		fake_die("slow-greeting needs --greeting1 and --greeting2");
	if (naddrs == 0)
		addrs[naddrs++] = "127.0.0.1";

	signal(SIGPIPE, SIG_IGN);
	if (cert != NULL)
		ctx = fake_ctx(cert, key != NULL ? key : cert,
		    strcmp(mode->name, "tls10-only") == 0);
	if (cert2 != NULL)
		ctx_nosni = fake_ctx(cert2, key2 != NULL ? key2 : cert2, 0);

	/* Port 0: the first bind picks it, the others reuse it. */
	for (i = 0; i < naddrs; i++) {
		fds[i] = fake_listen(addrs[i], port);
		if (port == 0)
			port = fake_port(fds[i]);
	}
	printf("%d\n", port);
	fflush(stdout);
	fake_accept_loop(fds, naddrs);
	return 0;
}
