#!/usr/bin/env bash
# The confidence-loss ablation of issue #16 (docs/family_notes.md, "The ablation at 250 labels"):
# balanced spam, 250 labels per half, pairs w2s-xxs → w2s-s and w2s-xs → w2s-m, 3 seeds, every
# member at the lr and epochs `w2s tune configs/family/tune_spam250.toml` chose on validation data.
# Each variant (paper form: α_max × warm-up; the reference form) is a sweep into one runs_dir, so
# ground-truth, weak-label and xent stages are trained once; each variant's tables land in
# RUNS/tables/. About 30 min on 2 cores; rerun to resume.
#   bash scripts/ablation_spam250.sh [RUNS]        (default runs/ablation-spam250)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-runs/ablation-spam250}
w2s=${W2S:-build/w2s}
config=configs/family/ablation_spam250.toml
# The config is the w2s-xxs → w2s-s pair (its model_lrs / model_epochs are the quickstart's); the
# other pair's, in the order of its models, from tune_spam250's table.
pair_xs_m=(--set models=models/w2s-xs,models/w2s-m --set model_lrs=0.003,0.001 --set model_epochs=8,4)
mkdir -p "$runs/tables"

variant() {  # NAME, then --set overrides of [finetune.loss]
  local name=$1
  shift
  echo "== $name"
  "$w2s" sweep "$config" --quiet --set runs_dir="$runs" "$@"
  "$w2s" sweep "$config" --quiet --set runs_dir="$runs" "${pair_xs_m[@]}" "$@"
  "$w2s" results "$runs" --format md >"$runs/tables/$name.md"
  "$w2s" results "$runs" --compare logconf,xent >"$runs/tables/$name.compare.txt"
}

for warmup in 0.2 0.5; do
  for alpha in 0.25 0.5 0.75; do
    variant "paper-a$alpha-w$warmup" --set finetune.loss.alpha_max=$alpha --set finetune.loss.alpha_warmup=$warmup
  done
done
variant reference --set finetune.loss.logconf_form=reference
