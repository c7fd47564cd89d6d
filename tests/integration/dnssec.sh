#!/usr/bin/env bash
# dnssec.sh: the dnssec step against the lab's DNSSEC scenarios, verdicts
# and observations read from `check --json`.  Usage: dnssec.sh MXANCHOR
#
# Every expected value comes from the lab (env files, the records the
# servers serve), never from a constant here: a digest, a key tag or an
# expiry time that the lab changes at each start.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: dnssec.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab_opts=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --no-state)

# check DOMAIN [OPTIONS...]: JSON in $tmp/DOMAIN.json, exit code in $rc.
check() {
	local d=$1
	shift
	"$mx" "${lab_opts[@]}" "$@" check "$d" --json >"$tmp/$d.json" \
	    2>"$tmp/$d.err"
	rc=$?
}

step() {	# step DOMAIN ID JQ-FILTER-ON-THE-STEP
	jq -r --arg s "$2" ".steps[] | select(.id == \$s) | $3" "$tmp/$1.json"
}

codes() {
	step "$1" "$2" '.findings[].code' | sort -u | tr '\n' ' '
}

messages() {
	step "$1" "$2" '.findings[].message'
}

link() {	# link DOMAIN ZONE FIELD
	jq -r --arg z "$2" ".observation.dnssec.links[] | select(.zone == \$z) |
	    $3" "$tmp/$1.json"
}

lookup() {	# lookup DOMAIN NAME TYPE FIELD
	jq -r --arg n "$2" --arg t "$3" ".observation.dnssec.lookups[] |
	    select(.name == \$n and .type == \$t) | $4" "$tmp/$1.json"
}

iso() {
	date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ
}

# Records straight from the authoritative server, for what to expect.
auth() {
	kdig +short +norec +time=2 "@$MXLAB_AUTH" "$@"
}

# good.test: every link and every lookup secure, the resolver agrees.
check good.test
tap_is "$(step good.test dnssec .status)" pass "good.test: dnssec passes"
tap_is "$(jq -r '[.observation.dnssec.links[].zone] | join(" ")' \
    "$tmp/good.test.json")" ". test good.test" \
    "good.test: the chain runs . -> test -> good.test"
tap_is "$(jq -r '[.observation.dnssec.links[].security] | unique |
    join(" ")' \
    "$tmp/good.test.json")" secure "good.test: every link secure"
tap_is "$(jq -r '[.observation.dnssec.lookups[] | .security] | unique |
    map(tostring) | join(" ")' "$tmp/good.test.json")" secure \
    "good.test: MX, A, AAAA and TLSA lookups secure"
tap_is "$(lookup good.test mx.good.test AAAA .exists)" false \
    "good.test: no AAAA, and that is proven (secure)"
tap_is "$(jq -r '[.observation.dnssec.lookups[].resolver_ad] | unique |
    map(tostring) | join(" ")' "$tmp/good.test.json")" true \
    "good.test: the resolver set AD"
ksk=$(auth good.test DNSKEY | awk '$1 == 257' | head -1)
tap_is "$(link good.test good.test '.ds[0].signs_dnskey')" true \
    "good.test: the DS points to the key that signs the DNSKEY RRset"
tap_like "$(step good.test dnssec '.artifacts[].content')" \
    "good.test: secure" "good.test: chain artifact"
tap_is "$(link good.test good.test '.ds[0].keytag')" \
    "$(auth good.test DS | awk '{ print $1 }')" \
    "good.test: the DS key tag is the one test. publishes"
[[ -n $ksk ]] || tap_diag "no KSK from $MXLAB_AUTH"

# bogus.test: the DS in test. is that of a key the zone does not have.
check bogus.test
ds_tag=$(auth bogus.test DS | awk '{ print $1 }')
tap_is "$rc" 1 "bogus.test: exit 1"
tap_is "$(step bogus.test dnssec .status)" fail "bogus.test: dnssec fails"
tap_like "$(codes bogus.test dnssec)" dnssec.ds-mismatch \
    "bogus.test: finding dnssec.ds-mismatch"
msg=$(messages bogus.test dnssec)
tap_like "$msg" "breaks at bogus.test" "bogus.test: names the broken link"
tap_like "$msg" "DS $ds_tag/13/2" \
    "bogus.test: names the DS that matches nothing ($ds_tag)"
tap_is "$(link bogus.test test .security)" secure \
    "bogus.test: the link above (test.) is fine"
tap_is "$(link bogus.test bogus.test .fault)" ds-mismatch \
    "bogus.test: the link's fault is ds-mismatch"
tap_is "$(lookup bogus.test bogus.test MX .security)" bogus \
    "bogus.test: the MX lookup is bogus"
tap_like "$(codes bogus.test dnssec)" dnssec.lookups-bogus \
    "bogus.test: says which lookups fail"
tap_like "$(step bogus.test dnssec '.artifacts[] |
    select(.name | test("DS records")) | .content')" \
    "bogus.test. 3600 IN DS" "bogus.test: gives the right DS"
tap_is "$(lookup bogus.test bogus.test MX .resolver_ad)" false \
    "bogus.test: the resolver gave no AD (SERVFAIL)"

# expired.test: pre-signed, every RRSIG expired.
check expired.test
. "$MXLAB_SCENARIOS/expired.test.env"
tap_is "$(step expired.test dnssec .status)" fail \
    "expired.test: dnssec fails"
