/*
 * DNSSEC checks, each naming what failed (RFC 4034, RFC 4035 §5).
 *
 * A validator only needs to know whether a signature holds; an operator
 * needs to know which one does not and why.  So every RRSIG that could
 * apply is tried on its own with ldns_verify_rrsig_time(), and the
 * outcome of each is kept: expired at what time, by which key, or a
 * signature that does not verify.  DS records are matched to keys with
 * ldns_rr_compare_ds(); negative answers are checked with ldns' NSEC
 * and NSEC3 denial functions.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dnssec.h"
#include "strbuf.h"
#include "xmalloc.h"

/* DNSKEY flags (RFC 4034 §2.1.1, RFC 5011 §3). */
#define DNSKEY_ZONE	0x0100
#define DNSKEY_REVOKE	0x0080
#define DNSKEY_SEP	0x0001

/* Above this, NSEC3 answers count as insecure (RFC 9276 §3.2). */
#define DNSSEC_NSEC3_MAX_ITERATIONS	150

int
dnssec_algorithm_supported(uint8_t alg)
{
	switch (alg) {
	case LDNS_RSASHA1:
	case LDNS_RSASHA1_NSEC3:
	case LDNS_RSASHA256:
	case LDNS_RSASHA512:
	case LDNS_ECDSAP256SHA256:
	case LDNS_ECDSAP384SHA384:
	case LDNS_ED25519:
	case LDNS_ED448:
		return 1;
	default:
		/* RSAMD5, DSA and GOST must not be validated (RFC 8624). */
		return 0;
	}
}

int
dnssec_digest_supported(uint8_t digest)
{
	return digest == LDNS_SHA1 || digest == LDNS_SHA256 ||
	    digest == LDNS_SHA384;
}

char *
dnssec_algorithm_name(uint8_t alg)
{
	ldns_lookup_table	*lt;

	if ((lt = ldns_lookup_by_id(ldns_algorithms, alg)) != NULL)
		return xstrdup(lt->name);
	return xprintf("algorithm %u", alg);
}

const char *
dnssec_security_name(enum dnssec_security s)
{
	switch (s) {
	case DNSSEC_SECURE:
		return "secure";
	case DNSSEC_INSECURE:
		return "insecure";
	case DNSSEC_BOGUS:
		return "bogus";
	default:
		return "indeterminate";
	}
}

const char *
dnssec_fault_name(enum dnssec_fault f)
{
	static const char *const names[] = {
		"none", "lookup", "no-ds", "algorithm", "ds-mismatch",
		"no-dnskey", "no-sep", "unsigned", "expired",
		"not-yet-valid", "bad-signature", "denial", "parent",
	};

	if ((size_t)f < sizeof names / sizeof names[0])
		return names[f];
	return "unknown";
}

time_t
dnssec_rrsig_time(const ldns_rdf *rdf, time_t now)
{
	uint32_t	v;

	if (rdf == NULL || ldns_rdf_size(rdf) != 4)
		return 0;
	v = ldns_rdf2native_int32(rdf);
	/* Serial arithmetic: the 32-bit value nearest to now. */
	return now + (int32_t)(v - (uint32_t)now);
}

void
dnssec_verdict_set(struct dnssec_verdict *v, enum dnssec_security s,
    enum dnssec_fault f, const char *fmt, ...)
{
	va_list	ap;

	v->security = s;
	v->fault = f;
	free(v->detail);
	v->detail = NULL;
	if (fmt != NULL) {
		va_start(ap, fmt);
		xvasprintf(&v->detail, fmt, ap);
		va_end(ap);
	}
}

void
dnssec_verdict_free(struct dnssec_verdict *v)
{
	free(v->detail);
	free(v->sigs);
	memset(v, 0, sizeof *v);
}

void
dnssec_verdict_copy(struct dnssec_verdict *to,
    const struct dnssec_verdict *from)
{
	*to = *from;
	to->detail = from->detail != NULL ? xstrdup(from->detail) : NULL;
	if (from->nsigs > 0) {
		to->sigs = xreallocarray(NULL, from->nsigs, sizeof *to->sigs);
		memcpy(to->sigs, from->sigs, from->nsigs * sizeof *to->sigs);
	} else
		to->sigs = NULL;
}

void
dnssec_keys_free(struct dnssec_keys *k)
{
	dnssec_verdict_free(&k->verdict);
	free(k->ds);
	if (k->keys != NULL)
		ldns_rr_list_deep_free(k->keys);
	memset(k, 0, sizeof *k);
}

