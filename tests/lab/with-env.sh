#!/usr/bin/env bash
# with-env.sh CMD...: runs CMD with the running lab's variables exported.
set -euo pipefail
env=${MXLAB_DIR:-/tmp/mxanchor-lab}/env
if [[ ! -f $env ]]; then
	echo "Bail out! the lab is not running ($env missing)"
	exit 1
fi
set -a
# shellcheck source=/dev/null
. "$env"
set +a
exec "$@"
