/*
 * Finding TLS-RPT reports in mail with GMime 3.
 *
 * GMime keeps global state (its type system, charset tables): it is set
 * up once per process, on first use, and never shut down, because
 * another thread may be parsing a message at exit.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "tlsrpt_mail.h"
#include "xmalloc.h"

static pthread_once_t	tlsrpt_mail_once = PTHREAD_ONCE_INIT;

static void
tlsrpt_mail_init(void)
{
	g_mime_init();
}

/* A name ending in suffix, case-insensitively. */
static int
tlsrpt_mail_ends(const char *name, const char *suffix)
{
	size_t	n, s = strlen(suffix);

	if (name == NULL || (n = strlen(name)) < s)
		return 0;
	return strcasecmp(name + n - s, suffix) == 0;
}

/*
 * Is this part a report, and is it gzipped?  0 no, 1 JSON, 2 gzip.  The
 * media type decides when it is a tlsrpt one; otherwise a generic gzip,
 * JSON or octet-stream part counts when its name says .json(.gz).
 */
static int
tlsrpt_mail_kind(GMimeContentType *ct, const char *filename)
{
	const char	*type = g_mime_content_type_get_media_type(ct);
	const char	*sub = g_mime_content_type_get_media_subtype(ct);

	if (type == NULL || sub == NULL || strcasecmp(type, "application"))
		return 0;
	if (strcasecmp(sub, "tlsrpt+gzip") == 0)
		return 2;
	if (strcasecmp(sub, "tlsrpt+json") == 0)
		return 1;
	if (tlsrpt_mail_ends(filename, ".json.gz") ||
	    tlsrpt_mail_ends(filename, ".json.gzip"))
		return 2;
	if (tlsrpt_mail_ends(filename, ".json"))
		return 1;
	if (strcasecmp(sub, "gzip") == 0 || strcasecmp(sub, "x-gzip") == 0)
		return tlsrpt_mail_ends(filename, ".gz") ? 2 : 0;
	return 0;
}

/* The decoded body of a part, or NULL when GMime cannot give one. */
static char *
tlsrpt_mail_content(GMimePart *part, size_t *len)
{
	GMimeDataWrapper	*wrapper;
	GMimeStream		*mem;
	GByteArray		*bytes;
	char			*out;

	*len = 0;
	if ((wrapper = g_mime_part_get_content(part)) == NULL)
		return NULL;

	/*
	 * From an mbox the part is still in the file: one too large for any
	 * report is skipped before it is read into memory.
	 */
	if (g_mime_stream_length(g_mime_data_wrapper_get_stream(wrapper)) >
	    TLSRPT_MAIL_MAX)
		return NULL;
	mem = g_mime_stream_mem_new();
	if (g_mime_data_wrapper_write_to_stream(wrapper, mem) < 0) {
		g_object_unref(mem);
		return NULL;
	}
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*len = bytes->len;
	out = xmalloc(bytes->len + 1);
	if (bytes->len > 0)
		memcpy(out, bytes->data, bytes->len);
	out[bytes->len] = '\0';
	g_object_unref(mem);
	return out;
}

static void
tlsrpt_mail_part(GMimeObject *parent, GMimeObject *obj, gpointer arg)
{
	struct tlsrpt_mail	*m = arg;
	struct tlsrpt_part	*p;
	const char		*filename;
	GMimePart		*part;
	size_t			 len;
	char			*data;
	int			 kind;

	if (!GMIME_IS_PART(obj))
		return;
	part = GMIME_PART(obj);
	filename = g_mime_part_get_filename(part);
	kind = tlsrpt_mail_kind(g_mime_object_get_content_type(obj),
	    filename);
	if (kind == 0 || (data = tlsrpt_mail_content(part, &len)) == NULL)
		return;

	m->parts = xreallocarray(m->parts, m->nparts + 1, sizeof *m->parts);
	p = &m->parts[m->nparts++];
	p->data = data;
	p->len = len;
	p->gzipped = kind == 2;
	p->filename = filename != NULL ? xstrdup(filename) : NULL;
}

/* A header as a copy, or NULL. */
static char *
tlsrpt_mail_header(GMimeMessage *msg, const char *name)
{
	const char	*v;

	v = g_mime_object_get_header(GMIME_OBJECT(msg), name);
	return v != NULL ? g_strstrip(xstrdup(v)) : NULL;
}

