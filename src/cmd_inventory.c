/*
 * mxanchor inventory DOMAIN [ACTION ...]: the accounts that recover
 * through mail, and the mailboxes that must accept it.
 *
 *   show (the default)       recovery addresses, mailbox checks
 *   add-recovery ACCOUNT ADDRESS
 *   set-recovery ID          change what the options name
 *   remove-recovery ID
 *   confirm ID               the operator confirms the migration
 *   check-mailboxes          RCPT TO check of every mailbox that matters
 *   note TEXT                a note in the domain's timeline
 *
 * Every change is one transaction on one row (state/inventory.h), so
 * operators working on one domain at once lose nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli.h"
#include "clock.h"
#include "inventory.h"
#include "mailbox.h"
#include "recovery.h"
#include "state.h"
#include "xmalloc.h"

#define INV_MAX_ARGS	4

enum {
	OPT_INV_KIND = 512,
	OPT_INV_THIRD_PARTY,
	OPT_INV_NOT_CONTROLLED,
	OPT_INV_NOTE,
	OPT_INV_USER,
	OPT_INV_ACCOUNT,
	OPT_INV_ADDRESS,
};

static const struct option inventory_options[] = {
	{ "kind",		required_argument, NULL, OPT_INV_KIND },
	{ "third-party",	required_argument, NULL, OPT_INV_THIRD_PARTY },
	{ "not-controlled",	required_argument, NULL,
	    OPT_INV_NOT_CONTROLLED },
	{ "note",		required_argument, NULL, OPT_INV_NOTE },
	{ "user",		required_argument, NULL, OPT_INV_USER },
	{ "account",		required_argument, NULL, OPT_INV_ACCOUNT },
	{ "address",		required_argument, NULL, OPT_INV_ADDRESS },
	{ NULL,			0,		   NULL, 0 },
};

struct inv {
	struct cli_options	*opts;
	char			*domain;
	const char		*args[INV_MAX_ARGS];
	int			 nargs;
	const char		*kind;
	int			 third_party;	/* -1: not given */
	int			 not_controlled;
	const char		*note;
	const char		*user;
	const char		*account;
	const char		*address;
	struct state		*state;
};

static int
inv_yes_no(const char *opt, const char *value)
{
	if (strcmp(value, "yes") == 0)
		return 1;
	if (strcmp(value, "no") == 0)
		return 0;
	cli_usage_error("%s wants yes or no, not %s", opt, value);
}

static void
inv_parse(struct inv *v, int argc, char **argv)
{
	int	c;

	while ((c = cli_getopt(argc, argv, inventory_options, v->opts)) !=
	    -1) {
		switch (c) {
		case 1:
			if (v->domain == NULL)
				v->domain = cli_domain(optarg);
			else if (v->nargs < INV_MAX_ARGS)
				v->args[v->nargs++] = optarg;
			else
				cli_usage_error("inventory: too many "
				    "arguments at %s", optarg);
			break;
		case OPT_INV_KIND:
			if (!recovery_kind_valid(optarg))
				cli_usage_error("--kind wants ca, registrar, "
				    "dns, idp, hosting or other, not %s",
				    optarg);
			v->kind = optarg;
			break;
		case OPT_INV_THIRD_PARTY:
			v->third_party = inv_yes_no("--third-party", optarg);
			break;
		case OPT_INV_NOT_CONTROLLED:
			v->not_controlled = inv_yes_no("--not-controlled",
			    optarg);
			break;
		case OPT_INV_NOTE:
			v->note = optarg;
			break;
		case OPT_INV_USER:
			v->user = optarg;
			break;
		case OPT_INV_ACCOUNT:
			v->account = optarg;
			break;
		case OPT_INV_ADDRESS:
			v->address = optarg;
			break;
		}
	}
	if (v->domain == NULL)
		cli_usage_error("inventory wants a DOMAIN");
	if (v->user == NULL)
		v->user = recovery_user();
}

