#!/usr/bin/env bash
# resume.sh: a rollout resumes where the operator left it.
#
# Opens the wizard on good.test against the lab, waits for the background
# check, moves to the TLSA step and checks that the 3 1 1 record matched;
# quits, starts again and checks that the cursor came back to TLSA, with
# the stored result shown.  A --read-only run then moves the cursor away,
# and the next run must still land on TLSA.  Last, quitting while a check
# waits on a silent resolver must be immediate.
#
# Usage: resume.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")
TLSA_TITLE='Step 3 of 7: '

# 1. A first run: the check finishes and TLSA matches.
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" good.test
if tui_wait 'checked good\.test in' 30; then
	ok resume-check-done
else
	fail resume-check-done "the check did not finish"
fi
if tui_has 'Step 1 of 7: '; then
	ok resume-first-step
else
	fail resume-first-step "a new domain should open on the first step"
	tui_dump
fi

tui_keys j j
if tui_wait_all 5 "$TLSA_TITLE" '▸ ✓ 3 ' '✓ pass' 'matches' \
    'TLSA 3 1 1 matches'; then
	ok resume-tlsa-match
else
	fail resume-tlsa-match "TLSA step not shown as a passing 3 1 1 match"
	tui_dump
fi

tui_keys q
status=$(tui_exit_status 5)
if [[ $status == 0 ]]; then
	ok resume-quit
else
	fail resume-quit "exit status $status"
	tui_dump
fi

# 2. Again: the cursor is back on TLSA, the stored result shown.
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" good.test
if tui_wait_all 10 "$TLSA_TITLE" '▸ ✓ 3 ' 'TLSA 3 1 1 matches' &&
    ! tui_has 'unreadable'; then
	ok resume-cursor
else
	fail resume-cursor "the cursor did not come back to TLSA"
	tui_dump
fi
tui_wait 'checked good\.test in' 30 >/dev/null 2>&1
tui_keys q
status=$(tui_exit_status 5)
[[ $status == 0 ]] || fail resume-quit-2 "exit status $status"

# 3. Read-only: moves are not stored.
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" --read-only good.test
if tui_wait_all 10 "$TLSA_TITLE" 'read-only'; then
	tui_keys k k
	tui_wait 'Step 1 of 7: ' 5 >/dev/null
	tui_keys q
	status=$(tui_exit_status 5)
	tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" good.test
	if tui_wait "$TLSA_TITLE" 10; then
		ok resume-read-only
	else
		fail resume-read-only "a read-only run moved the stored cursor"
	fi
	tui_keys q
	tui_exit_status 5 >/dev/null
else
	fail resume-read-only "no read-only mark in the header"
fi

# 4. Quitting during a check that waits on the network is immediate.
tui_start 100 30 "${UTF8[@]}" -- --state "$TUI_TMP/state.db" \
    --resolver 127.0.59.9 --timeout 20 good.test
if tui_wait 'checking good\.test' 10; then
	start=$SECONDS
	tui_keys q
	status=$(tui_exit_status 5)
	if [[ $status == 0 ]] && ((SECONDS - start < 5)); then
		ok resume-quit-running
	else
		fail resume-quit-running "exit status $status after" \
		    "$((SECONDS - start)) s"
		tui_dump
	fi
else
	fail resume-quit-running "no running check shown"
fi

tui_sanitizer_check resume-sanitizers
tui_finish
