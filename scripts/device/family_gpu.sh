#!/usr/bin/env bash
# One call on a lent GPU machine (the workplace's `device` tool): build w2s against the machine's
# PyTorch (CUDA libtorch), check CUDA against CPU on a shipped member, pretrain family members on
# the GPU, and measure their ground-truth table there. Everything it makes comes back under $OUT
# (each member's HF folder as one tar; logs; results.json), within the tool's limits of 8 files.
# Prepare here first:  bash scripts/device/make_kit.sh   then call the tool with carry [".devkit"]:
#   MEMBERS="s m l" TRAIN_S=330 GT_S=120 bash scripts/device/family_gpu.sh
# MEMBERS: configs/family/<name>.toml to pretrain (default: l); SET: extra `--set` overrides for
# every member (e.g. "tokens=200000000 batch_size=256"); TRAIN_S / GT_S: time boxes in seconds.
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/w2s-out}; mkdir -p "$OUT"
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$OUT/run.log"; }
t0=$SECONDS
kit=$PWD/.devkit
[[ -d $kit ]] || { log "no .devkit: run scripts/device/make_kit.sh here and carry .devkit"; exit 2; }

# 1. Data from the kit.
mkdir -p data/corpus
xz -dc "$kit/data/corpus.txt.xz" > data/corpus/corpus.txt
cp "$kit/data/heldout.txt" "$kit/data/manifest.json" data/corpus/
tar -C data -xJf "$kit/data/tokenizer_tasks.tar.xz"
log "data ready ($((SECONDS - t0)) s)"

# 2. Build the program only (tests and benchmarks stay on CPU machines).
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$OUT/run.log"
cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DW2S_BUILD_TESTS=OFF -DW2S_BUILD_BENCH=OFF \
  -DCMAKE_PREFIX_PATH="$kit/usr;$torch_prefix" -DTORCH_CUDA_ARCH_LIST=9.0 > "$OUT/build.log" 2>&1 &&
  ninja -C build-cuda w2s >> "$OUT/build.log" 2>&1
rc=$?
log "build rc=$rc ($((SECONDS - t0)) s)"
if [[ $rc -ne 0 ]]; then tail -40 "$OUT/build.log"; exit 3; fi
export LD_LIBRARY_PATH="$kit/usr/lib/$(gcc -dumpmachine):${LD_LIBRARY_PATH:-}"
W=build-cuda/w2s

# 3. CUDA against CPU: the same member scores the same text to float tolerance.
for dev in cpu cuda; do
  $W score models/w2s-m --file models/score_sample.txt --json --device $dev \
    > "$OUT/score_$dev.json" 2>>"$OUT/run.log" || log "score on $dev failed"
done
python3 - "$OUT" <<'PY' | tee -a "$OUT/run.log"
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/score_{d}.json")) for d in ("cpu", "cuda"))
print(f"score parity: cpu {a['nats_per_token']:.6f} cuda {b['nats_per_token']:.6f} |diff| {abs(a['nats_per_token'] - b['nats_per_token']):.2e}")
PY

# 4. Pretrain the members on the GPU (bf16 autocast), time-boxed; each exports an HF folder.
read -r -a sets <<< "${SET:-}"
setargs=(); for s in "${sets[@]}"; do setargs+=(--set "$s"); done
for m in ${MEMBERS:-l}; do
  left=$(( ${TRAIN_S:-330} - (SECONDS - t0) ))
  (( left > 20 )) || { log "no time left to train $m"; break; }
  log "pretrain $m (time box ${left} s)"
  timeout "$left" $W pretrain "configs/family/$m.toml" --device cuda --precision bfloat16 \
    --out "runs/gpu/$m" --checkpoint-every 1000000 "${setargs[@]}" > "$OUT/pretrain_$m.log" 2>&1
  log "pretrain $m rc=$? ($((SECONDS - t0)) s)"
  [[ -f runs/gpu/$m/model/model.safetensors ]] && tar -C runs/gpu/$m -cf "$OUT/w2s-$m.tar" model metrics.jsonl config.toml
done

# 5. Ground-truth table of what was trained plus the shipped members, on the GPU.
models=$(ls -d models/w2s-* runs/gpu/*/model 2>/dev/null | paste -sd, -)
scratch=$(ls -d runs/gpu/*/model 2>/dev/null | sed 's/^/scratch:/' | paste -sd, -)
timeout "${GT_S:-120}" $W sweep configs/family/gt_table.toml --quiet --set runs_dir=runs/gpu-gt \
  --set finetune.device=cuda --models "$models${scratch:+,$scratch}" > "$OUT/gt.log" 2>&1
log "gt table rc=$? ($((SECONDS - t0)) s)"
$W results runs/gpu-gt --gt --format md >> "$OUT/gt.log" 2>&1
cp runs/gpu-gt/results.json "$OUT/gt_results.json" 2>/dev/null
log "done ($((SECONDS - t0)) s)"
