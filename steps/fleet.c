/*
 * The fleet runner: a fixed pool of threads taking the next domain, and
 * the list file reader.
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "fleet.h"
#include "log.h"
#include "xmalloc.h"

#define FLEET_LINE_MAX	1024

struct fleet_job {
	pthread_mutex_t			 lock;		/* next */
	pthread_mutex_t			 done_lock;	/* done() */
	size_t				 next;
	size_t				 n;
	char *const			*domains;
	const struct step_context	*ctxs;
	const struct probe_opts		*opts;
	fleet_done_fn			 done;
	void				*arg;
};

static void *
fleet_worker(void *p)
{
	struct fleet_job	*job = p;
	struct check		*c;
	size_t			 i;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->n)
			break;

		c = check_run(job->domains[i], job->opts,
		    job->ctxs != NULL ? &job->ctxs[i] : NULL, NULL, NULL);
		pthread_mutex_lock(&job->done_lock);
		job->done(job->arg, i, c);
		pthread_mutex_unlock(&job->done_lock);
	}
	return NULL;
}

void
fleet_run(char *const *domains, size_t n, const struct step_context *ctxs,
    const struct probe_opts *opts, int jobs, fleet_done_fn done, void *arg)
{
	struct fleet_job	 job;
	pthread_t		*threads;
	size_t			 nthreads, i, started = 0;

	if (jobs < 1)
		jobs = 1;
	if (jobs > FLEET_JOBS_MAX)
		jobs = FLEET_JOBS_MAX;
	nthreads = (size_t)jobs < n ? (size_t)jobs : n;
	if (nthreads == 0)
		return;

	memset(&job, 0, sizeof job);
	pthread_mutex_init(&job.lock, NULL);
	pthread_mutex_init(&job.done_lock, NULL);
	job.n = n;
	job.domains = domains;
	job.ctxs = ctxs;
	job.opts = opts;
	job.done = done;
	job.arg = arg;

	threads = xcalloc(nthreads, sizeof *threads);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, fleet_worker, &job) != 0)
			break;
		started++;
	}
	log_debug("fleet: %zu domains on %zu threads", n, started);

	/* No thread at all: do the work here rather than fail. */
	if (started == 0)
		fleet_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	pthread_mutex_destroy(&job.lock);
	pthread_mutex_destroy(&job.done_lock);
}

void
fleet_summary_init(struct fleet_summary *s, const struct check *c)
{
	size_t	i;

	memset(s, 0, sizeof *s);
	s->domain = xstrdup(c->domain);
	s->checked = c->started;
	s->elapsed_ms = c->elapsed_ms;
	s->exit_code = check_exit_code(c);
	for (i = 0; i < STEP_COUNT; i++)
		s->status[i] = c->results[i].status;
}

void
fleet_summary_free(struct fleet_summary *s)
{
	free(s->domain);
	memset(s, 0, sizeof *s);
}

char *
fleet_domain_name(const char *in, const char **why)
{
	return domain_normalise(in, why);
}

/* Sorting indexes by name, to find duplicates in n log n. */
static int
fleet_cmp_index(const void *a, const void *b, void *arg)
{
	char *const	*names = arg;
	size_t		 ia = *(const size_t *)a, ib = *(const size_t *)b;
	int		 c;

	if ((c = strcmp(names[ia], names[ib])) != 0)
		return c;
	return ia < ib ? -1 : ia > ib;
}

/* Drops later copies of a name, keeping the input order. */
static size_t
fleet_dedup(char **names, size_t n)
{
	size_t	*idx, i, kept = 0;
	char	*drop;

	if (n < 2)
		return n;
	idx = xcalloc(n, sizeof *idx);
	drop = xcalloc(n, 1);
	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof *idx, fleet_cmp_index, names);

	/* In a run of equal names the first has the lowest index. */
	for (i = 1; i < n; i++) {
		if (strcmp(names[idx[i]], names[idx[i - 1]]) == 0)
			drop[idx[i]] = 1;
	}
	for (i = 0; i < n; i++) {
		if (drop[i])
			free(names[i]);
		else
			names[kept++] = names[i];
	}
	free(drop);
	free(idx);
	return kept;
}

/* One line: NULL for nothing, else a name or -1 with *cause. */
static int
fleet_parse_line(char *line, const char *path, size_t lineno, char **name,
    char **cause)
{
	const char	*why;
	char		*p, *end;

	*name = NULL;
	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	for (p = line; isspace((unsigned char)*p); p++)
		;
	for (end = p + strlen(p); end > p && isspace((unsigned char)end[-1]);
	    end--)
		;
	*end = '\0';
	if (*p == '\0')
		return 0;
	if ((*name = fleet_domain_name(p, &why)) == NULL) {
		xasprintf(cause, "%s line %zu: %.60s: %s", path, lineno, p,
		    why);
		return -1;
	}
	return 0;
}

int
fleet_read_domains(const char *path, char ***out, size_t *n, char **cause)
{
	FILE	*f;
	int	 rc;

	*out = NULL;
	*n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		return -1;
	}
	rc = fleet_read_stream(f, path, out, n, cause);
	fclose(f);
	return rc;
}

int
fleet_read_stream(FILE *f, const char *path, char ***out, size_t *n,
    char **cause)
{
	char	 line[FLEET_LINE_MAX + 2], **names = NULL, *name;
	size_t	 count = 0, cap = 0, lineno = 0, len;
	int	 ret = -1;

	*out = NULL;
	*n = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > FLEET_LINE_MAX && line[len - 1] != '\n') {
			xasprintf(cause, "%s line %zu: longer than %d "
			    "characters", path, lineno, FLEET_LINE_MAX);
			goto out;
		}
		if (fleet_parse_line(line, path, lineno, &name, cause) != 0)
			goto out;
		if (name == NULL)
			continue;
		if (count >= FLEET_FILE_MAX) {
			free(name);
			xasprintf(cause, "%s: more than %d domains", path,
			    FLEET_FILE_MAX);
			goto out;
		}
		if (count == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			names = xreallocarray(names, cap, sizeof *names);
		}
		names[count++] = name;
	}
	if (ferror(f)) {
		xasprintf(cause, "cannot read %s: %s", path, strerror(errno));
		goto out;
	}
	*n = fleet_dedup(names, count);
	*out = names;
	names = NULL;
	count = 0;
	ret = 0;

out:
	fleet_domains_free(names, count);
	return ret;
}

void
fleet_domains_free(char **names, size_t n)
{
	size_t	i;

	if (names == NULL)
		return;
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}
