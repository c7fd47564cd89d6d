/*
 * What the screens share: the wizard's model, and the actions that change
 * it.
 *
 * The event loop (tui.c) owns one struct app.  Screens (list.c, view.c,
 * help.c, prompt.c) read it in their *_draw() functions and change it only
 * through their *_key() functions and the app_*() actions below; neither
 * ever draws outside *_draw().  A change marks regions dirty and the loop
 * draws each dirty region once per iteration.
 *
 * Key handlers return a mask of APP_KEY_* bits; the loop acts on them.
 */
#ifndef MXANCHOR_APP_H
#define MXANCHOR_APP_H

#include <stddef.h>
#include <time.h>

#include "next.h"
#include "state.h"
#include "step.h"
#include "sts_history.h"
#include "tui.h"
#include "worker.h"

enum app_screen {
	APP_LIST,
	APP_DOMAIN,
	APP_HELP,
	APP_INVENTORY,
	APP_TIMELINE,
};

struct inv_screen;
struct mailcheck;
struct timeline_screen;

/* Returned by key handlers. */
#define APP_KEY_HANDLED		0x1
#define APP_KEY_IGNORED		0x2
#define APP_KEY_QUIT		0x4

/* What the prompt asks for. */

/* Regions to draw again. */
#define APP_DIRTY_HEADER	0x1
#define APP_DIRTY_BODY		0x2	/* list, steps column, help */
#define APP_DIRTY_DETAIL	0x4	/* the selected step's detail */
#define APP_DIRTY_STATUS	0x8	/* status line and key hints */
#define APP_DIRTY_CLEAR		0x10	/* erase everything first */
#define APP_DIRTY_ALL		0x1f

/* Below this the screens are not drawn. */
#define APP_MIN_COLS		60
#define APP_MIN_LINES		15

struct app_layout {
	int	lines;
	int	cols;
	int	too_small;
	int	body_y;		/* first line under the header */
	int	body_h;
	int	left_w;		/* steps column of the domain view */
	int	detail_x;
	int	detail_w;
	int	status_y;	/* message or progress */
	int	keys_y;		/* key hints */
};

/* The open domain, as stored and then as last checked. */
struct app_domain {
	char			*name;
	time_t			 checked;
	int			 have[STEP_COUNT];	/* result known */
	time_t			 step_checked[STEP_COUNT];
	struct step_result	 results[STEP_COUNT];
};

/*
 * A finished check on its way to the state.  When the file is locked by
 * another mxanchor it waits here and is tried again every few seconds; a
 * newer check replaces it.
 */
struct app_record {
	char			*domain;
	time_t			 when;
	struct state_step	 steps[STEP_COUNT];	/* results owned */
	char			*observation;
	struct sts_seen		 sts;		/* the MTA-STS policy seen */
	char			*hostkey_type;	/* confirmed key, to record */
	char			*hostkey;
	long long		 retry_ms;
};

struct app {
	const struct tui_options *opts;
	struct state		*state;
	int			 read_only;
	enum app_screen		 screen;
	enum app_screen		 help_back;	/* help goes back */
	int			 dirty;
	struct app_layout	 layout;
	unsigned int		 frame;		/* spinner frame */

	/* The domain list, most urgent first (dash.h). */
	struct state_domain	*domains;
	struct next_action	*next;		/* by row */
	size_t			 ndomains;
	size_t			 list_sel;
	size_t			 list_top;

	/* The domain view. */
	struct app_domain	*dom;		/* NULL: none open */
	size_t			 step;
	int			 focus_detail;
	int			 detail_top;	/* first line shown */
	int			 detail_max;	/* last page's top */
	int			 help_top;
	int			 help_max;

	/* The running check, if any, and what it last said. */
	struct worker		*worker;
	struct worker_progress	 progress;
	char			*check_queued;	/* waits for a slot */
	struct app_record	*record;	/* not stored yet */

	/* A step cursor the state refused (locked), to store again. */
	char			*cursor_domain;
	size_t			 cursor_step;
	long long		 cursor_retry_ms;

	/* One message in the status line until the next key. */
	char			*message;
	int			 message_error;

	/*
	 * --ssh: the host key the last check could not verify, and the
	 * one the operator confirmed here (T), tried by later checks and
	 * recorded once a session has worked with it.
	 */
	char			*hostkey_unknown;
	char			*hostkey_unknown_type;
	char			*hostkey_trusted;
	char			 hostkey_label[128];

	/* A domain waiting for y to be removed, or NULL. */
	char			*confirm_remove;

	/* The one-line input prompt (adding a domain, an override). */
	int			 prompting;
	char			 input[256];
	size_t			 input_len;

	/* What else a prompt asks (prompt_ask()); NULL: a domain to add. */
	const char		*prompt_label;
	void			(*prompt_done)(struct app *, const char *);

	/* The inventory and timeline screens of the open domain. */
	struct inv_screen	*inv;
	struct timeline_screen	*timeline;
	struct mailcheck	*mailcheck;	/* running, or NULL */
};

void	app_init(struct app *, const struct tui_options *, struct state *);
void	app_free(struct app *);
void	app_layout(struct app *, int lines, int cols);

void	app_message(struct app *, int error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	app_message_clear(struct app *);

/* Reads the domain list from the state, keeping the selection by name. */
void	app_list_load(struct app *);
/* Removes a domain and its history from the state (after a y). */
void	app_domain_remove(struct app *, const char *);
/* Adds (unless read-only) and opens a domain; 0, or -1 with a message. */
int	app_domain_add(struct app *, const char *name);
/* Shows the stored results at once, then starts a check. */
void	app_domain_open(struct app *, const char *name);
void	app_domain_close(struct app *);
/* Moves the step cursor and stores it (unless read-only). */
void	app_step_select(struct app *, size_t);

/*
 * Records the operator's override of the open domain's enforce gate with
 * a reason (unless read-only), then checks again.
 */
void	app_override(struct app *, const char *reason);

/*
 * Asks the operator to confirm the SSH host key the last check could not
 * verify; on "yes" later checks accept it.  -1 when there is none.
 */
int	app_hostkey_ask(struct app *);

/* Whether a check of domain (NULL: of any domain) is running. */
int	app_check_running(const struct app *, const char *domain);
/* Starts a check of domain, dropping one of another domain. */
void	app_check_start(struct app *, const char *domain);
/* Called when the worker's pipe is readable or the spinner is due. */
void	app_check_poll(struct app *);
/* Spinner frames and retries of a record; once per loop iteration. */
void	app_tick(struct app *);
/* Last try to store a waiting check and cursor; 0 when all is stored. */
int	app_flush(struct app *);

#endif
