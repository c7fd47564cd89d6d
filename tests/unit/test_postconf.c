/*
 * Unit tests for probes/postconf.c (postconf output, main.cf, $name
 * expansion), probes/certfile.c (certificate files without keys, Postfix
 * key-and-chain grouping) and the mta step's configuration half, with
 * case 022 under tests/data/cases/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "certfile.h"
#include "clock.h"
#include "context.h"
#include "observe.h"
#include "postconf.h"
#include "postfix.h"
#include "step.h"
#include "tlsa.h"
#include "xmalloc.h"

#define CASE022		TEST_DATA "/cases/022-postconf-chain-files-dual-key"
#define RSA_311		"089c4834ddfbdb5874d524f841f7004dfbd14fe8a1c7ac0374b180a8ca051b81"
#define ECDSA_311	"77ff62b042975198b4387b2a25d0a43290d196d2ee2b40daaabd27679bcf3fae"
#define CA_211		"012be766b1b360b116c888d51b82837410fd31ca646e5a074851851a0cd17665"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	char	*buf;
	long	 size;

	if ((f = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = xmalloc((size_t)size + 1);
	assert_int_equal(fread(buf, 1, (size_t)size, f), (size_t)size);
	buf[size] = '\0';
	fclose(f);
	*len = (size_t)size;
	return buf;
}

static void
parse_main(struct postconf *pc, const char *text)
{
	postconf_init(pc);
	postconf_parse_main(pc, text, strlen(text));
	postconf_check(pc);
}

static void
assert_value(const struct postconf *pc, const char *service,
    const char *name, const char *want)
{
	char	*v = postconf_value(pc, service, name);

	assert_string_equal(v, want);
	free(v);
}

/* Continuation lines join with one space; comments never end a line. */
static void
test_logical_lines(void **state)
{
	struct postconf	pc;

	parse_main(&pc,
	    "# a comment\n"
	    "smtpd_tls_chain_files =\n"
	    "    /etc/a.pem,\n"
	    "  # a comment inside\n"
	    "\t/etc/b.pem  \n"
	    "\n"
	    "myhostname=mx.example.net\n"
	    "empty =\n");
	assert_int_equal(pc.nmain, 3);
	assert_value(&pc, NULL, "smtpd_tls_chain_files",
	    "/etc/a.pem, /etc/b.pem");
	assert_value(&pc, NULL, "myhostname", "mx.example.net");
	assert_value(&pc, NULL, "empty", "");
	assert_int_equal(pc.findings.n, 0);
	postconf_free(&pc);
}

static void
test_syntax_findings(void **state)
{
	struct postconf	pc;

	parse_main(&pc,
	    "  orphan = continuation\n"
	    "not a setting\n"
	    "bad name! = 1\n"
	    "a = 1\n"
	    "a = 2\n");
	assert_non_null(findings_find(&pc.findings,
	    "postconf.orphan-continuation"));
	assert_non_null(findings_find(&pc.findings, "postconf.syntax"));
	assert_non_null(findings_find(&pc.findings, "postconf.duplicate"));
	assert_value(&pc, NULL, "a", "2");
	postconf_free(&pc);
}

static void
test_expansion(void **state)
{
	struct postconf	pc;

	parse_main(&pc,
	    "dir = /etc/postfix\n"
	    "a = $dir/a.pem\n"
	    "b = ${dir}/b.pem\n"
	    "c = $(dir)/c.pem\n"
	    "set = yes\n"
	    "unset =\n"
	    "d = ${set?on}${unset?never}\n"
	    "e = ${unset:off}${set:never}\n"
	    "f = ${set?{braced, with comma}}\n"
	    "g = $nosuch-x and $ alone\n"
	    "h = ${broken\n");
	assert_value(&pc, NULL, "a", "/etc/postfix/a.pem");
	assert_value(&pc, NULL, "b", "/etc/postfix/b.pem");
	assert_value(&pc, NULL, "c", "/etc/postfix/c.pem");
	assert_value(&pc, NULL, "d", "on");
	assert_value(&pc, NULL, "e", "off");
	assert_value(&pc, NULL, "f", "braced, with comma");
	assert_value(&pc, NULL, "g", "-x and $ alone");
	assert_value(&pc, NULL, "h", "${broken");
	/* Built-in defaults expand too, unless postconf -d came. */
	assert_value(&pc, NULL, "smtpd_tls_key_file", "");
	assert_value(&pc, NULL, "data_directory", "/var/lib/postfix");
	assert_int_equal(pc.findings.n, 0);
	postconf_free(&pc);
}

