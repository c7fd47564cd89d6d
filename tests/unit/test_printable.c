/*
 * Unit tests for common/printable.c: text from servers made safe for
 * JSON and a terminal.  Valid UTF-8 passes untouched; anything a strict
 * decoder (RFC 3629) refuses, and every control character, comes out as
 * \xNN; long text is cut on a character boundary, saying so.  And the
 * point of it all: a finding that quotes Latin-1 survives into JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "finding.h"
#include "printable.h"
#include "step.h"
#include "xmalloc.h"

static void
assert_printable(const char *in, const char *want)
{
	char	*got = printable_str(in);

	assert_string_equal(got, want);
	free(got);
}

static void
test_utf8_kept(void **state)
{
	assert_printable("", "");
	assert_printable("plain ASCII, 20 chars", "plain ASCII, 20 chars");
	assert_printable("caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xa7",
	    "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x93\xa7");
	assert_printable("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");
}

static void
test_bytes_escaped(void **state)
{
	/* Latin-1, a lone continuation byte, a sequence cut short. */
	assert_printable("caf\xe9", "caf\\xE9");
	assert_printable("\x80x", "\\x80x");
	assert_printable("\xe2\x9c", "\\xE2\\x9C");
	/* Overlong forms, surrogates, beyond U+10FFFF, bytes never used. */
	assert_printable("\xc0\xaf", "\\xC0\\xAF");
	assert_printable("\xe0\x80\xaf", "\\xE0\\x80\\xAF");
	assert_printable("\xed\xa0\x80", "\\xED\\xA0\\x80");
	assert_printable("\xf4\x90\x80\x80", "\\xF4\\x90\\x80\\x80");
	assert_printable("\xfe\xff", "\\xFE\\xFF");
}

static void
test_controls_escaped(void **state)
{
	/* A terminal escape, a newline, DEL, and C1 controls (CSI). */
	assert_printable("\x1b[2J", "\\x1B[2J");
	assert_printable("a\nb\tc\r", "a\\x0Ab\\x09c\\x0D");
	assert_printable("\x7f", "\\x7F");
	assert_printable("\xc2\x9b" "31m", "\\xC2\\x9B31m");
	assert_printable("\xc2\xa0", "\xc2\xa0");	/* NBSP is text */
}

static void
test_take(void **state)
{
	char	*s;

	s = xstrdup("clean");
	assert_ptr_equal(printable_take(s), s);	/* not copied */
	free(s);
	s = printable_take(xstrdup("t\xe9st"));
	assert_string_equal(s, "t\\xE9st");
	free(s);
}

static void
test_cut(void **state)
{
	char	*s, *long_text;

	s = printable_cut(xstrdup("short"), 100);
	assert_string_equal(s, "short");
	free(s);

	long_text = xmalloc(3001);
	memset(long_text, 'x', 3000);
	long_text[3000] = '\0';
	s = printable_cut(long_text, 1024);
	assert_true(strlen(s) <= 1024);
	assert_non_null(strstr(s, "... (2016 bytes cut)"));
	free(s);

	/* Never in the middle of a character: "é" is two bytes. */
	long_text = xmalloc(2001);
	for (size_t i = 0; i < 2000; i += 2)
		memcpy(long_text + i, "\xc3\xa9", 2);
	long_text[2000] = '\0';
	s = printable_cut(long_text, 101);
	assert_null(strstr(s, "\xc3..."));
	assert_non_null(strstr(s, "\xc3\xa9..."));
	free(s);
}

/* A Latin-1 policy line in a finding used to vanish from the JSON. */
static void
test_finding_survives_json(void **state)
{
	struct step_result	 r;
	json_t			*j, *msg;
	char			*text;

	step_result_init(&r, STEP_MTA_STS);
	findings_add(&r.findings, SEV_ERROR, "sts.policy.mode", NULL,
	    "mode \"t%csting\" is unknown", 0xe9);
	step_result_set(&r, STEP_FAIL, "mode t%csting", 0xe9);

	j = step_result_to_json(&r);
	assert_non_null(j);
	text = json_dumps(j, JSON_COMPACT);
	assert_non_null(text);
	msg = json_object_get(json_array_get(json_object_get(j, "findings"),
	    0), "message");
	assert_string_equal(json_string_value(msg),
	    "mode \"t\\xE9sting\" is unknown");
	assert_string_equal(json_string_value(json_object_get(j, "summary")),
	    "mode t\\xE9sting");
	free(text);
	json_decref(j);
	step_result_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_kept),
		cmocka_unit_test(test_bytes_escaped),
		cmocka_unit_test(test_controls_escaped),
		cmocka_unit_test(test_take),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_finding_survives_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
