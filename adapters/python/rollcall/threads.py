"""The threads that run plain (non-async) workflow and judge functions.

Why not ``concurrent.futures.ThreadPoolExecutor``: its workers are joined when the interpreter
exits, so one function stuck in an endless loop would keep the process alive after the run —
and a thread cannot be stopped from outside in Python. These workers are daemon threads: a hung
call is reported (with its stack) and abandoned, and the process can still exit. A pool grows
on demand up to ``max_threads``; the trainer bounds how many calls are in flight anyway
(``rollout.concurrency``), so every call gets a thread at once instead of queueing behind others.
"""

import queue
import threading
from concurrent.futures import Executor, Future
from typing import Any, Callable, Optional

__all__ = ["DaemonThreadPool", "shared_pool"]


class DaemonThreadPool(Executor):
    def __init__(self, max_threads: int = 1024, name: str = "rollcall-fn"):
        self._max_threads = max_threads
        self._name = name
        self._queue: "queue.SimpleQueue[Any]" = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0
        self._waiting = 0

    @property
    def thread_count(self) -> int:
        return self._threads

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> "Future[Any]":
        future: "Future[Any]" = Future()
        with self._lock:
            self._waiting += 1
            # A thread that is just finishing may make this one spare; an idle thread is cheap.
            if self._waiting > self._idle and self._threads < self._max_threads:
                self._threads += 1
                threading.Thread(target=self._work, name=f"{self._name}-{self._threads}", daemon=True).start()
        self._queue.put((future, fn, args, kwargs))
        return future

    def _work(self) -> None:
        while True:
            with self._lock:
                self._idle += 1
            future, fn, args, kwargs = self._queue.get()
            with self._lock:
                self._idle -= 1
                self._waiting -= 1
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result = fn(*args, **kwargs)
            except BaseException as error:  # the caller gets it through the future
                future.set_exception(error)
            else:
                future.set_result(result)
            del future, fn, args, kwargs  # drop references while idle

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Daemon threads end with the process; nothing to join."""


_shared: Optional[DaemonThreadPool] = None
_shared_lock = threading.Lock()


def shared_pool() -> DaemonThreadPool:
    """The process's one pool, shared by served functions and ``ChatModel.achat``."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = DaemonThreadPool()
        return _shared
