#!/usr/bin/env bash
# acme.sh: the renewal hook with a real ACME client.  certbot gets a
# certificate for mx.acme.test from the lab's Pebble, the lab Postfix
# serves it, certbot renews it with a new key and the generated deploy
# hook keeps TLSA in step (check passes after the renewal); a renewal
# that reuses the key leaves TLSA alone; a hook whose publishing fails
# exits non-zero and check shows it.  The dehydrated and acme.sh hook
# files are run as those clients would run them.
# Usage: acme.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/lab_tlsa.sh"
mx=${1:?usage: acme.sh MXANCHOR}
lab_env
. "$MXLAB_SCENARIOS/acme.test.env"
command -v certbot >/dev/null ||
	{ echo "Bail out! certbot is missing: run tests/lab/deps.sh"; exit 1; }
tmp=$(mktemp -d)
chmod 755 "$tmp"
le=$tmp/le
live=$le/c/live/$MX_HOST
listener="$MX_ADDR:smtp/inet"

restore() {
	postconf -c "$MXLAB_POSTFIX_CONFIG" -P \
	    "$listener/smtpd_tls_chain_files=$MXLAB_DIR/certs/$MX_HOST.pem"
	postfix -c "$MXLAB_POSTFIX_CONFIG" reload >/dev/null 2>&1
	lab_tlsa_set acme.test "3 1 1 $SERVED_311" >/dev/null
	rm -rf "$tmp"
}
trap restore EXIT

net=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 3 --state "$tmp/state.db")
lab_tlsa_set acme.test "3 1 1 $SERVED_311"
lab_flush acme.test

# Without a terminal certbot would sleep up to 8 minutes before a renewal
# (to spread the load on Let's Encrypt); --no-random-sleep-on-renew, an
# undocumented option of certbot 2.1, turns that off.
certbot_run() {
	REQUESTS_CA_BUNDLE=$MXLAB_CA_FILE certbot "$@" --config-dir "$le/c" \
	    --work-dir "$le/w" --logs-dir "$le/l" --non-interactive \
	    >"$tmp/certbot.out" 2>&1
	local status=$?
	[[ $status == 0 ]] || tail -n 15 "$tmp/certbot.out" | sed 's/^/# /'
	return "$status"
}

spki() {
	openssl pkey -in "$live/privkey.pem" -pubout -outform DER |
	    openssl dgst -sha256 -r | cut -d' ' -f1
}

tlsa_check() {
	lab_flush acme.test
	"$mx" "${net[@]}" check acme.test --json >"$tmp/check.json" 2>/dev/null
	jq -r '.steps[] | select(.id == "tlsa") | .status' "$tmp/check.json"
}

tlsa_finding() {
	jq -r --arg c "$1" '.steps[] | select(.id == "tlsa") | .findings[] |
	    select(.code == $c) | .message' "$tmp/check.json"
}

hook_file() {
	"$mx" "${net[@]}" hook-file "$@" --host "$MX_HOST" \
	    --postfix-config "$MXLAB_POSTFIX_CONFIG" --wait 10
}

# A certificate from Pebble, with a new ECDSA key.
certbot_run certonly --server "$MXLAB_ACME_DIRECTORY" --standalone \
    --http-01-address 127.0.0.1 --http-01-port 5080 -d "$MX_HOST" \
    --cert-name "$MX_HOST" --register-unsafely-without-email --agree-tos \
    --key-type ecdsa
tap_is "$?" 0 "certbot gets a certificate from Pebble"
k1=$(spki)

# The certbot hook: refused for a lineage that changes keys, unless forced.
out=$(hook_file certbot acme.test --lineage "$MX_HOST" \
    --certbot-dir "$le/c" --tsig "$MXLAB_TSIG" --out "$tmp/hook" 2>&1)
tap_is "$?" 1 "hook-file certbot: a lineage without reuse_key is refused"
tap_like "$out" "gets a new key at every renewal" "hook-file: says why"
hook_file certbot acme.test --lineage "$MX_HOST" --certbot-dir "$le/c" \
    --tsig "$MXLAB_TSIG" --out "$tmp/hook" --force 2>/dev/null
tap_is "$?" 0 "hook-file certbot --force: written"
tap_is "$(stat -c %a "$tmp/hook")" 755 "the hook file is executable"
sh -n "$tmp/hook"
tap_is "$?" 0 "the hook file is valid sh"

# Install: Postfix serves the lineage's files; the hook publishes first.
postconf -c "$MXLAB_POSTFIX_CONFIG" -P \
    "$listener/smtpd_tls_chain_files=$live/privkey.pem,$live/fullchain.pem"
out=$(RENEWED_LINEAGE=$live "$tmp/hook" 2>&1)
tap_is "$?" 0 "first install through the hook: exit 0"
tap_like "$out" "serves the renewed ecdsa key on every address" \
    "first install: Postfix serves the new key"
tap_is "$(tlsa_check)" pass "after the install: tlsa passes"

# Renewal with a new key: the deploy hook keeps TLSA in step.
certbot_run renew --no-random-sleep-on-renew --force-renewal \
    --cert-name "$MX_HOST" --deploy-hook "$tmp/hook"
