#!/usr/bin/env bash
# ssh_hang.sh: the MTA inspection over SSH against a command that hangs.
#
# The lab's sshd gets, for the length of the test, one more authorized
# key whose forced command is "sleep 60": the login works, the commands
# mxanchor sends never answer.  check must end, give its verdict and say
# that the inspection timed out.  (A changed host key is tested by
# mta.sh.)  The time bound is a safety net, not a measurement.
#
# Usage: ssh_hang.sh PATH-TO-MXANCHOR.  Skips on a build without --ssh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: ssh_hang.sh MXANCHOR}
lab_env

if ! "$mx" --help 2>&1 | grep -q -- '--ssh USER@HOST'; then
	echo "1..0 # SKIP no --ssh in this build"
	exit 0
fi
keys=$MXLAB_DIR/ssh/authorized_keys
if [[ ! -f $keys ]]; then
	echo "Bail out! no $keys in the lab"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxsshhang.XXXXXX")
cp "$keys" "$tmp/authorized_keys.orig"
trap 'cp "$tmp/authorized_keys.orig" "$keys"; rm -rf "$tmp"' EXIT

ssh-keygen -q -t ed25519 -N '' -C hang -f "$tmp/hang" || exit 1
printf 'command="sleep 60",no-pty,no-port-forwarding %s\n' \
    "$(cat "$tmp/hang.pub")" >>"$keys"

TIMEOUT=3
start=$(date +%s%N)
timeout 300 "$mx" --resolver "$MXLAB_RESOLVER" \
    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" \
    --timeout "$TIMEOUT" --no-state check good.test --json \
    --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --ssh-key "$tmp/hang" --known-hosts "$MXLAB_KNOWN_HOSTS" \
    >"$tmp/check.json" 2>"$tmp/err"
rc=$?
ms=$((($(date +%s%N) - start) / 1000000))

tap_result $((rc > 1)) "hung command: a verdict (exit $rc)"
tap_result $((ms < 30 * TIMEOUT * 1000 ? 0 : 1)) \
    "hung command: ended in $ms ms (timeout $TIMEOUT s, bound" \
    "$((30 * TIMEOUT)) s)"
mta=$(jq -c '.steps[] | select(.id == "mta")' "$tmp/check.json" 2>/dev/null)
tap_like "$(jq -r '.findings[].message' <<<"$mta")" "timed out" \
    "hung command: the mta step says the inspection timed out"
tap_is "$(jq -r '.observation.mta.ssh.status' "$tmp/check.json")" failed \
    "hung command: the SSH session is recorded as failed"
tap_done
