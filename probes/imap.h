/*
 * Reading the messages of an IMAP mailbox with libcurl (RFC 9051), for
 * TLS-RPT reports delivered by mail.
 *
 * TLS is required: imaps://, or imap:// with STARTTLS; the certificate
 * is checked against the probe's CA file.  A host name is resolved by
 * our own DNS probe and handed to curl (CURLOPT_RESOLVE), never to libc.
 * Nothing on the server changes for good: libcurl's fetch marks a
 * message \Seen, so a message that was unseen is marked unseen again
 * afterwards.  Every transfer is bounded by the probe timeout, and every
 * message by TLSRPT_MAIL_MAX bytes.  The password is only handed to
 * curl: never logged, never stored.
 */
#ifndef MXANCHOR_IMAP_H
#define MXANCHOR_IMAP_H

#include <stddef.h>

#include "probe.h"

/*
 * fn gets each message (uid, bytes) and returns 0 to go on, or -1 with
 * *cause to stop; a message over the size cap, or one the server would
 * not send, comes with data NULL and the reason in why.
 */
typedef int (*imap_message_fn)(void *arg, unsigned long uid,
    const char *data, size_t len, const char *why, char **cause);

/*
 * 0 when url is an imap:// or imaps:// URL without a password in it;
 * -1 with *cause (which never repeats the URL: it may hold a secret).
 */
int	imap_url_check(const char *url, char **cause);

/*
 * url: imaps://[user@]host[:port]/MAILBOX or imap://...; user may come
 * from the URL or the argument.  Returns the number of messages, or -1
 * with *cause.
 */
long	imap_fetch_all(const struct probe_opts *, const char *url,
	    const char *user, const char *password, imap_message_fn,
	    void *arg, char **cause);

#endif
