/*
 * Step 1, inventory: which hosts receive mail for the domain, at which
 * addresses, and whether they can be reached at all.  Every later step
 * works on this list.
 */
#include <stdlib.h>
#include <string.h>

#include "context.h"
#include "observe.h"
#include "step.h"
#include "strbuf.h"
#include "xmalloc.h"

#define RFC_MX		"RFC 5321 §5.1"
#define RFC_NULL_MX	"RFC 7505 §3"

static const char inventory_help[] =
    "Lists the hosts that receive mail for the domain (its MX records) "
    "and their addresses, and tries each on port 25.  Everything after "
    "this step protects exactly these hosts: a host missing here is a "
    "host left unprotected.  If a host cannot be reached from where "
    "mxanchor runs (port 25 is often blocked on home and cloud "
    "networks), run it from a host that can.  Then list the accounts "
    "that recover through mail (press i): the certificate authority, the "
    "registrar, the DNS and identity providers.  A recovery address on "
    "someone else's mail service or domain is not protected by this "
    "rollout: move it here and confirm the move.";

/* "mx.example.net (preference 10): 192.0.2.1 [tls]" lines. */
static char *
inventory_table(const struct observation *o)
{
	const struct mx_host	*h;
	struct strbuf		 b = { NULL, 0, 0 };
	size_t			 i, j;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		strbuf_printf(&b, "%s (%s%d):", h->name,
		    h->implicit ? "implicit MX, " : "preference ", h->pref);
		for (j = 0; j < h->naddrs; j++)
			strbuf_printf(&b, "%s %s [%s]", j > 0 ? "," : "",
			    h->addrs[j].addr,
			    smtp_outcome_name(h->addrs[j].smtp.outcome));
		strbuf_printf(&b, "%s\n", h->naddrs == 0 ? " no address" :
		    "");
	}
	return strbuf_take(&b);
}

/* Says which hosts and addresses were left out, and how many. */
static void
inventory_limits(const struct observation *o, struct step_result *r)
{
	const struct mx_host	*h;
	size_t			 i, total;

	total = ldns_rr_list_rr_count(o->mx->rrs);
	if (total > o->nhosts && !o->hosts[0].implicit)
		findings_add(&r->findings, SEV_WARN, "inventory.mx-limit",
		    NULL, "%s has %zu MX records; only the %zu most "
		    "preferred were checked", o->domain, total, o->nhosts);
	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		total = (h->a != NULL && h->a->rrs != NULL ?
		    ldns_rr_list_rr_count(h->a->rrs) : 0) +
		    (h->aaaa != NULL && h->aaaa->rrs != NULL ?
		    ldns_rr_list_rr_count(h->aaaa->rrs) : 0);
		if (total > h->naddrs && h->naddrs == OBSERVE_MAX_ADDRS)
			findings_add(&r->findings, SEV_WARN,
			    "inventory.addr-limit", NULL, "MX host %s has %zu "
			    "addresses; only the first %zu were checked",
			    h->name, total, h->naddrs);
	}
}

/* Per-host findings; returns the number of addresses seen. */
static size_t
inventory_hosts(const struct observation *o, struct step_result *r)
{
	const struct mx_host	*h;
	const struct mx_addr	*a;
	size_t			 i, j, naddrs = 0;

	for (i = 0; i < o->nhosts; i++) {
		h = &o->hosts[i];
		if (h->naddrs == 0)
			findings_add(&r->findings, SEV_ERROR,
			    "inventory.no-address", RFC_MX,
			    "MX host %s has no A or AAAA record: mail for "
			    "%s cannot be delivered to it", h->name,
			    o->domain);
		for (j = 0; j < h->naddrs; j++) {
			a = &h->addrs[j];
			if (a->smtp.outcome == SMTP_UNTESTED)
				findings_add(&r->findings, SEV_WARN,
				    "inventory.untested", NULL,
				    "could not test %s [%s] on port 25: %s",
				    h->name, a->addr, a->smtp.error);
		}
		naddrs += h->naddrs;
	}
	return naddrs;
}

static void
inventory_verdict(const struct observation *o, struct step_result *r,
    size_t naddrs)
{
	const char	*hosts = o->nhosts == 1 ? "" : "s";
	const char	*addrs = naddrs == 1 ? "" : "es";
	size_t		 untested = 0, i;

	for (i = 0; i < r->findings.n; i++)
		if (strcmp(r->findings.v[i].code, "inventory.untested") == 0)
			untested++;

	if (findings_count(&r->findings, SEV_ERROR) > 0)
		step_result_set(r, STEP_FAIL, "%zu MX host%s, some unusable",
		    o->nhosts, hosts);
	else if (untested > 0)
		step_result_set(r, STEP_WARN, "%zu MX host%s, %zu of %zu "
		    "address%s could not be tested", o->nhosts, hosts,
		    untested, naddrs, addrs);
	else if (o->hosts[0].implicit)
		step_result_set(r, STEP_WARN, "no MX records; the domain's "
		    "own address%s reachable", addrs);
	else
		step_result_set(r, STEP_PASS, "%zu MX host%s, %zu address%s "
		    "reachable", o->nhosts, hosts, naddrs, addrs);
}

