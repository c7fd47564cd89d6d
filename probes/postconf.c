/*
 * Parsing postconf output and main.cf, and Postfix's $name expansion
 * (postconf(5), "Postfix configuration files").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "postconf.h"
#include "strbuf.h"
#include "xmalloc.h"

#define POSTCONF_RULE		"postconf(5)"
#define POSTCONF_MAX_DEPTH	20	/* nested $name expansions */
#define POSTCONF_MAX_VALUE	65536	/* expanded length */
#define POSTCONF_MAX_STEPS	1000	/* $name lookups per expansion */
#define POSTCONF_MAX_ENTRIES	5000	/* settings, services, overrides */
#define POSTCONF_CHECK_BUDGET	100000	/* lookups for postconf_check() */

const char postconf_default_names[] =
    "smtpd_tls_security_level smtpd_use_tls smtpd_enforce_tls "
    "smtpd_tls_protocols smtpd_tls_mandatory_protocols smtpd_tls_ciphers "
    "smtpd_tls_mandatory_ciphers smtpd_tls_chain_files "
    "smtpd_tls_cert_file smtpd_tls_key_file smtpd_tls_eccert_file "
    "smtpd_tls_eckey_file smtpd_tls_dcert_file smtpd_tls_dkey_file "
    "smtp_tls_security_level smtp_use_tls smtp_enforce_tls "
    "smtp_dns_support_level smtp_tls_policy_maps smtp_host_lookup "
    "config_directory data_directory queue_directory myhostname "
    "mail_version";

/*
 * Postfix 3.7's defaults for the names above (postconf -d), used when the
 * host's own are not known: offline lint of saved postconf -n output.
 */
static const struct postconf_param postconf_builtin[] = {
	{ "smtpd_tls_security_level", "" },
	{ "smtpd_use_tls", "no" },
	{ "smtpd_enforce_tls", "no" },
	{ "smtpd_tls_protocols", ">=TLSv1" },
	{ "smtpd_tls_mandatory_protocols", ">=TLSv1" },
	{ "smtpd_tls_ciphers", "medium" },
	{ "smtpd_tls_mandatory_ciphers", "medium" },
	{ "smtpd_tls_chain_files", "" },
	{ "smtpd_tls_cert_file", "" },
	{ "smtpd_tls_key_file", "$smtpd_tls_cert_file" },
	{ "smtpd_tls_eccert_file", "" },
	{ "smtpd_tls_eckey_file", "$smtpd_tls_eccert_file" },
	{ "smtpd_tls_dcert_file", "" },
	{ "smtpd_tls_dkey_file", "$smtpd_tls_dcert_file" },
	{ "smtp_tls_security_level", "" },
	{ "smtp_use_tls", "no" },
	{ "smtp_enforce_tls", "no" },
	{ "smtp_dns_support_level", "" },
	{ "smtp_tls_policy_maps", "" },
	{ "smtp_host_lookup", "dns" },
	{ "config_directory", "/etc/postfix" },
	{ "data_directory", "/var/lib/postfix" },
	{ "queue_directory", "/var/spool/postfix" },
};

void
postconf_init(struct postconf *pc)
{
	memset(pc, 0, sizeof *pc);
}

