#!/usr/bin/env bash
# hostile.sh: `mxanchor check` against servers that misbehave on purpose
# (tests/fakes): a resolver that forges, truncates, hangs or floods, and
# a policy host that redirects, trickles, bloats or compresses.  Every
# case must end within its timeout with the finding that names the
# fault.  The time bound asserted is a safety net far above the
# configured timeout, not a measurement.
#
# Usage: hostile.sh BUILD_DIR.  Needs root (ports 53, 443 and 25 on
# 127.0.53.53, 127.0.81.1 and 127.0.81.26); run it in the lab's namespace.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/fakes.sh"
build=$(cd "${1:?usage: hostile.sh BUILD_DIR}" && pwd)
mx=$build/mxanchor
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxhostile.XXXXXX")
trap 'fakes_stop; rm -rf "$tmp"' EXIT

# Nothing may fall back on the system's CA store.
export SSL_CERT_FILE=/nonexistent SSL_CERT_DIR=/nonexistent
export CURL_CA_BUNDLE=/nonexistent

if ! fakes_start "$build" "$tmp/fakes"; then
	echo "Bail out! the fake servers did not start"
	exit 1
fi

TIMEOUT=2		# --timeout, seconds, unless a case says otherwise
BOUND=10		# no case may take longer than 10 timeouts
dns_cases=0
https_cases=0

# hostile_check LABEL [TIMEOUT]: check LABEL.hostile.test; JSON in
# $tmp/LABEL.json, exit code in $rc, wall time in $ms.
hostile_check() {
	local start end
	fakes_idle
	wait_s=${2:-$TIMEOUT}
	start=$(date +%s%N)
	timeout 120 "$mx" "${FAKE_OPTS[@]}" --timeout "$wait_s" --no-state \
	    check "$1.hostile.test" --json >"$tmp/$1.json" 2>"$tmp/$1.err"
	rc=$?
	end=$(date +%s%N)
	ms=$(((end - start) / 1000000))
}

# What a step said: its status, its codes, its messages.
status_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) | .status' \
	    "$tmp/$1.json" 2>/dev/null
}
codes_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) | .findings[].code' \
	    "$tmp/$1.json" 2>/dev/null | sort -u | tr '\n' ' '
}
messages_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) |
	    .findings[].message' "$tmp/$1.json" 2>/dev/null
}

# The checks every case makes: a verdict came out, in time.
hostile_common() {
	local label=$1 want_rc=$2
	tap_is "$rc" "$want_rc" "$label: exit $want_rc"
	jq -e .steps "$tmp/$label.json" >/dev/null 2>&1
	tap_result $? "$label: the JSON verdict is complete"
	tap_result $((ms < BOUND * wait_s * 1000 ? 0 : 1)) \
	    "$label: ended in $ms ms (timeout $wait_s s, bound" \
	    "$((BOUND * wait_s)) s)"
}

# dns_case LABEL MESSAGE: the MX lookup got no usable answer; the check
# says why and, having nothing to judge, exits 2.
dns_case() {
	local label=$1 want=$2
	hostile_check "$label"
	hostile_common "$label" 2
	tap_is "$(status_of "$label" inventory)" pending \
	    "$label: inventory pending (could not test)"
	tap_like "$(codes_of "$label" inventory)" inventory.mx-lookup \
	    "$label: finding inventory.mx-lookup"
	tap_like "$(messages_of "$label" inventory)" "$want" \
	    "$label: the message says: $want"
	tap_like "$(cat "$tmp/$label.err")" "$want" \
	    "$label: stderr says it too"
	dns_cases=$((dns_cases + 1))
}

# https_case LABEL CODE MESSAGE: the policy fetch failed, and said how.
https_case() {
	local label=$1 code=$2 want=$3
	hostile_check "$label"
	hostile_common "$label" 1
	tap_is "$(status_of "$label" mta-sts)" fail "$label: mta-sts fails"
	tap_like "$(codes_of "$label" mta-sts)" "$code" \
	    "$label: finding $code"
	tap_like "$(messages_of "$label" mta-sts)" "$want" \
	    "$label: the message says: $want"
	https_cases=$((https_cases + 1))
}

# The control case: the same set-up with nothing hostile passes, so the
# failures below are the misbehaviours', not the fixture's.  Nothing
# fails in it (the fake root is not signed for the anchor, so DNSSEC
# cannot be judged and waits), hence exit 0.
hostile_check ok
hostile_common ok 0
tap_is "$(status_of ok mta-sts)" pass "ok: the policy passes"
tap_is "$(status_of ok tls-rpt)" pass "ok: the TLS-RPT record passes"
tap_like "$(codes_of ok inventory)" inventory.untested \
    "ok: the MX (nothing listening) could not be tested"

