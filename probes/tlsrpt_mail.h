/*
 * TLS-RPT reports delivered by mail (RFC 8460 §5.3): a multipart/report
 * with report-type=tlsrpt whose report is an application/tlsrpt+gzip or
 * application/tlsrpt+json part.
 *
 * MIME is GMime's job: it unfolds headers, reads parameters and undoes
 * the transfer encoding.  Lenient as reporters need: the report type may
 * be missing; a gzip or JSON part named *.json.gz / *.json, or sent as
 * application/gzip or application/json, counts too.  The parts are
 * returned as bytes, still gzipped when they were: decompressing and
 * parsing is the caller's.
 */
#ifndef MXANCHOR_TLSRPT_MAIL_H
#define MXANCHOR_TLSRPT_MAIL_H

#include <stddef.h>

#define TLSRPT_MAIL_MAX		(32 * 1024 * 1024)	/* one message */

struct tlsrpt_part {
	char	*data;		/* decoded body, len bytes */
	size_t	 len;
	int	 gzipped;	/* +gzip type or .gz name */
	char	*filename;	/* may be NULL */
};

struct tlsrpt_mail {
	char			*report_domain;	/* TLS-Report-Domain, or NULL */
	char			*submitter;	/* TLS-Report-Submitter */
	char			*message_id;
	struct tlsrpt_part	*parts;		/* the reports; may be none */
	size_t			 nparts;
	int			 unreadable;	/* mbox: no message here */
};

/*
 * One RFC 5322 message (CRLF or LF).  Returns 0 (nparts may be 0 for a
 * message that holds no report), or -1 with *cause.
 */
int	tlsrpt_mail_parse(const char *msg, size_t len, struct tlsrpt_mail *,
	    char **cause);
void	tlsrpt_mail_free(struct tlsrpt_mail *);

/*
 * Every message of an mbox file (fd, read from its position): fn gets
 * each parsed message (it owns nothing of it) and returns 0 to go on.
 * Returns the number of messages, or -1 with *cause.
 */
long	tlsrpt_mail_mbox(int fd, int (*fn)(void *, struct tlsrpt_mail *),
	    void *arg, char **cause);

#endif
