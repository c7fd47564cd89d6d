/*
 * Fuzz harness: postconf output and main.cf (logical lines, $name
 * expansion, master.cf services and overrides), the certificate-file
 * reader that drops private keys, and the paths the mta step derives.
 * The same bytes go through every parser.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "certfile.h"
#include "postconf.h"
#include "postfix.h"
#include "xmalloc.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
fuzz_no_password(char *buf, int size, int rwflag, void *arg)
{
	return 0;
}

/*
 * The promise of certfile.h: no private key survives the stripping.
 * Every PEM label OpenSSL reads a private key from says PRIVATE KEY, and
 * reading is slow, so only text with that label is tried.
 */
static void
fuzz_no_key_left(const char *stripped)
{
	EVP_PKEY	*key;
	BIO		*bio;

	if (strstr(stripped, "PRIVATE KEY") == NULL)
		return;
	bio = BIO_new_mem_buf(stripped, -1);
	key = PEM_read_bio_PrivateKey(bio, NULL, fuzz_no_password, NULL);
	BIO_free(bio);
	if (key != NULL)
		abort();
}

static void
fuzz_lookups(const struct postconf *pc)
{
	const char	**services;
	char		**paths, *v;
	size_t		  n, np, i;
	int		  chain_files;

	for (i = 0; i < pc->nmain; i++) {
		v = postconf_value(pc, NULL, pc->main[i].name);
		free(v);
	}
	services = postconf_smtpd_services(pc, &n);
	for (i = 0; i < n; i++) {
		paths = postfix_service_certs(pc, services[i], &chain_files,
		    &np);
		postconf_list_free(paths, np);
	}
	free(services);
	paths = postfix_all_certs(pc, &np);
	postconf_list_free(paths, np);
	postconf_service_for(pc, "192.0.2.1");
	postconf_service_for(pc, "2001:db8::1");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char	*text = (const char *)data;
	struct postconf	 pc;
	struct certfile	 cf;
	char		*stripped, *cause = NULL;

	postconf_init(&pc);
	postconf_parse_main(&pc, text, len);
	postconf_parse_services(&pc, text, len);
	postconf_parse_overrides(&pc, text, len);
	postconf_check(&pc);
	fuzz_lookups(&pc);
	postconf_parse_defaults(&pc, text, len);
	fuzz_lookups(&pc);
	postconf_free(&pc);

	stripped = certfile_strip_keys(text, len);
	fuzz_no_key_left(stripped);
	if (certfile_parse(stripped, &cf, &cause) == 0)
		certfile_free(&cf);
	free(cause);
	free(stripped);
	return 0;
}
