/*
 * The report importer: files and folders in, rows in the state out.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "gzip.h"
#include "report_import.h"
#include "state_reports.h"
#include "strbuf.h"
#include "tlsrpt_mail.h"
#include "tlsrpt_report.h"
#include "xmalloc.h"

#define REPORT_BATCH		1000	/* reports per transaction */
#define REPORT_DEPTH_MAX	16	/* folder nesting */

void
report_import_init(struct report_import *ri, struct state *st,
    report_problem_fn problem, void *arg)
{
	memset(ri, 0, sizeof *ri);
	ri->state = st;
	ri->now = clock_now();
	ri->problem = problem;
	ri->arg = arg;
}

static void __attribute__((format(printf, 3, 4)))
report_problem(struct report_import *ri, const char *source,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*why;

	ri->failed++;
	if (ri->problem == NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&why, fmt, ap);
	va_end(ap);
	ri->problem(ri->arg, source, why);
	free(why);
}

/* The policy as the state takes it: borrowed strings, mx joined. */
static void
report_policy_convert(const struct tlsrpt_policy *p,
    struct state_report_policy *sp, struct state_report_failure *sf,
    char **mx)
{
	struct strbuf	b = { NULL, 0, 0 };
	size_t		i;

	for (i = 0; i < p->nmx; i++)
		strbuf_printf(&b, "%s%s", i > 0 ? ", " : "", p->mx[i]);
	*mx = p->nmx > 0 ? strbuf_take(&b) : NULL;

	memset(sp, 0, sizeof *sp);
	sp->type = p->type;
	sp->domain = p->domain;
	sp->mx_patterns = *mx;
	sp->successful = p->successful;
	sp->failed = p->failed;
	sp->failures = sf;
	sp->nfailures = p->nfailures;
	for (i = 0; i < p->nfailures; i++) {
		sf[i].result_type = p->failures[i].result_type;
		sf[i].sending_ip = p->failures[i].sending_ip;
		sf[i].receiving_mx = p->failures[i].receiving_mx;
		sf[i].receiving_helo = p->failures[i].receiving_helo;
		sf[i].receiving_ip = p->failures[i].receiving_ip;
		sf[i].reason_code = p->failures[i].reason_code;
		sf[i].info = p->failures[i].info;
		sf[i].sessions = p->failures[i].sessions;
	}
}

/* One parsed report into the open batch. */
static int
report_store(struct report_import *ri, const char *source,
    const struct tlsrpt_report *r, char **cause)
{
	struct state_report		 sr;
	struct state_report_policy	*sp;
	struct state_report_failure	**sf;
	char				**mx;
	size_t				  i;
	int				  rc = -1;

	if (!ri->open) {
		if (state_reports_begin(ri->state, cause) != 0)
			return -1;
		ri->open = 1;
	}

	sp = xcalloc(r->npolicies + 1, sizeof *sp);
	sf = xcalloc(r->npolicies + 1, sizeof *sf);
	mx = xcalloc(r->npolicies + 1, sizeof *mx);
	for (i = 0; i < r->npolicies; i++) {
		sf[i] = xcalloc(r->policies[i].nfailures + 1, sizeof **sf);
		report_policy_convert(&r->policies[i], &sp[i], sf[i], &mx[i]);
	}
	memset(&sr, 0, sizeof sr);
	sr.organization = r->organization;
	sr.report_id = r->report_id;
	sr.contact = r->contact;
	sr.source = source;
	sr.begin = r->begin;
	sr.end = r->end;
	sr.policies = sp;
	sr.npolicies = r->npolicies;

	switch (state_reports_add(ri->state, &sr, ri->now, cause)) {
	case 1:
		ri->stored++;
		break;
	case 0:
		ri->duplicates++;
		break;
	default:
		ri->broken = 1;
		goto out;
	}
	ri->reports++;
	rc = 0;
	if (++ri->pending >= REPORT_BATCH) {
		ri->pending = 0;
		ri->open = 0;
		rc = state_reports_end(ri->state, 1, cause);
	}

out:
	for (i = 0; i < r->npolicies; i++) {
		free(sf[i]);
		free(mx[i]);
	}
	free(sf);
	free(mx);
	free(sp);
	return rc;
}

/*
 * A report's bytes, gzipped or not.  Bad bytes are a problem of the
 * source, not an error; -1 only from the state.
 */
