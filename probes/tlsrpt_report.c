/*
 * Parsing TLS-RPT JSON reports (RFC 8460 §4.4) with jansson.
 *
 * Every member is read through a helper that accepts what reporters send
 * in practice and turns the rest into "absent": a string where a string
 * belongs, a number or a numeric string where a count belongs.  Only the
 * report-id, the date range and the policies array are required: without
 * them the report cannot be stored once or placed on a day.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "printable.h"
#include "tlsrpt_report.h"
#include "xmalloc.h"

#define TLSRPT_MAX_POLICIES	10000
#define TLSRPT_MAX_FAILURES	100000
#define TLSRPT_MAX_STRINGS	1000
/*
 * Sessions one count may claim.  Anyone can mail a report to the rua
 * address; a count past this is not a day of mail but an attempt to
 * overflow the sums (the biggest senders count far less per domain).
 */
#define TLSRPT_COUNT_MAX	1000000000LL

/*
 * A string member, or NULL when absent, null or not a string.  Reports
 * come from strangers and end up on terminals and in HTML: control
 * characters are escaped (printable.h) before anything stores them.
 */
static char *
tlsrpt_str(json_t *obj, const char *key)
{
	json_t	*v = json_object_get(obj, key);

	if (json_is_string(v))
		return printable_take(xstrndup(json_string_value(v),
		    json_string_length(v)));
	if (json_is_integer(v))
		return xprintf("%lld", (long long)json_integer_value(v));
	return NULL;
}

/* The first of several spellings that is present. */
static char *
tlsrpt_str_any(json_t *obj, const char *a, const char *b)
{
	char	*s;

	if ((s = tlsrpt_str(obj, a)) == NULL)
		s = tlsrpt_str(obj, b);
	return s;
}

/*
 * A count: a non-negative integer, also as a string; 0 when absent or
 * not a number.  Past TLSRPT_COUNT_MAX it is 0 and *implausible is set.
 */
static long long
tlsrpt_count(json_t *obj, const char *key, int *implausible)
{
	json_t		*v = json_object_get(obj, key);
	const char	*s;
	char		*end;
	double		 d;
	long long	 n = 0;

	if (json_is_integer(v))
		n = (long long)json_integer_value(v);
	else if (json_is_real(v)) {
		d = json_real_value(v);
		n = d > (double)TLSRPT_COUNT_MAX ? TLSRPT_COUNT_MAX + 1 :
		    d > 0 ? (long long)d : 0;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		errno = 0;
		n = strtoll(s, &end, 10);
		if (end == s || *end != '\0')
			n = 0;
		else if (errno == ERANGE)
			n = TLSRPT_COUNT_MAX + 1;
	}
	if (n > TLSRPT_COUNT_MAX) {
		*implausible = 1;
		return 0;
	}
	return n > 0 ? n : 0;
}

/* A list of strings: an array of them, or one string alone. */
static char **
tlsrpt_strv(json_t *obj, const char *key, size_t *n)
{
	json_t	*v = json_object_get(obj, key), *e;
	char	**out = NULL;
	size_t	  i;

	*n = 0;
	if (json_is_string(v)) {
		out = xcalloc(1, sizeof *out);
		out[(*n)++] = printable_str(json_string_value(v));
		return out;
	}
	if (!json_is_array(v))
		return NULL;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || *n >= TLSRPT_MAX_STRINGS)
			continue;
		out = xreallocarray(out, *n + 1, sizeof *out);
		out[(*n)++] = printable_str(json_string_value(e));
	}
	return out;
}

static void
tlsrpt_strv_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Lower-case, without a final dot, in place. */
static void
tlsrpt_domain_normalise(char *d)
{
	size_t	len;

	for (len = 0; d[len] != '\0'; len++)
		d[len] = (char)tolower((unsigned char)d[len]);
	if (len > 0 && d[len - 1] == '.')
		d[len - 1] = '\0';
}

int
tlsrpt_time_parse(const char *s, time_t *out)
{
	struct tm	 tm;
	const char	*p;
	int		 sign, hh, mm;

	memset(&tm, 0, sizeof tm);
	if ((p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm)) == NULL &&
	    (p = strptime(s, "%Y-%m-%dt%H:%M:%S", &tm)) == NULL &&
	    (p = strptime(s, "%Y-%m-%d %H:%M:%S", &tm)) == NULL)
		return -1;
	if (*p == '.' || *p == ',')
		for (p++; isdigit((unsigned char)*p); p++)
			/* fractions of a second do not matter here */;
	*out = timegm(&tm);

	/* Z, an offset, or nothing (taken as UTC: reporters are sloppy). */
	if (*p == 'Z' || *p == 'z')
		p++;
	else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (!isdigit((unsigned char)p[1]) ||
		    !isdigit((unsigned char)p[2]))
			return -1;
		hh = (p[1] - '0') * 10 + (p[2] - '0');
		p += 3;
		if (*p == ':')
			p++;
		mm = 0;
		if (isdigit((unsigned char)p[0]) &&
		    isdigit((unsigned char)p[1])) {
			mm = (p[0] - '0') * 10 + (p[1] - '0');
			p += 2;
		}
		if (hh > 23 || mm > 59)
			return -1;
		*out -= sign * (hh * 3600 + mm * 60);
	}
	return *p == '\0' ? 0 : -1;
}

