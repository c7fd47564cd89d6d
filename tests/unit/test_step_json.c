/*
 * Unit tests for the stable interface of steps/step.c: step ids, status
 * words, and the JSON form of a step result (to_json, dumped, loaded and
 * read back with from_json must give the same result; malformed objects
 * are refused with a cause and leave nothing allocated).
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
#include "step.h"
#include "xmalloc.h"

/* The step ids in rollout order, as JSON and the state store know them. */
static const char *const step_names[STEP_COUNT] = {
	"inventory", "dnssec", "tlsa", "mta", "mta-sts", "tls-rpt", "enforce",
};

static void
assert_contains(const char *haystack, const char *needle)
{
	if (haystack == NULL || strstr(haystack, needle) == NULL)
		fail_msg("\"%s\" does not contain \"%s\"",
		    haystack != NULL ? haystack : "(null)", needle);
}

/* Two strings that may both be NULL. */
static void
assert_str_or_null_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		assert_ptr_equal(a, b);
	else
		assert_string_equal(a, b);
}

/* Field by field. */
static void
assert_result_equal(const struct step_result *a, const struct step_result *b)
{
	size_t	i;

	assert_int_equal(a->id, b->id);
	assert_int_equal(a->status, b->status);
	assert_string_equal(a->summary != NULL ? a->summary : "",
	    b->summary != NULL ? b->summary : "");

	assert_int_equal(a->findings.n, b->findings.n);
	for (i = 0; i < a->findings.n; i++) {
		assert_int_equal(a->findings.v[i].severity,
		    b->findings.v[i].severity);
		assert_int_equal(a->findings.v[i].req, b->findings.v[i].req);
		assert_string_equal(a->findings.v[i].code,
		    b->findings.v[i].code);
		assert_string_equal(a->findings.v[i].message,
		    b->findings.v[i].message);
		assert_str_or_null_equal(a->findings.v[i].rfc,
		    b->findings.v[i].rfc);
	}

	assert_int_equal(a->nartifacts, b->nartifacts);
	for (i = 0; i < a->nartifacts; i++) {
		assert_string_equal(a->artifacts[i].name, b->artifacts[i].name);
		assert_string_equal(a->artifacts[i].kind, b->artifacts[i].kind);
		assert_string_equal(a->artifacts[i].content,
		    b->artifacts[i].content);
	}
}

/*
 * A result and what came back from its JSON.  It lives in the fixture,
 * so that a failing assertion (which jumps out of the test) still frees
 * both and a sanitizer run reports only leaks of the code under test.
 */
struct pair {
	struct step_result	in;
	struct step_result	out;
};

static int
pair_setup(void **state)
{
	struct pair	*p = xcalloc(1, sizeof *p);

	step_result_init(&p->in, STEP_INVENTORY);
	step_result_init(&p->out, STEP_INVENTORY);
	*state = p;
	return 0;
}

static int
pair_teardown(void **state)
{
	struct pair	*p = *state;

	step_result_free(&p->in);
	step_result_free(&p->out);
	free(p);
	return 0;
}

/* to_json, dumped to text, loaded, from_json into p->out: same as p->in. */
static void
assert_round_trip(struct pair *p)
{
	json_error_t	 error;
	json_t		*j, *loaded;
	char		*text, *cause = NULL;
	int		 rc;

	assert_non_null(j = step_result_to_json(&p->in));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	assert_non_null(text);
	loaded = json_loads(text, 0, &error);
	if (loaded == NULL) {
		print_error("cannot load %s: %s\n", text, error.text);
		free(text);
		fail();
	}

	step_result_free(&p->out);
	rc = step_result_from_json(loaded, &p->out, &cause);
	json_decref(loaded);
	if (rc != 0) {
		print_error("from_json refused %s: %s\n", text,
		    cause != NULL ? cause : "(no cause)");
		free(cause);
		free(text);
		fail();
	}
	free(text);
	assert_null(cause);
	assert_result_equal(&p->in, &p->out);
}

/* Parses text and expects from_json to refuse it, naming why. */
static void
assert_rejected(const char *text, const char *why)
{
	struct step_result	 r;
	json_error_t		 error;
	json_t			*j;
	char			*cause = NULL;

	if ((j = json_loads(text, 0, &error)) == NULL)
		fail_msg("bad test JSON %s: %s", text, error.text);
	step_result_init(&r, STEP_INVENTORY);
	assert_int_equal(step_result_from_json(j, &r, &cause), -1);
	assert_non_null(cause);
	assert_contains(cause, why);

	/* Nothing left behind for the caller to free. */
	assert_null(r.summary);
	assert_int_equal(r.findings.n, 0);
	assert_null(r.findings.v);
	assert_int_equal(r.nartifacts, 0);
	assert_null(r.artifacts);

	free(cause);
	json_decref(j);
}

