#!/usr/bin/env bash
# signal.sh: the terminal comes back on every way out.
#
# q, SIGTERM and Ctrl-C (SIGINT from the terminal, during a check that
# waits on a silent resolver) must each leave the alternate screen, show
# the cursor again and end the process: status 0 for q, death by the
# signal otherwise (128 + N as the shell reports it).
#
# Usage: signal.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")

# tmux's view of the terminal: alternate screen on, cursor shown.
pane_flags() {
	$TUI_TMUX display-message -p -t mx '#{alternate_on} #{cursor_flag}'
}

# check NAME WANT_STATUS: waits for the exit, then checks the terminal.
check_exit() {
	local name=$1 want=$2 status flags
	status=$(tui_exit_status 5)
	flags=$(pane_flags)
	if [[ $status == "$want" && $flags == "0 1" ]]; then
		ok "$name"
	else
		fail "$name" "status $status (want $want)," \
		    "alternate screen and cursor: $flags (want 0 1)"
		tui_dump
	fi
}

tui_start 100 30 LANG=C.UTF-8 -- "${ARGS[@]}" good.test
tui_wait 'checked good\.test in' 30 >/dev/null
if [[ $(pane_flags) == "1 0" ]]; then
	ok signal-curses-on
else
	fail signal-curses-on "flags $(pane_flags), want 1 0"
fi
tui_keys q
check_exit signal-quit 0

# SIGTERM to the program (the pane's shell is its parent).
tui_start 100 30 LANG=C.UTF-8 -- "${ARGS[@]}" good.test
tui_wait 'checked good\.test in' 30 >/dev/null
pane_pid=$($TUI_TMUX display-message -p -t mx '#{pane_pid}')
pid=$(ps -o pid= --ppid "$pane_pid" | head -n 1 | tr -d ' ')
if [[ -n $pid ]]; then
	kill -TERM "$pid"
	check_exit signal-term 143
else
	fail signal-term "no mxanchor process under pane $pane_pid"
fi

# Ctrl-C while a check waits on a silent resolver.
tui_start 100 30 LANG=C.UTF-8 -- --state "$TUI_TMP/state.db" \
    --resolver 127.0.59.9 --timeout 20 good.test
if tui_wait 'checking good\.test' 10; then
	tui_keys C-c
	check_exit signal-int-during-check 130
else
	fail signal-int-during-check "no running check shown"
fi

tui_sanitizer_check signal-sanitizers
tui_finish
