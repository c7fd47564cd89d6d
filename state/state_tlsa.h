/*
 * TLSA rollovers and renewal-hook runs in the state (schema 2).
 *
 * A rollover replaces the TLSA record of one key algorithm at one owner
 * name ("_25._tcp.mx.example.net", "ecdsa"): the next record is
 * published beside the current one, the server switches keys once every
 * authoritative server has shown the next record long enough, and the
 * current record goes.  state/ only keeps the plan and its times; what a
 * phase means, and when the next one may start, is steps/rollover.c's.
 * At most one rollover per owner and algorithm is open (not "done" nor
 * "aborted") at a time.
 *
 * Every write is one transaction that also adds an event (kind "tlsa" or
 * "hook") to the domain's log.  Functions return -1 with *cause on error.
 */
#ifndef MXANCHOR_STATE_TLSA_H
#define MXANCHOR_STATE_TLSA_H

#include <stddef.h>
#include <time.h>

struct state;

struct state_rollover {
	long long	 id;
	char		*owner;		/* "_25._tcp.mx.example.net" */
	char		*algorithm;	/* "ecdsa", "rsa" */
	char		*current;	/* "3 1 1 HEX", or "" for none */
	char		*next;		/* "3 1 1 HEX" */
	char		*phase;
	long		 ttl;		/* of the RRset, as served */
	time_t		 created;
	time_t		 published;	/* the update was accepted */
	time_t		 visible;	/* every server first showed next */
	time_t		 switched;	/* the served key was seen as next */
	time_t		 removed;	/* current gone from every server */
	char		*note;		/* the last problem, or NULL */
};

struct state_hook {
	time_t	 at;
	int	 ok;
	char	*message;
};

/* Open rollovers (all of them with all = 1), oldest first. */
int	state_tlsa_rollovers(struct state *, const char *domain, int all,
	    struct state_rollover **out, size_t *n, char **cause);
void	state_tlsa_rollovers_free(struct state_rollover *, size_t);

/*
 * Adds r and sets r->id; adds the domain when it is new.  Fails with
 * "a rollover ... is already under way" when one is open for the owner
 * and algorithm.  event is the log message, at when.
 */
int	state_tlsa_rollover_add(struct state *, const char *domain,
	    struct state_rollover *r, time_t when, const char *event,
	    char **cause);
/* Stores r's phase, ttl, times and note (by id), with an event. */
int	state_tlsa_rollover_save(struct state *, const char *domain,
	    const struct state_rollover *r, time_t when, const char *event,
	    char **cause);

/* Records one hook run (and an event); adds the domain when new. */
int	state_tlsa_hook_add(struct state *, const char *domain, time_t at,
	    int ok, const char *message, char **cause);
/* The latest run: 1 with *out, 0 when there was none. */
int	state_tlsa_hook_last(struct state *, const char *domain,
	    struct state_hook *out, char **cause);
void	state_tlsa_hook_free(struct state_hook *);

#endif
