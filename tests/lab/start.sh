#!/usr/bin/env bash
# start.sh [DIR]: bring up the mxanchor lab of real servers on loopback.
#
# DIR defaults to $MXLAB_DIR or /tmp/mxanchor-lab.  A lab already running in
# DIR is stopped first; DIR is then emptied and every key, certificate, zone
# and configuration is generated afresh.  The servers (knotd, unbound,
# nginx, Postfix, sshd) run as children with their PIDs in DIR/pids; once
# each of them answers, DIR/env is written for the tests to source.  On any
# failure the servers already started are stopped again and the relevant log
# is shown.  See README.md for what runs where.  (Dovecot, IMAP: lib/dovecot.sh.)
set -euo pipefail
shopt -s extglob

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for lib in common scenarios variants pki knot knot2 unbound nginx postfix \
	sshd dovecot pebble fleet; do
	# shellcheck source=/dev/null
	. "$LAB_HOME/lib/$lib.sh"
done

# Refuse directories whose names would need quoting in the generated
# configuration files and in DIR/env.
lab_check_dir_name() {
	[[ $1 == /+([A-Za-z0-9._/+-]) ]] ||
		lab_die "lab directory '$1': want an absolute path of [A-Za-z0-9._/+-]"
	[[ $1 != / ]] || lab_die "refusing / as the lab directory"
}

# Every ancestor of DIR must be searchable by others: Postfix and nginx
# workers run unprivileged.  A mktemp -d parent (0700) is the usual culprit.
lab_check_ancestors() {
	local path=$1
	while path=$(dirname "$path") && [[ $path != / ]]; do
		[[ ! -d $path ]] && continue
		[[ $(stat -c %A "$path") == ?????????[xt] ]] ||
			lab_die "$path is not searchable by others (chmod 755 it)"
	done
}

# Refuse to touch a non-empty directory that start.sh did not make.
lab_check_wipeable() {
	local dir=$1
	if [[ -e $dir && ! -d $dir ]]; then
		lab_die "$dir exists and is not a directory"
	fi
	if [[ -d $dir && -n $(ls -A "$dir") && ! -e $dir/$LAB_MARKER ]]; then
		lab_die "$dir is not empty and not a lab directory; not wiping it"
	fi
}

# Empty DIR and create the skeleton.  DIR itself is kept, so a "mktemp -d"
# directory can be used.
lab_prepare_dir() {
	local dir=$1
	mkdir -p "$dir"
	find "$dir" -mindepth 1 -maxdepth 1 -exec rm -rf {} +
	chmod 755 "$dir"
	mkdir -p "$dir/pids" "$dir/log" "$dir/scenarios"
	touch "$dir/$LAB_MARKER"
	# The resolv.conf every server sees (see lab_spawn), and the one tests
	# bind-mount over /etc/resolv.conf for programs that use libc's resolver.
	printf 'nameserver %s\noptions trust-ad\n' "$LAB_RESOLVER_ADDR" \
		>"$dir/resolv.conf"
}

# Fail early, and clearly, if another process holds one of our sockets
# (typically a lab started in another directory).
lab_check_ports_free() {
	local line busy=
	local -a wanted=("$LAB_AUTH_ADDR:53" "$LAB_AUTH2_ADDR:53"
		"$LAB_RESOLVER_ADDR:53"
		"$LAB_HTTPS_ADDR:443" "$LAB_SSH_ADDR:$LAB_SSH_PORT"
		"$LAB_IMAP_ADDR:143" "$LAB_IMAP_ADDR:993"
		"$LAB_ACME_ADDR:$LAB_ACME_PORT")
	for line in "${LAB_SCENARIOS[@]}"; do
		scenario_load "$line"
		wanted+=("$S_MX_ADDR:25")
	done
	local listening
	listening=$(ss -Hlntu | awk '{ print $5 }')
	for line in "${wanted[@]}"; do
		if grep -qxF -e "$line" -e "0.0.0.0:${line#*:}" \
			<<<"$listening"; then
			busy+=" $line"
		fi
	done
	[[ -z $busy ]] || lab_die "already in use:$busy (another lab running?)"
}

# The TSIG key for RFC 2136 updates, as knsupdate -y and as BIND key file.
lab_write_tsig() {
	local dir=$1 secret
	secret=$(openssl rand -base64 32)
	echo "hmac-sha256:lab-update:$secret" >"$dir/tsig.key"
	cat >"$dir/tsig.conf" <<-EOF
	key "lab-update" {
	    algorithm hmac-sha256;
	    secret "$secret";
	};
	EOF
	chmod 600 "$dir/tsig.key" "$dir/tsig.conf"
}

