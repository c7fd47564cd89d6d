/*
 * The MTA part of the observation as JSON: how the SSH session went and
 * what it read.  Only the settings mxanchor judges are kept (the names
 * postconf -d is asked for: TLS and DNS), never the whole main.cf, which
 * may hold secrets in inline maps; of the certificate files, only the
 * certificates and the kind of each private key block, which carries no
 * key material (certfile.h).
 */
#include <stdlib.h>
#include <string.h>

#include "observe.h"
#include "tlsa.h"
#include "xmalloc.h"

/* Text from the host may not be UTF-8: null then, not a failure. */
static json_t *
observe_json_text(const char *s)
{
	json_t	*j = s != NULL ? json_string(s) : NULL;

	return j != NULL ? j : json_null();
}

static json_t *
observe_json_ssh(const struct ssh_result *r)
{
	json_t	*j = json_object();

	json_object_set_new(j, "status", json_string(ssh_status_name(
	    r->status)));
	if (r->error != NULL)
		json_object_set_new(j, "error", observe_json_text(r->error));
	if (r->fingerprint != NULL) {
		json_object_set_new(j, "key_type", json_string(r->key_type));
		json_object_set_new(j, "fingerprint",
		    json_string(r->fingerprint));
		json_object_set_new(j, "by_confirmation",
		    json_boolean(r->by_confirmation));
	}
	json_object_set_new(j, "ms", json_integer(r->elapsed_ms));
	return j;
}

/* name: value for the judged names, in one context (NULL: main.cf). */
static json_t *
observe_json_settings(const struct postconf *pc, const char *service)
{
	json_t	*j = json_object();
	char	**names, *value;
	size_t	  n, i;

	names = postconf_list(postconf_default_names, &n);
	for (i = 0; i < n; i++) {
		if (service != NULL && !postconf_is_set(pc, service, names[i]))
			continue;
		if (postconf_raw(pc, service, names[i]) == NULL)
			continue;
		value = postconf_value(pc, service, names[i]);
		json_object_set_new(j, names[i], observe_json_text(value));
		free(value);
	}
	postconf_list_free(names, n);
	return j;
}

static json_t *
observe_json_file(const struct postfix_file *f)
{
	json_t		*j = json_object(), *blocks, *b;
	const struct certfile_block *blk;
	char		*digest, *subject;
	size_t		 i;

	json_object_set_new(j, "path", observe_json_text(f->path));
	if (f->error != NULL) {
		json_object_set_new(j, "error", observe_json_text(f->error));
		return j;
	}
	blocks = json_array();
	for (i = 0; i < f->cf.nblocks; i++) {
		blk = &f->cf.blocks[i];
		b = json_object();
		json_object_set_new(b, "kind", observe_json_text(blk->label));
		if (blk->cert != NULL) {
			subject = X509_NAME_oneline(X509_get_subject_name(
			    blk->cert), NULL, 0);
			json_object_set_new(b, "subject",
			    observe_json_text(subject));
			OPENSSL_free(subject);
			if ((digest = tlsa_cert_digest_hex(blk->cert, 1,
			    1)) != NULL) {
				json_object_set_new(b, "spki_sha256",
				    json_string(digest));
				free(digest);
			}
		}
		json_array_append_new(blocks, b);
	}
	json_object_set_new(j, "blocks", blocks);
	return j;
}

static json_t *
observe_json_postfix(const struct postfix_config *pf)
{
	json_t		*j, *services, *files;
	const char	**keys;
	size_t		  n, i;

	j = json_object();
	json_object_set_new(j, "source", observe_json_text(pf->source));
	json_object_set_new(j, "main", observe_json_settings(&pf->conf,
	    NULL));
	if (pf->version != NULL)
		json_object_set_new(j, "version",
		    observe_json_text(pf->version));
	services = json_object();
	keys = postconf_smtpd_services(&pf->conf, &n);
	for (i = 0; i < n; i++)
		json_object_set_new(services, keys[i],
		    observe_json_settings(&pf->conf, keys[i]));

	free(keys);
	json_object_set_new(j, "services", services);
	files = json_array();
	for (i = 0; i < pf->nfiles; i++)
		json_array_append_new(files, observe_json_file(&pf->files[i]));
	json_object_set_new(j, "files", files);
	return j;
}

json_t *
observation_mta_json(const struct observation *o)
{
	if (!o->ssh_asked)
		return json_null();
	return json_pack("{s:o, s:o}",
	    "ssh", observe_json_ssh(&o->ssh),
	    "postfix", o->postfix != NULL ? observe_json_postfix(o->postfix) :
	    json_null());
}