static void
postconf_params_free(struct postconf_param *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

void
postconf_free(struct postconf *pc)
{
	size_t	i;

	postconf_params_free(pc->main, pc->nmain);
	postconf_params_free(pc->defaults, pc->ndefaults);
	for (i = 0; i < pc->noverrides; i++) {
		free(pc->overrides[i].service);
		free(pc->overrides[i].name);
		free(pc->overrides[i].value);
	}
	free(pc->overrides);
	for (i = 0; i < pc->nservices; i++) {
		free(pc->services[i].key);
		free(pc->services[i].name);
		free(pc->services[i].type);
		free(pc->services[i].command);
	}
	free(pc->services);
	findings_free(&pc->findings);
	postconf_init(pc);
}

/*
 * Calls fn for each logical line: a line starting with white space
 * continues the one before; empty lines and lines whose first non-blank
 * is '#' are skipped (postconf(5)).  The joined line has one space where
 * the break was.  lineno is where the logical line starts.
 */
static void
postconf_logical_lines(const char *text, size_t len,
    void (*fn)(struct postconf *, const char *, size_t), struct postconf *pc)
{
	struct strbuf	 cur = { NULL, 0, 0 };
	const char	*line = text, *end, *nl, *p;
	size_t		 llen, lineno = 0, start = 0;

	if (len > POSTCONF_MAX_INPUT) {
		findings_add(&pc->findings, SEV_ERROR, "postconf.too-large",
		    NULL, "the configuration is larger than %d bytes; "
		    "only the start was read", POSTCONF_MAX_INPUT);
		len = POSTCONF_MAX_INPUT;
	}
	end = text + len;
	for (; line < end; line += llen + 1) {
		lineno++;
		nl = memchr(line, '\n', (size_t)(end - line));
		llen = nl != NULL ? (size_t)(nl - line) : (size_t)(end - line);
		for (p = line; p < line + llen && isspace((unsigned char)*p);
		    p++)
			continue;
		if (p == line + llen || *p == '#')
			continue;
		if (p == line && cur.len > 0) {
			fn(pc, cur.s, start);
			cur.len = 0;
			cur.s[0] = '\0';
		}
		if (p == line)
			start = lineno;
		else if (cur.len == 0) {
			findings_add(&pc->findings, SEV_WARN,
			    "postconf.orphan-continuation", POSTCONF_RULE,
			    "line %zu starts with white space but continues "
			    "nothing; Postfix ignores it", lineno);
			continue;
		} else
			strbuf_add(&cur, " ", 1);
		strbuf_add(&cur, p, (size_t)(line + llen - p));
		while (cur.len > 0 &&
		    isspace((unsigned char)cur.s[cur.len - 1]))
			cur.s[--cur.len] = '\0';
	}
	if (cur.len > 0)
		fn(pc, cur.s, start);
	strbuf_free(&cur);
}

static int
postconf_name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* "name = value" into *name and *value; -1 when the line is not that. */
static int
postconf_split(const char *line, const char *namechars, char **name,
    char **value)
{
	const char	*eq = strchr(line, '='), *n_end, *v;
	size_t		 i;

	if (eq == NULL || eq == line)
		return -1;
	for (n_end = eq; n_end > line && isspace((unsigned char)n_end[-1]);
	    n_end--)
		continue;
	for (i = 0; line + i < n_end; i++)
		if (!postconf_name_char((unsigned char)line[i]) &&
		    strchr(namechars, line[i]) == NULL)
			return -1;
	if (n_end == line)
		return -1;
	for (v = eq + 1; isspace((unsigned char)*v); v++)
		continue;
	*name = xstrndup(line, (size_t)(n_end - line));
	*value = xstrdup(v);
	return 0;
}

/*
 * Lookups are linear, so hostile input is capped: real configurations
 * have a few hundred settings.  Returns 0 when one more is refused.
 */
static int
postconf_room(struct postconf *pc, size_t n, const char *what)
{
	if (n < POSTCONF_MAX_ENTRIES)
		return 1;
	if (n == POSTCONF_MAX_ENTRIES && findings_find(&pc->findings,
	    "postconf.too-many") == NULL)
		findings_add(&pc->findings, SEV_ERROR, "postconf.too-many",
		    NULL, "more than %d %s; the rest were not read",
		    POSTCONF_MAX_ENTRIES, what);
	return 0;
}

/* Later settings of a name replace earlier ones, as in Postfix. */
static void
postconf_set(struct postconf_param **v, size_t *n, char *name, char *value,
    struct findings *fs, size_t lineno)
{
	size_t	i;

	for (i = 0; i < *n; i++) {
		if (strcmp((*v)[i].name, name) != 0)
			continue;
		if (fs != NULL)
			findings_add(fs, SEV_WARN, "postconf.duplicate",
			    POSTCONF_RULE, "%s is set twice (again on line "
			    "%zu); the later value wins", name, lineno);
		free((*v)[i].value);
		(*v)[i].value = value;
		free(name);
		return;
	}
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[*n].name = name;
	(*v)[*n].value = value;
	(*n)++;
}

static int
postconf_param_cmp(const void *a, const void *b)
{
	const struct postconf_param	*x = a, *y = b;

	return strcmp(x->name, y->name);
}

static int
postconf_override_cmp(const void *a, const void *b)
{
	const struct postconf_override	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->service, y->service)) != 0)
		return c;
	return strcmp(x->name, y->name);
}

