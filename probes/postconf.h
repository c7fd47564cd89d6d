/*
 * Postfix configuration as postconf prints it (postconf(1), postconf(5)).
 *
 * Four inputs, each optional:
 *   postconf -n   main.cf settings ("name = value"; main.cf itself parses
 *                 too: logical lines, comments)
 *   postconf -d   defaults, for the names mxanchor asks about; without
 *                 them the built-in defaults of Postfix 3.7 apply
 *   postconf -M   master.cf services ("name type ... command args")
 *   postconf -P   per-service overrides ("service/type/name = value")
 *
 * Lookups take a service ("127.0.25.1:smtp/inet") or NULL for main.cf:
 * a service's -o override wins over main.cf, which wins over the
 * default, and $name references expand in the same service's context,
 * as they do in the smtpd that service runs.
 *
 * Parse problems become findings (codes "postconf.*") in pc->findings;
 * nothing here fails on bad input.  A struct postconf owns its strings.
 */
#ifndef MXANCHOR_POSTCONF_H
#define MXANCHOR_POSTCONF_H

#include <stddef.h>

#include "finding.h"

#define POSTCONF_MAX_INPUT	(4 * 1024 * 1024)

struct postconf_param {
	char	*name;
	char	*value;
};

struct postconf_override {
	char	*service;	/* "127.0.25.1:smtp/inet" (name/type) */
	char	*name;
	char	*value;
};

struct postconf_service {
	char	*key;		/* "127.0.25.1:smtp/inet": name/type */
	char	*name;		/* "127.0.25.1:smtp", "smtp", "submission" */
	char	*type;		/* "inet", "unix", "pass", ... */
	char	*command;	/* "smtpd", "postscreen", ... */
};

struct postconf {
	struct postconf_param	 *main;
	size_t			  nmain;
	struct postconf_param	 *defaults;
	size_t			  ndefaults;
	struct postconf_override *overrides;
	size_t			  noverrides;
	struct postconf_service	 *services;
	size_t			  nservices;
	int			  have_defaults; /* from postconf -d */
	int			  have_master;	/* -M or -P was given */
	struct findings		  findings;
};

void	 postconf_init(struct postconf *);
void	 postconf_free(struct postconf *);

void	 postconf_parse_main(struct postconf *, const char *, size_t);
void	 postconf_parse_defaults(struct postconf *, const char *, size_t);
void	 postconf_parse_services(struct postconf *, const char *, size_t);
void	 postconf_parse_overrides(struct postconf *, const char *, size_t);
/* After parsing: findings for values whose expansion never ends. */
void	 postconf_check(struct postconf *);

/* The names postconf -d is asked for, space-separated. */
extern const char postconf_default_names[];

/*
 * The unexpanded value for service (NULL: main.cf): its override, else
 * main.cf, else the default; NULL when the name is unknown everywhere.
 */
const char *postconf_raw(const struct postconf *, const char *service,
	    const char *name);
/* 1 when main.cf (or the service's -o) sets name explicitly. */
int	 postconf_is_set(const struct postconf *, const char *service,
	    const char *name);

/* The expanded value, "" when unknown; caller frees. */
char	*postconf_value(const struct postconf *, const char *service,
	    const char *name);
/* Expands $name, ${name}, $(name), ${name?x}, ${name:x}; caller frees. */
char	*postconf_expand(const struct postconf *, const char *service,
	    const char *text);

/* A list value split on commas and white space; free with the helper. */
char	**postconf_list(const char *value, size_t *n);
void	  postconf_list_free(char **, size_t);

/*
 * The inet services on port 25 that run smtpd or postscreen: their keys
 * (owned by pc), in master.cf order; the caller frees the array only.
 * Submission (465, 587) is not an MX's business and has other rules.
 */
const char **postconf_smtpd_services(const struct postconf *, size_t *n);

/*
 * The key of the service that answers addr:25 (port "smtp" or "25", on
 * that address or on all), or NULL when master.cf is not known.
 */
const char *postconf_service_for(const struct postconf *, const char *addr);

#endif
