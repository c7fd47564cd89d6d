#!/usr/bin/env bash
# fleet.sh: how fast "mxanchor check --domains" gets through a fleet.
#
# Starts the lab with MXLAB_FLEET=N extra domains (default 1000) in
# $MXLAB_DIR (default /tmp/mxanchor-lab), checks them all with --jobs J
# (default 8) into a fresh state, and prints domains per second, wall
# time and the peak resident memory of the mxanchor process (GNU time).
# Run it as root, in a network namespace of your own if other labs run:
#
#   ip netns exec NS env MXLAB_DIR=/tmp/lab-N bench/fleet.sh [BUILD] [N] [J]
#
# BUILD defaults to build-bench, set up as a release build if missing.
# The lab is stopped at the end.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build-bench}
n=${2:-1000}
jobs=${3:-8}
lab=${MXLAB_DIR:-/tmp/mxanchor-lab}
tmp=$(mktemp -d)
stop_lab() {
	rm -rf "$tmp"
	"$top/tests/lab/stop.sh" "$lab" >/dev/null 2>&1 || true
}
trap stop_lab EXIT

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$top" --buildtype=release >/dev/null
fi
ninja -C "$build" mxanchor >/dev/null

MXLAB_FLEET=$n "$top/tests/lab/start.sh" "$lab" >/dev/null
# shellcheck source=/dev/null
. "$lab/env"
export SSL_CERT_FILE=$MXLAB_CA_FILE CURL_CA_BUNDLE=$MXLAB_CA_FILE
unset SSL_CERT_DIR

start=$(date +%s%N)
status=0
/usr/bin/time -f '%M %e' -o "$tmp/time" "$build/mxanchor" \
    --resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR" \
    --ca-file "$MXLAB_CA_FILE" --timeout 10 --state "$tmp/state.db" \
    check --domains "$MXLAB_FLEET_FILE" --jobs "$jobs" \
    --prometheus "$tmp/fleet.prom" >"$tmp/out" 2>&1 || status=$?
end=$(date +%s%N)

read -r rss_kb wall <"$tmp/time"
ms=$(((end - start) / 1000000))
checked=$(grep -c '^\(ok\|FAIL\|UNTESTED\) ' "$tmp/out" || true)
clean=$(grep -c '^ok ' "$tmp/out" || true)
echo "fleet: $checked domains ($clean clean), --jobs $jobs, exit $status"
echo "fleet: $ms ms wall, $(awk -v n="$checked" -v ms="$ms" \
    'BEGIN { printf "%.1f", n * 1000 / ms }') domains/second"
echo "fleet: peak memory $((rss_kb / 1024)) MiB ($rss_kb KiB maximum RSS)"
echo "fleet: state file $(du -k "$tmp/state.db" | cut -f1) KiB," \
    "metrics file $(du -k "$tmp/fleet.prom" | cut -f1) KiB"
tail -1 "$tmp/out"
