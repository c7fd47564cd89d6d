/*
 * Step 4, MTA: the mail server's own TLS, and the three-way comparison
 * of the key it serves on port 25, the key in its configuration's
 * files, and the TLSA records published for it.  Only that comparison
 * shows "renewed but not reloaded" and "rotated key, stale TLSA" before
 * mail bounces.
 *
 * Without SSH the step judges what port 25 shows and stays pending for
 * the rest: it never passes on half the evidence.  With SSH it also
 * reads the configuration (read-only, see probes/ssh.h).  The verdict:
 * fail on an error finding, warn on a warning, else pass.
 */
#include <stdlib.h>
#include <string.h>

#include "mta.h"
#include "xmalloc.h"

static const char mta_help[] =
    "Checks the mail server itself.  On port 25: whether TLS 1.0 and "
    "1.1 are still accepted, the certificate chain as sent, its expiry, "
    "OCSP stapling, what clients without SNI get, every address (IPv4 "
    "and IPv6) alike.  With --ssh USER@HOST, mxanchor logs in read-only, "
    "runs postconf and reads the certificate files the configuration "
    "names (never the private keys), then compares three things: the "
    "key served, the key on disk and the published TLSA records.  A key "
    "on disk that no TLSA record matches breaks DANE at the next "
    "\"postfix reload\"; publish its record first.  It also checks the "
    "inbound TLS settings, outbound DANE (smtp_tls_security_level = "
    "dane with smtp_dns_support_level = dnssec and a validating "
    "resolver), and that an MTA-STS policy map does not override DANE.  "
    "The suggested main.cf change is yours to apply; mxanchor never "
    "changes the server.";

/* Why the configuration half is missing, as a finding. */
static void
mta_no_config(const struct observation *o, struct step_result *r)
{
	const struct ssh_result	*s = &o->ssh;
	struct findings		*fs = &r->findings;

	if (!o->ssh_asked) {
		findings_add(fs, SEV_INFO, "mta.no-ssh", NULL, "the files on "
		    "disk and the Postfix settings were not checked: give "
		    "--ssh USER@HOST to compare the key on disk with the one "
		    "served and the published TLSA");
		return;
	}
	switch (s->status) {
	case SSH_OK:
		break;
	case SSH_HOSTKEY_UNKNOWN:
		findings_add(fs, SEV_WARN, "mta.ssh-hostkey-unknown", NULL,
		    "SSH: the host key of the server is unknown (%s %s). "
		    "Check it with its administrator; if it is right, "
		    "confirm it: T in the wizard, or run again with "
		    "--trust-host-key %s. Nothing was read", s->key_type,
		    s->fingerprint, s->fingerprint);
		break;
	case SSH_HOSTKEY_CHANGED:
		findings_add(fs, SEV_ERROR, "mta.ssh-hostkey-changed", NULL,
		    "SSH: %s. The server's identity changed since it was "
		    "recorded, or someone is in the way; mxanchor did not "
		    "log in", s->error);
		break;
	case SSH_AUTH_FAILED:
		findings_add(fs, SEV_WARN, "mta.ssh-auth", NULL, "SSH: %s; "
		    "nothing was read", s->error);
		break;
	case SSH_UNREACHABLE:
		findings_add(fs, SEV_WARN, "mta.ssh-unreachable", NULL,
		    "SSH: could not test: %s", s->error);
		break;
	case SSH_FAILED:
		findings_add(fs, SEV_WARN, "mta.ssh-failed", NULL, "SSH: %s; "
		    "nothing was kept", s->error);
		break;
	}
}

static void
mta_artifacts(struct mta_run *run)
{
	char	*text;

	if (run->records.len > 0) {
		text = strbuf_take(&run->records);
		step_result_artifact(run->r, "TLSA records for the keys on "
		    "disk (publish before the next reload)", "zone", text);
		free(text);
	}
	if (run->suggest.len > 0) {
		text = xprintf("# Suggested by mxanchor: review, apply with "
		    "postconf -e or an editor,\n# then \"postfix reload\". "
		    "mxanchor changes nothing on the server.\n%s",
		    run->suggest.s);
		step_result_artifact(run->r, "Suggested main.cf change",
		    "config", text);
		free(text);
	}
	strbuf_free(&run->records);
	strbuf_free(&run->suggest);
}

static void
mta_evaluate(const struct observation *o, const struct step_context *ctx,
    const struct step_result *earlier, struct step_result *r)
{
	struct mta_run	run;
	size_t		errors, warnings, served_warnings;

	memset(&run, 0, sizeof run);
	run.o = o;
	run.r = r;
	mta_served_check(&run);
	served_warnings = findings_count(&r->findings, SEV_WARN);
	if (o->postfix != NULL)
		mta_config_check(&run, o->postfix);
	else
		mta_no_config(o, r);
	mta_artifacts(&run);

	errors = findings_count(&r->findings, SEV_ERROR);
	warnings = findings_count(&r->findings, SEV_WARN);
	if (errors > 0)
		step_result_set(r, STEP_FAIL, "%zu problem%s with the mail "
		    "server: see below", errors, errors == 1 ? "" : "s");
	/*
	 * What port 25 shows counts without SSH too: a server that still
	 * takes TLS 1.0 is a warning whether or not its files were read.
	 */
	else if (o->postfix == NULL && served_warnings > 0)
		step_result_set(r, STEP_WARN, "%zu warning%s from port 25; "
		    "the configuration was not read", served_warnings,
		    served_warnings == 1 ? "" : "s");
	else if (o->postfix == NULL && o->ssh_asked &&
	    o->ssh.status == SSH_HOSTKEY_UNKNOWN)
		step_result_set(r, STEP_PENDING, "waiting for the SSH host "
		    "key to be confirmed");
	else if (o->postfix == NULL && o->ssh_asked)
		step_result_set(r, STEP_PENDING, "port 25 checked; the "
		    "configuration could not be read over SSH");
	else if (o->postfix == NULL)
		step_result_set(r, STEP_PENDING, "port 25 checked; the "
		    "configuration needs --ssh");
	else if (o->nhosts == 0)
		step_result_set(r, warnings > 0 ? STEP_WARN : STEP_PASS,
		    "configuration checked%s", warnings > 0 ?
		    ", with warnings" : ": sound");
	else if (warnings > 0)
		step_result_set(r, STEP_WARN, "served, on disk and published "
		    "compared, with warnings");
	else
		step_result_set(r, STEP_PASS, "the key served is on disk and "
		    "in TLSA; TLS settings are sound");
}

const struct step step_mta = {
	.id = STEP_MTA,
	.name = "mta",
	.title = "Mail server",
	.help = mta_help,
	.evaluate = mta_evaluate,
};
