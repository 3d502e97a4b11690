#!/usr/bin/env bash
# `rollcall quickstart --device cuda` on the GPU machine, from the repository root with .pack/
# carried (scripts/gpu-e2e/pack.sh): the committed small policy, the run a CPU gets with the GPU's
# larger steps. Results in OUT: the command's output, metrics.jsonl, the reward/held-out curve,
# the run's summary, the worker log's tail and the GPU.
#   scripts/gpu-e2e/run-quickstart-on-gpu.sh OUT [rollcall quickstart flags, e.g. --minutes 5]
set -euo pipefail
out="${1:?usage: run-quickstart-on-gpu.sh OUT [quickstart flags]}"; shift
work=/tmp/rollcall-quickstart
rm -rf "$work" && mkdir -p "$work/app" "$out"
xz -dc .pack/node.xz >"$work/node" && chmod +x "$work/node"
xz -dc .pack/rollcall.tar.xz | tar -C "$work/app" -xf -
export PYTHONUNBUFFERED=1
# The bundle has no tsx: the agent runs from its compiled .js.
"$work/node" "$work/app/bin/rollcall.js" quickstart --device cuda --run-dir "$work/runs" \
  --set "workflow.module=$work/app/dist/examples/math-agent/agentscope-agent.js#mathAgent" "$@" \
  >"$out/quickstart.log" 2>&1 || echo "quickstart exited with $?"
tail -5 "$out/quickstart.log"
run_dir="$(ls -d "$work/runs/quickstart"/*/ | head -1)"
cp "$run_dir/metrics.jsonl" "$out/metrics.jsonl"
python3 scripts/gpu-e2e/plot_curve.py "$out/metrics.jsonl" "$out/reward-curve.svg" "rollcall quickstart --device cuda (H200): train reward and held-out success" reward
python3 scripts/gpu-e2e/summarize_run.py "$out/metrics.jsonl" 1.2 >"$out/summary.json"
tail -c 100000 "$run_dir/worker.log" >"$out/worker.log.tail" || true
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv >"$out/gpu.csv" || true
