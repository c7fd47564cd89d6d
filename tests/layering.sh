#!/usr/bin/env bash
# layering.sh: the boundaries between folders hold (HACKING.md).
# Usage: layering.sh SOURCE-ROOT
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tap.sh"
top=${1:-$here/..}

# includes DIR PATTERN: the files under DIR whose #includes match.
includes() {
	grep -lE "^#include [<\"]($2)" "$top/$1"/*.[ch] 2>/dev/null |
	    sed "s|$top/||" | tr '\n' ' '
}

for dir in common probes steps state report; do
	tap_is "$(includes $dir 'n?curses|term\.h|ncursesw')" "" \
	    "$dir/ includes no curses"
done
tap_is "$(includes probes 'state\.h|step\.h|check\.h|observe\.h')" "" \
    "probes/ knows nothing of steps or state"
tap_is "$(includes state 'step\.h|check\.h|observe\.h|dns\.h|smtp\.h')" "" \
    "state/ knows nothing of steps or probes"
tap_is "$(includes common 'dns\.h|smtp\.h|step\.h|state\.h')" "" \
    "common/ depends on nothing of ours"
tap_is "$(grep -lE '\b(printf|puts|fputs)\(' "$top"/probes/*.c \
    "$top"/steps/*.c "$top"/state/*.c "$top"/report/*.c 2>/dev/null |
    tr '\n' ' ')" "" "probes/, steps/, state/ and report/ never print"

tap_done
