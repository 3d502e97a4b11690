"""Runs the tests of rollcall's Python package (adapters/python) and its Python examples with
unittest; ends with a plain 'N passed, N failed' line. Called by scripts/test-python.sh (which
sets PYTHONPATH); exits non-zero on any failure or error, and when no test ran at all.
"""

import sys
import time
import unittest
from pathlib import Path


def main() -> int:
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), pattern="test_*.py", top_level_dir=str(here))
    started = time.perf_counter()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    passed = result.testsRun - failed - len(result.skipped)
    print(f"python package tests: {time.perf_counter() - started:.1f}s with Python {sys.version.split()[0]}")
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
