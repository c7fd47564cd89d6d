#!/usr/bin/env bash
# tarpit.sh: the wizard answers every key while a probe hangs on a
# tarpit.
#
# tarpit.hostile.test (tests/fakes) has its MX at fake_tarpit, which
# accepts the SMTP connection and never greets; with --timeout 8 the
# background check waits there 24 s (a greeting gets three timeouts).
# Meanwhile keys move between the steps, open and close the help: each
# must show on the screen within a few seconds, while the status bar
# still says the check is running.
# Last, the check ends on its timeout and says the MX could not be
# tested.  The per-key bound is a safety net far below the tarpit's
# 24 s, not a measurement.
#
# Usage: tarpit.sh [BUILD_DIR]   (fixed loopback addresses: run alone,
# as root, in the lab's namespace)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/../lib/fakes.sh"
tui_init "$@"
build=$(cd "${1:-build}" && pwd)

trap 'fakes_stop; tui_cleanup' EXIT
if ! fakes_start "$build" "$TUI_TMP/fakes"; then
	fail tarpit-fakes "the fake servers did not start"
	tui_finish
fi
export SSL_CERT_FILE=$FAKE_CA CURL_CA_BUNDLE=$FAKE_CA

KEY_BOUND=3		# seconds a key may take to show
CHECKING='checking tarpit\.hostile\.test'
UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${FAKE_OPTS[@]}" --timeout 8)
slowest=0

tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" tarpit.hostile.test
if tui_wait_all 10 "$CHECKING" '│ Step 1 of [0-9]+: '; then
	ok tarpit-check-running
else
	fail tarpit-check-running "no check in progress on the first step"
fi

# key NAME KEY REGEX: send KEY; the screen must match REGEX, with the
# check still running, within KEY_BOUND seconds.
key() {
	local name=$1 k=$2 re=$3 start ms
	start=$(date +%s%N)
	tui_keys "$k"
	if tui_wait_all "$KEY_BOUND" "$re" "$CHECKING"; then
		ms=$((($(date +%s%N) - start) / 1000000))
		((ms > slowest)) && slowest=$ms
		ok "tarpit-key-$name ($ms ms)"
	else
		fail "tarpit-key-$name" "no answer to '$k' within $KEY_BOUND s"
	fi
}

# The step view has the step list left of the title; the help has not.
key down-1 j '│ Step 2 of [0-9]+: DNSSEC'
key down-2 j '│ Step 3 of [0-9]+: '
key help '?' 'Marks: '
key help-close '?' '│ Step 3 of [0-9]+: '
key up k '│ Step 2 of [0-9]+: '
key step-5 5 '│ Step 5 of [0-9]+: '
key first g '│ Step 1 of [0-9]+: Inventory'
key help-again '?' 'this help'
key help-back '?' '│ Step 1 of [0-9]+: '
key last G '│ Step [0-9]+ of [0-9]+: Enforce'
key top g '│ Step 1 of [0-9]+: '
echo "# slowest key: $slowest ms, with the probe hung on the tarpit"

# The tarpit lets go at the timeout: the MX could not be tested.
if tui_wait_all 50 'checked tarpit\.hostile\.test in' \
    'could not test mx\.tarpit\.hostile\.test'; then
	ok tarpit-check-ends
else
	fail tarpit-check-ends "the check did not end with the MX untested"
fi

tui_keys q
status=$(tui_exit_status 5)
if [[ $status == 0 ]]; then
	ok tarpit-quit
else
	fail tarpit-quit "exit status $status"
fi
tui_sanitizer_check tarpit-sanitizers
tui_finish