lab_write_env() {
	local dir=$1
	cat >"$dir/env.tmp" <<-EOF
	# mxanchor lab in $dir, written by tests/lab/start.sh.
	# Source it; with "set -a" to export the variables.
	MXLAB_DIR="$dir"
	MXLAB_RESOLVER="$LAB_RESOLVER_ADDR"
	MXLAB_AUTH="$LAB_AUTH_ADDR"
	MXLAB_AUTH2="$LAB_AUTH2_ADDR"
	MXLAB_HTTPS="$LAB_HTTPS_ADDR"
	MXLAB_TRUST_ANCHOR="$dir/root.key"
	MXLAB_TRUST_ANCHOR_DS="$dir/root.ds"
	MXLAB_TRUST_ANCHOR_BIND="$dir/anchor.conf"
	MXLAB_CA_FILE="$dir/ca/ca.crt"
	MXLAB_SSH_HOST="$LAB_SSH_ADDR"
	MXLAB_SSH_PORT="$LAB_SSH_PORT"
	MXLAB_SSH_USER="$LAB_SSH_USER"
	MXLAB_SSH_KEY="$dir/ssh/id_ed25519"
	MXLAB_KNOWN_HOSTS="$dir/ssh/known_hosts"
	MXLAB_TSIG="$dir/tsig.key"
	MXLAB_TSIG_BIND="$dir/tsig.conf"
	MXLAB_DOMAINS="$(scenario_domains)"
	MXLAB_RSA_SIGALGS="$LAB_RSA_SIGALGS"
	MXLAB_SCENARIOS="$dir/scenarios"
	MXLAB_RESOLV_CONF="$dir/resolv.conf"
	MXLAB_KNOT_CONF="$dir/knot/knot.conf"
	MXLAB_UNBOUND_CONF="$dir/unbound/unbound.conf"
	MXLAB_POSTFIX_CONFIG="$dir/postfix"
	MXLAB_POSTFIX_CLIENT_CONFIG="$dir/postfix-client"
	MXLAB_LOG_DIR="$dir/log"
	MXLAB_IMAP_ADDR="$LAB_IMAP_ADDR"
	MXLAB_IMAP_USER="$LAB_IMAP_USER"
	MXLAB_IMAP_PASSWORD_FILE="$dir/dovecot/password"
	MXLAB_IMAP_URL="imaps://$LAB_IMAP_ADDR/INBOX"
	MXLAB_IMAP_REPORTS="$LAB_IMAP_DAYS"
	MXLAB_ACME_DIRECTORY="https://$LAB_ACME_ADDR:$LAB_ACME_PORT/dir"
	MXLAB_ACME_ROOTS="https://$LAB_ACME_ADDR:$LAB_ACME_MGMT_PORT/roots/0"
	MXLAB_FLEET_FILE="$( (($(fleet_size) > 0)) && echo "$dir/fleet-domains.txt")"
	EOF
	mv "$dir/env.tmp" "$dir/env"
}

# Generate everything the servers read.
lab_generate() {
	local dir=$1 line sts_id
	lab_write_tsig "$dir"
	pki_init_ca "$dir"
	# One policy id per start: digits only, as RFC 8461 allows.
	sts_id=$(date -u +%Y%m%d%H%M%S)
	for line in "${LAB_SCENARIOS[@]}"; do
		scenario_load "$line"
		scenario_setup "$dir" "$sts_id"
	done
	fleet_setup "$dir"
	knot_setup "$dir" knot "$LAB_AUTH_ADDR"
	unbound_write_conf "$dir" "$LAB_AUTH_ADDR"
	nginx_setup "$dir"
	sshd_setup "$dir"
	postfix_setup "$dir"
	dovecot_setup "$dir"
	pebble_setup "$dir"
}

# Start every server, then wait for each; the waits overlap the start-ups.
lab_start_servers() {
	local dir=$1
	knot_start "$dir" knot
	unbound_start "$dir"
	nginx_start "$dir"
	postfix_start "$dir"
	sshd_start "$dir"
	dovecot_start "$dir"
	pebble_start "$dir"
	knot_wait "$dir" knot "$LAB_AUTH_ADDR"
	knot2_start_stale "$dir"
	unbound_wait "$dir"
	nginx_wait "$dir"
	postfix_wait "$dir"
	postfix_renew_unloaded "$dir"
	sshd_wait "$dir"
	dovecot_wait "$dir"
	pebble_wait "$dir"
}

# On a failed start, stop whatever was started.
lab_on_exit() {
	[[ -n ${LAB_FAILED_DIR:-} ]] || return 0
	lab_log "start failed; stopping the servers (logs in $LAB_FAILED_DIR/log)"
	"$LAB_HOME/stop.sh" "$LAB_FAILED_DIR" >&2 || true
	exit 1
}

main() {
	local dir started
	[[ $# -le 1 ]] || lab_die "usage: start.sh [DIR]"
	[[ $(id -u) -eq 0 ]] ||
		lab_die "must run as root (ports 25, 53, 443; sshd; /run/sshd)"
	dir=$(realpath -m "${1:-$(lab_default_dir)}")
	fleet_add_scenario
	lab_check_dir_name "$dir"
	lab_check_ancestors "$dir"
	lab_check_wipeable "$dir"
	started=$(date +%s%N)
	umask 022

	"$LAB_HOME/stop.sh" "$dir"
	lab_check_ports_free
	lab_prepare_dir "$dir"
	# From here on, a failure must not leave half a lab running.
	LAB_FAILED_DIR=$dir
	trap lab_on_exit EXIT
	lab_generate "$dir"
	lab_start_servers "$dir"
	lab_write_env "$dir"
	LAB_FAILED_DIR=
	lab_log "up in $(( ($(date +%s%N) - started) / 1000000 )) ms;" \
		"env: $dir/env"
}

main "$@"