/*
 * After each parse the tables are sorted, so that lookups (many per
 * check, and a hostile configuration can make them very many) are
 * binary searches.  Names are unique: a later setting replaced the
 * earlier one as it was read.
 */
static void
postconf_sort(struct postconf *pc)
{
	if (pc->nmain > 1)
		qsort(pc->main, pc->nmain, sizeof *pc->main,
		    postconf_param_cmp);
	if (pc->ndefaults > 1)
		qsort(pc->defaults, pc->ndefaults, sizeof *pc->defaults,
		    postconf_param_cmp);
	if (pc->noverrides > 1)
		qsort(pc->overrides, pc->noverrides, sizeof *pc->overrides,
		    postconf_override_cmp);
}

static void
postconf_main_line(struct postconf *pc, const char *line, size_t lineno)
{
	char	*name, *value;

	if (postconf_split(line, "", &name, &value) != 0) {
		findings_add(&pc->findings, SEV_WARN, "postconf.syntax",
		    POSTCONF_RULE, "line %zu is not \"name = value\": "
		    "\"%.60s\"", lineno, line);
		return;
	}
	if (!postconf_room(pc, pc->nmain, "settings")) {
		free(name);
		free(value);
		return;
	}
	postconf_set(&pc->main, &pc->nmain, name, value, &pc->findings,
	    lineno);
}

void
postconf_parse_main(struct postconf *pc, const char *text, size_t len)
{
	postconf_logical_lines(text, len, postconf_main_line, pc);
	postconf_sort(pc);
}

static void
postconf_default_line(struct postconf *pc, const char *line, size_t lineno)
{
	char	*name, *value;

	if (postconf_split(line, "", &name, &value) != 0)
		return;
	if (!postconf_room(pc, pc->ndefaults, "defaults")) {
		free(name);
		free(value);
		return;
	}
	postconf_set(&pc->defaults, &pc->ndefaults, name, value, NULL,
	    lineno);
}

void
postconf_parse_defaults(struct postconf *pc, const char *text, size_t len)
{
	postconf_logical_lines(text, len, postconf_default_line, pc);
	postconf_sort(pc);
	pc->have_defaults = 1;
}

/* "name type private unpriv chroot wakeup maxproc command args..." */
static void
postconf_service_line(struct postconf *pc, const char *line, size_t lineno)
{
	struct postconf_service	*s;
	char			*copy, *save, *f[8];
	size_t			 n = 0;

	if (!postconf_room(pc, pc->nservices, "master.cf services"))
		return;
	copy = xstrdup(line);
	for (f[n] = strtok_r(copy, " \t", &save); f[n] != NULL && n < 7;
	    f[n] = strtok_r(NULL, " \t", &save))
		n++;
	if (n < 7 || f[7] == NULL) {
		findings_add(&pc->findings, SEV_WARN, "postconf.syntax",
		    POSTCONF_RULE, "master.cf line %zu has fewer than 8 "
		    "fields: \"%.60s\"", lineno, line);
		free(copy);
		return;
	}
	pc->services = xreallocarray(pc->services, pc->nservices + 1,
	    sizeof *pc->services);
	s = &pc->services[pc->nservices++];
	s->key = xprintf("%s/%s", f[0], f[1]);
	s->name = xstrdup(f[0]);
	s->type = xstrdup(f[1]);
	s->command = xstrdup(f[7]);
	free(copy);
}

