#!/usr/bin/env bash
# lint_reports.sh: the offline commands, no lab needed: lint (text, JSON,
# exit codes) on the shared cases, and reports import / summary on the
# report files and the mail of cases 009 and 012.
# Usage: lint_reports.sh PATH-TO-MXANCHOR SOURCE-ROOT
set -uo pipefail

mx=${1:?usage: lint_reports.sh MXANCHOR SOURCE-ROOT}
top=${2:?usage: lint_reports.sh MXANCHOR SOURCE-ROOT}
. "$top/tests/lib/tap.sh"
cases=$top/tests/data/cases
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# lint KIND ARGS...: output in $out, exit code in $rc.
lint() {
	out=$("$mx" lint "$@" 2>&1)
	rc=$?
}

# Case 004: each TXT record alone.
while IFS=$'\t' read -r label record; do
	[[ -n $label && $label != \#* ]] || continue
	lint sts-txt "$record"
	case $label in
	ok-*)	tap_is "$rc" 0 "lint sts-txt $label: exit 0" ;;
	*)	tap_is "$rc" 1 "lint sts-txt $label: exit 1 (MUST broken)"
		tap_like "$out" "error MUST   sts.txt" \
		    "lint sts-txt $label: an error tagged MUST" ;;
	esac
done <"$cases/004-mtasts-txt-id-illegal-chars/txt-records.txt"

lint sts-txt 'v=STSv1; id=a1' 'v=STSv1; id=b2'
tap_is "$rc" 1 "lint sts-txt with two records: exit 1"
tap_like "$out" "2 records start with" "lint sts-txt: names the duplicate"

# Case 001: every framing is fine; case 002: nmx is not mx.
for f in policy-lf.txt policy-crlf.txt policy-mixed.txt; do
	lint sts-policy "$cases/001-mtasts-policy-lf-line-endings/$f"
	tap_is "$rc" 0 "lint sts-policy $f: exit 0"
done
lint sts-policy "$cases/002-mtasts-policy-misspelled-mx-key/policy-enforce-nmx.txt" --json
tap_is "$rc" 1 "lint sts-policy nmx: exit 1"
tap_is "$(jq -r '.must_broken' <<<"$out")" true "lint --json: must_broken"
tap_like "$(jq -r '.findings[] | select(.code == "sts.policy.unknown-field") |
    .message' <<<"$out")" 'did you mean "mx"' "lint --json: the nmx hint"

# Case 006 against MX hosts: one not covered, one pattern unused.
lint sts-policy "$cases/006-mtasts-mx-wildcard-matching/policy.txt" \
    --mx mail.example.net --mx b.a.mx.example.net
tap_is "$rc" 1 "lint sts-policy --mx: exit 1"
tap_like "$out" "MX host b.a.mx.example.net is not covered" \
    "lint sts-policy --mx: the uncovered MX"
tap_like "$out" 'mx "*.mx.example.net" matches none' \
    "lint sts-policy --mx: the unused pattern"
printf 'version: STSv1\nmode: enforce\nmx: *.example.net\nmax_age: 3600\n' |
    { out=$("$mx" lint sts-policy - --domain example.net); echo "$?" \
    >"$tmp/rc"; echo "$out" >"$tmp/out"; }
tap_is "$(cat "$tmp/rc")" 0 "lint sts-policy -: advice only, exit 0"
tap_like "$(cat "$tmp/out")" "sts.policy.short-max-age" \
    "lint sts-policy: a short max_age in enforce"
tap_like "$(cat "$tmp/out")" "sts.mx-broad" "lint sts-policy: a broad wildcard"

# Case 008 as one record each.
lint tlsrpt-txt 'v=TLSRPTv1; rua=mailto:tlsrpt@example.net,https://reports.example.org/v1/tlsrpt'
tap_is "$rc" 0 "lint tlsrpt-txt comma list: exit 0"
lint tlsrpt-txt 'v=TLSRPTv1; rua=tlsrpt@example.net'
tap_is "$rc" 1 "lint tlsrpt-txt without a scheme: exit 1"
tap_like "$out" "must be a mailto: or https: URI" "lint tlsrpt-txt: says why"
lint nonsense x
tap_is "$rc" 2 "lint of an unknown kind: exit 2"

# Reports: the files of 009 and the mail of 012, twice.
st=(--state "$tmp/state.db" --now 2026-12-03T12:00:00)
out=$("$mx" "${st[@]}" reports import "$cases/009-tlsrpt-report-sparse-fields" \
    "$cases/012-tlsrpt-email-attachment/report-email.eml" 2>"$tmp/err")
rc=$?
tap_is "$rc" 1 "reports import: case.md is not a report, exit 1"
tap_like "$out" "3 reports read: 3 new, 0 already stored" "reports import: 3 new"
tap_like "$(cat "$tmp/err")" "case.md: not a mail message" \
    "reports import: names what it could not use"
out=$("$mx" "${st[@]}" reports import "$cases/012-tlsrpt-email-attachment/report-email.eml")
tap_is "$?" 0 "reports import again: exit 0"
tap_like "$out" "1 report read: 0 new, 1 already stored" \
    "reports import again: no duplicate"
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from tlsrpt_reports")" 3 \
    "three reports in the state"

