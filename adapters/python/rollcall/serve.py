"""``serve()``: workflow and judge functions as one long-lived HTTP service.

Two ways to run it. By hand, for a trainer config that points at it (``workflow: {type: http,
url: http://127.0.0.1:8790/workflow}``)::

    rollcall.serve(workflow=my_workflow, judge=my_judge, port=8790)   # Ctrl-C stops it

Or started by the trainer itself (``workflow: {type: python, module: agent.py:workflow}``) as
``python -m rollcall serve``: it then prints one ``ServeReady`` JSON line on stdout once it
listens, and stops when its stdin closes — the trainer holds the other end, so the service ends
with the run even if the trainer is killed.
"""

import asyncio
import json
import os
import signal
import sys
import threading
from typing import Any, Callable, Optional

from .service import FunctionService

DEFAULT_PORT = 8790


def _watch_stdin(loop: asyncio.AbstractEventLoop, stop: asyncio.Event) -> None:
    def read_until_closed() -> None:
        try:
            while sys.stdin.buffer.read(65536):
                pass
        except (OSError, ValueError):
            pass  # a closed or broken stdin means the same: the parent is gone
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=read_until_closed, name="rollcall-stdin", daemon=True).start()


async def _serve_until_stopped(service: FunctionService, host: str, port: int, *, ready_line: bool,
                               stop_on_stdin_close: bool) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(signum, stop.set)
        except (NotImplementedError, RuntimeError):  # not the main thread, or Windows
            pass
    url = await service.start(host, port)
    labels = {kind: (service.functions[kind].label.split(" ", 1)[1] if kind in service.functions else None)
              for kind in ("workflow", "judge")}
    if ready_line:
        ready = {"rollcallServe": 1, "url": url, "workflow": labels["workflow"], "judge": labels["judge"], "pid": os.getpid()}
        sys.stdout.write(json.dumps(ready) + "\n")
        sys.stdout.flush()
    else:
        served = " and ".join(f"{kind} at {url}/{kind}" for kind, label in labels.items() if label is not None)
        sys.stderr.write(f"rollcall.serve: {served} (Ctrl-C stops)\n")
    if stop_on_stdin_close:
        _watch_stdin(loop, stop)
    try:
        await stop.wait()
    finally:
        await service.stop()


def serve(workflow: Optional[Callable[..., Any]] = None, judge: Optional[Callable[..., Any]] = None, *,
          host: str = "127.0.0.1", port: int = DEFAULT_PORT, workflow_label: Optional[str] = None,
          judge_label: Optional[str] = None, ready_line: bool = False, stop_on_stdin_close: bool = False) -> None:
    """Serves the functions until Ctrl-C or SIGTERM (or, with ``stop_on_stdin_close``, stdin's end).

    Many rollouts run at once: ``async def`` functions on the event loop, plain functions each on
    a thread of their own.
    """
    service = FunctionService(workflow, judge, workflow_label=workflow_label, judge_label=judge_label)
    try:
        asyncio.run(_serve_until_stopped(service, host, port, ready_line=ready_line,
                                         stop_on_stdin_close=stop_on_stdin_close))
    except KeyboardInterrupt:
        pass
