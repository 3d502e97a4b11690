#!/usr/bin/env bash
# One command: problems -> demos -> tokenizer -> Qwen2 model from scratch -> SFT -> tool-loop eval.
#   scripts/small-policy/run.sh OUT_DIR [extra build_model.py flags, e.g. --steps 2500 --flaw-share 0.4]
# Writes OUT_DIR/model (HF folder: model + tokenizer) and OUT_DIR/summary.json.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:?usage: run.sh OUT_DIR [build_model.py flags]}"; shift
mkdir -p "$out"
# demos.py imports the math agent, which imports the rollcall Python package
export PYTHONPATH="$here/../../adapters/python${PYTHONPATH:+:$PYTHONPATH}"
python3 "$here/problems.py" >"$out/problems-check.txt"
python3 "$here/demos.py" >"$out/demos-check.txt"
python3 "$here/build_model.py" --out "$out" "$@"
