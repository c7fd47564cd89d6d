#!/usr/bin/env bash
# crash.sh: SIGKILL while the wizard writes the state.
#
# The wizard writes on its own: each check's results when it ends, the
# cursor at every move.  Each trial opens it on good.test (a check starts
# at once), sends moves and a re-check, and kills it with SIGKILL after
# a random delay, so that kills land before, during and after its writes.
# After every kill the database must pass PRAGMA integrity_check and
# hold one whole check (every step row from the same check, as
# tests/integration/crash.sh asks of `check`) and a cursor that names a
# step.  Last, the wizard opens the file again and shows the result.
#
# Usage: crash.sh [BUILD_DIR] [TRIALS]   (default 40; lab env from
# $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "${1-}"
tui_lab_args
trials=${2:-${MXANCHOR_TUI_CRASH_TRIALS:-40}}

DB=$TUI_TMP/state.db
ARGS=(--state "$DB" "${TUI_LAB_ARGS[@]}")
STEPS='inventory|dnssec|tlsa|mta-sts|tls-rpt|enforce|mta'

# Every step row from one check, the domain's time that of the check.
consistent() {
	sqlite3 "$DB" "
	    SELECT CASE WHEN
		(SELECT count(DISTINCT checked) FROM steps) = 1 AND
		(SELECT checked FROM domains) = (SELECT max(checked) FROM steps)
	    THEN 'ok' ELSE 'bad' END;" 2>&1
}

# A first run leaves a whole check behind.
tui_start 100 30 LANG=C.UTF-8 -- "${ARGS[@]}" good.test
if tui_wait 'checked good\.test in' 30; then
	ok tui-crash-first-check
else
	fail tui-crash-first-check "the first check did not finish"
fi
tui_keys q
tui_exit_status 5 >/dev/null

# What the state says, to count the trials that got a write in.
snapshot() {
	sqlite3 "$DB" 'SELECT cursor, checked FROM domains;
	    SELECT id, status, checked FROM steps ORDER BY id' 2>&1 | md5sum
}

bad=0 killed=0 changed=0
for ((i = 1; i <= trials; i++)); do
	before=$(snapshot)
	tui_start 100 30 LANG=C.UTF-8 -- "${ARGS[@]}" good.test
	tui_wait 'Step [0-9]+ of [0-9]+: ' 10 >/dev/null 2>&1
	pane_pid=$($TUI_TMUX display-message -p -t mx '#{pane_pid}')
	pid=$(ps -o pid= --ppid "$pane_pid" | head -n 1 | tr -d ' ')

	# Moves (cursor writes) and a re-check, then the kill.
	tui_keys j
	sleep "0.0$((RANDOM % 10))"
	tui_keys k r j
	sleep "0.$(printf '%03d' $((RANDOM % 400)))"
	if [[ -n $pid ]] && kill -KILL "$pid" 2>/dev/null; then
		killed=$((killed + 1))
	fi
	tui_exit_status 5 >/dev/null

	[[ $(snapshot) != "$before" ]] && changed=$((changed + 1))
	integrity=$(sqlite3 "$DB" 'PRAGMA integrity_check' 2>&1)
	rows=$(consistent)
	cursor=$(sqlite3 "$DB" 'SELECT cursor FROM domains' 2>&1)
	if [[ $integrity != ok || $rows != ok ||
	    ! $cursor =~ ^($STEPS)?$ ]]; then
		bad=$((bad + 1))
		echo "# trial $i: integrity '$integrity', rows '$rows'," \
		    "cursor '$cursor'" >&2
	fi
done
echo "# $trials wizard trials: $killed killed, $changed with a write" \
    "committed before the kill, $bad left a bad state"
if ((bad == 0 && killed > 0)); then
	ok "tui-crash-trials ($trials)"
else
	fail tui-crash-trials "$bad of $trials trials left a bad state"
fi

# The file still opens, with the last check shown.
tui_start 100 30 LANG=C.UTF-8 -- "${ARGS[@]}" --read-only good.test
if tui_wait_all 10 'Step [0-9]+ of [0-9]+: ' 'good\.test' &&
    ! tui_has 'unreadable|damaged|cannot'; then
	ok tui-crash-reopen
else
	fail tui-crash-reopen "the state did not open cleanly"
fi
tui_keys q
tui_exit_status 5 >/dev/null
tui_sanitizer_check tui-crash-sanitizers
tui_finish