void
postconf_parse_services(struct postconf *pc, const char *text, size_t len)
{
	postconf_logical_lines(text, len, postconf_service_line, pc);
	pc->have_master = 1;
}

/* "service/type/name = value" */
static void
postconf_override_line(struct postconf *pc, const char *line, size_t lineno)
{
	struct postconf_override	*o;
	char				*key, *value, *slash;
	size_t				 i;

	if (!postconf_room(pc, pc->noverrides, "master.cf overrides"))
		return;
	if (postconf_split(line, "/:.[]-", &key, &value) != 0)
		goto bad;
	if ((slash = strrchr(key, '/')) == NULL || slash == key ||
	    strchr(key, '/') == slash) {
		free(key);
		free(value);
		goto bad;
	}
	*slash = '\0';
	for (i = 0; i < pc->noverrides; i++) {
		o = &pc->overrides[i];
		if (strcmp(o->service, key) == 0 &&
		    strcmp(o->name, slash + 1) == 0) {
			free(o->value);
			o->value = value;
			free(key);
			return;
		}
	}
	pc->overrides = xreallocarray(pc->overrides, pc->noverrides + 1,
	    sizeof *pc->overrides);
	o = &pc->overrides[pc->noverrides++];
	o->service = xstrdup(key);
	o->name = xstrdup(slash + 1);
	o->value = value;
	free(key);
	return;

bad:
	findings_add(&pc->findings, SEV_WARN, "postconf.syntax",
	    POSTCONF_RULE, "line %zu is not \"service/type/name = value\": "
	    "\"%.60s\"", lineno, line);
}

void
postconf_parse_overrides(struct postconf *pc, const char *text, size_t len)
{
	postconf_logical_lines(text, len, postconf_override_line, pc);
	postconf_sort(pc);
	pc->have_master = 1;
}

/* In a sorted table (bsearch), or the small built-in one (linear). */
static const char *
postconf_find(const struct postconf_param *v, size_t n, const char *name,
    int sorted)
{
	struct postconf_param	 key = { (char *)name, NULL }, *hit;
	size_t			 i;

	if (n == 0)
		return NULL;
	if (sorted) {
		hit = bsearch(&key, v, n, sizeof *v, postconf_param_cmp);
		return hit != NULL ? hit->value : NULL;
	}
	for (i = 0; i < n; i++)
		if (strcmp(v[i].name, name) == 0)
			return v[i].value;
	return NULL;
}

static const char *
postconf_override(const struct postconf *pc, const char *service,
    const char *name)
{
	struct postconf_override	key, *hit;

	if (service == NULL || pc->noverrides == 0)
		return NULL;
	key.service = (char *)service;
	key.name = (char *)name;
	hit = bsearch(&key, pc->overrides, pc->noverrides,
	    sizeof *pc->overrides, postconf_override_cmp);
	return hit != NULL ? hit->value : NULL;
}

const char *
postconf_raw(const struct postconf *pc, const char *service,
    const char *name)
{
	const char	*v;

	if ((v = postconf_override(pc, service, name)) != NULL ||
	    (v = postconf_find(pc->main, pc->nmain, name, 1)) != NULL ||
	    (v = postconf_find(pc->defaults, pc->ndefaults, name, 1)) != NULL)
		return v;
	if (pc->have_defaults)
		return NULL;
	return postconf_find(postconf_builtin, sizeof postconf_builtin /
	    sizeof *postconf_builtin, name, 0);
}

int
postconf_is_set(const struct postconf *pc, const char *service,
    const char *name)
{
	return postconf_override(pc, service, name) != NULL ||
	    postconf_find(pc->main, pc->nmain, name, 1) != NULL;
}

