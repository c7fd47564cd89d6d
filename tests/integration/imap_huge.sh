#!/usr/bin/env bash
# imap_huge.sh: `reports import --imap` on a mailbox that holds a huge
# message (40 MiB, beyond the 32 MiB a report mail may have) next to a
# small report: the huge one is skipped and said so, the report is
# imported, and neither time nor memory follows the huge message's size.
# The lab's Dovecot serves it (a real server may well hold such a mail);
# the test makes its own mailbox and deletes it.  The memory bound is a
# safety net, not a measurement.
#
# Usage: imap_huge.sh PATH-TO-MXANCHOR.  Skips on a build without IMAP.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: imap_huge.sh MXANCHOR}
lab_env

if ! "$mx" --help 2>&1 | grep -q 'reports import' ||
    [[ -z ${MXLAB_IMAP_URL-} ]]; then
	echo "1..0 # SKIP no IMAP import in this build, or no IMAP lab"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mximap.XXXXXX")
box=Huge$$
base=${MXLAB_IMAP_URL%/*}

# imap [CURL ARGS...]: curl on the lab's IMAP server, as the lab user.
imap() {
	curl -q -sS --max-time 60 --noproxy '*' --cacert "$MXLAB_CA_FILE" \
	    --capath /dev/null \
	    -u "$MXLAB_IMAP_USER:$(cat "$MXLAB_IMAP_PASSWORD_FILE")" "$@"
}
trap 'imap "$base/" -X "DELETE $box" >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# A mail of 40 MiB: headers, then base64 lines of nothing much.
{
	printf 'From: flood@hostile.example\r\nTo: tlsrpt@good.test\r\n'
	printf 'Subject: Report Domain: good.test\r\n'
	printf 'Content-Type: application/tlsrpt+gzip\r\n'
	printf 'Content-Transfer-Encoding: base64\r\n\r\n'
	head -c $((30 * 1024 * 1024)) /dev/zero | base64 -w 76 |
	    sed 's/$/\r/'
} >"$tmp/huge.eml"

imap "$base/" -X "CREATE $box" >/dev/null
imap "$base/$box" -T "$tmp/huge.eml"
tap_is "$?" 0 "the 40 MiB message is in the mailbox"
# And the lab's report mails, which must still come in.
imap "$MXLAB_IMAP_URL" -X "UID COPY 1:* $box" >/dev/null
tap_is "$?" 0 "the lab's $MXLAB_IMAP_REPORTS report mails are copied beside it"

start=$(date +%s%N)
/usr/bin/time -f '%M' -o "$tmp/rss" "$mx" --resolver "$MXLAB_RESOLVER" \
    --ca-file "$MXLAB_CA_FILE" --timeout 30 --state "$tmp/state.db" \
    reports import --imap "imaps://$MXLAB_IMAP_USER@${base#*://}/$box" \
    --password-file "$MXLAB_IMAP_PASSWORD_FILE" >"$tmp/out" 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
rss=$(tail -n 1 "$tmp/rss")

tap_result $((rc > 1)) "import: a verdict, no crash (exit $rc)"
tap_like "$(cat "$tmp/out" "$tmp/err")" "too large" \
    "import: the huge message is said to be too large"
tap_is "$(sqlite3 "$tmp/state.db" 'select count(*) from tlsrpt_reports' \
    2>/dev/null)" "$MXLAB_IMAP_REPORTS" \
    "import: the report mails next to it came in"
tap_result $((ms < 60000 ? 0 : 1)) "import: ended in $ms ms (bound 60 s)"
tap_result $((rss < 200 * 1024 ? 0 : 1)) \
    "import: peak memory $((rss / 1024)) MiB (bound 200 MiB)"
tap_done
