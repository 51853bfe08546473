#!/usr/bin/env bash
# scripts/sanitize.sh — the library and the unit tests built with AddressSanitizer,
# UndefinedBehaviorSanitizer and libstdc++'s assertions (-D_GLIBCXX_ASSERTIONS), then ctest -L unit
# (which includes fuzz_replay: every committed fuzz input, through the full library).
# The nightly sanitizer job: a second full build does not fit CI's budget next to the default one
# (CI runs scripts/fuzz.sh --smoke instead: the parsers of outside files under both sanitizers).
#   scripts/sanitize.sh            build in build-asan, run the unit tests
#   scripts/sanitize.sh -R Token   extra arguments go to ctest
set -euo pipefail
cd "$(dirname "$0")/.."
W2S_SKIP_BUILD=1 bash scripts/setup.sh
bdir="build-asan"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); export CCACHE_BASEDIR="$(pwd)"; fi
cmake -S . -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1" -DW2S_SANITIZE=ON \
  -DW2S_BUILD_BENCH=OFF "${launcher[@]}" >/dev/null
# Only what `ctest -L unit` runs: the unit test programs, and the fuzz targets fuzz_replay drives.
mapfile -t targets < <(cd "$bdir" && ctest -N -L unit | awk '/Test +#/ {print $3}' | grep -v '^fuzz_replay$')
for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
cmake --build "$bdir" -j "$(nproc)" --target "${targets[@]}"
# Leaks: libtorch keeps allocations in process-lifetime singletons; suppressions name them.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$(pwd)/scripts/lsan.supp:print_suppressions=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$bdir"
ctest --output-on-failure -j "$(nproc)" -L unit --timeout 1800 "$@"
