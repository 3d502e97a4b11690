#!/usr/bin/env bash
# The quickstart's small policy (examples/quickstart/small-policy/), built on a GPU machine that has
# transformers and tokenizers:
#   scripts/small-policy/build-quickstart-policy.sh OUT [WORK]
# Builds three candidates at once in WORK (default: a new temporary folder): same problems, demos
# and tokenizer, different widths and shares of flawed demos, each trained within a 170 s budget and
# then evaluated in the real tool loop. pick_policy.py copies the one to ship to OUT/model and
# writes OUT/summary.json (every candidate's numbers and log tail, which was chosen and why): OUT
# holds nothing else, so it fits what the device tool brings back. About 5 minutes on one H200.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: build-quickstart-policy.sh OUT [WORK]}"
work="${2:-$(mktemp -d /tmp/quickstart-policy.XXXXXX)}"
mkdir -p "$out" "$work"
python3 "$here/problems.py" >"$work/problems-check.txt"
python3 "$here/demos.py" >"$work/demos-check.txt"
export PYTHONUNBUFFERED=1
common=(--n-eval 200 --time-budget-s 170 --steps 3000)
declare -A flags=(
  [h256-flaw40]="--hidden 256 --layers 4 --heads 4 --kv-heads 2 --flaw-share 0.4"
  [h256-flaw55]="--hidden 256 --layers 4 --heads 4 --kv-heads 2 --flaw-share 0.55"
  [h320-flaw45]="--hidden 320 --layers 4 --heads 5 --kv-heads 1 --flaw-share 0.45 --save-dtype bf16"
)
: >"$work/flags.txt"
pids=()
for name in "${!flags[@]}"; do
  # shellcheck disable=SC2086 # the flags are words
  python3 "$here/build_model.py" --out "$work/$name" "${common[@]}" ${flags[$name]} >"$work/$name.log" 2>&1 &
  pids+=($!)
  echo "$name: ${flags[$name]} ${common[*]}" >>"$work/flags.txt"
done
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=$((failed + 1)); done
[ "$failed" = 0 ] || echo "$failed candidate(s) failed; logs in $work/*.log" >&2
python3 "$here/pick_policy.py" "$work" "$out" "scripts/small-policy/build-quickstart-policy.sh OUT"
