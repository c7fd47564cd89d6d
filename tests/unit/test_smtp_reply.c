/*
 * Unit tests for smtp_reply_parse() in probes/smtp.c: when the bytes
 * received so far hold a complete SMTP reply (RFC 5321 §4.2), with the
 * greetings of case 020 under tests/data/cases/.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "smtp.h"
#include "xmalloc.h"

#define CASE020	"020-smtp-multiline-greeting"

/* The bytes of a case 020 file, NUL-terminated; *len set. */
static char *
case_read(const char *file, size_t *len)
{
	char	*path, *buf;
	FILE	*fp;
	long	 size = 0;

	path = xprintf("%s/cases/%s/%s", TEST_DATA, CASE020, file);
	if ((fp = fopen(path, "rb")) == NULL)
		fail_msg("cannot open %s", path);
	if (fseek(fp, 0, SEEK_END) != 0 || (size = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) != 0)
		fail_msg("cannot size %s", path);
	buf = xmalloc((size_t)size + 1);
	if (fread(buf, 1, (size_t)size, fp) != (size_t)size)
		fail_msg("short read on %s", path);
	buf[size] = '\0';
	fclose(fp);
	free(path);
	*len = (size_t)size;
	return buf;
}

/*
 * The server lines of a transcript ("@+0.0s  S: text"), each ended by
 * CRLF as on the wire.  *greeting is set to the length of the lines sent
 * before the client first speaks.
 */
static char *
transcript_server_bytes(const char *file, size_t *greeting)
{
	char	*buf, *line, *next, *s, *out = xstrdup(""), *tmp;
	size_t	 len;
	int	 client_spoke = 0;

	*greeting = 0;
	buf = case_read(file, &len);
	for (line = buf; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (*line != '@')
			continue;
		if (strstr(line, "  C: ") != NULL) {
			client_spoke = 1;
			continue;
		}
		if ((s = strstr(line, "  S: ")) == NULL)
			fail_msg("%s: bad line \"%s\"", file, line);
		tmp = xprintf("%s%s\r\n", out, s + 5);
		free(out);
		out = tmp;
		if (!client_spoke)
			*greeting = strlen(out);
	}
	free(buf);
	return out;
}

/*
 * Case 020: the first greeting line of a postscreen-style server is a
 * continuation line; the greeting is not complete yet (§4.2).
 */
static void
test_case020_greeting_part1_incomplete(void **state)
{
	char	*part1;
	size_t	 len, used = 12345;
	int	 code = -2;

	part1 = case_read("greeting-part1.bin", &len);
	assert_int_equal(len, strlen("220-mx1.example.net ESMTP ready\r\n"));
	assert_int_equal(smtp_reply_parse(part1, len, &code, &used), 0);
	free(part1);
}

/* Case 020: with the second line the greeting is one 220 reply. */
static void
test_case020_greeting_parts_complete(void **state)
{
	char	*part1, *part2, *buf;
	size_t	 len1, len2, used = 0;
	int	 code = 0;

	part1 = case_read("greeting-part1.bin", &len1);
	part2 = case_read("greeting-part2.bin", &len2);
	buf = xmalloc(len1 + len2);
	memcpy(buf, part1, len1);
	memcpy(buf + len1, part2, len2);

	assert_int_equal(smtp_reply_parse(buf, len1 + len2, &code, &used), 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, len1 + len2);
	free(buf);
	free(part1);
	free(part2);
}

/*
 * Case 020: every prefix of the two-part greeting, including cuts in the
 * middle of a line and between CR and LF, is "need more" (§4.2).
 */
static void
test_case020_greeting_split_anywhere_incomplete(void **state)
{
	char	*part1, *part2, *buf;
	size_t	 len1, len2, k, used;
	int	 code, rc;

	part1 = case_read("greeting-part1.bin", &len1);
	part2 = case_read("greeting-part2.bin", &len2);
	buf = xmalloc(len1 + len2);
	memcpy(buf, part1, len1);
	memcpy(buf + len1, part2, len2);

	for (k = 0; k < len1 + len2; k++) {
		if ((rc = smtp_reply_parse(buf, k, &code, &used)) != 0)
			fail_msg("prefix of %zu bytes: returned %d, want 0", k,
			    rc);
	}
	free(buf);
	free(part1);
	free(part2);
}

