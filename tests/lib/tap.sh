# tap.sh: a few helpers that print TAP (https://testanything.org), which
# meson counts test by test.  Source it, call the checks, then tap_done.

tap_n=0
tap_failed=0

# tap_result STATUS NAME: "ok" when the status is 0.
tap_result() {
	local status=$1; shift
	tap_n=$((tap_n + 1))
	if [[ $status -eq 0 ]]; then
		echo "ok $tap_n - $*"
	else
		echo "not ok $tap_n - $*"
		tap_failed=$((tap_failed + 1))
	fi
}

# tap_is GOT WANT NAME
tap_is() {
	local got=$1 want=$2; shift 2
	if [[ $got == "$want" ]]; then
		tap_result 0 "$*"
	else
		tap_result 1 "$*"
		echo "#   got:  '$got'"
		echo "#   want: '$want'"
	fi
}

# tap_like GOT SUBSTRING NAME
tap_like() {
	local got=$1 want=$2; shift 2
	if [[ $got == *"$want"* ]]; then
		tap_result 0 "$*"
	else
		tap_result 1 "$*"
		echo "#   '${got:0:300}' does not contain '$want'"
	fi
}

tap_diag() {
	echo "# $*"
}

tap_done() {
	echo "1..$tap_n"
	[[ $tap_failed -eq 0 ]]
}

# Loads the lab's environment, or fails the whole file clearly.
lab_env() {
	local env=${MXLAB_DIR:-/tmp/mxanchor-lab}/env
	if [[ ! -f $env ]]; then
		echo "Bail out! the lab is not running ($env missing):" \
		    "start it with tests/lab/start.sh"
		exit 1
	fi
	# shellcheck source=/dev/null
	. "$env"
	# Nothing below may fall back to the system's CA store or resolver.
	export SSL_CERT_FILE=$MXLAB_CA_FILE SSL_CERT_DIR=/nonexistent
	export CURL_CA_BUNDLE=$MXLAB_CA_FILE
}