static uint16_t
dnssec_rdf16(const ldns_rr *rr, size_t i)
{
	const ldns_rdf	*rdf = ldns_rr_rdf(rr, i);

	if (rdf == NULL || ldns_rdf_size(rdf) != 2)
		return 0;
	return ldns_rdf2native_int16(rdf);
}

static uint8_t
dnssec_rdf8(const ldns_rr *rr, size_t i)
{
	const ldns_rdf	*rdf = ldns_rr_rdf(rr, i);

	if (rdf == NULL || ldns_rdf_size(rdf) != 1)
		return 0;
	return ldns_rdf2native_int8(rdf);
}

/* "good.test. DNSKEY", for messages. */
static char *
dnssec_rrset_name(const ldns_rr_list *rrset)
{
	ldns_rr	*rr = ldns_rr_list_rr(rrset, 0);
	char	*owner, *type, *s;

	if (rr == NULL)
		return xstrdup("(empty RRset)");
	owner = ldns_rdf2str(ldns_rr_owner(rr));
	type = ldns_rr_type2str(ldns_rr_get_type(rr));
	s = xprintf("%s %s", owner != NULL ? owner : "?",
	    type != NULL ? type : "?");
	free(type);
	free(owner);
	return s;
}

/* Whether sig is an RRSIG over rrset (same owner, class, type). */
static int
dnssec_sig_covers(const ldns_rr *sig, const ldns_rr_list *rrset)
{
	const ldns_rr	*first = ldns_rr_list_rr(rrset, 0);
	const ldns_rdf	*covered;

	if (first == NULL || ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG)
		return 0;
	covered = ldns_rr_rrsig_typecovered(sig);
	if (covered == NULL || ldns_rdf_size(covered) != 2 ||
	    ldns_rdf2native_int16(covered) != ldns_rr_get_type(first))
		return 0;
	return ldns_dname_compare(ldns_rr_owner(sig),
	    ldns_rr_owner(first)) == 0;
}

/* Tries one RRSIG with every key that could have made it. */
static ldns_status
dnssec_try_sig(const ldns_rr_list *rrset, const ldns_rr *sig,
    const ldns_rr_list *keys, time_t now)
{
	const ldns_rdf	*signer = ldns_rr_rrsig_signame(sig);
	ldns_rr		*key;
	ldns_status	 s, best;
	size_t		 i;

	best = LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY;
	for (i = 0; keys != NULL && i < ldns_rr_list_rr_count(keys); i++) {
		key = ldns_rr_list_rr(keys, i);
		if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY ||
		    signer == NULL ||
		    ldns_dname_compare(signer, ldns_rr_owner(key)) != 0 ||
		    ldns_calc_keytag(key) != dnssec_rdf16(sig, 6) ||
		    dnssec_rdf8(key, 2) != dnssec_rdf8(sig, 1))
			continue;
		/* A key without the zone flag signs nothing (RFC 4034). */
		if (!(dnssec_rdf16(key, 0) & DNSKEY_ZONE) ||
		    (dnssec_rdf16(key, 0) & DNSKEY_REVOKE))
			continue;
		/* ldns clones the RRset; the cast only drops const. */
		s = ldns_verify_rrsig_time((ldns_rr_list *)rrset,
		    (ldns_rr *)sig, key, now);
		if (s == LDNS_STATUS_OK)
			return s;
		best = s;
	}
	return best;
}

/*
 * Tries every RRSIG over rrset; records each in v->sigs and the latest
 * expiry among those that verify.  Returns the number that verified.
 */
static size_t
dnssec_try_sigs(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
    const ldns_rr_list *keys, time_t now, struct dnssec_verdict *v)
{
	const ldns_rr		*sig;
	struct dnssec_sig	*rec;
	size_t			 i, good = 0;

	for (i = 0; sigs != NULL && i < ldns_rr_list_rr_count(sigs); i++) {
		sig = ldns_rr_list_rr(sigs, i);
		if (!dnssec_sig_covers(sig, rrset))
			continue;
		v->sigs = xreallocarray(v->sigs, v->nsigs + 1,
		    sizeof *v->sigs);
		rec = &v->sigs[v->nsigs++];
		rec->keytag = dnssec_rdf16(sig, 6);
		rec->algorithm = dnssec_rdf8(sig, 1);
		rec->inception = dnssec_rrsig_time(
		    ldns_rr_rrsig_inception(sig), now);
		rec->expiration = dnssec_rrsig_time(
		    ldns_rr_rrsig_expiration(sig), now);
		rec->status = dnssec_try_sig(rrset, sig, keys, now);
		if (rec->status == LDNS_STATUS_OK) {
			good++;
			if (rec->expiration > v->expires)
				v->expires = rec->expiration;
		}
	}
	return good;
}

