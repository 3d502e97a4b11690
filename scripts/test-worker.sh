#!/usr/bin/env bash
# CPU tests of the Python GPU worker (trainer/worker), with the standard library's unittest.
# Needs torch for the chosen interpreter (CI: Debian's python3-torch for /usr/bin/python3).
# Exits non-zero when torch is missing or any test fails; ends with "N passed, N failed".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
if ! "$python" -c 'import torch' >/dev/null 2>&1; then
  if [[ "${ROLLCALL_REQUIRE_WORKER_TESTS:-0}" == "1" ]]; then
    echo "test-worker: FAILED — torch is not importable by $python; install it (Debian: apt-get install -y python3-torch)" >&2
    exit 1
  fi
  echo "test-worker: SKIPPED the Python worker's CPU tests — torch is not importable by $python (Debian: apt-get install -y python3-torch; CI installs it and requires them)" >&2
  exit 0
fi
cd "$root"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$root/trainer/worker:$root/test/worker${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" test/worker/run_tests.py
