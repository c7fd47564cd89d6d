/*
 * Recording the MTA-STS policies a domain publishes, and reading the
 * history back into the step context.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "context.h"
#include "observe.h"
#include "state_sts.h"
#include "sts.h"
#include "sts_history.h"
#include "xmalloc.h"

/* The TXT id, when the record set holds exactly one valid record. */
static int
sts_seen_id(const struct observation *o, struct sts_seen *seen)
{
	struct findings	  ignored = { NULL, 0, 0 };
	struct sts_txt	  txt;
	char		**records;
	size_t		  n;
	int		  rc;

	if (o->sts_txt == NULL || !o->sts_txt->answered)
		return -1;
	records = dns_answer_txt(o->sts_txt, &n);
	rc = sts_txt_select(records, n, &txt, &ignored);
	if (rc == 0)
		snprintf(seen->id, sizeof seen->id, "%s", txt.id);
	sts_txt_free(&txt);
	dns_strv_free(records, n);
	findings_free(&ignored);
	return rc;
}

static void
sts_seen_hash(const char *body, size_t len, char hex[65])
{
	unsigned char	md[EVP_MAX_MD_SIZE];
	unsigned int	mdlen = 0, i;

	EVP_Digest(body, len, md, &mdlen, EVP_sha256(), NULL);
	for (i = 0; i < mdlen && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * i] = '\0';
}

int
sts_seen_from(const struct observation *o, struct sts_seen *seen)
{
	const struct https_result	*p = &o->sts_policy;
	struct findings			 ignored = { NULL, 0, 0 };
	struct sts_policy		 policy;
	int				 rc;

	memset(seen, 0, sizeof *seen);
	if (sts_seen_id(o, seen) != 0 || !o->sts_fetched ||
	    !p->transferred || p->too_large || p->status != 200) {
		memset(seen, 0, sizeof *seen);
		return -1;
	}
	rc = sts_policy_parse(p->body, p->len, &policy, &ignored);
	if (rc == 0) {
		snprintf(seen->mode, sizeof seen->mode, "%s",
		    sts_mode_name(policy.mode));
		seen->max_age = policy.max_age;
		sts_seen_hash(p->body, p->len, seen->hash);
	}
	sts_policy_free(&policy);
	findings_free(&ignored);
	if (rc != 0)
		memset(seen, 0, sizeof *seen);
	return rc;
}

int
sts_history_record(struct state *st, const char *domain, time_t when,
    const struct sts_seen *seen, char **cause)
{
	struct state_sts_policy	p;

	if (seen->id[0] == '\0')
		return 0;
	memset(&p, 0, sizeof p);
	p.txt_id = (char *)seen->id;
	p.sha256 = (char *)seen->hash;
	p.mode = (char *)seen->mode;
	p.max_age = seen->max_age;
	return state_sts_seen(st, domain, when, &p, cause);
}

/*
 * The start of the latest run of policies in mode (the list ends with the
 * policy seen last): testing since when, or none since when.
 */
static time_t
sts_history_run_start(const struct state_sts_policy *v, size_t n,
    const char *mode)
{
	time_t	since = 0;
	size_t	i;

	for (i = n; i > 0 && strcmp(v[i - 1].mode, mode) == 0; i--) {
		if (since == 0 || v[i - 1].first_seen < since)
			since = v[i - 1].first_seen;
	}
	return since;
}

static void
sts_history_fill(const struct state_sts_policy *v, size_t n,
    struct step_context *ctx)
{
	const struct state_sts_policy	*last;
	size_t				 i;

	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		if (strcmp(v[i].mode, "none") == 0)
			continue;
		if (v[i].max_age > ctx->max_age_served)
			ctx->max_age_served = v[i].max_age;
		if (v[i].last_seen > ctx->served_until)
			ctx->served_until = v[i].last_seen;
	}

	last = &v[n - 1];
	ctx->sts_known = 1;
	snprintf(ctx->sts_id, sizeof ctx->sts_id, "%s", last->txt_id);
	snprintf(ctx->sts_hash, sizeof ctx->sts_hash, "%s", last->sha256);
	snprintf(ctx->sts_mode, sizeof ctx->sts_mode, "%s", last->mode);
	ctx->sts_last_seen = last->last_seen;
	if (strcmp(last->mode, "testing") == 0)
		ctx->testing_since = sts_history_run_start(v, n, "testing");
	if (strcmp(last->mode, "none") == 0)
		ctx->none_since = sts_history_run_start(v, n, "none");
}

int
sts_history_load(struct state *st, const char *domain,
    struct step_context *ctx, char **cause)
{
	struct state_sts_policy	*v;
	size_t			 n;

	if (state_sts_list(st, domain, &v, &n, cause) != 0)
		return -1;
	sts_history_fill(v, n, ctx);
	state_sts_list_free(v, n);
	return 0;
}
