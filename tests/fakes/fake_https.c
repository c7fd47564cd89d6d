/*
 * fake_https: an HTTPS server that misbehaves on purpose, as the policy
 * host of MTA-STS (RFC 8461 §3.3), for tests/integration/hostile.sh.
 *
 * The server name the client asks for (SNI) chooses the behaviour: the
 * label after "mta-sts." in mta-sts.LABEL.hostile.test.
 *
 *   ok            200, text/plain, a valid policy (the control case)
 *   redirect      301 to another host
 *   big           a body of 64 KiB + 1 with its Content-Length
 *   big-chunked   the same, chunked, with no length announced
 *   slow          a valid policy at one byte a second
 *   gzip          Content-Encoding: gzip that inflates to 32 MiB
 *   html          a valid policy served as text/html
 *   huge-headers  header lines without end (until the client goes)
 *   latin1        a policy whose mode is Latin-1 text, not UTF-8
 *   tls-hang      reads the ClientHello and never answers it
 *   plaintext     answers the ClientHello with plain HTTP
 *
 * Usage: fake_https ADDR PORT CERT KEY.  CERT must name every host the
 * tests use.  Prints "ready" once it listens; one thread per connection.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <zlib.h>

#define FAKE_BIG_BODY		(64 * 1024 + 1)
#define FAKE_BOMB_SIZE		(32 * 1024 * 1024)

/* Every MX of the zone is mx.LABEL.hostile.test. */
#define FAKE_POLICY \
    "version: STSv1\r\nmode: testing\r\nmx: mx.%s.hostile.test\r\n" \
    "max_age: 86400\r\n"

static const char fake_plain[] =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nnot TLS\r\n";

static const char fake_latin1[] =
    "version: STSv1\r\nmode: t\xe9sting\r\nmx: mx.latin1.hostile.test\r\n"
    "max_age: 86400\r\n";

static SSL_CTX		*ctx;
static unsigned char	*bomb;
static size_t		 bomb_len;

struct fake_conn {
	int	 fd;
	SSL	*ssl;
	char	 label[64];	/* from the SNI */
	char	 policy[256];	/* a valid policy for the label's MX */
	size_t	 policy_len;
};

/* "mta-sts.LABEL.hostile.test" -> LABEL; "" for any other name. */
static void
fake_label(const char *name, char *label, size_t size)
{
	const char	*start, *dot;

	label[0] = '\0';
	if (name == NULL || strncmp(name, "mta-sts.", 8) != 0)
		return;
	start = name + 8;
	if ((dot = strchr(start, '.')) == NULL ||
	    (size_t)(dot - start) >= size)
		return;
	memcpy(label, start, (size_t)(dot - start));
	label[dot - start] = '\0';
}

/* The server name of a ClientHello, from its raw extension. */
static void
fake_hello_name(SSL *ssl, char *label, size_t size)
{
	const unsigned char	*p;
	size_t			 len, n;
	char			 name[256];

	label[0] = '\0';
	if (!SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &p,
	    &len) || len < 5)
		return;
	/* list length (2), name type (1), name length (2), name */
	n = (size_t)p[3] << 8 | p[4];
	if (p[2] != 0 || n + 5 > len || n >= sizeof name)
		return;
	memcpy(name, p + 5, n);
	name[n] = '\0';
	fake_label(name, label, size);
}

/*
 * The misbehaviours that happen before TLS: a pause on the ClientHello
 * (the handshake is suspended and never resumed), or plain text.
 */
