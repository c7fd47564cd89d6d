/*
 * The step table, step results and their JSON form.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "printable.h"
#include "step.h"
#include "xmalloc.h"

extern const struct step step_inventory;
extern const struct step step_dnssec;
extern const struct step step_tlsa;
extern const struct step step_mta;
extern const struct step step_mta_sts;
extern const struct step step_tls_rpt;
extern const struct step step_enforce;

/* In rollout order: each step builds on the ones above it. */
const struct step *const step_table[STEP_COUNT] = {
	&step_inventory,
	&step_dnssec,
	&step_tlsa,
	&step_mta,
	&step_mta_sts,
	&step_tls_rpt,
	&step_enforce,
};

const struct step *
step_by_name(const char *name)
{
	size_t	i;

	for (i = 0; i < STEP_COUNT; i++)
		if (strcmp(step_table[i]->name, name) == 0)
			return step_table[i];
	return NULL;
}

static const char *step_status_names[] = {
	"pending", "pass", "warn", "fail",
};

const char *
step_status_name(enum step_status status)
{
	return step_status_names[status];
}

int
step_status_parse(const char *s, enum step_status *out)
{
	size_t	i;

	for (i = 0; i < sizeof step_status_names / sizeof *step_status_names;
	    i++) {
		if (strcmp(s, step_status_names[i]) == 0) {
			*out = (enum step_status)i;
			return 0;
		}
	}
	return -1;
}

void
step_result_init(struct step_result *r, enum step_id id)
{
	memset(r, 0, sizeof *r);
	r->id = id;
	r->status = STEP_PENDING;
}

void
step_result_free(struct step_result *r)
{
	size_t	i;

	free(r->summary);
	findings_free(&r->findings);
	for (i = 0; i < r->nartifacts; i++) {
		free(r->artifacts[i].name);
		free(r->artifacts[i].kind);
		free(r->artifacts[i].content);
	}
	free(r->artifacts);
	step_result_init(r, r->id);
}

void
step_result_set(struct step_result *r, enum step_status status,
    const char *fmt, ...)
{
	va_list	ap;

	r->status = status;
	free(r->summary);
	va_start(ap, fmt);
	xvasprintf(&r->summary, fmt, ap);
	va_end(ap);
	r->summary = printable_take(r->summary);
}

void
step_result_artifact(struct step_result *r, const char *name,
    const char *kind, const char *content)
{
	struct artifact	*a;

	r->artifacts = xreallocarray(r->artifacts, r->nartifacts + 1,
	    sizeof *r->artifacts);
	a = &r->artifacts[r->nartifacts++];
	a->name = xstrdup(name);
	a->kind = xstrdup(kind);
	a->content = xstrdup(content);
}

json_t *
step_result_to_json(const struct step_result *r)
{
	const struct finding	*f;
	const struct artifact	*a;
	json_t			*findings, *artifacts, *jf;
	size_t			 i;

	findings = json_array();
	for (i = 0; i < r->findings.n; i++) {
		f = &r->findings.v[i];
		jf = json_pack("{s:s, s:s, s:s}",
		    "severity", severity_name(f->severity),
		    "code", f->code,
		    "message", f->message);
		json_object_set_new(jf, "rfc", f->rfc != NULL ?
		    json_string(f->rfc) : json_null());
		if (f->req != REQ_NONE)
			json_object_set_new(jf, "requirement",
			    json_string(requirement_name(f->req)));
		json_array_append_new(findings, jf);
	}

	artifacts = json_array();
	for (i = 0; i < r->nartifacts; i++) {
		a = &r->artifacts[i];
		json_array_append_new(artifacts, json_pack("{s:s, s:s, s:s}",
		    "name", a->name, "kind", a->kind, "content", a->content));
	}

	return json_pack("{s:s, s:s, s:s, s:o, s:o}",
	    "id", step_table[r->id]->name,
	    "status", step_status_name(r->status),
	    "summary", r->summary != NULL ? r->summary : "",
	    "findings", findings,
	    "artifacts", artifacts);
}

static int
step_result_findings_from_json(json_t *arr, struct step_result *r,
    char **cause)
{
	const char		*sev, *code, *message, *req = NULL;
	enum severity		 severity;
	enum requirement	 requirement = REQ_NONE;
	json_t			*jf, *rfc;
	size_t			 i;

	json_array_foreach(arr, i, jf) {
		rfc = NULL;
		req = NULL;
		if (json_unpack(jf, "{s:s, s:s, s:s, s?o, s?s}", "severity",
		    &sev, "code", &code, "message", &message, "rfc", &rfc,
		    "requirement", &req) != 0 ||
		    severity_parse(sev, &severity) != 0 ||
		    (req != NULL && requirement_parse(req, &requirement) != 0) ||
		    (rfc != NULL && !json_is_string(rfc) &&
		    !json_is_null(rfc))) {
			xasprintf(cause, "finding %zu is malformed", i);
			return -1;
		}
		findings_add_req(&r->findings, severity,
		    req != NULL ? requirement : REQ_NONE, code,
		    json_is_string(rfc) ? json_string_value(rfc) : NULL, "%s",
		    message);
	}
	return 0;
}

int
step_result_from_json(json_t *j, struct step_result *r, char **cause)
{
	const char		*id, *status, *summary = "", *name, *kind;
	const char		*content;
	const struct step	*step;
	json_t			*findings = NULL, *artifacts = NULL, *ja;
	size_t			 i;

	if (json_unpack(j, "{s:s, s:s, s?s, s?o, s?o}", "id", &id,
	    "status", &status, "summary", &summary, "findings", &findings,
	    "artifacts", &artifacts) != 0) {
		xasprintf(cause, "step result is malformed");
		return -1;
	}
	if ((step = step_by_name(id)) == NULL) {
		xasprintf(cause, "unknown step \"%s\"", id);
		return -1;
	}

	step_result_init(r, step->id);
	if (step_status_parse(status, &r->status) != 0) {
		xasprintf(cause, "unknown status \"%s\"", status);
		return -1;
	}
	r->summary = xstrdup(summary);

	if ((findings != NULL && !json_is_array(findings)) ||
	    (artifacts != NULL && !json_is_array(artifacts))) {
		xasprintf(cause, "findings and artifacts must be arrays");
		goto fail;
	}
	if (findings != NULL &&
	    step_result_findings_from_json(findings, r, cause) != 0)
		goto fail;
	json_array_foreach(artifacts, i, ja) {
		if (json_unpack(ja, "{s:s, s:s, s:s}", "name", &name,
		    "kind", &kind, "content", &content) != 0) {
			xasprintf(cause, "artifact %zu is malformed", i);
			goto fail;
		}
		step_result_artifact(r, name, kind, content);
	}
	return 0;

fail:
	step_result_free(r);
	return -1;
}
