#!/usr/bin/env bash
# valgrind.sh: `mxanchor check` under valgrind, on the lab's scenarios and
# on the error paths the fake servers force (a forged answer, a refused
# TCP fallback, a record cut short, a CNAME loop, a compressed policy, a
# policy too large, plain text for TLS, bytes that are not UTF-8).  No
# definite leak and no memory error is allowed.
#
# Valgrind cannot run a sanitizer build, so the binary comes from a plain
# build: $MXANCHOR_VALGRIND_BIN, which tests/run-all.sh makes in
# build-valgrind.  Usage: valgrind.sh BUILD_DIR (for the fakes).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/fakes.sh"
build=$(cd "${1:?usage: valgrind.sh BUILD_DIR}" && pwd)
mx=${MXANCHOR_VALGRIND_BIN:-}

if [[ -z $mx || ! -x $mx ]]; then
	echo "1..0 # SKIP no plain build: set MXANCHOR_VALGRIND_BIN" \
	    "(tests/run-all.sh does)"
	exit 0
fi
if ! command -v valgrind >/dev/null; then
	echo "Bail out! valgrind is not installed (scripts/deps.sh)"
	exit 1
fi
if nm -D "$mx" 2>/dev/null | grep -q __asan_init; then
	echo "Bail out! $mx is an ASan build; valgrind needs a plain one"
	exit 1
fi
lab_env
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxvalgrind.XXXXXX")
trap 'fakes_stop; rm -rf "$tmp"' EXIT

VALGRIND=(valgrind -q --leak-check=full --errors-for-leak-kinds=definite
    --error-exitcode=99 --track-origins=yes)
runs=0

# vg_check NAME ARGS...: one run; the exit code must not be valgrind's,
# and its report must be empty.
vg_check() {
	local name=$1 rc
	shift
	timeout 300 "${VALGRIND[@]}" --log-file="$tmp/$name.vg" "$mx" "$@" \
	    >"$tmp/$name.out" 2>"$tmp/$name.err"
	rc=$?
	runs=$((runs + 1))
	if [[ $rc -ne 99 && $rc -ne 124 && ! -s $tmp/$name.vg ]]; then
		tap_result 0 "$name: no definite leak, no memory error" \
		    "(exit $rc)"
		return
	fi
	tap_result 1 "$name: valgrind reported (exit $rc)"
	sed 's/^/#   /' "$tmp/$name.vg" | head -60
}

lab=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 10 --state "$tmp/state.db")

# The lab: a clean domain, a stale TLSA, an unsigned zone, no domain;
# the first with the state written, the others with --json.
vg_check good.test "${lab[@]}" check good.test
vg_check stale.test "${lab[@]}" check stale.test --json
vg_check unsigned.test "${lab[@]}" check unsigned.test --json
vg_check nosuch.test "${lab[@]}" check nosuch.test --json
tap_is "$(sqlite3 "$tmp/state.db" 'select count(*) from domains')" 4 \
    "the four checks were recorded in the state"

# A resolver that does not answer at all.
vg_check dead-resolver --resolver 127.0.59.9 --trust-anchor \
    "$MXLAB_TRUST_ANCHOR" --timeout 1 --no-state check good.test

# The error paths, against the fakes.
if fakes_start "$build" "$tmp/fakes"; then
	for label in forged tc-close cut-short loop huge gzip big plaintext \
	    latin1; do
		vg_check "$label" "${FAKE_OPTS[@]}" --timeout 5 --no-state \
		    check "$label.hostile.test" --json
	done
else
	tap_result 1 "the fake servers started"
fi

tap_diag "valgrind runs: $runs"
tap_done
