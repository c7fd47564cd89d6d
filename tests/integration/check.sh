#!/usr/bin/env bash
# check.sh: `mxanchor check` against the lab's scenarios, verdicts read
# from --json.  Usage: check.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: check.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab_opts=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/state.db")

# run_check DOMAIN: leaves JSON in $tmp/DOMAIN.json, exit code in $rc.
run_check() {
	"$mx" "${lab_opts[@]}" check "$1" --json >"$tmp/$1.json" \
	    2>"$tmp/$1.err"
	rc=$?
}

status_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) | .status' \
	    "$tmp/$1.json"
}

codes_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) | .findings[].code' \
	    "$tmp/$1.json" | sort -u | tr '\n' ' '
}

messages_of() {
	jq -r --arg s "$2" '.steps[] | select(.id == $s) |
	    .findings[].message' "$tmp/$1.json"
}

# good.test: everything right, enforce waits for the testing period.
run_check good.test
tap_is "$rc" 0 "good.test: exit 0"
tap_is "$(jq -r '[.steps[].id] | join(",")' "$tmp/good.test.json")" \
    "inventory,dnssec,tlsa,mta,mta-sts,tls-rpt,enforce" \
    "steps in rollout order"
for s in inventory dnssec tlsa mta-sts tls-rpt; do
	tap_is "$(status_of good.test $s)" pass "good.test: $s passes"
done
tap_is "$(status_of good.test enforce)" pending \
    "good.test: enforce pending while in testing"
. "$MXLAB_SCENARIOS/good.test.env"
tap_like "$(messages_of good.test tlsa)" "3 1 1 matches" \
    "good.test: the 3 1 1 record matches"
tap_is "$(jq -r '[.steps[] | select(.status == "pass") | .id as $id |
    .artifacts[] | select(.kind != "text") | $id] | unique | join(",")' \
    "$tmp/good.test.json")" "" \
    "good.test: nothing to publish on steps that pass"

# unsigned.test: the zone has no DNSSEC at all.
run_check unsigned.test
tap_is "$rc" 1 "unsigned.test: exit 1"
tap_is "$(status_of unsigned.test dnssec)" fail "unsigned.test: dnssec fails"
tap_like "$(codes_of unsigned.test dnssec)" dnssec.unsigned \
    "unsigned.test: finding dnssec.unsigned"
tap_like "$(messages_of unsigned.test dnssec)" "is not signed" \
    "unsigned.test: the message says the zone is not signed"
tap_is "$(status_of unsigned.test tlsa)" pending \
    "unsigned.test: tlsa waits for dnssec"

# stale.test: TLSA published for a key the server no longer serves.
run_check stale.test
. "$MXLAB_SCENARIOS/stale.test.env"
tap_is "$rc" 1 "stale.test: exit 1"
tap_is "$(status_of stale.test tlsa)" fail "stale.test: tlsa fails"
msg=$(messages_of stale.test tlsa)
tap_like "$msg" "mx.stale.test" "stale.test: names the MX host"
tap_like "$msg" "$PUBLISHED_311" "stale.test: shows the published digest"
tap_like "$msg" "$SERVED_311" "stale.test: shows the served digest"
tap_is "$(status_of stale.test dnssec)" pass "stale.test: dnssec passes"
tap_is "$(jq -r '.steps[] | select(.id == "tlsa") | .artifacts[] |
    select(.kind == "zone") | .content' "$tmp/stale.test.json")" \
    "_25._tcp.mx.stale.test. 300 IN TLSA 3 1 1 $SERVED_311" \
    "stale.test: offers the record for the served key, ready to paste"

# The results are kept in the state, one row per step.
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from steps")" 21 \
    "three checks left 3 x 7 step rows in the state"

# The state carries history: under an injected clock, a policy first seen
# passing on the 1st has been in testing for 14 days on the 15th.
hist=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/history.db")
"$mx" "${hist[@]}" --now 2026-12-01T00:00:00 check good.test >/dev/null
"$mx" "${hist[@]}" --now 2026-12-15T00:00:00 check good.test --json \
    >"$tmp/later.json"
tap_like "$(jq -r '.steps[] | select(.id == "enforce") | .findings[0].message' \
    "$tmp/later.json")" "testing mode since 2026-12-01T00:00:00Z (14 days," \
    "enforce: testing period counted from the state, injected clock"

# Usage errors exit 2 before any network work.
"$mx" "${lab_opts[@]}" check >/dev/null 2>&1
tap_is "$?" 2 "check without a domain exits 2"
"$mx" --resolver not-an-address check good.test >/dev/null 2>&1
tap_is "$?" 2 "a bad resolver address exits 2"
"$mx" --trust-anchor /nonexistent check good.test >/dev/null 2>&1
tap_is "$?" 2 "a missing trust anchor exits 2"
"$mx" "${lab_opts[@]}" check 'bad domain!' >/dev/null 2>&1
tap_is "$?" 2 "a malformed domain exits 2"

# A resolver that does not answer: the check ends after one wait, says
# what it could not test, and exits 2 so that cron does not take silence
# for success.
"$mx" --resolver 127.0.59.9 --trust-anchor "$MXLAB_TRUST_ANCHOR" \
    --timeout 1 --no-state check good.test --json >"$tmp/dead.json" \
    2>"$tmp/dead.err"
rc=$?
tap_is "$rc" 2 "dead resolver: exit 2"
tap_like "$(cat "$tmp/dead.err")" "no answer from 127.0.59.9" \
    "dead resolver: stderr names the resolver"
tap_is "$(jq -r '[.steps[].status] | unique | join(",")' "$tmp/dead.json")" \
    pending "dead resolver: every step pending"
tap_like "$(jq -r '.steps[0].findings[0].message' "$tmp/dead.json")" \
    "could not look up" "dead resolver: says it could not look up"
tap_result $(( $(jq -r .ms "$tmp/dead.json") < 2500 ? 0 : 1 )) \
    "dead resolver: one wait, not one per wave"

# A domain that does not exist: inventory fails, nothing else is judged
# (not the parent zone's DNSSEC, not an MTA-STS policy for no host).
run_check nosuch.test
tap_is "$rc" 1 "nosuch.test: exit 1"
tap_is "$(status_of nosuch.test inventory)" fail \
    "nosuch.test: inventory fails"
tap_like "$(jq -r '.steps[0].findings[0].message' "$tmp/nosuch.test.json")" \
    "does not exist" "nosuch.test: says it does not exist"
tap_is "$(jq -r '[.steps[1:][] | .status] | unique | join(",")' \
    "$tmp/nosuch.test.json")" pending "nosuch.test: later steps pending"
tap_is "$(jq -r '[.steps[1:][] | .artifacts[]] | length' \
    "$tmp/nosuch.test.json")" 0 "nosuch.test: nothing offered to publish"

# Text output names every step with its status.
text=$("$mx" "${lab_opts[@]}" --no-state check good.test)
tap_like "$text" "pass     tlsa" "text output: tlsa line"
tap_like "$text" "pending  enforce" "text output: enforce line"

tap_done