static void
inv_want_args(const struct inv *v, int n, const char *usage)
{
	if (v->nargs != n)
		cli_usage_error("usage: mxanchor inventory DOMAIN %s", usage);
}

static long long
inv_id(const char *s)
{
	char		*end;
	long long	 id;

	id = strtoll(s, &end, 10);
	if (*s == '#')
		return inv_id(s + 1);
	if (*s == '\0' || *end != '\0' || id < 1)
		cli_usage_error("not a recovery id: %s", s);
	return id;
}

/* Prints cause and returns the exit code of a failed state call. */
static int
inv_error(char *cause)
{
	fprintf(stderr, "mxanchor: %s\n", cause);
	free(cause);
	return EXIT_USAGE;
}

/* The names of the domains the operator follows, for the guesses. */
static char **
inv_controlled(struct inv *v, size_t *n)
{
	struct state_domain	*list;
	char			**names, *cause = NULL;
	size_t			 i;

	*n = 0;
	if (state_domain_list(v->state, &list, n, &cause) != 0) {
		free(cause);
		return NULL;
	}
	names = xcalloc(*n + 1, sizeof *names);
	for (i = 0; i < *n; i++)
		names[i] = xstrdup(list[i].name);
	state_domain_list_free(list, *n);
	return names;
}

/* The flags of address: as given, else guessed. */
static void
inv_guess(struct inv *v, const char *address, int *third_party,
    int *not_controlled)
{
	char	**controlled;
	size_t	  n, i;
	int	  tp, nc;

	controlled = inv_controlled(v, &n);
	recovery_guess(v->domain, address, controlled, n, &tp, &nc);
	for (i = 0; i < n; i++)
		free(controlled[i]);
	free(controlled);
	*third_party = v->third_party != -1 ? v->third_party : tp;
	*not_controlled = v->not_controlled != -1 ? v->not_controlled : nc;
}

static int
inv_add(struct inv *v)
{
	struct state_recovery	 r;
	char			*cause = NULL;
	long long		 id;

	inv_want_args(v, 3, "add-recovery ACCOUNT ADDRESS [--kind KIND] "
	    "[--third-party yes|no] [--not-controlled yes|no] [--note TEXT]");
	if (state_domain_add(v->state, v->domain, &cause) != 0)
		return inv_error(cause);
	memset(&r, 0, sizeof r);
	r.account = (char *)v->args[1];
	r.address = (char *)v->args[2];
	r.kind = (char *)(v->kind != NULL ? v->kind : "other");
	r.note = (char *)v->note;

	inv_guess(v, r.address, &r.third_party, &r.not_controlled);

	if (state_recovery_add(v->state, v->domain, &r, v->user, &id,
	    &cause) != 0)
		return inv_error(cause);
	printf("added recovery #%lld: %s (%s) -> %s%s%s\n", id, r.account,
	    r.kind, r.address, r.third_party ? ", third-party mailbox" : "",
	    r.not_controlled ? ", domain not under control" : "");
	return EXIT_CLEAN;
}

/* The stored row id, or NULL (and an error printed). */
static struct state_recovery *
inv_find(struct inv *v, long long id, struct state_recovery **list,
    size_t *n)
{
	char	*cause = NULL;
	size_t	 i;

	if (state_recovery_list(v->state, v->domain, list, n, &cause) != 0) {
		inv_error(cause);
		return NULL;
	}
	for (i = 0; i < *n; i++) {
		if ((*list)[i].id == id)
			return &(*list)[i];
	}
	fprintf(stderr, "mxanchor: %s has no recovery #%lld\n", v->domain,
	    id);
	return NULL;
}

