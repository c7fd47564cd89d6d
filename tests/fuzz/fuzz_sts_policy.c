/*
 * Fuzz harness: the MTA-STS policy parser (RFC 8461 §3.2), with each
 * parsed pattern also run through the matcher, and the policy checked
 * against MX hosts and for advice.
 */
#include <stdint.h>
#include <stdlib.h>

#include "sts.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	static char		*hosts[] = { "mx.example.net",
				    "a.mx.example.net", "MX2.EXAMPLE.NET." };
	struct findings		 fs = { NULL, 0, 0 };
	struct sts_policy	 policy;
	size_t			 i;

	sts_policy_parse((const char *)data, len, &policy, &fs);
	for (i = 0; i < policy.nmx; i++)
		sts_mx_match(policy.mx[i], "mx.example.net");
	sts_policy_check_hosts(&policy, hosts, 3, &fs);
	sts_policy_advise(&policy, "example.net", &fs);
	sts_policy_free(&policy);
	findings_free(&fs);
	return 0;
}
