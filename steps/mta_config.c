/*
 * The mta step, configuration side: the Postfix settings that decide
 * TLS in and out, and the key on disk against the key served and the
 * TLSA records published.
 *
 * A "context" is main.cf or one master.cf service that answers on port
 * 25: its -o overrides replace main.cf's values for the smtpd it runs.
 * With an observation, the contexts are those that answer the domain's
 * MX addresses; without one (lint), main.cf and every smtpd service.
 */
#include <stdlib.h>
#include <string.h>

#include "certfile.h"
#include "mta.h"
#include "postconf.h"
#include "tlsa.h"
#include "xmalloc.h"

#define RFC_NO_REQUIRE	"RFC 3207 §4"
#define RFC_NO_TLS10	"RFC 8996 §4"
#define RFC_STS_DANE	"RFC 8461 §2"
#define RFC_TLSA_ALL	"RFC 7671 §8"
#define RULE_CHAIN	"postconf(5) smtpd_tls_chain_files"
#define RULE_LEVEL	"postconf(5) smtp_tls_security_level"
#define RULE_DNSSEC	"postconf(5) smtp_dns_support_level"

struct mta_context {
	const char	*service;	/* NULL: main.cf */
	char		*label;		/* "main.cf", "master.cf 127...:smtp" */
};

/* One key-and-chain Postfix loads, with its key's digest. */
struct mta_disk {
	struct certfile_chain	*chains;
	size_t			 n;
	int			 chain_files;	/* else legacy settings */
	int			 unreadable;
};

static int
mta_yes(const char *v)
{
	return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0;
}

static char *
mta_value(const struct postfix_config *pf, const struct mta_context *c,
    const char *name)
{
	return postconf_value(&pf->conf, c->service, name);
}

/* A suggested setting: main.cf line, or a master.cf -o for a service. */
static void
mta_suggest(struct mta_run *run, const struct mta_context *c,
    const char *name, const char *value, const char *why)
{
	if (c->service == NULL)
		strbuf_printf(&run->suggest, "# %s\n%s = %s\n", why, name,
		    value);
	else
		strbuf_printf(&run->suggest, "# %s\n# master.cf, service %s: "
		    "-o %s=%s\n", why, c->service, name, value);
}

/* smtpd's effective level, from the legacy switches when unset. */
static char *
mta_inbound_level(const struct postfix_config *pf,
    const struct mta_context *c)
{
	char	*v = mta_value(pf, c, "smtpd_tls_security_level"), *u;

	if (*v != '\0')
		return v;
	free(v);
	u = mta_value(pf, c, "smtpd_enforce_tls");
	v = xstrdup(mta_yes(u) ? "encrypt" : "");
	free(u);
	if (*v == '\0') {
		free(v);
		u = mta_value(pf, c, "smtpd_use_tls");
		v = xstrdup(mta_yes(u) ? "may" : "none");
		free(u);
	}
	return v;
}

/*
 * Can a protocols value let TLS 1.0 or 1.1 through?  Postfix takes
 * ">=TLSv1.2" (3.6 and later), a list to allow, or "!" exclusions.
 */
static int
mta_protocols_legacy(const char *value)
{
	static const char *const all[] = {
		"SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
	};
	char	**w;
	size_t	  n, i, j, nall = sizeof all / sizeof *all;
	int	  allowed[6] = { 1, 1, 1, 1, 1, 1 }, listed = 0, legacy;

	w = postconf_list(value, &n);
	for (i = 0; i < n; i++)
		if (w[i][0] != '!' && w[i][0] != '>' && w[i][0] != '<')
			listed = 1;
	if (listed)
		memset(allowed, 0, sizeof allowed);
	for (i = 0; i < n; i++) {
		for (j = 0; j < nall; j++) {
			if (w[i][0] == '!' && strcasecmp(w[i] + 1, all[j]) == 0)
				allowed[j] = 0;
			else if (strcasecmp(w[i], all[j]) == 0)
				allowed[j] = 1;
			else if (strncmp(w[i], ">=", 2) == 0 &&
			    strcasecmp(w[i] + 2, all[j]) == 0)
				memset(allowed, 0, j * sizeof *allowed);
			else if (strncmp(w[i], "<=", 2) == 0 &&
			    strcasecmp(w[i] + 2, all[j]) == 0 && j + 1 < nall)
				memset(allowed + j + 1, 0,
				    (nall - j - 1) * sizeof *allowed);
		}
	}
	postconf_list_free(w, n);
	legacy = allowed[2] || allowed[3];
	return legacy;
}

