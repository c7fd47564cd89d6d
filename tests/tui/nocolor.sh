#!/usr/bin/env bash
# nocolor.sh: NO_COLOR and an ASCII locale at 80x24.
#
# With NO_COLOR=1 and LANG=C the wizard must draw only ASCII (marks like
# [ok] and [!!]), use no colour at all (only bold, reverse, underline),
# show its help, survive a resize below the minimum and back, and leave
# nothing on stderr.
#
# Usage: nocolor.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

ASCII=(NO_COLOR=1 LANG=C LC_ALL=C)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")
MARK='\[(ok|ww|!!|\.\.)\]'

tui_start 80 24 "${ASCII[@]}" -- "${ARGS[@]}" good.test
if tui_wait_all 30 'checked good\.test in' "^ > $MARK 1 Inventory" \
    "$MARK 4 Mail server" "$MARK 7 Enforce"; then
	ok nocolor-marks
else
	fail nocolor-marks "no ASCII marks in the steps column"
	tui_dump
fi

# Only ASCII, every screen.
ascii_only() {
	tui_capture
	! LC_ALL=C grep -q $'[\x80-\xff]' <<<"$TUI_SCREEN"
}
# No colour: tmux shows colours as SGR 30-37, 40-47, 90-107, 38;/48;.
no_colour() {
	tui_capture -e
	! grep -qE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]' \
	    <<<"$TUI_SCREEN"
}

pass=1
ascii_only || pass=0
no_colour || pass=0
tui_keys j j Tab
tui_wait 'Step 3 of 7: ' 5 >/dev/null || pass=0
ascii_only || pass=0
no_colour || pass=0
tui_keys '?'
if tui_wait_all 5 '^ *Keys' 'Marks: \[ok\] pass'; then
	ascii_only || pass=0
	no_colour || pass=0
else
	fail nocolor-help "no help screen"
fi
tui_keys Escape
tui_wait 'Step 3 of 7: ' 5 >/dev/null || pass=0
tui_keys h h
if tui_wait_all 5 "Domain +inv" "good\.test +$MARK"; then
	ascii_only || pass=0
	no_colour || pass=0
else
	pass=0
fi
if ((pass)); then
	ok nocolor-ascii-mono
else
	fail nocolor-ascii-mono "non-ASCII or colour on screen"
	tui_dump
fi

# Too small, then back.
$TUI_TMUX resize-window -t mx -x 50 -y 12
if tui_wait 'terminal too small' 5; then
	$TUI_TMUX resize-window -t mx -x 80 -y 24
	if tui_wait "Domain +inv" 5; then
		ok nocolor-resize
	else
		fail nocolor-resize "not redrawn at 80x24"
	fi
else
	fail nocolor-resize "no 'terminal too small' at 50x12"
fi

tui_keys q
status=$(tui_exit_status 5)
if [[ $status == 0 ]]; then
	ok nocolor-quit
else
	fail nocolor-quit "exit status $status"
	tui_dump
fi
if [[ -s $TUI_TMP/stderr ]]; then
	fail nocolor-stderr "the wizard wrote to stderr"
	sed 's/^/    /' "$TUI_TMP/stderr" >&2
else
	ok nocolor-stderr
fi

tui_sanitizer_check nocolor-sanitizers
tui_finish
