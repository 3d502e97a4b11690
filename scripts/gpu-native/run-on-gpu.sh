#!/usr/bin/env bash
# The native model path on the GPU machine (torch 2.x + transformers), from the repo root:
#   bash scripts/gpu-native/run-on-gpu.sh OUT
# 1. native vs transformers logprobs on a random Qwen2-0.5B-shaped model, fp32 and bf16 (+ the
#    small families on CPU and CUDA through the unittest);
# 2. engine/learner agreement of the KV-cache path (0.5B shape, fp32 and bf16, eager and CUDA graphs);
# 3. the generation bench on CUDA (native + cache, with and without CUDA graphs, vs the no-cache
#    transformers worker vs HF generate with a static cache).
# Writes at most 8 files under OUT: log.txt, agreement-fp32.json, agreement-bf16.json,
# engine-learner.json, bench-cuda.json, bench-cuda.md. Each stage has its own time limit; the whole
# run stays under 8 minutes. Exit status: non-zero when a stage failed or a bound was exceeded.
# Merge the bench into bench/RESULTS.md afterwards (here or on the GPU machine):
#   python3 bench/worker-generation/report.py OUT/bench-cuda.json --results bench/RESULTS.md
set -uo pipefail
out="${1:?usage: run-on-gpu.sh OUT}"
mkdir -p "$out"
export PYTHONPATH="$PWD/trainer/worker:$PWD/test/worker${PYTHONPATH:+:$PYTHONPATH}" PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
py="${PYTHON:-python3}"
log="$out/log.txt"
status=0
stage() {  # stage NAME SECONDS COMMAND...
  local name="$1" limit="$2"; shift 2
  echo "== $name (limit ${limit}s)" | tee -a "$log"
  local started=$SECONDS
  timeout "$limit" "$@" >>"$log" 2>&1
  local rc=$?
  echo "== $name: exit $rc after $((SECONDS - started))s" | tee -a "$log"
  [[ $rc -eq 0 ]] || status=1
}
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; "$py" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'; } >>"$log" 2>&1
stage "agreement fp32, qwen2-0.5b" 70 "$py" test/worker/native_agreement.py --shape qwen2-0.5b --device cuda --dtype fp32 --out "$out/agreement-fp32.json"
stage "agreement bf16, qwen2-0.5b" 70 "$py" test/worker/native_agreement.py --shape qwen2-0.5b --device cuda --dtype bf16 --out "$out/agreement-bf16.json"
stage "agreement unittest, each family, CPU and CUDA" 40 "$py" -m unittest -v test_native_agreement test_kv_cache
stage "engine/learner agreement, KV cache (eager and CUDA graphs), qwen2-0.5b" 120 "$py" test/worker/engine_learner_agreement.py --shape qwen2-0.5b --device cuda --dtypes fp32,bf16 --cuda-graphs both --out "$out/engine-learner.json"
stage "generation bench, CUDA" 160 "$py" bench/worker-generation/bench.py --device cuda --budget-s 140 --json "$out/bench-cuda.json" --markdown "$out/bench-cuda.md"
echo "run-on-gpu: done in ${SECONDS}s, status $status" | tee -a "$log"
exit "$status"
