# shellcheck shell=bash
# pki.sh: the lab CA and the certificates it issues.
#
# All keys are ECDSA P-256: they take milliseconds to generate, so every
# start makes new ones.  Files, for a host NAME:
#   DIR/ca/ca.crt, ca.key          the lab CA (the only trust anchor for PKIX)
#   DIR/certs/NAME.key, NAME.crt   leaf key and certificate (SAN DNS:NAME)
#   DIR/certs/NAME.pem             key then certificate, for Postfix's
#                                  smtpd_tls_chain_files

# Days a certificate stays valid.  Lab directories are short-lived.
LAB_CERT_DAYS=30

# Generate an EC P-256 private key in FILE (mode 0600); RSA 2048 when
# LAB_KEY_ALG is rsa.
pki_new_key() {
	if [[ ${LAB_KEY_ALG:-ec} == rsa ]]; then
		(umask 077 && openssl genpkey -algorithm RSA \
			-pkeyopt rsa_keygen_bits:2048 -out "$1" 2>/dev/null)
	else
		(umask 077 && openssl genpkey -algorithm EC \
			-pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
	fi
}

# Create the lab CA in DIR/ca.
pki_init_ca() {
	local dir=$1
	mkdir -p "$dir/ca" "$dir/certs"
	pki_new_key "$dir/ca/ca.key"
	openssl req -x509 -new -key "$dir/ca/ca.key" -out "$dir/ca/ca.crt" \
		-days "$LAB_CERT_DAYS" -subj "/O=mxanchor lab/CN=mxanchor lab CA" \
		-addext "basicConstraints=critical,CA:TRUE" \
		-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# Issue a server certificate for NAME, with a new key, signed by the lab CA,
# in DIR/certs/FILE.{key,crt,pem} (FILE defaults to NAME).  EXTRA_SAN
# (e.g. "IP:127.0.143.1") is added to the subjectAltName.
pki_issue() {
	local dir=$1 name=$2 extra_san=${4:+,$4}
	local base=$dir/certs/${3:-$name}
	pki_new_key "$base.key"
	openssl req -x509 -new -key "$base.key" -out "$base.crt" \
		-CA "$dir/ca/ca.crt" -CAkey "$dir/ca/ca.key" \
		-days "$LAB_CERT_DAYS" -subj "/CN=$name" \
		-addext "subjectAltName=DNS:$name$extra_san" \
		-addext "basicConstraints=critical,CA:FALSE" \
		-addext "keyUsage=critical,digitalSignature" \
		-addext "extendedKeyUsage=serverAuth" 2>/dev/null
	(umask 077 && cat "$base.key" "$base.crt" >"$base.pem")
}
