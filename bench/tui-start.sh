#!/usr/bin/env bash
# tui-start.sh: how long the wizard takes to show its first full screen
# with N domains (default 1000) in the state.
#
# Builds a state of N domains whose stored step results are copies of a
# real check of one lab domain (so every row carries a full result, as a
# real state would), then starts the wizard R times (default 20) in a
# pseudo-terminal (script(1)) with MXANCHOR_EXIT_AFTER_DRAW=1: it opens
# the state, loads and sorts the dashboard, draws it and quits.  Prints
# the median, fastest and slowest wall time of the mxanchor process.
# Needs a running lab (for the one real check):
#
#   ip netns exec NS env MXLAB_DIR=/tmp/lab-N bench/tui-start.sh [BUILD] [N] [R]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-bench}
n=${2:-1000}
runs=${3:-20}
lab=${MXLAB_DIR:-/tmp/mxanchor-lab}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$top" --buildtype=release >/dev/null
fi
ninja -C "$build" mxanchor >/dev/null
# shellcheck source=/dev/null
. "$lab/env"
export SSL_CERT_FILE=$MXLAB_CA_FILE CURL_CA_BUNDLE=$MXLAB_CA_FILE
unset SSL_CERT_DIR
state=$tmp/state.db

# One real check, then N-1 copies of its domain under other names.
"$build/mxanchor" --resolver "$MXLAB_RESOLVER" \
    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" \
    --state "$state" check stale.test >/dev/null || true
sqlite3 "$state" <<SQL
WITH RECURSIVE i(k) AS (SELECT 2 UNION ALL SELECT k + 1 FROM i WHERE k < $n)
INSERT INTO domains (name, added, checked)
    SELECT printf('d%05d.example', k), added, checked FROM i, domains
    WHERE name = 'stale.test';
INSERT INTO steps (domain_id, step, status, changed, checked, result)
    SELECT d.id, s.step, s.status, s.changed, s.checked, s.result
    FROM domains d, steps s JOIN domains o ON o.id = s.domain_id
    WHERE o.name = 'stale.test' AND d.name != 'stale.test';
SQL
echo "tui-start: $(sqlite3 "$state" 'select count(*) from domains') domains," \
    "$(($(stat -c %s "$state") / 1024)) KiB state"

# Inside the pseudo-terminal, bash times the wizard alone (EPOCHREALTIME
# needs no fork); the screen it drew is kept to check it is the dashboard.
times=()
for ((r = 0; r < runs; r++)); do
	TERM=xterm-256color LANG=C.UTF-8 MXANCHOR_EXIT_AFTER_DRAW=1 \
	    script -qec "stty rows 24 cols 80; s=\$EPOCHREALTIME;
	    '$build/mxanchor' --state '$state' --read-only; e=\$EPOCHREALTIME;
	    echo \"\${s/./} \${e/./}\" >'$tmp/time'" /dev/null >"$tmp/screen"
	read -r s e <"$tmp/time"
	times+=($((e - s)))
done
grep -q "$n domains:" "$tmp/screen" ||
    { echo "tui-start: the dashboard was not drawn" >&2; exit 1; }
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(sed -n "$((runs / 2 + 1))p" <<<"$sorted")
fastest=$(head -1 <<<"$sorted")
slowest=$(tail -1 <<<"$sorted")
ms() { printf '%d.%d ms' $(($1 / 1000)) $(($1 % 1000 / 100)); }
echo "tui-start: first full screen (process start to exit after the" \
    "first draw) in $(ms "$median") median, $(ms "$fastest") fastest," \
    "$(ms "$slowest") slowest of $runs runs; target under 50 ms"
