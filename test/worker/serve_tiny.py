"""Serves the tiny-model worker for the TypeScript end-to-end test: prints its URL, runs until killed."""

from __future__ import annotations

import signal
import sys
import threading

from http_fixture import ServedWorker


def main() -> None:
    served = ServedWorker(seed=int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print(f"READY http://127.0.0.1:{served.port}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    served.close()


if __name__ == "__main__":
    main()
