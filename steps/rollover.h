/*
 * The TLSA rollover planner: when each action of a key rollover becomes
 * safe (RFC 7671 §8.1).
 *
 * One rollover replaces the record of one key algorithm at one owner:
 *
 *   planned    the next record is known, not yet published
 *   published  the next record is in the zone beside the current one;
 *              "visible" is when every authoritative server first showed
 *              it, and the server may switch to the next key only 2 x TTL
 *              after that, when no resolver can still hold an RRset
 *              without it
 *   switched   the server was seen serving the next key
 *   done       the current record is gone from every server
 *   aborted    given up by the operator
 *
 * The plan and its times live in the state (state_tlsa.h), so a rollover
 * can span days and survive restarts; this file only reads them and says
 * what comes next and when.  Everything here is a pure function of its
 * arguments, with times from the caller (clock_now()).
 */
#ifndef MXANCHOR_ROLLOVER_H
#define MXANCHOR_ROLLOVER_H

#include <time.h>

struct observation;
struct state_rollover;
struct step_context;
struct step_result;

enum rollover_phase {
	ROLL_PLANNED,
	ROLL_PUBLISHED,
	ROLL_SWITCHED,
	ROLL_DONE,
	ROLL_ABORTED,
};

enum rollover_action {
	ROLL_ACT_PUBLISH,	/* add the next record */
	ROLL_ACT_CONFIRM,	/* wait until every server shows it */
	ROLL_ACT_SWITCH,	/* install the next key on the server */
	ROLL_ACT_REMOVE,	/* remove the current record */
	ROLL_ACT_NONE,		/* done or aborted */
};

/*
 * One rollover as plain data, for the step context (no pointers: a
 * worker thread may keep a copy).  Records are "U S M HEX" of a digest.
 */
struct rollover_view {
	char			owner[256];
	char			algorithm[16];
	char			current[160];
	char			next[160];
	enum rollover_phase	phase;
	long			ttl;
	time_t			created;
	time_t			published;
	time_t			visible;
	time_t			switched;
	time_t			removed;
	char			note[256];
};

/* Open rollovers a step context carries; more are not shown. */
#define ROLLOVER_VIEW_MAX	8

const char	*rollover_phase_name(enum rollover_phase);
int		 rollover_phase_parse(const char *, enum rollover_phase *);
const char	*rollover_action_name(enum rollover_action);

/* Copies a state row; -1 when its phase is unknown or a field too long. */
int		 rollover_view_from(const struct state_rollover *,
		     struct rollover_view *);

/*
 * The action that comes next and the earliest time it is safe (0 when
 * at once).  ROLL_ACT_SWITCH before visible is known is not offered:
 * ROLL_ACT_CONFIRM comes first.
 */
enum rollover_action rollover_next(const struct rollover_view *,
		     time_t *earliest);
/* visible + 2 x TTL; 0 while visible is unknown. */
time_t		 rollover_switch_after(const struct rollover_view *);

/* The plan as text, one line per action with its time; caller frees. */
char		*rollover_plan_text(const struct rollover_view *, time_t now);

/* The host of an owner name "_25._tcp.HOST" (into buf), or NULL. */
const char	*rollover_owner_host(const char *owner, char *buf,
		     size_t len);

/* Fills ctx's rollovers and hook run from the state (context.c). */
struct state;
int		 rollover_load(struct state *, const char *domain,
		     struct step_context *, char **cause);

/*
 * The tlsa step's view of rollovers and of the renewal hook: findings and
 * a plan artifact from the context, compared with what the server serves
 * now (a switch before its time is a warning).
 */
void		 rollover_report(const struct observation *,
		     const struct step_context *, time_t now,
		     struct step_result *);

#endif