static void
test_expansion_loops(void **state)
{
	struct postconf	pc;
	char		*v;

	parse_main(&pc,
	    "a = $b\n"
	    "b = $a\n"
	    "x = $y$y$y$y$y$y$y$y\n"
	    "y = $z$z$z$z$z$z$z$z\n"
	    "z = $w$w$w$w$w$w$w$w\n"
	    "w = $v$v$v$v$v$v$v$v\n"
	    "v = $u$u$u$u$u$u$u$u\n"
	    "u =\n");
	assert_non_null(findings_find(&pc.findings, "postconf.loop"));
	v = postconf_value(&pc, NULL, "a");
	assert_string_equal(v, "");
	free(v);
	/* 8^5 lookups would take a while; the budget cuts them. */
	v = postconf_value(&pc, NULL, "x");
	assert_string_equal(v, "");
	free(v);
	postconf_free(&pc);
}

/* postconf -d replaces the built-in defaults entirely. */
static void
test_defaults(void **state)
{
	static const char defaults[] =
	    "smtpd_tls_protocols = >=TLSv1.2\n"
	    "data_directory = /srv/postfix\n";
	struct postconf	pc;

	parse_main(&pc, "x = $data_directory\n");
	postconf_parse_defaults(&pc, defaults, strlen(defaults));
	assert_value(&pc, NULL, "smtpd_tls_protocols", ">=TLSv1.2");
	assert_value(&pc, NULL, "x", "/srv/postfix");
	assert_null(postconf_raw(&pc, NULL, "smtp_dns_support_level"));
	postconf_free(&pc);
}

/* master.cf: which service answers an address, and its overrides. */
static void
test_services(void **state)
{
	static const char services[] =
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "192.0.2.7:smtp inet n   -       y       -       -       smtpd\n"
	    "    -o smtpd_tls_security_level=none\n"
	    "[2001:db8::7]:25 inet n -       y       -       -       "
	    "postscreen\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "pickup    unix  n       -       y       60      1       pickup\n";
	static const char overrides[] =
	    "192.0.2.7:smtp/inet/smtpd_tls_security_level = none\n"
	    "192.0.2.7:smtp/inet/myhostname = mx7.$mydomain\n";
	struct postconf	 pc;
	const char	**keys;
	size_t		  n;

	parse_main(&pc, "mydomain = example.net\n"
	    "smtpd_tls_security_level = may\n");
	postconf_parse_services(&pc, services, strlen(services));
	postconf_parse_overrides(&pc, overrides, strlen(overrides));
	assert_int_equal(pc.nservices, 5);

	/* Port 25 only: submission is not an MX's business. */
	keys = postconf_smtpd_services(&pc, &n);
	assert_int_equal(n, 3);
	assert_string_equal(keys[2], "[2001:db8::7]:25/inet");
	free(keys);
	assert_string_equal(postconf_service_for(&pc, "192.0.2.7"),
	    "192.0.2.7:smtp/inet");
	assert_string_equal(postconf_service_for(&pc, "2001:db8::7"),
	    "[2001:db8::7]:25/inet");
	assert_string_equal(postconf_service_for(&pc, "192.0.2.8"),
	    "smtp/inet");
	assert_value(&pc, "192.0.2.7:smtp/inet", "smtpd_tls_security_level",
	    "none");
	assert_value(&pc, "192.0.2.7:smtp/inet", "myhostname",
	    "mx7.example.net");
	assert_value(&pc, "smtp/inet", "smtpd_tls_security_level", "may");
	assert_true(postconf_is_set(&pc, "192.0.2.7:smtp/inet",
	    "smtpd_tls_security_level"));
	assert_false(postconf_is_set(&pc, NULL, "myhostname"));
	postconf_free(&pc);
}

