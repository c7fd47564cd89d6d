#!/usr/bin/env bash
# imap.sh: `mxanchor reports import --imap` against the lab's Dovecot
# (tests/lab/lib/dovecot.sh), over TLS and STARTTLS; the mailbox's flags
# are the same afterwards.  Usage: imap.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: imap.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

opts=(--resolver "$MXLAB_RESOLVER" --ca-file "$MXLAB_CA_FILE" --timeout 5
    --state "$tmp/state.db")
pw=(--password-file "$MXLAB_IMAP_PASSWORD_FILE")

# The flags of every message, as the server keeps them (\Recent is only
# about the session that first sees a message: no one can keep it).
flags() {
	imap 'UID FETCH 1:* FLAGS' | tr -d '\r' |
	    sed 's/ *\\Recent//g; s/( /(/'
}

# imap COMMAND: one command on the lab mailbox.
imap() {
	curl -q -sS --max-time 5 --noproxy '*' --cacert "$MXLAB_CA_FILE" \
	    --capath /dev/null -u "$MXLAB_IMAP_USER:$(cat "$MXLAB_IMAP_PASSWORD_FILE")" \
	    "$MXLAB_IMAP_URL" -X "$1"
}

# One message read, the others new: both must stay as they are.
imap 'UID STORE 2 +FLAGS.SILENT (\Seen)' >/dev/null
before=$(flags)
tap_like "$before" "UID 2 FLAGS (\Seen)" "the lab mailbox answers, UID 2 read"
tap_like "$before" "UID 1 FLAGS ()" "UID 1 is new"

out=$("$mx" "${opts[@]}" reports import \
    --imap "imaps://$MXLAB_IMAP_USER@$MXLAB_IMAP_ADDR/INBOX" "${pw[@]}" \
    2>"$tmp/err")
tap_is "$?" 0 "imaps: exit 0"
tap_like "$out" "$MXLAB_IMAP_REPORTS reports read: $MXLAB_IMAP_REPORTS new" \
    "imaps: every report mail imported"
tap_like "$out" "1 without a report, skipped" "imaps: the other mail is skipped"
tap_is "$(flags)" "$before" "imaps: the flags are as they were"

out=$("$mx" "${opts[@]}" reports import \
    --imap "imap://$MXLAB_IMAP_ADDR/INBOX" --imap-user "$MXLAB_IMAP_USER" \
    "${pw[@]}" 2>"$tmp/err")
tap_is "$?" 0 "imap with STARTTLS: exit 0"
tap_like "$out" "0 new, $MXLAB_IMAP_REPORTS already stored" \
    "imap with STARTTLS: nothing stored twice"

out=$("$mx" "${opts[@]}" reports summary good.test --json)
tap_is "$(jq '.days | length' <<<"$out")" "$MXLAB_IMAP_REPORTS" \
    "summary: a day per report mail"
tap_is "$(jq -r '.days[0].failures[0].result_type' <<<"$out")" \
    certificate-host-mismatch "summary: the failure the reports carry"

# A wrong password, an untrusted certificate: clear errors, exit 1.
echo wrong >"$tmp/wrong"
"$mx" "${opts[@]}" reports import --imap "$MXLAB_IMAP_URL" \
    --imap-user "$MXLAB_IMAP_USER" --password-file "$tmp/wrong" \
    >/dev/null 2>"$tmp/err"
tap_is "$?" 1 "wrong password: exit 1"
tap_like "$(cat "$tmp/err")" "Login denied" "wrong password: says so"
tap_is "$(grep -c wrong "$tmp/err")" 0 "wrong password: not echoed"

"$mx" --resolver "$MXLAB_RESOLVER" --ca-file /dev/null --timeout 5 \
    --state "$tmp/state.db" reports import --imap "$MXLAB_IMAP_URL" \
    --imap-user "$MXLAB_IMAP_USER" "${pw[@]}" >/dev/null 2>"$tmp/err"
tap_is "$?" 1 "untrusted certificate: exit 1"
tap_like "$(cat "$tmp/err")" "certificate" "untrusted certificate: says so"

"$mx" "${opts[@]}" reports import --imap "$MXLAB_IMAP_URL" >/dev/null 2>&1
tap_is "$?" 2 "no password file: a usage error"
"$mx" "${opts[@]}" reports import "${pw[@]}" \
    --imap "imaps://$MXLAB_IMAP_USER:s3cret@$MXLAB_IMAP_ADDR/INBOX" \
    >"$tmp/out" 2>&1
tap_is "$?" 2 "a password in the URL: a usage error"
tap_is "$(grep -c s3cret "$tmp/out")" 0 "a password in the URL: not echoed"

imap 'UID STORE 2 -FLAGS.SILENT (\Seen)' >/dev/null
tap_done
