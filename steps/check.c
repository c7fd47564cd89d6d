/*
 * Running a check: observe, then evaluate the steps in order.
 */
#include <pthread.h>
#include <stdlib.h>

#include "check.h"
#include "dns.h"
#include "clock.h"
#include "log.h"
#include "observe.h"
#include "xmalloc.h"

/* Progress arrives from probe threads; count and forward one at a time. */
struct check_progress {
	pthread_mutex_t		 lock;
	int			 done;
	check_progress_fn	 fn;
	void			*arg;
};

static void
check_progress(void *p, const char *what)
{
	struct check_progress	*cp = p;

	pthread_mutex_lock(&cp->lock);
	cp->done++;
	if (cp->fn != NULL)
		cp->fn(cp->arg, what, cp->done, 0);
	pthread_mutex_unlock(&cp->lock);
}

/*
 * Whether the inventory leaves anything to judge.  A domain that does not
 * exist, or whose MX records could not be looked up at all, has no mail
 * hosts; every later step would only judge the parent zone or an empty
 * list, so they are marked as not checked instead.
 */
static int
check_blocked(const struct check *c, struct step_result *r)
{
	const struct dns_answer	*mx = c->obs->mx;

	if (mx != NULL && mx->answered && mx->rcode == LDNS_RCODE_NXDOMAIN) {
		step_result_set(r, STEP_PENDING, "not checked: %s does not "
		    "exist", c->domain);
		return 1;
	}
	if (mx == NULL || !mx->answered) {
		step_result_set(r, STEP_PENDING, "not checked: the resolver "
		    "did not answer");
		return 1;
	}
	return 0;
}

struct check *
check_run(const char *domain, const struct probe_opts *opts,
    const struct step_context *ctx, check_progress_fn fn, void *arg)
{
	struct check_progress	 cp;
	struct observation	*obs;
	struct check		*c;
	long long		 start = probe_now_ms();

	pthread_mutex_init(&cp.lock, NULL);
	cp.done = 0;
	cp.fn = fn;
	cp.arg = arg;
	obs = observe_domain(domain, opts, check_progress, &cp);
	pthread_mutex_destroy(&cp.lock);

	c = check_evaluate(domain, obs, ctx);
	c->elapsed_ms = probe_now_ms() - start;
	return c;
}

struct check *
check_evaluate(const char *domain, struct observation *obs,
    const struct step_context *ctx)
{
	static const struct step_context	 none;
	struct check				*c;
	size_t					 i;

	c = xcalloc(1, sizeof *c);
	c->domain = xstrdup(domain);
	c->started = obs->taken;
	c->obs = obs;

	for (i = 0; i < STEP_COUNT; i++) {
		step_result_init(&c->results[i], (enum step_id)i);
		if (i > STEP_INVENTORY && check_blocked(c, &c->results[i]))
			continue;
		step_table[i]->evaluate(c->obs, ctx != NULL ? ctx : &none,
		    c->results, &c->results[i]);
		log_debug("check %s: %s %s", domain, step_table[i]->name,
		    step_status_name(c->results[i].status));
	}
	return c;
}

void
check_free(struct check *c)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < STEP_COUNT; i++)
		step_result_free(&c->results[i]);
	observation_free(c->obs);
	free(c->domain);
	free(c);
}

int
check_exit_code(const struct check *c)
{
	size_t	i;

	for (i = 0; i < STEP_COUNT; i++)
		if (c->results[i].status == STEP_FAIL)
			return CHECK_FAILED;
	if (c->obs->mx == NULL || !c->obs->mx->answered)
		return CHECK_UNTESTED;
	return CHECK_CLEAN;
}

json_t *
check_to_json(const struct check *c)
{
	json_t	*steps = json_array();
	char	 when[32];
	size_t	 i;

	for (i = 0; i < STEP_COUNT; i++)
		json_array_append_new(steps,
		    step_result_to_json(&c->results[i]));
	clock_format(c->started, when, sizeof when);
	return json_pack("{s:s, s:s, s:I, s:o, s:o}",
	    "domain", c->domain,
	    "checked", when,
	    "ms", (json_int_t)c->elapsed_ms,
	    "steps", steps,
	    "observation", observation_to_json(c->obs));
}
