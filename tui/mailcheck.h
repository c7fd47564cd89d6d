/*
 * A mailbox check (steps/mailbox.h) in a thread of its own, started from
 * the inventory screen, so that the screen never waits on SMTP servers.
 *
 * mailcheck_start() copies what the check needs and starts the thread;
 * the main thread polls mailcheck_done() (from app_tick) and then takes
 * the result with mailcheck_finish().  mailcheck_abandon() lets a running
 * check finish and free itself; like worker.h, a check still running at
 * quit makes tui_run() end the process with _exit() (mailcheck_running()
 * says so), since exit() would tear OpenSSL down under it.
 */
#ifndef MXANCHOR_MAILCHECK_H
#define MXANCHOR_MAILCHECK_H

#include <stddef.h>

#include "mailbox.h"
#include "probe.h"

struct mailcheck;

/* recovery: the recovery addresses; postmaster and rua are added. */
struct mailcheck *mailcheck_start(const struct probe_opts *,
		    const char *domain, char *const *recovery, size_t n,
		    char **cause);
const char	*mailcheck_domain(const struct mailcheck *);
int		 mailcheck_done(struct mailcheck *);
/* Once done: the checked set (caller frees with mailbox_set_free). */
void		 mailcheck_finish(struct mailcheck *, struct mailbox_set *);
void		 mailcheck_abandon(struct mailcheck *);
int		 mailcheck_running(void);

#endif
