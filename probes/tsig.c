/*
 * Reading TSIG keys (RFC 8945 §4) in the knsupdate and BIND formats.
 *
 * Parsing is by hand and small: the two formats are simple, and a
 * general parser for BIND configuration would accept far more than a key
 * file holds.  Messages name the file and the line, never the secret.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tsig.h"
#include "xmalloc.h"

/* Algorithms as files name them, and as ldns wants them. */
static const struct {
	const char	*name;
	const char	*ldns;
} tsig_algorithms[] = {
	{ "hmac-md5", "hmac-md5.sig-alg.reg.int." },
	{ "hmac-md5.sig-alg.reg.int", "hmac-md5.sig-alg.reg.int." },
	{ "hmac-sha1", "hmac-sha1." },
	{ "hmac-sha224", "hmac-sha224." },
	{ "hmac-sha256", "hmac-sha256." },
	{ "hmac-sha384", "hmac-sha384." },
	{ "hmac-sha512", "hmac-sha512." },
};

static const char *
tsig_algorithm(const char *name, size_t len)
{
	size_t	i;

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (i = 0; i < sizeof tsig_algorithms / sizeof *tsig_algorithms; i++)
		if (strlen(tsig_algorithms[i].name) == len &&
		    strncasecmp(tsig_algorithms[i].name, name, len) == 0)
			return tsig_algorithms[i].ldns;
	return NULL;
}

/* A key name: a domain name of letters, digits, '-', '_' and '.'. */
static char *
tsig_name(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 253)
		return NULL;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("-_.", s[i]) ==
		    NULL)
			return NULL;
	return xprintf("%.*s%s", (int)len, s, s[len - 1] == '.' ? "" : ".");
}

/* A base64 secret that decodes to at least one byte. */
static int
tsig_secret_ok(const char *s, size_t len)
{
	size_t	i, pad = 0;

	if (len < 4 || len % 4 != 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (!isalnum((unsigned char)s[i]) && s[i] != '+' &&
		    s[i] != '/'))
			return 0;
	}
	return pad <= 2;
}

static void
tsig_wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* Fills k from its three parts; each is (pointer, length). */
static int
tsig_set(struct tsig_key *k, const char *alg, size_t alen, const char *name,
    size_t nlen, const char *secret, size_t slen, const char *file,
    char **cause)
{
	const char	*ldns_alg;

	if ((ldns_alg = tsig_algorithm(alg, alen)) == NULL) {
		xasprintf(cause, "%s: unknown TSIG algorithm \"%.*s\"", file,
		    (int)(alen > 32 ? 32 : alen), alg);
		return -1;
	}
	if ((k->name = tsig_name(name, nlen)) == NULL) {
		xasprintf(cause, "%s: the key name is not a domain name", file);
		return -1;
	}
	if (!tsig_secret_ok(secret, slen)) {
		xasprintf(cause, "%s: the secret of key %s is not base64",
		    file, k->name);
		return -1;
	}
	k->algorithm = xstrdup(ldns_alg);
	k->secret = xstrndup(secret, slen);
	return 0;
}

/* "[alg:]name:secret" on the first line that is not a comment. */
static int
tsig_parse_line(const char *text, const char *file, struct tsig_key *k,
    char **cause)
{
	const char	*line = text, *end, *c1, *c2;

	while (*line == '#' || *line == '\n' || *line == '\r' ||
	    *line == ' ' || *line == '\t') {
		if (*line == '#')
			line += strcspn(line, "\n");
		else
			line++;
	}
	end = line + strcspn(line, "\r\n");
	while (end > line && isspace((unsigned char)end[-1]))
		end--;

	c1 = memchr(line, ':', (size_t)(end - line));
	c2 = c1 != NULL ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
	if (c1 == NULL) {
		xasprintf(cause, "%s holds no TSIG key (want "
		    "\"hmac-sha256:NAME:SECRET\" or a BIND key clause)", file);
		return -1;
	}
	if (c2 == NULL)
		return tsig_set(k, "hmac-sha256", 11, line,
		    (size_t)(c1 - line), c1 + 1, (size_t)(end - c1 - 1), file,
		    cause);
	return tsig_set(k, line, (size_t)(c1 - line), c1 + 1,
	    (size_t)(c2 - c1 - 1), c2 + 1, (size_t)(end - c2 - 1), file,
	    cause);
}

