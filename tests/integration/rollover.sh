#!/usr/bin/env bash
# rollover.sh: two full TLSA key rollovers of roll.test in the lab under an
# injected clock (RFC 7671 §8.1): next published, the 2 x TTL wait
# enforced, the switch (by command, then by hand), the served key
# verified, the old record removed; a `run --wait` killed mid-way resumes
# from the state.  The second rollover goes back to the lab's own key, so
# roll.test ends as it started.
# Usage: rollover.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
. "$here/../lib/lab_tlsa.sh"
mx=${1:?usage: rollover.sh MXANCHOR}
lab_env
. "$MXLAB_SCENARIOS/roll.test.env"
tmp=$(mktemp -d)
pem=$MXLAB_DIR/certs/mx.roll.test.pem
cp "$pem" "$tmp/orig.pem"

# Whatever happens, the lab's roll.test goes back to how start.sh made it.
restore() {
	cp "$tmp/orig.pem" "$pem"
	postfix -c "$MXLAB_POSTFIX_CONFIG" reload >/dev/null 2>&1
	lab_tlsa_set roll.test "3 1 1 $SERVED_311" >/dev/null
	[[ -z ${waiter:-} ]] || kill "$waiter" 2>/dev/null
	rm -rf "$tmp"
}
trap restore EXIT

net=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 3 --state "$tmp/state.db")
lab_tlsa_set roll.test "3 1 1 $SERVED_311"
lab_flush roll.test

# The next key and its certificate, from the lab CA.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
    -out "$tmp/next.key" 2>/dev/null
openssl req -new -key "$tmp/next.key" -subj "/CN=$MX_HOST" 2>/dev/null |
    openssl x509 -req -CA "$MXLAB_CA_FILE" -CAkey "$MXLAB_DIR/ca/ca.key" \
    -days 5 -out "$tmp/next.crt" \
    -extfile <(printf 'subjectAltName=DNS:%s\n' "$MX_HOST") 2>/dev/null
cat "$tmp/next.key" "$tmp/next.crt" >"$tmp/next.pem"
next=$(openssl pkey -in "$tmp/next.key" -pubout -outform DER |
    openssl dgst -sha256 -r | cut -d' ' -f1)

# The switch command: install the next key, reload Postfix, leave a mark.
cat >"$tmp/switch.sh" <<EOF
#!/bin/sh
touch "$tmp/switched" && cp "$tmp/next.pem" "$pem" &&
    postfix -c "$MXLAB_POSTFIX_CONFIG" reload >/dev/null 2>&1
EOF
chmod +x "$tmp/switch.sh"

roll() {
	local now=$1
	shift
	"$mx" "${net[@]}" --now "$now" rollover roll.test "$@" 2>&1
}

tlsa_status() {
	"$mx" "${net[@]}" --read-only --now "$1" check roll.test --json \
	    >"$tmp/check.json" 2>/dev/null
	jq -r '.steps[] | select(.id == "tlsa") | .status' "$tmp/check.json"
}

tlsa_codes() {
	jq -r '.steps[] | select(.id == "tlsa") | .findings[].code' \
	    "$tmp/check.json" | sort -u | tr '\n' ' '
}

phase() {
	sqlite3 "$tmp/state.db" "select phase || ' ' || visible from \
	    tlsa_rollovers order by id desc limit 1"
}

t0=$(date +%s)

# Plan: the current record is found in the zone, the next from the key.
out=$(roll "$t0" start --key "$tmp/next.key" --host "$MX_HOST")
tap_is "$?" 0 "start: exit 0"
tap_like "$out" "current  3 1 1 $SERVED_311" "start: current is the served key"
tap_like "$out" "next     3 1 1 $next" "start: next is the new key"
out=$(roll "$t0" start --key "$tmp/next.key" --host "$MX_HOST")
tap_is "$?" 1 "start twice: refused"
tap_like "$out" "already under way" "start twice: says why"

# Publish: the next record beside the current one, on every server.
out=$(roll "$t0" run --tsig "$MXLAB_TSIG")
tap_is "$?" 0 "run at T0: exit 0"
tap_like "$out" "next record published" "run at T0: published"
tap_like "$out" "switch not before $(date -u -d "@$((t0 + 600))" \
    +%Y-%m-%dT%H:%M:%SZ)" "run at T0: the switch waits 2 x TTL (600 s)"
tap_is "$(lab_tlsa_rrset roll.test)" \
    "$(printf '3 1 1 %s\n3 1 1 %s\n' "$SERVED_311" "$next" | sort)" \
    "run at T0: the zone has current and next"

