/*
 * HTTPS fetch for MTA-STS policies (RFC 8461 §3.3) with libcurl.
 *
 * What curl would normally decide by itself is pinned here: the addresses
 * (from our resolver, via CURLOPT_RESOLVE), the protocol (HTTPS only), no
 * redirects, no proxy from the environment, no content decoding (a policy
 * is plain text; asking for gzip would only invite bombs), the CA file,
 * a size cap and a deadline for the whole transfer.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <openssl/x509.h>

#include "https.h"
#include "log.h"
#include "xmalloc.h"

/* The largest header block taken: a server could stream headers forever. */
#define HTTPS_MAX_HEADERS	(64 * 1024)

struct https_body {
	char	*data;
	size_t	 len;
	size_t	 max;
	int	 too_large;
	size_t	 header_bytes;
	int	 headers_too_large;
	char	*encoding;	/* Content-Encoding, when one was sent */
};

static size_t
https_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct https_body	*b = arg;
	size_t			 n = size * nmemb;

	/* Returning less than n makes curl stop with CURLE_WRITE_ERROR. */
	if (b->len + n > b->max) {
		b->too_large = 1;
		return 0;
	}
	b->data = xreallocarray(b->data, b->len + n + 1, 1);
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return n;
}

/*
 * Counts header bytes, stopping at HTTPS_MAX_HEADERS (returning less than
 * n aborts the transfer), and keeps the Content-Encoding.
 */
static size_t
https_header(char *p, size_t size, size_t nmemb, void *arg)
{
	struct https_body	*b = arg;
	size_t			 n = size * nmemb, skip;

	b->header_bytes += n;
	if (b->header_bytes > HTTPS_MAX_HEADERS) {
		b->headers_too_large = 1;
		return 0;
	}
	if (n > 17 && strncasecmp(p, "Content-Encoding:", 17) == 0) {
		skip = 17 + strspn(p + 17, " \t");
		free(b->encoding);
		b->encoding = xstrndup(p + skip, strcspn(p + skip, "\r\n"));
	}
	return n;
}

/* "host:443:addr1,[v6addr]" for CURLOPT_RESOLVE. */
static char *
https_resolve_entry(const char *host, char **addrs, size_t naddrs)
{
	char	*entry, *next;
	size_t	 i;

	entry = xprintf("%s:443:", host);
	for (i = 0; i < naddrs; i++) {
		next = xprintf(strchr(addrs[i], ':') != NULL ? "%s%s[%s]" :
		    "%s%s%s", entry, i > 0 ? "," : "", addrs[i]);
		free(entry);
		entry = next;
	}
	return entry;
}

static void
https_setup(CURL *c, const struct probe_opts *opts, const char *url,
    struct curl_slist *resolve, struct https_body *body)
{
	long	ms;

	ms = opts->timeout_ms > 0 ? opts->timeout_ms : PROBE_DEFAULT_TIMEOUT_MS;

	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_PROXY, "");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mxanchor");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)body->max);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, https_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	/* Only so that a certificate error can say whom it was issued to. */
	curl_easy_setopt(c, CURLOPT_CERTINFO, 1L);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, https_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, body);
	if (opts->ca_file != NULL) {
		curl_easy_setopt(c, CURLOPT_CAINFO, opts->ca_file);
		curl_easy_setopt(c, CURLOPT_CAPATH, NULL);
	}
}

/* Anything but no coding at all, or "identity" (RFC 9110 §8.4.1). */
static int
https_is_encoded(const char *encoding)
{
	return encoding != NULL && *encoding != '\0' &&
	    strcasecmp(encoding, "identity") != 0;
}

static int
https_is_tls_error(CURLcode rc)
{
	return rc == CURLE_PEER_FAILED_VERIFICATION ||
	    rc == CURLE_SSL_CACERT_BADFILE || rc == CURLE_SSL_CONNECT_ERROR ||
	    rc == CURLE_SSL_CERTPROBLEM;
}

/*
 * The names in the server's certificate, for a message that says what
 * the certificate is for.  libcurl gathers the chain before it checks
 * the host name, so this works for a name mismatch; an untrusted chain
 * may leave nothing.
 */
