# lib.sh: drive the real mxanchor binary inside a private tmux server.
#
# Sourced by the tests in this folder.  Usage in a test:
#
#	. "$(dirname "$0")/lib.sh"
#	tui_init "$@"			# build dir, lab, temp dir, tmux
#	tui_start 100 30 VAR=X -- ARGS	# mxanchor ARGS in a fresh pane
#	tui_wait 'regex' || fail ...	# poll the screen until it matches
#	tui_keys j j
#	tui_exit_status			# waits for the program to exit
#
# Every run gets its own tmux socket (-L mxtest-PID, -f /dev/null, TERM
# screen), its own temporary folder and, under sanitizers, its own
# ASAN/UBSAN log files, which tui_sanitizer_check turns into failures.
# The EXIT trap kills our tmux server and removes the folder.

TUI_FAILED=0
TUI_N=0

# Results are TAP lines, so meson counts each check.
ok() {
	TUI_N=$((TUI_N + 1))
	echo "ok $TUI_N - $1"
}

fail() {
	local name=$1
	shift
	TUI_N=$((TUI_N + 1))
	echo "not ok $TUI_N - $name${*:+: $*}"
	TUI_FAILED=1
}

# Prints the screen, indented, to stderr (for failures).
tui_dump() {
	echo "---- screen" >&2
	printf '%s\n' "$TUI_SCREEN" | sed 's/^/    |/' >&2
	if [[ -s $TUI_TMP/stderr ]]; then
		echo "---- stderr" >&2
		sed 's/^/    /' "$TUI_TMP/stderr" >&2
	fi
}

tui_cleanup() {
	[[ -n ${TUI_TMUX-} ]] && $TUI_TMUX kill-server 2>/dev/null
	[[ -n ${TUI_TMP-} && -d $TUI_TMP ]] && rm -rf -- "$TUI_TMP"
	return 0
}

# tui_init [BUILD_DIR]: finds the binary and the lab, starts tmux.
tui_init() {
	local build=${1:-build} env_file

	TUI_BIN=$(cd "$build" 2>/dev/null && pwd)/mxanchor
	if [[ ! -x $TUI_BIN ]]; then
		echo "FAIL setup: no mxanchor binary in $build"
		exit 1
	fi
	env_file=${MXLAB_DIR:-/tmp/mxanchor-lab}/env
	if [[ ! -r $env_file ]]; then
		echo "FAIL setup: no lab ($env_file); start tests/lab/start.sh"
		exit 1
	fi
	# shellcheck disable=SC1090
	. "$env_file"
	if ! command -v tmux >/dev/null; then
		echo "FAIL setup: tmux is not installed"
		exit 1
	fi

	TUI_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mxtui.XXXXXX")
	# The socket too lives in the temporary folder, and goes with it.
	export TMUX_TMPDIR=$TUI_TMP
	unset TMUX
	TUI_TMUX="tmux -L mxtest-$$ -f /dev/null"
	trap tui_cleanup EXIT

	# Sanitizer reports go to files we can look at; the TUI keeps stderr.
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}log_path=$TUI_TMP/asan
	ASAN_OPTIONS+=:fast_unwind_on_malloc=0
	UBSAN_OPTIONS=${UBSAN_OPTIONS:+$UBSAN_OPTIONS:}log_path=$TUI_TMP/ubsan
	UBSAN_OPTIONS+=:print_stacktrace=1
	export ASAN_OPTIONS UBSAN_OPTIONS
	# The lab CA only: never the system store.
	export SSL_CERT_FILE=$MXLAB_CA_FILE CURL_CA_BUNDLE=$MXLAB_CA_FILE
	unset SSL_CERT_DIR

	# An idle pane holds the server; panes stay after the program exits.
	$TUI_TMUX new-session -d -s mx -x 100 -y 30 'sleep 86400' || {
		echo "FAIL setup: cannot start tmux"
		exit 1
	}
	$TUI_TMUX set-option -g remain-on-exit on
	$TUI_TMUX set-option -g default-terminal screen
	$TUI_TMUX set-option -g status off
}

# The lab options every run needs.
tui_lab_args() {
	TUI_LAB_ARGS=(--resolver "$MXLAB_RESOLVER"
	    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE"
	    --timeout 5)
}