/* Read, change what was asked, write back naming the version read. */
static int
inv_set(struct inv *v)
{
	struct state_recovery	*list = NULL, *r, copy;
	char			*cause = NULL;
	size_t			 n = 0;
	int			 rc = EXIT_USAGE;

	inv_want_args(v, 2, "set-recovery ID [--account TEXT] [--address "
	    "ADDR] [--kind KIND] [--third-party yes|no] [--not-controlled "
	    "yes|no] [--note TEXT]");
	if ((r = inv_find(v, inv_id(v->args[1]), &list, &n)) == NULL)
		goto out;
	copy = *r;
	if (v->account != NULL)
		copy.account = (char *)v->account;
	if (v->address != NULL) {
		copy.address = (char *)v->address;
		inv_guess(v, copy.address, &copy.third_party,
		    &copy.not_controlled);
	}
	if (v->kind != NULL)
		copy.kind = (char *)v->kind;
	if (v->note != NULL)
		copy.note = (char *)v->note;
	if (v->third_party != -1)
		copy.third_party = v->third_party;
	if (v->not_controlled != -1)
		copy.not_controlled = v->not_controlled;
	if (state_recovery_update(v->state, v->domain, &copy, v->user,
	    &cause) != 0) {
		rc = inv_error(cause);
		goto out;
	}
	printf("changed recovery #%lld\n", copy.id);
	rc = EXIT_CLEAN;

out:
	state_recovery_list_free(list, n);
	return rc;
}

static int
inv_remove_or_confirm(struct inv *v, int confirm)
{
	long long	 id;
	char		*cause = NULL;
	int		 rc;

	inv_want_args(v, 2, confirm ? "confirm ID [--user NAME]" :
	    "remove-recovery ID");
	id = inv_id(v->args[1]);
	if (confirm)
		rc = state_recovery_confirm(v->state, v->domain, id,
		    clock_now(), v->user, &cause);
	else
		rc = state_recovery_remove(v->state, v->domain, id, v->user,
		    &cause);
	if (rc != 0)
		return inv_error(cause);
	printf("%s recovery #%lld\n", confirm ? "confirmed" : "removed", id);
	return EXIT_CLEAN;
}

static int
inv_note(struct inv *v)
{
	char	*cause = NULL, *message;
	int	 rc;

	inv_want_args(v, 2, "note TEXT [--user NAME]");
	if (state_domain_add(v->state, v->domain, &cause) != 0)
		return inv_error(cause);
	message = xprintf("%s: %s", v->user, v->args[1]);
	rc = state_event_add(v->state, v->domain, clock_now(), "note",
	    message, &cause);
	free(message);
	if (rc != 0)
		return inv_error(cause);
	printf("noted\n");
	return EXIT_CLEAN;
}

static void
inv_show_text(const struct inv *v, const struct state_recovery *r,
    size_t nr, const struct state_mailbox *m, size_t nm)
{
	char	when[32];
	size_t	i, open = 0;

	for (i = 0; i < nr; i++)
		open += r[i].confirmed == 0;
	printf("%s: %zu recovery address%s, %zu not confirmed\n", v->domain,
	    nr, nr == 1 ? "" : "es", open);
	for (i = 0; i < nr; i++) {
		printf("  #%-3lld %s (%s) -> %s%s%s\n", r[i].id, r[i].account,
		    r[i].kind, r[i].address,
		    r[i].third_party ? "  THIRD-PARTY" : "",
		    r[i].not_controlled ? "  NOT-CONTROLLED" : "");
		if (r[i].confirmed != 0) {
			clock_format(r[i].confirmed, when, sizeof when);
			printf("        confirmed %s by %s\n", when,
			    r[i].confirmed_by);
		} else
			printf("        not confirmed\n");
		if (r[i].note != NULL)
			printf("        note: %s\n", r[i].note);
	}
	if (nm > 0)
		printf("mailboxes:\n");
	for (i = 0; i < nm; i++) {
		clock_format(m[i].checked, when, sizeof when);
		printf("  %-9s %s (%s) %s: %s\n", m[i].verdict, m[i].address,
		    m[i].role, when, m[i].detail != NULL ? m[i].detail : "");
	}
}

