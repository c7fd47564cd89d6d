# lab_tlsa.sh: TLSA helpers for lab tests that change a scenario zone.
# Source after tap.sh and lab_env.

# lab_tlsa_rrset DOMAIN: the TLSA RRset of mx.DOMAIN at the authoritative
# server, one "U S M hex" per line, lower case, sorted.
lab_tlsa_rrset() {
	kdig +short +norec +time=2 "@$MXLAB_AUTH" "_25._tcp.mx.$1" TLSA |
	    tr 'A-F' 'a-f' | awk '{ d = ""; for (i = 4; i <= NF; i++)
	    d = d $i; print $1, $2, $3, d }' | sort
}

# lab_tlsa_set DOMAIN "U S M HEX"...: replace the RRset (TTL 300), so a
# test starts from a known zone whatever ran before it.
lab_tlsa_set() {
	local domain=$1 rec
	shift
	{
		echo "server $MXLAB_AUTH 53"
		echo "zone $domain."
		echo "update delete _25._tcp.mx.$domain. TLSA"
		for rec in "$@"; do
			echo "update add _25._tcp.mx.$domain. 300 TLSA $rec"
		done
		echo "send"
	} | knsupdate -y "$(cat "$MXLAB_TSIG")"
}

# lab_serial DOMAIN: the SOA serial at the authoritative server.
lab_serial() {
	kdig +short +norec "@$MXLAB_AUTH" "$1" SOA | awk '{ print $3 }'
}

# lab_flush DOMAIN: forget what the validating resolver cached.
lab_flush() {
	unbound-control -c "$MXLAB_UNBOUND_CONF" flush_zone "$1" >/dev/null
	unbound-control -c "$MXLAB_UNBOUND_CONF" flush_bogus >/dev/null
}