static void
mta_check_level(struct mta_run *run, const struct postfix_config *pf,
    const struct mta_context *c)
{
	struct findings	*fs = &run->r->findings;
	char		*level = mta_inbound_level(pf, c);

	if (strcmp(level, "none") == 0) {
		findings_add_req(fs, SEV_ERROR, REQ_ADVICE,
		    "mta.inbound-no-tls", NULL, "%s: smtpd_tls_security_level "
		    "is empty or none: STARTTLS is not offered", c->label);
		mta_suggest(run, c, "smtpd_tls_security_level", "may",
		    "offer STARTTLS to every sender");
	} else if (strcmp(level, "encrypt") == 0) {
		findings_add_req(fs, SEV_ERROR, REQ_MUST,
		    "mta.inbound-encrypt", RFC_NO_REQUIRE, "%s: "
		    "smtpd_tls_security_level = encrypt on a public MX: "
		    "senders without TLS are turned away", c->label);
		mta_suggest(run, c, "smtpd_tls_security_level", "may",
		    "a public MX must not require TLS (RFC 3207 §4)");
	} else if (strcmp(level, "may") != 0)
		findings_add(fs, SEV_WARN, "mta.inbound-level", NULL,
		    "%s: smtpd_tls_security_level = %s is not a server "
		    "level Postfix knows (none, may, encrypt)", c->label,
		    level);
	else
		findings_add(fs, SEV_INFO, "mta.inbound-may", NULL, "%s: "
		    "STARTTLS offered to every sender (security level may)",
		    c->label);
	free(level);
}

static void
mta_check_protocols(struct mta_run *run, const struct postfix_config *pf,
    const struct mta_context *c)
{
	char	*protocols = mta_value(pf, c, "smtpd_tls_protocols");
	char	*ciphers = mta_value(pf, c, "smtpd_tls_ciphers");

	if (mta_protocols_legacy(protocols)) {
		findings_add_req(&run->r->findings, SEV_WARN, REQ_MUST,
		    "mta.inbound-protocols", RFC_NO_TLS10, "%s: "
		    "smtpd_tls_protocols = \"%s\" lets TLS 1.0 and 1.1 "
		    "through", c->label, protocols);
		mta_suggest(run, c, "smtpd_tls_protocols", ">=TLSv1.2",
		    "TLS 1.0 and 1.1 are deprecated (RFC 8996)");
	}
	if (strcasecmp(ciphers, "export") == 0 ||
	    strcasecmp(ciphers, "low") == 0) {
		findings_add_req(&run->r->findings, SEV_WARN, REQ_ADVICE,
		    "mta.inbound-ciphers", NULL, "%s: smtpd_tls_ciphers = %s "
		    "admits export-grade or weak ciphers", c->label,
		    ciphers);
		mta_suggest(run, c, "smtpd_tls_ciphers", "medium",
		    "no export-grade or weak ciphers");
	}
	free(protocols);
	free(ciphers);
}

