#!/usr/bin/env bash
# crash.sh: the state survives SIGKILL at any moment, a full disk and a
# read-only directory.  Usage: crash.sh MXANCHOR [TRIALS]
#
# Each trial runs `mxanchor check` with the clock pinned one minute later
# than the last, kills it after a random delay within its usual run time,
# and then asks of the database: is it intact (PRAGMA integrity_check),
# and is every step row from one and the same check, either the last one
# known committed or the one just killed?  TRIALS defaults to 200;
# `crash.sh build/mxanchor 1000` is the long run.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: crash.sh MXANCHOR [TRIALS]}
trials=${2:-${MXANCHOR_CRASH_TRIALS:-200}}
lab_env
tmp=$(mktemp -d)
trap 'umount -q "$tmp/full" "$tmp/ro" 2>/dev/null; rm -rf "$tmp"' EXIT

opts=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 5)
# Signatures in the lab are valid from its start: pin times after it.
base=$(date +%s)

# How long one check takes here, so kills land across the whole run.
start=$(date +%s%N)
"$mx" "${opts[@]}" --state "$tmp/state.db" --now $base check good.test \
    >/dev/null
span_ms=$((($(date +%s%N) - start) / 1000000 + 5))
# A whole check is one row per step.
nsteps=$(sqlite3 "$tmp/state.db" "select count(*) from steps")
tap_diag "a check takes about $span_ms ms; killing within that"

# consistent DB [ro]: prints the check time every row agrees on, or
# "bad".  With ro, immutable=1 lets the sqlite3 shell read a database on
# a read-only file system (it cannot create the shared-memory file
# there); the database was closed cleanly, so the WAL holds nothing.
consistent() {
	local db=$1
	[[ ${2-} == ro ]] && db="file:$1?immutable=1"
	sqlite3 "$db" "
	    SELECT CASE WHEN
		(SELECT count(DISTINCT checked) FROM steps) = 1 AND
		(SELECT count(*) FROM steps) = $nsteps AND
		(SELECT checked FROM domains) = (SELECT max(checked) FROM steps)
		AND (SELECT taken FROM observations) =
		    (SELECT max(checked) FROM steps)
	    THEN (SELECT max(checked) FROM steps) ELSE 'bad' END;" 2>&1
}

last=$base
bad=0 damaged=0 committed=0 killed=0
for ((i = 1; i <= trials; i++)); do
	now=$((base + i * 60))
	"$mx" "${opts[@]}" --state "$tmp/state.db" --now $now check \
	    good.test >/dev/null 2>&1 &
	pid=$!
	sleep "0.$(printf '%03d' $((RANDOM % span_ms)))"
	kill -KILL $pid 2>/dev/null && killed=$((killed + 1))
	wait $pid 2>/dev/null

	if [[ $(sqlite3 "$tmp/state.db" 'PRAGMA integrity_check') != ok ]]
	then
		damaged=$((damaged + 1))
		continue
	fi
	got=$(consistent "$tmp/state.db")
	if [[ $got == "$now" ]]; then
		committed=$((committed + 1))
		last=$now
	elif [[ $got != "$last" ]]; then
		bad=$((bad + 1))
		tap_diag "trial $i: rows say '$got', expected $last or $now"
	fi
done
tap_diag "$trials trials: $killed killed mid-run, $committed committed," \
    "$damaged damaged, $bad inconsistent"
tap_is "$damaged" 0 "integrity_check passes after every SIGKILL"
tap_is "$bad" 0 "the state holds the last committed check, whole"
tap_result $(( killed > 0 && committed > 0 ? 0 : 1 )) \
    "kills landed both before and after commits"

# The same database still opens and takes a clean check afterwards.
"$mx" "${opts[@]}" --state "$tmp/state.db" --now $((now + 60)) check \
    good.test >/dev/null 2>&1
tap_is "$?" 0 "a clean check after the trials"
tap_is "$(consistent "$tmp/state.db")" $((now + 60)) "and it is recorded"

# A full disk: the write fails with a clear message, the last good state
# stays.  tmpfs gives a disk of a known, small size.
if mkdir "$tmp/full" && mount -t tmpfs -o size=256k tmpfs "$tmp/full"
then
	"$mx" "${opts[@]}" --state "$tmp/full/state.db" --now $base check \
	    good.test >/dev/null 2>&1
	before=$(consistent "$tmp/full/state.db")
	head -c 10M /dev/zero >"$tmp/full/filler" 2>/dev/null
	"$mx" "${opts[@]}" --state "$tmp/full/state.db" --now $((base + 60)) \
	    check good.test --json >"$tmp/full.json" 2>"$tmp/full.err"
	rc=$?
	tap_is "$rc" 2 "disk full: exit 2"
	tap_like "$(cat "$tmp/full.err")" "state" \
	    "disk full: the message names the state"
	tap_is "$(jq -r .domain "$tmp/full.json")" good.test \
	    "disk full: the verdicts are still printed"
	rm -f "$tmp/full/filler"
	tap_is "$(sqlite3 "$tmp/full/state.db" 'PRAGMA integrity_check')" \
	    ok "disk full: the database is intact"
	tap_is "$(consistent "$tmp/full/state.db")" "$before" \
	    "disk full: the last good check is kept"
	umount "$tmp/full"
else
	tap_result 0 "disk full # SKIP cannot mount a tmpfs (not root?)"
fi

# A read-only directory: refused with a clear message, nothing lost.
if mkdir "$tmp/ro" && mount -t tmpfs -o size=1m tmpfs "$tmp/ro"; then
	"$mx" "${opts[@]}" --state "$tmp/ro/state.db" --now $base check \
	    good.test >/dev/null 2>&1
	before=$(consistent "$tmp/ro/state.db")
	mount -o remount,ro "$tmp/ro"
	"$mx" "${opts[@]}" --state "$tmp/ro/state.db" --now $((base + 60)) \
	    check good.test >/dev/null 2>"$tmp/ro.err"
	tap_is "$?" 2 "read-only directory: exit 2"
	tap_like "$(cat "$tmp/ro.err")" "$tmp/ro/state.db" \
	    "read-only directory: the message names the file"
	tap_is "$(consistent "$tmp/ro/state.db" ro)" "$before" \
	    "read-only directory: the state is unchanged"
	"$mx" "${opts[@]}" --state "$tmp/ro/state.db" --read-only \
	    --now $((base + 60)) check good.test >/dev/null 2>&1
	tap_is "$?" 0 "--read-only checks without writing"
	umount "$tmp/ro"
else
	tap_result 0 "read-only directory # SKIP cannot mount a tmpfs"
fi

tap_done
