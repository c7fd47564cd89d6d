/*
 * IMAP with libcurl: UID SEARCH ALL and UNSEEN, then each message, on
 * one connection.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "dns.h"
#include "imap.h"
#include "log.h"
#include "tlsrpt_mail.h"
#include "xmalloc.h"

#define IMAP_MAX_MESSAGES	100000
#define IMAP_SEARCH_MAX		(16 * 1024 * 1024)

struct imap_buf {
	char	*data;
	size_t	 len;
	size_t	 max;
	int	 too_large;
};

static size_t
imap_write(char *p, size_t size, size_t nmemb, void *arg)
{
	struct imap_buf	*b = arg;
	size_t		 n = size * nmemb;

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

/* "host:port:addr,addr" for a host name, from our resolver. */
static char *
imap_resolve_entry(const struct probe_opts *opts, const char *host,
    long port, char **cause)
{
	static const ldns_rr_type	 types[] = { LDNS_RR_TYPE_A,
					    LDNS_RR_TYPE_AAAA };
	struct dns_answer		*a;
	char				*entry, *addr, *next;
	size_t				 i, j, n = 0;

	entry = xprintf("%s:%ld:", host, port);
	for (i = 0; i < 2; i++) {
		a = dns_lookup(opts, host, types[i]);
		for (j = 0; a->rrs != NULL &&
		    j < ldns_rr_list_rr_count(a->rrs); j++) {
			addr = ldns_rdf2str(ldns_rr_rdf(
			    ldns_rr_list_rr(a->rrs, j), 0));
			next = xprintf(i == 1 ? "%s%s[%s]" : "%s%s%s", entry,
			    n++ > 0 ? "," : "", addr);
			free(addr);
			free(entry);
			entry = next;
		}
		dns_answer_free(a);
	}
	if (n == 0) {
		*cause = xprintf("%s has no address", host);
		free(entry);
		return NULL;
	}
	return entry;
}

/* An IP literal needs no lookup; a name does. */
static int
imap_is_literal(const char *host)
{
	return host[0] == '[' || strspn(host, "0123456789.") == strlen(host);
}

int
imap_url_check(const char *url, char **cause)
{
	CURLU	*u;
	char	*scheme = NULL, *password = NULL;
	int	 rc = -1;

	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "imap") != 0 && strcmp(scheme, "imaps") != 0))
		*cause = xstrdup("the IMAP URL must be imaps://[USER@]HOST/"
		    "MAILBOX or imap://... (STARTTLS)");
	else if (curl_url_get(u, CURLUPART_PASSWORD, &password, 0) ==
	    CURLUE_OK)
		*cause = xstrdup("the IMAP URL holds a password: give it in a "
		    "file with --password-file, and change it if the URL was "
		    "logged anywhere");
	else
		rc = 0;
	curl_free(scheme);
	curl_free(password);
	curl_url_cleanup(u);
	return rc;
}

struct imap_session {
	CURL			*c;
	struct curl_slist	*resolve;
	char			*url;
	char			 errbuf[CURL_ERROR_SIZE];
};

