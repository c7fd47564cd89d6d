#!/usr/bin/env bash
# deps.sh: install what building and testing mxanchor needs on Debian 12.
#
# Idempotent: installs only missing packages, and is quick when all are
# present.  The lab's own server packages come from tests/lab/deps.sh.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

PACKAGES=(
	gcc clang libclang-rt-14-dev meson ninja-build pkg-config
	libncurses-dev libssl-dev libcurl4-openssl-dev libldns-dev
	libssh2-1-dev libsqlite3-dev libjansson-dev zlib1g-dev
	libcmocka-dev libgmime-3.0-dev
	jq tmux sqlite3 locales valgrind
	gnutls-bin hash-slinger	# danetool, tlsa: TLSA cross-checks
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[[ $status == "install ok installed" ]] || missing+=("$pkg")
done

if [[ ${#missing[@]} -gt 0 ]]; then
	[[ $(id -u) -eq 0 ]] || { echo "deps.sh: run as root to install:" \
	    "${missing[*]}" >&2; exit 1; }
	echo "deps.sh: installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	apt-get install -y -qq --no-install-recommends "${missing[@]}" \
	    >/dev/null
fi

"$here/../tests/lab/deps.sh"
