#!/usr/bin/env bash
# lint_postconf.sh: "mxanchor lint postconf" on case 022, offline.
# Usage: lint_postconf.sh PATH-TO-MXANCHOR SOURCE-ROOT
set -uo pipefail

mx=${1:?usage: lint_postconf.sh MXANCHOR SOURCE-ROOT}
top=${2:?usage: lint_postconf.sh MXANCHOR SOURCE-ROOT}
. "$top/tests/lib/tap.sh"
case=$top/tests/data/cases/022-postconf-chain-files-dual-key
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$mx" lint postconf "$case/postconf-n.txt" --root "$case/root" --json \
    >"$tmp/out.json"
tap_is "$?" 0 "a warning is not a failure: exit 0"
tap_is "$(jq -r .status "$tmp/out.json")" warn "status warn"
tap_is "$(jq -r .id "$tmp/out.json")" mta "the mta step's checks"
records=$(jq -r '.artifacts[] | select(.kind == "zone") | .content' \
    "$tmp/out.json")
tap_like "$records" "3 1 1 089c4834ddfbdb5874d524f841f7004dfbd14fe8a1c7ac0374b180a8ca051b81" \
    "RSA key's record"
tap_like "$records" "3 1 1 77ff62b042975198b4387b2a25d0a43290d196d2ee2b40daaabd27679bcf3fae" \
    "ECDSA key's record"
tap_like "$(jq -r '.findings[].code' "$tmp/out.json" | tr '\n' ' ')" \
    "mta.legacy-cert-ignored" "legacy settings reported as ignored"

# Without --root the files are not looked at, and no records appear.
"$mx" lint postconf "$case/postconf-n.txt" --json >"$tmp/noroot.json"
tap_is "$(jq '[.artifacts[] | select(.kind == "zone")] | length' \
    "$tmp/noroot.json")" 0 "no --root: no records"

# A configuration that offers no TLS fails, and says why.
printf 'smtpd_tls_security_level = none\n' >"$tmp/none.cf"
"$mx" lint postconf "$tmp/none.cf" >"$tmp/none.txt"
tap_is "$?" 1 "no inbound TLS: exit 1"
tap_like "$(cat "$tmp/none.txt")" "STARTTLS is not offered" \
    "no inbound TLS: text output says so"

"$mx" lint postconf /nonexistent >/dev/null 2>&1
tap_is "$?" 2 "missing file: exit 2"
"$mx" lint nosuch x >/dev/null 2>&1
tap_is "$?" 2 "unknown linter: exit 2"
"$mx" lint >/dev/null 2>&1
tap_is "$?" 2 "no linter: exit 2"
head -c 5000000 /dev/zero | tr '\0' 'a' >"$tmp/huge.cf"
"$mx" lint postconf "$tmp/huge.cf" >/dev/null 2>"$tmp/huge.err"
tap_is "$?" 2 "a file over 4 MB: exit 2"
tap_like "$(cat "$tmp/huge.err")" "too large" "a file over 4 MB: says so"

tap_done