static void
test_list(void **state)
{
	char	**v;
	size_t	  n;

	v = postconf_list(" a, b\tc,,\n d ", &n);
	assert_int_equal(n, 4);
	assert_string_equal(v[0], "a");
	assert_string_equal(v[3], "d");
	postconf_list_free(v, n);
}

/* No line of a key body survives; BEGIN and END lines do. */
static void
test_strip_keys(void **state)
{
	char	*text, *stripped;
	size_t	 len;

	text = slurp(CASE022 "/root/etc/postfix/tls/ecdsa-combined.pem", &len);
	assert_non_null(strstr(text, "PRIVATE KEY-----\n"));
	stripped = certfile_strip_keys(text, len);
	assert_non_null(strstr(stripped, "-----BEGIN PRIVATE KEY-----\n"
	    "-----END PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----"));
	free(stripped);
	free(text);

	stripped = certfile_read_local(CASE022
	    "/root/etc/ssl/private/ssl-cert-snakeoil.key", &text);
	assert_non_null(stripped);
	assert_true(strlen(stripped) < 80);
	assert_null(strstr(stripped, "\nMI"));
	free(stripped);
}

static void
read_case_file(const char *rel, struct certfile *cf)
{
	char	*path, *text, *cause = NULL;

	path = xprintf("%s/root%s", CASE022, rel);
	text = certfile_read_local(path, &cause);
	assert_non_null(text);
	assert_int_equal(certfile_parse(text, cf, &cause), 0);
	free(text);
	free(path);
}

/* Case 022: three files, one key-and-chain pair per key. */
static void
test_case022_chains(void **state)
{
	static const char *const paths[] = {
		"/etc/postfix/tls/rsa-key.pem",
		"/etc/postfix/tls/rsa-fullchain.pem",
		"/etc/postfix/tls/ecdsa-combined.pem",
	};
	struct findings		 fs = { NULL, 0, 0 };
	struct certfile		 cf[3];
	struct certfile_chain	*chains;
	size_t			 n, i;
	char			*hex;

	for (i = 0; i < 3; i++)
		read_case_file(paths[i], &cf[i]);
	assert_int_equal(cf[0].nblocks, 1);
	assert_true(cf[0].blocks[0].is_key);
	assert_null(cf[0].blocks[0].cert);
	assert_int_equal(cf[2].nblocks, 3);

	chains = certfile_chains(cf, paths, 3, &n, &fs);
	assert_int_equal(n, 2);
	assert_int_equal(fs.n, 0);
	assert_string_equal(certfile_key_algorithm(sk_X509_value(
	    chains[0].certs, 0)), "RSA");
	assert_string_equal(certfile_key_algorithm(sk_X509_value(
	    chains[1].certs, 0)), "ECDSA");
	assert_int_equal(sk_X509_num(chains[0].certs), 2);
	hex = tlsa_cert_digest_hex(sk_X509_value(chains[0].certs, 0), 1, 1);
	assert_string_equal(hex, RSA_311);
	free(hex);
	hex = tlsa_cert_digest_hex(sk_X509_value(chains[1].certs, 0), 1, 1);
	assert_string_equal(hex, ECDSA_311);
	free(hex);
	assert_string_equal(chains[0].path, paths[1]);

	/* Out of order: the chain file before its key. */
	certfile_chains_free(chains, n);
	chains = certfile_chains(&cf[1], &paths[1], 2, &n, &fs);
	assert_non_null(findings_find(&fs, "mta.cert-before-key"));
	certfile_chains_free(chains, n);
	findings_free(&fs);

	/* A key and nothing after it; two ECDSA keys. */
	chains = certfile_chains(cf, paths, 1, &n, &fs);
	assert_non_null(findings_find(&fs, "mta.key-without-cert"));
	certfile_chains_free(chains, n);
	findings_free(&fs);
	{
		struct certfile		 twice[2] = { cf[2], cf[2] };
		const char		*p2[2] = { paths[2], paths[2] };

		chains = certfile_chains(twice, p2, 2, &n, &fs);
		assert_non_null(findings_find(&fs, "mta.duplicate-key-type"));
		certfile_chains_free(chains, n);
		findings_free(&fs);
	}
	for (i = 0; i < 3; i++)
		certfile_free(&cf[i]);
}

