/*
 * TLSA records from credentials: RFC 6698 §2.1 (fields), RFC 7671 §5.1
 * and RFC 7672 §3.1 (what DANE-EE and DANE-TA match in SMTP).
 *
 * A record for a certificate is computed from the certificate's own
 * encoding (tlsa.c), so that "3 1 1" hashes exactly the SubjectPublicKeyInfo
 * the server sends; a bare key is encoded by OpenSSL, which gives the same
 * bytes for the named-curve and RSA keys servers use.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "strbuf.h"
#include "tlsa.h"
#include "tlsagen.h"
#include "xmalloc.h"

#define RFC_TLSA_USAGES	"RFC 7672 §3.1"

/* The association data of a bare public key: selector 1 only. */
static char *
tlsagen_pubkey_data(EVP_PKEY *pk, uint8_t mtype)
{
	struct tlsa_record	 t;
	unsigned char		*der = NULL, md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen;
	char			*hex = NULL;
	int			 len;

	if ((len = i2d_PUBKEY(pk, &der)) <= 0)
		return NULL;
	memset(&t, 0, sizeof t);
	if (mtype == 0) {
		t.data = der;
		t.len = (size_t)len;
		hex = tlsa_data_hex(&t);
	} else if (EVP_Digest(der, (size_t)len, md, &mdlen, mtype == 1 ?
	    EVP_sha256() : EVP_sha512(), NULL) == 1) {
		t.data = md;
		t.len = mdlen;
		hex = tlsa_data_hex(&t);
	}
	OPENSSL_free(der);
	return hex;
}

char *
tlsagen_data(const struct cred *c, uint8_t usage, uint8_t selector,
    uint8_t mtype, char **cause)
{
	X509	*issuer;

	if (selector > 1 || mtype > 2) {
		xasprintf(cause, "selector must be 0 or 1 and matching type "
		    "0, 1 or 2 (RFC 6698 §2.1.2, §2.1.3)");
		return NULL;
	}
	switch (usage) {
	case 3:
		if (c->leaf != NULL)
			return tlsa_cert_digest_hex(c->leaf, selector, mtype);
		if (selector == 0) {
			xasprintf(cause, "%s: selector 0 hashes the whole "
			    "certificate, and this is a bare key; use "
			    "selector 1 or give the certificate", c->source);
			return NULL;
		}
		return tlsagen_pubkey_data(c->pub, mtype);
	case 2:
		if ((issuer = credfile_issuer(c)) == NULL) {
			xasprintf(cause, "%s: usage 2 (DANE-TA) needs the "
			    "issuer certificate after the leaf; give the "
			    "full chain", c->source);
			return NULL;
		}
		return tlsa_cert_digest_hex(issuer, selector, mtype);
	}
	xasprintf(cause, "usage %u is not for SMTP: use 3 (DANE-EE) or 2 "
	    "(DANE-TA) (%s)", usage, RFC_TLSA_USAGES);
	return NULL;
}

/* 1 when set already has this record. */
static int
tlsagen_has(const struct tlsagen_set *set, const char *host, int port,
    uint8_t usage, uint8_t selector, uint8_t mtype, const char *hex)
{
	const struct tlsagen_rr	*r;
	size_t			 i;

	for (i = 0; i < set->n; i++) {
		r = &set->v[i];
		if (r->port == port && r->usage == usage &&
		    r->selector == selector && r->mtype == mtype &&
		    strcmp(r->host, host) == 0 && strcmp(r->hex, hex) == 0)
			return 1;
	}
	return 0;
}

void
tlsagen_push(struct tlsagen_set *set, const char *host, int port,
    uint8_t usage, uint8_t selector, uint8_t mtype, const char *hex,
    const char *algorithm, const char *source)
{
	struct tlsagen_rr	*r;

	if (tlsagen_has(set, host, port, usage, selector, mtype, hex))
		return;
	set->v = xreallocarray(set->v, set->n + 1, sizeof *set->v);
	r = &set->v[set->n++];
	r->host = xstrdup(host);
	r->port = port;
	r->usage = usage;
	r->selector = selector;
	r->mtype = mtype;
	r->hex = xstrdup(hex);
	r->algorithm = algorithm;
	r->source = xstrdup(source);
}

