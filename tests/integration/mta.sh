#!/usr/bin/env bash
# mta.sh: the mta step against the lab, with and without --ssh, and the
# SSH host key rules (unknown, confirmed, changed, refused login).
# Usage: mta.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: mta.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5)
ssh_to=(--ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT"
    --ssh-key "$MXLAB_SSH_KEY")
hostkey_fp=$(ssh-keygen -lf "$MXLAB_DIR/ssh/ssh_host_ed25519_key.pub" |
    cut -d' ' -f2)
: >"$tmp/empty_known_hosts"

# run NAME ARGS...: JSON in $tmp/NAME.json, stderr in NAME.err, rc in $rc.
run() {
	local name=$1; shift
	"$mx" "${lab[@]}" "$@" --json >"$tmp/$name.json" 2>"$tmp/$name.err"
	rc=$?
}

mta() {
	jq -r --arg f "$2" '.steps[] | select(.id == "mta") | .[$f]' \
	    "$tmp/$1.json"
}

codes() {
	jq -r '.steps[] | select(.id == "mta") | .findings[].code' \
	    "$tmp/$1.json" | sort -u | tr '\n' ' '
}

messages() {
	jq -r '.steps[] | select(.id == "mta") | .findings[].message' \
	    "$tmp/$1.json"
}

artifact() {
	jq -r --arg n "$2" '.steps[] | select(.id == "mta") |
	    .artifacts[] | select(.name | startswith($n)) | .content' \
	    "$tmp/$1.json"
}

hostkeys() {
	sqlite3 "$1" "select count(*) from ssh_hostkeys"
}

# ---- Port 25 only: pending, never a pass on half the evidence.

run good-plain --no-state check good.test
tap_is "$(mta good-plain status)" pending "no --ssh: good.test mta pending"
tap_like "$(codes good-plain)" mta.no-ssh "no --ssh: says --ssh is needed"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].tls10' \
    "$tmp/good-plain.json")" refused "good.test refuses TLS 1.0"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].no_sni.outcome' \
    "$tmp/good-plain.json")" tls "good.test: a session without SNI"

run plain-plain --no-state check plain.test
tap_is "$(mta plain-plain status)" fail "no --ssh: plain.test mta fails"
tap_like "$(codes plain-plain)" mta.no-starttls \
    "plain.test: no STARTTLS is an error"

run legacy-plain --no-state check legacy.test
tap_like "$(codes legacy-plain)" "mta.tls10 mta.tls11" \
    "legacy.test: TLS 1.0 and 1.1 still accepted"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].tls10' \
    "$tmp/legacy-plain.json")" accepted "legacy.test accepts TLS 1.0"

run legacy-ports --no-state --submission check legacy.test
tap_is "$(jq -r '.observation.hosts[0].addresses[0].ports["465"].outcome' \
    "$tmp/legacy-ports.json")" tls "--submission: implicit TLS on 465"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].ports["587"].starttls' \
    "$tmp/legacy-ports.json")" true "--submission: STARTTLS on 587"
tap_like "$(messages legacy-ports)" "[127.0.25.6]:465: implicit TLS" \
    "--submission: reported in the mta step"
tap_is "$(jq -r '.observation.hosts[0].addresses[0].ports' \
    "$tmp/legacy-plain.json")" null "without --submission: not probed"

# ---- With --ssh: the three-way comparison, per scenario.

ssh_ok=("${ssh_to[@]}" --known-hosts "$MXLAB_KNOWN_HOSTS" --no-state)

. "$MXLAB_SCENARIOS/good.test.env"
run good "${ssh_ok[@]}" check good.test
tap_is "$(mta good status)" pass "--ssh: good.test mta passes"
tap_is "$(jq -r '.observation.mta.ssh.status' "$tmp/good.json")" ok \
    "--ssh: session ok"
tap_like "$(codes good)" "mta.disk-matches" "good.test: disk matches served"
tap_like "$(codes good)" "mta.outbound-dane" "good.test: outbound DANE on"
tap_like "$(artifact good "TLSA records for the keys on disk")" \
    "_25._tcp.mx.good.test. 300 IN TLSA 3 1 1 $SERVED_311" \
    "good.test: TLSA record for the key on disk"
