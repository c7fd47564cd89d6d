#!/usr/bin/env bash
# fleet.sh: check --domains FILE, --all, --jobs and --prometheus against
# the lab.  The metrics file is validated by a strict reader of the
# exposition format (tests/lib/promcheck.py) and by promtool.
# Usage: fleet.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: fleet.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/state.db")

# A list with comments, blank lines, case and a final dot, a duplicate.
cat >"$tmp/domains" <<'LIST'
# the lab's domains
good.test
Stale.Test.      # after a key rotation

unsigned.test
good.test
LIST

"$mx" "${lab[@]}" check --domains "$tmp/domains" --jobs 2 \
    --prometheus "$tmp/mx.prom" >"$tmp/out" 2>"$tmp/err"
tap_is "$?" 1 "--domains: exit 1 when a domain has a failed step"
tap_is "$(grep -c . "$tmp/out")" 4 "one line per distinct domain and a total"
tap_like "$(grep stale.test "$tmp/out")" "FAIL     stale.test  tlsa fail: " \
    "the failing domain names its failing step"
tap_like "$(grep ' good.test' "$tmp/out")" "ok       good.test" \
    "the clean domain says ok"
tap_like "$(tail -1 "$tmp/out")" "checked 3 domains in" "the total line"
tap_like "$(tail -1 "$tmp/out")" "1 clean, 2 failed, 0 untested" \
    "the total counts"
tap_is "$(sqlite3 "$tmp/state.db" 'select count(*) from domains')" 3 \
    "every checked domain is stored"

# The metrics file: strict format, and promtool agrees.
problems=$(python3 "$here/../lib/promcheck.py" "$tmp/mx.prom")
tap_is "$?:$problems" "0:" "the Prometheus file follows the format"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/mx.prom" >"$tmp/promtool" 2>&1
	tap_is "$?" 0 "promtool check metrics accepts it"
else
	tap_result 1 "promtool is not installed (tests/lab/deps.sh)"
fi
tap_is "$(grep -c '^mxanchor_step_status{domain="stale.test",step="tlsa",status="fail"} 1$' \
    "$tmp/mx.prom")" 1 "stale.test's tlsa step is failing in the metrics"
nsteps=$("$mx" "${lab[@]}" --no-state check good.test --json |
    jq '.steps | length')
tap_is "$(grep -c '^mxanchor_step_status{domain="good.test",.*} 1$' \
    "$tmp/mx.prom")" "$nsteps" "one current status per step of good.test"
tap_is "$(grep '^mxanchor_run_domains{outcome="failed"}' "$tmp/mx.prom")" \
    'mxanchor_run_domains{outcome="failed"} 2' "run totals in the metrics"
tap_is "$(stat -c %a "$tmp/mx.prom")" 644 "readable by node_exporter"

# A bad line names its line number; nothing is checked.
printf 'good.test\nbad domain.test\n' >"$tmp/bad"
"$mx" "${lab[@]}" check --domains "$tmp/bad" >"$tmp/out" 2>"$tmp/err"
tap_is "$?" 2 "a malformed list exits 2"
tap_like "$(cat "$tmp/err")" "line 2: bad domain.test" \
    "the error names the line"
tap_is "$(cat "$tmp/out")" "" "and nothing is checked"

# --all: what the state holds, as JSON.
"$mx" "${lab[@]}" check --all --json --jobs 3 >"$tmp/all.json" 2>"$tmp/err"
tap_is "$?" 1 "--all: exit 1"
tap_is "$(jq -r '[.domains[].domain] | sort | join(" ")' "$tmp/all.json")" \
    "good.test stale.test unsigned.test" "--all checks every stored domain"
tap_is "$(jq -r '.summary | "\(.domains) \(.clean) \(.failed)"' \
    "$tmp/all.json")" "3 1 2" "--all --json summary"
tap_is "$(jq -r '.domains[] | select(.domain == "stale.test") |
    .steps[] | select(.id == "tlsa") | .findings[0].code' "$tmp/all.json")" \
    "tlsa.mismatch" "--all --json keeps the findings"

# Usage errors exit 2 before any network work.
"$mx" "${lab[@]}" check good.test --all >/dev/null 2>&1
tap_is "$?" 2 "a DOMAIN and --all together are refused"
"$mx" "${lab[@]}" check --all --jobs 0 >/dev/null 2>&1
tap_is "$?" 2 "--jobs 0 is refused"
"$mx" "${lab[@]}" --no-state check --all >/dev/null 2>&1
tap_is "$?" 2 "--all without a state is refused"

# A resolver that does not answer: untested is exit 2, not silence.
"$mx" --resolver 127.0.58.99 --trust-anchor "$MXLAB_TRUST_ANCHOR" \
    --ca-file "$MXLAB_CA_FILE" --timeout 1 --state "$tmp/state.db" \
    check --all --prometheus "$tmp/down.prom" >"$tmp/out" 2>&1
tap_is "$?" 2 "--all with no resolver answering exits 2"
tap_like "$(tail -1 "$tmp/out")" "0 clean, 0 failed, 3 untested" \
    "and counts the domains as untested"
tap_is "$(grep -c '^mxanchor_check_success{.*} 0$' "$tmp/down.prom")" 3 \
    "mxanchor_check_success is 0 for each"

# The single-domain check writes the same metrics.
"$mx" "${lab[@]}" check good.test --prometheus "$tmp/one.prom" >/dev/null
tap_is "$?" 0 "check DOMAIN --prometheus: exit 0"
tap_is "$(python3 "$here/../lib/promcheck.py" "$tmp/one.prom")" "" \
    "its file follows the format too"

# Mistakes a cron job would otherwise hide, said before any check runs.
: >"$tmp/empty.list"
out=$("$mx" "${lab[@]}" check --domains "$tmp/empty.list" 2>&1)
tap_is "$?" 2 "an empty --domains file: exit 2"
tap_like "$out" "lists no domain" "an empty --domains file: says so"
out=$("$mx" "${lab[@]}" check --domains "$tmp/domains" \
    --prometheus "$tmp/nowhere/mx.prom" 2>&1)
tap_is "$?" 2 "--prometheus into a missing folder: exit 2"
tap_like "$out" "cannot write in $tmp/nowhere" \
    "--prometheus into a missing folder: said at once"
if [[ $out == *checked* ]]; then
	tap_result 1 "--prometheus into a missing folder: nothing checked"
else
	tap_result 0 "--prometheus into a missing folder: nothing checked"
fi

tap_done