static void
test_certfile_garbage(void **state)
{
	struct certfile	 cf;
	char		*cause = NULL;

	assert_int_equal(certfile_parse("-----BEGIN CERTIFICATE-----\nnot "
	    "base64\n-----END CERTIFICATE-----\n", &cf, &cause), -1);
	assert_non_null(strstr(cause, "does not parse"));
	free(cause);
	cause = NULL;
	assert_int_equal(certfile_parse("-----BEGIN CERTIFICATE-----\nxx\n",
	    &cf, &cause), -1);
	assert_non_null(strstr(cause, "no END line"));
	free(cause);
	assert_int_equal(certfile_parse("just text", &cf, &cause), 0);
	assert_int_equal(cf.nblocks, 0);
	certfile_free(&cf);
}

/* The case's postconf -n with its files, as lint reads them. */
static void
load_case022(struct postfix_config *pf)
{
	char	*text;
	size_t	 len;

	text = slurp(CASE022 "/postconf-n.txt", &len);
	postfix_config_init(pf, "postconf-n.txt");
	postconf_parse_main(&pf->conf, text, len);
	postconf_check(&pf->conf);
	postfix_config_read_local(pf, CASE022 "/root");
	free(text);
}

static int
has_text(const struct step_result *r, const char *s)
{
	size_t	i;

	for (i = 0; i < r->findings.n; i++)
		if (strstr(r->findings.v[i].message, s) != NULL)
			return 1;
	for (i = 0; i < r->nartifacts; i++)
		if (strstr(r->artifacts[i].content, s) != NULL)
			return 1;
	return 0;
}

static void
run_mta(struct observation *o, struct step_result *r)
{
	static const struct step_context	ctx;
	struct step_result			earlier[STEP_COUNT];
	size_t					i;

	for (i = 0; i < STEP_COUNT; i++)
		step_result_init(&earlier[i], (enum step_id)i);
	step_result_init(r, STEP_MTA);
	step_table[STEP_MTA]->evaluate(o, &ctx, earlier, r);
}

/* The snakeoil pair's key digest, to prove it is never suggested. */
static char *
snakeoil_digest(void)
{
	struct certfile	 cf;
	char		*hex;

	read_case_file("/etc/ssl/certs/ssl-cert-snakeoil.pem", &cf);
	hex = tlsa_cert_digest_hex(cf.blocks[0].cert, 1, 1);
	certfile_free(&cf);
	return hex;
}

/* Case 022 offline: the records, the legacy warning, outbound DANE. */
static void
test_case022_lint(void **state)
{
	struct postfix_config	 pf;
	struct observation	 o;
	struct step_result	 r;
	char			*snake = snakeoil_digest();

	load_case022(&pf);
	memset(&o, 0, sizeof o);
	o.domain = (char *)"lint";
	o.postfix = &pf;
	run_mta(&o, &r);

	assert_true(has_text(&r, "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 "
	    RSA_311));
	assert_true(has_text(&r, "_25._tcp.mx1.example.net. 3600 IN TLSA 3 1 1 "
	    ECDSA_311));
	assert_true(has_text(&r, "2 1 1 " CA_211));
	assert_non_null(findings_find(&r.findings, "mta.legacy-cert-ignored"));
	assert_true(has_text(&r, "smtpd_tls_cert_file, smtpd_tls_key_file "
	    "are set but ignored"));
	assert_non_null(findings_find(&r.findings, "mta.outbound-dane"));
	assert_null(findings_find(&r.findings, "mta.outbound-no-dane"));
	assert_false(has_text(&r, snake));
	assert_int_equal(r.status, STEP_WARN);
	step_result_free(&r);
	postfix_config_free(&pf);
	free(snake);
}

