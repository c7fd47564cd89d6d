#!/usr/bin/env bash
# sts.sh: the MTA-STS step in the wizard for the lab's broken policy hosts.
#
# Opens each scenario, moves to the MTA-STS step and waits for the verdict
# and the message that `check` gives (tests/integration/sts.sh checks the
# same scenarios from the command line).
#
# Usage: sts.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")

# scenario NAME DOMAIN REGEX...: the MTA-STS step of DOMAIN shows a
# failure and every REGEX.
scenario() {
	local name=$1 domain=$2
	shift 2
	tui_start 110 40 "${UTF8[@]}" -- "${ARGS[@]}" "$domain"
	if ! tui_wait "checked ${domain//./\\.} in" 30; then
		fail "$name" "the check did not finish"
		return
	fi
	# From the last step (enforce) up: MTA-STS is two above it, however
	# many steps come before.
	tui_keys G k k
	if tui_wait_all 5 'Step [0-9]+ of [0-9]+: MTA-STS' '✗ fail' "$@"; then
		ok "$name"
	else
		fail "$name" "step 4 does not show the failure"
	fi
	tui_keys q
	tui_exit_status 5 >/dev/null
}

scenario tui-sts-mismatch mxmismatch.test 'MX host mx\.mxmismatch\.test is' \
    'not covered by any mx line'
scenario tui-sts-unreachable nosts.test \
    'cannot fetch https://mta-sts\.nosts\.test'
scenario tui-sts-redirect stsredirect.test 'answered HTTP 301'
scenario tui-sts-ctype stsctype.test 'served as "text/html"'
scenario tui-sts-big stsbig.test 'larger than 65536 bytes'
scenario tui-sts-wrongcert stswrongcert.test 'not valid by WebPKI' \
    'mta-sts\.elsewhere\.test'

tui_sanitizer_check tui-sts-sanitizers
tui_finish