int
tlsagen_add(struct tlsagen_set *set, const struct credfile_set *creds,
    const char *const *hosts, size_t nhosts, const int *ports, size_t nports,
    uint8_t usage, uint8_t selector, uint8_t mtype, char **cause)
{
	char	*hex;
	size_t	 i, h, p;

	for (i = 0; i < creds->n; i++) {
		hex = tlsagen_data(&creds->v[i], usage, selector, mtype, cause);
		if (hex == NULL)
			return -1;
		for (h = 0; h < nhosts; h++) {
			for (p = 0; p < nports; p++)
				tlsagen_push(set, hosts[h], ports[p], usage,
				    selector, mtype, hex, credfile_algorithm(
				    creds->v[i].pub), creds->v[i].source);
		}
		free(hex);
	}
	return 0;
}

void
tlsagen_set_free(struct tlsagen_set *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++) {
		free(set->v[i].host);
		free(set->v[i].hex);
		free(set->v[i].source);
	}
	free(set->v);
	memset(set, 0, sizeof *set);
}

char *
tlsagen_owner(const char *host, int port)
{
	size_t	len = strlen(host);

	if (len > 0 && host[len - 1] == '.')
		len--;
	return xprintf("_%d._tcp.%.*s", port, (int)len, host);
}

/* A name fit to be an MX host: letters, digits, '-', '.', no wildcard. */
static int
tlsagen_host_ok(const char *s, size_t len)
{
	size_t	i;

	if (len == 0 || len > 253)
		return 0;
	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '-' &&
		    s[i] != '.')
			return 0;
	return 1;
}

static void
tlsagen_host_push(char ***v, size_t *n, const char *s, size_t len)
{
	char	*name;
	size_t	 i;

	if (!tlsagen_host_ok(s, len))
		return;
	name = xstrndup(s, len);
	for (i = 0; i < len; i++)
		name[i] = (char)tolower((unsigned char)name[i]);
	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i], name) == 0) {
			free(name);
			return;
		}
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = name;
}

/* The DNS names of one certificate: SAN dNSNames, else the CN. */
static void
tlsagen_names_of(X509 *x, char ***v, size_t *n)
{
	GENERAL_NAMES		*sans;
	const GENERAL_NAME	*gn;
	const ASN1_STRING	*s;
	X509_NAME		*subject;
	int			 i, idx, found = 0;

	sans = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	for (i = 0; sans != NULL && i < sk_GENERAL_NAME_num(sans); i++) {
		gn = sk_GENERAL_NAME_value(sans, i);
		if (gn->type != GEN_DNS)
			continue;
		s = gn->d.dNSName;
		tlsagen_host_push(v, n, (const char *)ASN1_STRING_get0_data(s),
		    (size_t)ASN1_STRING_length(s));
		found = 1;
	}
	GENERAL_NAMES_free(sans);
	if (found)
		return;

	subject = X509_get_subject_name(x);
	idx = X509_NAME_get_index_by_NID(subject, NID_commonName, -1);
	if (idx < 0)
		return;
	s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, idx));
	tlsagen_host_push(v, n, (const char *)ASN1_STRING_get0_data(s),
	    (size_t)ASN1_STRING_length(s));
}

char **
tlsagen_cert_hosts(const struct credfile_set *creds, size_t *n)
{
	char	**v = NULL;
	size_t	  i;

	*n = 0;
	for (i = 0; i < creds->n; i++)
		if (creds->v[i].leaf != NULL)
			tlsagen_names_of(creds->v[i].leaf, &v, n);
	return v;
}

