#!/usr/bin/env bash
# The confidence-loss ablation of issue #16 on reviews (docs/family_notes.md, "The ablation on
# reviews"): 2,000 labels per half in the family sweep's shared regime, pairs w2s-xxs → w2s-s and
# w2s-xs → w2s-m, 3 seeds. The grid itself is scripts/ablation_logconf.sh. About 2 h on 2 cores
# (the first variant ~1 h with the ground-truth stages, each later one ~7 min); rerun to resume.
#   bash scripts/ablation_reviews.sh [RUNS]        (default runs/ablation-reviews)
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/ablation_logconf.sh configs/family/ablation_reviews.toml "${1:-runs/ablation-reviews}" \
  --set models=models/w2s-xs,models/w2s-m