/* The step table is in rollout order and each id names its step. */
static void
test_step_by_name(void **state)
{
	const struct step	*step;
	size_t			 i;

	for (i = 0; i < STEP_COUNT; i++) {
		assert_non_null(step = step_by_name(step_names[i]));
		assert_ptr_equal(step, step_table[i]);
		assert_int_equal(step->id, i);
		assert_string_equal(step->name, step_names[i]);
	}
	assert_null(step_by_name("DNSSEC"));
	assert_null(step_by_name("mta_sts"));
	assert_null(step_by_name(""));
	assert_null(step_by_name("nonexistent"));
}

/* Status words go both ways; anything else is refused. */
static void
test_step_status_parse(void **state)
{
	static const char	*names[] = {
		"pending", "pass", "warn", "fail",
	};
	enum step_status	 s;
	int			 i;

	for (i = STEP_PENDING; i <= STEP_FAIL; i++) {
		assert_string_equal(step_status_name((enum step_status)i),
		    names[i]);
		s = (enum step_status)-1;
		assert_int_equal(step_status_parse(names[i], &s), 0);
		assert_int_equal(s, i);
	}
	assert_int_equal(step_status_parse("PASS", &s), -1);
	assert_int_equal(step_status_parse("passed", &s), -1);
	assert_int_equal(step_status_parse("", &s), -1);
}

/* A full result: findings that all name an RFC, two artifacts. */
static void
test_round_trip_findings_with_rfc(void **state)
{
	struct pair		*p = *state;
	struct step_result	*r = &p->in;

	step_result_init(r, STEP_TLSA);
	step_result_set(r, STEP_FAIL, "1 of 2 MX hosts has no TLSA match");
	findings_add(&r->findings, SEV_ERROR, "tlsa.mismatch", "RFC 7671 §5",
	    "mx1.example.net [192.0.2.25]: no TLSA 3 1 1 record matches; "
	    "published \"e3b0...\"\n\tserved 9ede...");
	findings_add(&r->findings, SEV_WARN, "tlsa.unusable", "RFC 7672 §3.1",
	    "TLSA 0 0 1 is unusable for SMTP — usages 2 and 3 only");
	findings_add(&r->findings, SEV_INFO, "tlsa.note", "RFC 6698 §2.1",
	    "%s", "");
	step_result_artifact(r, "TLSA records for mx1.example.net", "zone",
	    "_25._tcp.mx1.example.net. IN TLSA 3 1 1 9ede3b86\n");
	step_result_artifact(r, "check", "text", "dig +dnssec TLSA "
	    "_25._tcp.mx1.example.net\nquote \" and backslash \\");
	assert_round_trip(p);
}

/* A finding without an RFC (rfc NULL) survives the round trip as NULL. */
static void
test_round_trip_finding_without_rfc(void **state)
{
	struct pair		*p = *state;
	struct step_result	*r = &p->in;

	step_result_init(r, STEP_MTA_STS);
	step_result_set(r, STEP_WARN, "policy in testing mode");
	findings_add(&r->findings, SEV_INFO, "sts.mode-testing", NULL,
	    "mode is testing: failures are reported, not enforced");
	findings_add(&r->findings, SEV_WARN, "sts.policy.repeated",
	    "RFC 8461 §3.2", "line 3 repeats mode; the first value is used");
	step_result_artifact(r, "policy", "file", "version: STSv1\r\n");
	assert_round_trip(p);
}

/* The requirement level (MUST, SHOULD, advice) survives, none too. */
static void
test_round_trip_requirement(void **state)
{
	struct pair		*p = *state;
	struct step_result	*r = &p->in;
	json_t			*j;

	step_result_init(r, STEP_MTA_STS);
	findings_add_req(&r->findings, SEV_ERROR, REQ_MUST, "sts.txt.id",
	    "RFC 8461 §3.1", "id too long");
	findings_add_req(&r->findings, SEV_WARN, REQ_SHOULD, "a.b", NULL,
	    "should");
	findings_add_req(&r->findings, SEV_INFO, REQ_ADVICE, "c.d", NULL,
	    "advice");
	findings_add(&r->findings, SEV_INFO, "e.f", NULL, "plain");
	assert_round_trip(p);

	j = step_result_to_json(r);
	assert_string_equal(json_string_value(json_object_get(
	    json_array_get(json_object_get(j, "findings"), 0),
	    "requirement")), "MUST");
	assert_null(json_object_get(json_array_get(json_object_get(j,
	    "findings"), 3), "requirement"));
	json_decref(j);
}

/* Empty lists and every step id and status round-trip. */
static void
test_round_trip_every_step_and_status(void **state)
{
	struct pair	*p = *state;
	int		 id, status;

	for (id = 0; id < STEP_COUNT; id++) {
		for (status = STEP_PENDING; status <= STEP_FAIL; status++) {
			step_result_free(&p->in);
			step_result_init(&p->in, (enum step_id)id);
			step_result_set(&p->in, (enum step_status)status,
			    "step %d status %d", id, status);
			assert_round_trip(p);
		}
	}

	/* No summary set: it comes back as the empty string. */
	step_result_free(&p->in);
	step_result_init(&p->in, STEP_ENFORCE);
	assert_round_trip(p);
}

