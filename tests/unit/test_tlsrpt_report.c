/*
 * Unit tests for TLS-RPT report ingestion: gzip with a cap (probes/
 * gzip.c), the JSON report parser (probes/tlsrpt_report.c), reports in
 * mail (probes/tlsrpt_mail.c) and the importer with its summary
 * (steps/report_import.c, report_summary.c), with cases 009 and 012.
 */
#include <sys/stat.h>

#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "clock.h"
#include "context.h"
#include "gzip.h"
#include "report_import.h"
#include "report_summary.h"
#include "state.h"
#include "tlsrpt_mail.h"
#include "tlsrpt_report.h"
#include "xmalloc.h"

#define CASE009	"009-tlsrpt-report-sparse-fields"
#define CASE012	"012-tlsrpt-email-attachment"
#define FILE009A "reporter.example.org!example.net!1795996800!1796083199!" \
		    "134090112233445566.json"
#define FILE009B "reporter.example.org!example.net!1795910400!1795996799!" \
		    "134089246800000001.json"
#define SHA012	"ed15eec92d04f8041b66560e3280f77c" \
		"7cfe44e9943ba8c7c00757b78fc1ce3b"

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 size;

	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	buf = xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, fp) != (size_t)size)
		fail_msg("short read on %s", path);
	buf[size] = '\0';
	fclose(fp);
	*len = (size_t)size;
	return buf;
}

static char *
case_read(const char *dir, const char *file, size_t *len)
{
	char	*path, *buf;

	path = xprintf("%s/cases/%s/%s", TEST_DATA, dir, file);
	buf = slurp(path, len);
	free(path);
	return buf;
}

/* gzip of data (one member), with extra bytes appended. */
static unsigned char *
gzip_make(const void *data, size_t len, const char *extra, size_t *outlen)
{
	z_stream	 z;
	unsigned char	*out;
	size_t		 cap = len + 1024, elen = extra ? strlen(extra) : 0;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	out = xmalloc(cap + elen);
	z.next_in = (Bytef *)data;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = cap - z.avail_out;
	deflateEnd(&z);
	if (elen > 0)
		memcpy(out + *outlen, extra, elen);
	*outlen += elen;
	return out;
}

