#!/usr/bin/env bash
# Tests of rollcall's Python package (adapters/python, standard library only) and the Python
# examples, with unittest. The interpreter is $PYTHON, else /usr/bin/python3 (as for the worker).
# Ends with "N passed, N failed"; exits non-zero on any failure.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
python="${PYTHON:-/usr/bin/python3}"
cd "$root"
export PYTHONDONTWRITEBYTECODE=1
export PYTHONPATH="$root/adapters/python:$root/test/python${PYTHONPATH:+:$PYTHONPATH}"
exec "$python" test/python/run_tests.py
