#!/usr/bin/env bash
# One call on a lent GPU machine (the workplace's `device` tool): write the Hugging Face parity
# goldens with the machine's transformers (tests/golden/hf, beside the build), build w2s against
# the machine's PyTorch (CUDA libtorch), check CUDA against CPU on a shipped member, pretrain
# family members on the GPU, and measure their ground-truth table there (or, for the chess family,
# score each on the puzzles). Everything it makes comes back under $OUT (each member's HF folder
# as a tar; hf_goldens.tar; logs.tgz with the logs, the CUDA-vs-CPU scores and the results),
# within the tool's limits (8 files, 16 MB each).
# Prepare here first:  bash scripts/device/make_kit.sh   then call the tool with carry [".devkit"]:
#   MEMBERS="s m l" TRAIN_S=330 GT_S=120 bash scripts/device/family_gpu.sh
#   CONFIGS=configs/chess MEMBERS="xs s m l" SET="batch_size=64 micro_batch=64" FIT=1 \
#     bash scripts/device/family_gpu.sh          (KIT_GENERAL=0 make_kit.sh suffices for chess)
# MEMBERS: $CONFIGS/<name>.toml to pretrain (default: l); CONFIGS: configs/family (default) or
# configs/chess (the chess family: each trained member is then scored by `w2s chess eval` on the
# shipped puzzles instead of the ground-truth table); SET: extra `--set` overrides for
# every member (e.g. "tokens=200000000 batch_size=256"); TRAIN_S / GT_S: time boxes in seconds;
# FIT=1: instead of a fixed time box that kills a member unfinished, first time a few hundred
# steps of the last (largest) member, then give each member min(its config's tokens, what fits
# in the time left before DEADLINE_S less RESERVE_S), so every member finishes and exports;
# GT_ARGS: extra sweep flags for the table (e.g. "--tasks reviews --seeds 0"; the plan runs task by
# task, seed by seed, so a time box keeps the first tasks' seeds whole); HF_GOLDENS=0 skips them.
# Dry run on a CPU machine (checks the script, not CUDA): W2S_BIN=build/w2s DEVICE=cpu OUT=/tmp/o
#   MEMBERS=xxs SET="tokens=20000" GT_S=60 bash scripts/device/family_gpu.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/w2s-out}; mkdir -p "$OUT"
# The tool returns at most 8 files: logs go to $L and leave as one $OUT/logs.tgz on exit.
L=/tmp/w2s-logs; rm -rf "$L"; mkdir -p "$L"
finish() {
  [[ -n ${hf_pid:-} ]] && wait "$hf_pid"
  tar -czf "$OUT/logs.tgz" -C /tmp w2s-logs
}
trap finish EXIT
log() { echo "[$(date -u +%H:%M:%S)] $*" | tee -a "$L/run.log"; }
t0=$SECONDS
kit=$PWD/.devkit
[[ -d $kit ]] || { log "no .devkit: run scripts/device/make_kit.sh here and carry .devkit"; exit 2; }

# 1. Data from the kit.
if [[ -f $kit/data/corpus.txt.xz ]]; then
  mkdir -p data/corpus
  xz -dc "$kit/data/corpus.txt.xz" > data/corpus/corpus.txt
  cp "$kit/data/heldout.txt" "$kit/data/manifest.json" data/corpus/
  tar -C data -xJf "$kit/data/tokenizer_tasks.tar.xz"
fi
[[ -f $kit/data/chess.tar.xz ]] && tar -C data -xJf "$kit/data/chess.tar.xz"
CONFIGS=${CONFIGS:-configs/family}
log "data ready ($((SECONDS - t0)) s); commit $(git rev-parse HEAD 2>/dev/null || echo unknown)"

# 1b. Hugging Face parity goldens (CPU, beside the build): transformers itself writes tiny models
# and their logits; tests/models/hf_parity_test.cpp compares w2s with them on CPU machines.
if [[ ${HF_GOLDENS:-1} == 1 ]] && python3 -c 'import transformers' 2>/dev/null; then
  ( python3 scripts/golden/hf_parity.py --out /tmp/hf-goldens/hf > "$L/hf_parity.log" 2>&1
    echo "hf_parity rc=$?" >> "$L/hf_parity.log"
    [[ -d /tmp/hf-goldens/hf ]] && tar -C /tmp/hf-goldens -cf "$OUT/hf_goldens.tar" hf ) &
  hf_pid=$!
fi

# 2. Build the program only (tests and benchmarks stay on CPU machines).
DEV=${DEVICE:-cuda}
if [[ -n ${W2S_BIN:-} ]]; then
  W=$W2S_BIN
