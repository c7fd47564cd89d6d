#!/usr/bin/env bash
# tlsa_crosscheck.sh: `mxanchor tlsa` against three independent tools, for
# RSA and ECDSA keys, from a certificate, a private key and a bare public
# key, in PEM and DER: OpenSSL's command line, GnuTLS's danetool and
# hash-slinger's tlsa.  Keys are generated here, each run.
# Usage: tlsa_crosscheck.sh PATH-TO-MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/tap.sh"
mx=${1:?usage: tlsa_crosscheck.sh MXANCHOR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
host=mx.example.net

for tool in openssl danetool tlsa; do
	if ! command -v "$tool" >/dev/null; then
		echo "Bail out! $tool is missing: run scripts/deps.sh"
		exit 1
	fi
done

# The reference tools get no network at all when we may take it away:
# none of them should need it to hash a file.
offline=()
if unshare --net true 2>/dev/null; then
	offline=(unshare --net)
fi

# The data field of the one record `mxanchor tlsa ARGS` prints.
ours() {
	"$mx" tlsa --host "$host" "$@" | awk '$3 == "TLSA" { print $NF }'
}

# openssl: the SPKI (selector 1) or certificate (0) bytes, hashed.
openssl_spki_der() {
	case $1 in
	cert) openssl x509 -in "$2" -noout -pubkey |
		openssl pkey -pubin -outform DER ;;
	key) openssl pkey -in "$2" -pubout -outform DER ;;
	esac
}

openssl_digest() {
	local md=$1
	openssl dgst "-$md" -r | cut -d' ' -f1
}

# danetool prints "( 03 01 01 HEX )"; keep HEX.
danetool_data() {
	"${offline[@]}" danetool --tlsa-rr --host "$host" --port 25 "$@" |
	    awk '{ for (i = 1; i <= NF; i++) if ($i == ")") print $(i - 1) }'
}

hashslinger_data() {
	"${offline[@]}" tlsa --create --port 25 "$@" "$host" 2>/dev/null |
	    awk '$3 == "TLSA" { print $NF }'
}

# A CA, then one key and leaf certificate per algorithm.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 \
    -nodes -keyout "$tmp/ca.key" -out "$tmp/ca.crt" -days 2 \
    -subj "/CN=crosscheck CA" -addext "basicConstraints=critical,CA:TRUE" \
    2>/dev/null
make_leaf() {
	local alg=$1 base=$tmp/$1
	case $alg in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 \
		-out "$base.key" 2>/dev/null ;;
	ecdsa) openssl genpkey -algorithm EC \
		-pkeyopt ec_paramgen_curve:P-256 -out "$base.key" 2>/dev/null ;;
	esac
	openssl req -new -key "$base.key" -subj "/CN=$host" 2>/dev/null |
	    openssl x509 -req -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
	    -days 2 -out "$base.crt" 2>/dev/null
	openssl x509 -in "$base.crt" -outform DER -out "$base.crt.der"
	openssl pkey -in "$base.key" -outform DER -out "$base.key.der"
	openssl pkey -in "$base.key" -traditional -out "$base.trad.key"
	openssl pkey -in "$base.key" -pubout -out "$base.pub"
	openssl pkey -in "$base.key" -pubout -outform DER -out "$base.pub.der"
	cat "$base.crt" "$tmp/ca.crt" >"$base.fullchain.pem"
	# PKCS#1 "RSA PUBLIC KEY" for RSA; the same SPKI form for others.
	openssl pkey -in "$base.key" -pubout -out "$base.pkcs1.pub"
	[[ $alg != rsa ]] || openssl rsa -in "$base.key" -RSAPublicKey_out \
	    -out "$base.pkcs1.pub" 2>/dev/null
}

