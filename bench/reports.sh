#!/usr/bin/env bash
# reports.sh: how fast `mxanchor reports import` ingests TLS-RPT reports.
#
# Generates N gzipped reports (default 10000; RFC 8460 §5.1 file names,
# 30 domains, a failure detail in every fifth), imports them into a fresh
# state, imports them again (all duplicates), and prints reports per
# second and the peak resident memory of each run, then the time of a
# summary over them.  Needs a built mxanchor (an optimised build gives
# the real figures; the sanitizer build is several times slower).
#
# Usage: bench/reports.sh [BUILD_DIR] [N]
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-10000}
mx=$build/mxanchor
[[ -x $mx ]] || { echo "reports.sh: no mxanchor in $build" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Python comes with meson, so the build machine has it.
python3 - "$tmp/in" "$n" <<'EOF'
import gzip, json, os, sys
out, n = sys.argv[1], int(sys.argv[2])
os.makedirs(out)
day0 = 1796169600 - 60 * 86400
for i in range(n):
    domain = "d%02d.example" % (i % 30)
    begin = day0 + (i // 30 % 60) * 86400
    policy = {"policy": {"policy-type": "sts", "policy-domain": domain,
              "policy-string": ["version: STSv1", "mode: testing",
                                "mx: mx.%s" % domain, "max_age: 86400"],
              "mx-host": ["mx.%s" % domain]},
              "summary": {"total-successful-session-count": 100 + i % 7,
                          "total-failure-session-count": i % 5 == 0}}
    if i % 5 == 0:
        policy["failure-details"] = [{"result-type": "certificate-expired",
            "sending-mta-ip": "192.0.2.%d" % (i % 250),
            "receiving-mx-hostname": "mx.%s" % domain,
            "failed-session-count": 1}]
    report = {"organization-name": "Bench Reporter %d" % (i % 7),
              "date-range": {"start-datetime": "", "end-datetime": ""},
              "contact-info": "tlsrpt@bench.example",
              "report-id": "bench-%d" % i, "policies": [policy]}
    from datetime import datetime, timezone
    fmt = "%Y-%m-%dT%H:%M:%SZ"
    report["date-range"]["start-datetime"] = datetime.fromtimestamp(
        begin, timezone.utc).strftime(fmt)
    report["date-range"]["end-datetime"] = datetime.fromtimestamp(
        begin + 86399, timezone.utc).strftime(fmt)
    name = "bench.example!%s!%d!%d!bench-%d.json.gz" % (domain, begin,
                                                         begin + 86399, i)
    with open(os.path.join(out, name), "wb") as f:
        f.write(gzip.compress(json.dumps(report).encode(), mtime=0))
EOF
echo "generated $n gzipped reports ($(du -sh "$tmp/in" | cut -f1))"

# run LABEL ARGS...: wall time and peak RSS of one mxanchor run.
run() {
	local label=$1
	shift
	python3 - "$label" "$n" "$@" <<'EOF'
import resource, subprocess, sys, time
label, n, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
start = time.monotonic()
res = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
took = time.monotonic() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
if res.returncode != 0:
    sys.stderr.write(res.stderr.decode())
    sys.exit("%s: exit %d" % (label, res.returncode))
line = res.stdout.decode().strip().splitlines()[-1] if res.stdout else ""
rate = " %.0f reports/s," % (n / took) if n else ""
print("%-22s %6.2f s,%s peak RSS %.1f MiB  (%s)" % (label, took, rate,
      rss / 1024, line[:60]))
EOF
}

state=(--state "$tmp/state.db" --now 2026-12-03T12:00:00)
run "import (new)" "$mx" "${state[@]}" reports import "$tmp/in"
run "import (duplicates)" "$mx" "${state[@]}" reports import "$tmp/in"
n=0 run "summary, 60 days" "$mx" "${state[@]}" reports summary d07.example \
    --days 60 --json
echo "state file: $(du -h "$tmp/state.db" | cut -f1)"
