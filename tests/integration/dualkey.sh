#!/usr/bin/env bash
# dualkey.sh: a mail server with two certificates, ECDSA and RSA
# (dual.test, dualhalf.test).  check asks for each key (sessions that
# offer only RSA or only ECDSA signatures) and wants a TLSA record for
# both; the renewal hook checks each renewed key on its own.
# Usage: dualkey.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/lab_tlsa.sh"
mx=${1:?usage: dualkey.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
. "$MXLAB_SCENARIOS/dual.test.env"
ecdsa_311=$SERVED_311 rsa_311=$RSA_311
certs=$MXLAB_DIR/certs/$MX_HOST

restore() {
	lab_tlsa_set dual.test "3 1 1 $ecdsa_311" "3 1 1 $rsa_311" >/dev/null
	lab_flush dual.test
	"$here/../lab/pending-reset.sh" "$MXLAB_DIR" >/dev/null 2>&1
	rm -rf "$tmp"
}
trap restore EXIT

net=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --no-state)

check_json() {
	"$mx" "${net[@]}" check "$1" --json >"$tmp/$1.json" 2>"$tmp/$1.err"
}

tlsa_codes() {
	jq -r '.steps[] | select(.id == "tlsa") | .status + ": " +
	    ([.findings[].code] | join(" "))' "$tmp/$1.json"
}

# ---- check

check_json dual.test
tap_like "$(tlsa_codes dual.test)" 'pass: ' \
    "dual.test: TLSA for both keys passes"
tap_is "$(jq -r '.observation.hosts[0].addresses[0] |
    .spki_sha256 + " " + (.other_keys[0].key // "") + " " +
    (.other_keys[0].spki_sha256 // "")' "$tmp/dual.test.json")" \
    "$ecdsa_311 RSA $rsa_311" \
    "dual.test: the ECDSA key, and the RSA key beside it"

. "$MXLAB_SCENARIOS/dualhalf.test.env"
check_json dualhalf.test
tap_like "$(tlsa_codes dualhalf.test)" 'tlsa.other-key' \
    "dualhalf.test: the RSA key without a record fails the step"
tap_is "$(jq -r '.steps[] | select(.id == "tlsa") | .status' \
    "$tmp/dualhalf.test.json")" fail "dualhalf.test: the tlsa step fails"
tap_like "$(jq -r '.steps[] | select(.id == "tlsa") | .artifacts[] |
    select(.kind == "zone") | .content' "$tmp/dualhalf.test.json")" \
    "TLSA 3 1 1 $RSA_311" \
    "dualhalf.test: the records to publish include the RSA key's"
tap_like "$(jq -r '.steps[] | select(.id == "tlsa") | .artifacts[] |
    select(.kind == "script") | .content' "$tmp/dualhalf.test.json")" \
    "TLSA 3 1 1 $RSA_311" \
    "dualhalf.test: so does the nsupdate script"

tap_like "$(jq -r '.steps[] | select(.id == "mta-sts") | .findings[] |
    select(.code == "sts.mx-pkix") | .message' \
    "$tmp/dualhalf.test.json")" "its RSA certificate, which senders that" \
    "dualhalf.test: the leftover RSA certificate fails WebPKI (MTA-STS)"

enforce_gate() {	# enforce_gate DOMAIN CODE: the gate's message
	jq -r --arg c "$2" '.steps[] | select(.id == "enforce") |
	    .findings[] | select(.code == $c) | .message' "$tmp/$1.json"
}
tap_like "$(enforce_gate dualhalf.test enforce.gate.mta-sts)" \
    "gate closed: the mta-sts step reports 1 broken MUST" \
    "dualhalf.test: a broken MUST in testing closes the enforce gate"
tap_like "$(enforce_gate dualhalf.test enforce.gate.mx-tls)" \
    "gate closed: mx.dualhalf.test [$MX_ADDR], to senders that prefer RSA" \
    "dualhalf.test: so does the RSA certificate in the MX TLS gate"

# A server with one key: no other key, no extra finding.
check_json good.test
tap_is "$(jq -r '[.observation.hosts[].addresses[] | .other_keys // [] |
    length] | add' "$tmp/good.test.json")" 0 \
    "good.test: one key, nothing beside it"

# ---- the renewal hook: each key served is checked on its own

. "$MXLAB_SCENARIOS/dual.test.env"
hook_dual() {
	"$mx" "${net[@]}" hook dual.test --host "$MX_HOST" \
	    --tsig "$MXLAB_TSIG" --server "$MXLAB_AUTH" \
	    --postfix-config "$MXLAB_POSTFIX_CONFIG" --wait 10 "$@" \
	    >"$tmp/hook.out" 2>&1
}

hook_dual --cert "$certs.crt" --cert "$certs.rsa.crt"
rc=$?
out=$(cat "$tmp/hook.out")
tap_is "$rc" 0 "hook, both keys served: exit 0"
tap_like "$out" "serves the renewed ecdsa key on every address" \
    "hook: the ECDSA key checked"
tap_like "$out" "serves the renewed rsa key on every address" \
    "hook: the RSA key checked"

# An RSA certificate the server does not load: the hook must say so,
# even though the ECDSA key a default client gets is right.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/new.key" \
    -out "$tmp/new.crt" -subj "/CN=$MX_HOST" -days 2 2>/dev/null
hook_dual --cert "$certs.crt" --cert "$tmp/new.crt"
rc=$?
out=$(cat "$tmp/hook.out")
tap_is "$rc" 1 "hook, RSA key not served: exit 1"
tap_like "$out" "does not serve the renewed rsa key" \
    "hook: names the RSA key as the one not served"

tap_done
