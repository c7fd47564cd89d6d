/*
 * The rollout wizard: an ncurses front end over steps/ and state/.
 *
 * tui_run() owns the terminal until the operator quits.  Checks run in a
 * worker thread (check_run() from steps/check.h); the event loop polls the
 * keyboard and a pipe the worker writes progress to, so the screen never
 * waits on the network.  Every finished check is stored with
 * state_record_check(), and moving between steps stores the cursor, so
 * opening a domain again lands where the operator left off.
 */
#ifndef MXANCHOR_TUI_H
#define MXANCHOR_TUI_H

#include "probe.h"

struct tui_options {
	const char		*state_path;
	const char		*domain;	/* open first; NULL: list */
	struct probe_opts	 probe;
	int			 read_only;
};

/*
 * Returns 0 when the operator quit, -1 with *cause on a fatal error.
 *
 * Two ways out do not return, once the terminal is restored and the
 * state closed: SIGINT, SIGTERM or SIGHUP end the process with that same
 * signal; and quitting while a check still runs ends it with _exit(0),
 * since exit() would tear OpenSSL, libcurl and ldns down under the check's
 * thread (there is no way to cancel check_run()).
 */
int	tui_run(const struct tui_options *, char **cause);

#endif
