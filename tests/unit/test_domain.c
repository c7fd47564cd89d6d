/*
 * Unit tests for common/domain.c: the one rule for names typed on the
 * command line, in the wizard and in a --domains file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "domain.h"

static void
assert_name(const char *in, const char *want)
{
	const char	*why = NULL;
	char		*got = domain_normalise(in, &why);

	assert_non_null(got);
	assert_null(why);
	assert_string_equal(got, want);
	free(got);
}

static void
assert_refused(const char *in, const char *why_part)
{
	const char	*why = NULL;

	assert_null(domain_normalise(in, &why));
	assert_non_null(why);
	assert_non_null(strstr(why, why_part));
}

static void
test_accepted(void **state)
{
	(void)state;
	assert_name("Example.ORG", "example.org");
	assert_name("  mail.example.org.\t", "mail.example.org");
	assert_name("_25._tcp.mx.example.org", "_25._tcp.mx.example.org");
	assert_name("xn--bcher-kva.example", "xn--bcher-kva.example");
}

static void
test_refused(void **state)
{
	char	label[80], name[300];

	(void)state;
	assert_refused("", "needed");
	assert_refused("example", "no dot");
	assert_refused("a..example", "empty label");
	assert_refused(".example.org", "empty label");
	assert_refused("example.org..", "empty label");
	assert_refused("ex ample.org", "letters, digits");
	assert_refused("b\xc3\xbc" "cher.example", "xn-- form");

	memset(label, 'a', 64);
	strcpy(label + 64, ".example");
	assert_refused(label, "63 characters");
	memset(name, 'a', sizeof name);
	for (size_t i = 60; i < sizeof name - 1; i += 61)
		name[i] = '.';
	name[sizeof name - 1] = '\0';
	assert_refused(name, "253 characters");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
