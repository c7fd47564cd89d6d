#!/usr/bin/env bash
# demo.sh: build mxanchor, start the lab, open the wizard on demo.test.
#
# The lab (real DNS, resolver, HTTPS, SMTP and SSH servers on loopback)
# is stopped again when the wizard exits.  Progress is kept in a state
# file of its own, so the demo can be left and resumed.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${MXANCHOR_BUILD:-$top/build}
lab=${MXLAB_DIR:-/tmp/mxanchor-lab}
state=${XDG_STATE_HOME:-$HOME/.local/state}/mxanchor/lab.db
# mxanchor makes the folders of its default state path only.
mkdir -p -m 700 "$(dirname "$state")"

"$top/scripts/deps.sh"
[[ -f $build/build.ninja ]] || meson setup "$build" "$top" >/dev/null
ninja -C "$build" >/dev/null

"$top/tests/lab/start.sh" "$lab"
trap '"$top/tests/lab/stop.sh" "$lab"' EXIT
# shellcheck source=/dev/null
. "$lab/env"

"$build/mxanchor" --state "$state" --resolver "$MXLAB_RESOLVER" \
    --trust-anchor "$MXLAB_TRUST_ANCHOR" --ca-file "$MXLAB_CA_FILE" \
    "${@:-demo.test}"
