#!/usr/bin/env bash
# The test command: builds (scripts/build.sh, which also installs packages)
# and runs the whole ctest suite one test at a time (2 cores; per-test
# timeouts live in CMake). Exits non-zero if the build or any test fails.
set -euo pipefail

me="test.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."   # repo root, whatever the caller's cwd

build_dir="${GW_BUILD_DIR:-build}"

if ! bash scripts/build.sh; then
    echo "$me: FAILED: the build failed, no test ran" >&2
    exit 1
fi

# Keep a copy of ctest's output to count results from.
log="$build_dir/ctest-output.log"
rc=0
# --no-tests=error: a suite that finds no test must not look green.
ctest --test-dir "$build_dir" --output-on-failure -j1 --no-tests=error 2>&1 | tee "$log" || rc=$?

# ctest ends with "NN% tests passed, F tests failed out of T".
passed=0 failed=0
if line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n1); then
    failed=$(sed -E 's/.* ([0-9]+) tests? failed.*/\1/' <<<"$line")
    total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
    passed=$((total - failed))
fi

if ((rc != 0)); then
    echo "$me: FAILED (ctest exit code $rc, log: $log)" >&2
    echo "summary: $passed passed, $failed failed"
    exit "$rc"
fi
echo "$me: all tests passed (log: $log)"
echo "summary: $passed passed, $failed failed"