static int
tlsrpt_range(json_t *root, struct tlsrpt_report *r, char **cause)
{
	json_t	*range = json_object_get(root, "date-range");
	char	*start, *end;
	int	 rc = -1;

	start = tlsrpt_str(range, "start-datetime");
	end = tlsrpt_str(range, "end-datetime");
	if (start == NULL || end == NULL)
		*cause = xstrdup("no date-range with start-datetime and "
		    "end-datetime");
	else if (tlsrpt_time_parse(start, &r->begin) != 0)
		*cause = xprintf("start-datetime \"%.40s\" is not an RFC "
		    "3339 time", start);
	else if (tlsrpt_time_parse(end, &r->end) != 0)
		*cause = xprintf("end-datetime \"%.40s\" is not an RFC "
		    "3339 time", end);
	else if (r->end < r->begin)
		*cause = xstrdup("the date-range ends before it starts");
	else
		rc = 0;
	free(start);
	free(end);
	return rc;
}

static void
tlsrpt_failure_read(json_t *j, struct tlsrpt_failure *f, int *implausible)
{
	f->result_type = tlsrpt_str(j, "result-type");
	if (f->result_type == NULL)
		f->result_type = xstrdup("unknown");
	f->sending_ip = tlsrpt_str(j, "sending-mta-ip");
	f->receiving_mx = tlsrpt_str(j, "receiving-mx-hostname");
	if (f->receiving_mx != NULL)
		tlsrpt_domain_normalise(f->receiving_mx);
	f->receiving_helo = tlsrpt_str(j, "receiving-mx-helo");
	f->receiving_ip = tlsrpt_str(j, "receiving-ip");
	f->sessions = tlsrpt_count(j, "failed-session-count", implausible);
	f->reason_code = tlsrpt_str(j, "failure-reason-code");
	f->info = tlsrpt_str(j, "additional-information");
}

static void
tlsrpt_policy_read(json_t *j, const char *fallback, struct tlsrpt_policy *p,
    int *implausible)
{
	json_t	*policy = json_object_get(j, "policy");
	json_t	*summary = json_object_get(j, "summary");
	json_t	*details = json_object_get(j, "failure-details"), *e;
	size_t	 i;

	p->type = tlsrpt_str(policy, "policy-type");
	if (p->type == NULL)
		p->type = xstrdup("unknown");
	p->domain = tlsrpt_str(policy, "policy-domain");
	if (p->domain == NULL && fallback != NULL)
		p->domain = xstrdup(fallback);
	if (p->domain == NULL)
		p->domain = xstrdup("");
	tlsrpt_domain_normalise(p->domain);
	p->strings = tlsrpt_strv(policy, "policy-string", &p->nstrings);
	p->mx = tlsrpt_strv(policy, "mx-host", &p->nmx);
	if (p->nmx == 0) {
		free(p->mx);
		p->mx = tlsrpt_strv(policy, "mx-host-pattern", &p->nmx);
	}

	p->successful = tlsrpt_count(summary,
	    "total-successful-session-count", implausible);
	p->failed = tlsrpt_count(summary, "total-failure-session-count",
	    implausible);

	if (!json_is_array(details))
		return;
	json_array_foreach(details, i, e) {
		if (!json_is_object(e) || p->nfailures >= TLSRPT_MAX_FAILURES)
			continue;
		p->failures = xreallocarray(p->failures, p->nfailures + 1,
		    sizeof *p->failures);
		memset(&p->failures[p->nfailures], 0, sizeof *p->failures);
		tlsrpt_failure_read(e, &p->failures[p->nfailures++],
		    implausible);
	}
}

static int
tlsrpt_policies(json_t *root, const char *fallback, struct tlsrpt_report *r,
    char **cause)
{
	json_t	*policies = json_object_get(root, "policies"), *e;
	size_t	 i;
	int	 implausible = 0;

	if (!json_is_array(policies)) {
		*cause = xstrdup("no policies array");
		return -1;
	}
	json_array_foreach(policies, i, e) {
		if (!json_is_object(e) || r->npolicies >= TLSRPT_MAX_POLICIES)
			continue;
		r->policies = xreallocarray(r->policies, r->npolicies + 1,
		    sizeof *r->policies);
		memset(&r->policies[r->npolicies], 0, sizeof *r->policies);
		tlsrpt_policy_read(e, fallback, &r->policies[r->npolicies++],
		    &implausible);
	}
	if (implausible) {
		xasprintf(cause, "a session count above %lld: not believed",
		    TLSRPT_COUNT_MAX);
		return -1;
	}
	return 0;
}

int
tlsrpt_report_parse(const char *json, size_t len, const char *fallback,
    struct tlsrpt_report *r, char **cause)
{
	json_error_t	 error;
	json_t		*root;
	int		 rc = -1;

