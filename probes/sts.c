/*
 * MTA-STS: the _mta-sts TXT record (RFC 8461 §3.1), the policy body
 * (§3.2) and MX pattern matching (§4.1).
 *
 * Both parsers walk the ABNF by hand because neither format is anything
 * a general parser knows.  They are strict where the grammar is (field
 * names and values are case-sensitive, the id is 1-32 alphanumerics, an
 * mx pattern is ["*."] Domain) and lenient where it is (LF or CRLF, an
 * optional final terminator, whitespace after the colon and after the
 * value, unknown fields).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sts.h"
#include "xmalloc.h"

#define RFC_TXT		"RFC 8461 §3.1"
#define RFC_POLICY	"RFC 8461 §3.2"
#define RFC_MATCH	"RFC 8461 §4.1"

#define STS_ID_MAX	32
#define STS_NAME_MAX	32

/*
 * A broken rule of the grammar or of a MUST: senders then ignore the
 * record, the field or the whole policy.
 */
static void __attribute__((format(printf, 4, 5)))
sts_must(struct findings *fs, const char *code, const char *rfc,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*message;

	va_start(ap, fmt);
	xvasprintf(&message, fmt, ap);
	va_end(ap);
	findings_add_req(fs, SEV_ERROR, REQ_MUST, code, rfc, "%s", message);
	free(message);
}

static int
sts_is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* sts-ext-name and sts-policy-ext-name share one grammar. */
static int
sts_ext_name_valid(const char *name, size_t len)
{
	size_t	i;

	if (len == 0 || len > STS_NAME_MAX ||
	    !isalnum((unsigned char)name[0]))
		return 0;
	for (i = 1; i < len; i++) {
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' &&
		    name[i] != '-' && name[i] != '.')
			return 0;
	}
	return 1;
}

/* sts-ext-value: printable ASCII except ";", "=" and space. */
static int
sts_ext_value_valid(const char *value, size_t len)
{
	size_t	i;

	if (len == 0)
		return 0;
	for (i = 0; i < len; i++) {
		if (value[i] < 0x21 || value[i] > 0x7e || value[i] == ';' ||
		    value[i] == '=')
			return 0;
	}
	return 1;
}

/* Lists the characters of id that are not alphanumeric, once each. */
static char *
sts_id_bad_chars(const char *id, size_t len)
{
	char	*bad = xcalloc(1, len + 1);
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)id[i]) &&
		    memchr(bad, id[i], n) == NULL)
			bad[n++] = id[i];
	}
	return bad;
}

static void
sts_txt_field(const char *field, size_t len, struct sts_txt *txt,
    struct findings *fs)
{
	const char	*eq = memchr(field, '=', len);
	size_t		 nlen, vlen;
	char		*bad;

	if (eq == NULL) {
		sts_must(fs, "sts.txt.syntax", RFC_TXT,
		    "field \"%.*s\" has no \"=\"", (int)len, field);
		return;
	}
	nlen = (size_t)(eq - field);
	vlen = len - nlen - 1;

	if (nlen == 2 && memcmp(field, "id", 2) == 0) {
		bad = sts_id_bad_chars(eq + 1, vlen);
		if (vlen == 0)
			sts_must(fs, "sts.txt.id", RFC_TXT,
			    "the id is empty");
		else if (*bad != '\0')
			sts_must(fs, "sts.txt.id", RFC_TXT,
			    "id \"%.*s\" contains \"%s\": only letters and "
			    "digits are allowed (use a UTC timestamp such as "
			    "20261203T101500 or a hex digest cut to 32 "
			    "characters)", (int)vlen, eq + 1, bad);
		else if (vlen > STS_ID_MAX)
			sts_must(fs, "sts.txt.id", RFC_TXT,
			    "id is %zu characters long, at most %d are "
			    "allowed (cut a hex digest to 32 characters or "
			    "use a UTC timestamp)", vlen, STS_ID_MAX);
		else if (txt->id != NULL)
			findings_add_req(fs, SEV_WARN, REQ_ADVICE,
			    "sts.txt.id-repeated", RFC_TXT,
			    "id appears twice; the first is used");
		else
			txt->id = xstrndup(eq + 1, vlen);
		free(bad);
		return;
	}

