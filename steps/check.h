/*
 * A check: observe one domain, then evaluate every step in order.
 *
 * check_run() does blocking network I/O (concurrently inside) and may take
 * up to a few probe timeouts; the TUI calls it from a worker thread and
 * the command line calls it directly.  The progress callback is called
 * from the thread that runs the check (or from probe threads, serialised
 * by a lock) and must not block.
 */
#ifndef MXANCHOR_CHECK_H
#define MXANCHOR_CHECK_H

#include <time.h>

#include <jansson.h>

#include "context.h"
#include "probe.h"
#include "step.h"

struct observation;

struct check {
	char			*domain;
	time_t			 started;	/* clock_now() */
	long long		 elapsed_ms;
	struct observation	*obs;
	struct step_result	 results[STEP_COUNT];
};

typedef void (*check_progress_fn)(void *arg, const char *what, int done,
    int total);

/* ctx may be NULL: a domain with no history. */
struct check	*check_run(const char *domain, const struct probe_opts *,
		    const struct step_context *ctx, check_progress_fn,
		    void *arg);
/*
 * The steps of check_run() on an observation made elsewhere, which the
 * check takes (check_free() frees it): for tests and fuzzing.  started
 * is the observation's time; elapsed_ms is 0.
 */
struct check	*check_evaluate(const char *domain, struct observation *,
		    const struct step_context *ctx);
void		 check_free(struct check *);

/*
 * CHECK_FAILED when a step failed; CHECK_UNTESTED when nothing could be
 * checked because the resolver did not answer (the CLI then exits 2, so
 * that cron does not take silence for success); else CHECK_CLEAN.
 */
#define CHECK_CLEAN	0
#define CHECK_FAILED	1
#define CHECK_UNTESTED	2
int		 check_exit_code(const struct check *);

/* {"domain":..., "checked":..., "steps":[step results]} */
json_t		*check_to_json(const struct check *);

#endif
