#!/usr/bin/env bash
# pending-reset.sh [DIR]: put the reload=pending scenarios back in their
# state, a renewed certificate on disk that Postfix has not loaded.
#
# Other tests reload the lab's Postfix on purpose (a TLSA rollover's
# switch, an ACME renewal hook); after that the running master serves
# the renewed file too.  This names the old file again, reloads, and
# names the renewed one once more without a reload, as start.sh does.
set -euo pipefail

LAB_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
for lib in common scenarios variants postfix; do
	# shellcheck source=/dev/null
	. "$LAB_HOME/lib/$lib.sh"
done

dir=${1:-$(lab_default_dir)}
[[ -r $dir/env ]] || lab_die "no lab in $dir (run tests/lab/start.sh)"

# The SPKI digest of the key ADDR serves on port 25, or nothing.
served_digest() {
	openssl s_client -starttls smtp -connect "$1:25" </dev/null \
	    2>/dev/null | openssl x509 -noout -pubkey 2>/dev/null |
	    openssl pkey -pubin -outform DER 2>/dev/null |
	    openssl dgst -sha256 -r 2>/dev/null | cut -d' ' -f1
}

pending=()
for line in "${LAB_SCENARIOS[@]}"; do
	scenario_load "$line"
	[[ $S_RELOAD == pending ]] || continue
	old="chain_files=$dir/certs/$S_MX_HOST"
	sed -i "s|$old\.next\.pem\$|$old.pem|" "$dir/postfix/master.cf"
	pending+=("$S_MX_ADDR:$(lab_spki_sha256 "$dir/certs/$S_MX_HOST.crt")")
done
postfix -c "$dir/postfix" reload >/dev/null 2>&1

# New sessions reach fresh smtpd processes once the old ones are gone.
for want in "${pending[@]}"; do
	for ((i = 0; i < 50; i++)); do
		[[ $(served_digest "${want%%:*}") == "${want#*:}" ]] && break
		sleep 0.2
	done
done
postfix_renew_unloaded "$dir"
