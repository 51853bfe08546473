#!/usr/bin/env bash
# w2s vs eager PyTorch on the pretraining step of the smallest and largest shipped family members.
#   bash bench/reference/compare.sh [build-dir] [steps]
# Run on an otherwise idle machine; both use all cores (OMP_NUM_THREADS to change).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-20}
printf "%-8s %14s %14s %10s %10s %7s\n" member "w2s tok/s" "torch tok/s" "w2s GF/s" "torch GF/s" ratio
for m in xxs m; do
  a=$("$build/bench/pretrain_bench" "configs/family/$m.toml" "$steps")
  b=$(/usr/bin/python3 bench/reference/pretrain_step.py "configs/family/$m.toml" "$steps")
  /usr/bin/python3 - "$m" "$a" "$b" <<'PY'
import json, sys
m, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{m:<8} {a['tokens_per_s']:>14.0f} {b['tokens_per_s']:>14.0f} {a['gflops']:>10.1f} {b['gflops']:>10.1f} "
      f"{a['tokens_per_s'] / b['tokens_per_s']:>6.2f}x")
PY
done
