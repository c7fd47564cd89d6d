/*
 * tui_run(): the terminal, the signals and the event loop.
 *
 * One poll() loop waits on the keyboard, a self-pipe written by the
 * SIGINT/SIGTERM/SIGHUP handler, and the running check's progress pipe.
 * After stdin is readable, getch() (in nodelay mode) is called until it
 * returns ERR; keys go to the current screen, which changes the model and
 * marks regions dirty; the loop draws dirty regions once per iteration.
 *
 * While curses owns the terminal, stderr goes to an unlinked temporary
 * file (OpenSSL, libcurl or ldns may write to it); what they wrote is
 * copied to the real stderr once the terminal is restored.  The terminal
 * is restored on every way out: a normal quit, a termination signal (via
 * the loop), exit() (atexit) and a crash (restored, then the signal is
 * raised again).
 */
#include <curses.h>
#include <errno.h>
#include <fcntl.h>
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app.h"
#include "bars.h"
#include "help.h"
#include "inv.h"
#include "list.h"
#include "log.h"
#include "mailcheck.h"
#include "prompt.h"
#include "theme.h"
#include "timeline.h"
#include "tui.h"
#include "view.h"
#include "xmalloc.h"

#define TUI_TICK_MS		100	/* spinner, while a check runs */
#define TUI_IDLE_MS		1000
#define TUI_STDERR_MAX		65536	/* replayed after endwin */
#define TUI_STATE_BUSY_MS	300	/* wait for another writer */

static volatile sig_atomic_t	 tui_signalled;
static int			 tui_signal_fds[2] = { -1, -1 };
static int			 tui_stderr_saved = -1;
static FILE			*tui_stderr_file;
static SCREEN			*tui_screen;
static int			 tui_active;
static int			 tui_atexit_done;

static const int tui_quit_signals[] = { SIGINT, SIGTERM, SIGHUP };
static struct sigaction tui_quit_old[3];
static const int tui_fatal_signals[] = {
	SIGABRT,
#ifndef __SANITIZE_ADDRESS__
	SIGSEGV, SIGBUS, SIGFPE, SIGILL,
#endif
};
static struct sigaction tui_fatal_old[
    sizeof tui_fatal_signals / sizeof tui_fatal_signals[0]];

/* Leaves curses and gives stderr back; safe to call more than once. */
static void
tui_term_restore(void)
{
	char	buf[4096];
	ssize_t	n;
	off_t	off = 0;

	if (tui_active) {
		tui_active = 0;
		curs_set(1);
		endwin();
	}
	if (tui_stderr_saved != -1) {
		fflush(stderr);
		dup2(tui_stderr_saved, STDERR_FILENO);
		close(tui_stderr_saved);
		tui_stderr_saved = -1;
	}
	if (tui_stderr_file != NULL) {
		while (off < TUI_STDERR_MAX && (n = pread(
		    fileno(tui_stderr_file), buf, sizeof buf, off)) > 0) {
			if (write(STDERR_FILENO, buf, (size_t)n) != n)
				break;
			off += n;
		}
		fclose(tui_stderr_file);
		tui_stderr_file = NULL;
	}
}

static void
tui_signal_quit(int sig)
{
	int	saved = errno;
	char	c = 0;

	tui_signalled = sig;
	if (tui_signal_fds[1] != -1)
		(void)write(tui_signal_fds[1], &c, 1);
	errno = saved;
}

/* A crash: give the terminal back first, then die of the same signal. */
static void
tui_signal_fatal(int sig)
{
	tui_term_restore();
	raise(sig);
}

static void
tui_signals_install(void)
{
	struct sigaction	sa;
	size_t			i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_signal_quit;
	for (i = 0; i < sizeof tui_quit_signals / sizeof *tui_quit_signals;
	    i++)
		sigaction(tui_quit_signals[i], &sa, &tui_quit_old[i]);

	sa.sa_handler = tui_signal_fatal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof tui_fatal_signals / sizeof *tui_fatal_signals;
	    i++)
		sigaction(tui_fatal_signals[i], &sa, &tui_fatal_old[i]);
}

static void
tui_signals_restore(void)
{
	size_t	i;

	for (i = 0; i < sizeof tui_quit_signals / sizeof *tui_quit_signals;
	    i++)
		sigaction(tui_quit_signals[i], &tui_quit_old[i], NULL);
	for (i = 0; i < sizeof tui_fatal_signals / sizeof *tui_fatal_signals;
	    i++)
		sigaction(tui_fatal_signals[i], &tui_fatal_old[i], NULL);
}

