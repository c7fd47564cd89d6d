#!/usr/bin/env bash
# lifecycle.sh: the MTA-STS policy of demo.test from testing to enforce to
# removal, under an injected clock (--now), with TLS-RPT reports imported
# day by day.  Usage: lifecycle.sh PATH-TO-MXANCHOR
#
# demo.test is the lab domain tests may change: the policy file is
# rewritten in place (nginx serves it from disk) and the TXT id changes
# by RFC 2136.  Both are put back at the end.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: lifecycle.sh MXANCHOR}
lab_env
. "$MXLAB_SCENARIOS/demo.test.env"
tmp=$(mktemp -d)
[[ -z ${KEEP:-} ]] || echo "# keeping $tmp"
policy=$MXLAB_DIR/www/$STS_HOST/.well-known/mta-sts.txt
cp "$policy" "$tmp/policy.orig"

restore() {
	cp "$tmp/policy.orig" "$policy"
	publish_id "$STS_ID" >/dev/null 2>&1
	[[ -n ${KEEP:-} ]] || rm -rf "$tmp"
}
trap restore EXIT

opts=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/state.db")

# Day N of the rollout, at noon UTC; day 0 is today.
day0=$(( $(date -u +%s) / 86400 * 86400 ))
at() {
	date -u -d "@$((day0 + $1 * 86400 + 43200))" +%Y-%m-%dT%H:%M:%S
}

# check DAY: the check of that day into $tmp/dayN.json.
check() {
	"$mx" "${opts[@]}" --now "$(at "$1")" check demo.test --json \
	    >"$tmp/day$1.json" 2>"$tmp/day$1.err"
}

step() {
	jq -r --arg s "$2" ".steps[] | select(.id == \$s) | $3" \
	    "$tmp/day$1.json"
}

# The id of a TXT record artifact.
txt_id() {
	sed -n 's/.*id=\([A-Za-z0-9]*\).*/\1/p'
}

gate() {
	jq -r --arg c "enforce.gate.$2" '.steps[] | select(.id == "enforce")
	    | .findings[] | select(.code == $c) | .message' "$tmp/day$1.json"
}

# The TXT id goes out by RFC 2136; the resolver forgets the old one.
publish_id() {
	knsupdate -y "$(cat "$MXLAB_TSIG")" <<-EOF &&
	server $MXLAB_AUTH 53
	zone demo.test.
	update delete _mta-sts.demo.test. TXT
	update add _mta-sts.demo.test. 300 TXT "v=STSv1; id=$1"
	send
	EOF
	    unbound-control -c "$MXLAB_UNBOUND_CONF" flush_zone demo.test \
	    >/dev/null
}

# report DAY OK [RESULT MX SESSIONS]: one reporter's report of that day,
# gzipped under its RFC 8460 §5.1 name.
report() {
	local d=$1 begin=$((day0 + $1 * 86400)) name
	name="reporter.test!demo.test!$begin!$((begin + 86399))!lab-$d.json.gz"
	jq -nc --arg day "$(date -u -d "@$begin" +%Y-%m-%d)" --arg id "lab-$d" \
	    --argjson ok "$2" --arg result "${3:-}" --arg mx "${4:-}" \
	    --argjson failed "${5:-0}" '{
		"organization-name": "Lab Reporter",
		"date-range": {"start-datetime": "\($day)T00:00:00Z",
		    "end-datetime": "\($day)T23:59:59Z"},
		"contact-info": "tlsrpt@reporter.test", "report-id": $id,
		"policies": [{"policy": {"policy-type": "sts",
		    "policy-domain": "demo.test", "mx-host": ["mx.demo.test"]},
		    "summary": {"total-successful-session-count": $ok,
		    "total-failure-session-count": $failed}} +
		    (if $result == "" then {} else {"failure-details": [{
		    "result-type": $result, "sending-mta-ip": "192.0.2.9",
		    "receiving-mx-hostname": $mx,
		    "failed-session-count": $failed}]} end)]}' |
	    gzip >"$tmp/in/$name"
}

mkdir -p "$tmp/in"

# Day 0: the testing policy is live; nothing is known yet.
check 0
tap_is "$(step 0 mta-sts .status)" pass "day 0: the testing policy passes"
tap_is "$(step 0 enforce .status)" pending "day 0: enforce pending"
tap_like "$(gate 0 testing)" \
    "gate closed: the policy has been in testing mode since $(at 0)Z (0 days, counted from when mxanchor first saw it); 14 days wanted" \
    "day 0: testing went live today"
tap_like "$(gate 0 reports)" "gate closed: no TLS-RPT report" \
    "day 0: no reports yet"
tap_is "$(sqlite3 "$tmp/state.db" "select mode || ' ' || first_seen from
    sts_policies")" "testing $((day0 + 43200))" \
    "day 0: the state records when testing went live"

# Days 1-13: a report a day; day 5 has failures at the MX itself, day 10
# at a host that is no longer an MX.
for d in $(seq 1 13); do
	if ((d == 6)); then
		report $((d - 1)) 40 certificate-expired mx.demo.test 2
	elif ((d == 11)); then
		report $((d - 1)) 40 starttls-not-supported mx-old.demo.test 5
	else
		report $((d - 1)) 40
	fi
	"$mx" "${opts[@]}" --now "$(at "$d")" reports import "$tmp/in" \
	    >/dev/null 2>"$tmp/import$d.err"
	check "$d"