static int
fake_client_hello(SSL *ssl, int *alert, void *arg)
{
	struct fake_conn	*c = SSL_get_app_data(ssl);

	fake_hello_name(ssl, c->label, sizeof c->label);
	if (strcmp(c->label, "tls-hang") == 0)
		return SSL_CLIENT_HELLO_RETRY;
	if (strcmp(c->label, "plaintext") == 0) {
		if (write(c->fd, fake_plain, sizeof fake_plain - 1) < 0)
			return SSL_CLIENT_HELLO_ERROR;
		*alert = SSL_AD_INTERNAL_ERROR;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

static int
fake_write(struct fake_conn *c, const void *p, size_t len)
{
	return len == 0 || SSL_write(c->ssl, p, (int)len) > 0 ? 0 : -1;
}

static int	fake_printf(struct fake_conn *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));

static int
fake_printf(struct fake_conn *c, const char *fmt, ...)
{
	va_list	 ap;
	char	 buf[1024];
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return fake_write(c, buf, (size_t)n);
}

/* The request is read and ignored: the name already said what to do. */
static void
fake_read_request(struct fake_conn *c)
{
	char	buf[8192];
	size_t	len = 0, room;
	int	n;

	while ((room = sizeof buf - 1 - len) > 0 &&
	    (n = SSL_read(c->ssl, buf + len, (int)room)) > 0) {
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, "\r\n\r\n") != NULL)
			break;
	}
}

static void
fake_headers(struct fake_conn *c, const char *status, const char *type,
    long long length, const char *extra)
{
	fake_printf(c, "HTTP/1.1 %s\r\nContent-Type: %s\r\n%s", status, type,
	    extra);
	if (length >= 0)
		fake_printf(c, "Content-Length: %lld\r\n", length);
	fake_printf(c, "Connection: close\r\n\r\n");
}

/* A policy padded with comment-like filler to len bytes. */
static char *
fake_padded(struct fake_conn *c, size_t len)
{
	char	*body;

	body = malloc(len);
	memset(body, '#', len);
	memcpy(body, c->policy, c->policy_len);
	body[len - 1] = '\n';
	return body;
}

static void
fake_big_chunked(struct fake_conn *c)
{
	char	*body = fake_padded(c, FAKE_BIG_BODY);
	size_t	 off, n;

	fake_headers(c, "200 OK", "text/plain", -1,
	    "Transfer-Encoding: chunked\r\n");
	for (off = 0; off < FAKE_BIG_BODY; off += n) {
		n = FAKE_BIG_BODY - off < 4096 ? FAKE_BIG_BODY - off : 4096;
		if (fake_printf(c, "%zx\r\n", n) != 0 ||
		    fake_write(c, body + off, n) != 0 ||
		    fake_write(c, "\r\n", 2) != 0)
			break;
	}
	fake_write(c, "0\r\n\r\n", 5);
	free(body);
}

static void
fake_slow(struct fake_conn *c)
{
	size_t	i;

	fake_headers(c, "200 OK", "text/plain", c->policy_len, "");
	for (i = 0; i < c->policy_len; i++) {
		if (fake_write(c, c->policy + i, 1) != 0)
			return;
		sleep(1);
	}
}