tap_like "$(codes expired.test dnssec)" dnssec.rrsig-expired \
    "expired.test: finding dnssec.rrsig-expired"
tap_like "$(messages expired.test dnssec)" "expired at $(iso "$SIG_EXPIRES")" \
    "expired.test: gives the expiry time"
tap_is "$(link expired.test expired.test .fault)" expired \
    "expired.test: the link's fault is expired"

# expiring.test: valid, but the signatures expire 3 days after lab start;
# the clock is pinned to make the verdict independent of the wall clock.
. "$MXLAB_SCENARIOS/expiring.test.env"
check expiring.test --now "$((SIG_EXPIRES - 3 * 86400))"
tap_is "$(step expiring.test dnssec .status)" warn \
    "expiring.test, 3 days before expiry: dnssec warns"
tap_like "$(codes expiring.test dnssec)" dnssec.rrsig-expiring \
    "expiring.test: finding dnssec.rrsig-expiring"
tap_like "$(messages expiring.test dnssec)" \
    "expire at $(iso "$SIG_EXPIRES") (in 3 days 0 hours)" \
    "expiring.test: says when, and how soon"
# At the same moment good.test's signatures have 11 days left: no warning.
check good.test --now "$((SIG_EXPIRES - 3 * 86400))"
tap_is "$(step good.test dnssec .status)" pass \
    "good.test at that moment: 11 days left, outside the 7-day horizon"
# A horizon of 2 days does not reach 3 days ahead; one of 10 says so.
check expiring.test --now "$((SIG_EXPIRES - 3 * 86400))" --horizon 2
tap_is "$(step expiring.test dnssec .status)" pass \
    "expiring.test, --horizon 2: 3 days ahead is no warning yet"
check expiring.test --now "$((SIG_EXPIRES - 3 * 86400))" --horizon 10
tap_like "$(messages expiring.test dnssec)" "within 10 days" \
    "expiring.test, --horizon 10: the message gives the horizon"
check expiring.test --now "$((SIG_EXPIRES + 3600))"
tap_is "$(step expiring.test dnssec .status)" fail \
    "expiring.test, an hour after expiry: dnssec fails"
tap_like "$(codes expiring.test dnssec)" dnssec.rrsig-expired \
    "expiring.test, after expiry: finding dnssec.rrsig-expired"

# offsite.test: the MX host lives in hosting.test, validated as well.
check offsite.test
tap_is "$(step offsite.test dnssec .status)" pass "offsite.test: passes"
tap_is "$(link offsite.test hosting.test .security)" secure \
    "offsite.test: the host's zone hosting.test is validated too"
tap_is "$(lookup offsite.test mx.offsite.hosting.test A \
    '.steps[0].zone')" hosting.test \
    "offsite.test: the A record is judged in hosting.test"

# alias.test: mx.alias.test is a CNAME into hosting.test; each hop is
# judged in its own zone (RFC 7671 §7).
check alias.test
tap_is "$(step alias.test dnssec .status)" pass "alias.test: passes"
tap_is "$(lookup alias.test mx.alias.test A \
    '[.steps[] | "\(.owner)@\(.zone)=\(.security)"] | join(" ")')" \
    "mx.alias.test@alias.test=secure $(
    )mx.alias.hosting.test@hosting.test=secure" \
    "alias.test: the CNAME and its target, each in its zone"
tap_is "$(lookup alias.test _25._tcp.mx.alias.hosting.test TLSA .exists)" \
    true "alias.test: TLSA looked up at the expanded name"

# unsigned.test: insecure, proven by test.'s NSEC.
check unsigned.test
tap_is "$(link unsigned.test unsigned.test .fault)" no-ds \
    "unsigned.test: the parent proves there is no DS"
tap_is "$(link unsigned.test unsigned.test .security)" insecure \
    "unsigned.test: insecure, not bogus"

# A resolver that does not validate: the authoritative server itself.
# mxanchor's verdicts do not change; the resolver is the finding.
check good.test --resolver "$MXLAB_AUTH"
tap_is "$(jq -r '[.observation.dnssec.links[].security] | unique |
    join(" ")' \
    "$tmp/good.test.json")" secure \
    "non-validating resolver: mxanchor still validates good.test"
tap_like "$(codes good.test dnssec)" dnssec.resolver-no-ad \
    "non-validating resolver: reported (no AD)"
check bogus.test --resolver "$MXLAB_AUTH"
tap_like "$(codes bogus.test dnssec)" dnssec.resolver-accepts-bogus \
    "non-validating resolver: it answers the bogus zone"
tap_is "$(lookup bogus.test _25._tcp.mx.bogus.test TLSA .security)" bogus \
    "non-validating resolver: the TLSA lookup is bogus all the same"

# A trust anchor that matches nothing: the root link breaks, and says so.
awk '{ $NF = "AAAA" substr($NF, 5); print }' "$MXLAB_TRUST_ANCHOR_DS" \
    >"$tmp/wrong.ds"
check good.test --trust-anchor "$tmp/wrong.ds"
tap_is "$(link good.test . .fault)" ds-mismatch \
    "wrong trust anchor: the root link breaks"
tap_is "$(link good.test good.test .fault)" parent \
    "wrong trust anchor: good.test fails because of its parents"

tap_done