static void
tlsrpt_mail_fill(GMimeMessage *msg, struct tlsrpt_mail *m)
{
	const char	*id;

	m->report_domain = tlsrpt_mail_header(msg, "TLS-Report-Domain");
	m->submitter = tlsrpt_mail_header(msg, "TLS-Report-Submitter");
	if ((id = g_mime_message_get_message_id(msg)) != NULL)
		m->message_id = xstrdup(id);
	g_mime_message_foreach(msg, tlsrpt_mail_part, m);
}

int
tlsrpt_mail_parse(const char *bytes, size_t len, struct tlsrpt_mail *m,
    char **cause)
{
	GMimeStream	*stream;
	GMimeParser	*parser;
	GMimeMessage	*msg;

	memset(m, 0, sizeof *m);
	if (len > TLSRPT_MAIL_MAX) {
		*cause = xprintf("the message is larger than %d bytes",
		    TLSRPT_MAIL_MAX);
		return -1;
	}
	pthread_once(&tlsrpt_mail_once, tlsrpt_mail_init);

	stream = g_mime_stream_mem_new_with_buffer(bytes, len);
	parser = g_mime_parser_new_with_stream(stream);
	msg = g_mime_parser_construct_message(parser, NULL);
	g_object_unref(parser);
	g_object_unref(stream);
	if (msg == NULL) {
		*cause = xstrdup("not a mail message");
		return -1;
	}
	tlsrpt_mail_fill(msg, m);
	g_object_unref(msg);
	return 0;
}

void
tlsrpt_mail_free(struct tlsrpt_mail *m)
{
	size_t	i;

	for (i = 0; i < m->nparts; i++) {
		free(m->parts[i].data);
		free(m->parts[i].filename);
	}
	free(m->parts);
	free(m->report_domain);
	free(m->submitter);
	free(m->message_id);
	memset(m, 0, sizeof *m);
}

/*
 * The offset of the first "From " line after offset from, for going on
 * past a message GMime cannot read; 0 when there is none or on error.
 * *text says whether anything but blanks came before it.
 */
static gint64
tlsrpt_mbox_next(int fd, gint64 from, int *text)
{
	char	 line[1024];
	FILE	*f;
	off_t	 at;
	gint64	 found = 0;
	int	 line_start = 0, dfd;

	*text = 0;
	if ((dfd = dup(fd)) == -1)
		return 0;
	if ((f = fdopen(dfd, "r")) == NULL) {
		close(dfd);
		return 0;
	}
	if (fseeko(f, (off_t)from, SEEK_SET) == 0) {
		/* Long lines come in pieces; only a real line start counts. */
		while ((at = ftello(f)) != -1 &&
		    fgets(line, sizeof line, f) != NULL) {
			if (line_start && strncmp(line, "From ", 5) == 0) {
				found = (gint64)at;
				break;
			}
			line_start = strchr(line, '\n') != NULL;
			if (strspn(line, " \t\r\n") != strlen(line))
				*text = 1;
		}
	}
	fclose(f);
	return found;
}

long
tlsrpt_mail_mbox(int fd, int (*fn)(void *, struct tlsrpt_mail *),
    void *arg, char **cause)
{
	struct tlsrpt_mail	 m;
	GMimeStream		*stream;
	GMimeParser		*parser;
	GMimeMessage		*msg;
	gint64			 at;
	long			 n = 0;
	int			 stop = 0, text;

	pthread_once(&tlsrpt_mail_once, tlsrpt_mail_init);
	stream = g_mime_stream_fs_new(dup(fd));
	parser = g_mime_parser_new_with_stream(stream);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);

	while (!stop && !g_mime_parser_eos(parser)) {
		at = g_mime_parser_tell(parser);
		msg = g_mime_parser_construct_message(parser, NULL);
		memset(&m, 0, sizeof m);
		if (msg != NULL) {
			tlsrpt_mail_fill(msg, &m);
			g_object_unref(msg);
		} else if ((at = tlsrpt_mbox_next(fd, at, &text)) > 0) {
			/*
			 * GMime gives up on the rest of the file; start a
			 * new parser at the next "From " line.
			 */
			m.unreadable = 1;
			g_object_unref(parser);
			g_mime_stream_seek(stream, at, GMIME_STREAM_SEEK_SET);
			parser = g_mime_parser_new_with_stream(stream);
			g_mime_parser_set_format(parser, GMIME_FORMAT_MBOX);
		} else if (!text)
			break;
		else {
			/* Nothing readable up to the end of the file. */
			m.unreadable = 1;
			stop = 1;
		}
		stop |= fn(arg, &m) != 0;
		tlsrpt_mail_free(&m);
		n++;
	}
	g_object_unref(parser);
	g_object_unref(stream);
	if (n == 0) {
		*cause = xstrdup("no message in the mbox file");
		return -1;
	}
	return n;
}
