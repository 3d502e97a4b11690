"""Reports an event loop that stopped turning.

A blocking call inside an ``async def`` workflow (``time.sleep``, ``requests.get``, a busy loop)
freezes the whole service: no other rollout advances and no time limit can fire, because both
run on that loop. The trainer then only sees its own deadline pass. This thread notices the
stall and prints the loop thread's stack to stderr (the trainer's run log), once per stall, so
the blocking line is named.
"""

import sys
import threading
import time
from typing import Any

from .invoke import thread_stack


class LoopWatchdog:
    def __init__(self, loop: Any, loop_thread: int, stall_s: float = 10.0, period_s: float = 1.0):
        self._loop = loop
        self._loop_thread = loop_thread
        self._stall_s = stall_s
        self._period_s = period_s
        self._last_beat = time.monotonic()
        self._stopped = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._watch, name="rollcall-watchdog", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()

    def _beat(self) -> None:
        self._last_beat = time.monotonic()

    def _watch(self) -> None:
        reported = False
        while not self._stopped.wait(self._period_s):
            try:
                self._loop.call_soon_threadsafe(self._beat)
            except RuntimeError:  # the loop is closed
                return
            stalled = time.monotonic() - self._last_beat
            if stalled < self._stall_s:
                reported = False
            elif not reported:
                reported = True
                sys.stderr.write(
                    f"rollcall.serve: the event loop has been blocked for {stalled:.0f} s — a blocking call in an "
                    f"async function? Use a plain def (it runs on a thread) or await the call. The loop is at "
                    f"(most recent call last):\n{thread_stack(self._loop_thread) or '(no stack available)'}\n")
                sys.stderr.flush()
