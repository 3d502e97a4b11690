#!/usr/bin/env bash
# The worker's learner ranks with FSDP2, on a machine with PyTorch ≥ 2.6, transformers and peft,
# and one GPU (no Node needed). From the repository root:
#   scripts/gpu-multi/run-on-gpu.sh OUT
# 1. the worker's CPU tests under this torch (twice: the tiny and the native model), where the
#    FSDP2 variants of the two-rank tests run on two gloo ranks (equivalence with one rank,
#    checkpoints, the generation replica and the native model's generation copy);
# 2. scripts/gpu-multi/check_ranks.py: one NCCL rank with FSDP2 against the one-GPU learner (native
#    and transformers; full, LoRA, fp32, bf16; checkpoints both ways), and `--gpus 2 --device cpu`
#    through torchrun over HTTP, with a rank killed at the end.
# OUT gets versions.txt, worker-tests.log, checks.log, checks.json, torchrun-worker.log and
# summary.txt; the exit status is 0 only when everything passed. About 2–4 minutes.
set -uo pipefail
out="${1:?usage: scripts/gpu-multi/run-on-gpu.sh OUT}"
mkdir -p "$out"
export PYTHONUNBUFFERED=1 NCCL_NVLS_ENABLE=0 TORCH_SYMM_MEM_DISABLE_MULTICAST=1
python3 -c 'import sys, torch, transformers, peft; print(f"python {sys.version.split()[0]}, torch {torch.__version__}, transformers {transformers.__version__}, peft {peft.__version__}, cuda {torch.cuda.is_available()} ({torch.cuda.device_count()} GPU)")' | tee "$out/versions.txt"

echo "== worker CPU tests (FSDP2 variants on two gloo ranks)"
started=$SECONDS
PYTHON=python3 ROLLCALL_REQUIRE_WORKER_TESTS=1 timeout 300 bash scripts/test-worker.sh >"$out/worker-tests.log" 2>&1
tests=$?
grep -E '^[0-9]+ passed, ' "$out/worker-tests.log"
# Under torch ≥ 2.6 nothing may be skipped: the only skips are the FSDP2 variants on older torch.
fsdp_ran=$(grep -cE '\(test_ranks_[a-z_]+\.Fsdp2[A-Za-z]+\.test_[a-z0-9_]+\) \.\.\. ok$' "$out/worker-tests.log")
skipped=$(grep -cE '\.\.\. skipped' "$out/worker-tests.log")
echo "FSDP2 two-rank tests passed: $fsdp_ran, tests skipped: $skipped, in $((SECONDS - started))s"

echo "== NCCL rank and torchrun launcher (check_ranks.py)"
started=$SECONDS
PYTHONPATH=trainer/worker:test/worker timeout 300 python3 scripts/gpu-multi/check_ranks.py --out "$out/checks.json" >"$out/checks.log" 2>&1
checks=$?
grep -E '^(PASS|FAIL) |passed, .* failed' "$out/checks.log"
echo "check_ranks.py: $((SECONDS - started))s"

{
  cat "$out/versions.txt"
  echo "worker tests: exit $tests, $(grep -E '^[0-9]+ passed, ' "$out/worker-tests.log" | paste -sd ';'), FSDP2 two-rank tests ok: $fsdp_ran, skipped: $skipped"
  grep -E '^(PASS|FAIL) ' "$out/checks.log"
  echo "check_ranks.py: exit $checks"
} >"$out/summary.txt"
[ "$tests" = 0 ] && [ "$fsdp_ran" -gt 0 ] && [ "$skipped" = 0 ] && [ "$checks" = 0 ]
