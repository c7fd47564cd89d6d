/*
 * One Postfix installation as mxanchor sees it: its configuration (as
 * postconf prints it), the certificate files that configuration names
 * (without private keys, see certfile.h), its version and the resolver
 * it uses.  Filled over SSH (ssh.h) or, for "mxanchor lint postconf",
 * from a saved postconf -n and local files.  Owns everything in it.
 */
#ifndef MXANCHOR_POSTFIX_H
#define MXANCHOR_POSTFIX_H

#include <stddef.h>

#include "certfile.h"
#include "postconf.h"

struct postfix_file {
	char		*path;		/* as the configuration names it */
	struct certfile	 cf;
	char		*error;		/* why it could not be read */
};

struct postfix_config {
	char			*source;	/* "root@host:22", or a file */
	struct postconf		 conf;
	char			*version;	/* mail_version, or NULL */
	char			*resolv_conf;	/* NULL when not read */
	struct postfix_file	*files;
	size_t			 nfiles;
	int			 files_read;	/* 0: files not looked at */
};

void	 postfix_config_init(struct postfix_config *, const char *source);
void	 postfix_config_free(struct postfix_config *);

/*
 * The certificate files one smtpd service (NULL: main.cf) loads, expanded:
 * smtpd_tls_chain_files when set (*chain_files = 1), else the legacy
 * smtpd_tls_cert_file, smtpd_tls_eccert_file and smtpd_tls_dcert_file.
 * Free with postconf_list_free().
 */
char	**postfix_service_certs(const struct postconf *, const char *service,
	    int *chain_files, size_t *n);

/* Every file any smtpd service (or main.cf) loads, each once. */
char	**postfix_all_certs(const struct postconf *, size_t *n);

/*
 * Records a file: text is the file without key bodies (parsed here), or
 * NULL with error saying why it could not be read.
 */
void	 postfix_config_add_file(struct postfix_config *, const char *path,
	    const char *text, const char *error);
const struct postfix_file *postfix_config_file(const struct postfix_config *,
	    const char *path);

/*
 * Reads every file postfix_all_certs() names from the local file system,
 * each path taken under root (NULL or "/": as it is).
 */
void	 postfix_config_read_local(struct postfix_config *, const char *root);

#endif
