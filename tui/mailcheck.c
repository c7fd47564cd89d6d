/*
 * The mailbox check thread.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "mailcheck.h"
#include "xmalloc.h"

struct mailcheck {
	pthread_mutex_t		 lock;
	int			 done;
	int			 abandoned;
	char			*domain;
	char			*resolver;
	char			*trust_anchor;
	char			*ca_file;
	struct probe_opts	 opts;
	struct mailbox_set	 set;
};

static pthread_mutex_t	mailcheck_count_lock = PTHREAD_MUTEX_INITIALIZER;
static int		mailcheck_count;

static void
mailcheck_free(struct mailcheck *m)
{
	mailbox_set_free(&m->set);
	pthread_mutex_destroy(&m->lock);
	free(m->domain);
	free(m->resolver);
	free(m->trust_anchor);
	free(m->ca_file);
	free(m);
}

static void *
mailcheck_thread(void *p)
{
	struct mailcheck	*m = p;
	int			 abandoned;

	mailbox_set_add_domain(&m->set, &m->opts, m->domain);
	mailbox_check_all(&m->opts, m->set.v, m->set.n);

	pthread_mutex_lock(&m->lock);
	m->done = 1;
	abandoned = m->abandoned;
	pthread_mutex_unlock(&m->lock);
	if (abandoned)
		mailcheck_free(m);
	pthread_mutex_lock(&mailcheck_count_lock);
	mailcheck_count--;
	pthread_mutex_unlock(&mailcheck_count_lock);
	return NULL;
}

static char *
mailcheck_dup(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

struct mailcheck *
mailcheck_start(const struct probe_opts *opts, const char *domain,
    char *const *recovery, size_t n, char **cause)
{
	struct mailcheck	*m;
	pthread_attr_t		 attr;
	pthread_t		 thread;
	size_t			 i;
	int			 rc;

	m = xcalloc(1, sizeof *m);
	pthread_mutex_init(&m->lock, NULL);
	m->domain = xstrdup(domain);
	m->opts = *opts;
	m->opts.resolver = m->resolver = mailcheck_dup(opts->resolver);
	m->opts.trust_anchor = m->trust_anchor =
	    mailcheck_dup(opts->trust_anchor);
	m->opts.ca_file = m->ca_file = mailcheck_dup(opts->ca_file);
	for (i = 0; i < n; i++)
		mailbox_set_add(&m->set, recovery[i], "recovery");

	pthread_mutex_lock(&mailcheck_count_lock);
	mailcheck_count++;
	pthread_mutex_unlock(&mailcheck_count_lock);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&thread, &attr, mailcheck_thread, m);
	pthread_attr_destroy(&attr);
	if (rc != 0) {
		pthread_mutex_lock(&mailcheck_count_lock);
		mailcheck_count--;
		pthread_mutex_unlock(&mailcheck_count_lock);
		xasprintf(cause, "cannot start a thread: %s", strerror(rc));
		mailcheck_free(m);
		return NULL;
	}
	return m;
}

const char *
mailcheck_domain(const struct mailcheck *m)
{
	return m->domain;
}

int
mailcheck_done(struct mailcheck *m)
{
	int	done;

	pthread_mutex_lock(&m->lock);
	done = m->done;
	pthread_mutex_unlock(&m->lock);
	return done;
}

void
mailcheck_finish(struct mailcheck *m, struct mailbox_set *out)
{
	*out = m->set;
	memset(&m->set, 0, sizeof m->set);
	mailcheck_free(m);
}

void
mailcheck_abandon(struct mailcheck *m)
{
	int	done;

	pthread_mutex_lock(&m->lock);
	m->abandoned = 1;
	done = m->done;
	pthread_mutex_unlock(&m->lock);
	if (done)
		mailcheck_free(m);
}

int
mailcheck_running(void)
{
	int	n;

	pthread_mutex_lock(&mailcheck_count_lock);
	n = mailcheck_count;
	pthread_mutex_unlock(&mailcheck_count_lock);
	return n;
}