/* Case 022: legacy cert/key settings left behind next to chain files. */
static void
mta_check_legacy(struct mta_run *run, const struct postfix_config *pf,
    const struct mta_context *c, const struct mta_disk *d)
{
	static const char *const legacy[] = {
		"smtpd_tls_cert_file", "smtpd_tls_key_file",
		"smtpd_tls_eccert_file", "smtpd_tls_eckey_file",
		"smtpd_tls_dcert_file", "smtpd_tls_dkey_file",
	};
	struct strbuf	 names = { NULL, 0, 0 };
	char		*v;
	size_t		 i;

	if (!d->chain_files) {
		if (d->n > 0)
			findings_add(&run->r->findings, SEV_INFO,
			    "mta.legacy-cert", RULE_CHAIN, "%s: the "
			    "certificate comes from smtpd_tls_cert_file and "
			    "friends; smtpd_tls_chain_files (Postfix 3.4 and "
			    "later) holds every key and chain in one place",
			    c->label);
		return;
	}
	for (i = 0; i < sizeof legacy / sizeof *legacy; i++) {
		if (!postconf_is_set(&pf->conf, c->service, legacy[i]))
			continue;
		v = mta_value(pf, c, legacy[i]);
		if (*v != '\0') {
			strbuf_printf(&names, "%s%s", names.len > 0 ? ", " : "",
			    legacy[i]);
			strbuf_printf(&run->suggest, "# remove: ignored "
			    "because smtpd_tls_chain_files is set\n#%s = %s\n",
			    legacy[i], v);
		}
		free(v);
	}
	if (names.len > 0)
		findings_add(&run->r->findings, SEV_WARN,
		    "mta.legacy-cert-ignored", RULE_CHAIN, "%s: %s %s set but "
		    "ignored because smtpd_tls_chain_files is set; remove "
		    "them, so that no tool (or person) takes the wrong key "
		    "for the served one", c->label, names.s,
		    strchr(names.s, ',') != NULL ? "are" : "is");
	strbuf_free(&names);
}

/*
 * The chains a context loads, from the files the configuration read.
 * Chains point at pf's copies of the paths, which outlive them.
 */
static void
mta_disk_load(struct mta_run *run, const struct postfix_config *pf,
    const struct mta_context *c, struct mta_disk *d)
{
	const struct postfix_file	*f;
	struct certfile			*files;
	const char			**fpaths;
	char				**paths;
	size_t				  n, i, j;

	memset(d, 0, sizeof *d);
	paths = postfix_service_certs(&pf->conf, c->service, &d->chain_files,
	    &n);
	if (!pf->files_read) {
		postconf_list_free(paths, n);
		return;
	}
	files = xcalloc(n + 1, sizeof *files);
	fpaths = xcalloc(n + 1, sizeof *fpaths);
	for (i = 0; i < n; i++) {
		fpaths[i] = paths[i];
		f = postfix_config_file(pf, paths[i]);
		if (f == NULL || f->error != NULL) {
			findings_add(&run->r->findings, SEV_WARN,
			    "mta.file-unreadable", NULL, "%s: cannot read %s: "
			    "%s", c->label, paths[i], f != NULL ? f->error :
			    "not fetched");
			d->unreadable = 1;
			continue;
		}
		files[i] = f->cf;
		fpaths[i] = f->path;
	}

	if (d->chain_files)
		d->chains = certfile_chains(files, fpaths, n, &d->n,
		    &run->r->findings);
	else {
		/* Legacy: each certificate file is one chain, key apart. */
		for (i = 0; i < n; i++) {
			if (files[i].nblocks == 0)
				continue;
			d->chains = xreallocarray(d->chains, d->n + 1,
			    sizeof *d->chains);
			d->chains[d->n].has_key = 1;
			d->chains[d->n].path = fpaths[i];
			d->chains[d->n].certs = sk_X509_new_null();
			for (j = 0; j < files[i].nblocks; j++) {
				if (files[i].blocks[j].cert == NULL)
					continue;
				X509_up_ref(files[i].blocks[j].cert);
				sk_X509_push(d->chains[d->n].certs,
				    files[i].blocks[j].cert);
			}
			d->n++;
		}
	}
	free(files);
	free(fpaths);
	postconf_list_free(paths, n);
}