	if (!sts_ext_name_valid(field, nlen) ||
	    !sts_ext_value_valid(eq + 1, vlen))
		sts_must(fs, "sts.txt.syntax", RFC_TXT,
		    "field \"%.*s\" is not a valid extension field",
		    (int)len, field);
}

int
sts_txt_parse(const char *record, struct sts_txt *txt, struct findings *fs)
{
	const char	*p, *start, *end;
	size_t		 errors = findings_count(fs, SEV_ERROR);

	memset(txt, 0, sizeof *txt);
	if (strncmp(record, "v=STSv1", 7) != 0) {
		sts_must(fs, "sts.txt.version", RFC_TXT,
		    "record does not start with \"v=STSv1\"");
		return -1;
	}

	/* Fields are separated by *WSP ";" *WSP; a final ";" is allowed. */
	p = record + 7;
	for (;;) {
		while (sts_is_wsp(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p != ';') {
			sts_must(fs, "sts.txt.syntax", RFC_TXT,
			    "expected \";\" before \"%.20s\"", p);
			break;
		}
		p++;
		while (sts_is_wsp(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		while (*p != '\0' && *p != ';' && !sts_is_wsp(*p))
			p++;
		end = p;
		sts_txt_field(start, (size_t)(end - start), txt, fs);
	}

	if (txt->id == NULL && findings_count(fs, SEV_ERROR) == errors)
		sts_must(fs, "sts.txt.missing-id", RFC_TXT,
		    "the required id field is missing");
	if (findings_count(fs, SEV_ERROR) > errors || txt->id == NULL) {
		sts_txt_free(txt);
		return -1;
	}
	return 0;
}

/* "v=STSv1" followed by a delimiter, as the selection rule wants. */
static int
sts_txt_is_candidate(const char *record)
{
	return strncmp(record, "v=STSv1", 7) == 0 &&
	    (record[7] == ';' || sts_is_wsp(record[7]) || record[7] == '\0');
}

int
sts_txt_select(char **records, size_t n, struct sts_txt *txt,
    struct findings *fs)
{
	size_t	i, candidates = 0, pick = 0;

	memset(txt, 0, sizeof *txt);
	for (i = 0; i < n; i++) {
		if (sts_txt_is_candidate(records[i])) {
			candidates++;
			pick = i;
		}
	}

	if (candidates == 0) {
		findings_add(fs, SEV_ERROR, "sts.txt.none", RFC_TXT,
		    "no TXT record starting with \"v=STSv1\"");
		return -1;
	}
	if (candidates > 1) {
		sts_must(fs, "sts.txt.multiple", RFC_TXT,
		    "%zu records start with \"v=STSv1\"; senders then "
		    "ignore MTA-STS for the domain, keep exactly one",
		    candidates);
		return -1;
	}
	return sts_txt_parse(records[pick], txt, fs);
}

void
sts_txt_free(struct sts_txt *txt)
{
	free(txt->id);
	memset(txt, 0, sizeof *txt);
}

/*
 * A Domain as RFC 5321 §4.1.2 has it: labels of letters, digits and
 * hyphens, not starting or ending with a hyphen, separated by dots.
 */
static int
sts_domain_valid(const char *d)
{
	size_t	label = 0, total = 0;
	char	prev = '.';

	for (; *d != '\0'; d++, total++) {
		if (*d == '.') {
			if (label == 0 || prev == '-')
				return 0;
			label = 0;
		} else if (isalnum((unsigned char)*d) ||
		    (*d == '-' && label > 0)) {
			if (++label > 63)
				return 0;
		} else
			return 0;
		prev = *d;
	}
	return label > 0 && prev != '-' && total <= 253;
}

int
sts_pattern_valid(const char *pattern)
{
	if (strncmp(pattern, "*.", 2) == 0)
		pattern += 2;
	return sts_domain_valid(pattern);
}

/* Compares two names ignoring case and one trailing dot on either. */
static int
sts_name_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen > 0 && a[alen - 1] == '.')
		alen--;
	if (blen > 0 && b[blen - 1] == '.')
		blen--;
	return alen == blen && strncasecmp(a, b, alen) == 0;
}

int
sts_mx_match(const char *pattern, const char *host)
{
	const char	*dot;

	if (strncmp(pattern, "*.", 2) != 0)
		return sts_name_equal(pattern, strlen(pattern), host,
		    strlen(host));

	/* The wildcard stands for exactly one whole left-most label. */
	if ((dot = strchr(host, '.')) == NULL || dot == host)
		return 0;
	return sts_name_equal(pattern + 2, strlen(pattern + 2), dot + 1,
	    strlen(dot + 1));
}

const char *
sts_policy_covers(const struct sts_policy *policy, const char *host)
{
	size_t	i;

	for (i = 0; i < policy->nmx; i++)
		if (sts_mx_match(policy->mx[i], host))
			return policy->mx[i];
	return NULL;
}

static const char *sts_known_fields[] = { "version", "mode", "mx",
    "max_age" };

/* For an unknown field, the known one the operator probably meant. */
static const char *
sts_field_guess(const char *name)
{
	size_t	i, nlen = strlen(name), klen;

	for (i = 0; i < sizeof sts_known_fields / sizeof *sts_known_fields;
	    i++) {
		klen = strlen(sts_known_fields[i]);
		if (strcasecmp(name, sts_known_fields[i]) == 0)
			return sts_known_fields[i];
		/* One extra or missing character at either end. */
		if (nlen == klen + 1 && (strcmp(name + 1,
		    sts_known_fields[i]) == 0 || strncmp(name,
		    sts_known_fields[i], klen) == 0))
			return sts_known_fields[i];
		if (klen == nlen + 1 && (strcmp(sts_known_fields[i] + 1,
		    name) == 0 || strncmp(sts_known_fields[i], name,
		    nlen) == 0))
			return sts_known_fields[i];
	}
	return NULL;
}

struct sts_line {
	int		 number;
	char		*name;
	char		*value;
};

/*
 * Splits one line into "name" ":" *WSP value *WSP.  Returns -1 when the
 * line does not have that shape.
 */
static int
sts_policy_split(const char *line, size_t len, struct sts_line *out)
{
	const char	*colon = memchr(line, ':', len);
	const char	*v, *end = line + len;

	if (colon == NULL || colon == line)
		return -1;
	v = colon + 1;
	while (v < end && sts_is_wsp(*v))
		v++;
	while (end > v && sts_is_wsp(end[-1]))
		end--;
	out->name = xstrndup(line, (size_t)(colon - line));
	out->value = xstrndup(v, (size_t)(end - v));
	return 0;
}

static void
sts_policy_mode(struct sts_policy *policy, const char *value,
    struct findings *fs)
{
	policy->mode_raw = xstrdup(value);
	if (strcmp(value, "testing") == 0)
		policy->mode = STS_MODE_TESTING;
	else if (strcmp(value, "enforce") == 0)
		policy->mode = STS_MODE_ENFORCE;
	else if (strcmp(value, "none") == 0)
		policy->mode = STS_MODE_NONE;
	else {
		policy->mode = STS_MODE_INVALID;
		sts_must(fs, "sts.policy.mode", RFC_POLICY,
		    "mode \"%s\" is not one of testing, enforce, none "
		    "(values are case-sensitive)", value);
	}
}

static void
sts_policy_max_age(struct sts_policy *policy, const char *value,
    struct findings *fs)
{
	size_t		len = strlen(value);
	long long	n;

	if (len == 0 || len > 10 || strspn(value, "0123456789") != len) {
		sts_must(fs, "sts.policy.max-age", RFC_POLICY,
		    "max_age \"%s\" is not a number of seconds (1 to 10 "
		    "digits)", value);
		return;
	}
	n = strtoll(value, NULL, 10);
	if (n > STS_MAX_AGE_LIMIT) {
		sts_must(fs, "sts.policy.max-age", RFC_POLICY,
		    "max_age %lld is above the maximum of %d (one year)", n,
		    STS_MAX_AGE_LIMIT);
		return;
	}
	policy->max_age = n;
}

static void
sts_policy_mx(struct sts_policy *policy, const char *value,
    struct findings *fs)
{
	char	*pattern = xstrdup(value);
	size_t	 len = strlen(pattern);

	if (len > 1 && pattern[len - 1] == '.') {
		findings_add_req(fs, SEV_WARN, REQ_ADVICE, "sts.policy.mx-dot",
		    RFC_POLICY, "mx \"%s\" ends with a dot, which the "
		    "grammar does not allow; write it without", value);
		pattern[len - 1] = '\0';
	}

	if (!sts_pattern_valid(pattern)) {
		if (pattern[0] == '.' && sts_domain_valid(pattern + 1))
			sts_must(fs, "sts.policy.mx-pattern",
			    RFC_POLICY, "invalid mx pattern \"%s\", did you "
			    "mean \"*%s\"? A leading dot is not a wildcard",
			    value, pattern);
		else
			sts_must(fs, "sts.policy.mx-pattern",
			    RFC_POLICY, "invalid mx pattern \"%s\" (expected "
			    "a host name or \"*.\" and a domain)", value);
		free(pattern);
		return;
	}

	policy->mx = xreallocarray(policy->mx, policy->nmx + 1,
	    sizeof *policy->mx);
	policy->mx[policy->nmx++] = pattern;
}

/* Applies one field; seen[] tracks the fields that may appear once. */
static void
sts_policy_field(struct sts_policy *policy, const struct sts_line *l,
    int seen[3], struct findings *fs)
{
	static const char	*once[] = { "version", "mode", "max_age" };
	const char		*guess;
	size_t			 i;

	for (i = 0; i < 3; i++) {
		if (strcmp(l->name, once[i]) != 0)
			continue;
		if (seen[i]++) {
			findings_add_req(fs, SEV_WARN, REQ_ADVICE,
			    "sts.policy.repeated", RFC_POLICY,
			    "line %d repeats %s; the first value "
			    "is used", l->number, l->name);
			return;
		}
	}

	if (strcmp(l->name, "version") == 0) {
		policy->version = xstrdup(l->value);
		if (strcmp(l->value, "STSv1") != 0)
			sts_must(fs, "sts.policy.version",
			    RFC_POLICY, "version \"%s\" is not STSv1",
			    l->value);
	} else if (strcmp(l->name, "mode") == 0)
		sts_policy_mode(policy, l->value, fs);
	else if (strcmp(l->name, "max_age") == 0)
		sts_policy_max_age(policy, l->value, fs);
	else if (strcmp(l->name, "mx") == 0)
		sts_policy_mx(policy, l->value, fs);
	else if (!sts_ext_name_valid(l->name, strlen(l->name)))
		sts_must(fs, "sts.policy.syntax", RFC_POLICY,
		    "line %d: \"%s\" is not a valid field name", l->number,
		    l->name);
	else if ((guess = sts_field_guess(l->name)) != NULL)
		findings_add(fs, SEV_WARN, "sts.policy.unknown-field",
		    RFC_POLICY, "unknown field \"%s\" ignored; did you mean "
		    "\"%s\"? (field names are case-sensitive)", l->name,
		    guess);
	else
		findings_add(fs, SEV_INFO, "sts.policy.unknown-field",
		    RFC_POLICY, "unknown field \"%s\" ignored", l->name);
}

/* The checks that need the whole policy; first is where ours begin. */
static void
sts_policy_complete(struct sts_policy *policy, struct findings *fs,
    size_t first)
{
	size_t	i;
	int	max_age_reported = 0;

	for (i = first; i < fs->n; i++)
		if (strcmp(fs->v[i].code, "sts.policy.max-age") == 0)
			max_age_reported = 1;

	if (policy->version == NULL)
		sts_must(fs, "sts.policy.version", RFC_POLICY,
		    "the required version field is missing");
	if (policy->mode == STS_MODE_MISSING)
		sts_must(fs, "sts.policy.mode", RFC_POLICY,
		    "the required mode field is missing");
	if (policy->max_age < 0 && !max_age_reported)
		sts_must(fs, "sts.policy.max-age", RFC_POLICY,
		    "the required max_age field is missing");
	if (policy->nmx == 0 && policy->mode != STS_MODE_NONE)
		sts_must(fs, "sts.policy.no-mx", RFC_POLICY,
		    "mode %s requires at least one valid mx field",
		    policy->mode_raw != NULL ? policy->mode_raw : "(missing)");
}

/*
 * What a sender needs to apply the policy.  Other errors (an invalid mx
 * pattern next to valid ones, a malformed extension line) are reported
 * but leave the rest of the policy in force, as senders treat them.
 */
static int
sts_policy_usable(const struct sts_policy *policy)
{
	return policy->version != NULL &&
	    strcmp(policy->version, "STSv1") == 0 &&
	    (policy->mode == STS_MODE_TESTING ||
	    policy->mode == STS_MODE_ENFORCE ||
	    policy->mode == STS_MODE_NONE) &&
	    policy->max_age >= 0 &&
	    (policy->nmx > 0 || policy->mode == STS_MODE_NONE);
}

int
sts_policy_parse(const char *body, size_t len, struct sts_policy *policy,
    struct findings *fs)
{
	const char	*line = body, *end = body + len, *nl;
	struct sts_line	 l;
	size_t		 llen, first = fs->n;
	int		 seen[3] = { 0, 0, 0 }, number = 0;

	memset(policy, 0, sizeof *policy);
	policy->max_age = -1;

	if (memchr(body, '\0', len) != NULL) {
		sts_must(fs, "sts.policy.binary", RFC_POLICY,
		    "the policy contains NUL bytes; it must be plain text");
		return -1;
	}

	/* Lines end in LF or CRLF, and the last terminator is optional. */
	while (line < end) {
		number++;
		nl = memchr(line, '\n', (size_t)(end - line));
		llen = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
		if (llen > 0 && line[llen - 1] == '\r')
			llen--;

		if (llen == 0) {
			if (nl != NULL && nl + 1 < end)
				findings_add_req(fs, SEV_WARN, REQ_ADVICE,
				    "sts.policy.blank", RFC_POLICY,
				    "line %d is empty", number);
		} else if (sts_policy_split(line, llen, &l) != 0) {
			sts_must(fs, "sts.policy.syntax",
			    RFC_POLICY, "line %d is not \"name: value\": "
			    "\"%.*s\"", number, (int)(llen > 40 ? 40 : llen),
			    line);
		} else {
			l.number = number;
			sts_policy_field(policy, &l, seen, fs);
			free(l.name);
			free(l.value);
		}
		line = nl != NULL ? nl + 1 : end;
	}

	sts_policy_complete(policy, fs, first);
	return sts_policy_usable(policy) ? 0 : -1;
}

void
sts_policy_free(struct sts_policy *policy)
{
	size_t	i;

	free(policy->version);
	free(policy->mode_raw);
	for (i = 0; i < policy->nmx; i++)
		free(policy->mx[i]);
	free(policy->mx);
	memset(policy, 0, sizeof *policy);
}

const char *
sts_mode_name(enum sts_mode mode)
{
	switch (mode) {
	case STS_MODE_MISSING:
		return "missing";
	case STS_MODE_NONE:
		return "none";
	case STS_MODE_TESTING:
		return "testing";
	case STS_MODE_ENFORCE:
		return "enforce";
	case STS_MODE_INVALID:
		break;
	}
	return "invalid";
}

void
sts_policy_check_hosts(const struct sts_policy *policy, char **hosts,
    size_t nhosts, struct findings *fs)
{
	size_t	i, j;
	int	used;

	if (policy->mode == STS_MODE_NONE)
		return;

	/* Senders in enforce mode skip an MX that no pattern covers. */
	for (i = 0; i < nhosts; i++) {
		if (sts_policy_covers(policy, hosts[i]) == NULL)
			sts_must(fs, "sts.mx-not-covered", RFC_MATCH,
			    "MX host %s is not covered by any mx line of the "
			    "policy; in enforce mode senders will not deliver "
			    "to it", hosts[i]);
	}

	/* A pattern for no MX is a leftover, or a host someone forgot. */
	for (j = 0; j < policy->nmx && nhosts > 0; j++) {
		used = 0;
		for (i = 0; i < nhosts && !used; i++)
			used = sts_mx_match(policy->mx[j], hosts[i]);
		if (!used)
			findings_add_req(fs, SEV_WARN, REQ_ADVICE,
			    "sts.mx-unused", RFC_MATCH, "mx \"%s\" matches "
			    "none of the MX hosts; remove it unless it is "
			    "for a host you are about to add", policy->mx[j]);
	}
}

/* Labels in a name: "example.com" has 2. */
static size_t
sts_label_count(const char *name)
{
	size_t	n = 1;

	for (; *name != '\0'; name++)
		if (*name == '.')
			n++;
	return n;
}

/* A wildcard lets any host with a certificate in its domain take mail. */
static void
sts_policy_wildcards(const struct sts_policy *policy, const char *domain,
    struct findings *fs)
{
	const char	*suffix;
	size_t		 i;

	for (i = 0; i < policy->nmx; i++) {
		if (strncmp(policy->mx[i], "*.", 2) != 0)
			continue;
		suffix = policy->mx[i] + 2;
		if (sts_label_count(suffix) < 2)
			findings_add_req(fs, SEV_ERROR, REQ_ADVICE,
			    "sts.mx-broad", RFC_MATCH, "mx \"%s\" accepts a "
			    "host in any domain under .%s that has a "
			    "certificate: it protects nothing; list the MX "
			    "hosts", policy->mx[i], suffix);
		else if (domain != NULL && sts_name_equal(suffix,
		    strlen(suffix), domain, strlen(domain)))
			findings_add_req(fs, SEV_INFO, REQ_ADVICE,
			    "sts.mx-broad", RFC_MATCH, "mx \"%s\" accepts "
			    "every host directly under %s that has a "
			    "certificate, web servers included; prefer the "
			    "MX host names or a dedicated mail subdomain",
			    policy->mx[i], domain);
	}
}

void
sts_policy_advise(const struct sts_policy *policy, const char *domain,
    struct findings *fs)
{
	sts_policy_wildcards(policy, domain, fs);

	/* Short caching reopens the downgrade window at every refresh. */
	if (policy->mode == STS_MODE_ENFORCE && policy->max_age >= 0 &&
	    policy->max_age < STS_MAX_AGE_SHORT)
		findings_add_req(fs, SEV_WARN, REQ_ADVICE,
		    "sts.policy.short-max-age", RFC_POLICY, "max_age is %lld "
		    "seconds (%lld days); in enforce mode use weeks (such as "
		    "%d, two weeks) so that senders keep the policy through "
		    "an attack on a refresh", policy->max_age,
		    policy->max_age / 86400, STS_MAX_AGE_ENFORCE);
}
