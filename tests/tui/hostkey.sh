#!/usr/bin/env bash
# hostkey.sh: confirming an unknown SSH host key in the wizard (T).
#
# The known_hosts file is empty, so the lab's sshd is unknown.  T asks,
# "yes" trusts the key for the next check, and the key is recorded in
# the state only once a session has logged in with it: a refused login
# records nothing, and a later run trusts a recorded key without asking.
#
# Usage: hostkey.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

: >"$TUI_TMP/known_hosts"
ssh-keygen -q -t ed25519 -N '' -f "$TUI_TMP/stranger" </dev/null
want=$(ssh-keygen -lf "$MXLAB_KNOWN_HOSTS" | awk 'NR == 1 { print $2 }')
UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)

# wizard KEYFILE: the wizard on pending.test with that login key.  The
# SSH session runs several commands: give a loaded machine time.
wizard() {
	tui_start 100 30 "${UTF8[@]}" -- --state "$TUI_TMP/state.db" \
	    "${TUI_LAB_ARGS[@]}" --timeout 15 \
	    --known-hosts "$TUI_TMP/known_hosts" \
	    --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
	    --ssh-key "$1" pending.test
}

# unknown NAME: the check ends and step 4 shows the unknown key.
unknown() {
	if tui_wait 'checked pending\.test in' 40 >/dev/null &&
	    tui_keys 4 && tui_wait_all 5 'Step 4 of 7' \
	    "host key of the server is unknown" "${want//+/\\+}"; then
		ok "$1"
	else
		fail "$1" "no unknown host key with $want on step 4"
	fi
}

# A refused login after "yes": the key is used but not recorded.
wizard "$TUI_TMP/stranger"
unknown hostkey-unknown-shown

tui_keys T
if tui_wait "Trust ${want//+/\\+}\\? Type yes:" 5 >/dev/null; then
	ok hostkey-prompt
else
	fail hostkey-prompt "T did not ask about $want"
fi
tui_keys n o Enter
if tui_wait 'host key not trusted' 5 >/dev/null; then
	ok hostkey-no-means-no
else
	fail hostkey-no-means-no "an answer other than yes was taken"
fi

tui_keys T y e s Enter
if tui_wait 'checked pending\.test in' 40 >/dev/null &&
    tui_wait 'SSH: .*(refused|denied|authenticat)' 5 >/dev/null &&
    ! tui_has 'recorded the host key'; then
	ok hostkey-refused-login
else
	fail hostkey-refused-login "no refused login after trusting"
fi
tui_keys q
tui_exit_status 5 >/dev/null

# Nothing was recorded: the right key still meets an unknown host.
wizard "$MXLAB_SSH_KEY"
unknown hostkey-not-recorded-after-failure

tui_keys T y e s Enter
if tui_wait "recorded the host key ${want//+/\\+}" 40 >/dev/null; then
	ok hostkey-recorded
else
	fail hostkey-recorded "the trusted key was not recorded"
fi
if tui_wait_all 5 'Step 4 of 7' 'has not been reloaded'; then
	ok hostkey-session-read
else
	fail hostkey-session-read "no three-way comparison after trusting"
fi
tui_keys q
tui_exit_status 5 >/dev/null

# A later run, and check, trust the recorded key without asking.
wizard "$MXLAB_SSH_KEY"
if tui_wait 'checked pending\.test in' 40 >/dev/null && tui_keys 4 &&
    tui_wait_all 5 'Step 4 of 7' 'has not been reloaded' &&
    ! tui_has 'host key of the server is unknown'; then
	ok hostkey-remembered
else
	fail hostkey-remembered "the recorded key was not used"
fi
tui_keys q
tui_exit_status 5 >/dev/null

json=$("$TUI_BIN" check --state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}" \
    --timeout 15 --known-hosts "$TUI_TMP/known_hosts" \
    --ssh-key "$MXLAB_SSH_KEY" --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --json pending.test 2>/dev/null)
if grep -q '"fingerprint": *"'"$want"'"' <<<"$json" &&
    ! grep -q 'mta.ssh-hostkey-unknown' <<<"$json"; then
	ok hostkey-check-uses-record
else
	fail hostkey-check-uses-record "check did not use the recorded key"
fi

tui_sanitizer_check hostkey-sanitizers
tui_finish