/* The first tried signature with the given status, or NULL. */
static const struct dnssec_sig *
dnssec_sig_with(const struct dnssec_verdict *v, ldns_status s)
{
	size_t	i;

	for (i = 0; i < v->nsigs; i++)
		if (v->sigs[i].status == s)
			return &v->sigs[i];
	return NULL;
}

/* A signature that was checked against a key and failed otherwise. */
static const struct dnssec_sig *
dnssec_sig_failed(const struct dnssec_verdict *v)
{
	size_t	i;

	for (i = 0; i < v->nsigs; i++)
		if (v->sigs[i].status != LDNS_STATUS_OK &&
		    v->sigs[i].status !=
		    LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY)
			return &v->sigs[i];
	return NULL;
}

/*
 * Turns the signatures tried into a verdict: secure when one verified,
 * else the most telling failure (an expiry says more than "bogus").
 */
static void
dnssec_judge_sigs(struct dnssec_verdict *v, size_t good,
    const ldns_rr_list *rrset)
{
	const struct dnssec_sig	*s;
	char			*what, when[32];

	if (good > 0) {
		dnssec_verdict_set(v, DNSSEC_SECURE, DNSSEC_FAULT_NONE, NULL);
		return;
	}
	what = dnssec_rrset_name(rrset);
	if (v->nsigs == 0)
		dnssec_verdict_set(v, DNSSEC_BOGUS, DNSSEC_FAULT_UNSIGNED,
		    "no RRSIG covers %s", what);
	else if ((s = dnssec_sig_with(v, LDNS_STATUS_CRYPTO_SIG_EXPIRED)) !=
	    NULL) {
		clock_format(s->expiration, when, sizeof when);
		dnssec_verdict_set(v, DNSSEC_BOGUS, DNSSEC_FAULT_EXPIRED,
		    "the RRSIG over %s by key %u expired at %s", what,
		    s->keytag, when);
	} else if ((s = dnssec_sig_with(v,
	    LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED)) != NULL) {
		clock_format(s->inception, when, sizeof when);
		dnssec_verdict_set(v, DNSSEC_BOGUS,
		    DNSSEC_FAULT_NOT_YET_VALID, "the RRSIG over %s by key %u "
		    "is not valid before %s", what, s->keytag, when);
	} else if ((s = dnssec_sig_failed(v)) != NULL)
		dnssec_verdict_set(v, DNSSEC_BOGUS, DNSSEC_FAULT_BAD_SIGNATURE,
		    "the RRSIG over %s by key %u does not verify: %s", what,
		    s->keytag, ldns_get_errorstr_by_id(s->status));
	else
		dnssec_verdict_set(v, DNSSEC_BOGUS, DNSSEC_FAULT_BAD_SIGNATURE,
		    "%s is signed only by key %u, which is not among the "
		    "zone's validated keys", what, v->sigs[0].keytag);
	free(what);
}

void
dnssec_check_rrset(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
    const ldns_rr_list *keys, time_t now, struct dnssec_verdict *out)
{
	size_t	good;

	memset(out, 0, sizeof *out);
	if (rrset == NULL || ldns_rr_list_rr_count(rrset) == 0) {
		dnssec_verdict_set(out, DNSSEC_INDETERMINATE,
		    DNSSEC_FAULT_LOOKUP, "no records to check");
		return;
	}
	good = dnssec_try_sigs(rrset, sigs, keys, now, out);
	dnssec_judge_sigs(out, good, rrset);
}

/* Matches one trusted record (DS, or an anchor DNSKEY) to a zone key. */
static const ldns_rr *
dnssec_match_ds(const ldns_rr *trusted, const ldns_rr_list *dnskeys,
    struct dnssec_ds *d)
{
	const ldns_rr	*key;
	size_t		 i;

