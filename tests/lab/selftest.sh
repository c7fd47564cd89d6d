#!/usr/bin/env bash
# selftest.sh [DIR]: check with reference tools that the lab in DIR serves
# every scenario as specified.  Prints "ok" or "FAIL" per check and exits
# non-zero if any check failed.
#
# Reference tools: kdig, delv, drill (DNS and DNSSEC), knsupdate and
# nsupdate (TSIG), curl (MTA-STS), openssl s_client, ldns-dane and
# posttls-finger (SMTP, STARTTLS, DANE), ssh.  None may reach the system
# resolver: every DNS tool gets an explicit server, curl gets --resolve,
# openssl gets -connect ADDR:PORT, posttls-finger runs under lab-exec.sh.
# The checks do not change the lab: the TSIG checks send updates whose
# prerequisite fails, so no zone changes.
set -euo pipefail
shopt -s extglob

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$LAB_HOME/lib/common.sh"

# The environment exports the system trust store and maybe proxies; the
# lab trusts only its own CA and talks to nothing else.
unset SSL_CERT_FILE SSL_CERT_DIR CURL_CA_BUNDLE http_proxy https_proxy \
	HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY no_proxy NO_PROXY

CHECKS=0
FAILS=0
TMP=

# Run CHECK (a command); print "ok NAME" or "FAIL NAME: its output".
check() {
	local name=$1 out
	shift
	CHECKS=$((CHECKS + 1))
	if out=$("$@" 2>&1); then
		printf 'ok   %s\n' "$name"
	else
		FAILS=$((FAILS + 1))
		out=$(tail -n 3 <<<"$out" | tr '\n' ' ')
		printf 'FAIL %s: %s\n' "$name" "$out"
	fi
}

# Fail with a message unless GOT equals WANT.
expect_eq() {
	[[ $2 == "$3" ]] || { echo "$1: got '$2', want '$3'"; return 1; }
}

# Fail with a message when A equals B.
expect_ne() {
	[[ $2 != "$3" ]] || { echo "$1: both are '$2'"; return 1; }
}

# Fail with a message unless TEXT contains PATTERN (a glob).
expect_has() {
	[[ $2 == *$3* ]] || { echo "$1: '$3' not found in: $2"; return 1; }
}

# kdig with bounded time; the server is always explicit.
q() {
	kdig +time=2 +retry=1 "$@"
}

# Print "1" if a kdig answer has the AD flag, else "0".
ad_flag() {
	[[ $1 =~ Flags:\ [a-z\ ]*\ ad[\;\ ] ]] && echo 1 || echo 0
}

# ---- DNS: authoritative

check_auth_zone() {
	local zone=$1 signed=$2 out
	out=$(q +norec +dnssec "@$MXLAB_AUTH" "$zone" SOA)
	expect_has "$zone SOA" "$out" "status: NOERROR" || return 1
	expect_has "$zone SOA" "$out" "Flags: qr aa" || return 1
	if [[ $signed != off ]]; then
		expect_has "$zone SOA" "$out" RRSIG
	elif [[ $out == *RRSIG* ]]; then
		echo "$zone is signed, should not be"
		return 1
	fi
}

check_delegation() {
	local zone=$1 signed=$2 ds
	ds=$(q +norec +short "@$MXLAB_AUTH" "$zone" DS)
	if [[ $signed != off ]]; then
		[[ -n $ds ]] && return 0
		echo "no DS for $zone in its parent"
	else
		[[ -z $ds ]] && return 0
		echo "DS for $zone in its parent: $ds"
	fi
	return 1
}

# ---- DNS: through the validating resolver

# Print the answer data of NAME TYPE from the resolver, AD flag first.
resolve() {
	local out
	out=$(q +dnssec "@$MXLAB_RESOLVER" "$1" "$2")
	if [[ $out != *"status: NOERROR"* ]]; then
		echo "$1 $2: ${out%%$'\n'*}"
		return 1
	fi
	ad_flag "$out"
	q +short "@$MXLAB_RESOLVER" "$1" "$2"
}

