#!/usr/bin/env bash
# deps.sh: install the Debian packages the mxanchor lab needs.
#
# Idempotent and fast when everything is present.  Run as root on Debian 12.
# It never lets a package start its system service: the lab runs its own
# servers from tests/lab/start.sh, and a system unbound would query the
# real root servers.
set -euo pipefail

# Every package the lab scripts call into, with the tools they provide.
PACKAGES=(
	knot            # knotd, knotc, keymgr
	knot-dnsutils   # kdig, knsupdate
	unbound         # unbound, unbound-control
	nginx
	postfix         # postfix, posttls-finger
	openssh-server  # sshd
	openssh-client  # ssh, ssh-keygen
	dovecot-imapd   # dovecot: an IMAP mailbox of report mails
	ldnsutils       # drill
	bind9-dnsutils  # delv, nsupdate
	dnsviz          # dnsviz probe, for bench/dane.sh
	openssl
	curl
	ca-certificates
	procps          # ps
	iproute2        # ss
	util-linux      # unshare, mount
	bsdutils        # script (shows postfix check messages)
	coreutils
	pebble          # ACME test server (renewal hooks)
	certbot         # ACME client (renewal hooks)
	prometheus      # promtool: checks the --prometheus file
	chromium        # renders the HTML report in tests
)

die() { echo "deps.sh: $*" >&2; exit 1; }

# Print the packages of PACKAGES that dpkg does not list as installed.
missing_packages() {
	local pkg status
	for pkg in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
		[[ $status == "install ok installed" ]] || echo "$pkg"
	done
}

# Make invoke-rc.d refuse to start services, as the lab notes require.
ensure_policy_rc_d() {
	[[ -e /usr/sbin/policy-rc.d ]] && return 0
	cat >/usr/sbin/policy-rc.d <<-'EOF'
	#!/bin/sh
	# Written by mxanchor tests/lab/deps.sh: never start services.
	exit 101
	EOF
	chmod 755 /usr/sbin/policy-rc.d
	echo "deps.sh: created /usr/sbin/policy-rc.d (exit 101)"
}

main() {
	local missing
	[[ $(id -u) -eq 0 ]] || die "must run as root"
	ensure_policy_rc_d
	mapfile -t missing < <(missing_packages)
	if [[ ${#missing[@]} -eq 0 ]]; then
		echo "deps.sh: all ${#PACKAGES[@]} packages present"
		return 0
	fi

	echo "deps.sh: installing ${missing[*]}"
	# "No configuration": the Debian package must not write
	# /etc/postfix/main.cf or start a system Postfix.
	debconf-set-selections <<-'SEL'
		postfix postfix/main_mailer_type select No configuration
	SEL
	export DEBIAN_FRONTEND=noninteractive
	# Try with the existing package lists first; refresh them only on failure.
	if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
		apt-get update
		apt-get install -y --no-install-recommends "${missing[@]}"
	fi
	mapfile -t missing < <(missing_packages)
	[[ ${#missing[@]} -eq 0 ]] || die "still missing: ${missing[*]}"
}

main "$@"