	memset(d, 0, sizeof *d);
	if (ldns_rr_get_type(trusted) == LDNS_RR_TYPE_DS) {
		d->keytag = dnssec_rdf16(trusted, 0);
		d->algorithm = dnssec_rdf8(trusted, 1);
		d->digest = dnssec_rdf8(trusted, 2);
		d->supported = dnssec_algorithm_supported(d->algorithm) &&
		    dnssec_digest_supported(d->digest);
	} else {
		d->keytag = ldns_calc_keytag(trusted);
		d->algorithm = dnssec_rdf8(trusted, 2);
		d->supported = dnssec_algorithm_supported(d->algorithm);
	}
	if (!d->supported)
		return NULL;

	for (i = 0; dnskeys != NULL && i < ldns_rr_list_rr_count(dnskeys);
	    i++) {
		key = ldns_rr_list_rr(dnskeys, i);
		if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY ||
		    !(dnssec_rdf16(key, 0) & DNSKEY_ZONE) ||
		    (dnssec_rdf16(key, 0) & DNSKEY_REVOKE))
			continue;
		if (ldns_rr_compare_ds(trusted, key)) {
			d->matched = 1;
			d->sep = (dnssec_rdf16(key, 0) & DNSKEY_SEP) != 0;
			return key;
		}
	}
	return NULL;
}

/* "4567 (KSK, ECDSAP256SHA256), 8910 (ZSK, ...)": the zone's keys. */
static char *
dnssec_keys_str(const ldns_rr_list *dnskeys)
{
	struct strbuf	 b = { NULL, 0, 0 };
	const ldns_rr	*key;
	char		*alg;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(dnskeys); i++) {
		key = ldns_rr_list_rr(dnskeys, i);
		if (ldns_rr_get_type(key) != LDNS_RR_TYPE_DNSKEY)
			continue;
		alg = dnssec_algorithm_name(dnssec_rdf8(key, 2));
		strbuf_printf(&b, "%s%u (%s, %s)", b.len > 0 ? ", " : "",
		    ldns_calc_keytag(key),
		    dnssec_rdf16(key, 0) & DNSKEY_SEP ? "KSK" : "ZSK", alg);
		free(alg);
	}
	return strbuf_take(&b);
}

/* "12345/13/2, 23456/8/1": the DS records, for messages. */
static char *
dnssec_ds_str(const struct dnssec_keys *k, int only_supported)
{
	struct strbuf	 b = { NULL, 0, 0 };
	size_t		 i;

	for (i = 0; i < k->nds; i++) {
		if (only_supported && !k->ds[i].supported)
			continue;
		if (k->ds[i].digest == 0)
			strbuf_printf(&b, "%sDNSKEY %u/%u", b.len > 0 ?
			    ", " : "", k->ds[i].keytag, k->ds[i].algorithm);
		else
			strbuf_printf(&b, "%sDS %u/%u/%u", b.len > 0 ? ", " :
			    "", k->ds[i].keytag, k->ds[i].algorithm,
			    k->ds[i].digest);
	}
	return strbuf_take(&b);
}

/* Marks which DS-matched keys produced a good DNSKEY signature. */
static void
dnssec_mark_signers(struct dnssec_keys *k)
{
	size_t	i, j;

	for (i = 0; i < k->nds; i++)
		for (j = 0; j < k->verdict.nsigs; j++)
			if (k->ds[i].matched &&
			    k->verdict.sigs[j].status == LDNS_STATUS_OK &&
			    k->verdict.sigs[j].keytag == k->ds[i].keytag &&
			    k->verdict.sigs[j].algorithm ==
			    k->ds[i].algorithm)
				k->ds[i].signs = 1;
}

/* Why the keys the DS records point to do not sign the DNSKEY RRset. */
static void
dnssec_keys_unsigned(struct dnssec_keys *k, const ldns_rr_list *dnskeys)
{
	char	*what, *ds;
	size_t	 i;
	int	 by_ds_key = 0;

	for (i = 0; i < k->verdict.nsigs; i++)
		if (k->verdict.sigs[i].status !=
		    LDNS_STATUS_CRYPTO_NO_MATCHING_KEYTAG_DNSKEY)
			by_ds_key = 1;
	if (k->verdict.nsigs == 0 || by_ds_key)
		return;		/* the signature verdict says more */

	what = dnssec_rrset_name(dnskeys);
	ds = dnssec_ds_str(k, 1);
	dnssec_verdict_set(&k->verdict, DNSSEC_BOGUS, DNSSEC_FAULT_NO_SEP,
	    "%s is not signed by any key that the trusted records (%s) "
	    "point to: no usable SEP key", what, ds);
	free(ds);
	free(what);
}

