#!/usr/bin/env bash
# reference.sh: mxanchor's DANE verdicts beside those of the reference
# tools, on every DANE scenario of the lab.  Usage: reference.sh MXANCHOR
#
#   posttls-finger  Postfix's own DANE engine (-l dane), through the lab
#                   resolver (it can only use libc's: lab-exec.sh)
#   ldns-dane       on the chain the server sends (fetched here with
#                   openssl s_client -showcerts): once looking TLSA up
#                   through the lab resolver, once offline (-t) on the
#                   TLSA RRset mxanchor used
#
# Each tool's output is reduced to one word: dane-ok (a TLSA record
# authenticates the server), dane-fail (TLSA records, none matching),
# defer (the lookups fail: a DANE sender must not deliver), no-dane (no
# usable secure TLSA: TLS without DANE).  Where they agree the test
# says so; where mxanchor deliberately disagrees, a test named
# "deliberate:" gives the RFC reason.  posttls-finger's exit code is 0
# either way, so only its output counts.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: reference.sh MXANCHOR}
lab_env
lab_exec=$here/../lab/lab-exec.sh
tmp=$(mktemp -d)
trap 'restore_demo; rm -rf "$tmp"' EXIT

# ---- mxanchor

mx_check() {
	"$mx" --resolver "$MXLAB_RESOLVER" \
	    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" --timeout 5 --no-state \
	    check "$1" --json >"$tmp/$1.json" 2>"$tmp/$1.err"
}

tlsa_field() {
	jq -r ".steps[] | select(.id == \"tlsa\") | $2" "$tmp/$1.json"
}

# The verdict word of mxanchor's tlsa step.
mx_verdict() {
	local status codes
	status=$(tlsa_field "$1" .status)
	codes=$(tlsa_field "$1" '[.findings[].code] | join(" ")')
	if [[ $status == pass ]]; then
		echo dane-ok
	elif [[ $codes == *tlsa.bogus* ]]; then
		echo defer
	elif [[ $codes =~ tlsa\.(mismatch|ta-|ns-copy-fails|other-key) ]]; then
		echo dane-fail
	elif [[ $status == pending ]]; then
		echo no-dane
	else
		echo "other($status: $codes)"
	fi
}

# "EE 0 3 1 1 HEX" or "TA 1 2 1 1 HEX": the record mxanchor matched.
mx_match() {
	tlsa_field "$1" '.findings[] | select(.code == "tlsa.match") |
	    .message' | head -1 | sed -nE \
	    -e 's/.*TLSA (3 [0-9] [0-9]) matches the leaf .*: ([0-9a-f]+)$/EE 0 \1 \2/p' \
	    -e 's/.*TLSA (2 [0-9] [0-9]) matches certificate ([0-9]+) .*: ([0-9a-f]+);.*/TA \2 \1 \3/p'
}

# The TLSA RRset mxanchor judged: at the expanded name if it has one.
mx_tlsa_rrset() {
	jq -r '[.observation.dnssec.lookups[] | select(.type == "TLSA" and
	    .exists)] | last | .records[]?' "$tmp/$1.json"
}

# ---- posttls-finger

# ptf_run DOMAIN [OPENSSL_CONF]: the config may limit what it offers.
ptf_run() {
	env ${2:+OPENSSL_CONF=$2} \
	    MAIL_CONFIG=$MXLAB_POSTFIX_CLIENT_CONFIG "$lab_exec" -d "$MXLAB_DIR" \
	    timeout 15 posttls-finger -c -l dane -a ipv4 -F "$MXLAB_CA_FILE" \
	    "$1" >"$tmp/$1.ptf" 2>&1
}

ptf_verdict() {
	local out=$tmp/$1.ptf
	if grep -q 'Matched DANE .* certificate at depth' "$out"; then
		echo dane-ok
	elif grep -q 'no matching DANE TLSA records' "$out"; then
		echo dane-fail
	elif grep -q 'Name service error.*try again' "$out"; then
		echo defer
	elif grep -q 'TLS connection established' "$out"; then
		echo no-dane
	else
		echo "other($(tail -1 "$out"))"
	fi
}