tap_is "$?" 0 "certbot renews with a new key"
k2=$(spki)
tap_result "$([[ $k2 != "$k1" ]]; echo $?)" "the renewal changed the key"
tap_like "$(lab_tlsa_rrset acme.test)" "3 1 1 $k2" \
    "the new key's record is in the zone"
tap_is "$(tlsa_check)" pass "after the renewal: tlsa passes"
tap_like "$(tlsa_finding tlsa.hook-ok)" "3 1 1 $k2 published" \
    "check shows the hook run"

# Renewal that keeps the key: TLSA is left as it is.
serial=$(lab_serial acme.test)
rrset=$(lab_tlsa_rrset acme.test)
certbot_run renew --no-random-sleep-on-renew --force-renewal \
    --cert-name "$MX_HOST" --reuse-key --deploy-hook "$tmp/hook"
tap_is "$?" 0 "certbot renews reusing the key"
tap_is "$(spki)" "$k2" "the key is the same"
tap_is "$(lab_tlsa_rrset acme.test)" "$rrset" "TLSA unchanged"
tap_is "$(lab_serial acme.test)" "$serial" "no update sent (serial)"
tap_is "$(tlsa_check)" pass "with the key reused: tlsa passes"
tap_like "$(tlsa_finding tlsa.hook-ok)" "already published (key unchanged)" \
    "the hook says the key is unchanged"
hook_file certbot acme.test --lineage "$MX_HOST" --certbot-dir "$le/c" \
    --tsig "$MXLAB_TSIG" >/dev/null 2>&1
tap_is "$?" 0 "hook-file certbot: a lineage that reuses its key is fine"

# dehydrated and acme.sh hook files, run as those clients run them.
echo 'echo "chained $1" >>"'"$tmp"'/chained"' >"$tmp/previous"
chmod +x "$tmp/previous"
hook_file dehydrated acme.test --tsig "$MXLAB_TSIG" \
    --chain-hook "$tmp/previous" --out "$tmp/dehydrated" 2>/dev/null
"$tmp/dehydrated" deploy_challenge "$MX_HOST" token value
tap_is "$(cat "$tmp/chained" 2>/dev/null)" "chained deploy_challenge" \
    "dehydrated: other calls go to the previous hook"
out=$("$tmp/dehydrated" deploy_cert "$MX_HOST" "$live/privkey.pem" \
    "$live/cert.pem" "$live/fullchain.pem" "$live/chain.pem" 0 2>&1)
tap_is "$?" 0 "dehydrated deploy_cert: exit 0"
tap_like "$out" "already published (key unchanged)" \
    "dehydrated deploy_cert: the record is there"
tap_like "$(cat "$tmp/chained")" "chained deploy_cert" \
    "dehydrated deploy_cert: then the previous hook gets it too"
hook_file acme.sh acme.test --tsig "$MXLAB_TSIG" --cert /nonexistent \
    --out "$tmp/acmesh" 2>/dev/null
out=$(CERT_FULLCHAIN_PATH=$live/fullchain.pem "$tmp/acmesh" 2>&1)
tap_is "$?" 0 "acme.sh hook with CERT_FULLCHAIN_PATH: exit 0"
out=$("$tmp/acmesh" 2>&1)
tap_is "$?" 1 "acme.sh hook: the fixed --cert path is used without it"
# ... and that path is used as given, without quotes of its own.
hook_file acme.sh acme.test --tsig "$MXLAB_TSIG" \
    --cert "$live/fullchain.pem" --out "$tmp/acmesh2" 2>/dev/null
out=$(env -u CERT_FULLCHAIN_PATH "$tmp/acmesh2" 2>&1)
tap_is "$?" 0 "acme.sh hook: the --cert path given works on its own"

# Publishing fails (wrong secret): the hook fails loudly, check shows it.
sed 's/:[^:]*$/:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' "$MXLAB_TSIG" \
    >"$tmp/wrong.key"
hook_file certbot acme.test --lineage "$MX_HOST" --certbot-dir "$le/c" \
    --tsig "$tmp/wrong.key" --out "$tmp/badhook" 2>/dev/null
certbot_run renew --no-random-sleep-on-renew --force-renewal \
    --cert-name "$MX_HOST" --new-key --deploy-hook "$tmp/badhook"
tap_like "$(cat "$tmp/certbot.out")" "the renewal hook FAILED" \
    "certbot shows the hook's failure"
out=$(RENEWED_LINEAGE=$live "$tmp/badhook" 2>&1)
tap_is "$?" 1 "the failing hook exits 1"
tap_like "$out" "Postfix NOT reloaded" "the failing hook leaves Postfix"
tap_is "$(tlsa_check)" fail "after the failed hook: tlsa fails"
tap_like "$(tlsa_finding tlsa.hook-failed)" "publishing 3 1 1 $(spki) failed" \
    "check shows the failed hook run"
tap_is "$(grep -c AAAAAAAAAAAAAAAAAAAA "$tmp/check.json")" 0 \
    "no secret in what check shows"
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from tlsa_hooks \
    where ok = 0")" 3 "the three failed runs are in the state"

tap_done
