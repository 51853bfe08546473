#!/usr/bin/env bash
# scripts/fuzz.sh — build the libFuzzer targets of fuzz/ (clang, ASan + UBSan) and fuzz each one.
#   scripts/fuzz.sh              600 s per target (the release bar), $(nproc) targets at a time
#   scripts/fuzz.sh --smoke      50,000 inputs per target from a fixed seed (what CI runs: the
#                                same inputs every run, so CI fails on a change, not on luck)
#   scripts/fuzz.sh --seconds N  N s per target;  scripts/fuzz.sh ... fuzz_sources  only that target
# Corpora grow in build-fuzz/corpus/<target> (seeded from fuzz/corpus/<target>, kept between
# runs); a crash, leak, sanitizer report or escaped exception stops that target and leaves the
# input in build-fuzz/findings/<target>/. Minimise it (`<target> -minimize_crash=1 FILE`), fix the
# bug, and commit the input to fuzz/corpus/<target>/ so the ctest `fuzz_replay` keeps it fixed.
# Exit status 1 when any target found something. Needs root or sudo for apt-get (clang-16).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=600
limits=()
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) seconds=300; limits=(-seed=1 -runs=50000) ;;
    --seconds) seconds="$2"; shift ;;
    *) targets+=("$1") ;;
  esac
  shift
done

# clang 16: Debian's clang 14 cannot compile the C++20 code these targets share with w2s.
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
if ! command -v clang++-16 >/dev/null || [ ! -e /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a ]; then
  W2S_SKIP_BUILD=1 bash scripts/setup.sh
  echo "[fuzz] installing clang-16 and libFuzzer"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends clang-16 libclang-rt-16-dev
fi

bdir="build-fuzz"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); export CCACHE_BASEDIR="$(pwd)"; fi
cmake -S . -B "$bdir" -G Ninja -DCMAKE_CXX_COMPILER=clang++-16 -DW2S_FUZZ=ON -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -gline-tables-only" "${launcher[@]}" >/dev/null
cmake --build "$bdir" -j "$(nproc)"

if [ "${#targets[@]}" -eq 0 ]; then
  for f in fuzz/fuzz_*.cpp; do targets+=("$(basename "$f" .cpp)"); done
fi
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
run_one() {
  local t="$1" corpus="$bdir/corpus/$1" findings="$bdir/findings/$1/"
  mkdir -p "$corpus" "$findings"
  local log="$bdir/logs/$t.log"
  mkdir -p "$bdir/logs"
  # -rss_limit_mb: libtorch alone takes ~500 MB; -max_len: inputs up to 64 KiB.
  if "$bdir/fuzz/$t" "${limits[@]}" -max_total_time="$seconds" -rss_limit_mb=4096 -max_len=65536 -timeout=30 -print_final_stats=1 \
       -artifact_prefix="$findings" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1; then
    local execs cov
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
    cov=$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1 | grep -oE 'cov: [0-9]+ ft: [0-9]+' || echo "?")
    echo "[fuzz] $t: ok, $(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | grep -o 'in [0-9]*' | tr -d 'in ' || echo "?") s, ${execs} executions, ${cov}, corpus $(ls "$corpus" | wc -l) inputs"
  else
    echo "[fuzz] $t: FOUND A BUG (see $log; input in $findings)"
    grep -E 'ERROR|w2s fuzz|SUMMARY|runtime error' "$log" | head -5 | sed 's/^/    /'
    # The input itself, so a finding on a CI machine can be recreated: base64 -d > file.
    for f in "$findings"*; do
      [ -f "$f" ] && [ "$(stat -c %s "$f")" -le 8192 ] && echo "    $(basename "$f") (base64): $(base64 -w0 "$f")"
    done
    return 1
  fi
}
fail=0
jobs_max="$(nproc)"
pids=()
for t in "${targets[@]}"; do
  run_one "$t" & pids+=($!)
  while [ "$(jobs -rp | wc -l)" -ge "$jobs_max" ]; do sleep 1; done
done
for p in "${pids[@]}"; do wait "$p" || fail=1; done
exit "$fail"