# Check that NAME TYPE resolves to WANT, with AD iff the zone is signed.
check_record() {
	local name=$1 type=$2 want=$3 out ad data want_ad=0
	[[ $DNSSEC == @(on|expiring) ]] && want_ad=1
	out=$(resolve "$name" "$type") || { echo "$out"; return 1; }
	ad=${out%%$'\n'*}
	data=$(sort <<<"${out#*$'\n'}")
	want=$(sort <<<"$want")
	expect_eq "$name $type" "${data,,}" "${want,,}" || return 1
	expect_eq "$name $type AD flag" "$ad" "$want_ad"
}

check_delv() {
	local out want="; fully validated"
	[[ $DNSSEC != off ]] || want="; unsigned answer"
	[[ $DNSSEC != @(bogus|expired) ]] || want="resolution failed"
	out=$(delv "@$MXLAB_RESOLVER" -a "$MXLAB_TRUST_ANCHOR_BIND" +root=. \
		"$DOMAIN" MX 2>&1)
	expect_has "delv $DOMAIN MX" "$out" "$want"
}

check_drill_chase() {
	drill -S -k "$MXLAB_TRUST_ANCHOR" "@$MXLAB_RESOLVER" "$DOMAIN" MX |
		grep -q "Chase successful"
}

# A zone whose chain is broken: the resolver answers SERVFAIL.
check_servfail() {
	expect_has "$1 $2" "$(q +dnssec "@$MXLAB_RESOLVER" "$1" "$2")" \
		"status: SERVFAIL"
}

# ns2=stale: each server serves its own TLSA record.
check_tlsa_at() {
	local out
	out=$(q +norec +short "@$1" "$TLSA_NAME" TLSA)
	expect_eq "$TLSA_NAME TLSA at $1" "${out,,}" "${2,,}"
}

check_stale_differs() {
	[[ -n $PUBLISHED_311 && $PUBLISHED_311 != "$SERVED_311" ]] && return 0
	echo "published '$PUBLISHED_311' served '$SERVED_311'"
	return 1
}

# ---- TSIG updates (RFC 2136); the prerequisite fails, nothing changes.

# Print the rcode knotd gives an update of ZONE signed with KEY (or none).
update_rcode() {
	local zone=$1 tool=$2 out name=selftest-absent.$1
	[[ $zone != . ]] || name=selftest-absent.
	local script="server $MXLAB_AUTH 53
zone $zone
prereq yxrrset $name TXT
update add $name 300 TXT \"never added\"
send"
	case $tool in
	knsupdate)
		out=$(knsupdate -t 2 -r 0 -y "$(<"$MXLAB_TSIG")" <<<"$script" 2>&1) ;;
	none)
		out=$(knsupdate -t 2 -r 0 <<<"$script" 2>&1) ;;
	nsupdate)
		out=$(nsupdate -t 2 -k "$MXLAB_TSIG_BIND" <<<"$script" 2>&1) ;;
	esac
	grep -oE "NXRRSET|NOTAUTH|REFUSED|BADKEY|BADSIG|NOERROR" <<<"$out" |
		head -n 1
}

# NXRRSET means: key accepted, ACL passed, prerequisite evaluated.
check_update() {
	expect_eq "update $1 with $2" "$(update_rcode "$1" "$2")" "$3"
}

# ---- HTTPS: MTA-STS policy

