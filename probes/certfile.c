/*
 * Certificate files without private keys: stripping, parsing, grouping
 * into Postfix's key-and-chain pairs (postconf(5), smtpd_tls_chain_files).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "certfile.h"
#include "strbuf.h"
#include "xmalloc.h"

#define CERTFILE_RULE	"postconf(5) smtpd_tls_chain_files"

/* "-----BEGIN ..." (or END) whose label ends in PRIVATE KEY. */
static int
certfile_key_marker(const char *line, size_t len, const char *what)
{
	static const char	tail[] = "PRIVATE KEY-----";
	size_t			wlen = strlen(what), tlen = sizeof tail - 1;

	while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' '))
		len--;
	return len >= wlen + tlen && strncmp(line, what, wlen) == 0 &&
	    memcmp(line + len - tlen, tail, tlen) == 0;
}

/*
 * One line through the filter: kept (with a newline) unless it is inside
 * a private key block.  *in_key carries the state from line to line.
 */
static void
certfile_filter_line(int *in_key, const char *line, size_t len,
    struct strbuf *out)
{
	if (!*in_key && certfile_key_marker(line, len, "-----BEGIN "))
		*in_key = 1;
	else if (*in_key && certfile_key_marker(line, len, "-----END "))
		*in_key = 0;
	else if (*in_key)
		return;
	strbuf_add(out, line, len);
	strbuf_add(out, "\n", 1);
}

char *
certfile_strip_keys(const char *text, size_t len)
{
	struct strbuf	 out = { NULL, 0, 0 };
	const char	*line = text, *end = text + len, *nl;
	size_t		 llen;
	int		 in_key = 0;

	while (line < end) {
		nl = memchr(line, '\n', (size_t)(end - line));
		llen = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
		certfile_filter_line(&in_key, line, llen, &out);
		line += llen + 1;
	}
	return strbuf_take(&out);
}

char *
certfile_read_local(const char *path, char **cause)
{
	struct strbuf	 out = { NULL, 0, 0 };
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0, total = 0, len;
	ssize_t		 n;
	int		 in_key = 0;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "cannot open %s: %s", path, strerror(errno));
		return NULL;
	}

	/* Whole lines, however long; a key line is wiped before the next. */
	while ((n = getline(&line, &cap, f)) != -1) {
		total += (size_t)n;
		if (total > CERTFILE_MAX) {
			xasprintf(cause, "%s is larger than %d bytes", path,
			    CERTFILE_MAX);
			goto fail;
		}
		len = strcspn(line, "\n");
		certfile_filter_line(&in_key, line, len, &out);
		explicit_bzero(line, cap);
	}
	if (ferror(f)) {
		xasprintf(cause, "cannot read %s", path);
		goto fail;
	}
	free(line);
	fclose(f);
	return strbuf_take(&out);

fail:
	if (line != NULL)
		explicit_bzero(line, cap);
	free(line);
	fclose(f);
	strbuf_free(&out);
	return NULL;
}

/* Adds one block; the certificate is parsed from its PEM text. */
static int
certfile_add(struct certfile *cf, const char *label, const char *pem,
    size_t len, char **cause)
{
	struct certfile_block	*b;
	BIO			*bio;
	X509			*x = NULL;
	int			 is_key;

	is_key = strstr(label, "PRIVATE KEY") != NULL;
	if (!is_key && strcmp(label, "CERTIFICATE") != 0 &&
	    strcmp(label, "TRUSTED CERTIFICATE") != 0)
		return 0;
	if (cf->nblocks == CERTFILE_MAX_BLOCKS) {
		xasprintf(cause, "more than %d PEM blocks",
		    CERTFILE_MAX_BLOCKS);
		return -1;
	}
	if (!is_key) {
		bio = BIO_new_mem_buf(pem, (int)len);
		x = strcmp(label, "CERTIFICATE") == 0 ?
		    PEM_read_bio_X509(bio, NULL, NULL, NULL) :
		    PEM_read_bio_X509_AUX(bio, NULL, NULL, NULL);
		BIO_free(bio);
		if (x == NULL) {
			xasprintf(cause, "certificate %zu does not parse",
			    cf->nblocks + 1);
			return -1;
		}
	}

	cf->blocks = xreallocarray(cf->blocks, cf->nblocks + 1,
	    sizeof *cf->blocks);
	b = &cf->blocks[cf->nblocks++];
	b->is_key = is_key;
	b->label = xstrdup(label);
	b->cert = x;
	return 0;
}

