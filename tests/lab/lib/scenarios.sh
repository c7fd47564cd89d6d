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
#   tlsa     current: _25._tcp.mx.DOMAIN TLSA 3 1 1 of the key Postfix serves
#            stale:   TLSA 3 1 1 of another ("old") key, as after a key
#                     rotation without a TLSA update
#            none:    no TLSA record
#   sts      testing|enforce|none: MTA-STS TXT record and policy mode
#   tlsrpt   on|off: _smtp._tls.DOMAIN TXT record
#   starttls on|off: off is a listener that offers no STARTTLS
#   tls10    on|off: on is a listener that still accepts TLS 1.0 and 1.1
#            (the others accept TLS 1.2 and up only)
#   reload   done|pending: pending is a certificate renewed on disk (a new
#            key) that Postfix has not loaded: master.cf names the new
#            file, the running master still passes the old one
#   submission off|on: on adds listeners on ports 465 (implicit TLS) and
#            587 (STARTTLS required) at the MX address
LAB_SCENARIOS=(
	"domain=good.test     mx=127.0.25.1 dnssec=on  tlsa=current sts=testing tlsrpt=on"
	"domain=demo.test     mx=127.0.25.2 dnssec=on  tlsa=current sts=testing tlsrpt=on"
	"domain=stale.test    mx=127.0.25.3 dnssec=on  tlsa=stale   sts=testing tlsrpt=on"
	"domain=unsigned.test mx=127.0.25.4 dnssec=off tlsa=none    sts=testing tlsrpt=on"
	"domain=plain.test    mx=127.0.25.5 dnssec=on  tlsa=none    sts=none    tlsrpt=off starttls=off"
	"domain=legacy.test   mx=127.0.25.6 dnssec=on  tlsa=current sts=testing tlsrpt=on  tls10=on submission=on"
	"domain=pending.test  mx=127.0.25.7 dnssec=on  tlsa=current sts=testing tlsrpt=on  reload=pending"
)

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
	S_STARTTLS=on
	S_TLS10=off
	S_RELOAD=done
	S_SUBMISSION=off
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
		starttls) S_STARTTLS=$value ;;
		tls10) S_TLS10=$value ;;
		reload) S_RELOAD=$value ;;
		submission) S_SUBMISSION=$value ;;
		*) lab_die "scenario '$1': unknown key '$key'" ;;
		esac
	done
	[[ -n $S_DOMAIN && -n $S_MX_ADDR ]] ||
		lab_die "scenario '$1': domain and mx are required"
	[[ $S_DNSSEC == @(on|off) && $S_TLSA == @(current|stale|none) &&
		$S_STS == @(testing|enforce|none) && $S_TLSRPT == @(on|off) &&
		$S_STARTTLS == @(on|off) && $S_TLS10 == @(on|off) &&
		$S_RELOAD == @(done|pending) && $S_SUBMISSION == @(on|off) ]] ||
		lab_die "scenario '$1': bad value"
	S_MX_HOST=mx.$S_DOMAIN
	S_STS_HOST=mta-sts.$S_DOMAIN
}

# Issue the certificates of the scenario in the S_* variables, and write
# DIR/scenarios/DOMAIN.env: the facts tests compare against, so that no test
# hard-codes a digest.  SERVED_311 is the TLSA 3 1 1 data of the key Postfix
# serves; PUBLISHED_311 that of the TLSA record in DNS (empty if none);
# DISK_311 that of the certificate the configuration names (SERVED_311
# unless reload=pending, where it is the renewed one, mx.D.next.pem).
scenario_setup() {
	local dir=$1 sts_id=$2
	local mx_base=$dir/certs/$S_MX_HOST served published= disk

	pki_issue "$dir" "$S_MX_HOST"
	[[ $S_STS == none ]] || pki_issue "$dir" "$S_STS_HOST"
	served=$(lab_spki_sha256 "$mx_base.crt")
	case $S_TLSA in
	current) published=$served ;;
	stale)
		# The key the server had before a rotation nobody told DNS about.
		pki_new_key "$mx_base.old.key"
		published=$(lab_spki_sha256 "$mx_base.old.key")
		;;
	esac
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
	TLSA_NAME="_25._tcp.$S_MX_HOST"
	SERVED_311="$served"
	PUBLISHED_311="$published"
	DISK_311="$disk"
	STARTTLS="$S_STARTTLS"
	TLS10="$S_TLS10"
	RELOAD="$S_RELOAD"
	SUBMISSION="$S_SUBMISSION"
	STS_MODE="$S_STS"
	STS_ID="$sts_id"
	STS_HOST="$S_STS_HOST"
	STS_URL="https://$S_STS_HOST/.well-known/mta-sts.txt"
	TLSRPT="$S_TLSRPT"
	EOF
}
