#!/usr/bin/env bash
# lab-exec.sh [-d DIR] COMMAND [ARG...]: run COMMAND against the lab.
#
# For programs that can only use the system resolver (libc, libresolv, ldns
# without -r, posttls-finger, mta-sts-query): COMMAND runs in a private mount
# namespace where /etc/resolv.conf is the lab's (nameserver 127.0.58.1,
# options trust-ad), so no query leaves the machine.  The MXLAB_* variables
# of DIR/env are exported; SSL_CERT_FILE, CURL_CA_BUNDLE and
# REQUESTS_CA_BUNDLE name the lab CA; SSL_CERT_DIR and the proxy variables
# are unset.  Needs root (unshare --mount).  DIR defaults to $MXLAB_DIR or
# /tmp/mxanchor-lab.
set -euo pipefail

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$LAB_HOME/lib/common.sh"

dir=$(lab_default_dir)
if [[ ${1:-} == -d ]]; then
	[[ $# -ge 2 ]] || lab_die "usage: lab-exec.sh [-d DIR] COMMAND [ARG...]"
	dir=$2
	shift 2
fi
[[ $# -ge 1 ]] || lab_die "usage: lab-exec.sh [-d DIR] COMMAND [ARG...]"
[[ -r $dir/env ]] || lab_die "no lab in $dir (run tests/lab/start.sh)"

set -a
# shellcheck source=/dev/null
. "$dir/env"
set +a
unset SSL_CERT_DIR http_proxy https_proxy HTTP_PROXY HTTPS_PROXY \
	all_proxy ALL_PROXY
export SSL_CERT_FILE=$MXLAB_CA_FILE CURL_CA_BUNDLE=$MXLAB_CA_FILE \
	REQUESTS_CA_BUNDLE=$MXLAB_CA_FILE
exec unshare --mount --propagation private -- \
	sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
	sh "$MXLAB_RESOLV_CONF" "$@"
