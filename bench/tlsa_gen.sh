#!/usr/bin/env bash
# tlsa_gen.sh: how long `mxanchor tlsa` takes per file form, next to the
# openssl pipeline an operator would otherwise run.  Prints figures; asserts
# nothing.  Usage: bench/tlsa_gen.sh [BUILD_DIR] [RUNS]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
mx=${1:-$top/build}/mxanchor
runs=${2:-50}
case022=$top/tests/data/cases/022-postconf-chain-files-dual-key/root/etc/postfix/tls
case013=$top/tests/data/cases/013-tlsa-ecdsa-empty-digest
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
    -out "$tmp/rsa.key" 2>/dev/null
openssl pkey -in "$tmp/rsa.key" -outform DER -out "$tmp/rsa.key.der"

# ms per run of a command, over $runs runs.
per_run() {
	local start end i
	start=$(date +%s%N)
	for ((i = 0; i < runs; i++)); do
		"$@" >/dev/null
	done
	end=$(date +%s%N)
	echo "$(( (end - start) / runs / 1000 ))"
}

openssl_pipeline() {
	openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin \
	    -outform DER | openssl dgst -sha256 -r
}

printf '%-44s %10s\n' "what ($runs runs each)" "us per run"
printf '%-44s %10s\n' "mxanchor tlsa --cert (ECDSA, case 013)" \
    "$(per_run "$mx" tlsa --cert "$case013/mx1-ecdsa.crt")"
printf '%-44s %10s\n' "openssl x509 | pkey | dgst (same cert)" \
    "$(per_run openssl_pipeline "$case013/mx1-ecdsa.crt")"
printf '%-44s %10s\n' "mxanchor tlsa --key (RSA-2048, PEM)" \
    "$(per_run "$mx" tlsa --key "$tmp/rsa.key" --host mx.example.net)"
printf '%-44s %10s\n' "mxanchor tlsa --key (RSA-2048, DER)" \
    "$(per_run "$mx" tlsa --key "$tmp/rsa.key.der" --host mx.example.net)"
printf '%-44s %10s\n' "mxanchor tlsa, case 022's three chain files" \
    "$(per_run "$mx" tlsa --key "$case022/rsa-key.pem" \
    --cert "$case022/rsa-fullchain.pem" \
    --cert "$case022/ecdsa-combined.pem")"
