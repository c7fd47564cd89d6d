#!/usr/bin/env bash
# report.sh: mxanchor report DOMAIN in Markdown and HTML, from a state the
# lab filled.  The HTML page is rendered by headless Chromium and the
# rendered DOM is checked: every step, the chart, the timeline, hostile
# text shown as text and never run.
# Usage: report.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: report.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/state.db")
. "$MXLAB_SCENARIOS/stale.test.env"

# Two checks, so the timeline has a history.  Real time: the lab's
# signatures are only valid from when it started.
"$mx" "${lab[@]}" check stale.test >/dev/null
"$mx" "${lab[@]}" check stale.test >/dev/null
later=$(($(date +%s) + 60))
steps=$("$mx" "${lab[@]}" --no-state check stale.test --json |
    jq -r '[.steps[].id] | join(" ")')
nsteps=$(wc -w <<<"$steps")

# Hostile text, as a note could hold or a DNS answer could carry.
evil='<script>document.title="owned"</script><img src=x onerror=alert(1)> & "q" | *b* `c`'
sqlite3 "$tmp/state.db" "insert into events (domain_id, at, kind, message)
    select id, $(date +%s), 'note', '${evil//\'/\'\'}' from domains
    where name = 'stale.test'"

# The inventory: one address confirmed by a named operator.
"$mx" "${lab[@]}" inventory stale.test add-recovery "ACME <account>" \
    postmaster@stale.test --kind ca >/dev/null
MXANCHOR_USER=carol "$mx" "${lab[@]}" inventory stale.test confirm 1 \
    >/dev/null

# Markdown.
"$mx" "${lab[@]}" --now "$later" report stale.test \
    >"$tmp/r.md" 2>"$tmp/err"
tap_is "$?" 0 "report --format md (the default): exit 0"
tap_is "$(grep -c '^### [0-9]\. ' "$tmp/r.md")" "$nsteps" \
    "md: a section per step"
tap_like "$(cat "$tmp/r.md")" "### 3. DANE TLSA: fail" "md: tlsa fails"
tap_like "$(cat "$tmp/r.md")" \
    "_25._tcp.mx.stale.test. 300 IN TLSA 3 1 1 $SERVED_311" \
    "md: the record to publish, whole"
tap_like "$(cat "$tmp/r.md")" "(RFC 7671 §5" "md: RFC references"
tap_like "$(grep '| note |' "$tmp/r.md")" '\<script\>' \
    "md: markup in a note is escaped"
tap_is "$(grep -c '| status |' "$tmp/r.md")" "$nsteps" \
    "md: the timeline has each step's first status (no change since)"
tap_like "$(cat "$tmp/r.md")" "No TLS-RPT reports are stored for stale.test" \
    "md: says plainly that there is no TLS-RPT data"
tap_like "$(grep '^| 1 | ' "$tmp/r.md")" \
    '| 1 | ACME \<account\> | ca | postmaster@stale.test |  | ' \
    "md: the inventory lists the recovery address"
tap_like "$(grep '^| 1 | ' "$tmp/r.md")" " by carol |" \
    "md: with who confirmed its migration"

# HTML to a file, atomically; unknown domains and formats are errors.
"$mx" "${lab[@]}" --now "$later" report stale.test \
    --format html --output "$tmp/r.html"
tap_is "$?" 0 "report --format html --output: exit 0"
"$mx" "${lab[@]}" report nowhere.test >/dev/null 2>"$tmp/err"
tap_is "$?" 2 "a domain not in the state: exit 2"
tap_like "$(cat "$tmp/err")" "nowhere.test is not in the state" \
    "and says so"
"$mx" "${lab[@]}" report stale.test --format pdf >/dev/null 2>&1
tap_is "$?" 2 "an unknown format: exit 2"
tap_is "$(grep -oE '<[a-z][^<>]* (src|href)=|https?://[a-z]' "$tmp/r.html" |
    grep -v 'http://w' | sort -u | tr '\n' ' ')" "" \
    "html: no outside resource (only the SVG namespace)"

# Rendered by Chromium: what a reader sees.
chromium_dom() {
	local profile=$tmp/chromium
	rm -rf "$profile"
	timeout 60 chromium --headless --no-sandbox --disable-gpu \
	    --disable-quic --no-first-run --disable-background-networking \
	    --disable-component-update --disable-sync \
	    --user-data-dir="$profile" --dump-dom "file://$1" 2>/dev/null
}
if ! command -v chromium >/dev/null; then
	tap_result 1 "chromium is not installed (tests/lab/deps.sh)"
	tap_done
	exit