/* The JSON carries the stable words, not the enum numbers. */
static void
test_to_json_uses_stable_words(void **state)
{
	struct step_result	 r;
	json_t			*j, *f;

	step_result_init(&r, STEP_TLS_RPT);
	step_result_set(&r, STEP_PASS, "ok");
	findings_add(&r.findings, SEV_WARN, "tlsrpt.code", "RFC 8460 §3",
	    "message");
	j = step_result_to_json(&r);
	assert_string_equal(json_string_value(json_object_get(j, "id")),
	    "tls-rpt");
	assert_string_equal(json_string_value(json_object_get(j, "status")),
	    "pass");
	assert_string_equal(json_string_value(json_object_get(j, "summary")),
	    "ok");
	f = json_array_get(json_object_get(j, "findings"), 0);
	assert_string_equal(json_string_value(json_object_get(f,
	    "severity")), "warn");
	assert_string_equal(json_string_value(json_object_get(f, "rfc")),
	    "RFC 8460 §3");
	assert_true(json_is_array(json_object_get(j, "artifacts")));
	json_decref(j);
	step_result_free(&r);
}

/* "status" is required. */
static void
test_from_json_missing_status(void **state)
{
	assert_rejected("{\"id\":\"dnssec\",\"summary\":\"x\","
	    "\"findings\":[],\"artifacts\":[]}", "malformed");
}

/* An id not in the step table is refused by name. */
static void
test_from_json_unknown_step(void **state)
{
	assert_rejected("{\"id\":\"spf\",\"status\":\"pass\",\"summary\":\"x\","
	    "\"findings\":[],\"artifacts\":[]}", "spf");
}

/* A status word not in the list is refused by name. */
static void
test_from_json_unknown_status(void **state)
{
	assert_rejected("{\"id\":\"dnssec\",\"status\":\"ok\","
	    "\"summary\":\"x\",\"findings\":[],\"artifacts\":[]}", "ok");
}

/*
 * An unknown severity in the second finding: refused, and the first
 * finding and the summary already read are freed.
 */
static void
test_from_json_unknown_severity(void **state)
{
	assert_rejected("{\"id\":\"tlsa\",\"status\":\"fail\","
	    "\"summary\":\"bad\",\"findings\":["
	    "{\"severity\":\"error\",\"code\":\"a\",\"message\":\"m\","
	    "\"rfc\":\"RFC 1\"},"
	    "{\"severity\":\"fatal\",\"code\":\"b\",\"message\":\"m\"}],"
	    "\"artifacts\":[{\"name\":\"n\",\"kind\":\"zone\","
	    "\"content\":\"c\"}]}", "finding 1");
}

/* A finding without its code. */
static void
test_from_json_finding_without_code(void **state)
{
	assert_rejected("{\"id\":\"tlsa\",\"status\":\"fail\","
	    "\"findings\":[{\"severity\":\"error\",\"message\":\"m\"}]}",
	    "finding 0");
}

/* An artifact without content, after findings were read: all freed. */
static void
test_from_json_malformed_artifact(void **state)
{
	assert_rejected("{\"id\":\"mta-sts\",\"status\":\"warn\","
	    "\"summary\":\"s\",\"findings\":[{\"severity\":\"info\","
	    "\"code\":\"a\",\"message\":\"m\"}],\"artifacts\":["
	    "{\"name\":\"n\",\"kind\":\"file\",\"content\":\"c\"},"
	    "{\"name\":\"n\",\"kind\":\"file\"}]}", "artifact 1");
}

/* Not an object at all. */
static void
test_from_json_not_an_object(void **state)
{
	assert_rejected("[\"dnssec\",\"pass\"]", "malformed");
	assert_rejected("{\"id\":3,\"status\":\"pass\"}", "malformed");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_step_by_name),
		cmocka_unit_test(test_step_status_parse),
		cmocka_unit_test_setup_teardown(
		    test_round_trip_findings_with_rfc, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(
		    test_round_trip_finding_without_rfc, pair_setup,
		    pair_teardown),
		cmocka_unit_test_setup_teardown(
		    test_round_trip_requirement, pair_setup, pair_teardown),
		cmocka_unit_test_setup_teardown(
		    test_round_trip_every_step_and_status, pair_setup,
		    pair_teardown),
		cmocka_unit_test(test_to_json_uses_stable_words),
		cmocka_unit_test(test_from_json_missing_status),
		cmocka_unit_test(test_from_json_unknown_step),
		cmocka_unit_test(test_from_json_unknown_status),
		cmocka_unit_test(test_from_json_unknown_severity),
		cmocka_unit_test(test_from_json_finding_without_code),
		cmocka_unit_test(test_from_json_malformed_artifact),
		cmocka_unit_test(test_from_json_not_an_object),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
