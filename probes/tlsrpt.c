/*
 * The _smtp._tls TXT record of SMTP TLS Reporting (RFC 8460 §3).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tlsrpt.h"
#include "xmalloc.h"

#define RFC_TLSRPT	"RFC 8460 §3"
#define TLSRPT_VERSION	"v=TLSRPTv1"

/* A broken rule of §3: senders then ignore the record. */
static void __attribute__((format(printf, 3, 4)))
tlsrpt_must(struct findings *fs, const char *code, const char *fmt, ...)
{
	va_list	 ap;
	char	*message;

	va_start(ap, fmt);
	xvasprintf(&message, fmt, ap);
	va_end(ap);
	findings_add_req(fs, SEV_ERROR, REQ_MUST, code, RFC_TLSRPT, "%s",
	    message);
	free(message);
}

static int
tlsrpt_is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* A mailto: or https: URI with something after the scheme. */
static int
tlsrpt_uri_valid(const char *uri, struct findings *fs)
{
	/* RFC 6068 lets the '@' be written %40. */
	if (strncasecmp(uri, "mailto:", 7) == 0) {
		if (strchr(uri + 7, '@') != NULL ||
		    strcasestr(uri + 7, "%40") != NULL)
			return 1;
		tlsrpt_must(fs, "tlsrpt.rua-uri",
		    "rua \"%s\" has no mailbox after mailto:", uri);
		return 0;
	}
	if (strncasecmp(uri, "https://", 8) == 0) {
		if (uri[8] != '\0' && uri[8] != '/')
			return 1;
		tlsrpt_must(fs, "tlsrpt.rua-uri",
		    "rua \"%s\" has no host", uri);
		return 0;
	}
	tlsrpt_must(fs, "tlsrpt.rua-uri",
	    "rua \"%s\" must be a mailto: or https: URI%s", uri,
	    strchr(uri, ':') == NULL && strchr(uri, '@') != NULL ?
	    " (write mailto: in front of the address)" : "");
	return 0;
}

/* rua=URI *(*WSP "," *WSP URI) */
static void
tlsrpt_rua(struct tlsrpt_txt *txt, const char *value, size_t len,
    struct findings *fs)
{
	const char	*p = value, *end = value + len, *comma, *uend;
	char		*uri;

	for (;;) {
		while (p < end && tlsrpt_is_wsp(*p))
			p++;
		comma = p < end ? memchr(p, ',', (size_t)(end - p)) : NULL;
		uend = comma != NULL ? comma : end;
		while (uend > p && tlsrpt_is_wsp(uend[-1]))
			uend--;

		uri = xstrndup(p, (size_t)(uend - p));
		if (*uri == '\0')
			tlsrpt_must(fs, "tlsrpt.rua-uri",
			    "empty entry in the rua list");
		else if (tlsrpt_uri_valid(uri, fs)) {
			txt->rua = xreallocarray(txt->rua, txt->nrua + 1,
			    sizeof *txt->rua);
			txt->rua[txt->nrua++] = uri;
			uri = NULL;
		}
		free(uri);

		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

static void
tlsrpt_field(struct tlsrpt_txt *txt, const char *field, size_t len,
    struct findings *fs)
{
	const char	*eq = memchr(field, '=', len);
	size_t		 i, nlen;

	if (eq == NULL || eq == field) {
		tlsrpt_must(fs, "tlsrpt.syntax",
		    "field \"%.*s\" is not name=value", (int)len, field);
		return;
	}
	nlen = (size_t)(eq - field);
	/* A repeated rua adds its URIs (case 008): no warning. */
	if (nlen == 3 && memcmp(field, "rua", 3) == 0) {
		tlsrpt_rua(txt, eq + 1, len - nlen - 1, fs);
		return;
	}

	/* Extensions are ignored, but must still be well-formed. */
	for (i = 0; i < nlen; i++) {
		if (!isalnum((unsigned char)field[i]) && (i == 0 ||
		    (field[i] != '_' && field[i] != '-' && field[i] != '.')))
			break;
	}
	if (i < nlen || nlen > 32)
		tlsrpt_must(fs, "tlsrpt.syntax",
		    "\"%.*s\" is not a valid field name", (int)nlen, field);
}

int
tlsrpt_txt_parse(const char *record, struct tlsrpt_txt *txt,
    struct findings *fs)
{
	const char	*p, *start, *end;
	size_t		 i, first = fs->n;
	size_t		 errors = findings_count(fs, SEV_ERROR);
	int		 uri_reported = 0;

	memset(txt, 0, sizeof *txt);
	if (strncmp(record, TLSRPT_VERSION, strlen(TLSRPT_VERSION)) != 0) {
		tlsrpt_must(fs, "tlsrpt.version",
		    "record does not start with \"%s\"", TLSRPT_VERSION);
		return -1;
	}

	p = record + strlen(TLSRPT_VERSION);
	for (;;) {
		while (tlsrpt_is_wsp(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p != ';') {
			tlsrpt_must(fs, "tlsrpt.syntax",
			    "expected \";\" before \"%.20s\"", p);
			break;
		}
		p++;
		while (tlsrpt_is_wsp(*p))
			p++;
		if (*p == '\0')
			break;
		start = p;
		p += strcspn(p, ";");
		end = p;
		while (end > start && tlsrpt_is_wsp(end[-1]))
			end--;
		tlsrpt_field(txt, start, (size_t)(end - start), fs);
	}

	for (i = first; i < fs->n; i++)
		if (strcmp(fs->v[i].code, "tlsrpt.rua-uri") == 0)
			uri_reported = 1;
	if (txt->nrua == 0 && !uri_reported)
		tlsrpt_must(fs, "tlsrpt.no-rua",
		    "the required rua field is missing");
	if (findings_count(fs, SEV_ERROR) > errors || txt->nrua == 0) {
		tlsrpt_txt_free(txt);
		return -1;
	}
	return 0;
}

int
tlsrpt_txt_select(char **records, size_t n, struct tlsrpt_txt *txt,
    struct findings *fs)
{
	size_t	i, len = strlen(TLSRPT_VERSION), candidates = 0, pick = 0;

	memset(txt, 0, sizeof *txt);
	for (i = 0; i < n; i++) {
		if (strncmp(records[i], TLSRPT_VERSION, len) == 0 &&
		    (records[i][len] == ';' ||
		    tlsrpt_is_wsp(records[i][len]))) {
			candidates++;
			pick = i;
		}
	}

	if (candidates == 0) {
		findings_add(fs, SEV_ERROR, "tlsrpt.none", RFC_TLSRPT,
		    "no TXT record starting with \"%s;\"", TLSRPT_VERSION);
		return -1;
	}
	if (candidates > 1) {
		tlsrpt_must(fs, "tlsrpt.multiple",
		    "%zu records start with \"%s\"; senders then treat the "
		    "domain as not using TLS-RPT, keep exactly one "
		    "(one record may list several rua URIs)", candidates,
		    TLSRPT_VERSION);
		return -1;
	}
	return tlsrpt_txt_parse(records[pick], txt, fs);
}

void
tlsrpt_txt_free(struct tlsrpt_txt *txt)
{
	size_t	i;

	for (i = 0; i < txt->nrua; i++)
		free(txt->rua[i]);
	free(txt->rua);
	memset(txt, 0, sizeof *txt);
}