# The policy host serves what its scenario's policy= says (scenarios.sh).
check_policy() {
	local out body ctype code want mx=$MX_HOST
	[[ $STS_POLICY != mismatch ]] || mx=mail.$DOMAIN
	want=$(printf 'version: STSv1\nmode: %s\nmx: %s\nmax_age: 86400' \
		"$STS_MODE" "$mx")
	out=$(curl -q -sS --max-time 5 --noproxy '*' --proto =https \
		--resolve "$STS_HOST:443:$STS_ADDR" --cacert "$MXLAB_CA_FILE" \
		--capath /dev/null -o "$TMP/$DOMAIN.policy" \
		-w '%{http_code} %{content_type}' "$STS_URL" 2>&1)
	case $STS_POLICY in
	unreachable)
		expect_has "unreachable host" "$out" "Failed to connect"
		return ;;
	wrongcert)
		expect_has "wrong certificate" "$out" "no alternative certificate"
		return ;;
	esac
	code=${out%% *}
	ctype=${out#* }
	body=$(<"$TMP/$DOMAIN.policy")
	case $STS_POLICY in
	redirect)
		expect_eq "HTTP status" "$code" 301
		return ;;
	ctype)
		expect_eq "content type" "${ctype%%;*}" text/html
		return ;;
	big)
		[[ ${#body} -gt 65536 && $body == "$want"* ]] ||
			{ echo "policy of ${#body} bytes"; return 1; }
		return ;;
	esac
	expect_eq "HTTP status" "$code" 200 || return 1
	expect_eq "content type" "${ctype%%;*}" text/plain || return 1
	expect_eq "policy" "$body" "$want"
}

check_unknown_sni_rejected() {
	if curl -q -s --max-time 5 --noproxy '*' \
		--resolve "mta-sts.nowhere.test:443:$MXLAB_HTTPS" \
		--cacert "$MXLAB_CA_FILE" -o /dev/null \
		https://mta-sts.nowhere.test/.well-known/mta-sts.txt; then
		echo "nginx answered for an unknown name"
		return 1
	fi
}

# ---- SMTP: STARTTLS, certificate, DANE

# Fetch the chain MX_HOST serves on MX_ADDR:25 into TMP/DOMAIN.chain.pem,
# verifying it against the lab CA and the host name.
check_starttls() {
	local out
	out=$(openssl s_client -starttls smtp -connect "$MX_ADDR:25" \
		-servername "$MX_HOST" -verify_hostname "$MX_HOST" \
		-CAfile "$MXLAB_CA_FILE" -no-CApath -no-CAstore \
		${1:--verify_return_error} -showcerts </dev/null 2>&1) ||
		{ echo "$out"; return 1; }
	expect_has "s_client" "$out" "Verify return code: ${2:-0 (ok)}" ||
		return 1
	sed -n '/BEGIN CERT/,/END CERT/p' <<<"$out" >"$TMP/$DOMAIN.chain.pem"
	openssl x509 -in "$TMP/$DOMAIN.chain.pem" -out "$TMP/$DOMAIN.leaf.pem"
}

# A listener with starttls=off: the EHLO reply must not list STARTTLS.
check_no_starttls() {
	local out
	# shellcheck disable=SC2016 # expanded by the inner bash
	out=$(timeout 5 bash -c 'exec 3<>"/dev/tcp/$1/25"
		IFS= read -r line <&3
		printf "EHLO selftest.invalid\r\n" >&3
		while IFS= read -r line <&3; do
			echo "$line"
			[[ $line == "250 "* ]] && break
		done
		printf "QUIT\r\n" >&3' _ "$MX_ADDR")
	expect_has "EHLO reply" "$out" "250 " || return 1
	[[ $out != *STARTTLS* ]] || { echo "STARTTLS offered: $out"; return 1; }
}

# TLS 1.0 at security level 0 (what an old sender offers): accepted only
# where the scenario says tls10=on.
check_tls10() {
	local want=$1 got=refused
	if openssl s_client -starttls smtp -connect "$MX_ADDR:25" -tls1 \
		-cipher 'DEFAULT:@SECLEVEL=0' </dev/null 2>/dev/null |
		grep -q 'Protocol  : TLSv1$'; then
		got=accepted
	fi
	expect_eq "TLS 1.0" "$got" "$want"
}

# submission=on: port 465 speaks TLS first, then SMTP.
check_smtps() {
	local out
	out=$(timeout 5 openssl s_client -connect "$MX_ADDR:465" \
		-servername "$MX_HOST" -CAfile "$MXLAB_CA_FILE" -no-CApath \
		-no-CAstore -verify_return_error -ign_eof \
		<<<"QUIT" 2>&1) || { echo "$out"; return 1; }
	expect_has "s_client" "$out" "220 $MX_HOST"
}

# reload=pending: the file master.cf names holds the renewed key.
check_disk_digest() {
	local file
	file=$(postconf -c "$MXLAB_POSTFIX_CONFIG" -P \
		"$MX_ADDR:smtp/inet/smtpd_tls_chain_files" | sed 's/.* = //')
	file=${file%%,*}
	expect_eq "SPKI SHA-256 on disk" "$(lab_spki_sha256 "$file")" \
		"$DISK_311"
}

# keys=dual*: a client that offers only RSA signatures gets the RSA key.
check_rsa_digest() {
	local out
	out=$(openssl s_client -starttls smtp -connect "$MX_ADDR:25" \
		-servername "$MX_HOST" -sigalgs "$LAB_RSA_SIGALGS" \
		</dev/null 2>&1) || { echo "$out"; return 1; }
	openssl x509 -pubkey -noout <<<"$out" >"$TMP/$DOMAIN.rsa.pub" ||
		return 1
	expect_eq "RSA SPKI SHA-256 served" "$(openssl pkey -pubin \
		-in "$TMP/$DOMAIN.rsa.pub" -outform DER | openssl dgst \
		-sha256 -r | cut -d' ' -f1)" "$RSA_311"
}

check_served_digest() {
	expect_eq "SPKI SHA-256 served" \
		"$(lab_spki_sha256 "$TMP/$DOMAIN.leaf.pem")" "$SERVED_311"
}

# ldns-dane, offline on the fetched chain, TLSA from the lab resolver.
check_ldns_dane() {
	local want=$1 out
	out=$(ldns-dane -r "$MXLAB_RESOLVER" -c "$TMP/$DOMAIN.chain.pem" \
		-f "$MXLAB_CA_FILE" verify "$HOST" 25 2>&1) || true
	expect_has "ldns-dane" "$out" "$want"
}

# posttls-finger looks up MX and TLSA itself, so it runs under lab-exec.sh.
check_posttls_finger() {
	local want=$1 out
	out=$(MAIL_CONFIG=$MXLAB_POSTFIX_CLIENT_CONFIG \
		"$LAB_HOME/lab-exec.sh" -d "$MXLAB_DIR" \
		timeout 10 posttls-finger -c -l dane -a ipv4 -F "$MXLAB_CA_FILE" \
		"$DOMAIN" 2>&1) || true
	expect_has "posttls-finger" "$out" "$want"
}

# ---- unbound-control, SSH

check_unbound_control() {
	local conf=$MXLAB_UNBOUND_CONF
	unbound-control -c "$conf" status | grep -q "is running" &&
		unbound-control -c "$conf" flush_zone test. >/dev/null
}

ssh_lab() {
	ssh -F /dev/null -o BatchMode=yes -o ConnectTimeout=5 \
		-o UserKnownHostsFile="$MXLAB_KNOWN_HOSTS" \
		-o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes \
		-p "$MXLAB_SSH_PORT" "$@"
}

check_ssh_key_login() {
	local out
	out=$(ssh_lab -i "$MXLAB_SSH_KEY" -o IdentitiesOnly=yes \
		"$MXLAB_SSH_USER@$MXLAB_SSH_HOST" postconf \
		-c "$MXLAB_POSTFIX_CONFIG" -h smtpd_tls_security_level) ||
		{ echo "$out"; return 1; }
	expect_eq "remote postconf" "$out" may
}

check_ssh_no_key_refused() {
	if ssh_lab -o PubkeyAuthentication=no \
		"$MXLAB_SSH_USER@$MXLAB_SSH_HOST" true 2>/dev/null; then
		echo "login without a key succeeded"
		return 1
	fi
}

# ---- IMAP: the mailbox of report mails

# Logs in over TLS with the lab CA; the INBOX holds the report mails and
# one other message.
check_imap_mailbox() {
	local out want
	out=$(curl -q -sS --max-time 5 --noproxy '*' --cacert "$MXLAB_CA_FILE" \
		--capath /dev/null \
		-u "$MXLAB_IMAP_USER:$(<"$MXLAB_IMAP_PASSWORD_FILE")" \
		"$MXLAB_IMAP_URL" -X 'UID SEARCH ALL' 2>&1) ||
		{ echo "$out"; return 1; }
	want=$(seq -s ' ' 1 $((MXLAB_IMAP_REPORTS + 1)))
	expect_eq "UID SEARCH ALL" "$(tr -d '\r' <<<"$out")" "* SEARCH $want"
}

check_imap_plaintext_refused() {
	local out
	out=$(curl -q -sS --max-time 5 --noproxy '*' \
		-u "$MXLAB_IMAP_USER:$(<"$MXLAB_IMAP_PASSWORD_FILE")" \
		"imap://$MXLAB_IMAP_ADDR/INBOX" -X 'UID SEARCH ALL' 2>&1) &&
		{ echo "logged in without TLS: $out"; return 1; }
	return 0
}

# ---- Hygiene: processes and sockets

check_servers_running() {
	local pidfile name bad=
	for name in knot unbound nginx postfix sshd dovecot; do
		pidfile=$MXLAB_DIR/pids/$name.pid
		if ! [[ -r $pidfile ]] || ! lab_pid_alive "$(<"$pidfile")"; then
			bad+=" $name"
		fi
	done
	[[ -z $bad ]] || { echo "not running:$bad"; return 1; }
}

# Every socket of every lab process (and child) is on 127.0.0.0/8.
check_loopback_only() {
	local pidfile pid bad
	local -a pids=()
	for pidfile in "$MXLAB_DIR"/pids/*.pid; do
		pid=$(<"$pidfile")
		pids+=("$pid")
		mapfile -t -O "${#pids[@]}" pids < <(lab_descendants "$pid")
	done
	bad=$(ss -Htunap | awk -v pids=" ${pids[*]} " '
		{
			local_addr = $5; peer = $6; owned = 0
			while (match($0, /pid=[0-9]+/)) {
				pid = substr($0, RSTART + 4, RLENGTH - 4)
				if (index(pids, " " pid " "))
					owned = 1
				$0 = substr($0, RSTART + RLENGTH)
			}
			if (!owned) next
			if (local_addr !~ /^127\./ ||
			    (peer !~ /^127\./ && peer !~ /^(0\.0\.0\.0|\*):\*$/))
				print local_addr, peer
		}')
	[[ -z $bad ]] || { echo "non-loopback sockets: $bad"; return 1; }
}

# ---- Driver

check_scenario() {
	local env=$1
	# shellcheck source=/dev/null
	. "$env"
	local d=$DOMAIN
	check "$d: delegation (DS iff signed)" check_delegation "$d." "$DNSSEC"
	if [[ $DNSSEC == @(bogus|expired) ]]; then
		check "$d: MX via resolver: SERVFAIL" check_servfail "$d" MX
		check "$d: delv fails" check_delv
		check "$d: STARTTLS, PKIX-valid cert" check_starttls
		return 0
	fi
	check "$d: MX via resolver" check_record "$d" MX "10 $MX_HOST."
	check "$d: $HOST A" check_record "$HOST" A "$MX_ADDR"
	check "$d: delv" check_delv
	[[ $DNSSEC != off ]] && check "$d: drill chase" check_drill_chase
	if [[ -n $NS2 ]]; then
		check "$d: ns1 serves the new TLSA" check_tlsa_at "$MXLAB_AUTH" \
			"$PUBLISHED_TLSA"
		check "$d: ns2 serves the old TLSA" check_tlsa_at \
			"$MXLAB_AUTH2" "$NS2_TLSA"
		check "$d: STARTTLS, PKIX-valid cert" check_starttls
		return 0
	fi
	case $TLSA in
	current | wildcard | ta)
		check "$d: TLSA = published" check_record "$TLSA_NAME" TLSA \
			"$PUBLISHED_TLSA${SECOND_TLSA:+$'\n'$SECOND_TLSA}" ;;
	stale)
		check "$d: TLSA = old key" check_record "$TLSA_NAME" TLSA \
			"3 1 1 $PUBLISHED_311"
		check "$d: old key differs from served" check_stale_differs ;;
	esac
	if [[ $STS_MODE != none ]]; then
		if [[ $STS_POLICY == delegated ]]; then
			check "$d: _mta-sts CNAME" check_record "_mta-sts.$d" \
				CNAME "_mta-sts.good.test."
		else
			check "$d: _mta-sts TXT" check_record "_mta-sts.$d" \
				TXT "\"v=STSv1; id=$STS_ID\""
		fi
		check "$d: $STS_HOST A" check_record "$STS_HOST" A "$STS_ADDR"
		check "$d: policy over HTTPS" check_policy
	fi
	[[ $TLSRPT == on ]] && check "$d: TLS-RPT TXT" check_record \
		"_smtp._tls.$d" TXT "\"v=TLSRPTv1; rua=mailto:tlsrpt@$d\""
	if [[ $STARTTLS == off ]]; then
		check "$d: no STARTTLS offered" check_no_starttls
		return 0
	fi
	if [[ $TLSA == ta && $CHAIN == leaf ]]; then
		check "$d: STARTTLS, issuing CA not sent" check_starttls \
			-verify_quiet "21 (unable to verify the first certificate)"
	else
		check "$d: STARTTLS, PKIX-valid cert" check_starttls
	fi
	check "$d: served SPKI digest" check_served_digest
	check "$d: on-disk SPKI digest" check_disk_digest
	if [[ $TLS10 == on ]]; then
		check "$d: TLS 1.0 accepted" check_tls10 accepted
	else
		check "$d: TLS 1.0 refused" check_tls10 refused
	fi
	[[ $KEYS == ec ]] || check "$d: RSA key to RSA-only clients" \
		check_rsa_digest
	[[ $RELOAD == pending ]] && check "$d: renewed key not served" \
		expect_ne "served vs disk" "$SERVED_311" "$DISK_311"
	[[ $SUBMISSION == on ]] && check "$d: implicit TLS on 465" \
		check_smtps
	case $TLSA:$CHAIN in
	current:* | wildcard:* | ta:full)
		check "$d: ldns-dane validates" check_ldns_dane \
			"dane-validated successfully"
		check "$d: posttls-finger DANE verified" check_posttls_finger \
			"Verified TLS connection" ;;
	stale:* | ta:leaf)
		check "$d: ldns-dane rejects" check_ldns_dane \
			"did not dane-validate"
		check "$d: posttls-finger DANE untrusted" check_posttls_finger \
			"no matching DANE TLSA records" ;;
	esac
	return 0
}

main() {
	local dir env zone
	[[ $# -le 1 ]] || lab_die "usage: selftest.sh [DIR]"
	dir=$(realpath -m "${1:-$(lab_default_dir)}")
	[[ -r $dir/env ]] || lab_die "no lab in $dir (run tests/lab/start.sh)"
	# shellcheck source=/dev/null
	. "$dir/env"
	TMP=$(mktemp -d)
	trap 'rm -rf "$TMP"' EXIT

	check "servers running" check_servers_running
	check "auth: . signed" check_auth_zone . on
	check "auth: test. signed" check_auth_zone test. on
	check "auth: test. delegated with DS" check_delegation test. on
	for env in "$MXLAB_SCENARIOS"/*.env; do
		zone=$(. "$env" && echo "$DOMAIN:$DNSSEC")
		check "auth: ${zone%:*}. served" \
			check_auth_zone "${zone%:*}." "${zone#*:}"
	done
	check "resolver: root validated (AD)" check_record_root
	check "unbound-control status, flush" check_unbound_control

	for env in "$MXLAB_SCENARIOS"/*.env; do
		check_scenario "$env"
	done

	check "TSIG update accepted: test." check_update test. knsupdate NXRRSET
	for env in "$MXLAB_SCENARIOS"/*.env; do
		zone=$(. "$env" && echo "$DOMAIN")
		check "TSIG update accepted: $zone" \
			check_update "$zone." knsupdate NXRRSET
	done
	check "TSIG update, BIND key file: demo.test" \
		check_update demo.test. nsupdate NXRRSET
	check "update without TSIG refused" check_update demo.test. none NOTAUTH
	check "TSIG update of . refused" check_update . knsupdate BADKEY
	check "nginx rejects unknown names" check_unknown_sni_rejected
	check "ssh: key login, known host" check_ssh_key_login
	check "ssh: login without key refused" check_ssh_no_key_refused
	check "imap: report mailbox over TLS" check_imap_mailbox
	check "imap: no login without TLS" check_imap_plaintext_refused
	check "sockets on 127.0.0.0/8 only" check_loopback_only

	echo "$CHECKS checks, $FAILS failed"
	[[ $FAILS -eq 0 ]]
}

check_record_root() {
	local out
	out=$(q +dnssec "@$MXLAB_RESOLVER" . SOA)
	expect_eq ". SOA AD flag" "$(ad_flag "$out")" 1
}

main "$@"
