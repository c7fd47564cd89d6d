/*
 * The check worker thread and its hand-off to the event loop.
 *
 * The lock guards every field the two threads share: the progress, the
 * result, the abandoned flag and the reference count.  The thread writes
 * to the pipe only while holding the lock and only if the worker was not
 * abandoned; worker_abandon() sets the flag under the same lock before it
 * closes the read end, so a write can never hit a closed pipe.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ssh.h"
#include "worker.h"
#include "xmalloc.h"

struct worker {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	int			 refs;
	int			 fds[2];	/* main reads [0] */

	/* Owned copies of what check_run() needs; read-only once started. */
	char			*domain;
	char			*resolver;
	char			*trust_anchor;
	char			*ca_file;
	struct ssh_target	 ssh;		/* strings owned */
	struct probe_opts	 opts;
	struct step_context	 ctx;
	long long		 started_ms;

	/* Shared, under lock. */
	int			 abandoned;
	int			 done;
	struct check		*check;
	char			*what;
	int			 progress_done;
	int			 progress_total;
};

/* Threads that have not yet left worker_main(), abandoned ones included. */
static atomic_int	worker_threads;

static char *
worker_strdup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

/*
 * The SSH target, copied: an abandoned thread may outlive the screen's
 * copy, and the operator may confirm a host key while a check runs.
 */
static void
worker_copy_ssh(struct ssh_target *to, const struct ssh_target *from)
{
	to->user = worker_strdup(from->user);
	to->host = worker_strdup(from->host);
	to->port = from->port;
	to->key_file = worker_strdup(from->key_file);
	to->known_hosts = worker_strdup(from->known_hosts);
	to->trusted = worker_strdup(from->trusted);
}

static void
worker_free(struct worker *w)
{
	if (w->check != NULL)
		check_free(w->check);
	if (w->fds[0] != -1)
		close(w->fds[0]);
	if (w->fds[1] != -1)
		close(w->fds[1]);
	pthread_mutex_destroy(&w->lock);
	free(w->domain);
	free(w->resolver);
	free(w->trust_anchor);
	free(w->ca_file);
	free((char *)w->ssh.user);
	free((char *)w->ssh.host);
	free((char *)w->ssh.key_file);
	free((char *)w->ssh.known_hosts);
	free((char *)w->ssh.trusted);
	free(w->what);
	free(w);
}

/* Wakes the event loop; called with the lock held. */
static void
worker_notify(struct worker *w)
{
	char	c = 0;

	if (w->abandoned)
		return;
	/* A full pipe already says "look again"; nothing more to do. */
	while (write(w->fds[1], &c, 1) == -1 && errno == EINTR)
		;
}

/* Called by check_run() from the worker or a probe thread. */
static void
worker_progress_cb(void *arg, const char *what, int done, int total)
{
	struct worker	*w = arg;

	pthread_mutex_lock(&w->lock);
	if (!w->abandoned) {
		free(w->what);
		w->what = worker_strdup(what);
		w->progress_done = done;
		w->progress_total = total;
		worker_notify(w);
	}
	pthread_mutex_unlock(&w->lock);
}

static void *
worker_main(void *arg)
{
	struct worker	*w = arg;
	struct check	*check;
	int		 last;

	log_debug("%s: check of %s started", __func__, w->domain);
	check = check_run(w->domain, &w->opts, &w->ctx, worker_progress_cb,
	    w);
	log_debug("%s: check of %s done", __func__, w->domain);

	pthread_mutex_lock(&w->lock);
	w->check = check;
	w->done = 1;
	worker_notify(w);
	last = --w->refs == 0;
	pthread_mutex_unlock(&w->lock);

	/* Abandoned: nobody else will ever look at it. */
	if (last)
		worker_free(w);
	atomic_fetch_sub(&worker_threads, 1);
	return NULL;
}

struct worker *
worker_start(const char *domain, const struct probe_opts *opts,
    const struct step_context *ctx, char **cause)
{
	struct worker	*w;
	sigset_t	 set, old;
	int		 error;

	w = xcalloc(1, sizeof *w);
	w->fds[0] = w->fds[1] = -1;
	pthread_mutex_init(&w->lock, NULL);
	w->refs = 2;
	w->domain = xstrdup(domain);
	w->resolver = worker_strdup(opts->resolver);
	w->trust_anchor = worker_strdup(opts->trust_anchor);
	w->ca_file = worker_strdup(opts->ca_file);
	w->opts = *opts;
	w->opts.resolver = w->resolver;
	w->opts.trust_anchor = w->trust_anchor;
	w->opts.ca_file = w->ca_file;
	if (opts->ssh != NULL) {
		worker_copy_ssh(&w->ssh, opts->ssh);
		w->opts.ssh = &w->ssh;
	}
	w->ctx = *ctx;
	w->started_ms = probe_now_ms();

	if (pipe2(w->fds, O_CLOEXEC|O_NONBLOCK) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		goto fail;
	}

	/* Terminal and termination signals stay with the event loop. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, SIGWINCH);
	sigaddset(&set, SIGTSTP);
	sigaddset(&set, SIGCONT);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	atomic_fetch_add(&worker_threads, 1);
	error = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (error != 0) {
		atomic_fetch_sub(&worker_threads, 1);
		xasprintf(cause, "cannot start a thread: %s", strerror(error));
		goto fail;
	}
	return w;

fail:
	worker_free(w);
	return NULL;
}

int
worker_running(void)
{
	return atomic_load(&worker_threads);
}

long long
worker_elapsed_ms(const struct worker *w)
{
	return probe_now_ms() - w->started_ms;
}

const char *
worker_domain(const struct worker *w)
{
	return w->domain;
}

int
worker_fd(const struct worker *w)
{
	return w->fds[0];
}

int
worker_update(struct worker *w, struct worker_progress *p)
{
	char	buf[64];
	int	done;

	while (read(w->fds[0], buf, sizeof buf) > 0)
		;

	pthread_mutex_lock(&w->lock);
	p->what = worker_strdup(w->what);
	p->done = w->progress_done;
	p->total = w->progress_total;
	done = w->done;
	pthread_mutex_unlock(&w->lock);

	p->elapsed_ms = probe_now_ms() - w->started_ms;
	return done;
}

struct check *
worker_finish(struct worker *w)
{
	struct check	*check;

	/* done is set, so the thread has left check_run() and is exiting. */
	pthread_join(w->thread, NULL);
	check = w->check;
	w->check = NULL;
	worker_free(w);
	return check;
}

void
worker_abandon(struct worker *w)
{
	pthread_t	thread = w->thread;
	int		last;

	log_debug("%s: abandoning the check of %s", __func__, w->domain);

	pthread_mutex_lock(&w->lock);
	w->abandoned = 1;
	close(w->fds[0]);
	w->fds[0] = -1;
	last = --w->refs == 0;
	pthread_mutex_unlock(&w->lock);

	if (last) {
		/* It already finished: reap it here. */
		pthread_join(thread, NULL);
		worker_free(w);
	} else {
		/* From here on w belongs to the thread alone. */
		pthread_detach(thread);
	}
}
