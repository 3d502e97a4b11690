"""Errors the worker answers with, in vLLM's envelope (`create_error_response`, vLLM ≥ 0.10.1).

`{"error": {"message", "type", "param", "code"}}`, where `type` is the HTTP status phrase in
CamelCase plus "Error" and `code` repeats the status, so the proxy's error mapping (400 + "context
length" = overflow, 5xx = retryable) works on the worker exactly as on vLLM.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any


def error_type(status: int) -> str:
    """400 → "BadRequestError", 500 → "InternalServerError" (vLLM's naming)."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        return "InternalServerError"
    name = "".join(ch for ch in phrase if ch.isalnum())
    return name if name.endswith("Error") else f"{name}Error"


class WorkerError(Exception):
    """An error with an HTTP status; raised by validation, turned into a body by the server."""

    def __init__(self, status: int, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param

    def body(self) -> dict[str, Any]:
        return error_body(self.status, self.message, self.param)


def error_body(status: int, message: str, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": error_type(status), "param": param, "code": status}}


def bad_request(message: str, param: str | None = None) -> WorkerError:
    return WorkerError(400, message, param)


def not_found(message: str, param: str | None = None) -> WorkerError:
    return WorkerError(404, message, param)


class ModelLoadError(Exception):
    """A model the worker cannot load as asked: an architecture the chosen implementation does not
    cover, a package it needs that is not installed, or weights that do not fit the config. The
    message names the folder and the fix; `__main__` prints it and exits 2."""


def ranks_failed(operation: str, detail: str) -> WorkerError:
    """An operation all learner ranks run together failed: a rank died, a collective timed out, or
    one rank's part raised. The ranks are out of step and a process group cannot be re-formed in
    place, so the worker stops after answering; the launcher (or the user) restarts every rank."""
    return WorkerError(
        503,
        f"{operation} failed across the learner ranks: {detail}. The worker is stopping: restart it (all ranks); "
        "each rank's log names what it saw",
    )


def generation_only(rank: int, path: str) -> WorkerError:
    """A learner route sent to a rank other than 0, which serves generation only."""
    return WorkerError(409, f"this is learner rank {rank}, a generation replica: send {path} to rank 0 (the worker's --port)")
