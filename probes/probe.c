/*
 * Process-wide set-up shared by the probes.
 */
#include <signal.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/ssl.h>

#include "probe.h"

void
probe_global_init(void)
{
	/* A peer that closes mid-write must give EPIPE, not kill us. */
	signal(SIGPIPE, SIG_IGN);

	OPENSSL_init_ssl(0, NULL);
	curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
probe_global_cleanup(void)
{
	curl_global_cleanup();
}

long long
probe_now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