static void
sha256_hex(const void *data, size_t len, char hex[65])
{
	unsigned char	md[32];
	unsigned int	mdlen, i;

	EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

/* --- gzip (RFC 8460 §5.2) --- */

/* Bytes after the member are ignored; the output is exact. */
static void
test_gzip_trailing_bytes(void **state)
{
	const char	*json = "{\"report-id\":\"x\"}";
	unsigned char	*gz;
	char		*out, *cause = NULL;
	size_t		 gzlen, outlen;

	gz = gzip_make(json, strlen(json), "\r\n\r\n--boundary junk", &gzlen);
	assert_true(gzip_is(gz, gzlen));
	assert_int_equal(gzip_inflate(gz, gzlen, 1000, &out, &outlen,
	    &cause), 0);
	assert_int_equal(outlen, strlen(json));
	assert_string_equal(out, json);
	free(out);
	free(gz);
}

/* A bomb stops at the cap, with a message. */
static void
test_gzip_bomb_capped(void **state)
{
	unsigned char	*gz;
	char		*zeros, *out, *cause = NULL;
	size_t		 gzlen, outlen;

	zeros = xcalloc(1, 4 * 1024 * 1024);
	gz = gzip_make(zeros, 4 * 1024 * 1024, NULL, &gzlen);
	assert_true(gzlen < 100 * 1024);
	assert_int_equal(gzip_inflate(gz, gzlen, 1024 * 1024, &out, &outlen,
	    &cause), -1);
	assert_null(out);
	assert_non_null(strstr(cause, "more than 1048576 bytes"));
	free(cause);

	/* Exactly at the cap is fine. */
	assert_int_equal(gzip_inflate(gz, gzlen, 4 * 1024 * 1024, &out,
	    &outlen, &cause), 0);
	assert_int_equal(outlen, 4 * 1024 * 1024);
	free(out);
	free(gz);
	free(zeros);
}

/* Truncated and damaged data are errors, not half reports. */
static void
test_gzip_truncated_and_damaged(void **state)
{
	const char	*json = "{\"report-id\":\"truncated report\"}";
	unsigned char	*gz;
	char		*out, *cause = NULL;
	size_t		 gzlen, outlen;

	gz = gzip_make(json, strlen(json), NULL, &gzlen);
	assert_int_equal(gzip_inflate(gz, gzlen - 6, 1000, &out, &outlen,
	    &cause), -1);
	assert_non_null(strstr(cause, "truncated"));
	free(cause);
	gz[12] ^= 0xff;
	assert_int_equal(gzip_inflate(gz, gzlen, 1000, &out, &outlen,
	    &cause), -1);
	assert_non_null(cause);
	free(cause);
	assert_int_equal(gzip_inflate("{}", 2, 1000, &out, &outlen, &cause),
	    -1);
	assert_string_equal(cause, "not gzip data");
	free(cause);
	free(gz);
}

/* --- the JSON report (RFC 8460 §4.4), case 009 --- */

/* Case 009, file 1: no sending-mta-ip, no mx, no policy-string. */
static void
test_case009_sparse_failure(void **state)
{
	struct tlsrpt_report	 r;
	struct tlsrpt_failure	*f;
	char			*json, *cause = NULL, *g;
	size_t			 len;

	json = case_read(CASE009, FILE009A, &len);
	assert_int_equal(tlsrpt_report_parse(json, len, NULL, &r, &cause), 0);
	assert_string_equal(r.organization, "Example Mail Corp");
	assert_string_equal(r.contact, "tlsrpt-noreply@reporter.example.org");
	assert_string_equal(r.report_id, "134090112233445566+");
	assert_int_equal(r.begin, 1796083200 - 86400);	/* 2026-11-30 */
	assert_int_equal(r.end, 1796083199);
	assert_int_equal(r.npolicies, 1);
	assert_string_equal(r.policies[0].type, "sts");
	assert_string_equal(r.policies[0].domain, "example.net");
	assert_int_equal(r.policies[0].nstrings, 0);
	assert_int_equal(r.policies[0].nmx, 0);
	assert_int_equal(r.policies[0].successful, 0);
	assert_int_equal(r.policies[0].failed, 3);
	assert_int_equal(r.policies[0].nfailures, 1);
	f = &r.policies[0].failures[0];
	assert_string_equal(f->result_type, "sts-policy-fetch-error");
	assert_int_equal(f->sessions, 3);
	assert_null(f->sending_ip);
	assert_null(f->receiving_mx);
	assert_null(f->receiving_ip);
	g = tlsrpt_failure_guidance(&r.policies[0], f);
	assert_string_equal(g, "3 sessions could not fetch "
	    "https://mta-sts.example.net/.well-known/mta-sts.txt");
	free(g);
	tlsrpt_report_free(&r);
	free(json);
}

/* Case 009, file 2: pretty-printed, no failure-details. */
static void
test_case009_no_failure_details(void **state)
{
	struct tlsrpt_report	 r;
	char			*json, *cause = NULL;
	size_t			 len;

	json = case_read(CASE009, FILE009B, &len);
	assert_int_equal(tlsrpt_report_parse(json, len, NULL, &r, &cause), 0);
	assert_string_equal(r.report_id, "134089246800000001+example.net");
	assert_int_equal(r.begin, 1795910400);
	assert_int_equal(r.policies[0].nstrings, 5);
	assert_string_equal(r.policies[0].strings[1], "mode: enforce");
	assert_int_equal(r.policies[0].nmx, 0);
	assert_int_equal(r.policies[0].successful, 2);
	assert_int_equal(r.policies[0].failed, 0);
	assert_int_equal(r.policies[0].nfailures, 0);
	tlsrpt_report_free(&r);
	free(json);
}

/* The whole kind: null, missing, misspelled and stringly fields. */
static void
test_report_lenient_kind(void **state)
{
	struct tlsrpt_report	 r;
	char			*cause = NULL;
	const char		*json = "{\"organization-name\":null,"
	    "\"contact-info\":null,\"report-id\":42,\"date-range\":{"
	    "\"start-datetime\":\"2026-12-01T00:00:00.000+01:00\","
	    "\"end-datetime\":\"2026-12-01T22:59:59Z\"},\"policies\":[{"
	    "\"policy\":{\"policy-type\":\"sts\",\"mx-host-pattern\":"
	    "\"*.Example.NET.\"},\"summary\":{"
	    "\"total-successful-session-count\":\"7\","
	    "\"total-failure-session-count\":-2},\"failure-details\":[{"
	    "\"failed-session-count\":1}, 17]}]}trailing garbage";

	assert_int_equal(tlsrpt_report_parse(json, strlen(json),
	    "Example.NET.", &r, &cause), 0);
	assert_null(r.organization);
	assert_null(r.contact);
	assert_string_equal(r.report_id, "42");
	assert_int_equal(r.begin, 1796079600);	/* 2026-11-30T23:00Z */
	assert_string_equal(r.policies[0].domain, "example.net");
	assert_int_equal(r.policies[0].nmx, 1);
	assert_string_equal(r.policies[0].mx[0], "*.Example.NET.");
	assert_int_equal(r.policies[0].successful, 7);
	assert_int_equal(r.policies[0].failed, 0);
	assert_int_equal(r.policies[0].nfailures, 1);
	assert_string_equal(r.policies[0].failures[0].result_type,
	    "unknown");
	tlsrpt_report_free(&r);
}

/* Parses a string that must be refused; the reason contains want. */
static void
refused(const char *json, const char *want)
{
	struct tlsrpt_report	 r;
	char			*cause = NULL;

	assert_int_equal(tlsrpt_report_parse(json, strlen(json), NULL, &r,
	    &cause), -1);
	if (strstr(cause, want) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"", cause, want);
	free(cause);
}

/* What cannot be done without is refused, with the reason. */
static void
test_report_required(void **state)
{
	refused("[]", "not an object");
	refused("{\"policies\":[]}", "no report-id");
	refused("{\"report-id\":\"a\",\"policies\":[]}", "date-range");
	refused("{\"report-id\":\"a\",\"date-range\":{\"start-datetime\":"
	    "\"yesterday\",\"end-datetime\":\"today\"},\"policies\":[]}",
	    "\"yesterday\" is not an RFC 3339");
	refused("{\"report-id\":\"a\",\"date-range\":{\"start-datetime\":"
	    "\"2026-12-02T00:00:00Z\",\"end-datetime\":"
	    "\"2026-12-01T00:00:00Z\"},\"policies\":[]}", "ends before");
	refused("{\"report-id\":\"a\",\"date-range\":{\"start-datetime\":"
	    "\"2026-12-02T00:00:00Z\",\"end-datetime\":"
	    "\"2026-12-02T23:59:59Z\"}}", "no policies");
	refused("{\"rep", "not JSON");
}

#define HOSTILE_HEAD	"{\"report-id\":\"h\",\"date-range\":{" \
	"\"start-datetime\":\"2026-12-01T00:00:00Z\",\"end-datetime\":" \
	"\"2026-12-01T23:59:59Z\"},\"policies\":[{\"policy\":{" \
	"\"policy-type\":\"sts\",\"policy-domain\":\"example.net\"},"

/*
 * Anyone can mail a report: counts that would overflow the sums are
 * refused, and control characters never reach a terminal.
 */
static void
test_report_hostile(void **state)
{
	struct tlsrpt_report	 r;
	char			*cause = NULL;
	const char		*json = HOSTILE_HEAD "\"summary\":{"
	    "\"total-successful-session-count\":5},\"failure-details\":[{"
	    "\"result-type\":\"x\\u001b[2J\\u0007\","
	    "\"receiving-mx-hostname\":\"mx\\n# fake heading\","
	    "\"failed-session-count\":1}]}]}";

	refused(HOSTILE_HEAD "\"summary\":{\"total-successful-session-count"
	    "\":9223372036854775807}}]}", "session count above");
	refused(HOSTILE_HEAD "\"summary\":{\"total-failure-session-count"
	    "\":1e300}}]}", "session count above");
	refused(HOSTILE_HEAD "\"summary\":{},\"failure-details\":[{"
	    "\"failed-session-count\":\"99999999999999999999\"}]}]}",
	    "session count above");

	assert_int_equal(tlsrpt_report_parse(json, strlen(json), NULL, &r,
	    &cause), 0);
	assert_string_equal(r.policies[0].failures[0].result_type,
	    "x\\x1B[2J\\x07");
	assert_null(strchr(r.policies[0].failures[0].receiving_mx, '\n'));
	tlsrpt_report_free(&r);
}

static void
test_time_and_filename(void **state)
{
	time_t	t;
	char	*d;

	assert_int_equal(tlsrpt_time_parse("2026-12-02T00:00:00Z", &t), 0);
	assert_int_equal(t, 1796169600);
	assert_int_equal(tlsrpt_time_parse("2026-12-02T01:30:00+0130", &t),
	    0);
	assert_int_equal(t, 1796169600);
	assert_int_equal(tlsrpt_time_parse("2026-12-01T19:00:00-05:00", &t),
	    0);
	assert_int_equal(t, 1796169600);
	assert_int_equal(tlsrpt_time_parse("2026-12-02T00:00:00Zjunk", &t),
	    -1);
	assert_int_equal(tlsrpt_time_parse("2026-12-02", &t), -1);

	d = tlsrpt_filename_domain("/x/" FILE009A);
	assert_string_equal(d, "example.net");
	free(d);
	d = tlsrpt_filename_domain(
	    "reporter.example!Example.NET!1796169600!1796255999!001.json.gz");
	assert_string_equal(d, "example.net");
	free(d);
	assert_null(tlsrpt_filename_domain("report.json"));
	assert_null(tlsrpt_filename_domain("a!b!c.json"));
}

/* --- reports in mail (RFC 8460 §5.3), case 012 --- */

/* The message of case 012 as stored (CRLF), or with LF only. */
static void
check_case012(int lf_only)
{
	struct tlsrpt_mail	 m;
	struct tlsrpt_report	 r;
	char			*msg, *json, *cause = NULL, hex[65], *g;
	size_t			 len, jlen, i, j;

	msg = case_read(CASE012, "report-email.eml", &len);
	if (lf_only) {
		for (i = j = 0; i < len; i++)
			if (msg[i] != '\r')
				msg[j++] = msg[i];
		len = j;
		assert_null(memchr(msg, '\r', len));
	}
	assert_int_equal(tlsrpt_mail_parse(msg, len, &m, &cause), 0);
	assert_string_equal(m.report_domain, "example.net");
	assert_string_equal(m.submitter, "reporter.example");
	assert_int_equal(m.nparts, 1);
	assert_true(m.parts[0].gzipped);
	assert_string_equal(m.parts[0].filename,
	    "reporter.example!example.net!1796169600!1796255999!001.json.gz");

	assert_int_equal(gzip_inflate(m.parts[0].data, m.parts[0].len,
	    TLSRPT_REPORT_MAX, &json, &jlen, &cause), 0);
	sha256_hex(json, jlen, hex);
	assert_string_equal(hex, SHA012);

	assert_int_equal(tlsrpt_report_parse(json, jlen, NULL, &r, &cause),
	    0);
	assert_string_equal(r.organization, "Reporter Example");
	assert_string_equal(r.report_id, "2026-12-02T00:00:00Z_example.net");
	assert_int_equal(r.begin, 1796169600);
	assert_int_equal(r.policies[0].nmx, 2);
	assert_int_equal(r.policies[0].successful, 12);
	assert_int_equal(r.policies[0].failed, 3);
	assert_string_equal(r.policies[0].failures[0].sending_ip,
	    "2001:db8:4860::1b");
	assert_string_equal(r.policies[0].failures[0].receiving_ip,
	    "192.0.2.27");
	assert_string_equal(r.policies[0].failures[0].receiving_helo,
	    "smtp-b.example.net");
	g = tlsrpt_failure_guidance(&r.policies[0],
	    &r.policies[0].failures[0]);
	assert_string_equal(g, "mx2.example.net did not offer STARTTLS to 3 "
	    "sessions; in enforce mode these deliveries would have failed");
	free(g);
	tlsrpt_report_free(&r);
	free(json);
	tlsrpt_mail_free(&m);
	free(msg);
}

static void
test_case012_crlf(void **state)
{
	check_case012(0);
}

static void
test_case012_lf(void **state)
{
	check_case012(1);
}

/* A +json part, no report-type, folded Content-Type, quoted-printable. */
static void
test_mail_json_part(void **state)
{
	struct tlsrpt_mail	 m;
	char			*cause = NULL;
	const char		*msg =
	    "From: r@example.org\nTo: t@example.net\nSubject: report\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
	    " boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nhello\n"
	    "--b1\nContent-Type:\n application/tlsrpt+json\n"
	    "Content-Transfer-Encoding: quoted-printable\n\n"
	    "{\"report-id\":\"q=3Dp\"}\n--b1\nContent-Type: application/pdf\n"
	    "\nnot a report\n--b1--\n";

	assert_int_equal(tlsrpt_mail_parse(msg, strlen(msg), &m, &cause), 0);
	assert_null(m.report_domain);
	assert_int_equal(m.nparts, 1);
	assert_false(m.parts[0].gzipped);
	/* The line break before a boundary belongs to the boundary. */
	assert_string_equal(m.parts[0].data, "{\"report-id\":\"q=p\"}");
	tlsrpt_mail_free(&m);
}

/* A message without a report is no error, just no parts. */
static void
test_mail_without_report(void **state)
{
	struct tlsrpt_mail	 m;
	char			*cause = NULL;
	const char		*msg = "From: a@b\nSubject: hi\n\nbody\n";

	assert_int_equal(tlsrpt_mail_parse(msg, strlen(msg), &m, &cause), 0);
	assert_int_equal(m.nparts, 0);
	tlsrpt_mail_free(&m);
}

/* --- the importer and the summary --- */

struct tmpdir {
	char	 dir[64];
};

static int
remove_one(const char *path, const struct stat *sb, int type,
    struct FTW *ftw)
{
	return remove(path);
}

static void
write_file(const char *dir, const char *name, const void *data, size_t len)
{
	char	*path;
	FILE	*fp;

	path = xprintf("%s/%s", dir, name);
	assert_non_null(fp = fopen(path, "wb"));
	assert_int_equal(fwrite(data, 1, len, fp), len);
	fclose(fp);
	free(path);
}

static void
problem(void *arg, const char *source, const char *why)
{
	(*(int *)arg)++;
	print_message("# problem: %s: %s\n", source, why);
}

/*
 * A folder with case 009 as files (one gzipped with trailing bytes), a
 * Maildir with case 012, an mbox holding 012 twice and a broken file:
 * every report once, the broken file counted, nothing stored twice on a
 * second import.
 */
static void
test_import_folder(void **state)
{
	struct report_import	 ri;
	struct report_summary	 s;
	struct step_reports	 sr;
	struct state		*st;
	unsigned char		*gz;
	char			 dir[] = "/tmp/mxanchor-import-XXXXXX";
	char			*a, *b, *eml, *mbox, *sub, *in, *cause = NULL;
	size_t			 alen, blen, elen, gzlen;
	int			 problems = 0;

	assert_non_null(mkdtemp(dir));
	a = case_read(CASE009, FILE009A, &alen);
	b = case_read(CASE009, FILE009B, &blen);
	eml = case_read(CASE012, "report-email.eml", &elen);
	gz = gzip_make(a, alen, "\0\0\0\0", &gzlen);

	in = xprintf("%s/in", dir);
	mkdir(in, 0700);
	sub = xprintf("%s/reports", in);
	mkdir(sub, 0700);
	write_file(sub, FILE009A ".gz", gz, gzlen);
	write_file(sub, FILE009B, b, blen);
	write_file(sub, "broken.json.gz", gz, gzlen / 2);
	free(sub);
	sub = xprintf("%s/Maildir", in);
	mkdir(sub, 0700);
	free(sub);
	sub = xprintf("%s/Maildir/cur", in);
	mkdir(sub, 0700);
	write_file(sub, "1796260000.M1P1.host:2,S", eml, elen);
	free(sub);
	sub = xprintf("%s/Maildir/new", in);
	mkdir(sub, 0700);
	write_file(sub, "1796260001.M2P1.host", "From: a@b\nSubject: hi\n\n"
	    "no report here\n", 38);
	free(sub);
	sub = xprintf("%s/Maildir/tmp", in);
	mkdir(sub, 0700);
	write_file(sub, "partial", "From: x", 7);
	free(sub);
	mbox = xprintf("From reporter@example Thu Dec  3 02:14:07 2026\n%s\n"
	    "From reporter@example Thu Dec  3 02:15:07 2026\n%s\n", eml, eml);
	write_file(in, "mbox", mbox, strlen(mbox));

	sub = xprintf("%s/state.db", dir);
	assert_non_null(st = state_open(sub, 0, &cause));
	report_import_init(&ri, st, problem, &problems);
	assert_int_equal(report_import_path(&ri, in, &cause), 0);
	assert_int_equal(report_import_finish(&ri, &cause), 0);
	assert_int_equal(ri.reports, 5);
	assert_int_equal(ri.stored, 3);
	assert_int_equal(ri.duplicates, 2);
	assert_int_equal(ri.messages, 4);
	assert_int_equal(ri.skipped, 1);
	assert_int_equal(ri.failed, 1);
	assert_int_equal(problems, 1);

	report_import_init(&ri, st, problem, &problems);
	assert_int_equal(report_import_path(&ri, in, &cause), 0);
	assert_int_equal(report_import_finish(&ri, &cause), 0);
	assert_int_equal(ri.stored, 0);
	assert_int_equal(ri.duplicates, 5);

	/* Aggregated for example.net: 14 successful, 6 failed. */
	assert_int_equal(report_summary_load(st, "example.net", 1795910400,
	    1796256000, &s, &cause), 0);
	assert_int_equal(s.reports, 3);
	assert_int_equal(s.ndays, 3);
	assert_int_equal(s.days[0].successful, 2);
	assert_int_equal(s.days[1].failed, 3);
	assert_int_equal(s.days[2].successful, 12);
	assert_int_equal(s.nfails, 2);
	assert_string_equal(s.fails[1].result_type, "starttls-not-supported");
	assert_string_equal(s.fails[1].receiving_mx, "mx2.example.net");

	/* The context of 2026-12-03 sees both failures in its window. */
	report_summary_context(&s, 1796256000 + 3600, &sr);
	assert_int_equal(sr.reports, 3);
	assert_int_equal(sr.days[STEP_REPORT_DAYS - 2].ok, 12);
	assert_int_equal(sr.days[STEP_REPORT_DAYS - 2].failed_sts, 3);
	assert_int_equal(sr.nfails, 2);
	report_summary_free(&s);

	state_close(st);
	free(in);
	free(sub);
	free(mbox);
	free(gz);
	free(a);
	free(b);
	free(eml);
	nftw(dir, remove_one, 16, FTW_DEPTH|FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gzip_trailing_bytes),
		cmocka_unit_test(test_gzip_bomb_capped),
		cmocka_unit_test(test_gzip_truncated_and_damaged),
		cmocka_unit_test(test_case009_sparse_failure),
		cmocka_unit_test(test_case009_no_failure_details),
		cmocka_unit_test(test_report_lenient_kind),
		cmocka_unit_test(test_report_required),
		cmocka_unit_test(test_report_hostile),
		cmocka_unit_test(test_time_and_filename),
		cmocka_unit_test(test_case012_crlf),
		cmocka_unit_test(test_case012_lf),
		cmocka_unit_test(test_mail_json_part),
		cmocka_unit_test(test_mail_without_report),
		cmocka_unit_test(test_import_folder),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
