/*
 * HTTPS GET with libcurl, for the MTA-STS policy (RFC 8461 §3.3).
 *
 * The host name is resolved through our own DNS probe and handed to curl
 * with CURLOPT_RESOLVE, so libc's resolver is never used.  HTTPS only, no
 * redirects followed (a 3xx is reported with its Location), the body is
 * capped at max_body bytes (exceeding it is reported, not silently cut),
 * the headers at 64 KiB, a compressed body is an error (it is asked for
 * as it is, and never decoded), and the whole transfer is bounded by the
 * probe timeout.
 */
#ifndef MXANCHOR_HTTPS_H
#define MXANCHOR_HTTPS_H

#include <stddef.h>

#include "probe.h"

struct https_result {
	int		 transferred;	/* a response arrived */
	char		*error;		/* transport or TLS failure */
	int		 tls_error;	/* error was a certificate problem */
	char		*verify_error;	/* chain verification, when it failed */
	char		*cert_names;	/* SAN (else subject) of the leaf, on a
					   TLS error: what the host is for */
	long		 status;
	char		*content_type;
	char		*location;	/* on 3xx */
	char		*body;		/* NUL-terminated, len bytes */
	size_t		 len;
	int		 too_large;	/* body exceeded max_body */
	char		*addr;		/* address connected to */
	long long	 elapsed_ms;
};

void	https_get(const struct probe_opts *, const char *host,
	    const char *path, char **addrs, size_t naddrs, size_t max_body,
	    struct https_result *);
void	https_result_free(struct https_result *);

#endif