void
dnssec_check_keys(const ldns_rr_list *trusted, const ldns_rr_list *dnskeys,
    const ldns_rr_list *sigs, time_t now, struct dnssec_keys *out)
{
	ldns_rr_list	*candidates;
	const ldns_rr	*key;
	char		*zone, *have, *want;
	size_t		 i, n, good, supported = 0;

	memset(out, 0, sizeof *out);
	n = trusted != NULL ? ldns_rr_list_rr_count(trusted) : 0;
	out->ds = xcalloc(n > 0 ? n : 1, sizeof *out->ds);
	candidates = ldns_rr_list_new();
	for (i = 0; i < n; i++) {
		key = dnssec_match_ds(ldns_rr_list_rr(trusted, i), dnskeys,
		    &out->ds[out->nds]);
		supported += out->ds[out->nds].supported;
		out->nds++;
		if (key != NULL)
			ldns_rr_list_push_rr(candidates, (ldns_rr *)key);
	}
	zone = n > 0 ? ldns_rdf2str(ldns_rr_owner(ldns_rr_list_rr(trusted,
	    0))) : xstrdup("?");

	/* RFC 4035 §5.2: only unknown algorithms means "insecure". */
	if (supported == 0) {
		want = dnssec_ds_str(out, 0);
		dnssec_verdict_set(&out->verdict, DNSSEC_INSECURE,
		    DNSSEC_FAULT_ALGORITHM, "the trusted records for %s (%s) "
		    "use only algorithms or digest types that validators do "
		    "not support", zone, want);
		free(want);
	} else if (dnskeys == NULL || ldns_rr_list_rr_count(dnskeys) == 0)
		dnssec_verdict_set(&out->verdict, DNSSEC_BOGUS,
		    DNSSEC_FAULT_NO_DNSKEY, "%s has trusted records (DS) but "
		    "serves no DNSKEY records", zone);
	else if (ldns_rr_list_rr_count(candidates) == 0) {
		want = dnssec_ds_str(out, 1);
		have = dnssec_keys_str(dnskeys);
		dnssec_verdict_set(&out->verdict, DNSSEC_BOGUS,
		    DNSSEC_FAULT_DS_MISMATCH, "no DNSKEY of %s matches %s; the "
		    "zone's keys are %s", zone, want, have);
		free(have);
		free(want);
	} else {
		good = dnssec_try_sigs(dnskeys, sigs, candidates, now,
		    &out->verdict);
		dnssec_judge_sigs(&out->verdict, good, dnskeys);
		dnssec_mark_signers(out);
		if (good == 0)
			dnssec_keys_unsigned(out, dnskeys);
		else
			out->keys = ldns_rr_list_clone(dnskeys);
	}

	/* The list only borrowed its keys from dnskeys. */
	ldns_rr_list_free(candidates);
	free(zone);
}

/* The NSEC or NSEC3 records of authority, and the RRSIGs. */
static void
dnssec_split_authority(const ldns_rr_list *authority, ldns_rr_list *nsec,
    ldns_rr_list *nsec3, ldns_rr_list *sigs)
{
	ldns_rr	*rr;
	size_t	 i;

	for (i = 0; authority != NULL &&
	    i < ldns_rr_list_rr_count(authority); i++) {
		rr = ldns_rr_list_rr(authority, i);
		switch (ldns_rr_get_type(rr)) {
		case LDNS_RR_TYPE_NSEC:
			ldns_rr_list_push_rr(nsec, rr);
			break;
		case LDNS_RR_TYPE_NSEC3:
			ldns_rr_list_push_rr(nsec3, rr);
			break;
		case LDNS_RR_TYPE_RRSIG:
			ldns_rr_list_push_rr(sigs, rr);
			break;
		default:
			break;
		}
	}
}

/*
 * Every NSEC(3) record is an RRset of its own; each must verify.
 * Returns 0 when all do, the verdict then expiring with the earliest.
 */
static int
dnssec_check_proofs(const ldns_rr_list *proofs, const ldns_rr_list *sigs,
    const ldns_rr_list *keys, time_t now, struct dnssec_verdict *out)
{
	struct dnssec_verdict	 one;
	ldns_rr_list		*set;
	size_t			 i;
	int			 rc = 0;

	for (i = 0; i < ldns_rr_list_rr_count(proofs) && rc == 0; i++) {
		set = ldns_rr_list_new();
		ldns_rr_list_push_rr(set, ldns_rr_list_rr(proofs, i));
		dnssec_check_rrset(set, sigs, keys, now, &one);
		if (one.security != DNSSEC_SECURE) {
			dnssec_verdict_set(out, one.security, one.fault,
			    "%s", one.detail);
			rc = -1;
		} else if (out->expires == 0 || one.expires < out->expires)
			out->expires = one.expires;
		dnssec_verdict_free(&one);
		ldns_rr_list_free(set);
	}
	return rc;
}