for alg in rsa ecdsa; do
	make_leaf "$alg"
	base=$tmp/$alg

	# 3 1 1 from every form of the key, against every tool.
	want=$(openssl_spki_der cert "$base.crt" | openssl_digest sha256)
	tap_is "$(openssl_spki_der key "$base.key" | openssl_digest sha256)" \
	    "$want" "$alg: openssl gives one SPKI digest from key and cert"
	tap_is "$(danetool_data --load-certificate "$base.crt")" "$want" \
	    "$alg: danetool 3 1 1 from the certificate agrees with openssl"
	tap_is "$(danetool_data --load-pubkey "$base.pub")" "$want" \
	    "$alg: danetool 3 1 1 from the public key agrees with openssl"
	tap_is "$(hashslinger_data --certificate "$base.crt" --usage 3 \
	    --selector 1 --mtype 1)" "$want" \
	    "$alg: hash-slinger 3 1 1 from the certificate agrees"
	for form in "--cert $base.crt" "--cert $base.crt.der" \
	    "--cert $base.fullchain.pem" "--key $base.key" \
	    "--key $base.trad.key" "--key $base.key.der" \
	    "--pubkey $base.pub" "--pubkey $base.pub.der" \
	    "--pubkey $base.pkcs1.pub"; do
		# shellcheck disable=SC2086 # two words: option and file
		tap_is "$(ours $form)" "$want" \
		    "$alg: mxanchor 3 1 1 from ${form%% *} ${form##*/}"
	done

	# 3 0 1 and 3 1 2 from the certificate.
	want=$(openssl x509 -in "$base.crt" -outform DER |
	    openssl_digest sha256)
	tap_is "$(ours --cert "$base.crt" --selector 0)" "$want" \
	    "$alg: mxanchor 3 0 1 agrees with openssl"
	tap_is "$(danetool_data --load-certificate "$base.crt" --x509)" \
	    "$want" "$alg: danetool 3 0 1 agrees with openssl"
	tap_is "$(hashslinger_data --certificate "$base.crt" --usage 3 \
	    --selector 0 --mtype 1)" "$want" \
	    "$alg: hash-slinger 3 0 1 agrees with openssl"
	want=$(openssl_spki_der cert "$base.crt" | openssl_digest sha512)
	tap_is "$(ours --key "$base.key" --mtype 2)" "$want" \
	    "$alg: mxanchor 3 1 2 from the key agrees with openssl"
	tap_is "$(hashslinger_data --certificate "$base.crt" --usage 3 \
	    --selector 1 --mtype 2)" "$want" \
	    "$alg: hash-slinger 3 1 2 agrees with openssl"

	# 2 1 1: the issuer sent after the leaf.
	want=$(openssl_spki_der cert "$tmp/ca.crt" | openssl_digest sha256)
	tap_is "$(ours --cert "$base.fullchain.pem" --usage 2)" "$want" \
	    "$alg: mxanchor 2 1 1 is the issuer's SPKI digest"
	tap_is "$(danetool_data --load-certificate "$tmp/ca.crt" --ca)" \
	    "$want" "$alg: danetool 2 1 1 of the CA agrees"
done

# Usage errors: no file, a bare key with selector 0, usage 2 without chain.
"$mx" tlsa --host "$host" >/dev/null 2>&1
tap_is "$?" 2 "no file: exit 2"
err=$("$mx" tlsa --key "$tmp/rsa.key" --selector 0 --host "$host" 2>&1)
tap_is "$?" 2 "selector 0 from a bare key: exit 2"
tap_like "$err" "use selector 1" "selector 0 from a bare key: says why"
"$mx" tlsa --cert "$tmp/rsa.crt" --usage 2 --host "$host" >/dev/null 2>&1
tap_is "$?" 2 "usage 2 without the chain: exit 2"

# From a private key, only the public key: with matching type 0 the data
# is the SubjectPublicKeyInfo itself, never the private key's bytes.
spki_hex=$(openssl_spki_der key "$tmp/rsa.key" | od -An -v -tx1 | tr -d ' \n')
priv_hex=$(openssl pkey -in "$tmp/rsa.key" -outform DER | od -An -v -tx1 |
    tr -d ' \n')
out=$("$mx" tlsa --key "$tmp/rsa.key" --host "$host" --mtype 0 --json)
tap_is "$(jq -r '.[0].data' <<<"$out")" "$spki_hex" \
    "3 1 0 from a private key is the public key's DER"
tap_is "$(grep -c -F "${priv_hex:600:64}" <<<"$out")" 0 \
    "no private key material in the output"
tap_is "$(jq -r '.[0].algorithm' <<<"$out")" rsa "--json names the algorithm"

tap_done
