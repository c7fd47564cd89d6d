# shellcheck shell=bash
# pebble.sh: Pebble, the ACME test server, for renewal-hook tests.
#
# Debian's pebble ships no configuration or certificate: its HTTPS
# certificate here is issued by the lab CA for 127.0.0.1, so an ACME
# client trusts it with REQUESTS_CA_BUNDLE=DIR/ca/ca.crt.  Challenges are
# not validated (PEBBLE_VA_ALWAYS_VALID=1), come without random delays
# (PEBBLE_VA_NOSLEEP=1), and no nonce is rejected on purpose
# (PEBBLE_WFE_NONCEREJECT=0; by default 5% are, to exercise clients'
# retries, and a renewal test must not depend on those).  Its DNS server,
# should it ever ask, is the lab's resolver.  The certificates it issues
# chain to a root that changes at every start: fetch it from
# https://127.0.0.1:15000/roots/0 if needed.

LAB_ACME_ADDR=127.0.0.1
LAB_ACME_PORT=14000
LAB_ACME_MGMT_PORT=15000

# The HTTPS certificate, from the lab CA, for the address.
pebble_issue() {
	local dir=$1 base=$1/pebble/https
	pki_new_key "$base.key"
	openssl req -x509 -new -key "$base.key" -out "$base.crt" \
		-CA "$dir/ca/ca.crt" -CAkey "$dir/ca/ca.key" \
		-days "$LAB_CERT_DAYS" -subj "/CN=$LAB_ACME_ADDR" \
		-addext "subjectAltName=IP:$LAB_ACME_ADDR" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "extendedKeyUsage=serverAuth" 2>/dev/null
}

pebble_setup() {
	local dir=$1
	mkdir -p "$dir/pebble"
	pebble_issue "$dir"
	cat >"$dir/pebble/pebble.json" <<-EOF
	{
	  "pebble": {
	    "listenAddress": "$LAB_ACME_ADDR:$LAB_ACME_PORT",
	    "managementListenAddress": "$LAB_ACME_ADDR:$LAB_ACME_MGMT_PORT",
	    "certificate": "$dir/pebble/https.crt",
	    "privateKey": "$dir/pebble/https.key",
	    "httpPort": 5002,
	    "tlsPort": 5001,
	    "ocspResponderURL": "",
	    "externalAccountBindingRequired": false
	  }
	}
	EOF
}

pebble_start() {
	local dir=$1
	PEBBLE_VA_ALWAYS_VALID=1 PEBBLE_VA_NOSLEEP=1 \
		PEBBLE_WFE_NONCEREJECT=0 lab_spawn "$dir" pebble \
		/usr/bin/pebble -config "$dir/pebble/pebble.json" \
		-dnsserver "$LAB_RESOLVER_ADDR:53"
}

pebble_wait() {
	local dir=$1
	lab_wait "$dir" pebble "$dir/log/pebble.out" \
		lab_tcp_open "$LAB_ACME_ADDR" "$LAB_ACME_PORT"
}
