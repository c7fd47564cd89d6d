/*
 * The SMTP probe (probes/smtp.c) against fake_smtpd: one server process
 * per test, each misbehaving in one way.  Every test checks the failure
 * class the probe reports and, through the fake's transcript, what the
 * probe sent and when.  Run by run.sh, which makes the PKI.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "smtp.h"
#include "xmalloc.h"

#define CASE020		TEST_DATA "/cases/020-smtp-multiline-greeting"
#define FAKE_HOST	"mx.fake.test"

struct fake {
	pid_t	 pid;
	int	 port;
	char	*transcript;
};

static const char	*pki;

/* Starts fake_smtpd with mode and extra arguments (NULL-terminated). */
static void
fake_start(struct fake *f, const char *mode, ...)
{
	const char	*argv[32], *arg;
	char		*cert, *key, line[32];
	va_list		 ap;
	size_t		 n = 0;
	int		 out[2];
	struct pollfd	 pfd;
	ssize_t		 r = 0;

	f->transcript = xprintf("%s/transcript.%d", pki, (int)getpid());
	unlink(f->transcript);
	cert = xprintf("%s/" FAKE_HOST ".crt", pki);
	key = xprintf("%s/" FAKE_HOST ".key", pki);
	argv[n++] = getenv("FAKE_SMTPD");
	argv[n++] = "--mode";
	argv[n++] = mode;
	argv[n++] = "--cert";
	argv[n++] = cert;
	argv[n++] = "--key";
	argv[n++] = key;
	argv[n++] = "--transcript";
	argv[n++] = f->transcript;
	va_start(ap, mode);
	while ((arg = va_arg(ap, const char *)) != NULL && n < 31)
		argv[n++] = arg;
	va_end(ap);
	argv[n] = NULL;

	if (pipe(out) != 0)
		fail_msg("pipe");
	if ((f->pid = fork()) == 0) {
		dup2(out[1], 1);
		close(out[0]);
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	close(out[1]);

	/* The fake prints its port once it listens. */
	pfd.fd = out[0];
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 5000) != 1 ||
	    (r = read(out[0], line, sizeof line - 1)) <= 0)
		fail_msg("fake_smtpd --mode %s did not start", mode);
	line[r] = '\0';
	f->port = atoi(line);
	close(out[0]);
	free(cert);
	free(key);
}

static char *
fake_transcript(const struct fake *f)
{
	FILE	*fp;
	char	*text;
	long	 size;

	if ((fp = fopen(f->transcript, "r")) == NULL)
		return xstrdup("");
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	text = xmalloc((size_t)size + 1);
	text[fread(text, 1, (size_t)size, fp)] = '\0';
	fclose(fp);
	return text;
}

static int
count(const char *text, const char *what)
{
	int	n = 0;

	while ((text = strstr(text, what)) != NULL) {
		n++;
		text++;
	}
	return n;
}

/*
 * Stops the fake once it has seen every connection end (the probe may
 * return before the fake has read its QUIT); returns the transcript.
 */
static char *
fake_stop(struct fake *f)
{
	char	*text;
	int	 tries;

	for (tries = 0; tries < 100; tries++) {
		text = fake_transcript(f);
		if (count(text, "S: (connected)") == count(text, "S: (closed)"))
			break;
		free(text);
		text = NULL;
		usleep(50 * 1000);
	}
	kill(f->pid, SIGTERM);
	waitpid(f->pid, NULL, 0);
	if (text == NULL)
		text = fake_transcript(f);
	unlink(f->transcript);
	free(f->transcript);
	return text;
}

/* The client's lines, in order, joined by '|'. */
static char *
client_lines(const char *transcript)
{
	const char	*p, *c, *nl;
	char		*out = xstrdup(""), *tmp;

	for (p = transcript; (c = strstr(p, " C: ")) != NULL; p = nl) {
		nl = strchr(c, '\n');
		tmp = xprintf("%s%s%.*s", out, *out != '\0' ? "|" : "",
		    (int)(nl - c - 4), c + 4);
		free(out);
		out = tmp;
	}
	return out;
}

/* When the client first spoke, in seconds from its connection. */
static double
client_first_at(const char *transcript)
{
	const char	*c = strstr(transcript, " C: "), *line;

	if (c == NULL)
		return -1;
	for (line = c; line > transcript && line[-1] != '\n'; line--)
		continue;
	return atof(line + 1);
}

