#!/usr/bin/env bash
# inventory.sh: mxanchor inventory against the lab: recovery addresses,
# confirmations with time and user, mailbox checks by RCPT TO (the lab's
# Postfix accepts postmaster@ and tlsrpt@ of each domain and refuses the
# rest), and two processes editing one domain's inventory at once.
# Usage: inventory.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: inventory.sh MXANCHOR}
lab_env
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

lab=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5 --state "$tmp/state.db")
inv() { "$mx" "${lab[@]}" inventory "$@"; }
json() { inv good.test --json | jq -r "$1"; }

inv good.test add-recovery "ACME account" postmaster@good.test --kind ca \
    --user alice >"$tmp/out"
tap_is "$?" 0 "add-recovery: exit 0"
tap_like "$(cat "$tmp/out")" "added recovery #1" "add-recovery names the id"
inv good.test add-recovery Registrar someone@gmail.com --kind registrar \
    --note "set up in 2019" >/dev/null
inv good.test add-recovery "DNS provider" dns@stale.test --kind dns \
    >/dev/null
inv good.test add-recovery "Identity provider" nobody@good.test \
    --kind idp >/dev/null
inv good.test add-recovery Bad "x@good.test" --kind wizard >/dev/null 2>&1
tap_is "$?" 2 "an unknown kind is refused"

tap_is "$(json '[.recovery[] | "\(.id):\(.third_party):\(.not_controlled)"] | join(" ")')" \
    "1:false:false 2:true:true 3:false:true 4:false:false" \
    "flags guessed: gmail.com is third-party, stale.test not in the state"
"$mx" "${lab[@]}" --no-state check stale.test >/dev/null
"$mx" "${lab[@]}" check stale.test >/dev/null
inv good.test set-recovery 3 --address ops@stale.test >/dev/null
tap_is "$(json '.recovery[2] | "\(.address):\(.not_controlled)"')" \
    "ops@stale.test:false" "a domain in the state counts as controlled"
inv good.test set-recovery 2 --third-party no >/dev/null
tap_is "$(json '.recovery[1].third_party')" false "the operator overrides"

# Confirmation, with time and user.
MXANCHOR_USER=bob "$mx" "${lab[@]}" --now 2026-11-05T09:30:00Z \
    inventory good.test confirm 1 >/dev/null
tap_is "$(json '.recovery[0] | "\(.confirmed) \(.confirmed_by)"')" \
    "2026-11-05T09:30:00Z bob" "confirm records the time and the user"
tap_like "$(sqlite3 "$tmp/state.db" "select message from events
    where kind = 'inventory' order by id desc limit 1")" \
    "recovery #1: bob confirmed that it recovers through postmaster@good.test" \
    "and the timeline says so"
inv good.test confirm 99 >/dev/null 2>"$tmp/err"
tap_is "$?" 2 "confirming an unknown id exits 2"
tap_like "$(cat "$tmp/err")" "has no recovery #99" "and says why"