static int
imap_setup(struct imap_session *s, const struct probe_opts *opts,
    const char *url, const char *user, const char *password, char **cause)
{
	CURLU	*u;
	char	*host = NULL, *scheme = NULL, *uuser = NULL, *entry;
	long	 ms, port;
	int	 rc = -1;

	if ((u = curl_url()) == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    (strcmp(scheme, "imap") != 0 && strcmp(scheme, "imaps") != 0)) {
		*cause = xprintf("%s is not an imap:// or imaps:// URL", url);
		goto out;
	}
	port = strcmp(scheme, "imaps") == 0 ? 993 : 143;
	if (curl_url_get(u, CURLUPART_PORT, &entry, 0) == CURLUE_OK) {
		port = strtol(entry, NULL, 10);
		curl_free(entry);
	}
	if (user == NULL &&
	    curl_url_get(u, CURLUPART_USER, &uuser, CURLU_URLDECODE) ==
	    CURLUE_OK)
		user = uuser;
	if (user == NULL || password == NULL) {
		*cause = xstrdup("IMAP needs a user (in the URL or "
		    "--imap-user) and a password (--password-file)");
		goto out;
	}
	if (!imap_is_literal(host)) {
		if ((entry = imap_resolve_entry(opts, host, port, cause)) ==
		    NULL)
			goto out;
		s->resolve = curl_slist_append(NULL, entry);
		free(entry);
	}
	if ((s->c = curl_easy_init()) == NULL) {
		*cause = xstrdup("cannot initialise libcurl");
		goto out;
	}

	/* The URL without the user, which goes to CURLOPT_USERNAME. */
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_get(u, CURLUPART_URL, &entry, 0);
	s->url = xstrdup(entry);
	curl_free(entry);

	ms = opts->timeout_ms > 0 ? opts->timeout_ms : PROBE_DEFAULT_TIMEOUT_MS;
	curl_easy_setopt(s->c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
	curl_easy_setopt(s->c, CURLOPT_USE_SSL, (long)CURLUSESSL_ALL);
	curl_easy_setopt(s->c, CURLOPT_RESOLVE, s->resolve);
	curl_easy_setopt(s->c, CURLOPT_USERNAME, user);
	curl_easy_setopt(s->c, CURLOPT_PASSWORD, password);
	curl_easy_setopt(s->c, CURLOPT_PROXY, "");
	curl_easy_setopt(s->c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(s->c, CURLOPT_CONNECTTIMEOUT_MS, ms);
	curl_easy_setopt(s->c, CURLOPT_TIMEOUT_MS, ms);
	curl_easy_setopt(s->c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(s->c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, imap_write);
	curl_easy_setopt(s->c, CURLOPT_ERRORBUFFER, s->errbuf);
	if (opts->ca_file != NULL) {
		curl_easy_setopt(s->c, CURLOPT_CAINFO, opts->ca_file);
		curl_easy_setopt(s->c, CURLOPT_CAPATH, NULL);
	}
	rc = 0;

out:
	curl_free(scheme);
	curl_free(host);
	curl_free(uuser);
	curl_url_cleanup(u);
	return rc;
}

/*
 * One request on the mailbox: a command (its untagged answer in b), or
 * with command NULL, the message at url (its bytes in b).  1 when the
 * answer was over max, -1 with *cause on error.
 */
static int
imap_request(struct imap_session *s, const char *url, const char *command,
    size_t max, struct imap_buf *b, char **cause)
{
	CURLcode	rc;

	memset(b, 0, sizeof *b);
	b->max = max;
	s->errbuf[0] = '\0';
	curl_easy_setopt(s->c, CURLOPT_URL, url);
	curl_easy_setopt(s->c, CURLOPT_CUSTOMREQUEST, command);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, b);
	rc = curl_easy_perform(s->c);
	log_debug("imap %s: rc=%d len=%zu", command != NULL ? command :
	    "fetch", rc, b->len);
	if (b->too_large)
		return 1;
	if (rc != CURLE_OK) {
		*cause = xprintf("IMAP %s: %s", command != NULL ? command :
		    "FETCH", s->errbuf[0] != '\0' ? s->errbuf :
		    curl_easy_strerror(rc));
		free(b->data);
		b->data = NULL;
		return -1;
	}
	return 0;
}

static int
imap_command(struct imap_session *s, const char *command, size_t max,
    struct imap_buf *b, char **cause)
{
	return imap_request(s, s->url, command, max, b, cause);
}

/* The UIDs of "* SEARCH 1 2 3". */
static unsigned long *
imap_uids(const char *resp, size_t *n)
{
	unsigned long	*v = NULL, uid;
	const char	*p;
	char		*end;

	*n = 0;
	if (resp == NULL || (p = strstr(resp, "* SEARCH")) == NULL)
		return NULL;
	for (p += 8; *p != '\0' && *p != '\r' && *p != '\n'; p = end) {
		while (*p == ' ')
			p++;
		uid = strtoul(p, &end, 10);
		if (end == p || *n >= IMAP_MAX_MESSAGES)
			break;
		v = xreallocarray(v, *n + 1, sizeof *v);
		v[(*n)++] = uid;
	}
	return v;
}

/* Is uid in the sorted list? */
static int
imap_uid_in(unsigned long uid, const unsigned long *v, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (v[i] == uid)
			return 1;
	return 0;
}

/*
 * The size the server gives for a message (RFC 3501 RFC822.SIZE), or 0
 * when it gives none; only used to skip what is too large to read.
 */
static unsigned long long
imap_size(struct imap_session *s, unsigned long uid)
{
	struct imap_buf		 b;
	unsigned long long	 size = 0;
	const char		*p;
	char			*command, *cause = NULL;

	command = xprintf("UID FETCH %lu (RFC822.SIZE)", uid);
	if (imap_command(s, command, IMAP_SEARCH_MAX, &b, &cause) == 0 &&
	    b.data != NULL && (p = strstr(b.data, "RFC822.SIZE ")) != NULL)
		size = strtoull(p + 12, NULL, 10);
	free(b.data);
	free(cause);
	free(command);
	return size;
}

/*
 * libcurl fetches with BODY[], which marks the message seen; a message
 * that was unseen is marked unseen again, so the operator's mail client
 * still shows it as new.
 */
static int
imap_fetch_one(struct imap_session *s, unsigned long uid, int unseen,
    imap_message_fn fn, void *arg, char **cause)
{
	struct imap_buf	 b, ignored;
	char		*url, *command;
	int		 rc;

	/* Ask the size first: a huge message is skipped, not downloaded. */
	if (imap_size(s, uid) > TLSRPT_MAIL_MAX) {
		b.data = NULL;
		rc = 1;
	} else {
		url = xprintf("%s;UID=%lu", s->url, uid);
		rc = imap_request(s, url, NULL, TLSRPT_MAIL_MAX, &b, cause);
		free(url);
	}
	if (rc == 1)
		rc = fn(arg, uid, NULL, 0, "the message is too large", cause);
	else if (rc == 0 && b.len == 0)
		rc = fn(arg, uid, NULL, 0, "the server sent no message body",
		    cause);
	else if (rc == 0)
		rc = fn(arg, uid, b.data, b.len, NULL, cause);
	free(b.data);

	if (unseen) {
		command = xprintf("UID STORE %lu -FLAGS.SILENT (\\Seen)", uid);
		if (imap_command(s, command, IMAP_SEARCH_MAX, &ignored,
		    rc == 0 ? cause : NULL) != 0 && rc == 0)
			rc = -1;
		free(ignored.data);
		free(command);
	}
	return rc;
}

long
imap_fetch_all(const struct probe_opts *opts, const char *url,
    const char *user, const char *password, imap_message_fn fn, void *arg,
    char **cause)
{
	struct imap_session	 s;
	struct imap_buf		 b;
	unsigned long		*uids = NULL, *unseen = NULL;
	size_t			 n = 0, nunseen = 0, i;
	long			 ret = -1;

	memset(&s, 0, sizeof s);
	if (imap_setup(&s, opts, url, user, password, cause) != 0)
		goto out;
	switch (imap_command(&s, "UID SEARCH ALL", IMAP_SEARCH_MAX, &b,
	    cause)) {
	case 1:
		*cause = xstrdup("the mailbox lists too many messages");
		free(b.data);
		goto out;
	case -1:
		goto out;
	}
	uids = imap_uids(b.data, &n);
	free(b.data);
	if (imap_command(&s, "UID SEARCH UNSEEN", IMAP_SEARCH_MAX, &b,
	    cause) != 0) {
		free(b.data);
		goto out;
	}
	unseen = imap_uids(b.data, &nunseen);
	free(b.data);

	for (i = 0; i < n; i++) {
		if (imap_fetch_one(&s, uids[i], imap_uid_in(uids[i], unseen,
		    nunseen), fn, arg, cause) != 0)
			goto out;
	}
	ret = (long)n;

out:
	free(unseen);
	free(uids);
	free(s.url);
	curl_slist_free_all(s.resolve);
	if (s.c != NULL)
		curl_easy_cleanup(s.c);
	return ret;
}
