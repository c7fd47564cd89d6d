#!/usr/bin/env bash
# long.sh: every fuzz harness under libFuzzer for a long time, one after
# the other (2 cores are shared: no -jobs).  Usage: long.sh [SECONDS]
# (per harness, default 3600).  Builds build-fuzz (clang, ASan, UBSan)
# if needed; the corpus each run grows is kept in build-fuzz, so the
# next run starts from it.  Prints executions per harness; exits 1 when
# one crashed, leaving its input (crash-*, leak-*, timeout-*) in
# build-fuzz/tests/fuzz.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-3600}
build=${MXANCHOR_FUZZ_LONG_BUILD:-$top/build-fuzz}

if [[ ! -f $build/build.ninja ]]; then
	CC=clang meson setup "$build" "$top" -Dfuzz=true \
	    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null ||
	    exit 1
fi
ninja -C "$build" >/dev/null || exit 1
export LSAN_OPTIONS=suppressions=$top/tests/fuzz/lsan.supp

failed=0
cd "$build/tests/fuzz" || exit 1
for exe in fuzz_*; do
	[[ -x $exe && ! -d $exe ]] || continue
	name=${exe#fuzz_}
	# Seeds: corpus/NAME, or for txt corpus/sts_txt and tlsrpt_txt.
	seeds=("$top/tests/fuzz/corpus/$name")
	[[ -d ${seeds[0]} ]] || seeds=("$top/tests/fuzz/corpus/"*"_$name")
	mkdir -p "corpus-$name"
	"./$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 \
	    -print_final_stats=1 "corpus-$name" "${seeds[@]}" \
	    >"long-$name.log" 2>&1
	status=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "long-$name.log")
	echo "fuzz $name: ${runs:-?} executions in $seconds s," \
	    "$([[ $status == 0 ]] && echo ok || echo "FAILED ($status)")"
	[[ $status == 0 ]] || failed=1
done
exit "$failed"
