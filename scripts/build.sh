#!/usr/bin/env bash
# Configures and builds Groundwork (Release, Ninja, ccache) into
# ${GW_BUILD_DIR:-build}. Set GW_SKIP_SETUP=1 to skip the package check.
set -euo pipefail

me="build.sh"
cd "$(dirname "${BASH_SOURCE[0]}")/.."   # repo root, whatever the caller's cwd

build_dir="${GW_BUILD_DIR:-build}"

if [[ "${GW_SKIP_SETUP:-0}" != 1 ]]; then
    bash scripts/setup.sh
fi

# ccache (picked up by CMakeLists.txt) keeps rebuilds on 2 cores bearable.
# The base directory makes paths inside the checkout relative in ccache's
# hashes, so a fresh clone elsewhere (CI's) reuses what an earlier one compiled.
export CCACHE_DIR="${CCACHE_DIR:-${HOME:-/root}/.cache/ccache}"
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
mkdir -p "$CCACHE_DIR"

# A build dir configured with another generator makes "cmake -G Ninja" fail:
# drop just its cache so it is configured afresh.
cache="$build_dir/CMakeCache.txt"
if [[ -f $cache ]] && ! grep -qx 'CMAKE_GENERATOR:INTERNAL=Ninja' "$cache"; then
    echo "$me: $build_dir was not configured for Ninja; removing its CMake cache"
    rm -rf "$cache" "$build_dir/CMakeFiles"
fi

# Configuring every time is cheap and picks up edited CMakeLists.txt files.
echo "$me: configuring $build_dir"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release

echo "$me: building $build_dir"
cmake --build "$build_dir" -j2
echo "$me: build OK ($build_dir)"
