# shellcheck shell=bash
# variants.sh: the DNSSEC and DANE variants of a scenario (scenarios.sh).
#
# MX hosts in another zone or behind a CNAME, certificates from an issuing
# CA for DANE-TA, zones pre-signed with ldns-signzone (expired and expiring
# signatures, which knotd would otherwise renew), and DS records for a key
# the zone does not have.  knot.sh and scenarios.sh call these functions;
# everything here works on the S_* variables of one scenario.

# Set S_HOST (the name with the A and TLSA records: the MX host, or the
# target of its CNAME) and S_HOST_ZONE (the zone holding S_HOST).
scenario_host_names() {
	local zone
	S_HOST=${S_CNAME:-$S_MX_HOST}
	S_HOST_ZONE=$S_DOMAIN
	for zone in "${LAB_HOST_ZONES[@]}"; do
		[[ $S_HOST == *."$zone" ]] && S_HOST_ZONE=$zone
	done
	return 0
}

# Issue the MX certificate: from the lab CA, or from the issuing CA for a
# DANE-TA scenario.  A CNAME target is a second name in the certificate.
scenario_issue_mx_cert() {
	local dir=$1
	if [[ $S_TLSA == ta ]]; then
		variant_issuing_ca "$dir"
		variant_issue "$dir" issuing "$S_MX_HOST"
	else
		variant_issue "$dir" ca "$S_MX_HOST" ${S_CNAME:+"$S_CNAME"}
	fi
}

# Set S_TLSA_RDATA (the TLSA record published, "3 1 1 HEX"), S_NS2_TLSA
# (the old record ns2 keeps, ns2=stale) and the signing window of a
# pre-signed zone (S_SIG_INCEPTION, S_SIG_EXPIRES, seconds since 1970).
scenario_tlsa_rdata() {
	local dir=$1 published=$2 now old
	S_TLSA_RDATA= S_NS2_TLSA= S_SIG_INCEPTION= S_SIG_EXPIRES=
	case $S_TLSA in
	current | wildcard | stale) S_TLSA_RDATA="3 1 1 $published" ;;
	ta) S_TLSA_RDATA="2 1 1 $(lab_spki_sha256 "$dir/ca/issuing.crt")" ;;
	esac
	if [[ $S_NS2 == stale ]]; then
		old=$dir/certs/$S_MX_HOST.ns2-old.key
		pki_new_key "$old"
		S_NS2_TLSA="3 1 1 $(lab_spki_sha256 "$old")"
	fi
	now=$(date +%s)
	case $S_DNSSEC in
	expired)
		S_SIG_INCEPTION=$(date -u -d 2020-01-01 +%s)
		S_SIG_EXPIRES=$(date -u -d 2020-02-01 +%s) ;;
	expiring)
		S_SIG_INCEPTION=$((now - 86400))
		S_SIG_EXPIRES=$((now + 3 * 86400)) ;;
	esac
}