static void
mta_disk_free(struct mta_disk *d)
{
	certfile_chains_free(d->chains, d->n);
	memset(d, 0, sizeof *d);
}

static X509 *
mta_leaf(const struct certfile_chain *c)
{
	return sk_X509_num(c->certs) > 0 ? sk_X509_value(c->certs, 0) : NULL;
}

static const char *
mta_alg(const struct certfile_chain *c)
{
	return mta_leaf(c) != NULL ? certfile_key_algorithm(mta_leaf(c)) :
	    "unknown";
}

/* The validated TLSA records of a host usable for SMTP; NULL if none. */
static struct tlsa_record *
mta_tlsa(const struct mx_host *h, size_t *n)
{
	struct tlsa_record	*v = NULL, t;
	size_t			 i;

	*n = 0;
	if (h->tlsa == NULL || !h->tlsa->answered || !h->tlsa->ad ||
	    h->tlsa->rrs == NULL)
		return NULL;
	for (i = 0; i < ldns_rr_list_rr_count(h->tlsa->rrs); i++) {
		if (tlsa_from_rr(ldns_rr_list_rr(h->tlsa->rrs, i), &t) != 0)
			continue;
		if (t.usage != 2 && t.usage != 3) {
			tlsa_record_free(&t);
			continue;
		}
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = t;
	}
	return v;
}

static void
mta_tlsa_free(struct tlsa_record *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		tlsa_record_free(&v[i]);
	free(v);
}

/* Does any record match this chain: usage 3 its leaf, 2 an issuer? */
static int
mta_tlsa_covers(const struct tlsa_record *v, size_t n,
    const struct certfile_chain *c)
{
	size_t	i;
	int	j;

	for (i = 0; i < n; i++) {
		if (v[i].usage == 3 && mta_leaf(c) != NULL &&
		    tlsa_matches_cert(&v[i], mta_leaf(c)))
			return 1;
		for (j = 1; v[i].usage == 2 && j < sk_X509_num(c->certs); j++)
			if (tlsa_matches_cert(&v[i],
			    sk_X509_value(c->certs, j)))
				return 1;
	}
	return 0;
}

/* The file among those on disk whose leaf has this key, or NULL. */
static const char *
mta_disk_path(const struct mta_disk *d, const char *spki)
{
	const char	*path = NULL;
	char		*disk;
	size_t		 i;

	for (i = 0; i < d->n && spki != NULL && path == NULL; i++) {
		disk = mta_served_spki(mta_leaf(&d->chains[i]));
		if (disk != NULL && strcmp(spki, disk) == 0)
			path = d->chains[i].path;
		free(disk);
	}
	return path;
}

/* A second certificate (RSA beside ECDSA) is loaded from disk too. */
static void
mta_compare_other_keys(struct mta_run *run, const struct mx_host *h,
    const struct mx_addr *a, const struct mta_context *c,
    const struct mta_disk *d)
{
	struct findings		*fs = &run->r->findings;
	struct other_key	 other[2];
	const char		*path;
	char			*spki;
	size_t			 i, n;

	n = observe_other_keys(a, other);
	for (i = 0; i < n; i++) {
		spki = mta_served_spki(other[i].smtp->leaf);
		if ((path = mta_disk_path(d, spki)) != NULL)
			findings_add(fs, SEV_INFO, "mta.disk-matches", NULL,
			    "%s [%s]: its %s key (%.16s...) is the one %s "
			    "loads from %s", h->name, a->addr, other[i].kind,
			    spki, c->label, path);
		else
			findings_add(fs, SEV_WARN, "mta.reload-pending", NULL,
			    "%s [%s] serves an %s key (%.16s...) that is not "
			    "in the files %s names: the certificate changed "
			    "on disk and Postfix has not been reloaded since",
			    h->name, a->addr, other[i].kind,
			    spki != NULL ? spki : "none", c->label);
		free(spki);
	}
}