static char *
https_cert_names(CURL *c)
{
	struct curl_certinfo	*ci = NULL;
	struct curl_slist	*l;
	const char		*subject = NULL, *san = NULL;

	if (curl_easy_getinfo(c, CURLINFO_CERTINFO, &ci) != CURLE_OK ||
	    ci == NULL || ci->num_of_certs < 1)
		return NULL;
	for (l = ci->certinfo[0]; l != NULL; l = l->next) {
		if (strncmp(l->data, "Subject:", 8) == 0)
			subject = l->data + 8;
		else if (strncmp(l->data, "X509v3 Subject Alternative Name:",
		    32) == 0)
			san = l->data + 32;
	}
	if (san != NULL)
		return xstrdup(san + strspn(san, " "));
	if (subject != NULL)
		return xstrdup(subject + strspn(subject, " "));
	return NULL;
}

/* Why the chain did not verify, in OpenSSL's words; NULL when it did. */
static char *
https_verify_error(CURL *c)
{
	long	result = 0;

	/* A name mismatch is curl's own check: it leaves "unspecified". */
	if (curl_easy_getinfo(c, CURLINFO_SSL_VERIFYRESULT, &result) !=
	    CURLE_OK || result == X509_V_OK ||
	    result == X509_V_ERR_UNSPECIFIED)
		return NULL;
	return xstrdup(X509_verify_cert_error_string(result));
}

static void
https_collect(CURL *c, struct https_result *res)
{
	char	*s;

	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
	if (curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &s) == CURLE_OK &&
	    s != NULL)
		res->content_type = xstrdup(s);
	if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &s) == CURLE_OK &&
	    s != NULL)
		res->location = xstrdup(s);
	if (curl_easy_getinfo(c, CURLINFO_PRIMARY_IP, &s) == CURLE_OK &&
	    s != NULL && *s != '\0')
		res->addr = xstrdup(s);
}

void
https_get(const struct probe_opts *opts, const char *host, const char *path,
    char **addrs, size_t naddrs, size_t max_body, struct https_result *res)
{
	struct https_body	 body = { .max = max_body };
	struct curl_slist	*resolve = NULL, *headers;
	char			*url, *entry, errbuf[CURL_ERROR_SIZE];
	long long		 start = probe_now_ms();
	CURLcode		 rc;
	CURL			*c;

	memset(res, 0, sizeof *res);
	if (naddrs == 0) {
		res->error = xprintf("%s has no address", host);
		return;
	}
	if ((c = curl_easy_init()) == NULL) {
		res->error = xstrdup("cannot initialise libcurl");
		return;
	}

	url = xprintf("https://%s%s", host, path);
	entry = https_resolve_entry(host, addrs, naddrs);
	resolve = curl_slist_append(NULL, entry);
	https_setup(c, opts, url, resolve, &body);
	/* Asked for plainly, so that a compressed answer is the server's. */
	headers = curl_slist_append(NULL, "Accept-Encoding: identity");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	errbuf[0] = '\0';
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);

	rc = curl_easy_perform(c);
	res->elapsed_ms = probe_now_ms() - start;
	https_collect(c, res);

	if (body.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		res->transferred = 1;
		res->too_large = 1;
	} else if (body.headers_too_large) {
		res->error = xprintf("the response headers are larger than %d "
		    "bytes", HTTPS_MAX_HEADERS);
	} else if (rc == CURLE_OK && https_is_encoded(body.encoding)) {
		res->error = xprintf("the body came compressed "
		    "(Content-Encoding: %s) although mxanchor asked for it "
		    "as it is; a sender that does not decode it cannot read "
		    "it", body.encoding);
	} else if (rc != CURLE_OK) {
		res->error = xprintf("%s", errbuf[0] != '\0' ? errbuf :
		    curl_easy_strerror(rc));
		res->tls_error = https_is_tls_error(rc);
		if (res->tls_error) {
			res->verify_error = https_verify_error(c);
			res->cert_names = https_cert_names(c);
		}
	} else
		res->transferred = 1;

	res->body = body.data != NULL ? body.data : xstrdup("");
	res->len = body.len;
	log_debug("https %s%s: rc=%d status=%ld len=%zu %lldms", host, path,
	    rc, res->status, res->len, res->elapsed_ms);

	curl_slist_free_all(resolve);
	curl_slist_free_all(headers);
	curl_easy_cleanup(c);
	free(body.encoding);
	free(entry);
	free(url);
}

void
https_result_free(struct https_result *res)
{
	free(res->error);
	free(res->verify_error);
	free(res->cert_names);
	free(res->content_type);
	free(res->location);
	free(res->body);
	free(res->addr);
	memset(res, 0, sizeof *res);
}
