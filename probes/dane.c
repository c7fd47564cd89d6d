/*
 * DANE-EE and DANE-TA against the chain a server sent (RFC 7671 §5.1,
 * §5.2; RFC 7672 §3.1, §3.2).
 *
 * DANE-EE(3) compares the leaf only: no name, no dates.  DANE-TA(2)
 * finds the sent CA certificate whose digest the record holds, then has
 * OpenSSL verify the leaf up to it, with that certificate as the only
 * trust anchor (a partial chain), at the injected time; the leaf must
 * then carry one of the reference identifiers.  With "2 1 0" the record
 * is the trust anchor's public key itself, so a server may leave the
 * anchor out: the top certificate sent must then be signed by that key.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "dane.h"
#include "xmalloc.h"

int
dane_usable(const struct tlsa_record *t)
{
	if (t->usage != 2 && t->usage != 3)
		return 0;
	if (t->selector > 1)
		return 0;
	return (t->mtype == 1 && t->len == 32) ||
	    (t->mtype == 2 && t->len == 64) || (t->mtype == 0 && t->len > 0);
}

static char *
dane_name_str(const X509_NAME *name)
{
	char	buf[256];

	if (name == NULL)
		return xstrdup("(none)");
	X509_NAME_oneline(name, buf, sizeof buf);
	return xstrdup(buf[0] == '/' ? buf + 1 : buf);
}

char *
dane_subject(X509 *cert)
{
	return dane_name_str(cert != NULL ? X509_get_subject_name(cert) :
	    NULL);
}

char *
dane_issuer(X509 *cert)
{
	return dane_name_str(cert != NULL ? X509_get_issuer_name(cert) :
	    NULL);
}

/* Verifies leaf..anchor with anchor as the only trust anchor. */
static int
dane_chain_to(X509 *anchor, STACK_OF(X509) *chain, time_t now, char **why)
{
	X509_STORE		*store = X509_STORE_new();
	X509_STORE_CTX		*ctx = X509_STORE_CTX_new();
	X509_VERIFY_PARAM	*param;
	int			 ok = 0;

	if (store == NULL || ctx == NULL || !X509_STORE_add_cert(store,
	    anchor) || !X509_STORE_CTX_init(ctx, store,
	    sk_X509_value(chain, 0), chain)) {
		*why = xstrdup("OpenSSL could not set up the verification");
		goto out;
	}
	param = X509_STORE_CTX_get0_param(ctx);
	X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_time(param, now);
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
	ok = X509_verify_cert(ctx) == 1;
	if (!ok)
		*why = xprintf("the leaf does not chain to it: %s (at "
		    "depth %d)", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(ctx)),
		    X509_STORE_CTX_get_error_depth(ctx));
out:
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok;
}