/*
 * The three-way comparison for one address: the key it serves, the keys
 * its service loads from disk, the records published for its host.
 */
static void
mta_compare(struct mta_run *run, const struct mx_host *h,
    const struct mx_addr *a, const struct mta_context *c,
    const struct mta_disk *d)
{
	struct findings		*fs = &run->r->findings;
	struct tlsa_record	*tlsa;
	char			*served, *disk, *line;
	const char		*on_disk;
	size_t			 ntlsa, i;

	if (a->smtp.outcome != SMTP_TLS_OK || d->n == 0)
		return;
	served = mta_served_spki(a->smtp.leaf);
	on_disk = mta_disk_path(d, served);
	if (on_disk != NULL)
		findings_add(fs, SEV_INFO, "mta.disk-matches", NULL, "%s "
		    "[%s]: the key served (%.16s...) is the one %s loads "
		    "from %s", h->name, a->addr, served, c->label, on_disk);
	else
		findings_add(fs, SEV_WARN, "mta.reload-pending", NULL,
		    "%s [%s] serves a key (%.16s...) that is not in the "
		    "files %s names (%s): the certificate changed on disk "
		    "and Postfix has not been reloaded since", h->name,
		    a->addr, served != NULL ? served : "none", c->label,
		    d->chains[0].path);
	mta_compare_other_keys(run, h, a, c, d);

	tlsa = mta_tlsa(h, &ntlsa);
	if (ntlsa == 0)
		findings_add(fs, SEV_INFO, "mta.no-tlsa-to-compare", NULL,
		    "%s: no validated TLSA records to compare the keys on "
		    "disk with", h->name);
	for (i = 0; i < d->n && ntlsa > 0; i++) {
		if (mta_tlsa_covers(tlsa, ntlsa, &d->chains[i]))
			continue;
		disk = mta_served_spki(mta_leaf(&d->chains[i]));
		line = tlsa_zone_line(h->name, 25, dns_answer_ttl(h->tlsa),
		    3, 1, 1, disk != NULL ? disk : "");
		if (on_disk == NULL)
			findings_add_req(fs, SEV_ERROR, REQ_MUST,
			    "mta.disk-not-in-tlsa", RFC_TLSA_ALL, "%s: after "
			    "the next reload, DANE senders will not deliver: "
			    "no TLSA record matches the new %s key in %s. "
			    "Publish \"%s\" first, wait for the TTL, then "
			    "reload", h->name, mta_alg(&d->chains[i]),
			    d->chains[i].path, line);
		else if (d->n == 1)
			findings_add_req(fs, SEV_ERROR, REQ_MUST,
			    "mta.disk-not-in-tlsa", RFC_TLSA_ALL, "%s: no "
			    "TLSA record matches the %s key Postfix serves "
			    "and loads from %s, so DANE senders do not "
			    "deliver; publish \"%s\"", h->name,
			    mta_alg(&d->chains[i]), d->chains[i].path, line);
		else
			findings_add_req(fs, SEV_ERROR, REQ_MUST,
			    "mta.disk-not-in-tlsa", RFC_TLSA_ALL, "%s: "
			    "%s-capable senders will see a certificate that "
			    "matches no TLSA record (the %s key in %s); "
			    "publish \"%s\"", h->name, mta_alg(&d->chains[i]),
			    mta_alg(&d->chains[i]), d->chains[i].path, line);
		free(line);
		free(disk);
	}
	mta_tlsa_free(tlsa, ntlsa);
	free(served);
}

/*
 * "3 1 1" for every key on disk, and "2 1 1" for an issuer every chain
 * sends: the records that will match after the next reload.
 */
