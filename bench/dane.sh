#!/usr/bin/env bash
# dane.sh: how long mxanchor's DNSSEC and DANE checks take on good.test,
# beside the reference tools an operator would otherwise combine:
# posttls-finger (Postfix's DANE engine: MX, TLSA, STARTTLS, matching)
# and dnsviz probe (the chain of trust, every server).  One run, same
# lab, same warm resolver; prints figures, asserts nothing.
#
# Usage: bench/dane.sh [BUILD_DIR] [RUNS]   (default: build, 10)
# Run it inside the lab's network namespace, with MXLAB_DIR set, e.g.
#   ip netns exec mxN env MXLAB_DIR=/tmp/lab-N bench/dane.sh build 20
#
# mxanchor's figure is a whole `check` (every step: DNS, the chain from
# the root, every name server, STARTTLS, the MTA-STS policy): it cannot
# do less.  The other two are the sum of two processes that each do
# part of that.  Each figure is the median and the minimum of RUNS runs
# of the whole process, after one warm-up run.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
runs=${2:-10}
mx=$build/mxanchor
env_file=${MXLAB_DIR:-/tmp/mxanchor-lab}/env
domain=good.test

die() {
	echo "bench/dane.sh: $*" >&2
	exit 1
}

[[ -x $mx ]] || die "no mxanchor binary in $build"
[[ -r $env_file ]] || die "no lab ($env_file): start tests/lab/start.sh"
# shellcheck source=/dev/null
. "$env_file"
command -v posttls-finger >/dev/null || die "posttls-finger is missing"
command -v dnsviz >/dev/null || die "dnsviz is missing (tests/lab/deps.sh)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

run_mxanchor() {
	"$mx" --resolver "$MXLAB_RESOLVER" \
	    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" --no-state check "$domain" --json \
	    >"$tmp/mx.json"
}

# posttls-finger can only use libc's resolver: lab-exec.sh gives it the
# lab's.  Its exit code is 0 whatever the verdict.
run_posttls_finger() {
	MAIL_CONFIG=$MXLAB_POSTFIX_CLIENT_CONFIG \
	    "$top/tests/lab/lab-exec.sh" -d "$MXLAB_DIR" posttls-finger -c \
	    -l dane -a ipv4 -F "$MXLAB_CA_FILE" "$domain" >"$tmp/ptf" 2>&1
}

# dnsviz asks the authoritative servers itself, from the lab root.
run_dnsviz() {
	"$top/tests/lab/lab-exec.sh" -d "$MXLAB_DIR" dnsviz probe -A -a . \
	    -x ".:a.root-servers.lab=$MXLAB_AUTH" -p "$domain" \
	    "_25._tcp.mx.$domain" >"$tmp/dnsviz.json" 2>"$tmp/dnsviz.err"
}

# ms NAME: runs run_NAME, prints its wall time in milliseconds.
ms() {
	local start
	start=$(date +%s%N)
	"run_$1" || true
	echo $((($(date +%s%N) - start) / 1000000))
}

# stats LIST...: "median min" of the numbers.
stats() {
	printf '%s\n' "$@" | sort -n | awk '
		{ v[NR] = $1 }
		END { printf "%d %d", v[int((NR + 1) / 2)], v[1] }'
}

# Warm-up: caches filled, binaries paged in; also proof each tool works.
run_mxanchor
run_posttls_finger
run_dnsviz
grep -q 'Matched DANE' "$tmp/ptf" ||
	echo "note: posttls-finger did not match DANE: $(tail -1 "$tmp/ptf")"
[[ -s $tmp/dnsviz.json ]] || echo "note: dnsviz wrote nothing"
tlsa=$(jq -r '.steps[] | select(.id == "tlsa") | .status' "$tmp/mx.json")
dnssec=$(jq -r '.steps[] | select(.id == "dnssec") | .status' \
    "$tmp/mx.json")

declare -a t_mx=() t_ptf=() t_dv=() t_sum=() t_inner=()
for ((i = 0; i < runs; i++)); do
	t_mx+=("$(ms mxanchor)")
	t_inner+=("$(jq -r .ms "$tmp/mx.json")")
	a=$(ms posttls_finger)
	b=$(ms dnsviz)
	t_ptf+=("$a")
	t_dv+=("$b")
	t_sum+=($((a + b)))
done

read -r mx_med mx_min <<<"$(stats "${t_mx[@]}")"
read -r in_med in_min <<<"$(stats "${t_inner[@]}")"
read -r p_med p_min <<<"$(stats "${t_ptf[@]}")"
read -r d_med d_min <<<"$(stats "${t_dv[@]}")"
read -r s_med s_min <<<"$(stats "${t_sum[@]}")"

echo "DANE and DNSSEC checks of $domain, $runs runs each (ms, median / min)"
printf '  %-50s %6s %6s\n' "" median min
printf '  %-50s %6d %6d\n' \
    "mxanchor check (process; dnssec $dnssec, tlsa $tlsa)" "$mx_med" \
    "$mx_min"
printf '  %-50s %6d %6d\n' "  of which the check itself (JSON \"ms\")" \
    "$in_med" "$in_min"
printf '  %-50s %6d %6d\n' "posttls-finger -l dane (process)" "$p_med" \
    "$p_min"
printf '  %-50s %6d %6d\n' "dnsviz probe -A (process)" "$d_med" "$d_min"
printf '  %-50s %6d %6d\n' "posttls-finger + dnsviz probe" "$s_med" \
    "$s_min"
awk -v a="$s_med" -v b="$mx_med" 'BEGIN {
	if (b > 0) printf "  reference tools / mxanchor (medians): %.1fx\n", a / b }'
echo "  (posttls-finger and dnsviz run through tests/lab/lab-exec.sh," \
    "about 30 ms of which is the mount namespace)"