/* Whether the leaf carries one of the reference identifiers. */
static int
dane_name(X509 *leaf, const char *const *names, size_t n, char **why)
{
	size_t	i;
	char	*subject;

	for (i = 0; i < n; i++)
		if (X509_check_host(leaf, names[i], 0,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1)
			return 1;
	subject = dane_subject(leaf);
	*why = xprintf("the leaf (%s) is not for %s%s%s", subject,
	    n > 0 ? names[0] : "?", n > 1 ? " or " : "", n > 1 ? names[1] :
	    "");
	free(subject);
	return 0;
}

/*
 * "2 1 0": the record holds the anchor's key.  Returns 1 when the top
 * certificate sent is signed by it (the anchor itself need not be sent).
 */
static int
dane_key_signs_top(const struct tlsa_record *t, STACK_OF(X509) *chain)
{
	const unsigned char	*p = t->data;
	EVP_PKEY		*key;
	X509			*top;
	int			 ok;

	if (t->selector != 1 || t->mtype != 0)
		return 0;
	if ((key = d2i_PUBKEY(NULL, &p, (long)t->len)) == NULL) {
		ERR_clear_error();
		return 0;
	}
	top = sk_X509_value(chain, sk_X509_num(chain) - 1);
	ok = X509_verify(top, key) == 1;
	EVP_PKEY_free(key);
	ERR_clear_error();
	return ok;
}

/* The first sent certificate at depth >= from that the record matches. */
static int
dane_find(const struct tlsa_record *t, STACK_OF(X509) *chain, int from)
{
	int	i;

	for (i = from; i < sk_X509_num(chain); i++)
		if (tlsa_matches_cert(t, sk_X509_value(chain, i)))
			return i;
	return -1;
}

/* DANE-TA: a sent CA certificate, the chain to it, the name. */
static void
dane_check_ta(const struct tlsa_record *t, STACK_OF(X509) *chain,
    const char *const *names, size_t nnames, time_t now,
    struct dane_check *c)
{
	X509	*anchor;

	c->depth = dane_find(t, chain, 1);
	if (c->depth < 0 && dane_key_signs_top(t, chain)) {
		/* The anchor is the key in DNS, one above the top sent. */
		c->depth = sk_X509_num(chain);
		anchor = sk_X509_value(chain, sk_X509_num(chain) - 1);
		c->subject = xstrdup("(public key in the TLSA record)");
	} else if (c->depth < 0) {
		c->fault = dane_find(t, chain, 0) == 0 ? DANE_TA_IS_LEAF :
		    DANE_TA_NOT_SENT;
		return;
	} else {
		anchor = sk_X509_value(chain, c->depth);
		c->subject = dane_subject(anchor);
	}

	if (!dane_chain_to(anchor, chain, now, &c->error))
		c->fault = DANE_TA_CHAIN;
	else if (!dane_name(sk_X509_value(chain, 0), names, nnames,
	    &c->error))
		c->fault = DANE_TA_NAME;
}

static void
dane_check_one(const struct tlsa_record *t, STACK_OF(X509) *chain,
    const char *const *names, size_t nnames, time_t now,
    struct dane_check *c)
{
	c->fault = DANE_NO_MATCH;
	c->depth = -1;
	if (chain == NULL || sk_X509_num(chain) == 0)
		return;
	if (t->usage == 3) {
		if (tlsa_matches_cert(t, sk_X509_value(chain, 0))) {
			c->fault = DANE_OK;
			c->depth = 0;
			c->subject = dane_subject(sk_X509_value(chain, 0));
		}
		return;
	}
	c->fault = DANE_OK;
	dane_check_ta(t, chain, names, nnames, now, c);
}

static int
dane_same_kind(const struct tlsa_record *a, const struct tlsa_record *b)
{
	return a->usage == b->usage && a->selector == b->selector &&
	    a->mtype == b->mtype;
}

/* Whether every usage/selector/type present has a matching record. */
static int
dane_every_kind(const struct tlsa_record *recs, const struct dane_result *r)
{
	size_t	i, j;
	int	found;

	for (i = 0; i < r->nchecks; i++) {
		found = 0;
		for (j = 0; j < r->nchecks && !found; j++)
			found = r->checks[j].fault == DANE_OK &&
			    dane_same_kind(&recs[r->checks[i].record],
			    &recs[r->checks[j].record]);
		if (!found)
			return 0;
	}
	return r->nchecks > 0;
}

void
dane_verify(const struct tlsa_record *recs, size_t n, STACK_OF(X509) *chain,
    const char *const *names, size_t nnames, time_t now,
    struct dane_result *out)
{
	struct dane_check	*c;
	size_t			 i;

	memset(out, 0, sizeof *out);
	out->checks = xcalloc(n > 0 ? n : 1, sizeof *out->checks);
	for (i = 0; i < n; i++) {
		if (!dane_usable(&recs[i]))
			continue;
		c = &out->checks[out->nchecks++];
		c->record = i;
		dane_check_one(&recs[i], chain, names, nnames, now, c);
		if (c->fault == DANE_OK)
			out->authenticated = 1;
	}
	out->every_kind = dane_every_kind(recs, out);
}

void
dane_result_free(struct dane_result *r)
{
	size_t	i;

	for (i = 0; i < r->nchecks; i++) {
		free(r->checks[i].subject);
		free(r->checks[i].error);
	}
	free(r->checks);
	memset(r, 0, sizeof *r);
}
