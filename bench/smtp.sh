#!/usr/bin/env bash
# smtp.sh [BUILD_DIR] [N]: N MX addresses (default 200) probed for
# STARTTLS by mxanchor's SMTP probe, all at once, against posttls-finger
# run once per address; prints the wall times side by side.
#
# The addresses are 127.0.30.1 upwards, port 25, all served by one
# fake_smtpd (tests/fakes) with a throw-away certificate: a server that
# answers at once, so the figures measure the clients.  Run it as root
# inside your own network namespace, as every lab command:
#   ip netns exec mxN bench/smtp.sh build
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath "${1:-$top/build}")
n=${2:-200}
fake=$build/tests/fakes/fake_smtpd
bench=$build/bench/smtp_bench

die() { echo "smtp.sh: $*" >&2; exit 1; }
[[ -x $fake && -x $bench ]] || die "build first: ninja -C $build"
command -v posttls-finger >/dev/null || die "posttls-finger missing" \
    "(tests/lab/deps.sh installs postfix)"
[[ -n $(ip netns identify 2>/dev/null) ]] ||
	die "run inside a network namespace (ip netns exec mxN ...)"
((n >= 1 && n <= 250)) || die "N must be 1 to 250"

tmp=$(mktemp -d)
fake_pid=
cleanup() {
	[[ -n $fake_pid ]] && kill "$fake_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# A CA and a leaf for mx.bench.test, valid a day.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/ca.key" -out "$tmp/ca.crt" -subj /CN=bench-ca -days 1 \
    2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$tmp/mx.key" -out "$tmp/mx.csr" -subj /CN=mx.bench.test \
    2>/dev/null
openssl x509 -req -in "$tmp/mx.csr" -CA "$tmp/ca.crt" -CAkey "$tmp/ca.key" \
    -CAcreateserial -out "$tmp/mx.crt" -days 1 \
    -extfile <(printf 'subjectAltName=DNS:mx.bench.test') 2>/dev/null

addrs=()
listen=()
for ((i = 1; i <= n; i++)); do
	addrs+=("127.0.30.$i")
	listen+=(--listen "127.0.30.$i")
done
"$fake" --mode normal "${listen[@]}" --port 25 --cert "$tmp/mx.crt" \
    --key "$tmp/mx.key" >"$tmp/port" &
fake_pid=$!
for ((i = 0; i < 50; i++)); do
	[[ -s $tmp/port ]] && break
	sleep 0.1
done
[[ -s $tmp/port ]] || die "fake_smtpd did not start"

# posttls-finger needs a main.cf: no DNS (literal addresses), the CA.
mkdir "$tmp/pf"
printf '%s\n' "compatibility_level = 3.6" "inet_protocols = ipv4" \
    "smtp_tls_CAfile = $tmp/ca.crt" >"$tmp/pf/main.cf"
export MAIL_CONFIG=$tmp/pf

ms() { date +%s%3N; }

# Warm both up once: the first exec of a binary pays for page-ins.
"$bench" --ca-file "$tmp/ca.crt" mx.bench.test "${addrs[0]}" >/dev/null
posttls-finger -c -l may -a ipv4 "[${addrs[0]}]:25" >/dev/null 2>&1

line=$("$bench" --ca-file "$tmp/ca.crt" mx.bench.test "${addrs[@]}")
echo "mxanchor probe, all at once:     $line"
line_deep=$("$bench" --deep --ca-file "$tmp/ca.crt" mx.bench.test \
    "${addrs[@]}")
echo "mxanchor probe, 4 sessions each: $line_deep"

start=$(ms)
ok=0
for a in "${addrs[@]}"; do
	if posttls-finger -c -l may -a ipv4 "[$a]:25" 2>&1 |
	    grep -q "TLS connection established"; then
		ok=$((ok + 1))
	fi
done
seq_ms=$(($(ms) - start))
echo "posttls-finger, one after another: $n addresses, $ok TLS, $seq_ms ms"

start=$(ms)
par_ok=$(printf '[%s]:25\n' "${addrs[@]}" |
    xargs -P 32 -I{} posttls-finger -c -l may -a ipv4 {} 2>&1 |
    grep -c "TLS connection established" || true)
par_ms=$(($(ms) - start))
echo "posttls-finger, 32 at a time:      $n addresses, $par_ok TLS, $par_ms ms"

mx_ms=${line##*, }
mx_ms=${mx_ms% ms}
deep_ms=${line_deep##*, }
deep_ms=${deep_ms% ms}
printf '\n%-40s %8s\n' "STARTTLS probe of $n addresses" "wall ms"
printf '%-40s %8s\n' "mxanchor (parallel_for, 32 threads)" "$mx_ms"
printf '%-40s %8s\n' "mxanchor, + TLS 1.0, TLS 1.1, no SNI" "$deep_ms"
printf '%-40s %8s\n' "posttls-finger, once per address" "$seq_ms"
printf '%-40s %8s\n' "posttls-finger, xargs -P 32" "$par_ms"