/*
 * RFC 9276 §3.2: validators treat NSEC3 with many extra iterations as
 * insecure rather than spend the hashing; it also bounds what a hostile
 * answer can make mxanchor compute.
 */
static int
dnssec_nsec3_too_costly(const ldns_rr_list *nsec3, struct dnssec_verdict *v)
{
	size_t		i;
	uint16_t	iterations;

	for (i = 0; i < ldns_rr_list_rr_count(nsec3); i++) {
		iterations = dnssec_rdf16(ldns_rr_list_rr(nsec3, i), 2);
		if (iterations <= DNSSEC_NSEC3_MAX_ITERATIONS)
			continue;
		dnssec_verdict_set(v, DNSSEC_INSECURE, DNSSEC_FAULT_DENIAL,
		    "the NSEC3 records use %u extra iterations; above %d, "
		    "validators treat the answer as insecure (RFC 9276 "
		    "§3.2)", iterations, DNSSEC_NSEC3_MAX_ITERATIONS);
		return 1;
	}
	return 0;
}

/* The NSEC3 record whose owner is the hash of name, or NULL. */
static const ldns_rr *
dnssec_nsec3_at(const ldns_rr_list *nsec3, const ldns_rdf *name)
{
	const ldns_rr	*rr, *found = NULL;
	ldns_rdf	*hashed, *zone;
	size_t		 i;

	rr = ldns_rr_list_rr(nsec3, 0);
	if ((hashed = ldns_nsec3_hash_name_frm_nsec3(rr, name)) == NULL)
		return NULL;
	zone = ldns_dname_left_chop(ldns_rr_owner(rr));
	if (zone != NULL && ldns_dname_cat(hashed, zone) == LDNS_STATUS_OK) {
		for (i = 0; i < ldns_rr_list_rr_count(nsec3) && found == NULL;
		    i++)
			if (ldns_dname_compare(hashed, ldns_rr_owner(
			    ldns_rr_list_rr(nsec3, i))) == 0)
				found = ldns_rr_list_rr(nsec3, i);
	}
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(hashed);
	return found;
}

/* An NSEC3 at name that lists neither type nor CNAME. */
static int
dnssec_nsec3_nodata_at(const ldns_rr_list *nsec3, const ldns_rdf *name,
    ldns_rr_type type)
{
	const ldns_rr	*rr = dnssec_nsec3_at(nsec3, name);

	return rr != NULL &&
	    !ldns_nsec_bitmap_covers_type(ldns_nsec3_bitmap(rr), type) &&
	    !ldns_nsec_bitmap_covers_type(ldns_nsec3_bitmap(rr),
	    LDNS_RR_TYPE_CNAME);
}

/*
 * No data with NSEC3 (RFC 5155 §8.5-§8.7): an NSEC3 at the name without
 * the type; for DS, an opt-out NSEC3 covering the next closer name; or
 * the wildcard at the closest encloser without the type.  Done here
 * rather than with ldns_dnssec_verify_denial_nsec3(), whose no-data
 * branches leak a name per call in ldns 1.8.3.
 */