struct postconf_expansion {
	const struct postconf	*pc;
	const char		*service;
	int			 depth;
	int			 steps;
	int			 looped;	/* went too far; cut there */
};

static void	postconf_expand_into(struct postconf_expansion *,
		    const char *, struct strbuf *);

static void
postconf_expand_name(struct postconf_expansion *x, const char *name,
    struct strbuf *out)
{
	const char	*raw = postconf_raw(x->pc, x->service, name);

	if (raw == NULL)
		return;
	/* Too deep is a loop; too many is "$a$a$a..." nested to blow up. */
	if (x->depth >= POSTCONF_MAX_DEPTH ||
	    ++x->steps > POSTCONF_MAX_STEPS) {
		x->looped = 1;
		return;
	}
	x->depth++;
	postconf_expand_into(x, raw, out);
	x->depth--;
}

/*
 * "${name?value}", "${name:value}" and their "{value}" forms: value
 * (expanded) when name is non-empty, or empty, respectively.
 */
static void
postconf_expand_cond(struct postconf_expansion *x, const char *name,
    char op, const char *arg, size_t alen, struct strbuf *out)
{
	struct strbuf	 val = { NULL, 0, 0 };
	char		*text;
	int		 nonempty;

	postconf_expand_name(x, name, &val);
	nonempty = val.len > 0;
	strbuf_free(&val);
	if ((op == '?') != nonempty)
		return;
	if (alen >= 2 && arg[0] == '{' && arg[alen - 1] == '}') {
		arg++;
		alen -= 2;
	}
	text = xstrndup(arg, alen);
	if (x->depth < POSTCONF_MAX_DEPTH) {
		x->depth++;
		postconf_expand_into(x, text, out);
		x->depth--;
	} else
		x->looped = 1;
	free(text);
}

/* The end of a braced "${...}" at p (after "${"), NULL if unbalanced. */
static const char *
postconf_brace_end(const char *p, char close)
{
	char	open = close == '}' ? '{' : '(';
	int	level = 1;

	for (; *p != '\0'; p++) {
		if (*p == open)
			level++;
		else if (*p == close && --level == 0)
			return p;
	}
	return NULL;
}

static void
postconf_expand_into(struct postconf_expansion *x, const char *text,
    struct strbuf *out)
{
	const char	*p = text, *start, *end, *op;
	char		*name, close;

	while (*p != '\0' && out->len < POSTCONF_MAX_VALUE) {
		if (*p != '$') {
			strbuf_add(out, p++, 1);
			continue;
		}
		p++;
		if (postconf_name_char((unsigned char)*p)) {
			for (start = p; postconf_name_char((unsigned char)*p);
			    p++)
				continue;
			name = xstrndup(start, (size_t)(p - start));
			postconf_expand_name(x, name, out);
			free(name);
			continue;
		}
		if ((*p != '{' && *p != '(') ||
		    (end = postconf_brace_end(p + 1,
		    (close = *p == '{' ? '}' : ')'))) == NULL) {
			strbuf_add(out, "$", 1);
			continue;
		}
		start = p + 1;
		for (op = start; postconf_name_char((unsigned char)*op); op++)
			continue;
		name = xstrndup(start, (size_t)(op - start));
		if (op == end)
			postconf_expand_name(x, name, out);
		else if (*op == '?' || *op == ':')
			postconf_expand_cond(x, name, *op, op + 1,
			    (size_t)(end - op - 1), out);
		else
			strbuf_add(out, p - 1, (size_t)(end + 1 - (p - 1)));
		free(name);
		p = end + 1;
	}
}

char *
postconf_expand(const struct postconf *pc, const char *service,
    const char *text)
{
	struct postconf_expansion	x = { pc, service, 0, 0, 0 };
	struct strbuf			out = { NULL, 0, 0 };

	postconf_expand_into(&x, text, &out);
	return strbuf_take(&out);
}

