/*
 * smtp_bench: the SMTP probe over many addresses at once, as observe.c
 * runs it (common/parallel.h), timed from the first connection to the
 * last result.  For bench/smtp.sh; not installed.
 *
 *   smtp_bench [--deep] [--ca-file FILE] [--timeout S] HOST ADDR...
 *
 * --deep adds the sessions the mta step makes per address (TLS 1.0
 * only, TLS 1.1 only, no SNI).  Prints one line: addresses, sessions,
 * outcomes, wall time.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "parallel.h"
#include "probe.h"
#include "smtp.h"
#include "xmalloc.h"

#define BENCH_KINDS	4

struct bench {
	const struct probe_opts	*opts;
	const char		*host;
	char			**addrs;
	int			 kinds;
	struct smtp_result	*results;
};

static void
bench_one(void *p, size_t i)
{
	static const struct smtp_params	plain, tls10 = { .tls_version = TLS1_VERSION },
	    tls11 = { .tls_version = TLS1_1_VERSION }, nosni = { .no_sni = 1 };
	static const struct smtp_params	*params[BENCH_KINDS] = {
		&plain, &tls10, &tls11, &nosni,
	};
	struct bench	*b = p;

	smtp_probe_with(b->opts, b->host, b->addrs[i / b->kinds], 25,
	    params[i % b->kinds], &b->results[i]);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "deep", no_argument, NULL, 'd' },
		{ "ca-file", required_argument, NULL, 'c' },
		{ "timeout", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct probe_opts	opts;
	struct bench		b;
	size_t			n, total, i, tls = 0, other = 0;
	long long		start, ms;
	int			ch;

	memset(&opts, 0, sizeof opts);
	opts.timeout_ms = PROBE_DEFAULT_TIMEOUT_MS;
	memset(&b, 0, sizeof b);
	b.kinds = 1;
	while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (ch == 'd')
			b.kinds = BENCH_KINDS;
		else if (ch == 'c')
			opts.ca_file = optarg;
		else if (ch == 't')
			opts.timeout_ms = atoi(optarg) * 1000;
		else
			return 2;
	}
	if (argc - optind < 2) {
		fprintf(stderr, "usage: smtp_bench [--deep] [--ca-file FILE] "
		    "[--timeout S] HOST ADDR...\n");
		return 2;
	}
	probe_global_init();
	b.opts = &opts;
	b.host = argv[optind];
	b.addrs = argv + optind + 1;
	n = (size_t)(argc - optind - 1);
	total = n * (size_t)b.kinds;
	b.results = xcalloc(total, sizeof *b.results);

	start = probe_now_ms();
	parallel_for(total, bench_one, &b);
	ms = probe_now_ms() - start;

	for (i = 0; i < total; i++) {
		if (i % (size_t)b.kinds == 0 &&
		    b.results[i].outcome == SMTP_TLS_OK)
			tls++;
		else if (i % (size_t)b.kinds == 0)
			other++;
		smtp_result_free(&b.results[i]);
	}
	printf("%zu addresses, %zu sessions, %zu TLS, %zu not, %lld ms\n", n,
	    total, tls, other, ms);
	free(b.results);
	probe_global_cleanup();
	return other == 0 ? 0 : 1;
}