out=$("$mx" "${st[@]}" reports summary example.net --json)
tap_is "$(jq -r '"\(.reports) \(.successful) \(.failed)"' <<<"$out")" \
    "3 14 6" "summary: 3 reports, 14 successful, 6 failed sessions"
tap_is "$(jq -r '[.days[].day] | join(" ")' <<<"$out")" \
    "2026-11-29 2026-11-30 2026-12-02" "summary: the three days"
tap_is "$(jq -r '.days[2].failures[0].guidance' <<<"$out")" \
    "mx2.example.net did not offer STARTTLS to 3 sessions; in enforce mode these deliveries would have failed" \
    "summary: what the failure of 12-02 means"
tap_is "$(jq -r '.days[2].failures[0].sending_ip' <<<"$out")" \
    "2001:db8:4860::1b" "summary: by sending IP"
out=$("$mx" "${st[@]}" reports summary example.net)
tap_like "$out" "2026-11-30        1            0       3  XXX" \
    "summary text: a bar of failures"
"$mx" "${st[@]}" reports summary >/dev/null 2>&1
tap_is "$?" 2 "summary without a domain: exit 2"

# Option errors name the option, not the word before it.
tap_like "$("$mx" check -x.test 2>&1)" "unknown option: -x" \
    "an unknown short option is named"
tap_like "$("$mx" check -v 2>&1)" "missing argument for option: -v" \
    "a short option without its argument is named"
tap_like "$("$mx" check --state 2>&1)" \
    "missing argument for option: --state" \
    "a long option without its argument is named"

# An oversized policy is still judged on what senders would read, and
# a FIFO is refused rather than waited on.
head -c 100000 /dev/urandom >"$tmp/junk.policy"
out=$("$mx" lint sts-policy "$tmp/junk.policy")
tap_is "$?" 1 "lint sts-policy, 100 KB of junk: exit 1"
tap_like "$out" "sts.policy.size" "lint sts-policy, 100 KB: too big"
tap_like "$out" "sts.policy.binary" "lint sts-policy, 100 KB: and binary"
mkfifo "$tmp/fifo"
timeout 5 "$mx" lint sts-policy "$tmp/fifo" >/dev/null 2>&1
tap_is "$?" 2 "lint sts-policy FIFO: refused at once (exit 2)"

# ---- hostile mail: an mbox whose second message is no message, and
# reports that would overflow the sums or paint the terminal.
report() {	# report ID OK-COUNT MX
	printf '{"organization-name":"o","contact-info":"c","report-id":"%s",' "$1"
	printf '"date-range":{"start-datetime":"2026-12-01T00:00:00Z",'
	printf '"end-datetime":"2026-12-01T23:59:59Z"},"policies":[{"policy":'
	printf '{"policy-type":"sts","policy-domain":"hostile.test"},'
	printf '"summary":{"total-successful-session-count":%s,' "$2"
	printf '"total-failure-session-count":1},"failure-details":[{'
	printf '"result-type":"validation-failure","receiving-mx-hostname":'
	printf '"%s","failed-session-count":1}]}]}' "$3"
}
message() {	# message ID OK-COUNT MX
	printf 'From r@x Mon Dec  1 00:00:00 2026\nFrom: r@x\n'
	printf 'Subject: Report Domain: hostile.test\nMIME-Version: 1.0\n'
	printf 'Content-Type: multipart/report; report-type=tlsrpt; '
	printf 'boundary="B"\n\n--B\nContent-Type: text/plain\n\nhi\n--B\n'
	printf 'Content-Type: application/tlsrpt+json\n\n%s\n--B--\n\n' \
	    "$(report "$@")"
}
{
	message m1 5 mx.hostile.test
	printf 'From a@b Mon Dec  1 00:00:00 2026\nhello, no headers\n\n'
	message m2 9223372036854775807 mx.hostile.test
	message m3 7 'mx\u001b[2J\u0007.hostile.test'
} >"$tmp/hostile.mbox"
out=$("$mx" "${st[@]}" reports import "$tmp/hostile.mbox" 2>&1)
tap_is "$?" 1 "hostile mbox: exit 1 (some messages unusable)"
tap_like "$out" "message 2: not a mail message" \
    "hostile mbox: the message without headers is named"
tap_like "$out" "session count above" \
    "hostile mbox: the overflowing count is refused"
tap_like "$out" "2 reports read: 2 new" \
    "hostile mbox: the reports after them are still read"
out=$("$mx" "${st[@]}" reports summary hostile.test)
tap_is "$?" 0 "hostile mbox: the summary still works"
tap_like "$out" 'mx\x1b[2j\x07.hostile.test' \
    "hostile mbox: control characters escaped"
if LC_ALL=C grep -q $'[\x01-\x08\x1b]' <<<"$out"; then
	tap_result 1 "hostile mbox: no control character reaches the terminal"
else
	tap_result 0 "hostile mbox: no control character reaches the terminal"
fi

tap_done
