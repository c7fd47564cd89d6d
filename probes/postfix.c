/*
 * A Postfix installation's configuration and certificate files.
 */
#include <stdlib.h>
#include <string.h>

#include "postfix.h"
#include "xmalloc.h"

void
postfix_config_init(struct postfix_config *pf, const char *source)
{
	memset(pf, 0, sizeof *pf);
	postconf_init(&pf->conf);
	pf->source = xstrdup(source);
}

void
postfix_config_free(struct postfix_config *pf)
{
	size_t	i;

	for (i = 0; i < pf->nfiles; i++) {
		free(pf->files[i].path);
		free(pf->files[i].error);
		certfile_free(&pf->files[i].cf);
	}
	free(pf->files);
	free(pf->source);
	free(pf->version);
	free(pf->resolv_conf);
	postconf_free(&pf->conf);
	memset(pf, 0, sizeof *pf);
}

static void
postfix_push(char ***v, size_t *n, const char *path)
{
	size_t	i;

	for (i = 0; i < *n; i++)
		if (strcmp((*v)[i], path) == 0)
			return;
	*v = xreallocarray(*v, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(path);
}

char **
postfix_service_certs(const struct postconf *pc, const char *service,
    int *chain_files, size_t *n)
{
	static const char *const legacy[] = {
		"smtpd_tls_cert_file", "smtpd_tls_eccert_file",
		"smtpd_tls_dcert_file",
	};
	char	*value, **v = NULL;
	size_t	 i;

	value = postconf_value(pc, service, "smtpd_tls_chain_files");
	if (*value != '\0') {
		*chain_files = 1;
		v = postconf_list(value, n);
		free(value);
		return v;
	}
	free(value);

	*chain_files = 0;
	*n = 0;
	for (i = 0; i < sizeof legacy / sizeof *legacy; i++) {
		value = postconf_value(pc, service, legacy[i]);
		if (*value != '\0')
			postfix_push(&v, n, value);
		free(value);
	}
	return v;
}

char **
postfix_all_certs(const struct postconf *pc, size_t *n)
{
	const char	**services;
	char		**all = NULL, **v;
	size_t		  nservices, nv, i, j;
	int		  chain_files;

	*n = 0;
	services = postconf_smtpd_services(pc, &nservices);
	for (i = 0; i <= nservices; i++) {
		v = postfix_service_certs(pc, i < nservices ? services[i] :
		    NULL, &chain_files, &nv);
		for (j = 0; j < nv; j++)
			postfix_push(&all, n, v[j]);
		postconf_list_free(v, nv);
	}
	free(services);
	return all;
}

void
postfix_config_add_file(struct postfix_config *pf, const char *path,
    const char *text, const char *error)
{
	struct postfix_file	*f;
	char			*cause = NULL;

	pf->files = xreallocarray(pf->files, pf->nfiles + 1,
	    sizeof *pf->files);
	f = &pf->files[pf->nfiles++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	if (text == NULL)
		f->error = xstrdup(error != NULL ? error : "not read");
	else if (certfile_parse(text, &f->cf, &cause) != 0)
		f->error = cause;
}

const struct postfix_file *
postfix_config_file(const struct postfix_config *pf, const char *path)
{
	size_t	i;

	for (i = 0; i < pf->nfiles; i++)
		if (strcmp(pf->files[i].path, path) == 0)
			return &pf->files[i];
	return NULL;
}

void
postfix_config_read_local(struct postfix_config *pf, const char *root)
{
	char	**paths, *full, *text, *cause = NULL;
	size_t	  n, i;

	pf->files_read = 1;
	paths = postfix_all_certs(&pf->conf, &n);
	for (i = 0; i < n; i++) {
		if (root == NULL || strcmp(root, "/") == 0)
			full = xstrdup(paths[i]);
		else
			full = xprintf("%s%s%s", root,
			    paths[i][0] == '/' ? "" : "/", paths[i]);
		text = certfile_read_local(full, &cause);
		postfix_config_add_file(pf, paths[i], text, cause);
		free(text);
		free(cause);
		cause = NULL;
		free(full);
	}
	postconf_list_free(paths, n);
}
