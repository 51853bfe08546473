#!/usr/bin/env bash
# Pretrain the built-in family (configs/family/*.toml), smallest first. Each member resumes from its
# checkpoint, so rerunning after an interruption continues where it stopped.
#   bash scripts/train_family.sh [xxs xs s m] [-- extra w2s flags, e.g. --device cuda]
# W2S_GLOBAL_FLAGS="--threads 1" limits the threads (default: all cores).
set -euo pipefail
cd "$(dirname "$0")/.."
members=()
while [[ $# -gt 0 && "$1" != "--" ]]; do members+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ ${#members[@]} -eq 0 ]] && members=(xxs xs s m)
for m in "${members[@]}"; do
  echo "== w2s-$m ($(date -u +%H:%M:%S))"
  ${W2S_BIN:-build/w2s} ${W2S_GLOBAL_FLAGS:-} pretrain "configs/family/$m.toml" "$@"
done
