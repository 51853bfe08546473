#!/usr/bin/env bash
# Copy the trained family (runs/family/<m>/model, bf16 HF folders) to models/w2s-<m>, the folders
# the quickstart and configs use, and write models/family.json: each member's size, held-out loss
# and its loss on models/score_sample.txt (the shipped-models test, committed with the family,
# checks the shipped weights reproduce it). Run after scripts/train_family.sh has finished every member.
# New weights need new finetuning choices: the index is rewritten without the members' "finetune"
# records, so rerun `w2s tune configs/family/tune_spam.toml` after shipping (docs/methods.md).
#   bash scripts/ship_family.sh [xxs xs s m]      (W2S_BIN: the w2s binary, default build/w2s)
# The chess family (configs/chess, scripts/train_chess_family.sh) the same way, into
# models/w2s-chess-<m> and models/chess_family.json, scored on models/chess_sample.txt:
#   bash scripts/ship_family.sh --chess [s m l]
# SHIP_INDEX_ONLY=1 copies nothing: it rewrites the index from the folders already in models/ (the
# chess family was trained on a GPU by scripts/device/family_gpu.sh, which copied them there):
#   SHIP_INDEX_ONLY=1 bash scripts/ship_family.sh --chess xs s m l
set -euo pipefail
cd "$(dirname "$0")/.."
w2s="${W2S_BIN:-build/w2s}"
runs=runs/family prefix=w2s- index=models/family.json sample=score_sample.txt defaults=(xxs xs s m)
if [[ "${1:-}" == "--chess" ]]; then
  shift
  runs=runs/chess-family prefix=w2s-chess- index=models/chess_family.json sample=chess_sample.txt defaults=(s m l)
fi
members=("$@")
[[ ${#members[@]} -eq 0 ]] && members=("${defaults[@]}")

field() {  # field NAME FILE: a number from a one-level JSON file
  grep -o "\"$1\": *[-0-9.eE+]*" "$2" | head -1 | sed 's/.*: *//'
}

entries=()
for one in "${members[@]}"; do
  src="$runs/$one/model"
  dst="models/$prefix$one"
  [[ "${SHIP_INDEX_ONLY:-0}" == 1 ]] && src="$dst"
  if [[ ! -f "$src/model.safetensors" ]]; then
    if [[ "$src" == "$dst" ]]; then echo "missing $dst/model.safetensors (SHIP_INDEX_ONLY indexes models/ as it is)" >&2
    else echo "missing $src (train it first: scripts/train_*family.sh)" >&2; fi
    exit 1
  fi
  if [[ "$src" != "$dst" ]]; then
    rm -rf "$dst"
    mkdir -p "$dst"
    cp "$src/config.json" "$src/model.safetensors" "$src/tokenizer.json" "$src/training.json" "$dst/"
  fi
  "$w2s" --log-level warn score "$dst" --file "models/$sample" --json > "$dst.score.tmp"
  nats="$(grep -o '"nats_per_token":[-0-9.eE+]*' "$dst.score.tmp" | sed 's/.*://')"
  rm -f "$dst.score.tmp"
  entries+=("$(printf '    {"name": "'"$prefix"'%s", "non_embedding_parameters": %s, "parameters": %s, "tokens_seen": %s, "heldout_nats_per_token": %s, "heldout_bits_per_byte": %s, "sample_nats_per_token": %s}' \
    "$one" "$(field non_embedding_parameters "$dst/training.json")" "$(field parameters "$dst/training.json")" \
    "$(field tokens_seen "$dst/training.json")" "$(field heldout_loss "$dst/training.json")" \
    "$(field heldout_bits_per_byte "$dst/training.json")" "$nats")")
  echo "$dst: $(du -sh "$dst" | cut -f1), sample $nats nats/token"
done
{
  echo '{'
  echo "  \"sample\": \"$sample\","
  echo '  "members": ['
  for i in "${!entries[@]}"; do
    sep=","; [[ $i -eq $((${#entries[@]} - 1)) ]] && sep=""
    echo "${entries[$i]}$sep"
  done
  echo '  ]'
  echo '}'
} > "$index"
echo "$index: ${#entries[@]} members; total $(du -sh models | cut -f1)"
