#!/usr/bin/env bash
# secrets.sh: no secret mxanchor is given ever lands in the state, the
# developer log, its output or a report.
#
# Runs every flow of this build that takes a secret, each with its own
# developer log (-v) and one shared state file: TLSA publishing and the
# renewal hook and rollover with TSIG keys (a right one, a wrong one),
# TLSA records from private keys, IMAP report import with a password (a
# right one, a wrong one, one put in the URL), the MTA check over SSH
# with a private key; then the reports.  Every file these runs left is
# then searched for each secret as raw bytes, base64, hex (both cases),
# for the IMAP password also as an AUTH PLAIN string, for the SSH key
# also line by line as its file has it.  A flow whose command this build
# lacks is listed as not covered.
#
# Usage: secrets.sh PATH-TO-MXANCHOR (changes roll.test, and restores it)
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: secrets.sh MXANCHOR}
[[ $mx == /* ]] || mx=$PWD/$mx
lab_env

usage=$("$mx" --help 2>&1)
# have COMMAND: does this build have it?
have() {
	grep -q "mxanchor \[options\] $1 " <<<"$usage"
}

covered=()
missing=()
roll_changed=0

# Nothing to cover when no command takes a secret.
if ! have tlsa && ! have hook && ! have rollover && ! have reports &&
    ! grep -q -- "--ssh USER@HOST" <<<"$usage"; then
	echo "1..0 # SKIP no command of this build takes a secret"
	exit 0
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mxsecrets.XXXXXX")
mkdir -p "$tmp/secrets" "$tmp/out" "$tmp/log" "$tmp/reports" "$tmp/cwd"

# Puts roll.test's TLSA RRset back as the lab made it.
secrets_restore() {
	((roll_changed)) || return 0
	printf '%s\n' "server $MXLAB_AUTH 53" "zone roll.test." \
	    "update delete _25._tcp.mx.roll.test. TLSA" \
	    "update add _25._tcp.mx.roll.test. 300 TLSA 3 1 1 $ROLL_311" \
	    send | knsupdate -y "$(cat "$MXLAB_TSIG")" >/dev/null 2>&1
	unbound-control -c "$MXLAB_UNBOUND_CONF" flush_zone roll.test \
	    >/dev/null 2>&1
	unbound-control -c "$MXLAB_UNBOUND_CONF" flush_bogus >/dev/null 2>&1
}
trap 'secrets_restore; rm -rf "$tmp"' EXIT

net=(--resolver "$MXLAB_RESOLVER" --trust-anchor "$MXLAB_TRUST_ANCHOR"
    --ca-file "$MXLAB_CA_FILE" --timeout 10 --state "$tmp/state.db")

# flow NAME WANT ARGS...: one run in $tmp/cwd (so that files it writes
# are searched too), its own log; the exit code must be WANT ("any": a
# verdict, 0 or 1).
flow() {
	local name=$1 want=$2 rc
	shift 2
	(cd "$tmp/cwd" && "$mx" "${net[@]}" -v "$tmp/log/$name.log" "$@" \
	    >"$tmp/out/$name.out" 2>"$tmp/out/$name.err")
	rc=$?
	if [[ $want == any ]]; then
		tap_result $((rc > 1)) "$name: a verdict (exit $rc)"
	else
		tap_is "$rc" "$want" "$name: exit $want"
	fi
	[[ $rc == "$want" || ($want == any && $rc -le 1) ]] ||
	    sed 's/^/#   /' "$tmp/out/$name.err" | head -5
}

# ---- The secrets, each as the file mxanchor is given.

# TSIG: the lab's key (which Knot accepts) and a wrong one.
cp "$MXLAB_TSIG" "$tmp/secrets/tsig.key"
printf 'hmac-sha256:lab-update:%s\n' \
    "$(head -c 32 /dev/urandom | base64)" >"$tmp/secrets/wrong-tsig.key"

# Private keys: for tlsa --key, rollover start --key.
for k in next other roll-next; do
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$tmp/secrets/$k.key" 2>/dev/null
done

# IMAP passwords: the lab's, a wrong one, one written into a URL.
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$tmp/secrets/wrong-pw"
head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$tmp/secrets/url-pw"

# ---- The flows.

flow check-good any check good.test --json
if [[ -f $MXLAB_SCENARIOS/roll.test.env ]]; then
	. "$MXLAB_SCENARIOS/roll.test.env"
	ROLL_311=$SERVED_311
	flow check-roll any check roll.test --json
fi

if have tlsa; then
	flow tlsa-key 0 tlsa --key "$tmp/secrets/next.key" --host mx.roll.test
	roll_changed=1
	flow tlsa-publish 0 tlsa --key "$tmp/secrets/next.key" \
	    --host mx.roll.test --publish --tsig "$tmp/secrets/tsig.key"
	tap_like "$(cat "$tmp/out/tlsa-publish.out" \
	    "$tmp/out/tlsa-publish.err")" "update accepted" \
	    "tlsa-publish: the signed update was accepted"
	flow tlsa-publish-bind 0 tlsa --key "$tmp/secrets/next.key" \
	    --host mx.roll.test --publish --tsig "$MXLAB_TSIG_BIND"
	flow tlsa-wrong-tsig 2 tlsa --key "$tmp/secrets/other.key" \
	    --host mx.roll.test --publish --tsig "$tmp/secrets/wrong-tsig.key"
	covered+=("tlsa --key, --publish --tsig (right, BIND file, wrong)")
else
	missing+=("tlsa --publish --tsig")
fi

if have hook; then
	flow hook 0 hook roll.test --cert "$MX_CERT" \
	    --tsig "$tmp/secrets/tsig.key"
	flow hook-wrong-tsig 1 hook roll.test \
	    --key "$tmp/secrets/other.key" --tsig "$tmp/secrets/wrong-tsig.key"
	covered+=("hook --tsig (right, wrong)")
else
	missing+=("hook --tsig")
fi

if have rollover; then
	flow rollover-start 0 rollover roll.test start \
	    --key "$tmp/secrets/roll-next.key" --host mx.roll.test
	flow rollover-run 0 rollover roll.test run \
	    --tsig "$tmp/secrets/tsig.key"
	flow rollover-status 0 rollover roll.test status
	flow rollover-abort 0 rollover roll.test abort
	covered+=("rollover start --key, run --tsig")
else
	missing+=("rollover --key/--tsig")
fi

if have reports && [[ -n ${MXLAB_IMAP_URL-} ]]; then
	flow imap 0 reports import --imap "$MXLAB_IMAP_URL" \
	    --imap-user "$MXLAB_IMAP_USER" \
	    --password-file "$MXLAB_IMAP_PASSWORD_FILE"
	flow imap-wrong-password 1 reports import --imap "$MXLAB_IMAP_URL" \
	    --imap-user "$MXLAB_IMAP_USER" \
	    --password-file "$tmp/secrets/wrong-pw"
	url="imaps://$MXLAB_IMAP_USER:$(cat "$tmp/secrets/url-pw")"
	flow imap-url-password 2 reports import --imap \
	    "$url@$MXLAB_IMAP_ADDR/INBOX"
	covered+=("reports import --imap --password-file (right, wrong, URL)")
else
	missing+=("IMAP password (reports import --imap)")
fi

if grep -q -- "--ssh USER@HOST" <<<"$usage"; then
	flow ssh 0 check good.test --ssh \
	    "$MXLAB_SSH_USER@$MXLAB_SSH_HOST:$MXLAB_SSH_PORT" \
	    --ssh-key "$MXLAB_SSH_KEY" --known-hosts "$MXLAB_KNOWN_HOSTS"
	covered+=("check --ssh --ssh-key")
else
	missing+=("SSH private key (check --ssh)")
fi

if have report; then
	for d in roll.test good.test; do
		flow "report-$d-md" 0 report "$d" --format md \
		    --output "$tmp/reports/$d.md"
		flow "report-$d-html" 0 report "$d" --format html \
		    --output "$tmp/reports/$d.html"
	done
	covered+=("report md, html")
fi

tap_result "$(($(cat "$tmp"/log/*.log | wc -l) > 0 ? 0 : 1))" \
    "the developer logs were written"
tap_diag "covered: ${covered[*]}"
tap_diag "not in this build: ${missing[*]:-nothing}"

# ---- The search.

hex() {
	xxd -p | tr -d '\n'
}

# forms FILE [USER]: the hex of each form the secret in FILE may take:
# the bytes, their base64, lower and upper hex; with USER, the base64 of
# an AUTH PLAIN ("\0USER\0PASSWORD").
forms() {
	local f=$1 raw
	raw=$(hex <"$f")
	echo "$raw"
	base64 -w0 <"$f" | hex; echo
	base64 -w0 <"$f" | tr -d = | hex; echo
	printf %s "$raw" | hex; echo
	printf %s "$raw" | tr a-f A-F | hex; echo
	if [[ -n ${2-} ]]; then
		{ printf '\0%s\0' "$2"; cat "$f"; } | base64 -w0 | hex; echo
	fi
}

# The secret bytes themselves.
cut -d: -f3 "$MXLAB_TSIG" | tr -d '\n' | base64 -d >"$tmp/secrets/tsig.raw"
cut -d: -f3 "$tmp/secrets/wrong-tsig.key" | tr -d '\n' | base64 -d \
    >"$tmp/secrets/wrong-tsig.raw"
for k in next other roll-next; do
	# The private scalar, and the whole key in DER.
	openssl pkey -in "$tmp/secrets/$k.key" -noout -text 2>/dev/null |
	    awk '/^pub:/ { p = 0 } p { print } /^priv:/ { p = 1 }' |
	    tr -d ' :\n' | xxd -r -p >"$tmp/secrets/$k.priv"
	openssl pkey -in "$tmp/secrets/$k.key" -outform DER \
	    >"$tmp/secrets/$k.der" 2>/dev/null
done
tr -d '\n' <"$MXLAB_IMAP_PASSWORD_FILE" >"$tmp/secrets/imap-pw" 2>/dev/null
tr -d '\n' <"$tmp/secrets/wrong-pw" >"$tmp/secrets/wrong-pw.raw"
tr -d '\n' <"$tmp/secrets/url-pw" >"$tmp/secrets/url-pw.raw"
# The SSH key file's base64 body, decoded: the whole key.
grep -v -- '-----' "$MXLAB_SSH_KEY" 2>/dev/null | tr -d '\n' |
    base64 -d >"$tmp/secrets/ssh.raw" 2>/dev/null

# What mxanchor left: the state (with its WAL), logs, outputs, reports,
# whatever it wrote in its working folder.
mapfile -t files < <(find "$tmp/out" "$tmp/log" "$tmp/reports" "$tmp/cwd" \
    -type f; ls "$tmp"/state.db* 2>/dev/null)
declare -A dump
for f in "${files[@]}"; do
	dump[$f]=$(hex <"$f")
done
tap_diag "searching ${#files[@]} files" \
    "($(du -sch "${files[@]}" | tail -1 | cut -f1))"

# found FILE [USER]: the files that hold a form of the secret in FILE.
found() {
	local form f
	while read -r form; do
		[[ ${#form} -ge 16 ]] || continue
		for f in "${files[@]}"; do
			[[ ${dump[$f]} == *"$form"* ]] && echo "$f"
		done
	done < <(forms "$1" "${2-}") | sort -u
}

# secret NAME FILE [USER]: no form of it in any file.
secret() {
	local name=$1 file=$2 hits
	if [[ ! -s $file ]]; then
		tap_diag "$name: not used in this build"
		return
	fi
	hits=$(found "$file" "${3-}")
	if [[ -z $hits ]]; then
		tap_result 0 "$name: in none of the files"
	else
		tap_result 1 "$name: found in $(tr '\n' ' ' <<<"$hits")"
	fi
}

# The search must find what is there: the key file holds the secret's
# base64, the DER file the private key.
files+=("$tmp/secrets/tsig.key" "$tmp/secrets/next.der")
dump[$tmp/secrets/tsig.key]=$(hex <"$tmp/secrets/tsig.key")
dump[$tmp/secrets/next.der]=$(hex <"$tmp/secrets/next.der")
tap_is "$(found "$tmp/secrets/tsig.raw")" "$tmp/secrets/tsig.key" \
    "the search finds the TSIG secret's base64 in its key file"
tap_is "$(found "$tmp/secrets/next.priv")" "$tmp/secrets/next.der" \
    "the search finds the private scalar in the key's DER"
unset 'files[-1]' 'files[-1]'

secret "TSIG secret (lab)" "$tmp/secrets/tsig.raw"
secret "TSIG secret (wrong)" "$tmp/secrets/wrong-tsig.raw"
for k in next other roll-next; do
	secret "private key $k (scalar)" "$tmp/secrets/$k.priv"
	secret "private key $k (DER)" "$tmp/secrets/$k.der"
done
if have reports; then
	secret "IMAP password (lab)" "$tmp/secrets/imap-pw" "$MXLAB_IMAP_USER"
	secret "IMAP password (wrong)" "$tmp/secrets/wrong-pw.raw" \
	    "$MXLAB_IMAP_USER"
	secret "IMAP password (in the URL)" "$tmp/secrets/url-pw.raw" \
	    "$MXLAB_IMAP_USER"
fi
if grep -q -- "--ssh USER@HOST" <<<"$usage"; then
	secret "SSH private key (the whole key)" "$tmp/secrets/ssh.raw"
	# And each line of the file, as text: a part of it is a leak too.
	n=0
	while read -r line; do
		n=$((n + 1))
		printf %s "$line" >"$tmp/secrets/ssh-line-$n"
		secret "SSH private key (line $n of the file)" \
		    "$tmp/secrets/ssh-line-$n"
	done < <(grep -v -- '-----' "$MXLAB_SSH_KEY")
fi
tap_done