# Half-way: the wait is enforced, the switch command does not run.
out=$(roll $((t0 + 300)) run --tsig "$MXLAB_TSIG" \
    --switch-cmd "$tmp/switch.sh")
tap_is "$?" 0 "run at T0+300: exit 0 (waiting is not failing)"
tap_like "$out" "waiting: switch the server to the next key not before" \
    "run at T0+300: says it waits"
tap_result "$([[ ! -e $tmp/switched ]]; echo $?)" \
    "run at T0+300: the switch command did not run"
tap_is "$(tlsa_status $((t0 + 300)))" pass "check at T0+300: tlsa passes"
tap_like "$(tlsa_codes)" tlsa.rollover "check at T0+300: shows the rollover"
tap_like "$(jq -r '.steps[] | select(.id == "tlsa") | .artifacts[] |
    select(.name == "TLSA rollover plan") | .content' "$tmp/check.json")" \
    "3 switch key      not before" "check at T0+300: the plan's switch time"

# Stopped mid-way: a waiting `run --wait` is killed; nothing is lost.
before=$(phase)
roll $((t0 + 300)) run --tsig "$MXLAB_TSIG" --wait >"$tmp/wait.out" &
waiter=$!
for _ in $(seq 50); do
	grep -q waiting "$tmp/wait.out" && break
	sleep 0.1
done
tap_like "$(cat "$tmp/wait.out")" "waiting" "run --wait: waits"
{ kill -9 "$waiter" && wait "$waiter"; } 2>/dev/null
waiter=
tap_is "$(phase)" "$before" "killed while waiting: the plan is intact"
tap_is "$(phase)" "published $t0" "killed: still published, visible at T0"

# After 2 x TTL: a new process resumes, switches, verifies, cleans up.
out=$(roll $((t0 + 601)) run --tsig "$MXLAB_TSIG" \
    --switch-cmd "$tmp/switch.sh")
tap_is "$?" 0 "run at T0+601: exit 0"
tap_result "$([[ -e $tmp/switched ]]; echo $?)" \
    "run at T0+601: the switch command ran"
tap_like "$out" "every address (1) serves the next key" \
    "run at T0+601: the served key is verified"
tap_like "$out" "rollover done" "run at T0+601: the old record is removed"
tap_is "$(lab_tlsa_rrset roll.test)" "3 1 1 $next" \
    "after the rollover: only the next record"
tap_is "$(phase)" "done $t0" "after the rollover: done in the state"
lab_flush roll.test
tap_is "$(tlsa_status $((t0 + 700)))" pass "check after the rollover: pass"
tap_like "$(roll $((t0 + 700)) status)" "no rollover under way" \
    "status: nothing under way"
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from events where \
    kind = 'tlsa'")" 5 "five rollover events in the state's log"

# Back to the lab's key, switched by hand and too early.
t1=$((t0 + 1000))
roll "$t1" start --cert "$tmp/orig.pem" --host "$MX_HOST" >/dev/null
roll "$t1" run --tsig "$MXLAB_TSIG" >/dev/null
tap_is "$(phase)" "published $t1" "second rollover: published at T1"
cp "$tmp/orig.pem" "$pem"
postfix -c "$MXLAB_POSTFIX_CONFIG" reload >/dev/null 2>&1
lab_flush roll.test
tap_is "$(tlsa_status $((t1 + 100)))" warn \
    "switched too early: the tlsa step warns"
tap_like "$(tlsa_codes)" tlsa.rollover-early \
    "switched too early: tlsa.rollover-early"
out=$(roll $((t1 + 100)) run --tsig "$MXLAB_TSIG")
tap_is "$(phase)" "published $t1" "too early: not recorded as switched"

# Removing the current record needs the next key served everywhere.
out=$(roll $((t1 + 601)) run)
tap_is "$?" 0 "at T1+601 without --tsig: exit 0"
tap_like "$out" "delete this record yourself" \
    "without --tsig: says what to delete"
tap_like "$out" "update delete _25._tcp.mx.roll.test. 300 IN TLSA 3 1 1 $next" \
    "without --tsig: the exact record"
out=$(roll $((t1 + 602)) run --tsig "$MXLAB_TSIG")
tap_like "$out" "rollover done" "with --tsig: done"
tap_is "$(lab_tlsa_rrset roll.test)" "3 1 1 $SERVED_311" \
    "roll.test is back to the lab's key"

tap_done
