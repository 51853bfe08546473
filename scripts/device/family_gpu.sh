#!/usr/bin/env bash
# One call on a lent GPU machine (the workplace's `device` tool): build w2s against the machine's
# PyTorch (CUDA libtorch), check CUDA against CPU on a shipped member, pretrain family members on
# the GPU, and measure their ground-truth table there. Everything it makes comes back under $OUT
# (each member's HF folder as a tar; logs.tgz with the logs, the CUDA-vs-CPU scores and the GT
# table's results.json), within the tool's limits (8 files, 16 MB each).
# Prepare here first:  bash scripts/device/make_kit.sh   then call the tool with carry [".devkit"]:
#   MEMBERS="s m l" TRAIN_S=330 GT_S=120 bash scripts/device/family_gpu.sh
# MEMBERS: $CONFIGS/<name>.toml to pretrain (default: l); CONFIGS: configs/family (default) or
# configs/chess (the chess family: each trained member is then scored by `w2s chess eval` on the
# shipped puzzles instead of the ground-truth table); SET: extra `--set` overrides for
# every member (e.g. "tokens=200000000 batch_size=256"); TRAIN_S / GT_S: time boxes in seconds;
# GT_ARGS: extra sweep flags for the table (e.g. "--tasks reviews --seeds 0"; the plan runs task by
# task, seed by seed, so a time box keeps the first tasks' seeds whole).
# Dry run on a CPU machine (checks the script, not CUDA): W2S_BIN=build/w2s DEVICE=cpu OUT=/tmp/o
#   MEMBERS=xxs SET="tokens=20000" GT_S=60 bash scripts/device/family_gpu.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/w2s-out}; mkdir -p "$OUT"
# The tool returns at most 8 files: logs go to $L and leave as one $OUT/logs.tgz on exit.
L=/tmp/w2s-logs; rm -rf "$L"; mkdir -p "$L"
trap 'tar -czf "$OUT/logs.tgz" -C /tmp w2s-logs' EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$L/run.log"; }
t0=$SECONDS
kit=$PWD/.devkit
[[ -d $kit ]] || { log "no .devkit: run scripts/device/make_kit.sh here and carry .devkit"; exit 2; }

# 1. Data from the kit.
mkdir -p data/corpus
xz -dc "$kit/data/corpus.txt.xz" > data/corpus/corpus.txt
cp "$kit/data/heldout.txt" "$kit/data/manifest.json" data/corpus/
tar -C data -xJf "$kit/data/tokenizer_tasks.tar.xz"
[[ -f $kit/data/chess.tar.xz ]] && tar -C data -xJf "$kit/data/chess.tar.xz"
CONFIGS=${CONFIGS:-configs/family}
log "data ready ($((SECONDS - t0)) s)"

# 2. Build the program only (tests and benchmarks stay on CPU machines).
DEV=${DEVICE:-cuda}
if [[ -n ${W2S_BIN:-} ]]; then
  W=$W2S_BIN
else
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$L/run.log"
  cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DW2S_BUILD_TESTS=OFF -DW2S_BUILD_BENCH=OFF \
    -DCMAKE_PREFIX_PATH="$kit/usr;$torch_prefix" -DTORCH_CUDA_ARCH_LIST=9.0 > "$L/build.log" 2>&1 &&
    ninja -C build-cuda w2s >> "$L/build.log" 2>&1
  rc=$?
  log "build rc=$rc ($((SECONDS - t0)) s)"
  if [[ $rc -ne 0 ]]; then tail -40 "$L/build.log"; exit 3; fi
  export LD_LIBRARY_PATH="$kit/usr/lib/$(gcc -dumpmachine):${LD_LIBRARY_PATH:-}"
  W=build-cuda/w2s
fi

# 3. CUDA against CPU: the same member scores the same text to float tolerance.
for dev in cpu $DEV; do
  $W score models/w2s-m --file models/score_sample.txt --json --device $dev \
    > "$L/score_$dev.json" 2>>"$L/run.log" || log "score on $dev failed"
done
python3 - "$L" "$DEV" <<'PY' | tee -a "$L/run.log"
import json, sys
a, b = (json.load(open(f"{sys.argv[1]}/score_{d}.json")) for d in ("cpu", sys.argv[2]))
print(f"score parity: cpu {a['nats_per_token']:.6f} {sys.argv[2]} {b['nats_per_token']:.6f} |diff| {abs(a['nats_per_token'] - b['nats_per_token']):.2e}")
PY

# 4. Pretrain the members on the GPU (bf16 autocast), time-boxed; each exports an HF folder.
read -r -a sets <<< "${SET:-}"
setargs=(); for s in "${sets[@]}"; do setargs+=(--set "$s"); done
for m in ${MEMBERS:-l}; do
  left=$(( ${TRAIN_S:-330} - (SECONDS - t0) ))
  (( left > 20 )) || { log "no time left to train $m"; break; }
  log "pretrain $m (time box ${left} s)"
  timeout "$left" $W pretrain "$CONFIGS/$m.toml" --device "$DEV" --precision "${PRECISION:-bfloat16}" \
    --out "runs/gpu/$m" --checkpoint-every 1000000 "${setargs[@]}" > "$L/pretrain_$m.log" 2>&1
  log "pretrain $m rc=$? ($((SECONDS - t0)) s)"
  tail -3 "$L/pretrain_$m.log"
  # One tar per member; over 15 MB (bf16 members above ~7.5 M parameters) it leaves in 15 MB parts
  # (cat w2s-$m.tar.part-* > w2s-$m.tar).
  if [[ -f runs/gpu/$m/model/model.safetensors ]]; then
    tar -C "runs/gpu/$m" -cf "/tmp/w2s-$m.tar" model metrics.jsonl config.toml
    if (( $(stat -c %s "/tmp/w2s-$m.tar") > 15 * 1024 * 1024 )); then split -b 15m "/tmp/w2s-$m.tar" "$OUT/w2s-$m.tar.part-"
    else mv "/tmp/w2s-$m.tar" "$OUT/"; fi
  fi
done

# 5 (chess). Each trained member's zero-shot chess on the puzzles; no ground-truth table.
if [[ $CONFIGS == configs/chess ]]; then
  for m in ${MEMBERS:-l}; do
    [[ -f runs/gpu/$m/model/model.safetensors ]] || continue
    $W chess eval "runs/gpu/$m/model" --max-puzzles 0 --json > "$L/chess_eval_$m.json" 2>>"$L/run.log"
    log "chess eval $m: $(grep -o '"top1": [0-9.]*' "$L/chess_eval_$m.json") $(grep -o '"legal_rate": [0-9.]*' "$L/chess_eval_$m.json")"
  done
  log "done ($((SECONDS - t0)) s)"
  exit 0
fi

# 5. Ground-truth table of what was trained plus the shipped members, on the GPU.
models=$(ls -d models/w2s-* runs/gpu/*/model 2>/dev/null | paste -sd, -)
scratch=$(ls -d runs/gpu/*/model 2>/dev/null | sed 's/^/scratch:/' | paste -sd, -)
timeout "${GT_S:-120}" $W sweep configs/family/gt_table.toml --quiet --set runs_dir=runs/gpu-gt \
  --set finetune.device="$DEV" --models "$models${scratch:+,$scratch}" ${GT_ARGS:-} > "$L/gt.log" 2>&1
log "gt table rc=$? ($((SECONDS - t0)) s)"
$W results runs/gpu-gt --gt --format md 2>&1 | tee -a "$L/gt.log"
cp runs/gpu-gt/results.json "$L/gt_results.json" 2>/dev/null
log "done ($((SECONDS - t0)) s)"
