#!/usr/bin/env bash
# run-all.sh: everything the test suite needs, from a fresh Debian 12
# machine (as root) to the last line "N passed, N failed".
#
# Installs missing packages, builds with -Werror under AddressSanitizer
# and UBSan (and plainly, for valgrind), starts the lab, runs the unit,
# lab and TUI suites, runs each fuzz harness under libFuzzer (a clang
# build) for a few seconds, stops the lab, prints the figures (fuzz
# executions, crash trials, hostile behaviours, valgrind runs).  N counts
# individual test cases (TAP lines), not programs.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MXANCHOR_TEST_BUILD:-$top/build-test}
fuzzbuild=${MXANCHOR_FUZZ_BUILD:-$top/build-fuzz-test}
lab=${MXLAB_DIR:-/tmp/mxanchor-lab}
export MXLAB_DIR=$lab

die() {
	echo "run-all.sh: $*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

"$top/scripts/deps.sh" || die "installing dependencies failed"

if [[ ! -f $build/build.ninja ]]; then
	meson setup "$build" "$top" -Dwerror=true \
	    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
	    die "meson setup failed"
fi
ninja -C "$build" || die "the build failed"

# A plain build for valgrind, which cannot run sanitized code; only the
# binary is needed (tests/integration/valgrind.sh).
vgbuild=${MXANCHOR_VALGRIND_BUILD:-$top/build-valgrind}
if [[ ! -f $vgbuild/build.ninja ]]; then
	meson setup "$vgbuild" "$top" -Dwerror=true >/dev/null ||
	    die "meson setup of the valgrind build failed"
fi
ninja -C "$vgbuild" mxanchor || die "the valgrind build failed"
export MXANCHOR_VALGRIND_BIN=$vgbuild/mxanchor

# The same harnesses under libFuzzer, which needs clang.
if [[ ! -f $fuzzbuild/build.ninja ]]; then
	CC=clang meson setup "$fuzzbuild" "$top" -Dwerror=true -Dfuzz=true \
	    -Dfuzz_seconds="${MXANCHOR_FUZZ_SECONDS:-10}" \
	    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
	    die "meson setup of the fuzz build failed"
fi
ninja -C "$fuzzbuild" || die "the fuzz build failed"

"$top/tests/lab/start.sh" "$lab" || die "the lab did not start"
trap '"$top/tests/lab/stop.sh" "$lab" >/dev/null' EXIT

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C "$build" --print-errorlogs --num-processes 2 "$@"
meson test -C "$fuzzbuild" --suite fuzz --print-errorlogs --num-processes 2

# What the fuzzers did, per harness.
jq -r 'select(.name | test("fuzz-")) | "fuzz \(.name | sub(".*/ "; "")): " +
	((.stdout + .stderr) | [scan("number_of_executed_units: ([0-9]+)")] |
	 if length > 0 then "\(.[0][0]) executions (libFuzzer)"
	 else "see the unit run" end)' "$fuzzbuild/meson-logs/testlog.json"

# The other figures: crash trials (check, wizard), hostile behaviours,
# valgrind runs.
jq -r 'select(.name | test("crash|hostile|valgrind")) | .stdout' \
    "$build/meson-logs/testlog.json" |
    grep -E '^# ([0-9]+ (wizard )?trials|hostile behaviours|valgrind runs)' |
    sed 's/^# //'

# Count test cases: TAP lines for TAP tests, one per plain test.  A TAP
# test that failed without a "not ok" line (a crash) counts one failure.
"$top/tests/lab/stop.sh" "$lab" >/dev/null
trap - EXIT

# A test that skipped itself (what it covers is not in this build) is
# neither: it is named here.
jq -r 'select(.result == "SKIP") | "skipped: \(.name | sub(".*/ "; ""))"' \
    "$build/meson-logs/testlog.json" "$fuzzbuild/meson-logs/testlog.json"
summary=$(jq -rs '
	map(select(.result != "SKIP")) |
	map(. as $t | ($t.stdout // "") | split("\n") as $lines |
	    ([$lines[] | select(test("^ok "))] | length) as $ok |
	    ([$lines[] | select(test("^not ok "))] | length) as $bad |
	    if ($ok + $bad) == 0 then
		(if $t.result == "OK" then [1, 0] else [0, 1] end)
	    elif $t.result != "OK" and $bad == 0 then [$ok, 1]
	    else [$ok, $bad] end) |
	"\(map(.[0]) | add) passed, \(map(.[1]) | add) failed"' \
	"$build/meson-logs/testlog.json" \
	"$fuzzbuild/meson-logs/testlog.json") || die "no test log"
echo "$summary"
[[ $summary == *" 0 failed" ]]