fi
chromium_dom "$tmp/r.html" >"$tmp/dom.html"
tap_like "$(cat "$tmp/dom.html")" '<span id="domain">stale.test</span>' \
    "chromium: the page rendered with its domain"
tap_like "$(grep -o '<title>[^<]*</title>' "$tmp/dom.html" | head -1)" \
    "mxanchor report: stale.test" "chromium: no script changed the title"
tap_is "$(grep -c '<script' "$tmp/dom.html")" 0 \
    "chromium: no script element in the DOM"
tap_is "$(grep -c '<img' "$tmp/dom.html")" 0 \
    "chromium: no img element from the note"
tap_like "$(cat "$tmp/dom.html")" \
    '&lt;script&gt;document.title="owned"&lt;/script&gt;' \
    "chromium: the note is shown as text"
tap_is "$(grep -o 'data-step="[a-z-]*"' "$tmp/dom.html" |
    sed 's/data-step=//; s/"//g' | tr '\n' ' ')" "$steps " \
    "chromium: a row per step, in rollout order"
tap_like "$(grep 'data-step="tlsa"' "$tmp/dom.html")" \
    '<td class="fail">fail</td>' "chromium: tlsa shown as failing"
tap_is "$(grep -c '<svg id="rollout-chart"' "$tmp/dom.html")" 1 \
    "chromium: the inline SVG chart is there"
tap_is "$(grep -o '<rect class="seg" data-status="fail"' "$tmp/dom.html" |
    wc -l)" 1 "chromium: the chart has one failing segment (tlsa)"
tap_is "$(grep -o '<rect class="seg"' "$tmp/dom.html" | wc -l)" "$nsteps" \
    "chromium: one segment per step (no status changed)"
tap_like "$(cat "$tmp/dom.html")" 'id="tlsrpt-none"' \
    "chromium: the TLS-RPT section says no reports are stored"
tap_like "$(sed -n '/<table id="recovery">/,/<\/table>/p' "$tmp/dom.html")" \
    '<td>ACME &lt;account&gt;</td><td>ca</td><td>postmaster@stale.test</td>' \
    "chromium: the inventory table, escaped"

# A screenshot, to look at by hand when this fails.
timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync \
    --user-data-dir="$tmp/chromium2" --window-size=900,1400 \
    --screenshot="$tmp/r.png" "file://$tmp/r.html" >/dev/null 2>&1
tap_is "$(head -c 8 "$tmp/r.png" | od -An -c | tr -d ' \n')" \
    '211PNG\r\n032\n' "chromium: a screenshot of the page"

# Once reports are imported, the report sums them up by day: the same
# figures 'reports summary' has, in Markdown and in the HTML chart.
day=$(date -u -d yesterday +%Y-%m-%d)
cat >"$tmp/tlsrpt.json" <<EOF
{"organization-name": "Reporter", "report-id": "report-sum-1",
 "contact-info": "tls@reporter.example",
 "date-range": {"start-datetime": "${day}T00:00:00Z",
   "end-datetime": "${day}T23:59:59Z"},
 "policies": [{"policy": {"policy-type": "sts",
   "policy-string": ["version: STSv1", "mode: testing"],
   "policy-domain": "stale.test", "mx-host": ["mx.stale.test"]},
  "summary": {"total-successful-session-count": 42,
   "total-failure-session-count": 3},
  "failure-details": [{"result-type": "certificate-expired",
   "sending-mta-ip": "192.0.2.1", "receiving-mx-hostname": "mx.stale.test",
   "failed-session-count": 3}]}]}
EOF
"$mx" "${lab[@]}" reports import "$tmp/tlsrpt.json" >/dev/null
"$mx" "${lab[@]}" report stale.test >"$tmp/r2.md"
tap_like "$(cat "$tmp/r2.md")" "| $day | 42 | 3 |" \
    "md: the stored reports summed up by day"
"$mx" "${lab[@]}" report stale.test --format html >"$tmp/r2.html"
tap_like "$(cat "$tmp/r2.html")" "1 report over 1 day" \
    "html: the stored reports, with a chart"
tap_is "$(grep -c 'tlsrpt-none' "$tmp/r2.html")" 0 \
    "html: no longer says no reports are stored"

tap_done