static json_t *
inv_json_time(time_t t)
{
	char	when[32];

	if (t == 0)
		return json_null();
	clock_format(t, when, sizeof when);
	return json_string(when);
}

static void
inv_show_json(const struct inv *v, const struct state_recovery *r,
    size_t nr, const struct state_mailbox *m, size_t nm)
{
	json_t	*jr = json_array(), *jm = json_array(), *j;
	size_t	 i;

	for (i = 0; i < nr; i++) {
		j = json_pack("{s:I, s:s, s:s, s:s, s:b, s:b, s:o, s:s, s:I}",
		    "id", (json_int_t)r[i].id, "account", r[i].account,
		    "kind", r[i].kind, "address", r[i].address,
		    "third_party", r[i].third_party,
		    "not_controlled", r[i].not_controlled,
		    "added", inv_json_time(r[i].added),
		    "added_by", r[i].added_by,
		    "version", (json_int_t)r[i].version);
		json_object_set_new(j, "note", r[i].note != NULL ?
		    json_string(r[i].note) : json_null());
		json_object_set_new(j, "confirmed",
		    inv_json_time(r[i].confirmed));
		json_object_set_new(j, "confirmed_by", r[i].confirmed_by !=
		    NULL ? json_string(r[i].confirmed_by) : json_null());
		json_array_append_new(jr, j);
	}
	for (i = 0; i < nm; i++)
		json_array_append_new(jm, json_pack("{s:s, s:s, s:o, s:s, "
		    "s:s?}", "address", m[i].address, "role", m[i].role,
		    "checked", inv_json_time(m[i].checked),
		    "verdict", m[i].verdict, "detail", m[i].detail));
	j = json_pack("{s:s, s:o, s:o}", "domain", v->domain,
	    "recovery", jr, "mailboxes", jm);
	json_dumpf(j, stdout, JSON_INDENT(2));
	printf("\n");
	json_decref(j);
}

static int
inv_show(struct inv *v)
{
	struct state_recovery	*r = NULL;
	struct state_mailbox	*m = NULL;
	char			*cause = NULL;
	size_t			 nr = 0, nm = 0;

	inv_want_args(v, 1, "[show] [--json]");
	if (state_recovery_list(v->state, v->domain, &r, &nr, &cause) != 0 ||
	    state_mailbox_list(v->state, v->domain, &m, &nm, &cause) != 0) {
		state_recovery_list_free(r, nr);
		return inv_error(cause);
	}
	if (v->opts->json)
		inv_show_json(v, r, nr, m, nm);
	else
		inv_show_text(v, r, nr, m, nm);
	state_recovery_list_free(r, nr);
	state_mailbox_list_free(m, nm);
	return EXIT_CLEAN;
}

/* Exit code: 1 when a mailbox refuses, 2 when one could not be asked. */
static int
inv_mailbox_verdicts(const struct mailbox_check *m, char **roles, size_t n)
{
	size_t	i;
	int	refused = 0, untested = 0;

	for (i = 0; i < n; i++) {
		printf("  %-9s %s (%s)%s%s\n",
		    mailbox_verdict_name(m[i].verdict), m[i].address,
		    roles[i], m[i].host != NULL ? " at " : "",
		    m[i].host != NULL ? m[i].host : "");
		if (m[i].detail != NULL)
			printf("            %s\n", m[i].detail);
		refused += m[i].verdict == MAILBOX_REJECTS ||
		    m[i].verdict == MAILBOX_DEFERRED;
		untested += m[i].verdict == MAILBOX_UNTESTED;
	}
	return refused > 0 ? EXIT_FAILED : untested > 0 ? EXIT_USAGE :
	    EXIT_CLEAN;
}

