/*
 * A check running in a thread of its own, so that the screen never waits
 * on the network.
 *
 * worker_start() copies everything the check needs (the domain and the
 * probe options' strings) and starts check_run() in a new thread.  The
 * thread writes a byte to a pipe whenever the progress changes and when the
 * check is done; the event loop polls worker_fd() and then calls
 * worker_update(), which drains the pipe and copies the latest progress.
 *
 * Ownership: the worker is shared by the main thread and its own thread,
 * each holding one reference.  Exactly one of these ends the main thread's
 * part, and the main thread must not touch the worker afterwards:
 *
 * - worker_finish(), once worker_update() returned 1: joins the thread
 *   (which is already done) and hands over the check (caller frees it with
 *   check_free(); it may be NULL if check_run() returned NULL);
 * - worker_abandon(), at any time: the thread is detached and frees the
 *   worker and its check itself when check_run() returns.  It touches
 *   nothing but the worker, so it may outlive the screen and the state.
 *
 * An abandoned thread may still be inside OpenSSL, libcurl or ldns when
 * the operator quits; exit() would then tear those libraries down under
 * it (OpenSSL's atexit handler), so tui_run() ends the process with
 * _exit() instead while worker_running() is not 0.
 *
 * Only the main thread calls these functions.
 */
#ifndef MXANCHOR_WORKER_H
#define MXANCHOR_WORKER_H

#include "check.h"
#include "context.h"
#include "probe.h"

struct worker;

struct worker_progress {
	char		*what;		/* or NULL; caller frees */
	int		 done;
	int		 total;
	long long	 elapsed_ms;
};

struct worker	*worker_start(const char *domain,
		    const struct probe_opts *, const struct step_context *,
		    char **cause);
const char	*worker_domain(const struct worker *);
/* Time since the check started, for a clock that ticks while it waits. */
long long	 worker_elapsed_ms(const struct worker *);
int		 worker_fd(const struct worker *);

/* Fills *p; returns 1 when the check is done, 0 while it runs. */
int		 worker_update(struct worker *, struct worker_progress *p);

struct check	*worker_finish(struct worker *);
void		 worker_abandon(struct worker *);

/* How many check threads are still inside check_run(), abandoned too. */
int		 worker_running(void);

#endif
