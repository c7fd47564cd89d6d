/*
 * Read-only SSH inspection of a Postfix host (libssh2).
 */
#include <stdlib.h>
#include <string.h>

#include "ssh.h"
#include "xmalloc.h"

void
ssh_inspect_postfix(const struct probe_opts *opts,
    const struct ssh_target *t, struct ssh_result *r,
    struct postfix_config **out)
{
	memset(r, 0, sizeof *r);
	*out = NULL;
	r->status = SSH_FAILED;
	r->error = xstrdup("SSH inspection is not written yet");
}

void
ssh_result_free(struct ssh_result *r)
{
	free(r->error);
	free(r->key_type);
	free(r->fingerprint);
	memset(r, 0, sizeof *r);
}

const char *
ssh_status_name(enum ssh_status s)
{
	switch (s) {
	case SSH_OK:
		return "ok";
	case SSH_UNREACHABLE:
		return "unreachable";
	case SSH_HOSTKEY_UNKNOWN:
		return "hostkey-unknown";
	case SSH_HOSTKEY_CHANGED:
		return "hostkey-changed";
	case SSH_AUTH_FAILED:
		return "auth-failed";
	case SSH_FAILED:
		break;
	}
	return "failed";
}