	memset(r, 0, sizeof *r);
	if (len > TLSRPT_REPORT_MAX) {
		*cause = xprintf("larger than %d bytes", TLSRPT_REPORT_MAX);
		return -1;
	}
	root = json_loadb(json, len, JSON_DISABLE_EOF_CHECK |
	    JSON_ALLOW_NUL, &error);
	if (root == NULL) {
		*cause = xprintf("not JSON: %s (line %d)", error.text,
		    error.line);
		return -1;
	}
	if (!json_is_object(root)) {
		*cause = xstrdup("the JSON is not an object");
		goto out;
	}

	r->report_id = tlsrpt_str(root, "report-id");
	if (r->report_id == NULL || *r->report_id == '\0') {
		*cause = xstrdup("no report-id");
		goto out;
	}
	r->organization = tlsrpt_str(root, "organization-name");
	r->contact = tlsrpt_str_any(root, "contact-info", "email-address");
	if (tlsrpt_range(root, r, cause) != 0 ||
	    tlsrpt_policies(root, fallback, r, cause) != 0)
		goto out;
	rc = 0;

out:
	json_decref(root);
	if (rc != 0)
		tlsrpt_report_free(r);
	return rc;
}

void
tlsrpt_report_free(struct tlsrpt_report *r)
{
	struct tlsrpt_policy	*p;
	struct tlsrpt_failure	*f;
	size_t			 i, j;

	for (i = 0; i < r->npolicies; i++) {
		p = &r->policies[i];
		for (j = 0; j < p->nfailures; j++) {
			f = &p->failures[j];
			free(f->result_type);
			free(f->sending_ip);
			free(f->receiving_mx);
			free(f->receiving_helo);
			free(f->receiving_ip);
			free(f->reason_code);
			free(f->info);
		}
		free(p->failures);
		free(p->type);
		free(p->domain);
		tlsrpt_strv_free(p->strings, p->nstrings);
		tlsrpt_strv_free(p->mx, p->nmx);
	}
	free(r->policies);
	free(r->organization);
	free(r->contact);
	free(r->report_id);
	memset(r, 0, sizeof *r);
}

char *
tlsrpt_filename_domain(const char *name)
{
	const char	*base = strrchr(name, '/'), *a, *b;
	char		*d;

	base = base != NULL ? base + 1 : name;
	if ((a = strchr(base, '!')) == NULL ||
	    (b = strchr(a + 1, '!')) == NULL || b == a + 1)
		return NULL;
	/* Three more fields: begin!end!id. */
	if (strchr(b + 1, '!') == NULL)
		return NULL;
	d = xstrndup(a + 1, (size_t)(b - a - 1));
	tlsrpt_domain_normalise(d);
	return d;
}

/* The host a failure is about, for messages. */
static const char *
tlsrpt_failure_host(const struct tlsrpt_failure *f)
{
	if (f->receiving_mx != NULL)
		return f->receiving_mx;
	if (f->receiving_ip != NULL)
		return f->receiving_ip;
	return "an MX host";
}

char *
tlsrpt_failure_guidance(const struct tlsrpt_policy *p,
    const struct tlsrpt_failure *f)
{
	const char	*rt = f->result_type, *host = tlsrpt_failure_host(f);
	const char	*s = f->sessions == 1 ? "" : "s";
	const char	*enforce = "; in enforce mode these deliveries would "
			    "have failed";

	if (strcmp(rt, "sts-policy-fetch-error") == 0)
		return xprintf("%lld session%s could not fetch https://mta-sts"
		    ".%s/.well-known/mta-sts.txt", f->sessions, s, p->domain);
	if (strcmp(rt, "sts-policy-invalid") == 0)
		return xprintf("%lld session%s found the policy of %s invalid",
		    f->sessions, s, p->domain);
	if (strcmp(rt, "sts-webpki-invalid") == 0)
		return xprintf("%lld session%s found the certificate of "
		    "mta-sts.%s not valid", f->sessions, s, p->domain);
	if (strcmp(rt, "starttls-not-supported") == 0)
		return xprintf("%s did not offer STARTTLS to %lld session%s%s",
		    host, f->sessions, s, enforce);
	if (strcmp(rt, "certificate-host-mismatch") == 0)
		return xprintf("%s presented a certificate for another name "
		    "to %lld session%s%s", host, f->sessions, s, enforce);
	if (strcmp(rt, "certificate-expired") == 0)
		return xprintf("%s presented an expired certificate to %lld "
		    "session%s%s", host, f->sessions, s, enforce);
	if (strcmp(rt, "certificate-not-trusted") == 0)
		return xprintf("%s presented an untrusted certificate to %lld "
		    "session%s%s", host, f->sessions, s, enforce);
	if (strcmp(rt, "tlsa-invalid") == 0 ||
	    strcmp(rt, "dnssec-invalid") == 0 ||
	    strcmp(rt, "dane-required") == 0)
		return xprintf("%lld DANE session%s to %s failed (%s): see "
		    "the TLSA and DNSSEC steps", f->sessions, s, host, rt);
	return xprintf("%lld session%s to %s failed: %s", f->sessions, s,
	    host, rt);
}
