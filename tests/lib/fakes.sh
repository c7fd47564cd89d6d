# fakes.sh: start and stop the misbehaving servers of tests/fakes for a
# test.  Source it, then:
#
#	fakes_start BUILD_DIR TMP_DIR || bail out
#	... mxanchor "${FAKE_OPTS[@]}" check silent.hostile.test ...
#	fakes_stop			# also done by the EXIT trap you set
#
# fake_dns answers as the resolver at 127.0.53.53 (zone hostile.test,
# tests/fakes/hostile.zone), fake_https is the policy host of every
# hostile.test domain at 127.0.81.1:443 with a certificate from a CA made
# here, fake_tarpit holds SMTP connections at 127.0.81.26:25.  Each binds
# a fixed loopback address, so run tests that use them one at a time
# (the 'lab' suite is not parallel) and inside the lab's namespace.

FAKE_RESOLVER=127.0.53.53
FAKE_HTTPS_ADDR=127.0.81.1
FAKE_TARPIT_ADDR=127.0.81.26
FAKE_PIDS=()

# The names fake_https serves, one per misbehaviour (see fake_https.c).
FAKE_HTTPS_LABELS=(ok redirect big big-chunked slow gzip html huge-headers
    latin1 tls-hang plaintext tarpit)

# A throw-away CA and one certificate for every mta-sts.LABEL.hostile.test.
fakes_pki() {
	local dir=$1 san= label
	for label in "${FAKE_HTTPS_LABELS[@]}"; do
		san+="DNS:mta-sts.$label.hostile.test,"
	done
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
	    -nodes -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 \
	    -subj "/CN=mxanchor hostile-test CA" 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$dir/host.key" -out "$dir/host.csr" \
	    -subj "/CN=mta-sts.ok.hostile.test" 2>/dev/null &&
	printf 'subjectAltName=%s\n' "${san%,}" >"$dir/host.ext" &&
	openssl x509 -req -in "$dir/host.csr" -CA "$dir/ca.crt" \
	    -CAkey "$dir/ca.key" -CAcreateserial -days 2 \
	    -extfile "$dir/host.ext" -out "$dir/host.crt" 2>/dev/null
}

# fakes_run NAME CMD...: starts one fake, waits for its "ready" line.
fakes_run() {
	local name=$1 out=$FAKE_DIR/$1.out i
	shift
	: >"$out"
	"$@" >"$out" 2>&1 &
	FAKE_PIDS+=($!)
	for ((i = 0; i < 50; i++)); do
		grep -q '^ready$' "$out" && return 0
		kill -0 "${FAKE_PIDS[-1]}" 2>/dev/null || break
		sleep 0.1
	done
	echo "fakes.sh: $name did not start: $(head -c 300 "$out")" >&2
	return 1
}

# fakes_start BUILD_DIR DIR: the three fakes, and FAKE_OPTS for mxanchor.
fakes_start() {
	local build=$1 src
	src=$(cd "$(dirname "${BASH_SOURCE[0]}")/../fakes" && pwd)
	FAKE_DIR=$2
	mkdir -p "$FAKE_DIR"
	fakes_pki "$FAKE_DIR" || { echo "fakes.sh: openssl failed" >&2;
	    return 1; }
	# No chain can validate here: a made-up root DS, never the real one.
	echo ". 3600 IN DS 4711 13 2 $(printf '%064d' 0)" \
	    >"$FAKE_DIR/anchor.ds"
	FAKE_CA=$FAKE_DIR/ca.crt
	FAKE_OPTS=(--resolver "$FAKE_RESOLVER" --trust-anchor
	    "$FAKE_DIR/anchor.ds" --ca-file "$FAKE_CA")

	fakes_run fake_dns "$build/tests/fakes/fake_dns" "$FAKE_RESOLVER" 53 \
	    "$src/hostile.zone" &&
	fakes_run fake_https "$build/tests/fakes/fake_https" \
	    "$FAKE_HTTPS_ADDR" 443 "$FAKE_DIR/host.crt" \
	    "$FAKE_DIR/host.key" &&
	fakes_run fake_tarpit "$build/tests/fakes/fake_tarpit" \
	    "$FAKE_TARPIT_ADDR" 25
}

# Waits until fake_dns answers at once: a case that flooded it (huge)
# must not leave a queue that the next case's lookups wait behind.
fakes_idle() {
	local i
	for ((i = 0; i < 60; i++)); do
		kdig +time=1 +retry=0 +short "@$FAKE_RESOLVER" \
		    hostile.test SOA 2>/dev/null | grep -q hostmaster &&
		    return 0
	done
	echo "fakes.sh: fake_dns stays busy" >&2
	return 1
}

# Stops what fakes_start started, by PID.
fakes_stop() {
	local pid
	for pid in "${FAKE_PIDS[@]}"; do
		kill "$pid" 2>/dev/null
	done
	for pid in "${FAKE_PIDS[@]}"; do
		wait "$pid" 2>/dev/null
	done
	FAKE_PIDS=()
}
