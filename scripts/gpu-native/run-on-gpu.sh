#!/usr/bin/env bash
# The native model path on the GPU machine (torch 2.x + transformers), from the repo root, in at
# most 270 s:
#   bash scripts/gpu-native/run-on-gpu.sh OUT
# 1. engine/learner agreement of the KV-cache path with CUDA graphs (0.5B shape, fp32 and bf16);
# 2. the generation bench on CUDA, the cells that matter in order: native + cache + CUDA graphs
#    and HF generate with a static cache (0.5B), the small policy with graphs, then the no-cache
#    transformers worker (0.5B at 32, small policy at 32 and 128);
# 3. torch.profiler over a few decode steps at batch 32, 0.5B shape (graphs, then eager).
# Native-vs-transformers logprobs and the per-family unittest were measured on the GPU already
# (docs/results/native-h200/); run test/worker/native_agreement.py for them again.
# Writes under OUT: log.txt, engine-learner.json, bench-cuda.json, bench-cuda.md, profile.txt. Each
# stage has its own time limit and writes its file as it goes, so a failed or cut stage keeps what
# it measured and the next stage still runs. Exit status: non-zero when a stage failed or a bound
# was exceeded.
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
  timeout -k 5 "$limit" "$@" >>"$log" 2>&1
  local rc=$?
  echo "== $name: exit $rc after $((SECONDS - started))s" | tee -a "$log"
  [[ $rc -eq 0 ]] || status=1
}
{ nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader; "$py" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)'; } >>"$log" 2>&1
total=255 profile_limit=40  # 270 s less the kill grace of the last stages
stage "engine/learner agreement, KV cache + CUDA graphs, qwen2-0.5b, fp32 and bf16" 60 "$py" test/worker/engine_learner_agreement.py --shape qwen2-0.5b --device cuda --dtypes fp32,bf16 --cuda-graphs on --out "$out/engine-learner.json"
cells="qwen2-0.5b:cached-graphs:1/32/128,qwen2-0.5b:hf-generate:32/128,small-policy:cached-graphs:1/32/128"
cells+=",qwen2-0.5b:recompute-hf:32,small-policy:recompute-hf:32/128"
left=$((total - SECONDS - profile_limit)); left=$((left > 60 ? left : 60))
stage "generation bench, CUDA" "$left" "$py" bench/worker-generation/bench.py --device cuda --cells "$cells" --budget-s $((left - 35)) --json "$out/bench-cuda.json" --markdown "$out/bench-cuda.md"
stage "decode profile, batch 32, qwen2-0.5b" "$profile_limit" "$py" bench/worker-generation/profile_decode.py --out "$out/profile.txt"
echo "run-on-gpu: done in ${SECONDS}s, status $status" | tee -a "$log"
exit "$status"
