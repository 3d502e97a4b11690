#!/usr/bin/env bash
# The quickstart's small policy (examples/quickstart/small-policy/), built on a GPU machine that has
# transformers and tokenizers:
#   scripts/small-policy/build-quickstart-policy.sh OUT [WORK]
# Builds three candidates at once in WORK (default: a new temporary folder): same problems and
# tokenizer, different widths and flawed demos, each warmed up by SFT and then evaluated in the real
# tool loop. pick_policy.py copies the one to ship to OUT/model and writes OUT/summary.json (every
# candidate's numbers and log tail, which was chosen and why): OUT holds nothing else, so it fits
# what the device tool brings back. About 4 minutes on one H200.
#
# Candidates, in order of preference (the first whose held-out success at T=1 is in 0.3–0.5 wins):
# flaws that are mostly habits (no print(), answering before the tool's result), which GRPO removes
# within a few steps, are preferred to wrong operators, which take longer to unlearn; 256 wide
# (≈2.9M parameters, ≈11 MB in fp32) before 320 wide (≈4.6M, saved in bf16 to stay under 16 MB).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-quickstart-policy.sh OUT [WORK]}"
work="${2:-$(mktemp -d /tmp/quickstart-policy.XXXXXX)}"
mkdir -p "$out" "$work"
python3 "$here/problems.py" >"$work/problems-check.txt"
python3 "$here/demos.py" >"$work/demos-check.txt"
export PYTHONUNBUFFERED=1
common="--n-eval 200 --time-budget-s 170 --steps 3000"
h256="--hidden 256 --layers 4 --heads 4 --kv-heads 2"
names=(h256-habits h256-mixed h320-habits)
flags=(
  "$h256 --flaw-share 0.5 --flaw-weights 0.5,0.4,0.1"
  "$h256 --flaw-share 0.4"
  "--hidden 320 --layers 4 --heads 5 --kv-heads 1 --flaw-share 0.5 --flaw-weights 0.5,0.4,0.1 --save-dtype bf16"
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