static void
fake_huge_headers(struct fake_conn *c)
{
	char	filler[101];
	int	i;

	memset(filler, 'f', 100);
	filler[100] = '\0';
	fake_printf(c, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n");
	for (i = 0; fake_printf(c, "X-Filler-%d: %s\r\n", i, filler) == 0;
	    i++)
		continue;
}

static void
fake_respond(struct fake_conn *c)
{
	const char	*l = c->label;
	char		*body;

	if (strcmp(l, "redirect") == 0) {
		fake_headers(c, "301 Moved Permanently", "text/html", 0,
		    "Location: https://mta-sts.elsewhere.example"
		    "/.well-known/mta-sts.txt\r\n");
	} else if (strcmp(l, "big") == 0) {
		body = fake_padded(c, FAKE_BIG_BODY);
		fake_headers(c, "200 OK", "text/plain", FAKE_BIG_BODY, "");
		fake_write(c, body, FAKE_BIG_BODY);
		free(body);
	} else if (strcmp(l, "big-chunked") == 0) {
		fake_big_chunked(c);
	} else if (strcmp(l, "slow") == 0) {
		fake_slow(c);
	} else if (strcmp(l, "gzip") == 0) {
		fake_headers(c, "200 OK", "text/plain", (long long)bomb_len,
		    "Content-Encoding: gzip\r\n");
		fake_write(c, bomb, bomb_len);
	} else if (strcmp(l, "html") == 0) {
		fake_headers(c, "200 OK", "text/html", c->policy_len,
		    "");
		fake_write(c, c->policy, c->policy_len);
	} else if (strcmp(l, "latin1") == 0) {
		fake_headers(c, "200 OK", "text/plain", sizeof fake_latin1 - 1,
		    "");
		fake_write(c, fake_latin1, sizeof fake_latin1 - 1);
	} else if (strcmp(l, "huge-headers") == 0) {
		fake_huge_headers(c);
	} else {
		fake_headers(c, "200 OK", "text/plain", c->policy_len,
		    "");
		fake_write(c, c->policy, c->policy_len);
	}
}

/* Holds a suspended handshake until the client gives up. */
static void
fake_hold(struct fake_conn *c)
{
	char	buf[512];

	while (read(c->fd, buf, sizeof buf) > 0)
		continue;
}

static void *
fake_serve(void *arg)
{
	struct fake_conn	*c = arg;
	int			 rc;

	c->ssl = SSL_new(ctx);
	SSL_set_app_data(c->ssl, c);
	SSL_set_fd(c->ssl, c->fd);
	rc = SSL_accept(c->ssl);
	if (rc <= 0 && SSL_get_error(c->ssl, rc) ==
	    SSL_ERROR_WANT_CLIENT_HELLO_CB)
		fake_hold(c);
	else if (rc == 1) {
		c->policy_len = (size_t)snprintf(c->policy, sizeof c->policy,
		    FAKE_POLICY, c->label);
		fake_read_request(c);
		fake_respond(c);
		SSL_shutdown(c->ssl);
	}
	SSL_free(c->ssl);
	close(c->fd);
	free(c);
	return NULL;
}

/* gzip of a policy and then zeros: small on the wire, huge inflated. */
static void
fake_make_bomb(void)
{
	z_stream	 z;
	unsigned char	*zeros;

	zeros = calloc(1, FAKE_BOMB_SIZE);
	snprintf((char *)zeros, 256, FAKE_POLICY, "gzip");
	bomb_len = compressBound(FAKE_BOMB_SIZE) + 64;
	bomb = malloc(bomb_len);
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		exit(1);
	z.next_in = zeros;
	z.avail_in = FAKE_BOMB_SIZE;
	z.next_out = bomb;
	z.avail_out = (uInt)bomb_len;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		exit(1);
	bomb_len = z.total_out;
	deflateEnd(&z);
	free(zeros);
}

static void
fake_tls_setup(const char *cert, const char *key)
{
	ctx = SSL_CTX_new(TLS_server_method());
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		ERR_print_errors_fp(stderr);
		exit(1);
	}
	SSL_CTX_set_client_hello_cb(ctx, fake_client_hello, NULL);
}

static int
fake_listen(const char *addr, int port)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof sin);
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		fprintf(stderr, "fake_https: bad address %s\n", addr);
		exit(1);
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof sin) != 0 ||
	    listen(fd, 16) != 0) {
		fprintf(stderr, "fake_https: %s:%d: %s\n", addr, port,
		    strerror(errno));
		exit(1);
	}
	return fd;
}

int
main(int argc, char **argv)
{
	struct fake_conn	*c;
	pthread_t		 t;
	int			 lfd, fd;

	if (argc != 5) {
		fprintf(stderr, "usage: fake_https ADDR PORT CERT KEY\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	fake_tls_setup(argv[3], argv[4]);
	fake_make_bomb();
	lfd = fake_listen(argv[1], atoi(argv[2]));

	printf("ready\n");
	fflush(stdout);
	for (;;) {
		if ((fd = accept(lfd, NULL, NULL)) == -1)
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
