#!/usr/bin/env bash
# sts.sh: the mta-sts step against the lab's misbehaving policy hosts
# (tests/lab/lib/scenarios.sh, policy=...), verdicts and messages read from
# `mxanchor check --json`.  Usage: sts.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: sts.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab_opts=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --no-state)

# sts DOMAIN: the mta-sts step of a check of DOMAIN into $tmp/DOMAIN.json.
sts() {
	"$mx" "${lab_opts[@]}" check "$1" --json 2>"$tmp/$1.err" |
	    jq '.steps[] | select(.id == "mta-sts")' >"$tmp/$1.json"
}

field() {
	jq -r "$2" "$tmp/$1.json"
}

# finding DOMAIN CODE: "severity requirement message" of the first one.
finding() {
	jq -r --arg c "$2" '[.findings[] | select(.code == $c)][0] |
	    "\(.severity) \(.requirement // "none") \(.message)"' \
	    "$tmp/$1.json"
}

# good.test: everything a sender needs, and the three artifacts.
sts good.test
tap_is "$(field good.test .status)" pass "good.test: mta-sts passes"
tap_is "$(field good.test '[.findings[] | select(.severity != "info")] |
    length')" 0 "good.test: no warnings or errors"
tap_is "$(field good.test '.artifacts | length')" 0 \
    "good.test: nothing to publish when the policy works"

# mxmismatch.test: the policy names mail.D, the MX is mx.D.
sts mxmismatch.test
tap_is "$(field mxmismatch.test .status)" fail "mxmismatch: fails"
# ... and gets the three artifacts, in the order to publish them.
tap_like "$(field mxmismatch.test '.artifacts[0].content')" \
    "mx: mx.mxmismatch.test" "mxmismatch: the new policy lists the MX"
tap_like "$(field mxmismatch.test '.artifacts[1].content')" \
    "server_name mta-sts.mxmismatch.test;" "mxmismatch: nginx server block"
tap_like "$(field mxmismatch.test '.artifacts[2].content')" \
    '_mta-sts.mxmismatch.test. 3600 IN TXT "v=STSv1; id=' \
    "mxmismatch: TXT with a new id"
tap_like "$(field mxmismatch.test '.artifacts[2].name')" \
    "after the policy file" "mxmismatch: the TXT comes after the policy"
tap_like "$(finding mxmismatch.test sts.mx-not-covered)" \
    "error MUST MX host mx.mxmismatch.test is not covered" \
    "mxmismatch: the MX is not covered (MUST)"
tap_like "$(finding mxmismatch.test sts.mx-unused)" \
    'warn advice mx "mail.mxmismatch.test" matches none' \
    "mxmismatch: the pattern matches no MX (advice)"

# nosts.test: TXT published, nothing listens on the policy host.
sts nosts.test
tap_is "$(field nosts.test .status)" fail "nosts: fails"
tap_like "$(finding nosts.test sts.policy.fetch)" \
    "cannot fetch https://mta-sts.nosts.test/.well-known/mta-sts.txt" \
    "nosts: the policy cannot be fetched"
tap_like "$(finding nosts.test sts.policy.fetch)" "no policy" \
    "nosts: says senders see no policy"
tap_is "$(field nosts.test '[.findings[] | select(.code | startswith(
    "sts.txt"))] | length')" 0 "nosts: the TXT record itself is fine"

# stsredirect.test: a 301 is not a policy.
sts stsredirect.test
tap_is "$(field stsredirect.test .status)" fail "redirect: fails"
tap_like "$(finding stsredirect.test sts.policy.status)" \
    "error MUST the policy URL answered HTTP 301 redirecting to https://mta-sts.good.test/" \
    "redirect: HTTP 301 and where to, MUST"
tap_like "$(finding stsredirect.test sts.policy.status)" \
    "MUST NOT follow redirects" "redirect: says redirects are not followed"

# stsctype.test: text/html.
sts stsctype.test
tap_is "$(field stsctype.test .status)" fail "content type: fails"
tap_like "$(finding stsctype.test sts.policy.content-type)" \
    'error SHOULD the policy is served as "text/html"' \
    "content type: names the type served (SHOULD)"

# stsbig.test: over 64 KiB.
sts stsbig.test
tap_is "$(field stsbig.test .status)" fail "over 64 KiB: fails"
tap_like "$(finding stsbig.test sts.policy.size)" \
    "larger than 65536 bytes" "over 64 KiB: says so"

# stswrongcert.test: a certificate for another name.
sts stswrongcert.test
tap_is "$(field stswrongcert.test .status)" fail "wrong name: fails"
msg=$(finding stswrongcert.test sts.policy.tls)
tap_like "$msg" "error MUST the certificate of mta-sts.stswrongcert.test is not valid by WebPKI" \
    "wrong name: not valid by WebPKI (MUST)"
tap_like "$msg" "issued for DNS:mta-sts.elsewhere.test" \
    "wrong name: names whom the certificate is for"

# stsdelegated.test: _mta-sts is a CNAME, which is allowed (§8.2).
sts stsdelegated.test
tap_is "$(field stsdelegated.test .status)" pass "delegated: passes"
tap_like "$(finding stsdelegated.test sts.txt.cname)" \
    "info none _mta-sts.stsdelegated.test is delegated by CNAME to _mta-sts.good.test" \
    "delegated: says where the record lives"

# Without the lab CA the policy host of good.test is not WebPKI-valid.
"$mx" --resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR" \
    --ca-file /dev/null --timeout 5 --no-state check good.test --json \
    2>/dev/null | jq '.steps[] | select(.id == "mta-sts")' \
    >"$tmp/untrusted.json"
tap_like "$(finding untrusted sts.policy.tls)" "not valid by WebPKI" \
    "an untrusted chain is a WebPKI failure"

tap_done