ptf_match() {
	sed -nE 's/.*Matched DANE (EE|TA) certificate at depth ([0-9]+): ([0-9] [0-9] [0-9]) ([0-9A-F]+).*/\1 \2 \3 \4/p' \
	    "$tmp/$1.ptf" | head -1 | awk '{ $NF = tolower($NF); print }'
}

# ---- ldns-dane

# The chain MX_ADDR sends, as PEM, in $tmp/DOMAIN.pem; with SIGALGS, to
# a client that offers only those.
fetch_chain() {
	timeout 10 openssl s_client -starttls smtp -connect "$MX_ADDR:25" \
	    -servername "$MX_HOST" ${2:+-sigalgs "$2"} -showcerts \
	    </dev/null 2>/dev/null |
	    sed -n '/BEGIN CERT/,/END CERT/p' >"$tmp/$1.pem"
}

ldns_word() {
	case $1 in
	*"dane-validated successfully"*) echo dane-ok ;;
	*"did not dane-validate"*) echo dane-fail ;;
	*bogus*) echo defer ;;
	*"No usable TLSA records"* | *"No TLSA records"*) echo no-dane ;;
	*) echo "other($1)" ;;
	esac
}

ldns_verdict() {
	ldns_word "$(timeout 15 ldns-dane -r "$MXLAB_RESOLVER" \
	    -c "$tmp/$1.pem" -f "$MXLAB_CA_FILE" verify "$MX_HOST" 25 2>&1)"
}

# Offline: the RRset mxanchor used, taken as validated (-d).  With -t,
# ldns-dane checks the leaf against the TLSA owner name itself (prefix
# and all), even for DANE-EE, so -n: the name checks DANE-TA needs are
# covered by the run through the resolver.
ldns_offline_verdict() {
	mx_tlsa_rrset "$1" >"$tmp/$1.tlsa"
	if [[ ! -s $tmp/$1.tlsa ]]; then
		echo no-dane
		return
	fi
	ldns_word "$(timeout 15 ldns-dane -d -n -c "$tmp/$1.pem" \
	    -t "$tmp/$1.tlsa" verify 2>&1)"
}

# ---- one scenario: all tools, then the comparisons

run_all() {
	local d=$1
	# shellcheck source=/dev/null
	. "$MXLAB_SCENARIOS/$d.env"
	mx_check "$d"
	ptf_run "$d"
	fetch_chain "$d"
	MXV=$(mx_verdict "$d")
	PTV=$(ptf_verdict "$d")
	LDV=$(ldns_verdict "$d")
	LOV=$(ldns_offline_verdict "$d")
	tap_diag "$d: mxanchor $MXV, posttls-finger $PTV, ldns-dane $LDV," \
	    "ldns-dane offline $LOV"
}

agree() {	# agree DOMAIN WANT: all four tools give WANT
	local d=$1 want=$2
	run_all "$d"
	tap_is "$MXV" "$want" "$d: mxanchor says $want"
	tap_is "$PTV" "$MXV" "$d: posttls-finger agrees ($PTV)"
	tap_is "$LDV" "$MXV" "$d: ldns-dane agrees ($LDV)"
	if [[ $want == dane-* ]] && grep -qE 'TLSA[[:space:]]+2 ' \
	    "$tmp/$d.tlsa"; then
		# ldns-dane -t checks a DANE-TA leaf against the TLSA owner
		# name, prefix included, and cannot pass; its resolver run
		# above covers DANE-TA.
		tap_diag "$d: ldns-dane offline not compared (DANE-TA)"
	elif [[ $want == dane-* ]]; then
		tap_is "$LOV" "$MXV" "$d: ldns-dane offline agrees ($LOV)"
	fi
	if [[ $want == dane-ok ]]; then
		tap_is "$(mx_match "$d")" "$(ptf_match "$d")" \
		    "$d: same record and certificate depth as posttls-finger"
	fi
}

agree good.test dane-ok
agree stale.test dane-fail
agree offsite.test dane-ok
agree expiring.test dane-ok
agree ta.test dane-ok
agree tanochain.test dane-fail
agree bogus.test defer
agree expired.test defer
agree unsigned.test no-dane
agree wild.test dane-ok		# TLSA from *._tcp, proven by NSEC
agree hashed.test dane-ok	# the same, proven by NSEC3

