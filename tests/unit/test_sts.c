/*
 * Unit tests for probes/sts.c: the _mta-sts TXT record (RFC 8461 §3.1),
 * the policy body (§3.2) and MX pattern matching (§4.1), with the inputs
 * of cases 001, 002, 004 and 006 under tests/data/cases/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "finding.h"
#include "sts.h"
#include "xmalloc.h"

#define CASE001	"001-mtasts-policy-lf-line-endings"
#define CASE002	"002-mtasts-policy-misspelled-mx-key"
#define CASE004	"004-mtasts-txt-id-illegal-chars"
#define CASE006	"006-mtasts-mx-wildcard-matching"

/* The bytes of tests/data/cases/<dir>/<file>, NUL-terminated; *len set. */
static char *
case_read(const char *dir, const char *file, size_t *len)
{
	char	*path, *buf = NULL;
	FILE	*fp;
	long	 size = 0;

	path = xprintf("%s/cases/%s/%s", TEST_DATA, dir, file);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		fail_msg("cannot size %s", path);
	buf = xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, fp) != (size_t)size)
		fail_msg("short read on %s", path);
	buf[size] = '\0';
	fclose(fp);
	free(path);
	*len = (size_t)size;
	return buf;
}

/* The first finding with this code and severity, or NULL. */
static const struct finding *
find_sev(const struct findings *fs, const char *code, enum severity sev)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].code, code) == 0 &&
		    fs->v[i].severity == sev)
			return &fs->v[i];
	return NULL;
}

/* How many findings carry this code. */
static size_t
count_code(const struct findings *fs, const char *code)
{
	size_t	i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].code, code) == 0)
			n++;
	return n;
}

static void
assert_contains(const char *haystack, const char *needle)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"",
		    haystack != NULL ? haystack : "(null)", needle);
}

/* Parses a string body; the caller frees policy and findings. */
static int
parse_str(const char *body, struct sts_policy *policy, struct findings *fs)
{
	return sts_policy_parse(body, strlen(body), policy, fs);
}

/* Parses a case file. */
static int
parse_case(const char *dir, const char *file, struct sts_policy *policy,
    struct findings *fs)
{
	char	*body;
	size_t	 len;
	int	 rc;

	body = case_read(dir, file, &len);
	rc = sts_policy_parse(body, len, policy, fs);
	free(body);
	return rc;
}

/* --- policy framing (case 001, RFC 8461 §3.2 ABNF, errata 6253) --- */

/* The policy every file of case 001 must give, with nothing wrong. */
static void
assert_case001_policy(const char *file)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_case(CASE001, file, &policy, &fs), 0);
	assert_string_equal(policy.version, "STSv1");
	assert_int_equal(policy.mode, STS_MODE_ENFORCE);
	assert_string_equal(policy.mode_raw, "enforce");
	assert_int_equal(policy.nmx, 2);
	assert_string_equal(policy.mx[0], "mx1.example.net");
	assert_string_equal(policy.mx[1], "*.mail.example.net");
	assert_int_equal(policy.max_age, 604800);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	assert_int_equal(findings_count(&fs, SEV_WARN), 0);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* Case 001: LF only, no terminator after the last line (§3.2). */
static void
test_policy_lf_without_final_newline(void **state)
{
	assert_case001_policy("policy-lf.txt");
}

/* Case 001: CRLF on every line, including the last. */
static void
test_policy_crlf(void **state)
{
	assert_case001_policy("policy-crlf.txt");
}

/*
 * Case 001: CRLF and LF mixed, trailing spaces and a TAB after values, no
 * space after one colon (sts-policy-field-delim = ":" *WSP).
 */
static void
test_policy_mixed_terminators_and_trailing_wsp(void **state)
{
	assert_case001_policy("policy-mixed.txt");
}

/* §3.2: a TAB after the colon is WSP too. */
static void
test_policy_tab_after_colon(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version:\tSTSv1\nmode:\t enforce\n"
	    "mx:\tmx1.example.net\nmax_age:\t86400\n", &policy, &fs), 0);
	assert_string_equal(policy.version, "STSv1");
	assert_int_equal(policy.mode, STS_MODE_ENFORCE);
	assert_string_equal(policy.mx[0], "mx1.example.net");
	assert_int_equal(policy.max_age, 86400);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/*
 * §3.2: sts-policy-term is LF or CRLF; a CR alone inside a line is a
 * byte of the value, so "enf\rorce" is not a valid mode.
 */