# The lab's issuing CA, DIR/ca/issuing.{key,crt}, signed by the lab CA.
variant_issuing_ca() {
	local dir=$1
	[[ -e $dir/ca/issuing.crt ]] && return 0
	pki_new_key "$dir/ca/issuing.key"
	openssl req -x509 -new -key "$dir/ca/issuing.key" \
		-out "$dir/ca/issuing.crt" -CA "$dir/ca/ca.crt" \
		-CAkey "$dir/ca/ca.key" -days "$LAB_CERT_DAYS" \
		-subj "/O=mxanchor lab/CN=mxanchor lab issuing CA" \
		-addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# Issue a server certificate for NAME (and more SANs) from DIR/ca/CA.crt.
# NAME.pem holds the key and the leaf and, from the issuing CA with
# chain=full, the CA certificate: what Postfix sends.  LAB_CERT_FILE
# names the files instead of NAME; LAB_KEY_ALG=rsa makes an RSA key.
variant_issue() {
	local dir=$1 ca=$2 name=$3
	shift 3
	local base=$dir/certs/${LAB_CERT_FILE:-$name} san="DNS:$name" extra
	for extra; do
		san+=",DNS:$extra"
	done
	pki_new_key "$base.key"
	openssl req -x509 -new -key "$base.key" -out "$base.crt" \
		-CA "$dir/ca/$ca.crt" -CAkey "$dir/ca/$ca.key" \
		-days "$LAB_CERT_DAYS" -subj "/CN=$name" \
		-addext "subjectAltName=$san" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=serverAuth" 2>/dev/null
	(umask 077 && cat "$base.key" "$base.crt" >"$base.pem")
	if [[ $ca != ca && $S_CHAIN == full ]]; then
		cat "$dir/ca/$ca.crt" >>"$base.pem"
	fi
}

# keys=dual*: a second certificate, RSA 2048, from the lab CA, in
# DIR/certs/HOST.rsa.{key,crt,pem}, for NAME (default HOST).
variant_issue_rsa() {
	LAB_KEY_ALG=rsa LAB_CERT_FILE=$2.rsa variant_issue "$1" ca "${3:-$2}"
}

# The files for smtpd_tls_chain_files: one chain, or ECDSA then RSA.
variant_chain_files() {
	local dir=$1
	if [[ $S_KEYS == ec ]]; then
		echo "$dir/certs/$S_MX_HOST.pem"
	else
		echo "$dir/certs/$S_MX_HOST.pem,$dir/certs/$S_MX_HOST.rsa.pem"
	fi
}

# "on" (NSEC) or "nsec3" when knotd signs the scenario's zone itself.
variant_knot_signs() {
	if [[ $S_DNSSEC != @(on|bogus) ]]; then
		echo off
	elif [[ $S_DENIAL == nsec3 ]]; then
		echo nsec3
	else
		echo on
	fi
}

# Print the records of the MX host for the zone file being written, or
# append them to ZDIR/ZONE.hosts when the host lives in a host zone.
# The environment is the scenario's env file.
variant_host_records() {
	local zdir=$1
	knot2_ns_records zone
	[[ -z $S_CNAME ]] || echo "$S_MX_HOST. CNAME $S_CNAME."
	if [[ $S_HOST_ZONE == "$S_DOMAIN" ]]; then
		variant_a_tlsa
	else
		variant_a_tlsa >>"$zdir/$S_HOST_ZONE.hosts"
	fi
}

variant_a_tlsa() {
	local rdata=${NS2_TLSA:-$PUBLISHED_TLSA} port=_25
	[[ $S_TLSA != wildcard ]] || port='*'
	echo "$S_HOST. A $S_MX_ADDR"
	[[ -z $rdata ]] || echo "$port._tcp.$S_HOST. TLSA $rdata"
	[[ -z ${SECOND_TLSA-} ]] || echo "_25._tcp.$S_HOST. TLSA $SECOND_TLSA"
}

# ldns-keygen in DIR/presign/ZONE; prints the key's base name.
variant_keygen() {
	local kdir=$1/presign/$2
	shift 2
	mkdir -p "$kdir"
	(cd "$kdir" && ldns-keygen -a ECDSAP256SHA256 "$@")
}

# A DS line (TTL LAB_TTL) from an ldns-keygen .ds file.
variant_ds_line() {
	awk -v ttl="$LAB_TTL" '{ print $1, ttl, "IN DS", $4, $5, $6, $7 }' "$1"
}

# Sign the zone file written for the scenario with its own keys, for the
# window in its env file, and keep the DS for the delegation.
variant_presign() {
	local dir=$1 zdir=$2 env=$3 kdir=$1/presign/$S_DOMAIN. zsk ksk
	[[ $S_DNSSEC == @(expired|expiring) ]] || return 0
	# shellcheck source=/dev/null
	. "$env"
	zsk=$(variant_keygen "$dir" "$S_DOMAIN." "$S_DOMAIN.")
	ksk=$(variant_keygen "$dir" "$S_DOMAIN." -k "$S_DOMAIN.")
	variant_ds_line "$kdir/$ksk.ds" >"$kdir/ds"
	ldns-signzone -i "$(date -u -d "@$SIG_INCEPTION" +%Y%m%d%H%M%S)" \
		-e "$(date -u -d "@$SIG_EXPIRES" +%Y%m%d%H%M%S)" \
		-f "$zdir/$S_DOMAIN.zone.signed" "$zdir/$S_DOMAIN.zone" \
		"$kdir/$zsk" "$kdir/$ksk"
	mv "$zdir/$S_DOMAIN.zone.signed" "$zdir/$S_DOMAIN.zone"
}

# Print the DS lines of the scenario's delegation in test.: none for an
# unsigned zone, and for dnssec=bogus that of a key the zone never had.
# With ns2=stale, also its second NS record.
variant_delegation_ds() {
	local dir=$1 conf=$2 base
	knot2_ns_records parent
	case $S_DNSSEC in
	on) knot_ds "$conf" "$S_DOMAIN." ;;
	bogus)
		base=$(variant_keygen "$dir" "$S_DOMAIN.retired" -k "$S_DOMAIN.")
		variant_ds_line "$dir/presign/$S_DOMAIN.retired/$base.ds" ;;
	expired | expiring) cat "$dir/presign/$S_DOMAIN./ds" ;;
	esac
}

# Write the host zones (LAB_HOST_ZONES) from the records the scenarios
# appended, and print their delegations for test.
variant_host_zones() {
	local zdir=$1 conf=$2 zone
	[[ -z $(knot2_zones) ]] || echo "ns2.test. A $LAB_AUTH2_ADDR"
	for zone in "${LAB_HOST_ZONES[@]}"; do
		{
			knot_zone_apex "$zone." ns1.test. "hostmaster.$zone."
			cat "$zdir/$zone.hosts" 2>/dev/null
		} >"$zdir/$zone.zone"
		echo "$zone. NS ns1.test."
		knot_ds "$conf" "$zone."
	done
}