else
  torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee -a "$L/run.log"
  # The CUDA compiler and toolkit named outright (Caffe2's CUDA module looks for both); c10d off
  # (this call trains in one process); fmt header-only (the wheel's fmt 11 headers come first);
  # -k 0 shows every error of a build at once.
  nvcc=$(command -v nvcc || echo /usr/local/cuda/bin/nvcc)
  cmake -S . -B build-cuda -G Ninja -DCMAKE_BUILD_TYPE=Release -DW2S_BUILD_TESTS=OFF -DW2S_BUILD_BENCH=OFF \
    -DW2S_DIST=OFF -DW2S_FMT_HEADER_ONLY=ON -DCMAKE_PREFIX_PATH="$kit/usr;$torch_prefix" -DTORCH_CUDA_ARCH_LIST=9.0 \
    -DCMAKE_CUDA_ARCHITECTURES=90 -DCMAKE_CUDA_COMPILER="$nvcc" -DCUDAToolkit_ROOT="$(dirname "$(dirname "$nvcc")")" \
    -DCUDA_TOOLKIT_ROOT_DIR="$(dirname "$(dirname "$nvcc")")" > "$L/build.log" 2>&1 &&
    ninja -k 0 -C build-cuda w2s >> "$L/build.log" 2>&1
  rc=$?
  log "build rc=$rc ($((SECONDS - t0)) s)"
  if [[ $rc -ne 0 ]]; then grep -E "error|Error" "$L/build.log" | head -40; exit 3; fi
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
members=(${MEMBERS:-l})
cfg_tokens() { grep -E '^tokens *=' "$CONFIGS/$1.toml" | head -1 | sed 's/.*= *//; s/_//g; s/ *#.*//'; }
if [[ ${FIT:-0} == 1 ]]; then
  # Time a few hundred steps of the largest member (the last named) to learn tokens per second:
  # the rate between its first evaluation (step 100) and its last, which leaves out the start-up
  # (CUDA context, first kernels). Session 24's whole-run rate, 0.62 M tokens/s, was half the
  # 1.25 M its member then trained at, and FIT gave the small members too few tokens.
  big=${members[-1]}
  $W pretrain "$CONFIGS/$big.toml" --device "$DEV" --precision "${PRECISION:-bfloat16}" --out /tmp/probe \
    --checkpoint-every 1000000 "${setargs[@]}" --set "tokens=${PROBE_TOKENS:-6000000}" --set eval_every=100 \
    > "$L/probe.log" 2>&1
  rate=$(python3 - /tmp/probe/metrics.jsonl <<'PY' 2>/dev/null || echo 0
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
a, b = rows[0], rows[-1]
# tokens_per_second is cumulative from the run's start: the time to each row is tokens / rate.
dt = b["tokens_seen"] / b["tokens_per_second"] - a["tokens_seen"] / a["tokens_per_second"]
print(int((b["tokens_seen"] - a["tokens_seen"]) / dt) if dt > 0 else int(b["tokens_per_second"]))
PY
)
  log "probe: $big at $rate tokens/s ($((SECONDS - t0)) s)"
fi
for i in "${!members[@]}"; do
  m=${members[$i]}
  fit=()
  if [[ ${FIT:-0} == 1 ]]; then
    # Share the time left among the members still to train in proportion to their config tokens.
    left=$(( ${DEADLINE_S:-560} - ${RESERVE_S:-60} - (SECONDS - t0) ))
    rest=0; for r in "${members[@]:$i}"; do rest=$(( rest + $(cfg_tokens "$r") )); done
    want=$(cfg_tokens "$m")
    can=$(python3 -c "print(int(min($want, $want / $rest * $rate * $left * 0.85)))")
    (( can >= 1000000 )) || { log "no time left to train $m (rate $rate, $left s left)"; break; }
    fit=(--set "tokens=$can")
    log "pretrain $m: $can of $want tokens ($left s left for ${members[*]:$i})"
    box=$(( ${DEADLINE_S:-560} - (SECONDS - t0) ))
  else
    box=$(( ${TRAIN_S:-330} - (SECONDS - t0) ))
    (( box > 20 )) || { log "no time left to train $m"; break; }
    log "pretrain $m (time box ${box} s)"
  fi
  timeout "$box" $W pretrain "$CONFIGS/$m.toml" --device "$DEV" --precision "${PRECISION:-bfloat16}" \
    --out "runs/gpu/$m" --checkpoint-every 1000000 "${setargs[@]}" "${fit[@]}" > "$L/pretrain_$m.log" 2>&1
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
  for m in "${members[@]}"; do
    [[ -f runs/gpu/$m/model/model.safetensors ]] || continue
    $W chess eval "runs/gpu/$m/model" --max-puzzles 0 --json > "$L/chess_eval_$m.json" 2>>"$L/run.log"
    log "chess eval $m: $(python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("top1 %.4f legal %.4f pair %.4f (n %d)" % (d["top1"], d["legal_rate"], d["pair"], d["n"]))' "$L/chess_eval_$m.json" 2>&1)"
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
