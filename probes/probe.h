/*
 * What every probe needs to know about the outside world.
 *
 * Probes never fall back on hidden defaults: the resolver, the DNSSEC trust
 * anchor and the CA file are always passed in, so a lab run can never leak
 * a query to the machine's own resolver.  NULL means the real-world default
 * (the system resolver, /usr/share/dns/root.key, the system CA store).
 */
#ifndef MXANCHOR_PROBE_H
#define MXANCHOR_PROBE_H

struct ssh_target;

struct probe_opts {
	const char	*resolver;	/* "ADDR" or "ADDR@PORT", or NULL */
	const char	*trust_anchor;	/* file of DS or DNSKEY RRs */
	const char	*ca_file;	/* PEM bundle */
	int		 timeout_ms;	/* bound on each network wait */
	int		 submission;	/* also probe ports 465 and 587 */
	const struct ssh_target *ssh;	/* inspect the MTA, or NULL */
	int		 horizon_days;	/* warn of expiry this close;
					   0: each check's own default */
};

#define PROBE_DEFAULT_TIMEOUT_MS	10000
#define PROBE_DEFAULT_TRUST_ANCHOR	"/usr/share/dns/root.key"

/* Process-wide set-up of OpenSSL and libcurl; call once from main(). */
void	probe_global_init(void);
void	probe_global_cleanup(void);

/* Milliseconds on a monotonic clock, for deadlines and timings. */
long long probe_now_ms(void);

#endif