/*
 * Case 020: a four-line greeting whose third line's text starts with
 * digits ("220-234 lines ...") and whose last line is the bare code is
 * one reply; the EHLO reply after it is not part of it (§4.2).
 */
static void
test_case020_banner_notice_one_reply(void **state)
{
	static const char	 want[] =
	    "220-relay.example.org ESMTP\r\n"
	    "220-Unsolicited bulk mail is not accepted here.\r\n"
	    "220-234 lines beginning with digits are still greeting text\r\n"
	    "220\r\n";
	char			*bytes;
	size_t			 greeting, used = 0;
	int			 code = 0;

	bytes = transcript_server_bytes("transcript-banner-notice.txt",
	    &greeting);
	assert_int_equal(greeting, sizeof want - 1);
	assert_memory_equal(bytes, want, greeting);

	/* The greeting alone. */
	assert_int_equal(smtp_reply_parse(bytes, greeting, &code, &used), 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, greeting);

	/* Followed by the EHLO reply: only the greeting is taken. */
	code = 0;
	used = 0;
	assert_int_equal(smtp_reply_parse(bytes, strlen(bytes), &code, &used),
	    1);
	assert_int_equal(code, 220);
	assert_int_equal(used, greeting);
	free(bytes);
}

/* Case 020: no prefix of the four-line greeting is a complete reply. */
static void
test_case020_banner_notice_prefixes_incomplete(void **state)
{
	char	*bytes;
	size_t	 greeting, k, used;
	int	 code, rc;

	bytes = transcript_server_bytes("transcript-banner-notice.txt",
	    &greeting);
	for (k = 0; k < greeting; k++) {
		if ((rc = smtp_reply_parse(bytes, k, &code, &used)) != 0)
			fail_msg("prefix of %zu bytes: returned %d, want 0", k,
			    rc);
	}
	free(bytes);
}

/* Case 020: the EHLO reply of transcript-ok.txt is one 250 reply. */
static void
test_case020_ehlo_reply(void **state)
{
	char	*bytes;
	size_t	 greeting, used = 0, ehlo_len;
	int	 code = 0;

	bytes = transcript_server_bytes("transcript-ok.txt", &greeting);
	assert_int_equal(smtp_reply_parse(bytes, strlen(bytes), &code, &used),
	    1);
	assert_int_equal(code, 220);
	assert_int_equal(used, greeting);

	/* Next: the EHLO reply, ended by "250 CHUNKING". */
	ehlo_len = (size_t)(strstr(bytes, "250 CHUNKING\r\n") - bytes) +
	    strlen("250 CHUNKING\r\n") - greeting;
	assert_int_equal(smtp_reply_parse(bytes + greeting,
	    strlen(bytes) - greeting, &code, &used), 1);
	assert_int_equal(code, 250);
	assert_int_equal(used, ehlo_len);
	free(bytes);
}

/* §4.2: bytes that are not a reply code are rejected, not waited for. */
static void
test_reply_garbage_rejected(void **state)
{
	static const char	*garbage[] = {
		"HTTP/1.1 400 Bad Request\r\n",
		"SSH-2.0-OpenSSH_9.6\r\n",
		"hello",
		"\r\n",
		"22\r\n",
		"2x0 nope\r\n",
		"220x\r\n",
		"220-first\r\nnot a reply line\r\n",
		/* §4.2.1: every line carries the same code, 2xx to 5xx. */
		"250-first\r\n220 second\r\n",
		"999 no such class\r\n",
		"120 too low\r\n",
	};
	size_t			 i, used;
	int			 code, rc;

	for (i = 0; i < sizeof garbage / sizeof *garbage; i++) {
		rc = smtp_reply_parse(garbage[i], strlen(garbage[i]), &code,
		    &used);
		if (rc != -1)
			fail_msg("\"%s\": returned %d, want -1", garbage[i],
			    rc);
	}
}

/*
 * §4.2: a reply split in the middle of a line is incomplete until the
 * last line has arrived with its terminator.
 */