static int
dnssec_nsec3_nodata(const ldns_rr_list *nsec3, const ldns_rdf *name,
    ldns_rr_type type)
{
	ldns_rdf	*ce, *next, *star, *hashed, *zone;
	size_t		 i, labels;
	int		 ok = 0;

	if (dnssec_nsec3_nodata_at(nsec3, name, type))
		return 1;
	ce = ldns_dnssec_nsec3_closest_encloser(name, type,
	    (ldns_rr_list *)nsec3);
	if (ce == NULL)
		return 0;

	if (ldns_dname_label_count(name) <= ldns_dname_label_count(ce)) {
		/* Not below its closest encloser: nothing more to prove. */
	} else if (type == LDNS_RR_TYPE_DS) {
		labels = ldns_dname_label_count(name) -
		    ldns_dname_label_count(ce) - 1;
		next = ldns_dname_clone_from(name, labels);
		hashed = ldns_nsec3_hash_name_frm_nsec3(
		    ldns_rr_list_rr(nsec3, 0), next);
		zone = ldns_dname_left_chop(ldns_rr_owner(
		    ldns_rr_list_rr(nsec3, 0)));
		if (hashed != NULL && zone != NULL &&
		    ldns_dname_cat(hashed, zone) == LDNS_STATUS_OK)
			for (i = 0; i < ldns_rr_list_rr_count(nsec3) && !ok;
			    i++)
				ok = ldns_nsec_covers_name(ldns_rr_list_rr(
				    nsec3, i), hashed) && ldns_nsec3_optout(
				    ldns_rr_list_rr(nsec3, i));
		ldns_rdf_deep_free(zone);
		ldns_rdf_deep_free(hashed);
		ldns_rdf_deep_free(next);
	} else {
		star = ldns_dname_new_frm_str("*");
		if (ldns_dname_cat(star, ce) == LDNS_STATUS_OK)
			ok = dnssec_nsec3_nodata_at(nsec3, star, type);
		ldns_rdf_deep_free(star);
	}
	ldns_rdf_deep_free(ce);
	return ok;
}

/*
 * The labels of an RRSIG over rrset that counts fewer than the owner's,
 * not counting a literal "*" (RFC 4034 §3.1.3): the RRset was expanded
 * from the wildcard that many labels up.  0 when it was not.
 */
static size_t
dnssec_wildcard_labels(const ldns_rr_list *rrset, const ldns_rr_list *sigs)
{
	const ldns_rr	*rr = ldns_rr_list_rr(rrset, 0), *sig;
	const ldns_rdf	*owner = ldns_rr_owner(rr);
	size_t		 i, have, labels;

	have = ldns_dname_label_count(owner);
	if (ldns_dname_is_wildcard(owner))
		have--;
	for (i = 0; sigs != NULL && i < ldns_rr_list_rr_count(sigs); i++) {
		sig = ldns_rr_list_rr(sigs, i);
		if (ldns_rr_get_type(sig) != LDNS_RR_TYPE_RRSIG ||
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(sig)) !=
		    ldns_rr_get_type(rr) ||
		    ldns_dname_compare(ldns_rr_owner(sig), owner) != 0 ||
		    ldns_rr_rrsig_labels(sig) == NULL)
			continue;
		labels = ldns_rdf2native_int8(ldns_rr_rrsig_labels(sig));
		if (labels < have)
			return labels;
	}
	return 0;
}

/* An NSEC that says owner is not there: it falls strictly inside. */
static int
dnssec_nsec_proves_absent(const ldns_rr_list *nsec, const ldns_rdf *owner)
{
	const ldns_rr	*rr;
	size_t		 i;

	for (i = 0; i < ldns_rr_list_rr_count(nsec); i++) {
		rr = ldns_rr_list_rr(nsec, i);
		if (ldns_dname_compare(ldns_rr_owner(rr), owner) != 0 &&
		    ldns_nsec_covers_name(rr, owner))
			return 1;
	}
	return 0;
}

/* An NSEC3 that covers the hash of the next closer name (§7.2.6). */
static int
dnssec_nsec3_covers(const ldns_rr_list *nsec3, const ldns_rdf *name)
{
	ldns_rdf	*hashed, *zone;
	size_t		 i;
	int		 ok = 0;

	hashed = ldns_nsec3_hash_name_frm_nsec3(ldns_rr_list_rr(nsec3, 0),
	    (ldns_rdf *)name);
	zone = ldns_dname_left_chop(ldns_rr_owner(ldns_rr_list_rr(nsec3, 0)));
	if (hashed != NULL && zone != NULL &&
	    ldns_dname_cat(hashed, zone) == LDNS_STATUS_OK)
		for (i = 0; i < ldns_rr_list_rr_count(nsec3) && !ok; i++)
			ok = ldns_nsec_covers_name(ldns_rr_list_rr(nsec3, i),
			    hashed);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(hashed);
	return ok;
}

void
dnssec_check_wildcard(const ldns_rr_list *rrset, const ldns_rr_list *sigs,
    const ldns_rr_list *authority, const ldns_rr_list *keys, time_t now,
    struct dnssec_verdict *out)
{
	ldns_rr_list	*nsec, *nsec3, *proof_sigs;
	const ldns_rdf	*owner;
	ldns_rdf	*next;
	size_t		 labels;
	char		*name;
	int		 ok;