/* Takes the terminal: curses, theme, stderr capture, signals. */
static int
tui_term_start(char **cause)
{
	const char	*term, *nocolour;
	int		 utf8, fd;

	if ((term = getenv("TERM")) == NULL || *term == '\0') {
		*cause = xstrdup("TERM is not set");
		return -1;
	}
	if ((tui_screen = newterm(NULL, stdout, stdin)) == NULL) {
		xasprintf(cause, "cannot use terminal type %s", term);
		return -1;
	}
	tui_active = 1;
	if (!tui_atexit_done) {
		atexit(tui_term_restore);
		tui_atexit_done = 1;
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);

	utf8 = strcmp(nl_langinfo(CODESET), "UTF-8") == 0;
	nocolour = getenv("NO_COLOR");
	theme_init(utf8, nocolour == NULL || *nocolour == '\0');
	log_debug("%s: %dx%d, %s, %s", __func__, COLS, LINES,
	    utf8 ? "UTF-8" : "ASCII", theme_colour() ? "colour" : "mono");

	/* Libraries must not scribble over the screen. */
	fflush(stderr);
	if ((tui_stderr_file = tmpfile()) != NULL &&
	    (fd = dup(STDERR_FILENO)) != -1) {
		tui_stderr_saved = fd;
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		dup2(fileno(tui_stderr_file), STDERR_FILENO);
	}

	if (pipe2(tui_signal_fds, O_CLOEXEC|O_NONBLOCK) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	tui_signalled = 0;
	tui_signals_install();
	return 0;
}

static void
tui_term_stop(void)
{
	tui_signals_restore();
	tui_term_restore();
	if (tui_screen != NULL) {
		delscreen(tui_screen);
		tui_screen = NULL;
	}
	if (tui_signal_fds[0] != -1) {
		close(tui_signal_fds[0]);
		close(tui_signal_fds[1]);
		tui_signal_fds[0] = tui_signal_fds[1] = -1;
	}
}

/* Draws what is dirty, once. */
static void
tui_draw(struct app *app)
{
	if (app->dirty == 0)
		return;
	if (app->dirty & APP_DIRTY_CLEAR)
		erase();
	if (app->layout.too_small) {
		bars_too_small(app);
	} else {
		if (app->dirty & APP_DIRTY_HEADER)
			bars_header(app);
		switch (app->screen) {
		case APP_LIST:
			list_draw(app);
			break;
		case APP_DOMAIN:
			view_draw(app);
			break;
		case APP_HELP:
			help_draw(app);
			break;
		case APP_INVENTORY:
			inv_draw(app);
			break;
		case APP_TIMELINE:
			timeline_draw(app);
			break;
		}
		/* Last, so the terminal cursor ends in the input. */
		if (app->prompting)
			prompt_draw(app);
	}
	app->dirty = 0;
	refresh();
}

/* The answer to "remove this domain?": only y removes. */
static int
tui_confirm_remove(struct app *app, int key)
{
	char	*name = app->confirm_remove;

	app->confirm_remove = NULL;
	if (key == 'y' || key == 'Y')
		app_domain_remove(app, name);
	else
		app_message(app, 0, "kept %s", name);
	free(name);
	app->dirty |= APP_DIRTY_BODY|APP_DIRTY_STATUS;
	return APP_KEY_HANDLED;
}

static int
tui_key(struct app *app, int key)
{
	if (key == KEY_RESIZE) {
		app_layout(app, LINES, COLS);
		return APP_KEY_HANDLED;
	}
	if (key == 12) {	/* Ctrl-L */
		clearok(curscr, TRUE);
		app->dirty = APP_DIRTY_ALL;
		return APP_KEY_HANDLED;
	}
	if (app->prompting)
		return prompt_key(app, key);
	if (app->confirm_remove != NULL)
		return tui_confirm_remove(app, key);

	app_message_clear(app);
	if (key == 'q')
		return APP_KEY_QUIT;
	if (app->layout.too_small)
		return APP_KEY_IGNORED;
	if (key == '?' && app->screen != APP_HELP) {
		help_open(app);
		return APP_KEY_HANDLED;
	}
	switch (app->screen) {
	case APP_LIST:
		return list_key(app, key);
	case APP_DOMAIN:
		return view_key(app, key);
	case APP_HELP:
		return help_key(app, key);
	case APP_INVENTORY:
		return inv_key(app, key);
	case APP_TIMELINE:
		return timeline_key(app, key);
	}
	return APP_KEY_IGNORED;
}

/* Returns 0 when the operator quit, the signal number if one stopped it. */
static int
tui_loop(struct app *app)
{
	struct pollfd	pfd[3];
	nfds_t		n;
	char		buf[16];
	const char	*env;
	int		key, timeout, once;

	/* For bench/tui-start.sh: quit once the first screen is drawn. */
	env = getenv("MXANCHOR_EXIT_AFTER_DRAW");
	once = env != NULL && *env != '\0';
	for (;;) {
		app_tick(app);
		tui_draw(app);
		if (once)
			return 0;

		n = 0;
		pfd[n].fd = STDIN_FILENO;
		pfd[n++].events = POLLIN;
		pfd[n].fd = tui_signal_fds[0];
		pfd[n++].events = POLLIN;
		if (app->worker != NULL) {
			pfd[n].fd = worker_fd(app->worker);
			pfd[n++].events = POLLIN;
		}
		timeout = app->worker != NULL || app->check_queued != NULL ?
		    TUI_TICK_MS : TUI_IDLE_MS;
		if (poll(pfd, n, timeout) == -1 && errno != EINTR) {
			app_message(app, 1, "poll: %s", strerror(errno));
			continue;
		}

		if (tui_signalled) {
			log_debug("%s: signal %d", __func__,
			    (int)tui_signalled);
			while (read(tui_signal_fds[0], buf, sizeof buf) > 0)
				;
			return tui_signalled;
		}
		if (n == 3 && pfd[2].revents != 0)
			app_check_poll(app);

		/* All pending keys; KEY_RESIZE arrives here too. */
		while ((key = getch()) != ERR) {
			if (tui_key(app, key) & APP_KEY_QUIT)
				return 0;
		}
		if (pfd[0].revents & (POLLHUP|POLLERR|POLLNVAL)) {
			log_debug("%s: terminal gone", __func__);
			return SIGHUP;
		}
	}
}

/*
 * A check is still running in a detached thread: returning would let
 * main() and exit() clean up OpenSSL, libcurl and ldns while the thread
 * uses them.  The terminal is restored and the state closed, so end the
 * process here, without atexit handlers, the way main() would have.
 */
static void __attribute__((noreturn))
tui_exit_now(void)
{
	log_debug("%s: %d check(s) still running, exiting now", __func__,
	    worker_running());
	fflush(stdout);
	fflush(stderr);
	_exit(0);
}

/*
 * Stopped by SIGINT, SIGTERM or SIGHUP, now that the terminal is restored
 * and the state closed: die of the same signal, so that the shell or the
 * service manager sees what happened.
 */
static void __attribute__((noreturn))
tui_exit_signal(int sig)
{
	log_debug("%s: %s", __func__, strsignal(sig));
	fflush(stdout);
	fflush(stderr);
	signal(sig, SIG_DFL);
	raise(sig);
	_exit(128 + sig);
}

int
tui_run(const struct tui_options *opts, char **cause)
{
	struct tui_options	 o = *opts;
	struct state		*state = NULL;
	struct app		 app;
	char			*path = NULL;
	int			 rc = -1, sig = 0;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		*cause = xstrdup("the wizard needs a terminal on standard "
		    "input and output (use the check command otherwise)");
		return -1;
	}
	setlocale(LC_ALL, "");
	setlocale(LC_NUMERIC, "C");

	if (o.state_path == NULL)
		o.state_path = path = state_default_path();
	if (o.state_path == NULL) {
		*cause = xstrdup("no home directory for the state file; use "
		    "--state");
		return -1;
	}

	/* A locked file must not freeze the screen for long. */
	if (getenv("MXANCHOR_STATE_BUSY_MS") == NULL)
		state_set_busy_timeout(TUI_STATE_BUSY_MS);
	state = state_open(o.state_path, o.read_only ? STATE_READ_ONLY : 0,
	    cause);
	if (state == NULL)
		goto out;

	app_init(&app, &o, state);
	if (tui_term_start(cause) != 0) {
		tui_term_stop();
		app_free(&app);
		goto out;
	}
	app_layout(&app, LINES, COLS);

	/* Straight into a domain, or the list. */
	app_list_load(&app);
	if (o.domain != NULL)
		app_domain_add(&app, o.domain);

	sig = tui_loop(&app);

	tui_term_stop();
	app_flush(&app);
	app_free(&app);
	rc = 0;

out:
	if (state != NULL)
		state_close(state);
	free(path);
	if (sig != 0)
		tui_exit_signal(sig);
	if (worker_running() > 0 || mailcheck_running() > 0)
		tui_exit_now();
	return rc;
}