# DNS: no answer, truncation with a TCP fallback that fails three ways,
# answers that do not belong to the query, bytes that are not DNS, a
# record cut short.
dns_case silent "nothing came back within 2000 ms"
dns_case tc-hang "truncated and the retry over TCP failed: nothing came"
dns_case tc-close "truncated and the retry over TCP failed"
dns_case tc-short "truncated and the retry over TCP failed: nothing came"
dns_case forged "did not match the question"
dns_case wrong-name "did not match the question"
dns_case garbage "not a readable DNS message"
# An MX record without its data: it made ldns abort the whole program.
dns_case cut-short "incomplete MX record"

# A forged answer must not be believed: before the check of IDs, the
# wrong-name answer made mxanchor conclude there was no MX at all.
tap_is "$(codes_of wrong-name inventory)" "inventory.mx-lookup " \
    "wrong-name: no verdict drawn from the spoofed answer"

# Huge answers: 1500 MX, 3000 addresses per host, TXT records of 51 KB,
# all over TCP after a truncated UDP answer.  Only the most preferred 32
# hosts and 16 addresses each are probed, and the check says so.  The
# fake takes a while to build such answers (under ASan): 5 s to wait.
hostile_check huge 5
hostile_common huge 1
tap_like "$(codes_of huge inventory)" inventory.mx-limit \
    "huge: finding inventory.mx-limit"
tap_like "$(messages_of huge inventory)" "has 1500 MX records; only the 32" \
    "huge: says how many MX records were left out"
tap_like "$(codes_of huge inventory)" inventory.addr-limit \
    "huge: finding inventory.addr-limit"
tap_is "$(jq -r '.observation.hosts[0].name' "$tmp/huge.json")" \
    mx0.huge.hostile.test "huge: the hosts kept are the most preferred"
tap_like "$(codes_of huge mta-sts)" sts.txt.id \
    "huge: the 51 KB MTA-STS id is refused (sts.txt.id)"
tap_result "$(jq -r '[.steps[].findings[].message | length] | max <= 1024' \
    "$tmp/huge.json" | grep -q true; echo $?)" \
    "huge: no message quotes more than 1024 bytes of the record"
tap_result "$(($(stat -c %s "$tmp/huge.json") < 4000000 ? 0 : 1))" \
    "huge: the observation keeps at most 64 records per answer"
dns_cases=$((dns_cases + 1))

# A CNAME loop: the lookup fails; nothing claims a CNAME to itself.
hostile_check loop
hostile_common loop 1
tap_is "$(status_of loop mta-sts)" pending "loop: mta-sts could not be tested"
tap_result "$(messages_of loop mta-sts | grep -c "is a CNAME to")" \
    "loop: no claim that the name is a CNAME to itself"
dns_cases=$((dns_cases + 1))

# HTTPS: the policy host at its worst.
https_case redirect sts.policy.status "HTTP 301"
https_case big sts.policy.size "65536"
https_case big-chunked sts.policy.size "65536"
https_case slow sts.policy.fetch "timed out"
https_case gzip sts.policy.fetch "compressed (Content-Encoding: gzip)"
https_case html sts.policy.content-type "text/html"
https_case huge-headers sts.policy.fetch "headers are larger than 65536"
https_case tls-hang sts.policy.fetch "timed out"
https_case plaintext sts.policy.tls "wrong version number"

# Bytes that are not UTF-8, in a TXT record and in the policy: the
# findings that quote them survive into the JSON, escaped.
hostile_check latin1
hostile_common latin1 1
tap_like "$(messages_of latin1 mta-sts)" 'id "caf\xE9"' \
    "latin1: the bad TXT byte is shown as \\xE9"
tap_like "$(messages_of latin1 mta-sts)" 't\xE9sting' \
    "latin1: the bad policy byte is shown as \\xE9"
https_cases=$((https_cases + 1))

# SMTP: an MX that accepts the connection and never greets (fake_tarpit).
hostile_check tarpit
hostile_common tarpit 0
tap_like "$(codes_of tarpit inventory)" inventory.untested \
    "tarpit: the MX could not be tested"
tap_like "$(messages_of tarpit inventory)" "mx.tarpit.hostile.test" \
    "tarpit: the message names the MX host"

echo "# hostile behaviours covered: $((dns_cases + https_cases + 1))" \
    "(DNS $dns_cases, HTTPS $https_cases, SMTP 1)"
tap_done