/* After key: the value of "WORD value;" inside the braces, unquoted. */
static int
tsig_clause(const char *body, const char *word, const char **v, size_t *len)
{
	const char	*p = body;
	size_t		 wlen = strlen(word);

	while ((p = strstr(p, word)) != NULL) {
		if ((p == body || isspace((unsigned char)p[-1]) ||
		    p[-1] == '{' || p[-1] == ';') &&
		    isspace((unsigned char)p[wlen]))
			break;
		p += wlen;
	}
	if (p == NULL)
		return -1;
	p += wlen;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"') {
		*v = ++p;
		*len = strcspn(p, "\"");
		return p[*len] == '"' ? 0 : -1;
	}
	*v = p;
	*len = strcspn(p, "; \t\r\n}");
	return 0;
}

/* key "NAME" { algorithm ALG; secret "SECRET"; }; */
static int
tsig_parse_bind(const char *text, const char *file, struct tsig_key *k,
    char **cause)
{
	const char	*p, *name, *alg, *secret, *brace;
	size_t		 nlen, alen, slen;

	p = text + 3;
	while (isspace((unsigned char)*p))
		p++;
	name = *p == '"' ? p + 1 : p;
	nlen = strcspn(name, *p == '"' ? "\"" : " \t\r\n{");
	if ((brace = strchr(name + nlen, '{')) == NULL ||
	    strchr(brace, '}') == NULL) {
		xasprintf(cause, "%s: the key clause has no { ... }", file);
		return -1;
	}
	if (tsig_clause(brace + 1, "algorithm", &alg, &alen) != 0 ||
	    tsig_clause(brace + 1, "secret", &secret, &slen) != 0) {
		xasprintf(cause, "%s: the key clause needs an algorithm and a "
		    "secret", file);
		return -1;
	}
	return tsig_set(k, alg, alen, name, nlen, secret, slen, file, cause);
}

/* Where a BIND key clause starts (after comments), or NULL. */
static const char *
tsig_bind_start(const char *text)
{
	const char	*p = text;

	while (*p != '\0') {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '#' || (p[0] == '/' && p[1] == '/')) {
			p += strcspn(p, "\n");
			continue;
		}
		if (strncmp(p, "key", 3) == 0 &&
		    (isspace((unsigned char)p[3]) || p[3] == '"'))
			return p;
		return NULL;
	}
	return NULL;
}

int
tsig_key_parse(const char *text, const char *file, struct tsig_key *k,
    char **cause)
{
	const char	*start;
	int		 rc;

	memset(k, 0, sizeof *k);
	if ((start = tsig_bind_start(text)) != NULL)
		rc = tsig_parse_bind(start, file, k, cause);
	else
		rc = tsig_parse_line(text, file, k, cause);
	if (rc != 0)
		tsig_key_free(k);
	return rc;
}

int
tsig_key_load(const char *path, struct tsig_key *k, char **cause)
{
	struct stat	 sb;
	char		*buf;
	ssize_t		 n;
	size_t		 got = 0;
	int		 fd, rc = -1;

	memset(k, 0, sizeof *k);
	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		xasprintf(cause, "cannot open TSIG key file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) ||
	    sb.st_size > TSIG_FILE_MAX) {
		xasprintf(cause, "%s is not a TSIG key file", path);
		close(fd);
		return -1;
	}

	buf = xmalloc((size_t)sb.st_size + 1);
	while (got < (size_t)sb.st_size) {
		n = read(fd, buf + got, (size_t)sb.st_size - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	if (got != (size_t)sb.st_size || strlen(buf) != got)
		xasprintf(cause, "cannot read TSIG key file %s", path);
	else
		rc = tsig_key_parse(buf, path, k, cause);
	explicit_bzero(buf, got);
	free(buf);
	return rc;
}

void
tsig_key_free(struct tsig_key *k)
{
	free(k->name);
	free(k->algorithm);
	tsig_wipe_free(k->secret);
	memset(k, 0, sizeof *k);
}

void
tsig_key_apply(const struct tsig_key *k, ldns_resolver *res)
{
	ldns_resolver_set_tsig_keyname(res, k->name);
	ldns_resolver_set_tsig_algorithm(res, k->algorithm);
	ldns_resolver_set_tsig_keydata(res, k->secret);
}

void
tsig_key_wipe_from(ldns_resolver *res)
{
	char	*data = (char *)ldns_resolver_tsig_keydata(res);

	if (data != NULL)
		explicit_bzero(data, strlen(data));
}
