# shellcheck shell=bash
# scenarios.sh: the mail domains the lab serves, one line each.
# shellcheck disable=SC2034 # LAB_TTL is used by knot.sh
#
# A scenario is a child zone of test. with an MX host, a Postfix listener, an
# optional TLSA record, an optional MTA-STS policy and an optional TLS-RPT
# record.  To add one, add a line: every server's configuration is generated
# from this table.  Fields (key=value, unknown keys are an error):
#
#   domain   the zone, e.g. good.test (required)
#   mx       address of mx.DOMAIN, where Postfix listens on port 25 (required)
#   dnssec   on: signed by knotd, DS in test.; off: insecure delegation
#            bogus: signed by knotd, but the DS in test. is that of a key
#                     the zone does not have (a KSK rollover gone wrong)
#            expired: pre-signed with ldns-signzone, RRSIGs valid only in
#                     January 2020; knotd serves them as they are
#            expiring: pre-signed, RRSIGs expire 3 days after the lab
#                     starts (SIG_EXPIRES in the env file)
#   denial   nsec (default) or nsec3: how knotd proves that a name or
#            a record does not exist (NSEC3: no salt, no extra iterations)
#   tlsa     current: _25._tcp.HOST TLSA 3 1 1 of the key Postfix serves
#            wildcard: the same record at *._tcp.HOST, which answers for
#                     _25._tcp.HOST with an NSEC proof (RFC 4035 §5.3.4)
#            stale:   TLSA 3 1 1 of another ("old") key, as after a key
#                     rotation without a TLSA update
#            ta:      TLSA 2 1 1 of the lab's issuing CA, which issued the
#                     host's certificate (DANE-TA)
#            none:    no TLSA record
#   chain    full: Postfix sends the issuing CA after the leaf (default);
#            leaf: it sends the leaf only (matters with tlsa=ta)
#   mxhost   the MX host (default mx.DOMAIN); a name in a zone of
#            LAB_HOST_ZONES puts its A and TLSA records in that zone
#   cname    NAME: mx.DOMAIN is a CNAME to NAME, which holds the A and
#            TLSA records (the TLSA base domain of RFC 7672 §2.2.3)
#   ns2      stale: the zone is also served by ns2.test. (knot2), which
#            kept the zone as first loaded, with an old TLSA record,
#            while ns1 got an update (see lib/knot2.sh)
#   sts      testing|enforce|none: MTA-STS TXT record and policy mode
#   tlsrpt   on|off: _smtp._tls.DOMAIN TXT record
#   policy   how the MTA-STS policy host behaves (default ok):
#            ok          serves the policy for mx.DOMAIN as text/plain
#            mismatch    serves a policy whose mx line is mail.DOMAIN, which
#                        does not cover the real MX
#            unreachable mta-sts.DOMAIN points at an address where nothing
#                        listens (LAB_STS_DEAD_ADDR)
#            redirect    answers 301 to the policy of good.test
#            ctype       serves the policy as text/html
#            big         serves a valid policy padded past 64 KiB
#            wrongcert   presents a certificate for LAB_STS_WRONG_NAME
#            delegated   serves a good policy, but _mta-sts.DOMAIN is a CNAME
#                        to _mta-sts.good.test (RFC 8461 §8.2)
#   starttls on|off: off is a listener that offers no STARTTLS
#   tls10    on|off: on is a listener that still accepts TLS 1.0 and 1.1
#            (the others accept TLS 1.2 and up only)
#   reload   done|pending: pending is a certificate renewed on disk (a new
#            key) that Postfix has not loaded: master.cf names the new
#            file, the running master still passes the old one
#   submission off|on: on adds listeners on ports 465 (implicit TLS) and
#            587 (STARTTLS required) at the MX address
#   keys     ec: one ECDSA certificate (default)
#            dual: an ECDSA and an RSA certificate (Postfix shows each to
#                  the clients that prefer it), TLSA 3 1 1 for both
#            dual-half: the same, but TLSA only for the ECDSA key, and
#                  the RSA certificate is a leftover for another name
#                  (old-HOST): a forgotten second certificate
LAB_SCENARIOS=(
	"domain=good.test     mx=127.0.25.1 dnssec=on  tlsa=current sts=testing tlsrpt=on"
	"domain=demo.test     mx=127.0.25.2 dnssec=on  tlsa=current sts=testing tlsrpt=on"
	"domain=stale.test    mx=127.0.25.3 dnssec=on  tlsa=stale   sts=testing tlsrpt=on"
	"domain=unsigned.test mx=127.0.25.4 dnssec=off tlsa=none    sts=testing tlsrpt=on"
	"domain=mxmismatch.test   mx=127.0.25.50 policy=mismatch"
	"domain=nosts.test        mx=127.0.25.51 policy=unreachable"
	"domain=stsredirect.test  mx=127.0.25.52 policy=redirect"
	"domain=stsctype.test     mx=127.0.25.53 policy=ctype"
	"domain=stsbig.test       mx=127.0.25.54 policy=big"
	"domain=stswrongcert.test mx=127.0.25.55 policy=wrongcert"
	"domain=stsdelegated.test mx=127.0.25.56 policy=delegated"
	"domain=bogus.test    mx=127.0.25.31 dnssec=bogus    sts=none tlsrpt=off"
	"domain=expired.test  mx=127.0.25.32 dnssec=expired  sts=none tlsrpt=off"
	"domain=expiring.test mx=127.0.25.33 dnssec=expiring sts=none tlsrpt=off"
	"domain=offsite.test  mx=127.0.25.34 mxhost=mx.offsite.hosting.test sts=none tlsrpt=off"
	"domain=alias.test    mx=127.0.25.35 cname=mx.alias.hosting.test sts=none tlsrpt=off"
	"domain=ta.test       mx=127.0.25.36 tlsa=ta chain=full sts=none tlsrpt=off"
	"domain=tanochain.test mx=127.0.25.37 tlsa=ta chain=leaf sts=none tlsrpt=off"
	"domain=split.test    mx=127.0.25.38 ns2=stale sts=none tlsrpt=off"
	"domain=roll.test     mx=127.0.25.41 dnssec=on tlsa=current sts=testing tlsrpt=on"
	"domain=acme.test     mx=127.0.25.42 dnssec=on tlsa=current sts=testing tlsrpt=on"
	"domain=plain.test    mx=127.0.25.5 dnssec=on  tlsa=none    sts=none    tlsrpt=off starttls=off"
	"domain=legacy.test   mx=127.0.25.6 dnssec=on  tlsa=current sts=testing tlsrpt=on  tls10=on submission=on"
	"domain=pending.test  mx=127.0.25.7 dnssec=on  tlsa=current sts=testing tlsrpt=on  reload=pending"
	"domain=dual.test     mx=127.0.25.8 dnssec=on  tlsa=current sts=none tlsrpt=off keys=dual"
	"domain=dualhalf.test mx=127.0.25.9 dnssec=on  tlsa=current sts=testing tlsrpt=off keys=dual-half"
	"domain=wild.test     mx=127.0.25.10 dnssec=on tlsa=wildcard sts=none tlsrpt=off"
	"domain=hashed.test   mx=127.0.25.11 dnssec=on denial=nsec3 tlsa=wildcard sts=none tlsrpt=off"
)