static void
probe(struct fake *f, int timeout_ms, const struct smtp_params *params,
    const char *addr, struct smtp_result *r)
{
	static const struct smtp_params	plain;
	struct probe_opts		opts;
	char				*ca = xprintf("%s/ca.crt", pki);

	memset(&opts, 0, sizeof opts);
	opts.ca_file = ca;
	opts.timeout_ms = timeout_ms;
	smtp_probe_with(&opts, FAKE_HOST, addr != NULL ? addr : "127.0.0.1",
	    f->port, params != NULL ? params : &plain, r);
	free(ca);
}

static char *
leaf_cn(X509 *x)
{
	char	buf[256];

	X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName,
	    buf, sizeof buf);
	return xstrdup(buf);
}

static void
test_normal(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t, *lines, *staple;

	staple = xprintf("%s/ocsp.der", pki);
	fake_start(&f, "normal", "--staple", staple, NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	lines = client_lines(t);

	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_null(r.failed_in);
	assert_string_equal(r.tls_version, "TLSv1.3");
	assert_true(r.pkix_ok);
	assert_true(r.starttls_offered);
	assert_true(r.sni_sent);
	assert_true(r.ocsp_stapled);
	assert_int_equal(r.greeting_lines, 1);
	assert_string_equal(r.banner, "fake.invalid ESMTP");
	assert_true(smtp_ehlo_has(r.ehlo, "PIPELINING"));
	assert_non_null(r.chain);
	/* The exact commands, in order, with TLS in between. */
	assert_string_equal(lines, "EHLO mxanchor.invalid|STARTTLS|"
	    "EHLO mxanchor.invalid|QUIT");
	assert_non_null(strstr(t, "S: (TLS established)"));
	smtp_result_free(&r);
	free(lines);
	free(t);
	free(staple);
}

/* No staple configured: none reported. */
static void
test_no_staple(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "normal", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_false(r.ocsp_stapled);
	smtp_result_free(&r);
}

/*
 * Case 020: "220-" then six seconds of silence then "220 ".  The probe
 * must wait (greeting deadline 3 x 3 s) and say nothing meanwhile.
 */
static void
test_case020_slow_greeting(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t, *lines;

	fake_start(&f, "slow-greeting", "--pause", "6",
	    "--greeting1", CASE020 "/greeting-part1.bin",
	    "--greeting2", CASE020 "/greeting-part2.bin", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	lines = client_lines(t);

	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_int_equal(r.greeting_lines, 2);
	assert_string_equal(r.banner, "mx1.example.net ESMTP ready");
	assert_true(r.greeting_ms >= 6000);
	assert_true(client_first_at(t) >= 6.0);
	assert_string_equal(lines, "EHLO mxanchor.invalid|STARTTLS|"
	    "EHLO mxanchor.invalid|QUIT");
	smtp_result_free(&r);
	free(lines);
	free(t);
}

/* With a 1 s timeout the greeting gets 3 s: too short, could not test. */
static void
test_case020_greeting_deadline(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t;

	fake_start(&f, "slow-greeting", "--pause", "6",
	    "--greeting1", CASE020 "/greeting-part1.bin",
	    "--greeting2", CASE020 "/greeting-part2.bin", NULL);
	probe(&f, 1000, NULL, NULL, &r);
	t = fake_stop(&f);

	assert_int_equal(r.outcome, SMTP_UNTESTED);
	assert_string_equal(r.failed_in, "BANNER");
	assert_true(r.timed_out);
	assert_true(r.elapsed_ms >= 3000 && r.elapsed_ms < 5500);
	assert_non_null(strstr(r.error, "no complete greeting within 3000"));
	assert_null(strstr(t, " C: "));
	smtp_result_free(&r);
	free(t);
}

static void
test_banner_notice(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "banner-notice", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_int_equal(r.greeting_lines, 4);
	assert_string_equal(r.banner, "relay.example.org ESMTP");
	smtp_result_free(&r);
}

static void
test_no_starttls(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t, *lines;

	fake_start(&f, "no-starttls", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	lines = client_lines(t);
	assert_int_equal(r.outcome, SMTP_NO_STARTTLS);
	assert_false(r.starttls_offered);
	assert_string_equal(lines, "EHLO mxanchor.invalid|QUIT");
	assert_int_equal(smtp_version_support(&r), SMTP_SUPPORT_UNKNOWN);
	smtp_result_free(&r);
	free(lines);
	free(t);
}

static void
test_starttls_refused(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "starttls-refused", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_FAILED);
	assert_true(r.starttls_offered);
	assert_int_equal(r.starttls_code, 454);
	assert_string_equal(r.failed_in, "STARTTLS");
	assert_non_null(strstr(r.error, "advertised but refused: 454"));
	/* Refused STARTTLS says nothing about TLS versions. */
	assert_int_equal(smtp_version_support(&r), SMTP_SUPPORT_UNKNOWN);
	smtp_result_free(&r);
}

/*
 * Plaintext queued behind the 220 to STARTTLS is dropped: the reply to
 * the EHLO inside TLS comes from TLS, not from the injected "250".
 */
static void
test_inject(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t, *lines;

	fake_start(&f, "inject", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	lines = client_lines(t);
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_true(r.injected);
	assert_string_equal(lines, "EHLO mxanchor.invalid|STARTTLS|"
	    "EHLO mxanchor.invalid|QUIT");
	smtp_result_free(&r);
	free(lines);
	free(t);
}

static void
test_tarpit(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "tarpit", NULL);
	probe(&f, 1000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_UNTESTED);
	assert_string_equal(r.failed_in, "BANNER");
	assert_true(r.elapsed_ms < 1000 * SMTP_GREETING_FACTOR + 1500);
	smtp_result_free(&r);
}

static void
test_garbage(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "garbage", NULL);
	probe(&f, 1000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_PROTOCOL);
	assert_non_null(strstr(r.error, "not an SMTP reply"));
	smtp_result_free(&r);
}

static void
test_ehlo_reject(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t, *lines;

	fake_start(&f, "ehlo-reject", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	lines = client_lines(t);
	assert_int_equal(r.outcome, SMTP_NO_STARTTLS);
	assert_true(r.helo_fallback);
	assert_string_equal(lines, "EHLO mxanchor.invalid|"
	    "HELO mxanchor.invalid|QUIT");
	smtp_result_free(&r);
	free(lines);
	free(t);
}

static void
test_greet_554(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t;

	fake_start(&f, "greet-554", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	assert_int_equal(r.outcome, SMTP_UNTESTED);
	assert_non_null(strstr(r.error, "declined the session: 554"));
	assert_null(strstr(t, " C: "));
	smtp_result_free(&r);
	free(t);
}

static void
test_out_of_turn(void **state)
{
	struct smtp_result	 r;
	struct fake		 f;
	char			*t;

	fake_start(&f, "out-of-turn", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	t = fake_stop(&f);
	assert_int_equal(r.outcome, SMTP_PROTOCOL);
	assert_non_null(strstr(r.error, "out of turn"));
	assert_null(strstr(t, " C: "));
	smtp_result_free(&r);
	free(t);
}

/* One connection per version, as the mta step does. */
static void
test_tls10_only(void **state)
{
	struct smtp_params	p10 = { .tls_version = TLS1_VERSION };
	struct smtp_params	p11 = { .tls_version = TLS1_1_VERSION };
	struct smtp_result	r, r10, r11;
	struct fake		f;

	fake_start(&f, "tls10-only", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	probe(&f, 3000, &p10, NULL, &r10);
	probe(&f, 3000, &p11, NULL, &r11);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_string_equal(r.tls_version, "TLSv1");
	assert_int_equal(smtp_version_support(&r10), SMTP_SUPPORT_ACCEPTED);
	assert_int_equal(smtp_version_support(&r11), SMTP_SUPPORT_REFUSED);
	assert_string_equal(r11.failed_in, "HANDSHAKE");
	smtp_result_free(&r);
	smtp_result_free(&r10);
	smtp_result_free(&r11);
}

static void
test_modern_refuses_tls10(void **state)
{
	struct smtp_params	p10 = { .tls_version = TLS1_VERSION };
	struct smtp_params	p12 = { .tls_version = TLS1_2_VERSION };
	struct smtp_result	r10, r12;
	struct fake		f;

	fake_start(&f, "normal", NULL);
	probe(&f, 3000, &p10, NULL, &r10);
	probe(&f, 3000, &p12, NULL, &r12);
	free(fake_stop(&f));
	assert_int_equal(smtp_version_support(&r10), SMTP_SUPPORT_REFUSED);
	assert_int_equal(smtp_version_support(&r12), SMTP_SUPPORT_ACCEPTED);
	assert_string_equal(r12.tls_version, "TLSv1.2");
	smtp_result_free(&r10);
	smtp_result_free(&r12);
}

static void
test_implicit(void **state)
{
	struct smtp_params	 implicit = { .implicit_tls = 1 };
	struct smtp_result	 r, wrong;
	struct fake		 f, g;
	char			*t;

	fake_start(&f, "implicit", NULL);
	probe(&f, 3000, &implicit, NULL, &r);
	t = fake_stop(&f);
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_true(r.implicit_tls);
	assert_string_equal(r.banner, "fake.invalid ESMTP");
	assert_null(strstr(t, "STARTTLS"));

	/* A STARTTLS server spoken to as port 465: no handshake. */
	fake_start(&g, "normal", NULL);
	probe(&g, 1000, &implicit, NULL, &wrong);
	free(fake_stop(&g));
	assert_int_equal(wrong.outcome, SMTP_TLS_FAILED);
	assert_string_equal(wrong.failed_in, "HANDSHAKE");
	smtp_result_free(&r);
	smtp_result_free(&wrong);
	free(t);
}

static void
test_tls_hang(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "tls-hang", NULL);
	probe(&f, 1000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_FAILED);
	assert_true(r.timed_out);
	assert_true(r.elapsed_ms < 2500);
	assert_int_equal(smtp_version_support(&r), SMTP_SUPPORT_UNKNOWN);
	smtp_result_free(&r);
}

static void
test_ehlo_quirks(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "ehlo-quirks", NULL);
	probe(&f, 3000, NULL, NULL, &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_true(smtp_ehlo_has(r.ehlo, "SIZE"));
	assert_true(smtp_ehlo_has(r.ehlo, "8BITMIME"));
	assert_false(smtp_ehlo_has(r.ehlo, "GREETS"));
	smtp_result_free(&r);
}

/* SNI gets mx.fake.test; no SNI gets the other certificate. */
static void
test_sni(void **state)
{
	struct smtp_params	 nosni = { .no_sni = 1 };
	struct smtp_result	 r, n;
	struct fake		 f;
	char			*cert, *key, *cn, *cn2;

	cert = xprintf("%s/other.fake.test.crt", pki);
	key = xprintf("%s/other.fake.test.key", pki);
	fake_start(&f, "normal", "--nosni-cert", cert, "--nosni-key", key,
	    NULL);
	probe(&f, 3000, NULL, NULL, &r);
	probe(&f, 3000, &nosni, NULL, &n);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_int_equal(n.outcome, SMTP_TLS_OK);
	assert_false(n.sni_sent);
	cn = leaf_cn(r.leaf);
	cn2 = leaf_cn(n.leaf);
	assert_string_equal(cn, "mx.fake.test");
	assert_string_equal(cn2, "other.fake.test");
	/* The name is still checked: other.fake.test is not the MX. */
	assert_true(r.pkix_ok);
	assert_false(n.pkix_ok);
	smtp_result_free(&r);
	smtp_result_free(&n);
	free(cn);
	free(cn2);
	free(cert);
	free(key);
}

static void
test_ipv6(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "normal", "--listen", "::1", NULL);
	probe(&f, 3000, NULL, "::1", &r);
	free(fake_stop(&f));
	assert_int_equal(r.outcome, SMTP_TLS_OK);
	assert_string_equal(r.addr, "::1");
	smtp_result_free(&r);
}

/* Nothing listening: could not test, at once, not after a timeout. */
static void
test_refused(void **state)
{
	struct smtp_result	r;
	struct fake		f;

	fake_start(&f, "normal", NULL);
	free(fake_stop(&f));
	probe(&f, 3000, NULL, NULL, &r);
	assert_int_equal(r.outcome, SMTP_UNTESTED);
	assert_string_equal(r.failed_in, "CONNECT");
	assert_false(r.timed_out);
	assert_true(r.elapsed_ms < 1000);
	smtp_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_normal),
		cmocka_unit_test(test_no_staple),
		cmocka_unit_test(test_case020_slow_greeting),
		cmocka_unit_test(test_case020_greeting_deadline),
		cmocka_unit_test(test_banner_notice),
		cmocka_unit_test(test_no_starttls),
		cmocka_unit_test(test_starttls_refused),
		cmocka_unit_test(test_inject),
		cmocka_unit_test(test_tarpit),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_ehlo_reject),
		cmocka_unit_test(test_greet_554),
		cmocka_unit_test(test_out_of_turn),
		cmocka_unit_test(test_tls10_only),
		cmocka_unit_test(test_modern_refuses_tls10),
		cmocka_unit_test(test_implicit),
		cmocka_unit_test(test_tls_hang),
		cmocka_unit_test(test_ehlo_quirks),
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_refused),
	};

	if ((pki = getenv("FAKE_PKI")) == NULL ||
	    getenv("FAKE_SMTPD") == NULL) {
		fprintf(stderr, "run me through tests/fakes/run.sh\n");
		return 1;
	}
	OPENSSL_init_ssl(0, NULL);
	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