static void
test_reply_split_mid_line(void **state)
{
	static const char	 reply[] = "250-mx.example.net\r\n"
	    "250-STARTTLS\r\n250 SIZE 10240000\r\n";
	size_t			 used;
	int			 code;

	assert_int_equal(smtp_reply_parse(reply, 5, &code, &used), 0);
	assert_int_equal(smtp_reply_parse(reply, 24, &code, &used), 0);
	assert_int_equal(smtp_reply_parse(reply, sizeof reply - 4, &code,
	    &used), 0);
	assert_int_equal(smtp_reply_parse(reply, sizeof reply - 2, &code,
	    &used), 0);
	assert_int_equal(smtp_reply_parse(reply, sizeof reply - 1, &code,
	    &used), 1);
	assert_int_equal(code, 250);
	assert_int_equal(used, sizeof reply - 1);
}

/* Lenient on input: LF alone ends a line too. */
static void
test_reply_lf_only(void **state)
{
	static const char	 reply[] = "220-mx1.example.net ESMTP\n"
	    "220 ready\n";
	size_t			 used;
	int			 code;

	assert_int_equal(smtp_reply_parse(reply, sizeof reply - 1, &code,
	    &used), 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, sizeof reply - 1);

	assert_int_equal(smtp_reply_parse("220-a\n220\n", 10, &code, &used),
	    1);
	assert_int_equal(used, 10);
}

/* §4.2: a single-line reply, with text or as the bare code. */
static void
test_reply_single_line(void **state)
{
	size_t	used;
	int	code;

	assert_int_equal(smtp_reply_parse("220 2.0.0 Ready to start TLS\r\n",
	    30, &code, &used), 1);
	assert_int_equal(code, 220);
	assert_int_equal(used, 30);

	assert_int_equal(smtp_reply_parse("421\r\n", 5, &code, &used), 1);
	assert_int_equal(code, 421);
	assert_int_equal(used, 5);
}

/* RFC 3207 §4: STARTTLS is an extension line of the EHLO reply. */
static void
test_ehlo_starttls(void **state)
{
	static const char	ok[] = "250-mx.example.net\r\n250-PIPELINING"
	    "\r\n250-starttls\r\n250 8BITMIME\r\n";
	static const char	last[] = "250-mx.example.net\r\n250 STARTTLS\r\n";
	static const char	longer[] = "250-mx.example.net\r\n"
	    "250-STARTTLSX\r\n250 SIZE 10240000\r\n";
	static const char	name[] = "250 STARTTLS\r\n";
	static const char	cut[] = "250-mx.example.net\r\n250-STARTTLS\r\n";
	int			code, tls;

	assert_int_equal(smtp_ehlo_parse(ok, sizeof ok - 1, &code, &tls), 0);
	assert_int_equal(code, 250);
	assert_true(tls);
	assert_int_equal(smtp_ehlo_parse(last, sizeof last - 1, &code, &tls),
	    0);
	assert_true(tls);
	/* Another keyword that starts with the same letters is not it. */
	assert_int_equal(smtp_ehlo_parse(longer, sizeof longer - 1, &code,
	    &tls), 0);
	assert_false(tls);
	/* The first line is the server's name, never an extension. */
	assert_int_equal(smtp_ehlo_parse(name, sizeof name - 1, &code, &tls),
	    0);
	assert_false(tls);
	/* An incomplete reply is no reply. */
	assert_int_equal(smtp_ehlo_parse(cut, sizeof cut - 1, &code, &tls),
	    -1);
	assert_false(tls);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_case020_greeting_part1_incomplete),
		cmocka_unit_test(test_case020_greeting_parts_complete),
		cmocka_unit_test(
		    test_case020_greeting_split_anywhere_incomplete),
		cmocka_unit_test(test_case020_banner_notice_one_reply),
		cmocka_unit_test(
		    test_case020_banner_notice_prefixes_incomplete),
		cmocka_unit_test(test_case020_ehlo_reply),
		cmocka_unit_test(test_reply_garbage_rejected),
		cmocka_unit_test(test_reply_split_mid_line),
		cmocka_unit_test(test_reply_lf_only),
		cmocka_unit_test(test_reply_single_line),
		cmocka_unit_test(test_ehlo_starttls),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
