/*
 * Does a mailbox accept mail?  The inventory asks it of every recovery
 * address, of the TLS-RPT rua mailboxes and of postmaster@DOMAIN.
 *
 * mailbox_check_all() looks up each address's mail hosts (MX, or the
 * domain itself without MX, RFC 5321 §5.1) and asks them, in preference
 * order, with SMTP RCPT TO after MAIL FROM:<> (probes/smtp.h): nothing is
 * ever sent.  The first host that answers RCPT decides.  Addresses are
 * checked concurrently; every wait is bounded by the probe timeout.
 */
#ifndef MXANCHOR_MAILBOX_H
#define MXANCHOR_MAILBOX_H

#include <stddef.h>

#include "probe.h"

enum mailbox_verdict {
	MAILBOX_ACCEPTS,	/* 2xx to RCPT */
	MAILBOX_REJECTS,	/* 5xx, no such domain, or a null MX */
	MAILBOX_DEFERRED,	/* 4xx: try later (greylisting, full) */
	MAILBOX_UNTESTED,	/* no host answered */
};

struct mailbox_check {
	char			*address;	/* set by the caller */
	enum mailbox_verdict	 verdict;
	char			*detail;	/* reply, or why untested */
	char			*host;		/* the MX that answered */
};

void		 mailbox_check_all(const struct probe_opts *,
		    struct mailbox_check *, size_t n);

/*
 * The mailboxes that matter for a domain, each once with every role it
 * plays ("recovery,postmaster").  mailbox_set_add_domain() adds
 * postmaster@DOMAIN and the mailto: addresses of the TLS-RPT record, as
 * DNS has it now (a lookup, bounded by the probe timeout).
 */
struct mailbox_set {
	struct mailbox_check	*v;
	char			**roles;
	size_t			  n;
};

void		 mailbox_set_add(struct mailbox_set *, const char *address,
		    const char *role);
void		 mailbox_set_add_domain(struct mailbox_set *,
		    const struct probe_opts *, const char *domain);
void		 mailbox_set_free(struct mailbox_set *);
void		 mailbox_check_free(struct mailbox_check *);
const char	*mailbox_verdict_name(enum mailbox_verdict);

#endif