static int
report_bytes(struct report_import *ri, const char *source, const char *data,
    size_t len, const char *fallback_domain, char **cause)
{
	struct tlsrpt_report	 r;
	char			*json = NULL, *why = NULL;
	size_t			 jlen = len;
	int			 rc = 0;

	if (gzip_is(data, len)) {
		if (gzip_inflate(data, len, TLSRPT_REPORT_MAX, &json, &jlen,
		    &why) != 0) {
			report_problem(ri, source, "%s", why);
			free(why);
			return 0;
		}
		data = json;
	}
	if (tlsrpt_report_parse(data, jlen, fallback_domain, &r, &why) != 0) {
		report_problem(ri, source, "not a TLS-RPT report: %s", why);
		free(why);
	} else {
		rc = report_store(ri, source, &r, cause);
		tlsrpt_report_free(&r);
	}
	free(json);
	return rc;
}

/* The policy domain a report of this message is for, if it says. */
static char *
report_mail_domain(const struct tlsrpt_mail *m, const struct tlsrpt_part *p)
{
	if (m->report_domain != NULL)
		return xstrdup(m->report_domain);
	if (p->filename != NULL)
		return tlsrpt_filename_domain(p->filename);
	return NULL;
}

/* The report parts of one parsed message. */
static int
report_mail(struct report_import *ri, const char *source,
    const struct tlsrpt_mail *m, char **cause)
{
	const struct tlsrpt_part	*p;
	char				*domain, *where;
	size_t				 i;
	int				 rc = 0;

	/* Mailboxes hold other mail too: skipped, not a problem. */
	ri->messages++;
	if (m->unreadable) {
		report_problem(ri, source, "not a mail message; the messages "
		    "after it are still read");
		return 0;
	}
	if (m->nparts == 0) {
		ri->skipped++;
		return 0;
	}
	for (i = 0; i < m->nparts && rc == 0; i++) {
		p = &m->parts[i];
		domain = report_mail_domain(m, p);
		where = p->filename != NULL ? xprintf("%s: %s", source,
		    p->filename) : xstrdup(source);
		rc = report_bytes(ri, where, p->data, p->len, domain, cause);
		free(where);
		free(domain);
	}
	return rc;
}

int
report_import_message(struct report_import *ri, const char *source,
    const char *data, size_t len, char **cause)
{
	struct tlsrpt_mail	 m;
	char			*why = NULL;
	int			 rc;

	if (tlsrpt_mail_parse(data, len, &m, &why) != 0) {
		report_problem(ri, source, "%s", why);
		free(why);
		return 0;
	}
	rc = report_mail(ri, source, &m, cause);
	tlsrpt_mail_free(&m);
	return rc;
}

struct report_mbox {
	struct report_import	*ri;
	const char		*source;
	char			*cause;
	int			 rc;
};

static int
report_mbox_message(void *arg, struct tlsrpt_mail *m)
{
	struct report_mbox	*mb = arg;
	char			*where;

	where = xprintf("%s: message %zu", mb->source, mb->ri->messages + 1);
	mb->rc = report_mail(mb->ri, where, m, &mb->cause);
	free(where);
	return mb->rc;
}

static int
report_mbox(struct report_import *ri, const char *path, int fd,
    char **cause)
{
	struct report_mbox	 mb = { ri, path, NULL, 0 };
	char			*why = NULL;

	if (lseek(fd, 0, SEEK_SET) != 0 ||
	    tlsrpt_mail_mbox(fd, report_mbox_message, &mb, &why) < 0) {
		report_problem(ri, path, "%s", why != NULL ? why :
		    strerror(errno));
		free(why);
	}
	if (mb.rc != 0)
		*cause = mb.cause;
	return mb.rc;
}

