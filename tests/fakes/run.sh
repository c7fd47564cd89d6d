#!/usr/bin/env bash
# run.sh FAKE_SMTPD PROGRAM [ARGS...]: runs a test program against the
# fake servers with a throw-away PKI made here, never committed: a CA,
# the leaf mx.fake.test (what SNI asks for), the leaf other.fake.test
# (what a client without SNI gets) and an OCSP response for the first.
# The program finds them through FAKE_SMTPD and FAKE_PKI.
set -euo pipefail

fake=${1:?usage: run.sh FAKE_SMTPD PROGRAM [ARGS...]}
shift
pki=$(mktemp -d)
trap 'rm -rf "$pki"' EXIT
cd "$pki"

# issue NAME: NAME.key and NAME.crt for DNS:NAME, signed by the CA.
issue() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	    -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" 2>/dev/null
	openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key \
	    -CAcreateserial -out "$1.crt" -days 2 \
	    -extfile <(printf 'subjectAltName=DNS:%s' "$1") 2>/dev/null
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout ca.key -out ca.crt -subj /CN=mxanchor-fake-ca -days 2 \
    2>/dev/null
issue mx.fake.test
issue other.fake.test

# An OCSP "good" response for mx.fake.test, signed by the CA itself.
end=$(openssl x509 -in mx.fake.test.crt -noout -enddate | cut -d= -f2)
serial=$(openssl x509 -in mx.fake.test.crt -noout -serial | cut -d= -f2)
printf 'V\t%s\t\t%s\tunknown\t/CN=mx.fake.test\n' \
    "$(date -u -d "$end" +%y%m%d%H%M%SZ)" "$serial" >index.txt
openssl ocsp -issuer ca.crt -cert mx.fake.test.crt -no_nonce \
    -reqout req.der >/dev/null 2>&1
openssl ocsp -index index.txt -CA ca.crt -rsigner ca.crt -rkey ca.key \
    -reqin req.der -respout ocsp.der -ndays 1 >/dev/null 2>&1

cd - >/dev/null
export FAKE_SMTPD=$fake FAKE_PKI=$pki
"$@"