void
tlsagen_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* "_25._tcp.mx.example.net. [TTL ]IN TLSA 3 1 1 HEX" */
static void
tlsagen_rr_line(struct strbuf *b, const struct tlsagen_rr *r, long ttl)
{
	char	*owner = tlsagen_owner(r->host, r->port);

	strbuf_printf(b, "%s.", owner);
	if (ttl >= 0)
		strbuf_printf(b, " %ld", ttl);
	strbuf_printf(b, " IN TLSA %u %u %u %s", r->usage, r->selector,
	    r->mtype, r->hex);
	free(owner);
}

char *
tlsagen_zone(const struct tlsagen_set *set, long ttl)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;

	for (i = 0; i < set->n; i++) {
		strbuf_printf(&b, "; %s%s key from %s\n",
		    set->v[i].usage == 2 ? "issuer of the " : "",
		    set->v[i].algorithm, set->v[i].source);
		tlsagen_rr_line(&b, &set->v[i], ttl);
		strbuf_printf(&b, "\n");
	}
	return strbuf_take(&b);
}

/* Is every record's owner name at or below zone? */
static int
tlsagen_in_zone(const struct tlsagen_set *set, const char *zone)
{
	char	*owner;
	size_t	 i, zlen = strlen(zone), olen;
	int	 in = 1;

	if (zlen > 0 && zone[zlen - 1] == '.')
		zlen--;
	for (i = 0; i < set->n && in; i++) {
		owner = tlsagen_owner(set->v[i].host, set->v[i].port);
		olen = strlen(owner);
		if (olen > 0 && owner[olen - 1] == '.')
			olen--;
		in = olen > zlen && owner[olen - zlen - 1] == '.' &&
		    strncasecmp(owner + olen - zlen, zone, zlen) == 0;
		free(owner);
	}
	return in;
}

char *
tlsagen_nsupdate(const struct tlsagen_set *set, long ttl, const char *server,
    const char *zone)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const char	*at;
	size_t		 i;

	if (server != NULL) {
		if ((at = strchr(server, '@')) != NULL)
			strbuf_printf(&b, "server %.*s %s\n",
			    (int)(at - server), server, at + 1);
		else
			strbuf_printf(&b, "server %s\n", server);
	}
	/*
	 * One UPDATE message may only touch one zone.  When an MX host
	 * lives in another zone than the domain, each record goes in a
	 * message of its own, and nsupdate finds each one's zone itself.
	 */
	if (zone != NULL && !tlsagen_in_zone(set, zone))
		zone = NULL;
	if (zone != NULL)
		strbuf_printf(&b, "zone %s%s\n", zone,
		    zone[strlen(zone) - 1] == '.' ? "" : ".");
	for (i = 0; i < set->n; i++) {
		strbuf_printf(&b, "update add ");
		tlsagen_rr_line(&b, &set->v[i], ttl < 0 ? 3600 : ttl);
		strbuf_printf(&b, "\n");
		if (zone == NULL)
			strbuf_printf(&b, "send\n");
	}
	if (zone != NULL)
		strbuf_printf(&b, "send\n");
	return strbuf_take(&b);
}

char *
tlsagen_list(const struct tlsagen_set *set)
{
	struct strbuf	 b = { NULL, 0, 0 };
	char		*owner;
	size_t		 i;

	for (i = 0; i < set->n; i++) {
		owner = tlsagen_owner(set->v[i].host, set->v[i].port);
		strbuf_printf(&b, "%sName:           %s\n"
		    "Type:           TLSA\n"
		    "Usage:          %u\n"
		    "Selector:       %u\n"
		    "Matching type:  %u\n"
		    "Data:           %s\n", i > 0 ? "\n" : "", owner,
		    set->v[i].usage, set->v[i].selector, set->v[i].mtype,
		    set->v[i].hex);
		free(owner);
	}
	return strbuf_take(&b);
}
