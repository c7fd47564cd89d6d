/*
 * Growable lists of findings.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "finding.h"
#include "printable.h"
#include "xmalloc.h"

static void
findings_push(struct findings *fs, enum severity sev, enum requirement req,
    const char *code, const char *rfc, char *message)
{
	struct finding	*f;

	if (fs->n == fs->cap) {
		fs->cap = fs->cap == 0 ? 8 : fs->cap * 2;
		fs->v = xreallocarray(fs->v, fs->cap, sizeof *fs->v);
	}
	f = &fs->v[fs->n++];
	f->severity = sev;
	f->req = req;
	f->code = xstrdup(code);
	f->rfc = rfc != NULL ? xstrdup(rfc) : NULL;
	/*
	 * Messages quote servers: no stray bytes into JSON or a terminal,
	 * and not a whole 64 KB record.
	 */
	f->message = printable_cut(printable_take(message),
	    FINDING_MESSAGE_MAX);
}

void
findings_add(struct findings *fs, enum severity sev, const char *code,
    const char *rfc, const char *fmt, ...)
{
	va_list	 ap;
	char	*message;

	va_start(ap, fmt);
	xvasprintf(&message, fmt, ap);
	va_end(ap);
	findings_push(fs, sev, REQ_NONE, code, rfc, message);
}

void
findings_add_req(struct findings *fs, enum severity sev, enum requirement req,
    const char *code, const char *rfc, const char *fmt, ...)
{
	va_list	 ap;
	char	*message;

	va_start(ap, fmt);
	xvasprintf(&message, fmt, ap);
	va_end(ap);
	findings_push(fs, sev, req, code, rfc, message);
}

void
findings_append(struct findings *to, const struct findings *from)
{
	const struct finding	*f;
	size_t			 i;

	for (i = 0; i < from->n; i++) {
		f = &from->v[i];
		findings_push(to, f->severity, f->req, f->code, f->rfc,
		    xstrdup(f->message));
	}
}

size_t
findings_count(const struct findings *fs, enum severity sev)
{
	size_t	i, n = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].severity == sev)
			n++;
	return n;
}

const struct finding *
findings_find(const struct findings *fs, const char *code)
{
	size_t	i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].code, code) == 0)
			return &fs->v[i];
	return NULL;
}

void
findings_free(struct findings *fs)
{
	size_t	i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].code);
		free(fs->v[i].message);
		free(fs->v[i].rfc);
	}
	free(fs->v);
	memset(fs, 0, sizeof *fs);
}

static const char *severity_names[] = { "info", "warn", "error" };

const char *
severity_name(enum severity sev)
{
	return severity_names[sev];
}

int
severity_parse(const char *s, enum severity *out)
{
	size_t	i;

	for (i = 0; i < sizeof severity_names / sizeof *severity_names; i++) {
		if (strcmp(s, severity_names[i]) == 0) {
			*out = (enum severity)i;
			return 0;
		}
	}
	return -1;
}

static const char *requirement_names[] = { NULL, "MUST", "SHOULD", "advice" };

const char *
requirement_name(enum requirement req)
{
	return requirement_names[req];
}

int
requirement_parse(const char *s, enum requirement *out)
{
	size_t	i;

	for (i = 1; i < sizeof requirement_names / sizeof *requirement_names;
	    i++) {
		if (strcmp(s, requirement_names[i]) == 0) {
			*out = (enum requirement)i;
			return 0;
		}
	}
	return -1;
}
