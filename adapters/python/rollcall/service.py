"""Workflow and judge functions behind HTTP: the routes of ``src/wire/function-service.ts``.

One ``FunctionService`` runs in one process and serves many rollouts at once: each request is
handled on the event loop, an ``async def`` function runs there too and a plain function on its
own thread (``invoke.py``). Every failure is an answer, never a dead server: bad JSON and bad
requests are ``400``, a raise ``500`` with its traceback, a run out of time ``504`` with the stack
it hung in, a returned value that cannot be sent ``500 bad_output``. Counters per function
(calls, failed, in flight, most in flight at once) answer ``GET /stats``.
"""

import asyncio
import inspect
import json
import threading
from typing import Any, Callable, Dict, Optional

from . import wire
from .http11 import HttpRequest, HttpResponse, start_http_server
from .invoke import Outcome, invoke
from .loader import check_signature
from .watchdog import LoopWatchdog

_STATUS = {"raised": 500, "timeout": 504, "cancelled": 500, "bad_output": 500}


class FunctionStats:
    def __init__(self) -> None:
        self.calls = 0
        self.failed = 0
        self.in_flight = 0
        self.max_in_flight = 0

    def started(self) -> None:
        self.calls += 1
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def finished(self, failed: bool) -> None:
        self.in_flight -= 1
        self.failed += 1 if failed else 0

    def to_wire(self) -> Dict[str, int]:
        return {"calls": self.calls, "failed": self.failed, "inFlight": self.in_flight, "maxInFlight": self.max_in_flight}


class ServedFunction:
    def __init__(self, kind: str, fn: Callable[..., Any], label: Optional[str]):
        if not callable(fn):
            raise TypeError(f"the {kind} must be a function, not {type(fn).__name__}")
        self.kind = kind
        self.fn = fn
        name = label or getattr(fn, "__qualname__", repr(fn))
        check_signature(fn, kind, name)
        self.label = f"{kind} {name}"
        self.stats = FunctionStats()
        try:
            self.takes_calls = "calls" in inspect.signature(fn).parameters
        except (TypeError, ValueError):  # a builtin without a signature
            self.takes_calls = False


def _error(status: int, kind: str, message: str, traceback_text: str = "") -> HttpResponse:
    return HttpResponse(status, wire.encode(wire.error_body(kind, message, traceback_text)))


def _timeout_s(request: HttpRequest) -> Optional[float]:
    text = request.headers.get(wire.TIMEOUT_HEADER, "")
    return int(text) / 1000 if text.isdigit() and int(text) > 0 else None


class FunctionService:
    """Serves ``workflow`` and/or ``judge``; start it on a running loop with ``await start(...)``."""

    def __init__(self, workflow: Optional[Callable[..., Any]] = None, judge: Optional[Callable[..., Any]] = None,
                 *, workflow_label: Optional[str] = None, judge_label: Optional[str] = None):
        if workflow is None and judge is None:
            raise ValueError("serve needs a workflow function, a judge function, or both")
        self.functions: Dict[str, ServedFunction] = {}
        if workflow is not None:
            self.functions["workflow"] = ServedFunction("workflow", workflow, workflow_label)
        if judge is not None:
            self.functions["judge"] = ServedFunction("judge", judge, judge_label)
        self.url = ""
        self._server: Any = None
        self._connections: Any = set()
        self._watchdog: Optional[LoopWatchdog] = None

    def stats(self) -> Dict[str, Any]:
        return {kind: (self.functions[kind].stats.to_wire() if kind in self.functions else None)
                for kind in ("workflow", "judge")}

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        self._server, self._connections = await start_http_server(self.handle, host, port)
        bound = self._server.sockets[0].getsockname()
        self.url = f"http://{'127.0.0.1' if host in ('0.0.0.0', '') else host}:{bound[1]}"
        self._watchdog = LoopWatchdog(asyncio.get_running_loop(), threading.get_ident())
        self._watchdog.start()
        return self.url

    async def stop(self) -> None:
        if self._watchdog is not None:
            self._watchdog.stop()
        if self._server is not None:
            self._server.close()
            for connection in list(self._connections):
                connection.close()
            await self._server.wait_closed()

    async def handle(self, request: HttpRequest) -> HttpResponse:
        if request.path == wire.ROUTES["stats"]:
            if request.method != "GET":
                return _error(405, "bad_request", f"{request.path} takes GET")
            return HttpResponse(200, wire.encode(self.stats()))
        kind = {wire.ROUTES["workflow"]: "workflow", wire.ROUTES["judge"]: "judge"}.get(request.path)
        if kind is None:
            return _error(404, "not_served", f"no route {request.path}; routes: /workflow, /judge, /stats")
        if request.method != "POST":
            return _error(405, "bad_request", f"{request.path} takes POST")
        served = self.functions.get(kind)
        if served is None:
            return _error(404, "not_served", f"this service has no {kind} function")
        served.stats.started()
        failed = True
        try:
            response = await self._call(served, request)
            failed = response.status != 200
            return response
        finally:
            served.stats.finished(failed)

    async def _call(self, served: ServedFunction, request: HttpRequest) -> HttpResponse:
        try:
            payload = json.loads(request.body.decode("utf-8"))
            if served.kind == "workflow":
                args, kwargs = wire.parse_workflow_request(payload), {}
            else:
                task, response, auxiliary, calls = wire.parse_judge_request(payload)
                args, kwargs = (task, response, auxiliary), ({"calls": calls} if served.takes_calls else {})
        except (ValueError, UnicodeDecodeError) as error:  # WireError is a ValueError
            return _error(400, "bad_request", f"bad {served.kind} request: {error}")
        outcome: Outcome = await invoke(served.fn, tuple(args), kwargs, served.label, _timeout_s(request))
        if outcome.error_type is not None:
            return _error(_STATUS[outcome.error_type], outcome.error_type, outcome.message, outcome.traceback)
        try:
            convert = wire.workflow_output_to_wire if served.kind == "workflow" else wire.judge_output_to_wire
            return HttpResponse(200, wire.encode(convert(outcome.value, served.label)))
        except wire.WireError as error:
            return _error(500, "bad_output", str(error))