/* An answer holding the given TLSA records, validated. */
static struct dns_answer *
tlsa_answer(const char *const *records, size_t n)
{
	struct dns_answer	*a = xcalloc(1, sizeof *a);
	ldns_rr			*rr;
	size_t			 i;

	a->qname = xstrdup("_25._tcp.mx1.example.net");
	a->qtype = LDNS_RR_TYPE_TLSA;
	a->answered = 1;
	a->ad = 1;
	a->rrs = ldns_rr_list_new();
	for (i = 0; i < n; i++) {
		assert_int_equal(ldns_rr_new_frm_str(&rr, records[i], 300,
		    NULL, NULL), LDNS_STATUS_OK);
		ldns_rr_list_push_rr(a->rrs, rr);
	}
	return a;
}

/*
 * Case 022, served and published: the server sent its RSA chain, the
 * RRset has only the RSA record: a partial mismatch, not "OK".
 */
static void
test_case022_partial_tlsa(void **state)
{
	static const char *const rsa_only[] = {
		"_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 " RSA_311,
	};
	static const char *const both[] = {
		"_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 " RSA_311,
		"_25._tcp.mx1.example.net. 300 IN TLSA 3 1 1 " ECDSA_311,
	};
	struct postfix_config	 pf;
	struct observation	 o;
	struct mx_host		 h;
	struct mx_addr		 a;
	struct step_result	 r;
	struct certfile		 cf;

	/* Inside the certificates' validity (2026-11-10 to 2027-02-08). */
	clock_set(1796000000);
	load_case022(&pf);
	read_case_file("/etc/postfix/tls/rsa-fullchain.pem", &cf);
	memset(&a, 0, sizeof a);
	a.addr = (char *)"192.0.2.25";
	a.smtp.addr = a.addr;
	a.smtp.outcome = SMTP_TLS_OK;
	a.smtp.tls_version = (char *)"TLSv1.3";
	a.smtp.pkix_ok = 1;
	a.smtp.leaf = cf.blocks[0].cert;
	a.tls10.outcome = a.tls11.outcome = a.nosni.outcome = SMTP_UNTESTED;
	memset(&h, 0, sizeof h);
	h.name = (char *)"mx1.example.net";
	h.addrs = &a;
	h.naddrs = 1;
	h.tlsa = tlsa_answer(rsa_only, 1);
	memset(&o, 0, sizeof o);
	o.domain = (char *)"example.net";
	o.hosts = &h;
	o.nhosts = 1;
	o.postfix = &pf;

	run_mta(&o, &r);
	assert_non_null(findings_find(&r.findings, "mta.disk-matches"));
	assert_true(has_text(&r, "ECDSA-capable senders will see a "
	    "certificate that matches no TLSA record"));
	assert_true(has_text(&r, "3 1 1 " ECDSA_311));
	assert_int_equal(r.status, STEP_FAIL);
	step_result_free(&r);

	/* Both records published: no mismatch left. */
	dns_answer_free(h.tlsa);
	h.tlsa = tlsa_answer(both, 2);
	run_mta(&o, &r);
	assert_null(findings_find(&r.findings, "mta.disk-not-in-tlsa"));
	assert_int_not_equal(r.status, STEP_FAIL);
	step_result_free(&r);

	/* Nine days before notAfter: a warning; months later, expired. */
	clock_set(1801267200);
	run_mta(&o, &r);
	assert_non_null(findings_find(&r.findings, "mta.cert-expiring"));
	assert_true(has_text(&r, "in 9 days"));
	step_result_free(&r);
	clock_set(1830000000);
	run_mta(&o, &r);
	assert_non_null(findings_find(&r.findings, "mta.cert-expired"));
	step_result_free(&r);
	clock_set(-1);

	dns_answer_free(h.tlsa);
	certfile_free(&cf);
	postfix_config_free(&pf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logical_lines),
		cmocka_unit_test(test_syntax_findings),
		cmocka_unit_test(test_expansion),
		cmocka_unit_test(test_expansion_loops),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_strip_keys),
		cmocka_unit_test(test_case022_chains),
		cmocka_unit_test(test_certfile_garbage),
		cmocka_unit_test(test_case022_lint),
		cmocka_unit_test(test_case022_partial_tlsa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
