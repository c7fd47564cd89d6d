# shellcheck shell=bash
# common.sh: addresses, paths and process helpers shared by the lab scripts.
# shellcheck disable=SC2034 # the constants are used by the sourcing scripts
#
# Sourced by start.sh, stop.sh and selftest.sh; defines functions and
# variables only.  Every address is in 127.0.0.0/8: the lab must never send a
# packet off the machine, and /etc/resolv.conf here points off the machine.

# Addresses and ports.  Other tests read them from DIR/env, not from here.
LAB_AUTH_ADDR=127.0.57.1        # knotd, authoritative for . and test.
LAB_RESOLVER_ADDR=127.0.58.1    # unbound, validating
LAB_HTTPS_ADDR=127.0.80.1       # nginx, MTA-STS policy hosts
LAB_SSH_ADDR=127.0.22.1         # sshd
LAB_SSH_PORT=2222
LAB_SSH_USER=root

# Bounds for bring-up and shutdown, in tenths of a second.
LAB_START_TIMEOUT=${MXLAB_START_TIMEOUT:-150}
LAB_STOP_TIMEOUT=${MXLAB_STOP_TIMEOUT:-50}

# A file in DIR that marks it as a lab directory start.sh may wipe.
LAB_MARKER=.mxanchor-lab

# What a client that can only check RSA signatures offers (keys=dual).
LAB_RSA_SIGALGS=rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pkcs1_sha256

lab_default_dir() {
	echo "${MXLAB_DIR:-/tmp/mxanchor-lab}"
}

lab_log() {
	echo "lab: $*" >&2
}

lab_die() {
	echo "lab: error: $*" >&2
	exit 1
}

# Print the last lines of a log file, indented, if it exists.
lab_log_tail() {
	local file=$1
	[[ -s $file ]] || return 0
	echo "---- last lines of $file" >&2
	tail -n "${2:-20}" "$file" | sed 's/^/    /' >&2
}

# Print the state letter of a process from /proc/PID/stat, or nothing if it is
# gone.  Field 3 follows the command name in parentheses, which may itself
# contain spaces or parentheses, so cut after the last ')'.
lab_proc_state() {
	local stat
	{ stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 0
	stat=${stat##*) }
	echo "${stat%% *}"
}

# Print the start time (clock ticks since boot, field 22) of a process.
lab_proc_starttime() {
	local stat
	{ stat=$(<"/proc/$1/stat"); } 2>/dev/null || return 0
	local -a field
	# After the ')' field 3 is the first word; field 22 is the 20th.
	read -r -a field <<<"${stat##*) }"
	echo "${field[19]}"
}

# True if PID runs (a zombie counts as exited: PID 1 here reaps late).
lab_pid_alive() {
	local state
	state=$(lab_proc_state "$1")
	[[ -n $state && $state != Z && $state != X ]]
}

# Print the PIDs of all descendants of a process.
lab_descendants() {
	local root=$1 pid line file
	local -a field
	local -A parent_of=()
	for file in /proc/[0-9]*/stat; do
		pid=${file#/proc/}
		pid=${pid%/stat}
		{ line=$(<"$file"); } 2>/dev/null || continue
		read -r -a field <<<"${line##*) }"
		parent_of[$pid]=${field[1]}
	done
	local -a queue=("$root")
	while [[ ${#queue[@]} -gt 0 ]]; do
		local cur=${queue[0]}
		queue=("${queue[@]:1}")
		for pid in "${!parent_of[@]}"; do
			if [[ ${parent_of[$pid]} == "$cur" ]]; then
				echo "$pid"
				queue+=("$pid")
			fi
		done
	done
}

# Start a server in the background and record its PID in DIR/pids/NAME.pid.
#
# The command runs in a private mount namespace in which /etc/resolv.conf is
# the lab's (nameserver 127.0.58.1): if a server ever uses the system
# resolver by accident, the query still stays on the machine.  unshare and
# sh both exec, so $! is the server's own PID.  Output goes to
# DIR/log/NAME.out.
lab_spawn() {
	local dir=$1 name=$2
	shift 2
	unshare --mount --propagation private -- \
		sh -c 'mount --bind "$1" /etc/resolv.conf && shift && exec "$@"' \
		sh "$dir/resolv.conf" "$@" \
		</dev/null >"$dir/log/$name.out" 2>&1 &
	local pid=$!
	echo "$pid" >"$dir/pids/$name.pid"
	# Recorded so that stop.sh never signals a recycled PID.  Read it once
	# the exec chain is done (the start time does not change across exec).
	lab_proc_starttime "$pid" >"$dir/pids/$name.start"
}

# Wait until CHECK (a command) succeeds, at most LAB_START_TIMEOUT tenths of
# a second.  Fail with the server's logs if its process died or time ran out.
# Usage: lab_wait DIR NAME LOGFILE CHECK...
lab_wait() {
	local dir=$1 name=$2 logfile=$3
	shift 3
	local pid tries=0 out
	pid=$(cat "$dir/pids/$name.pid")
	until out=$("$@" 2>&1); do
		if ! lab_pid_alive "$pid"; then
			lab_log "$name (pid $pid) exited during start-up"
			lab_log_tail "$dir/log/$name.out"
			lab_log_tail "$logfile"
			return 1
		fi
		if ((++tries > LAB_START_TIMEOUT)); then
			lab_log "$name did not answer within" \
				"$((LAB_START_TIMEOUT / 10)) s: $*"
			[[ -z $out ]] || lab_log "last check said: $out"
			lab_log_tail "$dir/log/$name.out"
			lab_log_tail "$logfile"
			return 1
		fi
		sleep 0.1
	done
}

# True if a TCP connection to ADDR:PORT succeeds.
lab_tcp_open() {
	timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/$2"' sh "$1" "$2" 2>/dev/null
}

# True if the first line the server at ADDR:PORT sends starts with PREFIX.
lab_banner_is() {
	timeout 2 bash -c '
		exec 3<>"/dev/tcp/$1/$2" || exit 1
		IFS= read -r -t 2 line <&3 || exit 1
		[[ $line == "$3"* ]]' sh "$1" "$2" "$3" 2>/dev/null
}

# Print the SHA-256 digest of the SubjectPublicKeyInfo of a certificate or
# of a private key (file ending in .key): the data of a TLSA 3 1 1 record.
lab_spki_sha256() {
	local file=$1
	if [[ $file == *.key ]]; then
		openssl pkey -in "$file" -pubout -outform DER
	else
		openssl x509 -in "$file" -noout -pubkey |
			openssl pkey -pubin -outform DER
	fi | openssl dgst -sha256 -r | cut -d' ' -f1
}
