/*
 * Checking many domains at once: the monitoring run behind
 * "check --all" and "check --domains FILE".
 *
 * fleet_run() runs check_run() for every domain on a fixed number of
 * threads (jobs) and hands each finished check to done(), one call at a
 * time, in the order the checks finish (not the input order: a slow
 * domain must not hold the results of the others in memory).  done()
 * owns the check and frees it; it may write to the state, since the calls
 * never overlap.  Each check also runs its own probes concurrently
 * (common/parallel.h), so jobs need not be large to keep the network busy.
 */
#ifndef MXANCHOR_FLEET_H
#define MXANCHOR_FLEET_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "check.h"
#include "context.h"
#include "probe.h"
#include "step.h"

#define FLEET_JOBS_DEFAULT	8
#define FLEET_JOBS_MAX		256

typedef void (*fleet_done_fn)(void *arg, size_t index, struct check *);

/* ctxs may be NULL (no history) or hold n contexts, by index. */
void	fleet_run(char *const *domains, size_t n,
	    const struct step_context *ctxs, const struct probe_opts *,
	    int jobs, fleet_done_fn done, void *arg);

/* What monitoring keeps of one check once the check itself is freed. */
struct fleet_summary {
	char			*domain;
	time_t			 checked;
	long long		 elapsed_ms;
	int			 exit_code;	/* CHECK_CLEAN, _FAILED, ... */
	enum step_status	 status[STEP_COUNT];
};

void	fleet_summary_init(struct fleet_summary *, const struct check *);
void	fleet_summary_free(struct fleet_summary *);

/*
 * The domains of a list file: one per line; blank lines and text after
 * '#' are ignored; names are lower-cased, a final dot dropped, and
 * duplicates removed (first kept).  -1 with *cause naming the line of a
 * malformed name, or when the file cannot be read or has more than
 * FLEET_FILE_MAX names.
 */
#define FLEET_FILE_MAX		1000000
int	fleet_read_domains(const char *path, char ***out, size_t *n,
	    char **cause);
/* The same, from an open stream; path names it in messages. */
int	fleet_read_stream(FILE *, const char *path, char ***out, size_t *n,
	    char **cause);
/* Lower-cased, without the final dot; NULL (and *why) when malformed. */
char	*fleet_domain_name(const char *, const char **why);
void	fleet_domains_free(char **, size_t);

#endif