# Mailbox checks: RCPT TO at the lab's Postfix, nothing sent.
before=$(grep -c 'postfix/cleanup' "$MXLAB_LOG_DIR/postfix.log")
inv good.test check-mailboxes >"$tmp/out" 2>&1
tap_is "$?" 1 "check-mailboxes: exit 1 when a mailbox refuses mail"
verdict() { jq -r --arg a "$1" '.mailboxes[] | select(.address == $a) |
    "\(.verdict) \(.role)"' <(inv good.test --json); }
tap_is "$(verdict postmaster@good.test)" "accepts recovery,postmaster" \
    "postmaster@ accepts, and is both a recovery and the postmaster"
tap_is "$(verdict tlsrpt@good.test)" "accepts rua" \
    "the TLS-RPT rua mailbox from DNS accepts"
tap_is "$(verdict nobody@good.test)" "rejects recovery" \
    "a mailbox the server refuses is reported"
tap_like "$(jq -r '.mailboxes[] | select(.address == "nobody@good.test") |
    .detail' <(inv good.test --json))" "554 5.7.1" "with the server's reply"
tap_is "$(verdict someone@gmail.com)" "rejects recovery" \
    "a domain that does not exist (in the lab) refuses mail"
tap_like "$(jq -r '.mailboxes[] | select(.address == "someone@gmail.com") |
    .detail' <(inv good.test --json))" "does not exist" "and says why"
tap_is "$(grep -c 'postfix/cleanup' "$MXLAB_LOG_DIR/postfix.log")" "$before" \
    "no message was ever queued (no DATA)"

# The inventory step judges what was recorded.
"$mx" "${lab[@]}" check good.test --json >"$tmp/check.json"
tap_is "$(jq -r '.steps[0] | "\(.id) \(.status)"' "$tmp/check.json")" \
    "inventory warn" "the inventory step warns about the inventory"
tap_is "$(jq -r '[.steps[0].findings[].code] | join(" ")' "$tmp/check.json")" \
    "inventory.recovery-elsewhere inventory.unconfirmed inventory.mailbox-refuses" \
    "naming the third-party address, the unconfirmed ones, the refusals"
inv good.test remove-recovery 2 >/dev/null
inv good.test remove-recovery 4 >/dev/null
inv good.test set-recovery 3 --address tlsrpt@stale.test >/dev/null
inv good.test check-mailboxes >/dev/null 2>&1
tap_is "$?" 0 "check-mailboxes: exit 0 when every mailbox accepts"
tap_is "$(inv good.test --json | jq -r '[.mailboxes[].address] | join(" ")')" \
    "postmaster@good.test tlsrpt@good.test tlsrpt@stale.test" \
    "a new check replaces the results of removed addresses"

# A resolver that does not answer: untested, exit 2.
"$mx" --resolver 127.0.58.99 --trust-anchor "$MXLAB_TRUST_ANCHOR" \
    --ca-file "$MXLAB_CA_FILE" --timeout 1 --state "$tmp/state.db" \
    inventory good.test check-mailboxes >/dev/null 2>&1
tap_is "$?" 2 "check-mailboxes: exit 2 when no mailbox could be asked"
tap_is "$(inv good.test --json | jq -r '[.mailboxes[].verdict] | unique | join(" ")')" \
    "untested" "and every mailbox is untested"

# Read-only refuses changes, still shows.
"$mx" "${lab[@]}" --read-only inventory good.test note hello >/dev/null 2>&1
tap_is "$?" 2 "--read-only refuses a change"
"$mx" "${lab[@]}" --read-only inventory good.test >/dev/null
tap_is "$?" 0 "--read-only still shows the inventory"

# Two processes editing one domain at once lose nothing.
edit_loop() {
	local who=$1 i
	for ((i = 0; i < 15; i++)); do
		inv demo.test add-recovery "acct-$who-$i" \
		    "r$who-$i@demo.test" --user "$who" >/dev/null || return 1
		inv demo.test note "note $who $i" --user "$who" >/dev/null ||
		    return 1
	done
}
edit_loop ann & a=$!
edit_loop ben & b=$!
wait $a; ra=$?
wait $b; rb=$?
tap_is "$ra $rb" "0 0" "two concurrent editors: every command succeeded"
tap_is "$(inv demo.test --json | jq '.recovery | length')" 30 \
    "two concurrent editors: all 30 recovery addresses are there"
tap_is "$(sqlite3 "$tmp/state.db" "select count(*) from events e join
    domains d on d.id = e.domain_id where d.name = 'demo.test' and
    (e.kind = 'note' or e.message like '%added by%')")" 60 \
    "two concurrent editors: all 30 notes and 30 additions are logged"

# Reading the inventory of a domain the state does not have is a mistake.
out=$(inv nosuch.test show 2>&1)
tap_is "$?" 2 "inventory of an unknown domain: exit 2"
tap_like "$out" "nosuch.test is not in the state" \
    "inventory of an unknown domain: says so"

tap_done
