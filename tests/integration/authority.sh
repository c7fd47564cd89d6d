#!/usr/bin/env bash
# authority.sh: every authoritative server of a zone, asked directly, in
# `check --json`.  split.test is served by ns1.test. and by ns2.test.,
# which kept an older copy with the old TLSA record (tests/lab/lib/
# knot2.sh).  Usage: authority.sh MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: authority.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

check() {
	"$mx" --resolver "$MXLAB_RESOLVER" \
	    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" --timeout 5 --no-state "$@" \
	    >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
}

step() {
	jq -r --arg s "$1" ".steps[] | select(.id == \$s) | $2" "$tmp/out.json"
}

soa_serial() {
	kdig +short +norec +time=2 "@$1" split.test SOA | awk '{ print $3 }'
}

. "$MXLAB_SCENARIOS/split.test.env"
serial1=$(soa_serial "$MXLAB_AUTH")
serial2=$(soa_serial "$MXLAB_AUTH2")
tap_diag "ns1 serial $serial1, ns2 serial $serial2"

check check split.test --json
tap_is "$(jq -r '.observation.servers[0] | [.servers[] |
    "\(.ns)=\(.address)=\(.serial)"] | sort | join(" ")' "$tmp/out.json")" \
    "ns1.test=$MXLAB_AUTH=$serial1 ns2.test=$MXLAB_AUTH2=$serial2" \
    "split.test: both servers asked, with their serials"
tap_is "$(step dnssec .status)" warn "split.test: dnssec warns"
msg=$(step dnssec '.findings[] | select(.code == "dnssec.ns-stale-serial") |
    .message')
tap_like "$msg" "ns2.test [$MXLAB_AUTH2], serial $serial2 serves an older" \
    "split.test: names the stale server and its serial"
tap_like "$msg" "than ns1.test [$MXLAB_AUTH], serial $serial1" \
    "split.test: and the server it lags behind"
tap_is "$(step tlsa .status)" fail "split.test: tlsa fails"
msg=$(step tlsa '.findings[] | select(.code == "tlsa.ns-differs") |
    .message')
tap_like "$msg" "${NS2_TLSA#3 1 1 }" "split.test: shows ns2's old TLSA data"
tap_like "$msg" "${PUBLISHED_TLSA#3 1 1 }" \
    "split.test: shows ns1's current TLSA data"
tap_like "$msg" "disagree on $TLSA_NAME TLSA" "split.test: names the RRset"
tap_is "$(step dnssec '[.findings[].code] |
    map(select(test("ns-unreachable|ns-differs"))) | length')" 0 \
    "split.test: MX and TXT are the same on both servers"

check check good.test --json
tap_is "$(jq -r '.observation.servers[0].servers | length' "$tmp/out.json")" \
    1 "good.test: one server"
tap_is "$(jq -r '[.steps[].findings[].code | select(test("\\.ns-"))] |
    length' "$tmp/out.json")" 0 "good.test: no server findings"
tap_is "$(jq -r '[.observation.servers[0].servers[0].answers[] |
    "\(.type):\(.rcode):\(.authoritative)"] | join(" ")' "$tmp/out.json")" \
    "SOA:NOERROR:true MX:NOERROR:true TXT:NOERROR:true TXT:NOERROR:true $(
    )TLSA:NOERROR:true" "good.test: SOA, MX, two TXT and TLSA asked"

# The MX host of offsite.test lives in hosting.test: its servers too.
check check offsite.test --json
tap_is "$(jq -r '[.observation.servers[].zone] | join(" ")' \
    "$tmp/out.json")" "offsite.test hosting.test" \
    "offsite.test: the TLSA zone hosting.test is compared too"

tap_done
