/*
 * Unit tests for probes/tsig.c: TSIG key files in the knsupdate and BIND
 * formats, and that no error message ever carries the secret.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tsig.h"

#define SECRET	"c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IQ=="

static void
assert_key(const char *text, const char *name, const char *alg)
{
	struct tsig_key	 k;
	char		*cause = NULL;

	if (tsig_key_parse(text, "key.conf", &k, &cause) != 0)
		fail_msg("\"%s\": %s", text, cause);
	assert_string_equal(k.name, name);
	assert_string_equal(k.algorithm, alg);
	assert_string_equal(k.secret, SECRET);
	tsig_key_free(&k);
	assert_null(k.secret);
}

static void
test_line_format(void **state)
{
	assert_key("hmac-sha256:lab-update:" SECRET "\n", "lab-update.",
	    "hmac-sha256.");
	assert_key("hmac-sha512:k.example.:" SECRET, "k.example.",
	    "hmac-sha512.");
	assert_key("lab-update:" SECRET "\r\n", "lab-update.", "hmac-sha256.");
	/* keymgr -t prints a comment line first. */
	assert_key("# hmac-sha256:lab-update:" SECRET "\n"
	    "hmac-md5:old:" SECRET "\n", "old.", "hmac-md5.sig-alg.reg.int.");
}

static void
test_bind_format(void **state)
{
	assert_key("key \"lab-update\" {\n\talgorithm hmac-sha256;\n"
	    "\tsecret \"" SECRET "\";\n};\n", "lab-update.", "hmac-sha256.");
	assert_key("// made by tsig-keygen\nkey upd.example. { secret \""
	    SECRET "\"; algorithm HMAC-SHA384; };", "upd.example.",
	    "hmac-sha384.");
}

static void
test_errors_keep_the_secret(void **state)
{
	static const struct {
		const char	*text;
		const char	*error;
	} bad[] = {
		{ "", "holds no TSIG key" },
		{ "hmac-sha999:k:" SECRET, "unknown TSIG algorithm" },
		{ "hmac-sha256:bad name:" SECRET, "not a domain name" },
		{ "hmac-sha256:k:" SECRET "!", "not base64" },
		{ "hmac-sha256:k:" SECRET "=", "not base64" },
		{ "key \"k\" { algorithm hmac-sha256; };", "needs an algorithm "
		    "and a secret" },
		{ "key \"k\" algorithm hmac-sha256; secret \"" SECRET "\";",
		    "has no {" },
	};
	struct tsig_key	 k;
	char		*cause;
	size_t		 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cause = NULL;
		assert_int_equal(tsig_key_parse(bad[i].text, "key.conf", &k,
		    &cause), -1);
		if (cause == NULL || strstr(cause, bad[i].error) == NULL)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, cause,
			    bad[i].error);
		assert_null(strstr(cause, "c2VjcmV0"));
		assert_null(k.secret);
		free(cause);
	}
}

static void
test_missing_file(void **state)
{
	struct tsig_key	 k;
	char		*cause = NULL;

	assert_int_equal(tsig_key_load("/nonexistent/key", &k, &cause), -1);
	assert_non_null(strstr(cause, "cannot open TSIG key file"));
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_format),
		cmocka_unit_test(test_bind_format),
		cmocka_unit_test(test_errors_keep_the_secret),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
