#!/usr/bin/env bash
# w2s vs eager PyTorch on the pretraining step of the smallest and largest shipped family members,
# always at equal precision: float32 against float32, and, on a CPU with native bf16 arithmetic
# (avx512_bf16 / amx_bf16, where w2s's `precision = auto` trains in bf16), bf16 autocast against
# bf16 autocast too. Comparing w2s in bf16 with PyTorch in float32 would overstate w2s's speed.
#   bash bench/reference/compare.sh [build-dir] [steps]
# Run on an otherwise idle machine; both use all cores (OMP_NUM_THREADS to change). Needs Debian's
# python3-torch (apt-get install python3-torch).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
steps=${2:-20}
precisions=(float32)
if grep -qE 'avx512_bf16|amx_bf16' /proc/cpuinfo; then precisions+=(bfloat16); fi
printf "%-8s %-9s %14s %14s %10s %10s %7s\n" member precision "w2s tok/s" "torch tok/s" "w2s GF/s" "torch GF/s" ratio
for m in xxs m; do
  for p in "${precisions[@]}"; do
    a=$("$build/bench/pretrain_bench" "configs/family/$m.toml" "$steps" 3 "$p")
    b=$(/usr/bin/python3 bench/reference/pretrain_step.py "configs/family/$m.toml" "$steps" 3 "$p")
    /usr/bin/python3 - "$m" "$a" "$b" <<'PY'
import json, sys
m, a, b = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
assert a["precision"] == b["precision"], (a["precision"], b["precision"])
print(f"{m:<8} {a['precision']:<9} {a['tokens_per_s']:>14.0f} {b['tokens_per_s']:>14.0f} {a['gflops']:>10.1f} "
      f"{b['gflops']:>10.1f} {a['tokens_per_s'] / b['tokens_per_s']:>6.2f}x")
PY
  done
done