static void
mta_records(struct mta_run *run, const char *host, long ttl,
    const struct mta_disk *d)
{
	char	*hex, *line, *ca = NULL, *other;
	size_t	 i, k;
	int	 j, everywhere;

	for (i = 0; i < d->n; i++) {
		if ((hex = mta_served_spki(mta_leaf(&d->chains[i]))) == NULL)
			continue;
		line = tlsa_zone_line(host, 25, ttl, 3, 1, 1, hex);
		if (run->records.s == NULL ||
		    strstr(run->records.s, line) == NULL)
			strbuf_printf(&run->records, "%s\n", line);
		free(line);
		free(hex);
	}

	/* An issuer in the first chain that every other chain sends too. */
	for (j = 1; d->n > 0 && ca == NULL &&
	    j < sk_X509_num(d->chains[0].certs); j++) {
		ca = mta_served_spki(sk_X509_value(d->chains[0].certs, j));
		for (i = 1, everywhere = 1; ca != NULL && i < d->n; i++) {
			everywhere = 0;
			for (k = 1; !everywhere &&
			    (int)k < sk_X509_num(d->chains[i].certs); k++) {
				other = mta_served_spki(sk_X509_value(
				    d->chains[i].certs, (int)k));
				everywhere = other != NULL &&
				    strcmp(other, ca) == 0;
				free(other);
			}
		}
		if (!everywhere) {
			free(ca);
			ca = NULL;
		}
	}
	if (ca != NULL) {
		line = tlsa_zone_line(host, 25, ttl, 2, 1, 1, ca);
		if (strstr(run->records.s != NULL ? run->records.s : "",
		    line) == NULL)
			strbuf_printf(&run->records, "; or, instead, the "
			    "issuing CA every chain sends (DANE-TA):\n; %s\n",
			    line);
		free(line);
		free(ca);
	}
}

/* Is smtp_tls_policy_maps asking an MTA-STS resolver? */
static int
mta_sts_map(const char *maps)
{
	return strstr(maps, "socketmap:") != NULL &&
	    (strstr(maps, "mta-sts") != NULL ||
	    strstr(maps, "mta_sts") != NULL || strstr(maps, ":8461") != NULL);
}

/* The resolver Postfix's lookups use, for DANE: local, and trusted. */
static void
mta_check_resolver(struct mta_run *run, const struct postfix_config *pf)
{
	struct findings	*fs = &run->r->findings;
	char		*copy, *line, *save, *ns = NULL;
	int		 local = 0, remote = 0, trust_ad = 0;

	if (pf->resolv_conf == NULL)
		return;
	copy = xstrdup(pf->resolv_conf);
	for (line = strtok_r(copy, "\n", &save); line != NULL;
	    line = strtok_r(NULL, "\n", &save)) {
		line += strspn(line, " \t");
		if (strncmp(line, "nameserver", 10) == 0) {
			line += 10 + strspn(line + 10, " \t");
			if (strncmp(line, "127.", 4) == 0 ||
			    strncmp(line, "::1", 3) == 0)
				local = 1;
			else {
				remote = 1;
				if (ns == NULL)
					ns = xstrndup(line,
					    strcspn(line, " \t"));
			}
		} else if (strncmp(line, "options", 7) == 0 &&
		    strstr(line, "trust-ad") != NULL)
			trust_ad = 1;
	}
	free(copy);

	if (remote)
		findings_add_req(fs, SEV_WARN, REQ_ADVICE,
		    "mta.resolver-remote", RULE_DNSSEC, "/etc/resolv.conf "
		    "on %s names %s, a resolver off this host: DANE trusts "
		    "its AD bit, which nothing protects on the way; run a "
		    "validating resolver on the host", pf->source, ns);
	else if (local && !trust_ad)
		findings_add_req(fs, SEV_WARN, REQ_ADVICE,
		    "mta.resolver-trust-ad", RULE_DNSSEC, "/etc/resolv.conf "
		    "on %s has no \"options trust-ad\": glibc 2.31 and "
		    "later then clear the AD bit, and Postfix sees no "
		    "DNSSEC-validated TLSA records", pf->source);
	else if (local)
		findings_add(fs, SEV_INFO, "mta.resolver-local", NULL,
		    "%s uses a resolver on the host, with trust-ad",
		    pf->source);
	free(ns);
}

