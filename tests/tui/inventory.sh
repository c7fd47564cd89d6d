#!/usr/bin/env bash
# inventory.sh: editing the inventory in the wizard, compared with golden
# screens: add a recovery address (account, address, kind), confirm it,
# flag it, note it; an edit of a row the command line changed meanwhile
# is refused instead of undoing that change; the mailbox check in the
# background; remove asks first; notes in the timeline; read-only
# refuses every edit.
# Usage: inventory.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

STATE=$TUI_TMP/state.db
ARGS=(--state "$STATE" "${TUI_LAB_ARGS[@]}")
UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8 MXANCHOR_USER=alice)
cli() { MXANCHOR_USER=bob "$TUI_BIN" "${ARGS[@]}" "$@"; }
row() { cli inventory good.test --json | jq -r "$1"; }

cli check good.test >/dev/null
cli inventory good.test add-recovery "ACME account" postmaster@good.test \
    --kind ca >/dev/null

tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" good.test
tui_wait 'checked good\.test in' 30 >/dev/null
tui_keys i
if tui_golden_wait 5 inventory-start 'Inventory of good\.test: 1 recovery' \
    'ACME account +ca +postmaster@good\.test'; then
	ok inventory-open
else
	fail inventory-open "not the golden inventory screen"
fi

# Add: three prompts, flags guessed from the address.
tui_keys a
tui_wait 'Account \(e\.g\. ACME account\):' 5 >/dev/null
tui_keys Registrar Enter
tui_wait 'Recovery address:' 5 >/dev/null
tui_keys someone@gmail.com Enter
tui_wait 'Kind \(ca registrar' 5 >/dev/null
tui_keys C-u registrar Enter
if tui_wait 'added #2, a third-party mailbox, on a domain not under' 5 &&
    [[ $(row '.recovery[1] | "\(.account) \(.kind) \(.third_party) \(.added_by)"') == \
    "Registrar registrar true alice" ]]; then
	ok inventory-add
else
	fail inventory-add "the new address is not stored as typed"
fi

# Confirm, flag, note: each stored with who did it.
tui_keys c
tui_wait '#2 confirmed by alice' 5 >/dev/null
tui_keys x
tui_wait '#2: on a domain under control' 5 >/dev/null
tui_keys n
tui_wait 'Note:' 5 >/dev/null
tui_keys "moved in the workshop" Enter
if tui_golden_wait 5 inventory-edited '#2: note changed' \
    'Registrar +registrar +someone@gmail\.com +3rd'; then
	ok inventory-edited
else
	fail inventory-edited "not the golden edited inventory"
fi
if [[ $(row '.recovery[1] | "\(.confirmed_by) \(.not_controlled) \(.note)"') == \
    "alice false moved in the workshop" ]]; then
	ok inventory-edits-stored
else
	fail inventory-edits-stored "$(row '.recovery[1]')"
fi

# Someone else changes #2 from the command line; our next edit of the
# row as we saw it is refused, and their change stays.
cli inventory good.test set-recovery 2 --note "from the command line" \
    >/dev/null
tui_keys p
if tui_wait 'changed by another operator meanwhile' 5 &&
    [[ $(row '.recovery[1] | "\(.third_party) \(.note)"') == \
    "true from the command line" ]]; then
	ok inventory-no-lost-update
else
	fail inventory-no-lost-update "the wizard overwrote another edit"
fi
tui_keys p
if tui_wait '#2: not a third-party mailbox' 5 &&
    [[ $(row '.recovery[1] | "\(.third_party) \(.note)"') == \
    "false from the command line" ]]; then
	ok inventory-edit-after-reload
else
	fail inventory-edit-after-reload "the edit after the reload failed"
fi

# m asks every mailbox in the background; the lab accepts postmaster@
# and tlsrpt@ (the rua), and gmail.com does not exist there.
tui_keys m
if tui_golden_wait 30 inventory-mailboxes \
    'good\.test: 2 of 3 mailboxes accept mail' \
    'rejects +someone@gmail\.com \(recovery\)' \
    'accepts +tlsrpt@good\.test \(rua\)' &&
    [[ $(cli inventory good.test --json | jq -r '[.mailboxes[] |
    "\(.address):\(.verdict)"] | join(" ")') == \
    "postmaster@good.test:accepts someone@gmail.com:rejects tlsrpt@good.test:accepts" ]]; then
	ok inventory-mailbox-check
else
	fail inventory-mailbox-check "no mailbox results, or not stored"
fi

# Remove asks; only y removes.
tui_keys D
tui_wait 'Remove recovery #2\?' 5 >/dev/null
tui_keys n
tui_wait 'kept #2' 5 >/dev/null
tui_keys D
tui_wait 'Remove recovery #2\?' 5 >/dev/null
tui_keys y
if tui_wait 'removed #2' 5 && [[ $(row '.recovery | length') == 1 ]]; then
	ok inventory-remove
else
	fail inventory-remove "y did not remove #2"
fi

# Another writer holds the file: a clear message, nothing lost.
{ echo "BEGIN IMMEDIATE;"; sleep 3; echo "COMMIT;"; } |
    sqlite3 "$STATE" >/dev/null 2>&1 &
locker=$!
sleep 0.5
tui_keys c
if tui_wait 'is locked by another mxanchor; try again' 5; then
	ok inventory-locked-message
else
	fail inventory-locked-message "no clear message for a locked file"
fi
wait "$locker"
tui_keys c
if tui_wait '#1 confirmed by alice' 5 &&
    [[ $(row '.recovery[0].confirmed_by') == alice ]]; then
	ok inventory-after-lock
else
	fail inventory-after-lock "the edit after the lock was not stored"
fi

# The timeline has it all, and takes a note.
tui_keys t
tui_wait 'Timeline of good\.test' 5 >/dev/null
tui_keys n
tui_wait 'Note:' 5 >/dev/null
tui_keys "workshop over" Enter
if tui_golden_wait 5 timeline 'note added' 'alice: workshop over' \
    'recovery #2 \(someone@gmail\.com\) removed by alice'; then
	ok timeline-note
else
	fail timeline-note "not the golden timeline"
fi
tui_keys q
tui_exit_status 5 >/dev/null

# Read-only: the screens open, nothing changes.
before=$(sqlite3 "$STATE" 'select count(*) from events')
tui_start 100 30 "${UTF8[@]}" -- "${ARGS[@]}" --read-only good.test
tui_wait 'checked good\.test in' 30 >/dev/null
tui_keys i
tui_wait 'Inventory of good\.test' 5 >/dev/null
tui_keys a
if tui_wait 'read-only: nothing is changed' 5; then
	tui_keys c
	tui_keys t
	tui_wait 'Timeline of' 5 >/dev/null
	tui_keys n
	if tui_wait 'read-only: no note is added' 5 &&
	    [[ $(sqlite3 "$STATE" 'select count(*) from events') == \
	    "$before" ]]; then
		ok inventory-read-only
	else
		fail inventory-read-only "a read-only wizard wrote events"
	fi
else
	fail inventory-read-only "no read-only message"
fi
tui_keys q
tui_exit_status 5 >/dev/null

tui_sanitizer_check inventory-sanitizers
tui_finish
