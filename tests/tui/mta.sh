#!/usr/bin/env bash
# mta.sh: the wizard's mta step, with --ssh, on the lab's pending.test
# (a renewed key on disk that Postfix has not loaded, no TLSA for it).
#
# Key 4 opens step 4 of 7; the step shows the three-way comparison and
# the list screen has a column for it.
#
# Usage: mta.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

SSH=(--ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT"
    --ssh-key "$MXLAB_SSH_KEY" --known-hosts "$MXLAB_KNOWN_HOSTS")
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}" "${SSH[@]}")
UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)

tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" pending.test
if tui_wait 'checked pending\.test in' 40 >/dev/null; then
	ok mta-checked
else
	fail mta-checked "the check did not finish"
fi

tui_keys 4
if tui_wait_all 5 'Step 4 of 7: Mail server' 'fail' \
    'has not been reloaded'; then
	ok mta-step-three-way
else
	fail mta-step-three-way "no three-way comparison on step 4"
fi

# The findings go on below: the missing TLSA record for the new key.
# (Tab moves to the detail; h leaves it, and h again the domain.)
tui_keys Tab J J J J J J J J J J
if tui_wait 'DANE senders will not' 5 >/dev/null; then
	ok mta-step-tlsa-before-reload
else
	fail mta-step-tlsa-before-reload "no word of the TLSA record needed"
fi

tui_keys h h
if tui_wait_all 5 'inv +sec +tlsa +mta +sts +rpt +enf' \
    'pending\.test'; then
	ok mta-list-column
else
	fail mta-list-column "no mta column in the domain list"
fi

tui_keys q
tui_exit_status 5 >/dev/null
tui_sanitizer_check mta-sanitizers
tui_finish