/*
 * What the operator recorded (mxanchor inventory): accounts recovering
 * through mail this rollout does not protect, migrations not confirmed,
 * mailboxes that refuse mail.  These never make the step fail: the
 * transport can be anchored all the same; they are what remains to do.
 */
static void
inventory_recovery(const struct step_context *ctx, struct step_result *r)
{
	char	*summary;
	int	 warned = 0;

	if (ctx->recovery_count == 0) {
		findings_add_req(&r->findings, SEV_INFO, REQ_ADVICE,
		    "inventory.no-recovery", NULL, "no recovery addresses "
		    "recorded: list the accounts (certificate authority, "
		    "registrar, DNS and identity providers) whose password "
		    "resets or validations go by mail (mxanchor inventory "
		    "DOMAIN add-recovery)");
	}
	if (ctx->recovery_elsewhere > 0) {
		findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
		    "inventory.recovery-elsewhere", NULL, "%d recovery "
		    "address%s on a third-party mailbox or on a domain not "
		    "under your control: anchoring this domain's mail does "
		    "not protect %s; move %s here", ctx->recovery_elsewhere,
		    ctx->recovery_elsewhere == 1 ? " is" : "es are",
		    ctx->recovery_elsewhere == 1 ? "it" : "them",
		    ctx->recovery_elsewhere == 1 ? "it" : "them");
		warned = 1;
	}
	if (ctx->recovery_unconfirmed > 0)
		findings_add_req(&r->findings, SEV_INFO, REQ_ADVICE,
		    "inventory.unconfirmed", NULL, "%d of %d recovery "
		    "migration%s not confirmed yet", ctx->recovery_unconfirmed,
		    ctx->recovery_count, ctx->recovery_count == 1 ? "" : "s");
	if (ctx->mailboxes_refusing > 0) {
		findings_add_req(&r->findings, SEV_WARN, REQ_ADVICE,
		    "inventory.mailbox-refuses", NULL, "%d of %d mailboxes "
		    "(recovery, TLS-RPT rua, postmaster) refused mail at the "
		    "last mailbox check", ctx->mailboxes_refusing,
		    ctx->mailboxes_checked);
		warned = 1;
	}
	if (warned && r->status == STEP_PASS) {
		summary = r->summary;
		r->summary = NULL;
		step_result_set(r, STEP_WARN, "%s; the inventory needs work",
		    summary != NULL ? summary : "");
		free(summary);
	}
}

static void
inventory_evaluate(const struct observation *o,
    const struct step_context *ctx, const struct step_result *earlier,
    struct step_result *r)
{
	char	*table;
	size_t	 naddrs;

	if (o->mx == NULL || !o->mx->answered) {
		findings_add(&r->findings, SEV_WARN, "inventory.mx-lookup",
		    NULL, "could not look up the MX records of %s: %s",
		    o->domain, o->mx != NULL ? o->mx->error : "not asked");
		step_result_set(r, STEP_PENDING, "MX lookup failed");
		return;
	}
	if (o->mx->rcode == LDNS_RCODE_NXDOMAIN) {
		findings_add(&r->findings, SEV_ERROR, "inventory.nxdomain",
		    NULL, "%s does not exist in DNS", o->domain);
		step_result_set(r, STEP_FAIL, "domain does not exist");
		return;
	}
	if (o->mx->rcode != LDNS_RCODE_NOERROR) {
		findings_add(&r->findings, SEV_ERROR, "inventory.mx-lookup",
		    NULL, "the MX lookup for %s answered %s%s", o->domain,
		    dns_answer_rcode_name(o->mx),
		    o->mx->rcode == LDNS_RCODE_SERVFAIL ? ": a validating "
		    "resolver says so when the chain of trust is broken; see "
		    "the DNSSEC step" : "");
		step_result_set(r, STEP_FAIL, "MX lookup answered %s",
		    dns_answer_rcode_name(o->mx));
		return;
	}
	if (o->null_mx) {
		findings_add(&r->findings, SEV_WARN, "inventory.null-mx",
		    RFC_NULL_MX, "%s publishes a null MX: it accepts no "
		    "mail, so there is no transport to protect", o->domain);
		step_result_set(r, STEP_WARN, "null MX: no mail accepted");
		return;
	}
	if (o->nhosts == 1 && o->hosts[0].implicit)
		findings_add(&r->findings, SEV_WARN, "inventory.implicit-mx",
		    RFC_MX, "%s has no MX records, so senders deliver to the "
		    "domain's own address; publish an explicit MX",
		    o->domain);

	inventory_limits(o, r);
	naddrs = inventory_hosts(o, r);
	table = inventory_table(o);
	step_result_artifact(r, "MX hosts and addresses", "text", table);
	free(table);

	inventory_verdict(o, r, naddrs);
	inventory_recovery(ctx, r);
}

const struct step step_inventory = {
	.id = STEP_INVENTORY,
	.name = "inventory",
	.title = "Inventory",
	.help = inventory_help,
	.evaluate = inventory_evaluate,
};
