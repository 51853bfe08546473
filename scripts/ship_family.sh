#!/usr/bin/env bash
# Copy the trained family (runs/family/<m>/model, bf16 HF folders) to models/w2s-<m>, the folders
# the quickstart and configs use. Run after scripts/train_family.sh has finished every member.
set -euo pipefail
cd "$(dirname "$0")/.."
for m in "${@:-xs s m l}"; do
  for one in $m; do
    src="runs/family/$one/model"
    [[ -f "$src/model.safetensors" ]] || { echo "missing $src (train it: bash scripts/train_family.sh $one)" >&2; exit 1; }
    rm -rf "models/w2s-$one"
    mkdir -p "models/w2s-$one"
    cp "$src/config.json" "$src/model.safetensors" "$src/tokenizer.json" "$src/training.json" "models/w2s-$one/"
    echo "models/w2s-$one: $(du -sh "models/w2s-$one" | cut -f1)"
  done
done
