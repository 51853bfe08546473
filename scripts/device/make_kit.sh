#!/usr/bin/env bash
# Pack what a GPU machine lent through the workplace's `device` tool lacks into .devkit/ (git-ignored;
# name it in the call's `carry`): the header-only and small Debian -dev packages w2s builds against
# (mirrored under .devkit/usr so their CMake configs relocate), and the prepared data (the corpus,
# compressed; the tokenizer; the built-in tasks). The machine has CUDA, PyTorch (its libtorch),
# CMake and Ninja, and no network. scripts/device/family_gpu.sh is the command that uses it.
#   bash scripts/device/make_kit.sh        (after scripts/setup.sh; about 2.5 min for xz on 2 cores)
#   KIT_GENERAL=0 bash scripts/device/make_kit.sh   (the chess family only: after scripts/chess_data.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
kit=.devkit
arch=$(gcc -dumpmachine)
rm -rf "$kit.tmp" && mkdir -p "$kit.tmp/usr/include" "$kit.tmp/usr/lib/$arch/cmake" "$kit.tmp/usr/share/cmake" "$kit.tmp/data"
# Headers and CMake configs of the -dev packages (dpkg -L keeps this in step with what is installed).
for pkg in nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libfmt-dev libpcre2-dev; do
  dpkg -L "$pkg" >/dev/null || { echo "make_kit: $pkg is not installed (run scripts/setup.sh)" >&2; exit 1; }
done
cp -r /usr/include/nlohmann /usr/include/CLI /usr/include/toml++ /usr/include/fmt /usr/include/pcre2.h "$kit.tmp/usr/include/"
cp -r /usr/share/cmake/nlohmann_json /usr/share/cmake/CLI11 "$kit.tmp/usr/share/cmake/"
cp -r "/usr/lib/$arch/cmake/fmt" "/usr/lib/$arch/cmake/tomlplusplus" "$kit.tmp/usr/lib/$arch/cmake/"
# Shared libraries built against this machine's older glibc run on the newer one there; PCRE2 is
# linked statically (CMakeLists.txt finds it without pkg-config when that is missing).
cp -a /usr/lib/$arch/libfmt.so* /usr/lib/$arch/libtomlplusplus.so* "/usr/lib/$arch/libpcre2-8.a" "$kit.tmp/usr/lib/$arch/"
# Data: the corpus (xz: 70 MB → 18 MB), held-out text, tokenizer, tasks — when prepared here
# (a kit for the chess family alone needs none of it: KIT_GENERAL=0 leaves it out).
if [[ ${KIT_GENERAL:-1} == 1 ]]; then
  [[ -s data/corpus/corpus.txt ]] || { echo "make_kit: no data/corpus/corpus.txt (scripts/setup.sh; or KIT_GENERAL=0)" >&2; exit 1; }
  xz -T0 -6 -c data/corpus/corpus.txt > "$kit.tmp/data/corpus.txt.xz"
  cp data/corpus/heldout.txt data/corpus/manifest.json "$kit.tmp/data/"
  tar -C data -cJf "$kit.tmp/data/tokenizer_tasks.tar.xz" tokenizer tasks
fi
# The chess setting's corpus, tokenizer and puzzles (scripts/chess_data.sh), when made.
if [[ -s data/chess/corpus/corpus.txt ]]; then
  tar -C data -cJf "$kit.tmp/data/chess.tar.xz" chess/corpus chess/tokenizer chess/puzzles.jsonl
fi
rm -rf "$kit" && mv "$kit.tmp" "$kit"
du -sh "$kit"
