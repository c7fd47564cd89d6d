#!/usr/bin/env bash
# manage.sh: records written to a file from the wizard (w), and a domain
# removed from the list (D, then y), with no removal on any other key.
# Usage: manage.sh [BUILD-DIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
build=$(cd "${1:-build}" && pwd)
work=$(mktemp -d)
# tmux starts its panes in the folder it was started from: the written
# file lands in $work.
cd "$work" || exit 1
tui_init "$build"
tui_lab_args
trap 'tui_cleanup; rm -rf "$work"' EXIT
. "$MXLAB_SCENARIOS/stale.test.env"

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")

# stale.test's TLSA step offers the record for the served key.
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" stale.test
tui_wait 'checked stale\.test in' 30 >/dev/null
tui_keys 3
tui_wait_all 5 'Step 3 of 7: ' '✗ fail' >/dev/null
tui_keys w
if tui_wait 'wrote mxanchor-stale\.test-tlsa\.txt' 5 &&
    grep -q "^_25._tcp.mx.stale.test. 300 IN TLSA 3 1 1 $SERVED_311\$" \
    "$work/mxanchor-stale.test-tlsa.txt"; then
	ok manage-write-records
else
	fail manage-write-records "no file with the unwrapped TLSA record"
	tui_dump
fi

# A step with nothing to publish says so instead of writing a file.
tui_keys 2
tui_wait 'Step 2 of 7: ' 5 >/dev/null
tui_keys w
if tui_wait 'nothing to publish' 5 &&
    [[ ! -e $work/mxanchor-stale.test-dnssec.txt ]]; then
	ok manage-write-nothing
else
	fail manage-write-nothing "wrote a file for a passing step"
fi

# Back to the list: D asks, n keeps, D then y removes.
tui_keys h
tui_wait 'Domain +inv' 5 >/dev/null
tui_keys D
if tui_wait 'Remove stale\.test and its whole history\?' 5; then
	ok manage-remove-asks
else
	fail manage-remove-asks "no confirmation question"
fi
tui_keys n
if tui_wait_all 5 'kept stale\.test' 'stale\.test +✓'; then
	ok manage-remove-kept
else
	fail manage-remove-kept "n did not keep the domain"
fi
tui_keys D
tui_wait 'Remove stale\.test' 5 >/dev/null
tui_keys y
if tui_wait_all 5 'removed stale\.test' 'No domains yet'; then
	ok manage-remove-done
else
	fail manage-remove-done "y did not remove the domain"
fi
tui_keys q
tui_exit_status 5 >/dev/null
if [[ $(sqlite3 "$TUI_TMP/state.db" "select count(*) from domains;
    select count(*) from events") == $'0\n0' ]]; then
	ok manage-remove-state
else
	fail manage-remove-state "the domain or its events are still stored"
fi

tui_sanitizer_check manage-sanitizers
tui_finish