tap_is "$(jq -r '[.observation.mta.postfix.files[].blocks[] |
    select(.kind | test("PRIVATE")) | keys | length] | max' \
    "$tmp/good.json")" 1 "key blocks carry their kind only, no material"

run plain "${ssh_ok[@]}" check plain.test
tap_is "$(mta plain status)" fail "--ssh: plain.test fails"
tap_like "$(codes plain)" mta.inbound-no-tls \
    "plain.test: the listener's security level is none"
tap_like "$(messages plain)" "master.cf service 127.0.25.5:smtp/inet" \
    "plain.test: names the master.cf service"

run legacy "${ssh_ok[@]}" check legacy.test
tap_is "$(mta legacy status)" warn "--ssh: legacy.test warns"
tap_like "$(codes legacy)" mta.inbound-protocols \
    "legacy.test: smtpd_tls_protocols lets TLS 1.0 through"
tap_like "$(artifact legacy "Suggested main.cf change")" \
    "-o smtpd_tls_protocols=>=TLSv1.2" \
    "legacy.test: suggested change for its service"

. "$MXLAB_SCENARIOS/pending.test.env"
# Other tests may have reloaded Postfix since the lab started.
"$here/../lab/pending-reset.sh" "$MXLAB_DIR"
run pending "${ssh_ok[@]}" check pending.test
tap_is "$rc" 1 "--ssh: pending.test exits 1"
tap_is "$(mta pending status)" fail "--ssh: pending.test fails"
tap_like "$(codes pending)" "mta.reload-pending" \
    "pending.test: the served key is not the one on disk"
tap_like "$(codes pending)" "mta.disk-not-in-tlsa" \
    "pending.test: and the key on disk has no TLSA record"
tap_like "$(messages pending)" "TLSA 3 1 1 $DISK_311" \
    "pending.test: says which record to publish before the reload"
tap_like "$(artifact pending "TLSA records")" "3 1 1 $DISK_311" \
    "pending.test: artifact has the new key's record"

. "$MXLAB_SCENARIOS/stale.test.env"
run stale "${ssh_ok[@]}" check stale.test
tap_is "$(mta stale status)" fail "--ssh: stale.test fails"
tap_like "$(messages stale)" "no TLSA record matches the ECDSA key" \
    "stale.test: the served key on disk matches no TLSA"
tap_like "$(messages stale)" "$SERVED_311" \
    "stale.test: with the record to publish"

# ---- Host keys.  Each failure: a clear message, nothing kept.

state=$tmp/ssh.db
known=("${ssh_to[@]}" --known-hosts "$tmp/empty_known_hosts")

run unknown "${known[@]}" --state "$state" check good.test
tap_is "$(mta unknown status)" pending "unknown host key: pending"
tap_like "$(codes unknown)" mta.ssh-hostkey-unknown \
    "unknown host key: finding"
tap_like "$(cat "$tmp/unknown.err")" "--trust-host-key $hostkey_fp" \
    "unknown host key: stderr shows the fingerprint to confirm"
tap_is "$(hostkeys "$state")" 0 "unknown host key: none recorded"
tap_is "$(sqlite3 "$state" "select json from observations" |
    jq -r '.mta.postfix')" null "unknown host key: nothing read, kept"

run wrong "${known[@]}" --trust-host-key \
    "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" \
    --state "$state" check good.test
tap_is "$(mta wrong status)" fail "confirmed another key: hard failure"
tap_like "$(messages wrong)" "is not the one to trust" \
    "confirmed another key: says so"
tap_like "$(messages wrong)" "confirm it with --trust-host-key $hostkey_fp" \
    "confirmed another key: says how to confirm the key served"
tap_is "$(hostkeys "$state")" 0 "confirmed another key: none recorded"

run refused --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --ssh-key "$tmp/other_key" --known-hosts "$tmp/empty_known_hosts" \
    --trust-host-key "$hostkey_fp" --state "$state" check good.test \
    2>/dev/null
tap_is "$rc" 2 "an unreadable --ssh-key is a usage error"
ssh-keygen -q -t ed25519 -N '' -f "$tmp/other_key"
run refused --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --ssh-key "$tmp/other_key" --known-hosts "$tmp/empty_known_hosts" \
    --trust-host-key "$hostkey_fp" --state "$state" check good.test
