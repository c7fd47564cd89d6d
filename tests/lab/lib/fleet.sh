# shellcheck shell=bash
# fleet.sh: N extra mail domains for fleet tests and benchmarks.
#
# Off unless MXLAB_FLEET=N (N > 0) is set when start.sh runs, so the
# default lab stays small and fast.  The fleet is one more scenario,
# fleet.test (MX mx.fleet.test at 127.0.26.1, signed, TLSA current,
# MTA-STS testing, TLS-RPT on), plus N domains d0001.fleet.test ...
# inside its zone, as a hosting provider's customers would be: each has
# its own MX record (the shared mx.fleet.test), _mta-sts and _smtp._tls
# records and its own policy host mta-sts.dNNNN.fleet.test, served by
# nginx with one certificate that names them all.  Everything else in a
# fleet domain's check is real: DNSSEC chain, TLSA, STARTTLS, the policy.
#
# The domain list is DIR/fleet-domains.txt (MXLAB_FLEET_FILE in DIR/env),
# one name a line, ready for "mxanchor check --domains".

FLEET_ZONE=fleet.test
FLEET_MX_ADDR=127.0.26.1
FLEET_MAX=20000

# The number of extra domains asked for; 0 when none.
fleet_size() {
	local n=${MXLAB_FLEET:-0}
	[[ $n =~ ^[0-9]+$ ]] || lab_die "MXLAB_FLEET=$n: want a number"
	((n <= FLEET_MAX)) || lab_die "MXLAB_FLEET=$n: at most $FLEET_MAX"
	echo "$n"
}

# Adds the fleet's own scenario to LAB_SCENARIOS when a fleet is asked.
fleet_add_scenario() {
	local line="domain=$FLEET_ZONE mx=$FLEET_MX_ADDR dnssec=on"
	(($(fleet_size) > 0)) || return 0
	line+=" tlsa=current sts=testing tlsrpt=on"
	LAB_SCENARIOS+=("$line")
}

# Prints the fleet's domain names, one a line.
fleet_domains() {
	local n i
	n=$(fleet_size)
	for ((i = 1; i <= n; i++)); do
		printf 'd%04d.%s\n' "$i" "$FLEET_ZONE"
	done
}

# Zone records of the fleet domains, relative to the fleet zone; called
# by knot_write_child_zone for every scenario zone (STS_ID is set).
lab_extra_zone_records() {
	local zone=$1 name
	[[ $zone == "$FLEET_ZONE" ]] || return 0
	while read -r name; do
		name=${name%."$FLEET_ZONE"}
		echo "$name MX 10 mx.$FLEET_ZONE."
		echo "mta-sts.$name A $LAB_HTTPS_ADDR"
		echo "_mta-sts.$name TXT \"v=STSv1; id=$STS_ID\""
		echo "_smtp._tls.$name TXT" \
			"\"v=TLSRPTv1; rua=mailto:tlsrpt@$FLEET_ZONE\""
	done < <(fleet_domains)
}

# The policy hosts' certificate and policy, and the domain list.
fleet_setup() {
	local dir=$1 base=$1/certs/fleet-policy sans
	(($(fleet_size) > 0)) || return 0
	fleet_domains >"$dir/fleet-domains.txt"
	sans=$(sed 's/^/DNS:mta-sts./' "$dir/fleet-domains.txt" |
		paste -sd, -)
	pki_new_key "$base.key"
	openssl req -x509 -new -key "$base.key" -out "$base.crt" \
		-CA "$dir/ca/ca.crt" -CAkey "$dir/ca/ca.key" \
		-days "$LAB_CERT_DAYS" -subj "/CN=mta-sts policy hosts" \
		-addext "subjectAltName=$sans" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=serverAuth" 2>/dev/null
	mkdir -p "$dir/www/fleet-policy/.well-known"
	printf 'version: STSv1\nmode: testing\nmx: mx.%s\nmax_age: 86400\n' \
		"$FLEET_ZONE" >"$dir/www/fleet-policy/.well-known/mta-sts.txt"
}

# nginx server block for every fleet policy host; called by
# nginx_write_conf.
lab_extra_https_hosts() {
	local dir=$1
	(($(fleet_size) > 0)) || return 0
	cat <<-EOF
	    server {
	        listen $LAB_HTTPS_ADDR:443 ssl;
	        server_name ~^mta-sts\.d[0-9]+\.fleet\.test\$;
	        ssl_certificate $dir/certs/fleet-policy.crt;
	        ssl_certificate_key $dir/certs/fleet-policy.key;
	        root $dir/www/fleet-policy;
	        location = /.well-known/mta-sts.txt {
	            default_type text/plain;
	        }
	        location / {
	            return 404;
	        }
	    }
	EOF
}
