#!/usr/bin/env bash
# dane.sh: the wizard's DNSSEC and TLSA steps name the fault.
#
# bogus.test: the DNSSEC step names the broken link and offers the right
# DS; the TLSA step says lookups fail.  tanochain.test: the TLSA step
# says the server does not send its trust anchor.  expiring.test, with
# the clock pinned 3 days before the signatures expire: the DNSSEC step
# warns with the date.  The screens are the generic findings and
# artifacts, so this checks that the steps' output reaches the wizard.
#
# Usage: dane.sh [BUILD_DIR]   (lab env from $MXLAB_DIR/env)
set -uo pipefail
. "$(dirname "$0")/lib.sh"
tui_init "$@"
tui_lab_args

UTF8=(LANG=C.UTF-8 LC_ALL=C.UTF-8)
ARGS=(--state "$TUI_TMP/state.db" "${TUI_LAB_ARGS[@]}")

# open DOMAIN [ARGS...]: the wizard on DOMAIN, once its check is done.
open_domain() {
	local d=$1
	shift
	tui_start 100 40 "${UTF8[@]}" -- "${ARGS[@]}" "$@" "$d"
	tui_wait "checked ${d//./\\.} in" 30
}

quit() {
	tui_keys q
	tui_exit_status 5 >/dev/null
}

if open_domain bogus.test; then
	tui_keys j
	if tui_wait_all 5 'Step 2 of 7: DNSSEC' 'breaks at bogus\.test' \
	    'dnssec\.ds-mismatch' 'DS records for the parent zone'; then
		ok dane-bogus-dnssec
	else
		fail dane-bogus-dnssec "the broken link is not named"
	fi
	tui_keys j
	if tui_wait_all 5 'Step 3 of 7: DANE TLSA' 'TLSA lookups fail' \
	    'tlsa\.bogus'; then
		ok dane-bogus-tlsa
	else
		fail dane-bogus-tlsa "the TLSA step does not say lookups fail"
	fi
	quit
else
	fail dane-bogus-dnssec "the check of bogus.test did not finish"
fi

if open_domain tanochain.test; then
	tui_keys j j
	if tui_wait_all 5 'Step 3 of 7: DANE TLSA' 'tlsa\.ta-not-sent' \
	    'sends 1 certificate' 'trust anchor not sent'; then
		ok dane-ta-not-sent
	else
		fail dane-ta-not-sent "the missing trust anchor is not named"
	fi
	quit
else
	fail dane-ta-not-sent "the check of tanochain.test did not finish"
fi

. "$MXLAB_SCENARIOS/expiring.test.env"
when=$(date -u -d "@$SIG_EXPIRES" +%Y-%m-%dT%H:%M:%SZ)
if open_domain expiring.test --now "$((SIG_EXPIRES - 3 * 86400))"; then
	tui_keys j
	if tui_wait_all 5 'Step 2 of 7: DNSSEC' '! warn' \
	    "expire at $when" 'dnssec\.rrsig-expiring'; then
		ok dane-expiring
	else
		fail dane-expiring "no warning with the expiry date"
	fi
	quit
else
	fail dane-expiring "the check of expiring.test did not finish"
fi

tui_sanitizer_check dane-sanitizers
tui_finish
