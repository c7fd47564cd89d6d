#!/usr/bin/env bash
# docs.sh: the manual page, --help and bash completion agree with the
# program.  Usage: docs.sh SOURCE-ROOT MXANCHOR
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/tap.sh"
top=${1:?usage: docs.sh SOURCE-ROOT MXANCHOR}
mx=${2:?usage: docs.sh SOURCE-ROOT MXANCHOR}
man=$top/doc/mxanchor.1
completion=$top/contrib/bash-completion/mxanchor

warnings=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
tap_is "$warnings" "" "the manual page formats without a warning"

commands=$("$mx" --help |
    sed -n 's/^       mxanchor \[options\] \([a-z-]*\).*/\1/p')
tap_like "$commands" "check" "--help lists the commands"

# Completion: what bash would offer after the given words.
# shellcheck source=/dev/null
. "$completion"
complete_words() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_mxanchor
	printf '%s\n' "${COMPREPLY[@]}"
}

for cmd in $commands; do
	"$mx" "$cmd" --help >"$TMPDIR/help.$$" 2>&1
	tap_is "$?:$(head -1 "$TMPDIR/help.$$" | cut -d' ' -f1-4)" \
	    "0:usage: mxanchor [options] $cmd" "$cmd --help shows its usage"
	# troff writes a hyphen in a name as "\-".
	grep -qE "^\.(B|BI|BR) \"?${cmd//-/\\\\?-}( |\$)" "$man"
	tap_is "$?" 0 "the manual page describes $cmd"
	tap_like "$(complete_words mxanchor "${cmd:0:2}")" "$cmd" \
	    "bash completes the command $cmd"
	# Every option of the command's help is offered after the command.
	offered=$(complete_words mxanchor "$cmd" -- | tr '\n' ' ')
	missing=
	for opt in $(grep -oE '^  --[a-z-]+' "$TMPDIR/help.$$"); do
		[[ " $offered " == *" $opt "* ]] || missing+=" $opt"
	done
	tap_is "$missing" "" "bash completion offers every option of $cmd"
	rm -f "$TMPDIR/help.$$"
done

offered=$(complete_words mxanchor -- | tr '\n' ' ')
missing=
for opt in $("$mx" --help | grep -oE '^  (-[a-zA-Z], )?--[a-z-]+' |
    grep -oE -- '--[a-z-]+'); do
	[[ " $offered " == *" $opt "* ]] || missing+=" $opt"
	grep -q -- "${opt//-/\\\\-}" "$man" || missing+=" man:$opt"
done
tap_is "$missing" "" "every global option is completed and in the manual"
tap_is "$(complete_words mxanchor report x.test --format "" | tr '\n' ' ')" \
    "md html " "bash completes the report formats"
tap_like "$(complete_words mxanchor inventory x.test "" | tr '\n' ' ')" \
    "add-recovery" "bash completes the inventory actions"

tap_done