int
certfile_parse(const char *text, struct certfile *cf, char **cause)
{
	const char	*p = text, *begin, *end, *label_end;
	char		*label, *endmark;
	int		 rc = 0;

	memset(cf, 0, sizeof *cf);
	while (rc == 0 && (begin = strstr(p, "-----BEGIN ")) != NULL) {
		label_end = strstr(begin + 11, "-----");
		if (label_end == NULL || memchr(begin, '\n',
		    (size_t)(label_end - begin)) != NULL)
			break;
		label = xstrndup(begin + 11, (size_t)(label_end - begin - 11));
		endmark = xprintf("-----END %s-----", label);
		if ((end = strstr(label_end, endmark)) == NULL) {
			xasprintf(cause, "\"%s\" block has no END line", label);
			rc = -1;
		} else {
			end += strlen(endmark);
			rc = certfile_add(cf, label, begin,
			    (size_t)(end - begin), cause);
			p = end;
		}
		free(label);
		free(endmark);
	}
	if (rc != 0)
		certfile_free(cf);
	return rc;
}

void
certfile_free(struct certfile *cf)
{
	size_t	i;

	for (i = 0; i < cf->nblocks; i++) {
		free(cf->blocks[i].label);
		X509_free(cf->blocks[i].cert);
	}
	free(cf->blocks);
	memset(cf, 0, sizeof *cf);
}

const char *
certfile_key_algorithm(X509 *x)
{
	EVP_PKEY	*pk = X509_get0_pubkey(x);

	if (pk == NULL)
		return "unknown";
	switch (EVP_PKEY_get_base_id(pk)) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS:
		return "RSA";
	case EVP_PKEY_EC:
		return "ECDSA";
	case EVP_PKEY_ED25519:
		return "Ed25519";
	case EVP_PKEY_ED448:
		return "Ed448";
	case EVP_PKEY_DSA:
		return "DSA";
	}
	return "unknown";
}

static struct certfile_chain *
certfile_chain_new(struct certfile_chain **v, size_t *n, int has_key,
    const char *path)
{
	struct certfile_chain	*c;

	*v = xreallocarray(*v, *n + 1, sizeof **v);
	c = &(*v)[(*n)++];
	c->has_key = has_key;
	c->certs = sk_X509_new_null();
	c->path = path;
	return c;
}

/* Keys of one algorithm twice: Postfix keeps only one of them. */
static void
certfile_check_algorithms(const struct certfile_chain *v, size_t n,
    struct findings *fs)
{
	const char	*a, *b;
	size_t		 i, j;

	for (i = 0; i < n; i++) {
		if (sk_X509_num(v[i].certs) == 0)
			continue;
		a = certfile_key_algorithm(sk_X509_value(v[i].certs, 0));
		for (j = i + 1; j < n; j++) {
			if (sk_X509_num(v[j].certs) == 0)
				continue;
			b = certfile_key_algorithm(sk_X509_value(v[j].certs,
			    0));
			if (strcmp(a, b) == 0)
				findings_add_req(fs, SEV_WARN, REQ_ADVICE,
				    "mta.duplicate-key-type", CERTFILE_RULE,
				    "two %s keys (in %s and %s): Postfix "
				    "uses only one of them, or refuses the "
				    "configuration", a, v[i].path, v[j].path);
		}
	}
}

struct certfile_chain *
certfile_chains(const struct certfile *files, const char *const *paths,
    size_t n, size_t *nchains, struct findings *fs)
{
	struct certfile_chain	*v = NULL, *cur = NULL;
	const struct certfile_block *b;
	size_t			 i, j;

	*nchains = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < files[i].nblocks; j++) {
			b = &files[i].blocks[j];
			if (b->is_key) {
				if (cur != NULL && sk_X509_num(cur->certs) == 0)
					findings_add(fs, SEV_ERROR,
					    "mta.key-without-cert",
					    CERTFILE_RULE, "%s: a private key "
					    "is followed by another key, not "
					    "by its certificate", paths[i]);
				cur = certfile_chain_new(&v, nchains, 1,
				    paths[i]);
				continue;
			}
			if (cur == NULL) {
				findings_add(fs, SEV_ERROR,
				    "mta.cert-before-key", CERTFILE_RULE,
				    "%s: a certificate comes before any "
				    "private key; Postfix wants each key "
				    "immediately before its certificate",
				    paths[i]);
				cur = certfile_chain_new(&v, nchains, 0,
				    paths[i]);
			}
			if (sk_X509_num(cur->certs) == 0)
				cur->path = paths[i];
			X509_up_ref(b->cert);
			sk_X509_push(cur->certs, b->cert);
		}
	}
	if (cur != NULL && sk_X509_num(cur->certs) == 0)
		findings_add(fs, SEV_ERROR, "mta.key-without-cert",
		    CERTFILE_RULE, "%s: the last private key has no "
		    "certificate after it", cur->path);
	certfile_check_algorithms(v, *nchains, fs);
	return v;
}

void
certfile_chains_free(struct certfile_chain *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		sk_X509_pop_free(v[i].certs, X509_free);
	free(v);
}
