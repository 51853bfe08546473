#!/usr/bin/env bash
# Pretrain the chess family (configs/chess/*.toml), smallest first, on data/chess (scripts/chess_data.sh).
# Each member resumes from its checkpoint when rerun; then ship with scripts/ship_chess_family.sh.
#   bash scripts/train_chess_family.sh [s m l] [-- extra w2s pretrain flags, e.g. --device cuda]
set -euo pipefail
cd "$(dirname "$0")/.."
members=()
while [[ $# -gt 0 && "$1" != "--" ]]; do members+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
[[ ${#members[@]} -eq 0 ]] && members=(s m l)
for m in "${members[@]}"; do
  echo "== w2s-chess-$m ($(date -u +%H:%M:%S))"
  ${W2S_BIN:-build/w2s} ${W2S_GLOBAL_FLAGS:-} pretrain "configs/chess/$m.toml" "$@"
done
