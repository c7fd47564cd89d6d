#!/usr/bin/env bash
# stop.sh [DIR]: stop the lab servers recorded in DIR/pids.
#
# Servers are found by recorded PID only, never by name, and a PID counts
# only if its start time still matches the one recorded (no recycled PIDs).
# Their descendants (Postfix children, nginx workers, ssh sessions) are
# collected first.  All get SIGTERM at once, then we wait for all of them
# (a zombie counts as exited: PID 1 here reaps late), and whatever remains
# after MXLAB_STOP_TIMEOUT tenths of a second gets SIGKILL.  Idempotent:
# nothing to stop is success.
set -euo pipefail

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib/common.sh
. "$LAB_HOME/lib/common.sh"

# "pid:starttime" of every process to stop.
declare -a TARGETS=()

# Add the recorded server NAME and its descendants to TARGETS, if it runs.
collect_server() {
	local pidfile=$1 pid start child
	pid=$(<"$pidfile")
	start=$(cat "${pidfile%.pid}.start" 2>/dev/null || true)
	[[ $pid =~ ^[0-9]+$ ]] || return 0
	lab_pid_alive "$pid" || return 0
	if [[ -n $start && $(lab_proc_starttime "$pid") != "$start" ]]; then
		lab_log "stop: ${pidfile##*/}: pid $pid was reused, skipping"
		return 0
	fi
	TARGETS+=("$pid:$(lab_proc_starttime "$pid")")
	for child in $(lab_descendants "$pid"); do
		TARGETS+=("$child:$(lab_proc_starttime "$child")")
	done
}

# True if the target "pid:start" still runs as the same process.
target_alive() {
	local pid=${1%%:*} start=${1#*:}
	lab_pid_alive "$pid" && [[ $(lab_proc_starttime "$pid") == "$start" ]]
}

# Send SIGNAL to every target still running.
signal_targets() {
	local sig=$1 t
	for t in "${TARGETS[@]}"; do
		if target_alive "$t"; then
			kill "-$sig" "${t%%:*}" 2>/dev/null || true
		fi
	done
}

# Wait up to TENTHS tenths of a second for every target to exit; print the
# ones left.
wait_targets() {
	local tenths=$1 t
	local -a left
	while :; do
		left=()
		for t in "${TARGETS[@]}"; do
			target_alive "$t" && left+=("${t%%:*}")
		done
		[[ ${#left[@]} -eq 0 || $tenths -le 0 ]] && break
		sleep 0.1
		tenths=$((tenths - 1))
	done
	echo "${left[*]}"
}

main() {
	local dir pidfile left started
	[[ $# -le 1 ]] || lab_die "usage: stop.sh [DIR]"
	dir=$(realpath -m "${1:-$(lab_default_dir)}")
	# Only a directory start.sh made; its pids/ holds what we started.
	[[ -e $dir/$LAB_MARKER && -d $dir/pids ]] || return 0
	started=$(date +%s%N)

	for pidfile in "$dir"/pids/*.pid; do
		[[ -e $pidfile ]] && collect_server "$pidfile"
	done
	if [[ ${#TARGETS[@]} -gt 0 ]]; then
		signal_targets TERM
		left=$(wait_targets "$LAB_STOP_TIMEOUT")
		if [[ -n $left ]]; then
			lab_log "stop: SIGKILL to what outlived SIGTERM: $left"
			signal_targets KILL
			left=$(wait_targets 20)
			[[ -z $left ]] || lab_die "stop: could not stop: $left"
		fi
		lab_log "stopped ${#TARGETS[@]} processes in" \
			"$(( ($(date +%s%N) - started) / 1000000 )) ms"
	fi
	rm -f "$dir"/pids/*.pid "$dir"/pids/*.start
}

main "$@"
