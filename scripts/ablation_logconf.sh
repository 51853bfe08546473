#!/usr/bin/env bash
# The confidence-loss grid of issue #16 over one ablation config (a sweep config with one weak →
# strong pair): the paper form at α_max {0.25, 0.5, 0.75} × warm-up {0.2, 0.5} and the reference
# form, each variant a sweep into one runs_dir, so ground-truth, weak-label and xent stages are
# trained once and shared. A second pair runs from the same config with the --set overrides given
# after RUNS. Each variant's tables land in RUNS/tables/ as it finishes; the variants the shipped
# defaults use come first, so an interrupted grid has them. Rerun to resume.
#   bash scripts/ablation_logconf.sh CONFIG RUNS [--set key=value ... for the second pair]
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ $# -lt 2 ]]; then
  echo "usage: $0 CONFIG RUNS [--set key=value ... for the second pair]" >&2
  exit 2
fi
config=$1
runs=$2
shift 2
pair2=("$@")
w2s=${W2S:-build/w2s}
mkdir -p "$runs/tables"

variant() {  # NAME, then --set overrides of [finetune.loss]
  local name=$1
  shift
  echo "== $name ($(date -u +%H:%M:%S))"
  "$w2s" sweep "$config" --quiet --set runs_dir="$runs" "$@"
  if [[ ${#pair2[@]} -gt 0 ]]; then
    "$w2s" sweep "$config" --quiet --set runs_dir="$runs" "${pair2[@]}" "$@"
  fi
  "$w2s" results "$runs" --format md >"$runs/tables/$name.md"
  "$w2s" results "$runs" --compare logconf,xent >"$runs/tables/$name.compare.txt"
}

paper() {  # ALPHA WARMUP
  variant "paper-a$1-w$2" --set finetune.loss.alpha_max="$1" --set finetune.loss.alpha_warmup="$2"
}

# The paper's rule gives 0.5 (a smaller student) and 0.75 (a sweep's largest model) at warm-up 0.2.
paper 0.5 0.2
paper 0.75 0.2
variant reference --set finetune.loss.logconf_form=reference
paper 0.25 0.2
for alpha in 0.25 0.5 0.75; do
  paper "$alpha" 0.5
done