/* Reads a whole file of at most max bytes; NULL with *why. */
static char *
report_slurp(int fd, size_t max, size_t *len, char **why)
{
	char	*buf = NULL;
	size_t	 cap = 0;
	ssize_t	 n;

	*len = 0;
	for (;;) {
		if (*len == cap) {
			if (cap > max) {
				*why = xprintf("larger than %zu bytes", max);
				free(buf);
				return NULL;
			}
			cap = cap == 0 ? 65536 : cap * 2;
			buf = xreallocarray(buf, cap + 1, 1);
		}
		if ((n = read(fd, buf + *len, cap - *len)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			*why = xstrdup(strerror(errno));
			free(buf);
			return NULL;
		}
		*len += (size_t)n;
	}
	buf[*len] = '\0';
	return buf;
}

/* An mbox file starts with a "From " line. */
static int
report_is_mbox(int fd)
{
	char	head[5];

	return pread(fd, head, sizeof head, 0) == (ssize_t)sizeof head &&
	    memcmp(head, "From ", 5) == 0;
}

/* First bytes say what a file is. */
static int
report_file(struct report_import *ri, const char *path, char **cause)
{
	char	*data, *why = NULL, *domain;
	size_t	 len, skip;
	int	 fd, rc = 0;

	if ((fd = open(path, O_RDONLY|O_CLOEXEC)) == -1) {
		report_problem(ri, path, "%s", strerror(errno));
		return 0;
	}
	ri->files++;
	data = report_slurp(fd, TLSRPT_MAIL_MAX, &len, &why);
	if (data == NULL && report_is_mbox(fd)) {
		/* Only an mbox may be that big: stream it. */
		free(why);
		rc = report_mbox(ri, path, fd, cause);
		close(fd);
		return rc;
	}
	if (data == NULL) {
		report_problem(ri, path, "%s", why);
		free(why);
		close(fd);
		return 0;
	}

	for (skip = 0; skip < len && isspace((unsigned char)data[skip]);
	    skip++)
		/* nothing */;
	if (gzip_is(data, len) || (skip < len && data[skip] == '{')) {
		domain = tlsrpt_filename_domain(path);
		rc = report_bytes(ri, path, data, len, domain, cause);
		free(domain);
	} else if (len >= 5 && memcmp(data, "From ", 5) == 0)
		rc = report_mbox(ri, path, fd, cause);
	else if (len == 0)
		report_problem(ri, path, "empty file");
	else
		rc = report_import_message(ri, path, data, len, cause);
	free(data);
	close(fd);
	return rc;
}

static int	report_path(struct report_import *, const char *, int,
		    char **);

static int
report_name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of a folder, sorted, without dot files. */
static char **
report_dir_entries(DIR *d, size_t *n)
{
	struct dirent	 *de;
	char		**v = NULL;

	*n = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = xstrdup(de->d_name);
	}
	if (*n > 1)
		qsort(v, *n, sizeof *v, report_name_cmp);
	return v;
}

/* A Maildir has cur/ and new/; its tmp/ holds deliveries in progress. */
static int
report_is_maildir(const char *path)
{
	struct stat	 sb;
	char		*cur, *new;
	int		 yes;

	cur = xprintf("%s/cur", path);
	new = xprintf("%s/new", path);
	yes = stat(cur, &sb) == 0 && S_ISDIR(sb.st_mode) &&
	    stat(new, &sb) == 0 && S_ISDIR(sb.st_mode);
	free(cur);
	free(new);
	return yes;
}

static int
report_dir(struct report_import *ri, const char *path, int depth,
    char **cause)
{
	DIR	 *d;
	char	**names, *child;
	size_t	  n, i;
	int	  maildir, rc = 0;

	if (depth > REPORT_DEPTH_MAX) {
		report_problem(ri, path, "folders nested too deep");
		return 0;
	}
	if ((d = opendir(path)) == NULL) {
		report_problem(ri, path, "%s", strerror(errno));
		return 0;
	}
	maildir = report_is_maildir(path);
	names = report_dir_entries(d, &n);
	closedir(d);
	for (i = 0; i < n; i++) {
		if (rc == 0 && !(maildir && strcmp(names[i], "tmp") == 0)) {
			child = xprintf("%s/%s", path, names[i]);
			rc = report_path(ri, child, depth + 1, cause);
			free(child);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

/* Symbolic links are followed only where the operator named them. */
static int
report_path(struct report_import *ri, const char *path, int depth,
    char **cause)
{
	struct stat	sb;
	int		rc;

	rc = depth == 0 ? stat(path, &sb) : lstat(path, &sb);
	if (rc != 0) {
		report_problem(ri, path, "%s", strerror(errno));
		return 0;
	}
	if (S_ISDIR(sb.st_mode))
		return report_dir(ri, path, depth, cause);
	if (S_ISREG(sb.st_mode))
		return report_file(ri, path, cause);
	if (depth == 0)
		report_problem(ri, path, "not a file or folder");
	return 0;
}

int
report_import_path(struct report_import *ri, const char *path, char **cause)
{
	return report_path(ri, path, 0, cause);
}

int
report_import_finish(struct report_import *ri, char **cause)
{
	if (!ri->open)
		return 0;
	ri->open = 0;
	ri->pending = 0;
	return state_reports_end(ri->state, !ri->broken, cause);
}