/* Outbound: does this Postfix use DANE when it sends? */
static void
mta_check_outbound(struct mta_run *run, const struct postfix_config *pf)
{
	static const struct mta_context	 main_cf = { NULL, (char *)"main.cf" };
	struct findings			*fs = &run->r->findings;
	char				*level, *dns, *maps, *lookup;
	int				 dane;

	level = mta_value(pf, &main_cf, "smtp_tls_security_level");
	dns = mta_value(pf, &main_cf, "smtp_dns_support_level");
	maps = mta_value(pf, &main_cf, "smtp_tls_policy_maps");
	lookup = mta_value(pf, &main_cf, "smtp_host_lookup");
	dane = strcmp(level, "dane") == 0 || strcmp(level, "dane-only") == 0;

	if (!dane) {
		findings_add_req(fs, SEV_WARN, REQ_ADVICE,
		    "mta.outbound-no-dane", RULE_LEVEL, "outbound: "
		    "smtp_tls_security_level = %s: this server does not "
		    "check DANE when it sends mail", *level != '\0' ? level :
		    "(empty)");
		mta_suggest(run, &main_cf, "smtp_tls_security_level", "dane",
		    "check DANE when sending (needs a validating resolver)");
	} else if (strcmp(dns, "dnssec") != 0) {
		findings_add_req(fs, SEV_WARN, REQ_ADVICE,
		    "mta.outbound-dane-no-dnssec", RULE_DNSSEC, "outbound: "
		    "smtp_tls_security_level = %s, but "
		    "smtp_dns_support_level = %s: without \"dnssec\" Postfix "
		    "never sees validated TLSA records and DANE stays off",
		    level, *dns != '\0' ? dns : "(empty)");
		mta_suggest(run, &main_cf, "smtp_dns_support_level", "dnssec",
		    "DANE needs DNSSEC-validated lookups");
	} else if (strstr(lookup, "dns") == NULL)
		findings_add(fs, SEV_WARN, "mta.outbound-native-lookup",
		    RULE_DNSSEC, "outbound: smtp_host_lookup = %s: without "
		    "\"dns\" Postfix does not use DNSSEC and DANE stays off",
		    lookup);
	else
		findings_add(fs, SEV_INFO, "mta.outbound-dane", RULE_LEVEL,
		    "outbound DANE is on: smtp_tls_security_level = %s, "
		    "smtp_dns_support_level = dnssec", level);

	if (dane && mta_sts_map(maps))
		findings_add_req(fs, SEV_WARN, REQ_MUST,
		    "mta.sts-overrides-dane", RFC_STS_DANE, "outbound: "
		    "smtp_tls_policy_maps asks an MTA-STS resolver (%s); for "
		    "a destination that has both an MTA-STS policy and DANE "
		    "TLSA records, its answer replaces \"dane\" and DANE is "
		    "no longer checked. Make the resolver answer \"dane\" "
		    "when TLSA records exist, or drop the map", maps);
	if (dane)
		mta_check_resolver(run, pf);
	free(level);
	free(dns);
	free(maps);
	free(lookup);
}

/* Service keys, NULL being main.cf. */
static int
mta_same_service(const char *a, const char *b)
{
	return a == NULL || b == NULL ? a == b : strcmp(a, b) == 0;
}

static void
mta_context_add(struct mta_context **v, size_t *n, const char *service)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (mta_same_service(service, (*v)[i].service))
			return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].service = service;
	(*v)[*n].label = service == NULL ? xstrdup("main.cf") :
	    xprintf("master.cf service %s", service);
	(*n)++;
}

