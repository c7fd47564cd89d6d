#!/usr/bin/env bash
# publish.sh: `mxanchor tlsa --publish` against the lab's Knot: RFC 2136
# with TSIG, keys in both file formats, idempotence, the refusals, and the
# check on every authoritative server.  Uses roll.test, reset first.
# Usage: publish.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/lab_tlsa.sh"
mx=${1:?usage: publish.sh MXANCHOR}
lab_env
. "$MXLAB_SCENARIOS/roll.test.env"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

net=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 3 --state "$tmp/state.db")
lab_tlsa_set roll.test "3 1 1 $SERVED_311"
lab_flush roll.test

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$tmp/next.key" 2>/dev/null
next=$("$mx" tlsa --key "$tmp/next.key" --host "$MX_HOST" --json |
    jq -r '.[0].data')

# A new key's record is added beside the current one and seen everywhere.
out=$("$mx" "${net[@]}" tlsa --key "$tmp/next.key" --host "$MX_HOST" \
    --publish --tsig "$MXLAB_TSIG" 2>&1)
tap_is "$?" 0 "publish: exit 0"
tap_like "$out" "update accepted" "publish: the update was accepted"
tap_like "$out" "1 of 1 authoritative servers" "publish: every server asked"
tap_like "$out" "ok   ns1.test [$MXLAB_AUTH]" "publish: ns1.test serves it"
tap_is "$(lab_tlsa_rrset roll.test)" \
    "$(printf '3 1 1 %s\n3 1 1 %s\n' "$SERVED_311" "$next" | sort)" \
    "publish: the RRset holds the current and the new record"
tap_is "$(kdig +norec +noall +answer @"$MXLAB_AUTH" "$TLSA_NAME" TLSA |
    awk '{ print $2 }' | sort -u)" 300 \
    "publish: the RRset keeps its TTL"

# Again: nothing to send, the zone does not move.
serial=$(lab_serial roll.test)
out=$("$mx" "${net[@]}" tlsa --key "$tmp/next.key" --host "$MX_HOST" \
    --publish --tsig "$MXLAB_TSIG_BIND" 2>&1)
tap_is "$?" 0 "publish again (BIND key file): exit 0"
tap_like "$out" "already published" "publish again: nothing to send"
tap_is "$(lab_serial roll.test)" "$serial" "publish again: serial unchanged"

# A wrong secret: refused, the zone untouched, the secret never shown.
sed 's/:[^:]*$/:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' "$MXLAB_TSIG" \
    >"$tmp/wrong.key"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$tmp/other.key" 2>/dev/null
out=$("$mx" "${net[@]}" tlsa --key "$tmp/other.key" --host "$MX_HOST" \
    --publish --tsig "$tmp/wrong.key" 2>&1)
tap_is "$?" 2 "wrong secret: exit 2"
tap_like "$out" "key lab-update" "wrong secret: names the key"
tap_like "$out" "wrong key file" "wrong secret: says what is likely wrong"
tap_is "$(grep -c -F "$(cut -d: -f3 "$MXLAB_TSIG")" <<<"$out")" 0 \
    "wrong secret: the real secret is not printed"
tap_is "$(grep -c AAAAAAAAAAAAAAAAAAAA <<<"$out")" 0 \
    "wrong secret: the given secret is not printed"
tap_is "$(lab_serial roll.test)" "$serial" "wrong secret: zone unchanged"

# A key the server does not know at all: NOTAUTH, said in words.
printf 'hmac-sha256:stranger:%s\n' "$(cut -d: -f3 "$MXLAB_TSIG")" \
    >"$tmp/stranger.key"
out=$("$mx" "${net[@]}" tlsa --key "$tmp/other.key" --host "$MX_HOST" \
    --publish --tsig "$tmp/stranger.key" 2>&1)
tap_is "$?" 2 "unknown key: exit 2"
tap_like "$out" "stranger" "unknown key: names the key"

# A primary that does not answer: a clear error within the timeout.
start=$(date +%s)
out=$("$mx" "${net[@]}" --timeout 1 tlsa --key "$tmp/other.key" \
    --host "$MX_HOST" --publish --tsig "$MXLAB_TSIG" \
    --server 127.0.59.9 2>&1)
tap_is "$?" 2 "silent primary: exit 2"
tap_like "$out" "does not answer" "silent primary: says so"
tap_result "$(( $(date +%s) - start > 10 ))" \
    "silent primary: gives up within the timeout"

# Usage: --publish without a key file.
"$mx" "${net[@]}" tlsa --key "$tmp/other.key" --host "$MX_HOST" \
    --publish >/dev/null 2>&1
tap_is "$?" 2 "--publish without --tsig: exit 2"
bad=$tmp/bad.key
echo "hmac-sha256:lab-update:not base64!" >"$bad"
out=$("$mx" "${net[@]}" tlsa --key "$tmp/other.key" --host "$MX_HOST" \
    --publish --tsig "$bad" 2>&1)
tap_is "$?" 2 "a malformed key file: exit 2"
tap_like "$out" "not base64" "a malformed key file: says why"
tap_is "$(grep -c 'not base64!' <<<"$out")" 0 \
    "a malformed key file: the secret is not echoed"

# The served key still matches: check passes with the extra record.
lab_flush roll.test
"$mx" "${net[@]}" check roll.test --json >"$tmp/check.json"
tap_is "$(jq -r '.steps[] | select(.id == "tlsa") | .status' \
    "$tmp/check.json")" pass "check: tlsa passes with current + next"
artifact() {
	jq -r --arg n "$1" '.steps[] | select(.id == "tlsa") | .artifacts[] |
	    select(.name | startswith($n)) | .content' "$tmp/$2.json"
}
tap_is "$(artifact "nsupdate script" check)" "" \
    "check: nothing to publish while the served key matches"

# stale.test serves a key nobody published: the same records for an
# nsupdate script and for a provider's web form.
stale_served=$(. "$MXLAB_SCENARIOS/stale.test.env" && echo "$SERVED_311")
"$mx" "${net[@]}" check stale.test --json >"$tmp/stale.json"
tap_like "$(artifact "nsupdate script" stale)" \
    "zone stale.test.
update add _25._tcp.mx.stale.test. 300 IN TLSA 3 1 1 $stale_served" \
    "check: an nsupdate script for the served key"
tap_like "$(artifact "The same records" stale)" \
    "Data:           $stale_served" \
    "check: the record for a provider's web form"

lab_tlsa_set roll.test "3 1 1 $SERVED_311"
tap_done