	if (out->security != DNSSEC_SECURE || rrset == NULL ||
	    ldns_rr_list_rr_count(rrset) == 0 ||
	    (labels = dnssec_wildcard_labels(rrset, sigs)) == 0)
		return;
	owner = ldns_rr_owner(ldns_rr_list_rr(rrset, 0));
	nsec = ldns_rr_list_new();
	nsec3 = ldns_rr_list_new();
	proof_sigs = ldns_rr_list_new();
	dnssec_split_authority(authority, nsec, nsec3, proof_sigs);
	name = ldns_rdf2str(owner);

	if (dnssec_check_proofs(nsec, proof_sigs, keys, now, out) != 0 ||
	    dnssec_check_proofs(nsec3, proof_sigs, keys, now, out) != 0 ||
	    dnssec_nsec3_too_costly(nsec3, out))
		goto out;
	if (ldns_rr_list_rr_count(nsec) > 0)
		ok = dnssec_nsec_proves_absent(nsec, owner);
	else if (ldns_rr_list_rr_count(nsec3) > 0) {
		next = ldns_dname_clone_from(owner,
		    ldns_dname_label_count(owner) - labels - 1);
		ok = next != NULL && dnssec_nsec3_covers(nsec3, next);
		ldns_rdf_deep_free(next);
	} else
		ok = 0;
	if (!ok)
		dnssec_verdict_set(out, DNSSEC_BOGUS, DNSSEC_FAULT_DENIAL,
		    "%s was made from a wildcard, but no signed NSEC or NSEC3 "
		    "record proves that %s does not exist itself", name, name);
out:
	free(name);
	ldns_rr_list_free(nsec);
	ldns_rr_list_free(nsec3);
	ldns_rr_list_free(proof_sigs);
}

void
dnssec_check_denial(const ldns_rdf *name, ldns_rr_type type, int nxdomain,
    const ldns_rr_list *authority, const ldns_rr_list *keys, time_t now,
    struct dnssec_verdict *out)
{
	ldns_rr_list	*nsec = ldns_rr_list_new();
	ldns_rr_list	*nsec3 = ldns_rr_list_new();
	ldns_rr_list	*sigs = ldns_rr_list_new();
	ldns_rr		*q;
	ldns_status	 s;
	char		*qname;

	memset(out, 0, sizeof *out);
	dnssec_split_authority(authority, nsec, nsec3, sigs);
	qname = ldns_rdf2str(name);
	q = ldns_rr_new();
	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, type);
	ldns_rr_set_question(q, true);

	if (ldns_rr_list_rr_count(nsec) == 0 &&
	    ldns_rr_list_rr_count(nsec3) == 0) {
		dnssec_verdict_set(out, DNSSEC_BOGUS, DNSSEC_FAULT_DENIAL,
		    "no NSEC or NSEC3 record proves that %s has no %s",
		    qname, nxdomain ? "name" : "record of this type");
		goto out;
	}
	if (dnssec_check_proofs(nsec, sigs, keys, now, out) != 0 ||
	    dnssec_check_proofs(nsec3, sigs, keys, now, out) != 0)
		goto out;
	if (dnssec_nsec3_too_costly(nsec3, out))
		goto out;

	if (ldns_rr_list_rr_count(nsec) > 0)
		s = ldns_dnssec_verify_denial(q, nsec, sigs);
	else if (nxdomain)
		s = ldns_dnssec_verify_denial_nsec3(q, nsec3, sigs,
		    LDNS_RCODE_NXDOMAIN, type, true);
	else
		s = dnssec_nsec3_nodata(nsec3, name, type) ? LDNS_STATUS_OK :
		    LDNS_STATUS_DNSSEC_NSEC_RR_NOT_COVERED;
	if (s == LDNS_STATUS_OK)
		dnssec_verdict_set(out, DNSSEC_SECURE, DNSSEC_FAULT_NONE,
		    NULL);
	else
		dnssec_verdict_set(out, DNSSEC_BOGUS, DNSSEC_FAULT_DENIAL,
		    "the %s records do not prove that %s does not exist: %s",
		    ldns_rr_list_rr_count(nsec) > 0 ? "NSEC" : "NSEC3", qname,
		    ldns_get_errorstr_by_id(s));
out:
	ldns_rr_free(q);
	free(qname);
	ldns_rr_list_free(nsec);
	ldns_rr_list_free(nsec3);
	ldns_rr_list_free(sigs);
}