# Where an unreachable policy host points, and the name a wrong policy-host
# certificate is issued for.
LAB_STS_DEAD_ADDR=127.0.80.9
LAB_STS_WRONG_NAME=mta-sts.elsewhere.test

# Zones that hold MX hosts of other domains (a hosting provider's zone),
# signed by knotd; see mxhost= and cname=.
LAB_HOST_ZONES=(hosting.test)

# TTL of every record the scenarios publish.
LAB_TTL=300

# Print the domains of all scenarios, space-separated.
scenario_domains() {
	local line domains=()
	for line in "${LAB_SCENARIOS[@]}"; do
		scenario_load "$line"
		domains+=("$S_DOMAIN")
	done
	echo "${domains[*]}"
}

# Parse one line of LAB_SCENARIOS into the S_* variables.
scenario_load() {
	local word key value
	S_DOMAIN=''
	S_MX_ADDR=''
	S_DNSSEC=on
	S_TLSA=current
	S_STS=testing
	S_TLSRPT=on
	S_POLICY=ok
	S_CHAIN=full
	S_MX_HOST=
	S_CNAME=
	S_NS2=
	S_STARTTLS=on
	S_TLS10=off
	S_RELOAD=done
	S_SUBMISSION=off
	S_KEYS=ec
	S_DENIAL=nsec
	for word in $1; do
		key=${word%%=*}
		value=${word#*=}
		case $key in
		domain) S_DOMAIN=$value ;;
		mx) S_MX_ADDR=$value ;;
		dnssec) S_DNSSEC=$value ;;
		tlsa) S_TLSA=$value ;;
		sts) S_STS=$value ;;
		tlsrpt) S_TLSRPT=$value ;;
		policy) S_POLICY=$value ;;
		chain) S_CHAIN=$value ;;
		mxhost) S_MX_HOST=$value ;;
		cname) S_CNAME=$value ;;
		ns2) S_NS2=$value ;;
		starttls) S_STARTTLS=$value ;;
		tls10) S_TLS10=$value ;;
		reload) S_RELOAD=$value ;;
		submission) S_SUBMISSION=$value ;;
		keys) S_KEYS=$value ;;
		denial) S_DENIAL=$value ;;
		*) lab_die "scenario '$1': unknown key '$key'" ;;
		esac
	done
	[[ -n $S_DOMAIN && -n $S_MX_ADDR ]] ||
		lab_die "scenario '$1': domain and mx are required"
	[[ $S_DNSSEC == @(on|off|bogus|expired|expiring) &&
		$S_TLSA == @(current|wildcard|stale|ta|none) &&
		$S_STS == @(testing|enforce|none) && $S_TLSRPT == @(on|off) &&
		$S_CHAIN == @(full|leaf) && $S_NS2 == @(|stale) &&
		( $S_POLICY == @(ok|mismatch|unreachable|redirect|ctype|big) ||
		$S_POLICY == @(wrongcert|delegated) ) &&
		$S_STARTTLS == @(on|off) && $S_TLS10 == @(on|off) &&
		$S_RELOAD == @(done|pending) && $S_SUBMISSION == @(on|off) &&
		$S_KEYS == @(ec|dual|dual-half) &&
		$S_DENIAL == @(nsec|nsec3) ]] ||
		lab_die "scenario '$1': bad value"
	S_MX_HOST=${S_MX_HOST:-mx.$S_DOMAIN}
	S_STS_HOST=mta-sts.$S_DOMAIN
	S_STS_ADDR=$LAB_HTTPS_ADDR
	[[ $S_POLICY != unreachable ]] || S_STS_ADDR=$LAB_STS_DEAD_ADDR
	scenario_host_names
}

