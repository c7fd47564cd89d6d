/*
 * A minimal fork-join pool: each worker takes the next index until none
 * are left.  Threads are created per call; checks run for seconds, so
 * thread start-up (tens of microseconds) does not matter.
 */
#include <pthread.h>
#include <stdlib.h>

#include "parallel.h"
#include "xmalloc.h"

struct parallel_job {
	pthread_mutex_t	  lock;
	size_t		  next;
	size_t		  n;
	void		(*fn)(void *, size_t);
	void		 *arg;
};

static void *
parallel_worker(void *p)
{
	struct parallel_job	*job = p;
	size_t			 i;

	for (;;) {
		pthread_mutex_lock(&job->lock);
		i = job->next++;
		pthread_mutex_unlock(&job->lock);
		if (i >= job->n)
			break;
		job->fn(job->arg, i);
	}
	return NULL;
}

void
parallel_for(size_t n, void (*fn)(void *, size_t), void *arg)
{
	struct parallel_job	 job;
	pthread_t		*threads;
	size_t			 nthreads, i, started = 0;

	if (n == 0)
		return;
	if (n == 1) {
		fn(arg, 0);
		return;
	}

	pthread_mutex_init(&job.lock, NULL);
	job.next = 0;
	job.n = n;
	job.fn = fn;
	job.arg = arg;

	nthreads = n < PARALLEL_MAX_THREADS ? n : PARALLEL_MAX_THREADS;
	threads = xcalloc(nthreads, sizeof *threads);
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&threads[i], NULL, parallel_worker,
		    &job) != 0)
			break;
		started++;
	}

	/* If no thread could start, do the work here rather than fail. */
	if (started == 0)
		parallel_worker(&job);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);

	free(threads);
	pthread_mutex_destroy(&job.lock);
}
