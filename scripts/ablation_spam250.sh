#!/usr/bin/env bash
# The confidence-loss ablation of issue #16 (docs/family_notes.md, "The ablation at 250 labels"):
# balanced spam, 250 labels per half, pairs w2s-xxs → w2s-s and w2s-xs → w2s-m, 3 seeds, every
# member at the lr and epochs `w2s tune configs/family/tune_spam250.toml` chose on validation data.
# The grid itself is scripts/ablation_logconf.sh. About 30 min on 2 cores; rerun to resume.
#   bash scripts/ablation_spam250.sh [RUNS]        (default runs/ablation-spam250)
set -euo pipefail
cd "$(dirname "$0")/.."
# The config is the w2s-xxs → w2s-s pair (its model_lrs / model_epochs are the quickstart's); the
# other pair's, in the order of its models, from tune_spam250's table.
exec bash scripts/ablation_logconf.sh configs/family/ablation_spam250.toml "${1:-runs/ablation-spam250}" \
  --set models=models/w2s-xs,models/w2s-m --set model_lrs=0.003,0.001 --set model_epochs=8,4
