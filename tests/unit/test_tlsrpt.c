/*
 * Unit tests for probes/tlsrpt.c: the _smtp._tls TXT record of SMTP TLS
 * Reporting (RFC 8460 §3), with the RRsets of case 008 read from
 * tests/data/cases/008-tlsrpt-txt-multiple-rua/rrsets.json.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "finding.h"
#include "tlsrpt.h"
#include "xmalloc.h"

#define CASE008	"008-tlsrpt-txt-multiple-rua"

/* One RRset: each record's character-strings already joined. */
struct rrset {
	char	**records;
	size_t	  n;
};

static void
rrset_free(struct rrset *set)
{
	size_t	i;

	for (i = 0; i < set->n; i++)
		free(set->records[i]);
	free(set->records);
	memset(set, 0, sizeof *set);
}

/*
 * The RRset called name in rrsets.json.  Each inner array is one TXT
 * record as its character-strings, which a resolver client joins without
 * separators (RFC 8460 §3).
 */
static void
case008_rrset(const char *name, struct rrset *set)
{
	json_error_t	 error;
	json_t		*root, *rrset, *record, *string;
	char		*path, *joined, *tmp;
	size_t		 i, j;

	path = xprintf("%s/cases/%s/rrsets.json", TEST_DATA, CASE008);
	if ((root = json_load_file(path, 0, &error)) == NULL)
		fail_msg("%s: %s", path, error.text);
	free(path);
	if ((rrset = json_object_get(root, name)) == NULL ||
	    !json_is_array(rrset))
		fail_msg("rrsets.json has no RRset %s", name);

	set->n = json_array_size(rrset);
	set->records = xcalloc(set->n, sizeof *set->records);
	json_array_foreach(rrset, i, record) {
		assert_true(json_is_array(record));
		joined = xstrdup("");
		json_array_foreach(record, j, string) {
			assert_true(json_is_string(string));
			tmp = xprintf("%s%s", joined,
			    json_string_value(string));
			free(joined);
			joined = tmp;
		}
		set->records[i] = joined;
	}
	json_decref(root);
}

/* Selects from the named RRset; the caller frees txt and fs. */
static int
case008_select(const char *name, struct tlsrpt_txt *txt,
    struct findings *fs)
{
	struct rrset	set;
	int		rc;

	case008_rrset(name, &set);
	rc = tlsrpt_txt_select(set.records, set.n, txt, fs);
	rrset_free(&set);
	return rc;
}

static void
assert_contains(const char *haystack, const char *needle)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"",
		    haystack != NULL ? haystack : "(null)", needle);
}