/*
 * Expansions that never end are cut (POSTCONF_MAX_DEPTH, _STEPS): report
 * them.  The whole check has a budget too, for hostile input.
 */
void
postconf_check(struct postconf *pc)
{
	struct postconf_expansion	x;
	struct strbuf			out = { NULL, 0, 0 };
	size_t				i;
	long				budget = POSTCONF_CHECK_BUDGET;

	for (i = 0; i < pc->nmain; i++) {
		if (budget <= 0) {
			findings_add(&pc->findings, SEV_WARN,
			    "postconf.too-complex", NULL, "the configuration "
			    "has too many $name references to check them "
			    "all; %zu settings were not checked for loops",
			    pc->nmain - i);
			break;
		}
		memset(&x, 0, sizeof x);
		x.pc = pc;
		postconf_expand_into(&x, pc->main[i].value, &out);
		budget -= x.steps + 1;
		out.len = 0;
		if (x.looped)
			findings_add(&pc->findings, SEV_ERROR, "postconf.loop",
			    POSTCONF_RULE, "%s never finishes expanding "
			    "(more than %d levels or %d lookups of $name): "
			    "does it refer to itself?", pc->main[i].name,
			    POSTCONF_MAX_DEPTH, POSTCONF_MAX_STEPS);
	}
	strbuf_free(&out);
}

char *
postconf_value(const struct postconf *pc, const char *service,
    const char *name)
{
	const char	*raw = postconf_raw(pc, service, name);

	return postconf_expand(pc, service, raw != NULL ? raw : "");
}

char **
postconf_list(const char *value, size_t *n)
{
	char	*copy = xstrdup(value), *save, *w, **v = NULL;

	*n = 0;
	for (w = strtok_r(copy, ", \t\r\n", &save); w != NULL;
	    w = strtok_r(NULL, ", \t\r\n", &save)) {
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = xstrdup(w);
	}
	free(copy);
	return v;
}

void
postconf_list_free(char **v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
postconf_runs_smtpd(const struct postconf_service *s)
{
	return strcmp(s->type, "inet") == 0 &&
	    (strcmp(s->command, "smtpd") == 0 ||
	    strcmp(s->command, "postscreen") == 0);
}

/* "smtp" or "25", after an optional "ADDR:" or "[ADDR]:". */
static int
postconf_port25(const char *name, const char **host, size_t *hlen)
{
	const char	*colon = strrchr(name, ':'), *port;

	*host = NULL;
	*hlen = 0;
	port = colon != NULL ? colon + 1 : name;
	if (strcmp(port, "smtp") != 0 && strcmp(port, "25") != 0)
		return 0;
	if (colon != NULL) {
		*host = name;
		*hlen = (size_t)(colon - name);
		if (*hlen >= 2 && name[0] == '[' && name[*hlen - 1] == ']') {
			(*host)++;
			*hlen -= 2;
		}
	}
	return 1;
}

const char **
postconf_smtpd_services(const struct postconf *pc, size_t *n)
{
	const char	**v = NULL, *host;
	size_t		  i, hlen;

	*n = 0;
	for (i = 0; i < pc->nservices; i++) {
		if (!postconf_runs_smtpd(&pc->services[i]) ||
		    !postconf_port25(pc->services[i].name, &host, &hlen))
			continue;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = pc->services[i].key;
	}
	return v;
}

const char *
postconf_service_for(const struct postconf *pc, const char *addr)
{
	const struct postconf_service	*s;
	const char			*host, *any = NULL;
	size_t				 i, hlen;

	for (i = 0; i < pc->nservices; i++) {
		s = &pc->services[i];
		if (!postconf_runs_smtpd(s) ||
		    !postconf_port25(s->name, &host, &hlen))
			continue;
		if (host == NULL) {
			if (any == NULL)
				any = s->key;
		} else if (hlen == strlen(addr) &&
		    strncmp(host, addr, hlen) == 0)
			return s->key;
	}
	return any;
}
