#!/usr/bin/env bash
# scripts/test.sh — set up what the tests need (packages, fixtures, data), build, run ctest.
#   scripts/test.sh          every test except those labelled gpu (what CI runs)
#   scripts/test.sh --fast   also skip the `slow` label
# Extra arguments after the flags go to ctest (e.g. -R Tokenizer).
set -euo pipefail
cd "$(dirname "$0")/.."
exclude="gpu"
if [ "${1:-}" = "--fast" ]; then exclude="gpu|slow"; shift; fi
bash scripts/setup.sh
bdir="${W2S_BUILD_DIR:-build}"
cd "$bdir"
ctest --output-on-failure -j "$(nproc)" -LE "$exclude" --timeout 900 "$@"
