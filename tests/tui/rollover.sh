#!/usr/bin/env bash
# rollover.sh: the wizard's TLSA step shows a rollover under way, with the
# earliest safe time of the switch, and a renewal hook that failed.
#
# A rollover of roll.test is planned and its next record published with
# the command line (at T0, a real time: the lab's signatures are fresh);
# a renewal hook run fails on a wrong TSIG secret.  The wizard, opened
# half-way through the wait (--now T0+300), must show both in the TLSA
# step.  roll.test's TLSA records are put back at the end.
#
# Usage: rollover.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args
# shellcheck disable=SC1090
. "$MXLAB_SCENARIOS/roll.test.env"
. "$(dirname "$0")/../lib/lab_tlsa.sh"

reset_zone() {
	lab_tlsa_set roll.test "3 1 1 $SERVED_311" >/dev/null
	lab_flush roll.test
}
trap 'reset_zone; tui_cleanup' EXIT
reset_zone

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")
t0=$(date +%s)
switch_at=$(date -u -d "@$((t0 + 600))" +%Y-%m-%dT%H:%M:%SZ)

for k in next renewed; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$TUI_TMP/$k.key" 2>/dev/null
done
sed 's/:[^:]*$/:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=/' "$MXLAB_TSIG" \
    >"$TUI_TMP/wrong.key"
"$TUI_BIN" "${ARGS[@]}" --now "$t0" rollover roll.test start \
    --key "$TUI_TMP/next.key" --host "$MX_HOST" >/dev/null 2>&1 &&
"$TUI_BIN" "${ARGS[@]}" --now "$t0" rollover roll.test run \
    --tsig "$MXLAB_TSIG" >/dev/null 2>&1
if [[ $? == 0 ]]; then
	ok rollover-setup
else
	fail rollover-setup "could not plan and publish the rollover"
fi
"$TUI_BIN" "${ARGS[@]}" --now "$t0" hook roll.test \
    --key "$TUI_TMP/renewed.key" --host "$MX_HOST" \
    --tsig "$TUI_TMP/wrong.key" >/dev/null 2>&1
if [[ $? == 1 ]]; then
	ok rollover-hook-fails
else
	fail rollover-hook-fails "the hook with a wrong secret did not fail"
fi

# The wizard, half-way through the wait, on the TLSA step.
tui_start 120 50 "${UTF8[@]}" -- "${ARGS[@]}" --now $((t0 + 300)) roll.test
if tui_wait 'checked roll\.test in' 30; then
	ok rollover-check-done
else
	fail rollover-check-done "the check did not finish"
fi
tui_keys j j
if tui_wait_all 5 'Step 3 of 7: ' 'ecdsa key rollover' \
    "not before $switch_at" '✗ fail'; then
	ok rollover-switch-time
else
	fail rollover-switch-time "no rollover with its switch time"
fi
if tui_wait_all 5 'renewal hook failed at' 'wrong key file'; then
	ok rollover-hook-shown
else
	fail rollover-hook-shown "the failed hook run is not shown"
fi
if tui_has 'AAAAAAAAAAAAAAAAAAAA'; then
	fail rollover-no-secret "a secret is on the screen"
else
	ok rollover-no-secret
fi

# The plan itself, further down the detail pane.
tui_keys Tab
for _ in 1 2 3 4 5 6; do
	tui_keys J
done
tui_keys PgDn
if tui_wait_all 5 'TLSA rollover plan' '3 switch key +not before'; then
	ok rollover-plan-shown
else
	fail rollover-plan-shown "the plan artifact is not shown"
fi

tui_keys q
status=$(tui_exit_status 5)
[[ $status == 0 ]] && ok rollover-quit || fail rollover-quit "status $status"
tui_sanitizer_check rollover-sanitizers
tui_finish
