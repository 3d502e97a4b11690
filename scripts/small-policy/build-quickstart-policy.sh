#!/usr/bin/env bash
# The quickstart's small policy (examples/quickstart/small-policy/), built on a GPU machine that has
# transformers and tokenizers:
#   scripts/small-policy/build-quickstart-policy.sh OUT [WORK]
# Builds three candidates at once in WORK (default: a new temporary folder): the same problems,
# tokenizer and shape (hidden 192, 4 layers, 1.8M parameters, 7 MB: fast on a CPU), warmed up by
# SFT on demonstrations with different shares of bad habits (no print(), answering before the
# tool's result), then evaluated in the real tool loop. pick_policy.py
# copies the one to ship to OUT/model and writes OUT/summary.json (every candidate's numbers and
# log tail, which was chosen and why): OUT holds nothing else, so it fits what the device tool
# brings back. About 4 minutes on one H200.
#
# The quickstart trains and validates on new problems of the warm-up's templates and number
# ranges: the shipped policy should solve 0.3–0.5 of them sampled at temperature 1 (its habits and
# an unfinished warm-up) while solving nearly all greedily (it knows the task), so that GRPO shows
# in minutes on a CPU. Measured with the policy this built on 2026-12-02 (habits60: sampled 0.375,
# greedy 1.0): held-out 0.44 → 0.86 after 8 steps on the 2-core CPU (docs/results/quickstart-cpu/).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-quickstart-policy.sh OUT [WORK]}"
work="${2:-$(mktemp -d /tmp/quickstart-policy.XXXXXX)}"
mkdir -p "$out" "$work"
# demos.py imports the math agent, which imports the rollcall Python package
export PYTHONPATH="$here/../../adapters/python${PYTHONPATH:+:$PYTHONPATH}"
python3 "$here/problems.py" >"$work/problems-check.txt"
python3 "$here/demos.py" >"$work/demos-check.txt"
export PYTHONUNBUFFERED=1
common="--n-eval 200 --time-budget-s 170 --hidden 192 --layers 4 --heads 3 --kv-heads 1"
# Habits only (no wrong operators), and a guess after skipping the result rarely right: the
# demonstrations themselves then succeed 0.53 / 0.49 / 0.43 of the time (the first policy's, at
# flaw share 0.4 with the default mix: 0.71, sampled 0.52-0.66 on new problems). Same-turn answers
# outnumber forgotten print()s, so that greedy decoding still writes print() and waits.
habits="--flaw-weights 0.4,0.6,0 --guess-right 0.1 --recover 0.1 --steps 2500"
names=(habits55 habits60 habits65)
flags=(
  "--flaw-share 0.55 $habits"
  "--flaw-share 0.6 $habits"
  "--flaw-share 0.65 $habits"
)
: >"$work/flags.txt"
pids=()
for i in "${!names[@]}"; do
  # shellcheck disable=SC2086 # the flags are words
  python3 "$here/build_model.py" --out "$work/${names[$i]}" $common ${flags[$i]} >"$work/${names[$i]}.log" 2>&1 &
  pids+=($!)
  echo "${names[$i]}: ${flags[$i]} $common" >>"$work/flags.txt"
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[ "$failed" = 0 ] || echo "$failed candidate(s) failed; logs in $work/*.log" >&2
python3 "$here/pick_policy.py" "$work" "$out" "scripts/small-policy/build-quickstart-policy.sh OUT"