static int
inv_check_mailboxes(struct inv *v)
{
	struct state_recovery	*r = NULL;
	struct state_mailbox	*rec;
	struct mailbox_set	 set = { NULL, NULL, 0 };
	char			*cause = NULL;
	size_t			 nr = 0, i;
	time_t			 now = clock_now();
	int			 rc;

	inv_want_args(v, 1, "check-mailboxes");
	cli_check_probe_options(v->opts);
	if (state_domain_add(v->state, v->domain, &cause) != 0 ||
	    state_recovery_list(v->state, v->domain, &r, &nr, &cause) != 0)
		return inv_error(cause);
	for (i = 0; i < nr; i++)
		mailbox_set_add(&set, r[i].address, "recovery");
	state_recovery_list_free(r, nr);
	mailbox_set_add_domain(&set, &v->opts->probe, v->domain);

	mailbox_check_all(&v->opts->probe, set.v, set.n);
	printf("%s: %zu mailbox%s\n", v->domain, set.n, set.n == 1 ? "" :
	    "es");
	rc = inv_mailbox_verdicts(set.v, set.roles, set.n);

	rec = xcalloc(set.n > 0 ? set.n : 1, sizeof *rec);
	for (i = 0; i < set.n; i++) {
		rec[i].address = set.v[i].address;
		rec[i].role = set.roles[i];
		rec[i].checked = now;
		rec[i].verdict = (char *)mailbox_verdict_name(set.v[i].verdict);
		rec[i].detail = set.v[i].detail;
	}
	if (state_mailbox_record(v->state, v->domain, rec, set.n,
	    &cause) != 0)
		rc = inv_error(cause);
	free(rec);
	mailbox_set_free(&set);
	return rc;
}

static const struct {
	const char	*name;
	int		 writes;
	int		(*run)(struct inv *);
} inventory_actions[] = {
	{ "show",		0, inv_show },
	{ "add-recovery",	1, inv_add },
	{ "set-recovery",	1, inv_set },
	{ "remove-recovery",	1, NULL },
	{ "confirm",		1, NULL },
	{ "check-mailboxes",	1, inv_check_mailboxes },
	{ "note",		1, inv_note },
};

int
cmd_inventory(struct cli_options *opts, int argc, char **argv)
{
	struct inv	 v;
	const char	*action;
	char		*path, *cause = NULL;
	size_t		 i;
	int		 rc = EXIT_USAGE;

	memset(&v, 0, sizeof v);
	v.opts = opts;
	v.third_party = v.not_controlled = -1;
	inv_parse(&v, argc, argv);
	action = v.nargs > 0 ? v.args[0] : "show";
	for (i = 0; i < sizeof inventory_actions /
	    sizeof inventory_actions[0]; i++) {
		if (strcmp(action, inventory_actions[i].name) == 0)
			break;
	}
	if (i == sizeof inventory_actions / sizeof inventory_actions[0])
		cli_usage_error("inventory: unknown action %s", action);
	if (opts->no_state)
		cli_usage_error("inventory keeps its data in the state: it "
		    "cannot go with --no-state");
	if (inventory_actions[i].writes && opts->read_only)
		cli_usage_error("inventory %s writes the state: not with "
		    "--read-only", action);
	if (v.nargs == 0)
		v.args[v.nargs++] = "show";

	path = cli_state_path(opts);
	v.state = state_open(path, inventory_actions[i].writes ? 0 :
	    STATE_READ_ONLY, &cause);
	free(path);
	if (v.state == NULL) {
		rc = inv_error(cause);
		goto out;
	}
	/* Adding a recovery address adds the domain; reading does not. */
	if (!inventory_actions[i].writes &&
	    cli_domain_known(v.state, v.domain, &cause) != 0) {
		rc = inv_error(cause);
		goto out;
	}
	if (inventory_actions[i].run != NULL)
		rc = inventory_actions[i].run(&v);
	else
		rc = inv_remove_or_confirm(&v,
		    strcmp(action, "confirm") == 0);

out:
	state_close(v.state);
	free(v.domain);
	return rc;
}
