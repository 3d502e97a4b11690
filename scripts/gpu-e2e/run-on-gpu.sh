#!/usr/bin/env bash
# Runs on the GPU machine, from the repository root, with .pack/ carried (scripts/gpu-e2e/pack.sh):
# builds the small policy, serves it with the worker, and trains it with GRPO through the proxy in
# token mode with the AgentScope-style math agent and the math judge. Results go to OUT.
#   scripts/gpu-e2e/run-on-gpu.sh OUT [STEPS] [SFT_STEPS] [RUN...]
# RUN is LR/DTYPE[/SECONDS[/LORA_RANK[/TEMPERATURE]]] (default 0.0001/bf16): one GRPO run each, one
# after the other, all from the same warm policy, results in OUT/lr-<LR>-<DTYPE>[-lora<RANK>][-t<T>]/;
# SECONDS (empty or 0: no limit) stops that run's trainer after that long (its metrics so far are
# kept), so a run fits the device's per-call time limit; LORA_RANK (empty or 0: none) trains a LoRA
# adapter instead of all weights; TEMPERATURE (default 1.0) is the sampling temperature of the
# training rollouts and of validation, which the learner scores at (learner/logprob_diff_* is the
# agreement). Example, T = 0.8 in fp32 within 240 s: 0.0001/fp32/240//0.8
set -euo pipefail
out="${1:?usage: run-on-gpu.sh OUT [STEPS] [SFT_STEPS] [LR/DTYPE[/SECONDS]...]}"; steps="${2:-40}"; sft_steps="${3:-2500}"
shift $(( $# < 3 ? $# : 3 ))
runs=("${@:-0.0001/bf16}")
root="$(pwd)"
work=/tmp/rollcall-e2e
rm -rf "$work" && mkdir -p "$work/app" "$out"
xz -dc .pack/node.xz >"$work/node" && chmod +x "$work/node"
xz -dc .pack/rollcall.tar.xz | tar -C "$work/app" -xf -
export PYTHONUNBUFFERED=1
echo "== small policy (SFT warm-up)"
bash scripts/small-policy/run.sh "$work/sp" --steps "$sft_steps" --time-budget-s 200 | tail -5
cp "$work/sp/summary.json" "$out/warmup-summary.json"
python3 scripts/gpu-e2e/write_tasks.py "$work/tasks"
for run in "${runs[@]}"; do
IFS=/ read -r lr dtype seconds lora temperature <<<"$run"
[ "${lora:-0}" = 0 ] && lora=""
temperature="${temperature:-1.0}"
name="lr-$lr-$dtype${lora:+-lora$lora}$([ "$temperature" = 1.0 ] || echo "-t$temperature")"
dir="$out/$name" && mkdir -p "$dir"
echo "== worker ($name)"
PYTHONPATH="$work/app/trainer/worker" python3 -m rollcall_worker --model "$work/sp/model" --port 8000 --dtype "$dtype" --lora-rank "${lora:-0}" >"$dir/worker.log" 2>&1 &
worker=$!
trap 'kill $worker 2>/dev/null || true' EXIT
python3 - <<'PY'
import time, urllib.request
for _ in range(240):
    try:
        urllib.request.urlopen("http://127.0.0.1:8000/health", timeout=2)
        break
    except Exception:
        time.sleep(0.5)
else:
    raise SystemExit("the worker did not come up; see worker.log")
PY
cat >"$work/e2e.yaml" <<YAML
project: gpu-e2e
runsDir: $work/runs-$name
proxy: { engine: { kind: worker, mode: token, upstreams: [http://127.0.0.1:8000] } }
tasks:
  train: { type: jsonl, path: $work/tasks/train.jsonl }
  validation: { type: jsonl, path: $work/tasks/validation.jsonl }
  selector: { type: shuffle, seed: 42 }
workflow: { type: module, module: $work/app/dist/examples/math-agent/agentscope-agent.js#mathAgent, timeoutMs: 120000 }
judge: { type: math, madness: { checks: [nonsense, wrong_toolcall], reward: 0 } }
rollout: { groupSize: 8, concurrency: 64, sampling: { temperature: $temperature, topP: 1.0 }, limits: { maxCalls: 6, maxTokensPerTurn: 160 } }
algorithm: { estimator: grpo, weighting: episode }
learner: { type: worker, url: http://127.0.0.1:8000, hyper: { lr: $lr, microBatchSize: 32, clipLow: 0.2, clipHigh: 0.28 } }
schedule: { steps: $steps, tasksPerStep: 16, evalEvery: 5, evalBeforeTrain: true, evalTasks: 128, evalPassK: 1, evalSampling: { temperature: $temperature, topP: 1.0 }, checkpointEvery: 0 }
YAML
echo "== train ($steps steps)"
"$work/node" "$work/app/bin/rollcall.js" train --conf "$work/e2e.yaml" 2>"$dir/train.stderr" >"$dir/train.stdout" &
trainer=$!
if [ "${seconds:-0}" != 0 ]; then ( sleep "$seconds"; kill -INT "$trainer" 2>/dev/null ) & fi
wait "$trainer" || echo "trainer stopped early (exit $?)"
tail -3 "$dir/train.stdout"
run_dir="$(ls -d "$work/runs-$name"/gpu-e2e/*/ | head -1)"
cp "$run_dir/metrics.jsonl" "$dir/metrics.jsonl"
python3 scripts/gpu-e2e/plot_curve.py "$dir/metrics.jsonl" "$dir/reward-curve.svg" "GRPO, $name (temperature $temperature): reward and held-out success" reward
python3 scripts/gpu-e2e/summarize_run.py "$dir/metrics.jsonl" "$temperature" >"$dir/summary.json"
python3 scripts/gpu-e2e/plot_curve.py "$dir/metrics.jsonl" "$dir/tool-discipline.svg" "GRPO, $name: tool discipline on held-out tasks" discipline
tail -c 200000 "$run_dir/run.log" >"$dir/run.log.tail" || true
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv >"$dir/gpu.csv" || true
kill $worker 2>/dev/null || true
wait $worker 2>/dev/null || true
done
