#!/usr/bin/env bash
# dashboard.sh: the domain list as a dashboard, compared with golden
# screens: sorted by what needs attention with each domain's next action,
# at 100x30, at 80x24 and back, read-only, and with NO_COLOR in an ASCII
# locale; then the help screen.
# Usage: dashboard.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

STATE=$TUI_TMP/state.db
ARGS=(--state "$STATE" "${TUI_LAB_ARGS[@]}")
UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ASCII=(NO_COLOR=1 LANG=C LC_ALL=C)

# Four domains checked at one pinned moment, so the order is fixed.
now=$(date +%s)
for d in good.test demo.test stale.test unsigned.test; do
	MXANCHOR_NOW=$now "$TUI_BIN" "${ARGS[@]}" check "$d" >/dev/null
done

tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}"
if tui_golden_wait 10 dashboard-100x30 '^ ▸ unsigned\.test' \
    '4 domains: 2 failing, 2 due'; then
	ok dashboard-sorted
else
	fail dashboard-sorted "not the golden dashboard"
fi

$TUI_TMUX resize-window -t mx -x 80 -y 24
if tui_golden_wait 5 dashboard-80x24 'Next action' '^ j/k move' &&
    [[ $(LC_ALL=C.UTF-8 wc -L <<<"$TUI_SCREEN") -le 80 ]]; then
	ok dashboard-80x24
else
	fail dashboard-80x24 "not the golden 80x24 dashboard"
fi
$TUI_TMUX resize-window -t mx -x 100 -y 30
if tui_golden_wait 5 dashboard-100x30 'Last check' '2 due'; then
	ok dashboard-resize-back
else
	fail dashboard-resize-back "not as before after the resize"
fi

# Help from the dashboard lists every step and the keys.
tui_keys '?'
if tui_golden_wait 5 help-dashboard '^ *Keys' 'Step 1 of'; then
	ok help-dashboard
else
	fail help-dashboard "not the golden help screen"
fi
tui_keys Escape
tui_wait 'Next action' 5 >/dev/null
tui_keys q
tui_exit_status 5 >/dev/null

# Read-only: the header says so; nothing is written.
before=$(sqlite3 "$STATE" 'select count(*) from events')
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" --read-only
if tui_golden_wait 10 dashboard-read-only 'read-only' '2 due'; then
	ok dashboard-read-only
else
	fail dashboard-read-only "not the golden read-only dashboard"
fi
tui_keys D
if tui_wait 'read-only: nothing is removed' 5 &&
    ! tui_has 'Remove unsigned\.test' &&
    [[ $(sqlite3 "$STATE" 'select count(*) from domains') == 4 ]]; then
	ok dashboard-read-only-refuses
else
	fail dashboard-read-only-refuses "a read-only wizard removed a domain"
fi
tui_keys q
tui_exit_status 5 >/dev/null
[[ $(sqlite3 "$STATE" 'select count(*) from events') == "$before" ]] &&
    ok dashboard-read-only-no-writes ||
    fail dashboard-read-only-no-writes "events were written"

# NO_COLOR in an ASCII locale at 80x24: ASCII marks, no colour at all.
tui_start 80 24 "${ASCII[@]}" -- "${ARGS[@]}"
if tui_golden_wait 10 dashboard-ascii '^ > unsigned\.test' '\[!!\]'; then
	ok dashboard-ascii
else
	fail dashboard-ascii "not the golden ASCII dashboard"
fi
tui_capture -e
if LC_ALL=C grep -q $'[\x80-\xff]' <<<"$TUI_SCREEN" ||
    grep -qE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])[;m]' \
    <<<"$TUI_SCREEN"; then
	fail dashboard-ascii-mono "UTF-8 or colour on an ASCII, NO_COLOR screen"
else
	ok dashboard-ascii-mono
fi
tui_keys '?'
if tui_golden_wait 5 help-ascii '^ *Keys' 'Marks: \[ok\] pass'; then
	ok help-ascii
else
	fail help-ascii "not the golden ASCII help"
fi
tui_keys q
tui_exit_status 5 >/dev/null
if [[ -s $TUI_TMP/stderr ]]; then
	fail dashboard-stderr "the wizard wrote to stderr"
	sed 's/^/    /' "$TUI_TMP/stderr" >&2
else
	ok dashboard-stderr
fi

tui_sanitizer_check dashboard-sanitizers
tui_finish