done
tap_is "$(jq -r '[.steps[] | select(.id == "tls-rpt") | .artifacts[] |
    select(.kind == "text")] | length' "$tmp/day13.json")" 1 \
    "day 13: the tls-rpt step carries the report chart"
chart=$(step 13 tls-rpt '.artifacts[] | select(.kind == "text") | .content')
line=$(grep "^$(date -u -d "@$((day0 + 5 * 86400))" +%m-%d) " <<<"$chart")
tap_like "$line" "      40       2  ==" "day 13: the chart shows day 5's sessions"
tap_is "${line: -1}" X "day 13: and its failures, as an X"
tap_like "$(gate 7 failures)" \
    "gate closed: 2 failed sessions in the last 7 days that nothing explains: 2 certificate-expired at mx.demo.test" \
    "day 7: the expired certificate at the MX closes the gate"
tap_like "$(gate 7 testing)" "(7 days, counted from when mxanchor first saw it); 14 days wanted" "day 7: a week of testing"
tap_like "$(gate 13 failures)" \
    "gate open: no unexplained failure in the last 7 days; explained: 5 starttls-not-supported at mx-old.demo.test (the host is no longer an MX)" \
    "day 13: day 5 has left the window; the old MX's failures are explained"
tap_like "$(gate 13 testing)" "gate closed" "day 13: not two weeks yet"

# The operator may override on day 13, with a reason; and withdraw it.
"$mx" "${opts[@]}" --now "$(at 13)" enforce-override demo.test \
    --reason "change window closes tomorrow" >/dev/null
check 13
tap_like "$(step 13 enforce .summary)" "ready to enforce (gate overridden)" \
    "override: the enforce policy is offered"
tap_like "$(jq -r '.steps[] | select(.id == "enforce") | .findings[] |
    select(.code == "enforce.override") | .message' "$tmp/day13.json")" \
    "change window closes tomorrow" "override: the reason is shown"
"$mx" "${opts[@]}" --now "$(at 13)" enforce-override demo.test --clear \
    >/dev/null
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from events where
    kind = 'override'")" 2 "override: set and cleared, both in the events"

# A domain never checked (a typo): refused, and not added to the state.
out=$("$mx" "${opts[@]}" enforce-override demo.tset --reason typo 2>&1)
tap_is "$?" 2 "override of a domain never checked: usage error"
tap_like "$out" "demo.tset is not in the state; check it first" \
    "override of a domain never checked: says why"
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from domains where
    name = 'demo.tset'")" 0 "override of a domain never checked: not added"

# Day 14: two weeks, reports, no unexplained failure: the gate opens.
report 13 40
"$mx" "${opts[@]}" --now "$(at 14)" reports import "$tmp/in" >/dev/null
check 14
tap_like "$(step 14 enforce .summary)" "ready to enforce: every gate is open" \
    "day 14: every gate open"
tap_is "$(jq -r '[.steps[] | select(.id == "enforce") | .findings[] |
    select(.message | startswith("gate closed"))] | length' \
    "$tmp/day14.json")" 0 "day 14: no gate closed"
step 14 enforce '.artifacts[0].content' >"$tmp/enforce.txt"
tap_like "$(cat "$tmp/enforce.txt")" "mode: enforce" \
    "day 14: enforce policy offered"
tap_like "$(cat "$tmp/enforce.txt")" "max_age: 1209600" \
    "day 14: with a max_age of weeks"
newid=$(step 14 enforce '.artifacts[1].content' | txt_id)
tap_like "$newid" "T" "day 14: a new id comes with it"

# Publish: the policy first, then the id (RFC 8461 §8.1).
cp "$tmp/enforce.txt" "$policy"
publish_id "$newid"
check 15
tap_is "$(step 15 mta-sts .status)" pass "day 15: the enforce policy passes"
tap_is "$(step 15 enforce .status)" pass "day 15: enforce step passes"
tap_is "$(step 15 enforce .summary)" "policy enforced and verified" \
    "day 15: enforced and verified"

# A changed policy under the same id is caught (the id MUST change).
printf 'version: STSv1\nmode: enforce\nmx: MX.demo.test\nmax_age: 1209600\n' \
    >"$policy"
check 16
tap_like "$(jq -r '.steps[] | select(.id == "mta-sts") | .findings[] |
    select(.code == "sts.id-unchanged") | "\(.requirement) \(.message)"' \
    "$tmp/day16.json")" "MUST the policy changed since" \
    "day 16: a policy changed without a new id"
cp "$tmp/enforce.txt" "$policy"

# Removal: mode none with a new id; the records stay for the largest
# max_age served (two weeks) after it went up.
step 15 enforce '.artifacts[] | select(.name |
    contains("1. policy file in mode none")) | .content' >"$tmp/none.txt"
noneid=$(step 15 enforce '.artifacts[] | select(.name | contains("2. TXT")) |
    .content' | txt_id)
tap_like "$(cat "$tmp/none.txt")" "mode: none" \
    "day 15: the removal policy is offered"
cp "$tmp/none.txt" "$policy"
publish_id "$noneid"
check 17
tap_is "$(step 17 mta-sts .status)" warn "day 17: mode none is a warning"
tap_like "$(step 17 enforce .summary)" \
    "removal in progress: keep the records until $(at 31)Z" \
    "day 17: the records stay until two weeks after mode none went up"
check 31
tap_like "$(step 31 enforce '.findings[0].message')" \
    "you may now remove the _mta-sts TXT record" \
    "day 31: the records may go"
tap_is "$(step 31 enforce .status)" pass "day 31: removal complete"

tap_done
