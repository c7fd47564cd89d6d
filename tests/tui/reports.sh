#!/usr/bin/env bash
# reports.sh: TLS-RPT reports in the wizard, and the enforce override.
#
# Imports the report mails of the lab's Dovecot mailbox for good.test,
# opens the wizard on good.test and checks that the tls-rpt step shows
# the per-day chart and the failures; then, on the enforce step, that the
# gates are listed and that 'o' records an override with its reason.
#
# Usage: reports.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")

if "$TUI_BIN" "${ARGS[@]}" reports import --imap "$MXLAB_IMAP_URL" \
    --imap-user "$MXLAB_IMAP_USER" \
    --password-file "$MXLAB_IMAP_PASSWORD_FILE" >/dev/null 2>&1; then
	ok tui-reports-import
else
	fail tui-reports-import "reports import --imap failed"
fi

tui_start 110 40 "${UTF8[@]}" -- "${ARGS[@]}" good.test
tui_wait 'checked good\.test in' 30 >/dev/null
# TLS-RPT is the step above the last (enforce).
tui_keys G k
if tui_wait_all 5 'Step [0-9]+ of [0-9]+: TLS-RPT' \
    'TLS-RPT reports for good\.test' \
    '[0-9]{2}-[0-9]{2} +20 +1 +=+X' 'no report' \
    'presented a certificate for another name'; then
	ok tui-reports-chart
else
	fail tui-reports-chart "no chart in the tls-rpt step"
fi

tui_keys G
if tui_wait_all 5 'Step ([0-9]+) of \1: Enforce' \
    'gate closed: the policy has been' \
    'gate closed: [0-9]+ failed session' 'gate open: the policy covers'; then
	ok tui-enforce-gates
else
	fail tui-enforce-gates "the gates are not listed"
fi

tui_keys o
if tui_wait 'Override the enforce gate, because:' 5 >/dev/null; then
	tui_keys -l 'known false alarm from one sender'
	tui_keys Enter
	if tui_wait_all 30 'ready to enforce \(gate overridden\)' \
	    'overridden on .*: known false alarm'; then
		ok tui-enforce-override
	else
		fail tui-enforce-override "the override is not shown"
	fi
else
	fail tui-enforce-override "no prompt for the reason"
fi
tui_keys q
tui_exit_status 5 >/dev/null
if [[ $(sqlite3 "$TUI_TMP/state.db" "select reason from enforce_overrides") == \
    "known false alarm from one sender" ]]; then
	ok tui-override-stored
else
	fail tui-override-stored "the reason is not in the state"
fi

tui_sanitizer_check tui-reports-sanitizers
tui_finish