/* Case 008: a comma-separated rua list gives both URIs, in order. */
static void
test_case008_comma_list(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(case008_select("comma-list", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 2);
	assert_string_equal(txt.rua[0], "mailto:tlsrpt@example.net");
	assert_string_equal(txt.rua[1],
	    "https://reports.example.org/v1/tlsrpt");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/*
 * Case 008: a repeated rua field adds its URI too ("The record supports
 * the ability to declare more than one rua"), with no warning.
 */
static void
test_case008_repeated_rua_field(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(case008_select("repeated-rua-field", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 2);
	assert_string_equal(txt.rua[0], "mailto:tlsrpt@example.net");
	assert_string_equal(txt.rua[1], "mailto:tls-archive@example.org");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	assert_int_equal(findings_count(&fs, SEV_WARN), 0);
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/* Case 008: tlsrpt-record ends in an optional field-delim. */
static void
test_case008_trailing_semicolon(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(case008_select("trailing-semicolon", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 1);
	assert_string_equal(txt.rua[0], "mailto:tlsrpt@example.net");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/* Case 008: character-strings are concatenated without spaces (§3). */
static void
test_case008_split_strings(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(case008_select("split-strings", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 1);
	assert_string_equal(txt.rua[0], "mailto:tlsrpt@example.net");
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/* Case 008: a bare address has no scheme: not a URI (RFC 3986 §3). */
static void
test_case008_missing_scheme(void **state)
{
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case008_select("missing-scheme", &txt, &fs), -1);
	assert_int_equal(txt.nrua, 0);
	assert_null(txt.rua);
	assert_non_null(f = findings_find(&fs, "tlsrpt.rua-uri"));
	assert_int_equal(f->severity, SEV_ERROR);
	assert_contains(f->message, "mailto: or https:");
	assert_contains(f->message, "tlsrpt@example.net");
	findings_free(&fs);
}

/* Case 008: two v=TLSRPTv1 records: the domain does not do TLS-RPT. */
static void
test_case008_two_records(void **state)
{
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case008_select("two-records", &txt, &fs), -1);
	assert_int_equal(txt.nrua, 0);
	assert_non_null(f = findings_find(&fs, "tlsrpt.multiple"));
	assert_int_equal(f->severity, SEV_ERROR);
	findings_free(&fs);
}

/* Case 008: rua is required; ruf is only an unknown extension. */
static void
test_case008_no_rua(void **state)
{
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(case008_select("no-rua", &txt, &fs), -1);
	assert_int_equal(txt.nrua, 0);
	assert_non_null(f = findings_find(&fs, "tlsrpt.no-rua"));
	assert_int_equal(f->severity, SEV_ERROR);
	assert_null(findings_find(&fs, "tlsrpt.syntax"));
	findings_free(&fs);
}

/* §3: *WSP is allowed around the commas of a rua list. */
static void
test_rua_list_wsp_around_commas(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=mailto:a@example.net"
	    " ,\thttps://r.example.net/tlsrpt ; ", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 2);
	assert_string_equal(txt.rua[0], "mailto:a@example.net");
	assert_string_equal(txt.rua[1], "https://r.example.net/tlsrpt");
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/* §3: records not beginning with v=TLSRPTv1 are discarded. */
static void
test_select_ignores_other_records(void **state)
{
	char			*records[] = { "v=spf1 -all",
				    "v=TLSRPTv10; rua=mailto:x@example.net",
				    "v=TLSRPTv1;rua=mailto:a@example.net" };
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };

	assert_int_equal(tlsrpt_txt_select(records, 3, &txt, &fs), 0);
	assert_int_equal(txt.nrua, 1);
	assert_string_equal(txt.rua[0], "mailto:a@example.net");
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

/* §3: no TLSRPT record at all. */
static void
test_select_none(void **state)
{
	char			*records[] = { "v=spf1 -all" };
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };

	assert_int_equal(tlsrpt_txt_select(records, 1, &txt, &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.none"));
	assert_int_equal(tlsrpt_txt_select(NULL, 0, &txt, &fs), -1);
	findings_free(&fs);
}

/* §3: a mailto: needs a mailbox and an https: URI a host. */
static void
test_rua_uri_needs_mailbox_or_host(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=mailto:", &txt,
	    &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.rua-uri"));
	findings_free(&fs);

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=https://", &txt,
	    &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.rua-uri"));
	findings_free(&fs);

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=http://"
	    "r.example.net/", &txt, &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.rua-uri"));
	findings_free(&fs);
}

/* §3: an empty entry in the rua list is not a URI. */
/* RFC 6068: the '@' of a mailto: URI may be written %40. */
static void
test_rua_mailto_percent_at(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=mailto:tlsrpt%40"
	    "example.net", &txt, &fs), 0);
	assert_int_equal(txt.nrua, 1);
	assert_int_equal(findings_count(&fs, SEV_ERROR), 0);
	tlsrpt_txt_free(&txt);
	findings_free(&fs);
}

static void
test_rua_empty_entry(void **state)
{
	struct tlsrpt_txt	 txt;
	struct findings		 fs = { 0 };
	const struct finding	*f;

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1; rua=mailto:a@"
	    "example.net,,mailto:b@example.net", &txt, &fs), -1);
	assert_null(txt.rua);
	assert_non_null(f = findings_find(&fs, "tlsrpt.rua-uri"));
	assert_contains(f->message, "empty");
	findings_free(&fs);
}

/* §3: the version must be followed by a field delimiter. */
static void
test_parse_rejects_bad_version(void **state)
{
	struct tlsrpt_txt	txt;
	struct findings		fs = { 0 };

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv2; rua=mailto:a@"
	    "example.net", &txt, &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.version"));
	findings_free(&fs);

	assert_int_equal(tlsrpt_txt_parse("v=TLSRPTv1 rua=mailto:a@"
	    "example.net", &txt, &fs), -1);
	assert_non_null(findings_find(&fs, "tlsrpt.syntax"));
	findings_free(&fs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case008_comma_list),
		cmocka_unit_test(test_rua_mailto_percent_at),
		cmocka_unit_test(test_case008_repeated_rua_field),
		cmocka_unit_test(test_case008_trailing_semicolon),
		cmocka_unit_test(test_case008_split_strings),
		cmocka_unit_test(test_case008_missing_scheme),
		cmocka_unit_test(test_case008_two_records),
		cmocka_unit_test(test_case008_no_rua),
		cmocka_unit_test(test_rua_list_wsp_around_commas),
		cmocka_unit_test(test_select_ignores_other_records),
		cmocka_unit_test(test_select_none),
		cmocka_unit_test(test_rua_uri_needs_mailbox_or_host),
		cmocka_unit_test(test_rua_empty_entry),
		cmocka_unit_test(test_parse_rejects_bad_version),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