static void
test_policy_cr_inside_line_is_part_of_value(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\nmode: enf\rorce\n"
	    "mx: mx1.example.net\nmax_age: 86400\n", &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_INVALID);
	assert_non_null(find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	assert_string_equal(policy.mx[0], "mx1.example.net");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/*
 * §3.2: CR alone (old Mac framing) is not a terminator, so the body is a
 * single "version" line whose value is not STSv1: unusable.
 */
static void
test_policy_cr_only_framing_is_one_line(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\rmode: enforce\r"
	    "mx: mx1.example.net\rmax_age: 86400\r", &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_MISSING);
	assert_int_equal(policy.nmx, 0);
	assert_int_equal(policy.max_age, -1);
	assert_non_null(find_sev(&fs, "sts.policy.version", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: version, mode and max_age are required; an empty body has none. */
static void
test_policy_empty_body(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(sts_policy_parse("", 0, &policy, &fs), -1);
	assert_null(policy.version);
	assert_int_equal(policy.mode, STS_MODE_MISSING);
	assert_int_equal(policy.nmx, 0);
	assert_int_equal(policy.max_age, -1);
	assert_non_null(find_sev(&fs, "sts.policy.version", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.max-age", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: a body of one empty line has no fields either. */
static void
test_policy_only_newline(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("\n", &policy, &fs), -1);
	assert_null(policy.version);
	assert_int_equal(policy.mode, STS_MODE_MISSING);
	assert_int_equal(policy.max_age, -1);
	assert_non_null(find_sev(&fs, "sts.policy.version", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.max-age", SEV_ERROR));
	assert_null(findings_find(&fs, "sts.policy.syntax"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/*
 * §3.2 ("required once"): of a repeated field the first value is used,
 * with a warning for each repeat; repeated mx lines are all kept.
 */
static void
test_policy_repeated_key_first_wins(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_str("version: STSv1\nmode: testing\n"
	    "mode: enforce\nmx: a.example.net\nmx: b.example.net\n"
	    "max_age: 86400\nmax_age: 1\n", &policy, &fs), 0);
	assert_int_equal(policy.mode, STS_MODE_TESTING);
	assert_string_equal(policy.mode_raw, "testing");
	assert_int_equal(policy.max_age, 86400);
	assert_int_equal(policy.nmx, 2);
	assert_string_equal(policy.mx[1], "b.example.net");
	assert_non_null(f = find_sev(&fs, "sts.policy.repeated", SEV_WARN));
	assert_contains(f->message, "mode");
	assert_int_equal(count_code(&fs, "sts.policy.repeated"), 2);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: unknown fields are ignored; a note says so. */
static void
test_policy_unknown_key_ignored(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "x-owner: postmaster\nmx: mx1.example.net\nmax_age: 86400\n",
	    &policy, &fs), 0);
	assert_non_null(f = findings_find(&fs, "sts.policy.unknown-field"));
	assert_int_equal(f->severity, SEV_INFO);
	assert_contains(f->message, "x-owner");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	assert_int_equal(policy.nmx, 1);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/*
 * §3.2: an extension value may hold spaces (sts-policy-ext-value =
 * sts-policy-vchar *(WSP / sts-policy-vchar)); only the trailing ones go.
 */
static void
test_policy_ext_value_with_internal_spaces(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "comment: managed by the mail team  \nmx: mx1.example.net\n"
	    "max_age: 86400\n", &policy, &fs), 0);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	assert_non_null(findings_find(&fs, "sts.policy.unknown-field"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: one mx field holds one pattern; two names with a space are not. */
static void
test_policy_mx_value_with_internal_space_invalid(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "mx: mx1.example.net mx2.example.net\nmax_age: 86400\n", &policy,
	    &fs), -1);
	assert_int_equal(policy.nmx, 0);
	assert_non_null(find_sev(&fs, "sts.policy.mx-pattern", SEV_ERROR));
	assert_non_null(find_sev(&fs, "sts.policy.no-mx", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: mode values are case-sensitive strings. */
static void
test_policy_mode_value_case_sensitive(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_str("version: STSv1\nmode: Enforce\n"
	    "mx: mx1.example.net\nmax_age: 86400\n", &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_INVALID);
	assert_non_null(f = find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	assert_contains(f->message, "Enforce");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: max_age is 1*10 DIGIT and at most 31557600. */
static void
test_policy_max_age_limits(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\nmode: none\n"
	    "max_age: 31557600\n", &policy, &fs), 0);
	assert_int_equal(policy.max_age, 31557600);
	sts_policy_free(&policy);
	findings_free(&fs);

	assert_int_equal(parse_str("version: STSv1\nmode: none\n"
	    "max_age: 31557601\n", &policy, &fs), -1);
	assert_int_equal(policy.max_age, -1);
	assert_non_null(find_sev(&fs, "sts.policy.max-age", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);

	assert_int_equal(parse_str("version: STSv1\nmode: none\n"
	    "max_age: -5\n", &policy, &fs), -1);
	assert_non_null(find_sev(&fs, "sts.policy.max-age", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2 is text; a NUL byte in the body makes it unusable. */
static void
test_policy_nul_byte_rejected(void **state)
{
	static const char	 body[] = "version: STSv1\nmode: enforce\n"
	    "mx: mx1.example.net\0\nmax_age: 86400\n";
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };

	assert_int_equal(sts_policy_parse(body, sizeof body - 1, &policy,
	    &fs), -1);
	assert_non_null(find_sev(&fs, "sts.policy.binary", SEV_ERROR));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* --- required keys (case 002, RFC 8461 §3.2) --- */

/* Case 002: "nmx" is an unknown field, leaving enforce with no mx. */
static void
test_case002_enforce_nmx_invalid(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_case(CASE002, "policy-enforce-nmx.txt",
	    &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_ENFORCE);
	assert_int_equal(policy.nmx, 0);
	assert_non_null(f = find_sev(&fs, "sts.policy.no-mx", SEV_ERROR));
	assert_contains(f->message, "enforce");
	assert_non_null(f = findings_find(&fs, "sts.policy.unknown-field"));
	assert_true(f->severity >= SEV_WARN);
	assert_contains(f->message, "nmx");
	assert_contains(f->message, "did you mean \"mx\"");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* Case 002: mx is required unless mode is none. */
static void
test_case002_testing_no_mx_invalid(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_case(CASE002, "policy-testing-no-mx.txt",
	    &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_TESTING);
	assert_non_null(f = find_sev(&fs, "sts.policy.no-mx", SEV_ERROR));
	assert_contains(f->message, "testing");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* Case 002: mode none needs no mx; the policy is valid. */
static void
test_case002_none_no_mx_valid(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };

	assert_int_equal(parse_case(CASE002, "policy-none-no-mx.txt",
	    &policy, &fs), 0);
	assert_string_equal(policy.version, "STSv1");
	assert_int_equal(policy.mode, STS_MODE_NONE);
	assert_int_equal(policy.nmx, 0);
	assert_int_equal(policy.max_age, 86400);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	assert_null(findings_find(&fs, "sts.policy.no-mx"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/*
 * Case 002: field names are %s (case-sensitive), so "Mode" is unknown and
 * the required mode is missing; the message points at the capital.
 */
static void
test_case002_uppercase_mode_key_invalid(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_case(CASE002, "policy-uppercase-mode-key.txt",
	    &policy, &fs), -1);
	assert_int_equal(policy.mode, STS_MODE_MISSING);
	assert_int_equal(policy.nmx, 1);
	assert_string_equal(policy.mx[0], "mx0.example.net");
	assert_non_null(find_sev(&fs, "sts.policy.mode", SEV_ERROR));
	assert_non_null(f = findings_find(&fs, "sts.policy.unknown-field"));
	assert_true(f->severity >= SEV_WARN);
	assert_contains(f->message, "\"Mode\"");
	assert_contains(f->message, "did you mean \"mode\"");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* --- the TXT record (case 004, RFC 8461 §3.1) --- */

/* The rdata labelled label in case 004's txt-records.txt. */
static char *
case004_record(const char *label)
{
	char	*buf, *line, *next, *tab, *out = NULL;
	size_t	 len;

	buf = case_read(CASE004, "txt-records.txt", &len);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		if (strcmp(line, label) == 0) {
			out = xstrdup(tab + 1);
			break;
		}
	}
	free(buf);
	if (out == NULL)
		fail_msg("no record labelled %s", label);
	return out;
}

/* Selects the labelled record as the only TXT record present. */
static int
case004_select(const char *label, struct sts_txt *txt, struct findings *fs)
{
	char	*record = case004_record(label);
	int	 rc;

	rc = sts_txt_select(&record, 1, txt, fs);
	free(record);
	return rc;
}

/* Case 004: base64 ids contain "+", "/" and "="; the message lists them. */
static void
test_case004_base64_id_invalid(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case004_select("base64-id", &txt, &fs), -1);
	assert_null(txt.id);
	assert_non_null(f = find_sev(&fs, "sts.txt.id", SEV_ERROR));
	/* The offending characters, once each, apart from the id itself. */
	assert_contains(f->message, "contains \"+/=\"");
	assert_contains(f->message, "timestamp");
	findings_free(&fs);
}

/* Case 004: a 40-character hex id is too long; the message says so. */
static void
test_case004_too_long_id_invalid(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case004_select("too-long-id", &txt, &fs), -1);
	assert_null(txt.id);
	assert_non_null(f = find_sev(&fs, "sts.txt.id", SEV_ERROR));
	assert_contains(f->message, "40 characters");
	assert_contains(f->message, "32");
	findings_free(&fs);
}

/* Case 004: "-" is not allowed in an id. */
static void
test_case004_hyphen_id_invalid(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case004_select("hyphen-id", &txt, &fs), -1);
	assert_null(txt.id);
	assert_non_null(f = find_sev(&fs, "sts.txt.id", SEV_ERROR));
	assert_contains(f->message, "contains \"-\"");
	findings_free(&fs);
}

/* Case 004: a UTC timestamp is a good id. */
static void
test_case004_timestamp_id_valid(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };

	assert_int_equal(case004_select("ok-timestamp-id", &txt, &fs), 0);
	assert_string_equal(txt.id, "20261203T101500Z");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_txt_free(&txt);
	findings_free(&fs);
}

/* Case 004: 32 alphanumerics is the maximum and still valid. */
static void
test_case004_32_char_id_valid(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };

	assert_int_equal(case004_select("ok-32-chars", &txt, &fs), 0);
	assert_string_equal(txt.id, "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_txt_free(&txt);
	findings_free(&fs);
}

/* §3.1: sts-id = 1*32(ALPHA / DIGIT): 32 passes, 33 does not. */
static void
test_txt_id_length_boundary(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(sts_txt_parse("v=STSv1; id="
	    "abcdefghijABCDEFGHIJ0123456789ab", &txt, &fs), 0);
	assert_int_equal(strlen(txt.id), 32);
	sts_txt_free(&txt);
	assert_int_equal(fs.n, 0);

	assert_int_equal(sts_txt_parse("v=STSv1; id="
	    "abcdefghijABCDEFGHIJ0123456789abc", &txt, &fs), -1);
	assert_null(txt.id);
	assert_non_null(f = find_sev(&fs, "sts.txt.id", SEV_ERROR));
	assert_contains(f->message, "33 characters");
	findings_free(&fs);
}

/* §3.1: the id field is required, and may not be empty. */
static void
test_txt_missing_or_empty_id(void **state)
{
	struct sts_txt		txt;
	struct findings		fs = { 0 };

	assert_int_equal(sts_txt_parse("v=STSv1;", &txt, &fs), -1);
	assert_non_null(find_sev(&fs, "sts.txt.missing-id", SEV_ERROR));
	findings_free(&fs);

	assert_int_equal(sts_txt_parse("v=STSv1; id=", &txt, &fs), -1);
	assert_non_null(find_sev(&fs, "sts.txt.id", SEV_ERROR));
	findings_free(&fs);
}

/*
 * §3.1: "If there are multiple TXT records that start with v=STSv1",
 * senders assume no policy.
 */
static void
test_txt_select_two_sts_records_invalid(void **state)
{
	char		*records[] = { "v=STSv1; id=20260101T000000Z",
			    "v=STSv1; id=20260202T000000Z" };
	struct sts_txt	 txt;
	struct findings	 fs = { 0 };

	assert_int_equal(sts_txt_select(records, 2, &txt, &fs), -1);
	assert_null(txt.id);
	assert_non_null(find_sev(&fs, "sts.txt.multiple", SEV_ERROR));
	findings_free(&fs);
}

/* §3.1: records not starting with v=STSv1 are discarded. */
static void
test_txt_select_ignores_other_records(void **state)
{
	char		*records[] = { "v=spf1 -all",
			    "v=STSv1; id=20261203T101500Z",
			    "v=STSv10; id=other",
			    "google-site-verification=abc" };
	struct sts_txt	 txt;
	struct findings	 fs = { 0 };

	assert_int_equal(sts_txt_select(records, 4, &txt, &fs), 0);
	assert_string_equal(txt.id, "20261203T101500Z");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_txt_free(&txt);
	findings_free(&fs);
}

/* §3.1: no STSv1 record at all means no MTA-STS. */
static void
test_txt_select_none(void **state)
{
	char		*records[] = { "v=spf1 -all" };
	struct sts_txt	 txt;
	struct findings	 fs = { 0 };

	assert_int_equal(sts_txt_select(records, 1, &txt, &fs), -1);
	assert_non_null(find_sev(&fs, "sts.txt.none", SEV_ERROR));
	findings_free(&fs);
}

/* §3.1: sts-extension fields are allowed beside the id. */
static void
test_txt_extension_fields_accepted(void **state)
{
	struct sts_txt	txt;
	struct findings	fs = { 0 };

	assert_int_equal(sts_txt_parse("v=STSv1; id=abc123; "
	    "x-comment.1=managed_by-ops", &txt, &fs), 0);
	assert_string_equal(txt.id, "abc123");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	sts_txt_free(&txt);
	findings_free(&fs);
}

/* §3.1: a malformed extension field makes the record invalid. */
static void
test_txt_malformed_extension_rejected(void **state)
{
	struct sts_txt	txt;
	struct findings	fs = { 0 };

	assert_int_equal(sts_txt_parse("v=STSv1; id=abc123; _x=1", &txt,
	    &fs), -1);
	assert_null(txt.id);
	assert_non_null(find_sev(&fs, "sts.txt.syntax", SEV_ERROR));
	findings_free(&fs);
}

/* §3.1: sts-text-record ends in an optional field delimiter. */
static void
test_txt_trailing_semicolon_accepted(void **state)
{
	struct sts_txt	txt;
	struct findings	fs = { 0 };

	assert_int_equal(sts_txt_parse("v=STSv1; id=abc123;", &txt, &fs), 0);
	assert_string_equal(txt.id, "abc123");
	sts_txt_free(&txt);
	assert_int_equal(sts_txt_parse("v=STSv1; id=abc123 ; ", &txt, &fs),
	    0);
	assert_string_equal(txt.id, "abc123");
	sts_txt_free(&txt);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	findings_free(&fs);
}

/* §3.1: sts-field-delim = *WSP ";" *WSP, so no spaces is fine. */
static void
test_txt_no_spaces_accepted(void **state)
{
	struct sts_txt	txt;
	struct findings	fs = { 0 };
	char		*records[] = { "v=STSv1;id=x" };

	assert_int_equal(sts_txt_parse("v=STSv1;id=x", &txt, &fs), 0);
	assert_string_equal(txt.id, "x");
	sts_txt_free(&txt);
	assert_int_equal(sts_txt_select(records, 1, &txt, &fs), 0);
	assert_string_equal(txt.id, "x");
	sts_txt_free(&txt);
	assert_int_equal(fs.n, 0);
	findings_free(&fs);
}

/* §3.1: fields are separated by ";" with optional WSP, not by WSP alone. */
static void
test_txt_fields_need_semicolons(void **state)
{
	struct sts_txt	txt;
	struct findings	fs = { 0 };

	assert_int_equal(sts_txt_parse("v=STSv1 ;\tid=abc123", &txt, &fs), 0);
	assert_string_equal(txt.id, "abc123");
	sts_txt_free(&txt);
	assert_int_equal(fs.n, 0);

	assert_int_equal(sts_txt_parse("v=STSv1; id=abc123 ab=1", &txt, &fs),
	    -1);
	assert_null(txt.id);
	assert_non_null(find_sev(&fs, "sts.txt.syntax", SEV_ERROR));
	findings_free(&fs);
}

/* --- MX patterns (case 006, RFC 8461 §3.2, §4.1) --- */

/*
 * Case 006: ".legacy.example.org" is not a pattern; it is reported with
 * the wildcard it probably meant and the rest of the policy stays usable.
 */
static void
test_case006_policy_usable_with_two_patterns(void **state)
{
	struct sts_policy	policy;
	struct findings		fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_case(CASE006, "policy.txt", &policy, &fs), 0);
	assert_int_equal(policy.mode, STS_MODE_ENFORCE);
	assert_int_equal(policy.max_age, 1209600);
	assert_int_equal(policy.nmx, 2);
	assert_string_equal(policy.mx[0], "mail.example.net");
	assert_string_equal(policy.mx[1], "*.mx.example.net");
	assert_int_equal(count_code(&fs, "sts.policy.mx-pattern"), 1);
	assert_non_null(f = find_sev(&fs, "sts.policy.mx-pattern",
	    SEV_ERROR));
	assert_contains(f->message, "\".legacy.example.org\"");
	assert_contains(f->message, "did you mean \"*.legacy.example.org\"");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* §3.2: sts-policy-mx-value = ["*."] Domain. */
static void
test_pattern_valid(void **state)
{
	assert_true(sts_pattern_valid("mail.example.net"));
	assert_true(sts_pattern_valid("*.mx.example.net"));
	assert_true(sts_pattern_valid("mx-1.example.net"));
	assert_false(sts_pattern_valid(".legacy.example.org"));
	assert_false(sts_pattern_valid(""));
	assert_false(sts_pattern_valid("*"));
	assert_false(sts_pattern_valid("*."));
	assert_false(sts_pattern_valid("**.example.net"));
	assert_false(sts_pattern_valid("a.*.example.net"));
	assert_false(sts_pattern_valid("*mx.example.net"));
	assert_false(sts_pattern_valid("-mx.example.net"));
	assert_false(sts_pattern_valid("mx-.example.net"));
	assert_false(sts_pattern_valid("mx..example.net"));
	assert_false(sts_pattern_valid("mx_1.example.net"));
}

/*
 * Case 006: the host table of case.md, read from mx-hosts.txt in order:
 * the pattern that covers each host, NULL for "no".
 */
static void
test_case006_host_table(void **state)
{
	static const struct {
		const char	*host;
		const char	*by;
	} table[] = {
		{ "mail.example.net", "mail.example.net" },
		{ "MAIL.Example.NET.", "mail.example.net" },
		{ "a.mx.example.net", "*.mx.example.net" },
		{ "b.a.mx.example.net", NULL },
		{ "mx.example.net", NULL },
		{ "xmx.example.net", NULL },
		{ "host.legacy.example.org", NULL },
		{ "legacy.example.org", NULL },
	};
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };
	char			*buf, *line, *next;
	const char		*by;
	size_t			 len, n = 0, i;

	assert_int_equal(parse_case(CASE006, "policy.txt", &policy, &fs), 0);
	buf = case_read(CASE006, "mx-hosts.txt", &len);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line == '#' || *line == '\0')
			continue;
		assert_true(n < sizeof table / sizeof *table);
		assert_string_equal(line, table[n].host);

		by = sts_policy_covers(&policy, line);
		if (table[n].by == NULL && by != NULL)
			fail_msg("%s: covered by %s, expected no match", line,
			    by);
		if (table[n].by != NULL && (by == NULL ||
		    strcmp(by, table[n].by) != 0))
			fail_msg("%s: covered by %s, expected %s", line,
			    by != NULL ? by : "nothing", table[n].by);

		/* Each pattern on its own agrees with the answer. */
		for (i = 0; i < policy.nmx; i++)
			assert_int_equal(!!sts_mx_match(policy.mx[i], line),
			    table[n].by != NULL &&
			    strcmp(policy.mx[i], table[n].by) == 0);
		n++;
	}
	assert_int_equal(n, sizeof table / sizeof *table);
	free(buf);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* Case 006 / §4.1: a leading dot is not a wildcard, even if asked. */
static void
test_mx_match_leading_dot_is_not_wildcard(void **state)
{
	assert_false(sts_mx_match(".legacy.example.org",
	    "host.legacy.example.org"));
	assert_false(sts_mx_match(".legacy.example.org",
	    "legacy.example.org"));
}

/* §4.1: the wildcard needs a whole, non-empty left-most label. */
static void
test_mx_match_wildcard_one_label(void **state)
{
	assert_true(sts_mx_match("*.example.org", "mail.example.org"));
	assert_true(sts_mx_match("*.example.org", "MAIL.EXAMPLE.ORG."));
	assert_true(sts_mx_match("*.Example.Org", "mail.example.org"));
	assert_false(sts_mx_match("*.example.org", "example.org"));
	assert_false(sts_mx_match("*.example.org", "foo.bar.example.org"));
	assert_false(sts_mx_match("*.example.org", ".example.org"));
	assert_false(sts_mx_match("*.example.org", "mailexample.org"));
	assert_false(sts_mx_match("mail.example.org", "mail.example.org.."));
	assert_false(sts_mx_match("mail.example.org", "xmail.example.org"));
}

/* --- requirement levels (the tags lint and check show) --- */

/* Broken grammar is a MUST; unknown fields are no rule at all. */
static void
test_requirement_levels(void **state)
{
	struct sts_policy	 policy;
	struct sts_txt		 txt;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_case(CASE002, "policy-enforce-nmx.txt",
	    &policy, &fs), -1);
	assert_non_null(f = findings_find(&fs, "sts.policy.no-mx"));
	assert_int_equal(f->req, REQ_MUST);
	assert_string_equal(f->rfc, "RFC 8461 §3.2");
	assert_non_null(f = findings_find(&fs, "sts.policy.unknown-field"));
	assert_int_equal(f->req, REQ_NONE);
	sts_policy_free(&policy);
	findings_free(&fs);

	assert_int_equal(sts_txt_parse("v=STSv1; id=Qk3x+Yw9", &txt, &fs),
	    -1);
	assert_non_null(f = findings_find(&fs, "sts.txt.id"));
	assert_int_equal(f->req, REQ_MUST);
	assert_string_equal(f->rfc, "RFC 8461 §3.1");
	findings_free(&fs);

	assert_int_equal(parse_str("version: STSv1\nmode: testing\n"
	    "mode: enforce\nmx: a.example\nmax_age: 86400\n", &policy, &fs),
	    0);
	assert_non_null(f = findings_find(&fs, "sts.policy.repeated"));
	assert_int_equal(f->req, REQ_ADVICE);
	assert_int_equal(f->severity, SEV_WARN);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* --- the policy against the MX hosts (§4.1) --- */

/* Every MX covered, or a MUST-level error per host not covered. */
static void
test_check_hosts_not_covered(void **state)
{
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };
	const struct finding	*f;
	char			*hosts[] = { "mx1.example.net",
				    "MX2.example.net.", "b.a.mx.example.net" };

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "mx: mx1.example.net\nmx: mx2.example.net\nmax_age: 604800\n",
	    &policy, &fs), 0);
	sts_policy_check_hosts(&policy, hosts, 3, &fs);
	assert_int_equal(count_code(&fs, "sts.mx-not-covered"), 1);
	assert_non_null(f = findings_find(&fs, "sts.mx-not-covered"));
	assert_int_equal(f->severity, SEV_ERROR);
	assert_int_equal(f->req, REQ_MUST);
	assert_contains(f->message, "b.a.mx.example.net");
	assert_null(findings_find(&fs, "sts.mx-unused"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* A pattern that matches no MX is advice, named. */
static void
test_check_hosts_unused_pattern(void **state)
{
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };
	const struct finding	*f;
	char			*hosts[] = { "a.mx.example.net" };

	assert_int_equal(parse_str("version: STSv1\nmode: testing\n"
	    "mx: *.mx.example.net\nmx: old.example.net\nmax_age: 86400\n",
	    &policy, &fs), 0);
	sts_policy_check_hosts(&policy, hosts, 1, &fs);
	assert_null(findings_find(&fs, "sts.mx-not-covered"));
	assert_int_equal(count_code(&fs, "sts.mx-unused"), 1);
	assert_non_null(f = findings_find(&fs, "sts.mx-unused"));
	assert_int_equal(f->req, REQ_ADVICE);
	assert_contains(f->message, "old.example.net");
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* Mode none covers nothing and needs to cover nothing. */
static void
test_check_hosts_mode_none(void **state)
{
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };
	char			*hosts[] = { "mx1.example.net" };

	assert_int_equal(parse_case(CASE002, "policy-none-no-mx.txt",
	    &policy, &fs), 0);
	sts_policy_check_hosts(&policy, hosts, 1, &fs);
	assert_int_equal(fs.n, 0);
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* *.com protects nothing; *.<domain> is worth a note; deeper is fine. */
static void
test_advise_broad_wildcards(void **state)
{
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };

	assert_int_equal(parse_str("version: STSv1\nmode: testing\n"
	    "mx: *.net\nmx: *.example.net\nmx: *.mx.example.net\n"
	    "max_age: 86400\n", &policy, &fs), 0);
	sts_policy_advise(&policy, "example.net", &fs);
	assert_int_equal(count_code(&fs, "sts.mx-broad"), 2);
	assert_non_null(find_sev(&fs, "sts.mx-broad", SEV_ERROR));
	assert_contains(find_sev(&fs, "sts.mx-broad", SEV_ERROR)->message,
	    "\"*.net\"");
	assert_non_null(find_sev(&fs, "sts.mx-broad", SEV_INFO));
	assert_contains(find_sev(&fs, "sts.mx-broad", SEV_INFO)->message,
	    "\"*.example.net\"");
	assert_null(findings_find(&fs, "sts.policy.short-max-age"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

/* A short max_age matters in enforce mode only. */
static void
test_advise_short_max_age(void **state)
{
	struct sts_policy	 policy;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "mx: mx.example.net\nmax_age: 86400\n", &policy, &fs), 0);
	sts_policy_advise(&policy, "example.net", &fs);
	assert_non_null(f = findings_find(&fs, "sts.policy.short-max-age"));
	assert_int_equal(f->severity, SEV_WARN);
	assert_int_equal(f->req, REQ_ADVICE);
	assert_contains(f->message, "86400");
	sts_policy_free(&policy);
	findings_free(&fs);

	assert_int_equal(parse_str("version: STSv1\nmode: enforce\n"
	    "mx: mx.example.net\nmax_age: 604800\n", &policy, &fs), 0);
	sts_policy_advise(&policy, "example.net", &fs);
	assert_null(findings_find(&fs, "sts.policy.short-max-age"));
	sts_policy_free(&policy);

	assert_int_equal(parse_str("version: STSv1\nmode: testing\n"
	    "mx: mx.example.net\nmax_age: 3600\n", &policy, &fs), 0);
	sts_policy_advise(&policy, "example.net", &fs);
	assert_null(findings_find(&fs, "sts.policy.short-max-age"));
	sts_policy_free(&policy);
	findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_policy_lf_without_final_newline),
		cmocka_unit_test(test_policy_crlf),
		cmocka_unit_test(
		    test_policy_mixed_terminators_and_trailing_wsp),
		cmocka_unit_test(test_policy_tab_after_colon),
		cmocka_unit_test(test_policy_cr_inside_line_is_part_of_value),
		cmocka_unit_test(test_policy_cr_only_framing_is_one_line),
		cmocka_unit_test(test_policy_empty_body),
		cmocka_unit_test(test_policy_only_newline),
		cmocka_unit_test(test_policy_repeated_key_first_wins),
		cmocka_unit_test(test_policy_unknown_key_ignored),
		cmocka_unit_test(test_policy_ext_value_with_internal_spaces),
		cmocka_unit_test(
		    test_policy_mx_value_with_internal_space_invalid),
		cmocka_unit_test(test_policy_mode_value_case_sensitive),
		cmocka_unit_test(test_policy_max_age_limits),
		cmocka_unit_test(test_policy_nul_byte_rejected),
		cmocka_unit_test(test_case002_enforce_nmx_invalid),
		cmocka_unit_test(test_case002_testing_no_mx_invalid),
		cmocka_unit_test(test_case002_none_no_mx_valid),
		cmocka_unit_test(test_case002_uppercase_mode_key_invalid),
		cmocka_unit_test(test_case004_base64_id_invalid),
		cmocka_unit_test(test_case004_too_long_id_invalid),
		cmocka_unit_test(test_case004_hyphen_id_invalid),
		cmocka_unit_test(test_case004_timestamp_id_valid),
		cmocka_unit_test(test_case004_32_char_id_valid),
		cmocka_unit_test(test_txt_id_length_boundary),
		cmocka_unit_test(test_txt_missing_or_empty_id),
		cmocka_unit_test(test_txt_select_two_sts_records_invalid),
		cmocka_unit_test(test_txt_select_ignores_other_records),
		cmocka_unit_test(test_txt_select_none),
		cmocka_unit_test(test_txt_extension_fields_accepted),
		cmocka_unit_test(test_txt_malformed_extension_rejected),
		cmocka_unit_test(test_txt_trailing_semicolon_accepted),
		cmocka_unit_test(test_txt_no_spaces_accepted),
		cmocka_unit_test(test_txt_fields_need_semicolons),
		cmocka_unit_test(test_case006_policy_usable_with_two_patterns),
		cmocka_unit_test(test_pattern_valid),
		cmocka_unit_test(test_case006_host_table),
		cmocka_unit_test(test_mx_match_leading_dot_is_not_wildcard),
		cmocka_unit_test(test_mx_match_wildcard_one_label),
		cmocka_unit_test(test_requirement_levels),
		cmocka_unit_test(test_check_hosts_not_covered),
		cmocka_unit_test(test_check_hosts_unused_pattern),
		cmocka_unit_test(test_check_hosts_mode_none),
		cmocka_unit_test(test_advise_broad_wildcards),
		cmocka_unit_test(test_advise_short_max_age),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
