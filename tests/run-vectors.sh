#!/bin/sh
# tests/run-vectors.sh - `make check` step: run the hardware-captured 286
# real-mode CPU vectors (../shared/cpu-tests/80286-real) through
# tests/cpu/moo-run. SKIP (exit 0) when the vectors are absent; fail when
# fewer than 99.5% of the non-skipped vectors pass.
here=$(dirname "$0")
dir="$here/../../shared/cpu-tests/80286-real"
runner="$here/cpu/moo-run"

if [ ! -d "$dir" ]; then
    echo "SKIP: CPU vectors not found at $dir"
    exit 0
fi
if [ ! -x "$runner" ]; then
    echo "run-vectors: $runner not built (make tests/cpu/moo-run)" >&2
    exit 1
fi
set -- "$dir"/*.MOO.gz
if [ ! -e "$1" ]; then
    echo "SKIP: no .MOO.gz files in $dir"
    exit 0
fi

out=$("$runner" "$@")
status=$?
printf '%s\n' "$out" | tail -n 40
last=$(printf '%s\n' "$out" | tail -n 1)
case "$last" in
*" passed, "*" failed") ;;
*) echo "run-vectors: runner did not finish (status $status)" >&2; exit 1 ;;
esac
printf '%s\n' "$last" | awk '{
    passed = $1; failed = $3; total = passed + failed
    if (total == 0) { print "run-vectors: no vectors ran"; exit 1 }
    rate = 100.0 * passed / total
    printf "run-vectors: %.2f%% of %d non-skipped vectors pass (need 99.5%%)\n", rate, total
    exit (passed * 1000 >= total * 995) ? 0 : 1
}'