# Issue the certificates of the scenario in the S_* variables, and write
# DIR/scenarios/DOMAIN.env: the facts tests compare against, so that no test
# hard-codes a digest.  SERVED_311 is the TLSA 3 1 1 data of the key Postfix
# serves; PUBLISHED_311 that of the TLSA record in DNS (empty if none);
# DISK_311 that of the certificate the configuration names (SERVED_311
# unless reload=pending, where it is the renewed one, mx.D.next.pem).
scenario_setup() {
	local dir=$1 sts_id=$2
	local mx_base=$dir/certs/$S_MX_HOST served published= disk rsa second

	scenario_issue_mx_cert "$dir"
	[[ $S_STS == none ]] || pki_issue "$dir" "$S_STS_HOST"
	[[ $S_POLICY != wrongcert ]] || pki_issue "$dir" "$LAB_STS_WRONG_NAME"
	served=$(lab_spki_sha256 "$mx_base.crt")
	case $S_TLSA in
	current | wildcard) published=$served ;;
	stale)
		# The key the server had before a rotation nobody told DNS about.
		pki_new_key "$mx_base.old.key"
		published=$(lab_spki_sha256 "$mx_base.old.key")
		;;
	esac
	scenario_tlsa_rdata "$dir" "$published"
	rsa= second=
	if [[ $S_KEYS != ec ]]; then
		variant_issue_rsa "$dir" "$S_MX_HOST" \
			"$([[ $S_KEYS == dual ]] || echo old-)$S_MX_HOST"
		rsa=$(lab_spki_sha256 "$mx_base.rsa.crt")
		[[ $S_KEYS == dual-half ]] || second="3 1 1 $rsa"
	fi
	disk=$served
	if [[ $S_RELOAD == pending ]]; then
		pki_issue "$dir" "$S_MX_HOST" "$S_MX_HOST.next"
		disk=$(lab_spki_sha256 "$mx_base.next.crt")
	fi

	cat >"$dir/scenarios/$S_DOMAIN.env" <<-EOF
	DOMAIN="$S_DOMAIN"
	DNSSEC="$S_DNSSEC"
	MX_HOST="$S_MX_HOST"
	MX_ADDR="$S_MX_ADDR"
	MX_CERT="$mx_base.crt"
	MX_KEY="$mx_base.key"
	TLSA="$S_TLSA"
	TLSA_NAME="_25._tcp.$S_HOST"
	SERVED_311="$served"
	PUBLISHED_311="$published"
	PUBLISHED_TLSA="$S_TLSA_RDATA"
	KEYS="$S_KEYS"
	RSA_311="$rsa"
	SECOND_TLSA="$second"
	HOST="$S_HOST"
	HOST_ZONE="$S_HOST_ZONE"
	CNAME="$S_CNAME"
	CHAIN="$S_CHAIN"
	NS2="$S_NS2"
	NS2_TLSA="$S_NS2_TLSA"
	SIG_INCEPTION="$S_SIG_INCEPTION"
	SIG_EXPIRES="$S_SIG_EXPIRES"
	DISK_311="$disk"
	STARTTLS="$S_STARTTLS"
	TLS10="$S_TLS10"
	RELOAD="$S_RELOAD"
	SUBMISSION="$S_SUBMISSION"
	STS_MODE="$S_STS"
	STS_ID="$sts_id"
	STS_HOST="$S_STS_HOST"
	STS_ADDR="$S_STS_ADDR"
	STS_POLICY="$S_POLICY"
	STS_URL="https://$S_STS_HOST/.well-known/mta-sts.txt"
	TLSRPT="$S_TLSRPT"
	EOF
}
