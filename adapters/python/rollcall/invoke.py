"""Calling one user function for one request: async functions on the event loop, plain ones on a
daemon thread, both under the request's time limit.

What the trainer needs when a function fails is where: a raise comes back with its traceback; a
call that runs out of time comes back with the stack of where it was at that moment (the
coroutine chain of an ``async def``, the thread's frames of a plain function), so a hang is as
easy to find as a crash. An async call is then cancelled; a thread cannot be stopped in Python,
so a hung plain function keeps its (daemon) thread and its late result is dropped.
"""

import asyncio
import contextvars
import inspect
import os
import sys
import threading
import traceback
from dataclasses import dataclass
from typing import Any, Callable, List, Optional, Tuple

from .threads import shared_pool

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))
_MAX_TRACEBACK_CHARS = 20_000


@dataclass
class Outcome:
    """A returned value, or an error as the wire's ``{type, message, traceback}``."""

    value: Any = None
    error_type: Optional[str] = None
    message: str = ""
    traceback: str = ""


def is_async_function(fn: Callable[..., Any]) -> bool:
    return inspect.iscoroutinefunction(fn) or inspect.iscoroutinefunction(getattr(fn, "__call__", None))


def _clip(text: str) -> str:
    return text if len(text) <= _MAX_TRACEBACK_CHARS else "…" + text[-_MAX_TRACEBACK_CHARS:]


def _is_ours(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or os.path.basename(filename) in ("threading.py", "thread.py")


def raised(error: BaseException) -> Outcome:
    """The error's message and traceback, without rollcall's own frames around the user's."""
    message = "".join(traceback.format_exception_only(type(error), error)).strip()
    report = traceback.TracebackException.from_exception(error)
    report.stack = traceback.StackSummary.from_list([f for f in report.stack if not _is_ours(f.filename)])
    return Outcome(error_type="raised", message=message, traceback=_clip("".join(report.format())))


def _user_frames(frames: List[Any]) -> str:
    """Formats frames oldest first, leaving out rollcall's own and the thread machinery's."""
    kept = [(frame, frame.f_lineno) for frame in frames if not _is_ours(frame.f_code.co_filename)]
    return _clip("".join(traceback.StackSummary.extract(kept).format()))


def coroutine_stack(coro: Any) -> str:
    """The chain of frames a suspended coroutine is waiting in, outermost first."""
    frames = []
    while coro is not None:
        if isinstance(coro, asyncio.Task):
            coro = coro.get_coro()
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is None:
            break
        frames.append(frame)
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return _user_frames(frames)


def thread_stack(ident: Optional[int]) -> str:
    frame = sys._current_frames().get(ident) if ident is not None else None
    frames = []
    while frame is not None:
        frames.append(frame)
        frame = frame.f_back
    return _user_frames(frames[::-1])


def _timed_out(label: str, timeout_s: float, stack: str, note: str = "") -> Outcome:
    header = f"Stack of {label} when its {timeout_s * 1000:.0f} ms ran out (most recent call last):\n"
    message = f"{label} did not finish within {timeout_s * 1000:.0f} ms{note}"
    return Outcome(error_type="timeout", message=message, traceback=header + stack if stack else "")


async def _await_value(value: Any, label: str, timeout_s: Optional[float]) -> Outcome:
    """A plain function that returned an awaitable (a lambda around a coroutine) is awaited too."""
    if not inspect.isawaitable(value):
        return Outcome(value=value)
    return await _run_on_loop(value, label, timeout_s)


async def _guarded(awaitable: Any) -> Tuple[bool, Any]:
    """A task that ends in SystemExit or KeyboardInterrupt would stop the whole event loop: a
    function's ``sys.exit()`` becomes its report instead. Cancellation still propagates."""
    try:
        return True, await awaitable
    except asyncio.CancelledError:
        raise
    except BaseException as error:
        return False, error


async def _run_on_loop(awaitable: Any, label: str, timeout_s: Optional[float]) -> Outcome:
    task = asyncio.ensure_future(_guarded(awaitable))
    try:
        done, _ = await asyncio.wait({task}, timeout=timeout_s)
    except asyncio.CancelledError:
        task.cancel()  # the trainer went away (cancelled run, shutdown): stop the function too
        raise
    if not done:
        stack = coroutine_stack(task)
        task.cancel()
        return _timed_out(label, timeout_s or 0, stack)
    if task.cancelled():
        return Outcome(error_type="cancelled", message=f"{label} was cancelled")
    returned, value = task.result()
    return Outcome(value=value) if returned else raised(value)


async def _run_on_thread(fn: Callable[..., Any], args: tuple, kwargs: dict, label: str,
                         timeout_s: Optional[float]) -> Outcome:
    ident: List[Optional[int]] = [None]

    def run() -> Tuple[bool, Any]:
        # Never raises: some exceptions (StopIteration) cannot cross into an asyncio future, and a
        # function's SystemExit must become its report, not the thread's end.
        ident[0] = threading.get_ident()
        try:
            return True, fn(*args, **kwargs)
        except BaseException as error:
            return False, error

    context = contextvars.copy_context()
    future = asyncio.get_running_loop().run_in_executor(shared_pool(), context.run, run)
    done, _ = await asyncio.wait({future}, timeout=timeout_s)
    if not done:
        note = "; its thread keeps running (Python cannot stop a thread) and its result will be dropped"
        return _timed_out(label, timeout_s or 0, thread_stack(ident[0]), note)
    returned, value = future.result()
    if not returned:
        return raised(value)
    return await _await_value(value, label, timeout_s)


async def invoke(fn: Callable[..., Any], args: tuple, kwargs: dict, label: str,
                 timeout_s: Optional[float]) -> Outcome:
    """Runs ``fn(*args, **kwargs)`` once; every failure comes back as an ``Outcome``, never raised
    (except the cancellation of the request itself)."""
    if is_async_function(fn):
        try:
            coro = fn(*args, **kwargs)
        except Exception as error:  # a raise before the first await of a sync wrapper
            return raised(error)
        return await _run_on_loop(coro, label, timeout_s)
    return await _run_on_thread(fn, args, kwargs, label, timeout_s)
