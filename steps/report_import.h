/*
 * Importing TLS-RPT reports into the state from wherever they arrive:
 * report files (.json, .json.gz, RFC 8460 §5.1 names), folders of them,
 * mail (.eml files, Maildir folders, mbox files; RFC 8460 §5.3) and, fed
 * by probes/imap.c, messages from an IMAP mailbox.
 *
 * What a file is comes from its bytes, not its name: gzip, JSON, an mbox
 * ("From " first) or else a mail message.  A file that is none of these,
 * or a report that does not parse, is counted and described through the
 * problem callback, and the import goes on: one bad attachment never
 * costs the others.  Only a state error stops it.
 *
 * Usage: report_import_init(), any number of report_import_path() or
 * report_import_message(), then report_import_finish() to commit.
 */
#ifndef MXANCHOR_REPORT_IMPORT_H
#define MXANCHOR_REPORT_IMPORT_H

#include <stddef.h>
#include <time.h>

struct state;

typedef void (*report_problem_fn)(void *arg, const char *source,
    const char *why);

struct report_import {
	struct state		*state;
	time_t			 now;
	report_problem_fn	 problem;
	void			*arg;

	size_t			 files;		/* files read */
	size_t			 messages;	/* mail messages read */
	size_t			 reports;	/* reports parsed */
	size_t			 stored;	/* new in the state */
	size_t			 duplicates;	/* already there */
	size_t			 failed;	/* files, parts not usable */
	size_t			 skipped;	/* messages with no report */

	int			 open;		/* a transaction is open */
	int			 broken;	/* a state error: roll back */
	size_t			 pending;	/* reports in it */
};

void	report_import_init(struct report_import *, struct state *,
	    report_problem_fn, void *arg);
/* A file or a folder (recursively).  -1 only on a state error. */
int	report_import_path(struct report_import *, const char *path,
	    char **cause);
/* One mail message from elsewhere (IMAP); source names it. */
int	report_import_message(struct report_import *, const char *source,
	    const char *data, size_t len, char **cause);
/* Commits what is pending (or rolls back after an error). */
int	report_import_finish(struct report_import *, char **cause);

#endif