tap_is "$(mta refused status)" pending "refused login: pending"
tap_like "$(messages refused)" "refused the login as root" \
    "refused login: says so"
tap_is "$(hostkeys "$state")" 0 \
    "refused login: the confirmed key is not recorded either"

run confirm "${known[@]}" --trust-host-key "$hostkey_fp" --state "$state" \
    check good.test
tap_is "$(mta confirm status)" pass "confirmed host key: pass"
tap_is "$(sqlite3 "$state" "select fingerprint from ssh_hostkeys where
    host = '$MXLAB_SSH_HOST' and port = $MXLAB_SSH_PORT")" "$hostkey_fp" \
    "confirmed host key: recorded"

run again "${known[@]}" --state "$state" check good.test
tap_is "$(mta again status)" pass "next run: the recorded key is accepted"
tap_is "$(jq -r '.observation.mta.ssh.by_confirmation' "$tmp/again.json")" \
    true "next run: accepted by the operator's confirmation"

sqlite3 "$state" "update ssh_hostkeys set fingerprint =
    'SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB'"
run changed "${known[@]}" --state "$state" check good.test
tap_is "$rc" 1 "changed host key: exit 1"
tap_is "$(mta changed status)" fail "changed host key: hard failure"
tap_like "$(codes changed)" mta.ssh-hostkey-changed "changed: finding"
tap_is "$(sqlite3 "$state" "select fingerprint from ssh_hostkeys")" \
    "SHA256:BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB" \
    "changed host key: the record is not replaced"
tap_is "$(sqlite3 "$state" "select json from observations" |
    jq -r '.mta.postfix')" null "changed host key: nothing read, kept"

ssh-keygen -q -t ed25519 -N '' -f "$tmp/impostor"
echo "[$MXLAB_SSH_HOST]:$MXLAB_SSH_PORT $(cut -d' ' -f1,2 \
    "$tmp/impostor.pub")" >"$tmp/wrong_known_hosts"
run changed2 "${ssh_to[@]}" --known-hosts "$tmp/wrong_known_hosts" \
    --no-state check good.test
tap_is "$(mta changed2 status)" fail "known_hosts has another key: fail"
tap_like "$(messages changed2)" "is not the one recorded in" \
    "known_hosts has another key: says where it was recorded"

# Without --ssh-key, the agent's keys: a refused login first (an agent
# with no keys), then a working one.
eval "$(ssh-agent -s -a "$tmp/agent.sock")" >/dev/null
run agent-empty --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --known-hosts "$MXLAB_KNOWN_HOSTS" --no-state check good.test
tap_like "$(messages agent-empty)" "with the agent's keys" \
    "agent without keys: login refused, said so"
ssh-add -q "$MXLAB_SSH_KEY" 2>/dev/null
run agent --ssh "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
    --known-hosts "$MXLAB_KNOWN_HOSTS" --no-state check good.test
tap_is "$(mta agent status)" pass "ssh-agent: login with the agent's key"
kill "$SSH_AGENT_PID"
unset SSH_AUTH_SOCK SSH_AGENT_PID

run down --ssh root@127.0.22.9:2222 --ssh-key "$MXLAB_SSH_KEY" \
    --known-hosts "$MXLAB_KNOWN_HOSTS" --no-state check good.test
tap_is "$(mta down status)" pending "no SSH server: pending"
tap_like "$(codes down)" mta.ssh-unreachable "no SSH server: could not test"

# ---- Usage errors exit 2 before any network work.

"$mx" "${lab[@]}" --ssh-key "$MXLAB_SSH_KEY" check good.test >/dev/null 2>&1
tap_is "$?" 2 "--ssh-key without --ssh exits 2"
"$mx" "${lab[@]}" --ssh nobody check good.test >/dev/null 2>&1
tap_is "$?" 2 "--ssh without USER@ exits 2"
"$mx" "${lab[@]}" --ssh root@h:99999 check good.test >/dev/null 2>&1
tap_is "$?" 2 "--ssh with a bad port exits 2"
"$mx" "${lab[@]}" "${ssh_to[@]}" --trust-host-key MD5:aa check good.test \
    >/dev/null 2>&1
tap_is "$?" 2 "--trust-host-key wants SHA256:"

tap_done