# alias.test: the MX host is a CNAME; RFC 7672 §2.2.3 looks up TLSA at
# the expanded name first.  posttls-finger does; ldns-dane looks only at
# the name it is given, so it is run offline on the RRset mxanchor used.
run_all alias.test
tap_is "$MXV" dane-ok "alias.test: mxanchor says dane-ok"
tap_is "$PTV" "$MXV" "alias.test: posttls-finger agrees"
tap_is "$(mx_match alias.test)" "$(ptf_match alias.test)" \
    "alias.test: same record as posttls-finger"
tap_is "$LOV" "$MXV" "alias.test: ldns-dane offline on that RRset agrees"
tap_is "$LDV" no-dane \
    "alias.test: ldns-dane by name finds no TLSA (no CNAME expansion)"

# ---- two certificates: ECDSA, and RSA for senders that prefer it

# An OpenSSL configuration that makes posttls-finger offer RSA only.
printf '%s\n' 'openssl_conf = conf' '[conf]' 'ssl_conf = ssl' \
    '[ssl]' 'system_default = sys' '[sys]' \
    "SignatureAlgorithms = $MXLAB_RSA_SIGALGS" >"$tmp/rsa-only.cnf"

# The tools as a sender that offers only RSA sees the domain.
rsa_sender() {
	local d=$1
	ptf_run "$d" "$tmp/rsa-only.cnf"
	fetch_chain "$d" "$MXLAB_RSA_SIGALGS"
	PTV=$(ptf_verdict "$d")
	LDV=$(ldns_verdict "$d")
	tap_diag "$d, RSA only: posttls-finger $PTV, ldns-dane $LDV"
}

agree dual.test dane-ok
rsa_sender dual.test
tap_is "$PTV" dane-ok "dual.test: posttls-finger offering RSA only agrees"
tap_is "$LDV" dane-ok "dual.test: ldns-dane on the RSA chain agrees"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].other_keys[0] |
    .key + " " + .spki_sha256' "$tmp/dual.test.json")" "RSA $RSA_311" \
    "dual.test: mxanchor saw the RSA key too"

# dualhalf.test: TLSA for the ECDSA key only.  A default client gets the
# ECDSA certificate and passes; one that prefers RSA gets the RSA one,
# which no record matches (RFC 7671 §5), so mxanchor fails the domain.
run_all dualhalf.test
tap_is "$MXV" dane-fail "deliberate: dualhalf.test fails in mxanchor $(
    )although a default client passes, since senders that prefer RSA $(
    )get a key no TLSA record matches (RFC 7671 §5)"
tap_is "$PTV" dane-ok "dualhalf.test: posttls-finger by default gets ECDSA"
rsa_sender dualhalf.test
tap_is "$PTV" dane-fail "dualhalf.test: posttls-finger offering RSA only $(
    )fails, as mxanchor says"
tap_is "$LDV" dane-fail "dualhalf.test: ldns-dane on the RSA chain fails"
tap_like "$(tlsa_field dualhalf.test '.findings[] |
    select(.code == "tlsa.other-key") | .message')" "$RSA_311" \
    "dualhalf.test: mxanchor names the RSA key's digest"

# ---- deliberate disagreements

# split.test: which TLSA a sender gets depends on the server its
# resolver asks.  mxanchor fails the domain because one server's copy
# fails (RFC 1034 §4.3.5); whatever copy posttls-finger got, mxanchor
# gave the same verdict for that copy.
run_all split.test
tap_is "$MXV" dane-fail "deliberate: split.test fails in mxanchor $(
    )although a sender may succeed, since ns2 serves a stale TLSA $(
    )copy (RFC 1034 §4.3.5)"
if [[ $PTV == dane-ok ]]; then
	tap_like "$(ptf_match split.test)" "${PUBLISHED_TLSA#3 1 1 }" \
	    "split.test: posttls-finger got ns1's copy, which mxanchor passes"