# tui_start COLS LINES [VAR=VALUE...] -- ARGS...: runs mxanchor in the pane.
tui_start() {
	local cols=$1 lines=$2 cmd
	shift 2
	local -a envs=()
	while [[ $# -gt 0 && $1 != -- ]]; do
		envs+=("$1")
		shift
	done
	[[ ${1-} == -- ]] && shift

	rm -f "$TUI_TMP/exit"
	: >"$TUI_TMP/stderr"
	$TUI_TMUX resize-window -t mx -x "$cols" -y "$lines"
	# The shell ignores SIGINT (the program sets its own handler), so a
	# Ctrl-C that kills the program still lets it record the status; it
	# then stays, so that tmux shows the terminal as the program left it.
	printf -v cmd '%q ' env TERM=screen "${envs[@]}" "$TUI_BIN" "$@"
	cmd="trap '' INT; $cmd 2>>$(printf %q "$TUI_TMP/stderr")"
	cmd="$cmd; echo \$? >$(printf %q "$TUI_TMP/exit"); exec sleep 86400"
	$TUI_TMUX respawn-pane -k -t mx "$cmd"
}

# Captures the screen into TUI_SCREEN (-e: with attributes).
tui_capture() {
	TUI_SCREEN=$($TUI_TMUX capture-pane -p "$@" -t mx 2>/dev/null)
}

# tui_wait REGEX [SECONDS]: polls the screen until an extended regex
# matches; 1 (and the screen on stderr) on timeout.
tui_wait() {
	local re=$1 tenths=$((${2:-20} * 10)) i
	for ((i = 0; i < tenths; i++)); do
		tui_capture
		grep -qE -- "$re" <<<"$TUI_SCREEN" && return 0
		[[ -e $TUI_TMP/exit ]] && break
		sleep 0.1
	done
	tui_capture
	grep -qE -- "$re" <<<"$TUI_SCREEN" && return 0
	echo "timed out waiting for /$re/" >&2
	tui_dump
	return 1
}

# tui_wait_all SECONDS REGEX...: polls until one capture matches every
# regex.  A screen is drawn in pieces, so checking a second pattern in a
# later look could pair the new title with an old body.
tui_wait_all() {
	local tenths=$(($1 * 10)) i re all
	shift
	for ((i = 0; i <= tenths; i++)); do
		tui_capture
		all=1
		for re in "$@"; do
			grep -qE -- "$re" <<<"$TUI_SCREEN" || { all=0; break; }
		done
		[[ $all -eq 1 ]] && return 0
		[[ -e $TUI_TMP/exit ]] && break
		sleep 0.1
	done
	echo "timed out waiting for /$re/ (with: $*)" >&2
	tui_dump
	return 1
}

# tui_has REGEX: does the current capture match (no waiting)?
tui_has() {
	grep -qE -- "$1" <<<"$TUI_SCREEN"
}

tui_keys() {
	$TUI_TMUX send-keys -t mx "$@"
}

# tui_exit_status [SECONDS]: waits for the program; prints its status.
tui_exit_status() {
	local tenths=$((${1:-10} * 10)) i
	for ((i = 0; i < tenths; i++)); do
		if [[ -s $TUI_TMP/exit ]]; then
			cat "$TUI_TMP/exit"
			return 0
		fi
		sleep 0.1
	done
	echo timeout
	return 1
}

# Fails NAME if a sanitizer wrote a report during the runs so far.
tui_sanitizer_check() {
	local f found=0
	for f in "$TUI_TMP"/asan.* "$TUI_TMP"/ubsan.*; do
		# A log may only list the suppressions that were used.
		[[ -e $f ]] && grep -qE 'ERROR|runtime error' "$f" || continue
		found=1
		echo "---- $f" >&2
		sed 's/^/    /' "$f" >&2
	done
	if ((found)); then
		fail "$1" "sanitizer report"
	else
		ok "$1"
	fi
}

tui_finish() {
	echo "1..$TUI_N"
	exit "$TUI_FAILED"
}

# Golden screens.  tui_golden NAME compares the current screen, with its
# volatile parts masked, to golden/NAME.txt next to this file; with
# GENERATE=1 in the environment it writes that file instead.  Masks keep
# every line's length, so a golden file shows the real layout: times and
# dates become letters, digests x's, durations N, the temporary folder
# XXXXXX.
TUI_GOLDEN_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/golden

tui_mask() {
	sed -E \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/YYYY-MM-DDTHH:MM:SSZ/g' \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}/YYYY-MM-DD HH:MM/g' \
	    -e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}/YYYY-MM-DD/g' \
	    -e 's/(from|MTA-STS) [0-9]{2}-[0-9]{2}/\1 MM-DD/g' \
	    -e 's/[0-9a-f]{64}/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/g' \
	    -e 's/ in [0-9]+ ms/ in N ms/g; s/ in [0-9]+\.[0-9] s/ in N.N s/g' \
	    -e 's/mxtui\.[A-Za-z0-9]{6}/mxtui.XXXXXX/g'
}

# tui_golden NAME: 0 when the masked screen matches golden/NAME.txt.
tui_golden() {
	local name=$1 want=$TUI_GOLDEN_DIR/$1.txt got
	tui_capture
	got=$(tui_mask <<<"$TUI_SCREEN")
	if [[ ${GENERATE:-} == 1 ]]; then
		mkdir -p "$TUI_GOLDEN_DIR"
		printf '%s\n' "$got" >"$want"
		echo "# wrote $want" >&2
		return 0
	fi
	if [[ ! -f $want ]]; then
		echo "no golden file $want (run with GENERATE=1)" >&2
		return 1
	fi
	if [[ $got != "$(cat "$want")" ]]; then
		echo "screen differs from $want:" >&2
		diff <(cat "$want") <(printf '%s\n' "$got") | sed 's/^/    /' >&2
		return 1
	fi
	return 0
}

# tui_golden_wait SECONDS NAME REGEX...: waits until one capture matches
# every regex (see tui_wait_all), then compares it with the golden file.
tui_golden_wait() {
	local seconds=$1 name=$2
	shift 2
	tui_wait_all "$seconds" "$@" && tui_golden "$name"
}
