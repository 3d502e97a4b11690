#!/usr/bin/env bash
# CPU tests of the Python GPU worker (trainer/worker), with the standard library's unittest.
# Needs torch for the chosen interpreter (CI: Debian's python3-torch for /usr/bin/python3).
# Runs the suite twice: with the tiny pure-torch policy (the no-cache generator the transformers path
# uses) and with a tiny native Qwen2 (the KV-cache generator); ROLLCALL_TEST_POLICY=tiny|native runs one.
# Exits non-zero when torch is missing or any test fails; each run ends with "N passed, N failed".
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
status=0
for policy in ${ROLLCALL_TEST_POLICY:-tiny native}; do
  echo "== worker tests, $policy policy"
  ROLLCALL_TEST_POLICY="$policy" "$python" test/worker/run_tests.py || status=1
done
exit "$status"
