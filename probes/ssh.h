/*
 * Read-only inspection of a Postfix host over SSH (libssh2).
 *
 * ssh_inspect_postfix() connects, checks the host key, logs in, runs a
 * fixed list of commands (postconf -n, -M, -P, -d for a few names, the
 * mail_version, cat /etc/resolv.conf) and reads the certificate files
 * the configuration names.  Nothing is written on the host.  No command
 * line ever contains text that came from the host: a file's path goes
 * to the remote "xargs -0" on its standard input, and the remote "sed"
 * it runs drops the body of every private key block, so key material
 * never leaves the host.
 *
 * Host keys: the key must be in the known_hosts file (OpenSSH format,
 * "[host]:port" for ports other than 22), or be the one the operator
 * confirmed earlier (target->trusted, a "SHA256:..." fingerprint kept
 * in mxanchor's state).  An unknown key stops before authentication
 * with SSH_HOSTKEY_UNKNOWN and its fingerprint, for the operator to
 * confirm; a key that differs from a recorded one is SSH_HOSTKEY_CHANGED,
 * a hard failure.  Authentication: the key file, else ssh-agent.
 *
 * Every wait is bounded by the probe timeout (libssh2 in non-blocking
 * mode, poll() on the socket).  The result is all or nothing: *out is
 * set only with SSH_OK.  Nothing here prints or logs secrets.
 */
#ifndef MXANCHOR_SSH_H
#define MXANCHOR_SSH_H

#include "postfix.h"
#include "probe.h"

struct ssh_target {
	const char	*user;
	const char	*host;		/* name or numeric address */
	int		 port;		/* 22 when 0 */
	const char	*key_file;	/* NULL: ssh-agent */
	const char	*known_hosts;	/* NULL: ~/.ssh/known_hosts */
	const char	*trusted;	/* confirmed fingerprint, or NULL */
};

enum ssh_status {
	SSH_OK,
	SSH_UNREACHABLE,	/* connect refused or timed out */
	SSH_HOSTKEY_UNKNOWN,	/* neither known nor confirmed */
	SSH_HOSTKEY_CHANGED,	/* differs from the recorded key */
	SSH_AUTH_FAILED,	/* the server refused the login */
	SSH_FAILED,		/* handshake, command or transfer failed */
};

struct ssh_result {
	enum ssh_status	 status;
	char		*error;		/* for the operator, when not OK */
	char		*key_type;	/* "ssh-ed25519" */
	char		*fingerprint;	/* "SHA256:base64", OpenSSH style */
	int		 by_confirmation; /* accepted as target->trusted */
	long long	 elapsed_ms;
};

/* "USER@HOST[:PORT]" or "USER@[V6ADDR][:PORT]"; -1 with *cause. */
int	 ssh_target_parse(const char *, char **user, char **host, int *port,
	     char **cause);

void	 ssh_inspect_postfix(const struct probe_opts *,
	     const struct ssh_target *, struct ssh_result *,
	     struct postfix_config **out);
void	 ssh_result_free(struct ssh_result *);

const char *ssh_status_name(enum ssh_status);

#endif