/* The contexts that answer this domain's MX addresses, or all (lint). */
static struct mta_context *
mta_contexts(const struct mta_run *run, const struct postfix_config *pf,
    size_t *n)
{
	struct mta_context	*v = NULL;
	const struct mx_host	*h;
	const char		**services;
	size_t			  i, j, ns;

	*n = 0;
	mta_context_add(&v, n, NULL);
	if (run->o->nhosts == 0) {
		services = postconf_smtpd_services(&pf->conf, &ns);
		for (i = 0; i < ns; i++)
			mta_context_add(&v, n, services[i]);
		free(services);
		return v;
	}
	for (i = 0; i < run->o->nhosts; i++) {
		h = &run->o->hosts[i];
		for (j = 0; j < h->naddrs; j++)
			mta_context_add(&v, n, postconf_service_for(
			    &pf->conf, h->addrs[j].addr));
	}
	return v;
}

/* A service whose TLS settings are main.cf's needs no separate word. */
static int
mta_context_differs(const struct postfix_config *pf,
    const struct mta_context *c)
{
	static const char *const names[] = {
		"smtpd_tls_security_level", "smtpd_use_tls",
		"smtpd_enforce_tls", "smtpd_tls_protocols",
		"smtpd_tls_ciphers", "smtpd_tls_chain_files",
		"smtpd_tls_cert_file", "smtpd_tls_eccert_file",
	};
	const char	*mine, *theirs;
	size_t		 i;

	if (c->service == NULL)
		return 1;
	for (i = 0; i < sizeof names / sizeof *names; i++) {
		mine = postconf_raw(&pf->conf, c->service, names[i]);
		theirs = postconf_raw(&pf->conf, NULL, names[i]);
		if (mine != NULL && (theirs == NULL ||
		    strcmp(mine, theirs) != 0))
			return 1;
	}
	return 0;
}

/* The name TLSA records go under, in lint: $myhostname. */
static char *
mta_lint_host(const struct postfix_config *pf)
{
	char	*host = postconf_value(&pf->conf, NULL, "myhostname");

	if (*host == '\0') {
		free(host);
		host = xstrdup("mx.example.net");
	}
	return host;
}

void
mta_config_check(struct mta_run *run, const struct postfix_config *pf)
{
	struct mta_context	*ctx;
	struct mta_disk		*disk;
	const struct mx_host	*h;
	const char		*svc;
	char			*host;
	size_t			 n, i, j, k;

	findings_append(&run->r->findings, &pf->conf.findings);
	ctx = mta_contexts(run, pf, &n);
	disk = xcalloc(n, sizeof *disk);
	for (i = 0; i < n; i++) {
		mta_disk_load(run, pf, &ctx[i], &disk[i]);
		if (!mta_context_differs(pf, &ctx[i]))
			continue;
		mta_check_level(run, pf, &ctx[i]);
		mta_check_protocols(run, pf, &ctx[i]);
		mta_check_legacy(run, pf, &ctx[i], &disk[i]);
	}
	mta_check_outbound(run, pf);

	/* Served, on disk, published: per address, under its service. */
	for (i = 0; i < run->o->nhosts; i++) {
		h = &run->o->hosts[i];
		for (j = 0; j < h->naddrs; j++) {
			svc = postconf_service_for(&pf->conf,
			    h->addrs[j].addr);
			for (k = 0; k < n; k++) {
				if (!mta_same_service(ctx[k].service, svc))
					continue;
				mta_compare(run, h, &h->addrs[j], &ctx[k],
				    &disk[k]);
				mta_records(run, h->name,
				    dns_answer_ttl(h->tlsa), &disk[k]);
			}
		}
	}
	if (run->o->nhosts == 0) {
		host = mta_lint_host(pf);
		for (k = 0; k < n; k++)
			mta_records(run, host, -1, &disk[k]);
		free(host);
	}

	for (i = 0; i < n; i++) {
		mta_disk_free(&disk[i]);
		free(ctx[i].label);
	}
	free(disk);
	free(ctx);
}