else
	tap_like "$(tlsa_field split.test '.findings[] |
	    select(.code == "tlsa.ns-copy-fails") | .message')" "ns2.test" \
	    "split.test: posttls-finger got ns2's copy, which mxanchor fails"
fi

# demo.test, changed here and restored on exit: records are added over
# RFC 2136 and the resolver's cache flushed.
demo_update() {
	printf 'server %s 53\nzone demo.test.\n%s\nsend\n' "$MXLAB_AUTH" "$1" |
	    knsupdate -y "$(cat "$MXLAB_TSIG")" &&
	    unbound-control -c "$MXLAB_UNBOUND_CONF" flush_zone demo.test \
	    >/dev/null
}

restore_demo() {
	[[ -n ${DEMO_CHANGED:-} ]] || return 0
	# shellcheck source=/dev/null
	. "$MXLAB_SCENARIOS/demo.test.env"
	demo_update "update delete $TLSA_NAME. TLSA
update add $TLSA_NAME. 300 TLSA $PUBLISHED_TLSA"
	DEMO_CHANGED=
}

. "$MXLAB_SCENARIOS/demo.test.env"
DEMO_CHANGED=1

# A stale 3 1 2 beside the good 3 1 1: Postfix uses the strongest digest
# of a usage and selector (digest agility, RFC 7671 §9), so it fails,
# and mxanchor, which wants every kind to match (RFC 7671 §8), agrees.
demo_update "update add $TLSA_NAME. 300 TLSA 3 1 2 $(printf 'ab%.0s' {1..64})"
run_all demo.test
tap_is "$MXV" dane-fail "demo.test + stale 3 1 2: mxanchor fails"
tap_is "$PTV" dane-fail "demo.test + stale 3 1 2: posttls-finger fails too"
tap_like "$(tlsa_field demo.test '.findings[].message')" \
    "Records of another kind do match" \
    "demo.test + stale 3 1 2: mxanchor says the 3 1 1 matches"
restore_demo

# A 2 1 1 for the lab root, which the server does not send, beside the
# good 3 1 1: posttls-finger accepts the 3 1 1 and ignores the rest.
# mxanchor fails it: the DANE-TA record can never match, since a server
# must send its trust anchor (RFC 7672 §3.1.2), and every published kind
# must work (RFC 7671 §8).
root_211=$(openssl x509 -in "$MXLAB_CA_FILE" -noout -pubkey |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -r |
    cut -d' ' -f1)
DEMO_CHANGED=1
demo_update "update add $TLSA_NAME. 300 TLSA 2 1 1 $root_211"
run_all demo.test
tap_is "$PTV" dane-ok "demo.test + unsent root 2 1 1: posttls-finger accepts"
tap_is "$MXV" dane-fail "deliberate: demo.test + unsent root 2 1 1 fails $(
    )in mxanchor (RFC 7672 §3.1.2: the trust anchor must be sent)"
tap_like "$(tlsa_field demo.test '[.findings[].code] | join(" ")')" \
    tlsa.ta-not-sent "demo.test + unsent root 2 1 1: finding tlsa.ta-not-sent"

# The same record alone: nothing else matches, and all agree.
demo_update "update delete $TLSA_NAME. TLSA 3 1 1 ${PUBLISHED_TLSA#3 1 1 }"
agree demo.test dane-fail
restore_demo

# Shared case 013 in the lab: a "3 1 1" that is the SHA-256 of nothing.
# All tools fail it; mxanchor also says why, and gives the right record.
DEMO_CHANGED=1
demo_update "update delete $TLSA_NAME. TLSA
update add $TLSA_NAME. 300 TLSA 3 1 1 $(printf '' | openssl dgst -sha256 -r |
    cut -d' ' -f1)"
agree demo.test dane-fail
tap_like "$(tlsa_field demo.test '[.findings[].code] | join(" ")')" \
    tlsa.empty-digest "case 013: the empty-input digest is recognised"
tap_like "$(tlsa_field demo.test '.artifacts[] | select(.kind == "zone") |
    .content')" "$TLSA_NAME. 300 IN TLSA 3 1 1 $SERVED_311" \
    "case 013: the record to publish is the served key's"
restore_demo

tap_done
