"""Runs the worker's CPU tests with unittest and ends with a plain 'N passed, N failed' line.

Called by scripts/test-worker.sh (which sets PYTHONPATH); exits non-zero on any failure or error,
and when no test ran at all.
"""

from __future__ import annotations

import logging
import sys
import time
import unittest
from pathlib import Path


def main() -> int:
    logging.basicConfig(level=logging.CRITICAL)  # the worker logs expected failures; keep the output to results
    here = Path(__file__).resolve().parent
    suite = unittest.defaultTestLoader.discover(str(here), pattern="test_*.py", top_level_dir=str(here))
    started = time.perf_counter()
    result = unittest.TextTestRunner(verbosity=2, stream=sys.stdout).run(suite)
    failed = len(result.failures) + len(result.errors) + len(result.unexpectedSuccesses)
    skipped = len(result.skipped)
    passed = result.testsRun - failed - skipped
    print(f"worker tests: {time.perf_counter() - started:.1f}s with torch {__import__('torch').__version__}")
    print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
    return 0 if failed == 0 and result.testsRun > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
