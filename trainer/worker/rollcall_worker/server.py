"""The HTTP server: routing, error bodies, and the info routes (`/health`, `/version`, `/v1/models`).

Standard library only (`ThreadingHTTPServer`): one thread per connection; generation requests
block their thread on their sequences' events while the scheduler thread batches them. Every
failure answers vLLM's error body: `WorkerError` with its status, anything else 500.
"""

from __future__ import annotations

import logging
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlsplit

from . import __version__
from .chat_template import detokenize, tokenize
from .errors import WorkerError, error_body
from .generation_routes import handle_completions
from .http_io import read_json, send_json
from .learner_routes import checkpoint, restore, train_step, weights
from .worker import Worker

log = logging.getLogger("rollcall_worker.server")

JsonRoute = Callable[[Worker, Any], Any]


def _models(worker: Worker) -> dict[str, Any]:
    card = {
        "id": worker.served_name,
        "object": "model",
        "created": worker.created,
        "owned_by": "rollcall",
        "root": worker.policy.name,
        "parent": None,
        "max_model_len": worker.policy.max_model_len,
        "permission": [],
    }
    return {"object": "list", "data": [card]}


def _policy(worker: Worker) -> dict[str, Any]:
    """The policy version this server generates with; with several learner ranks each replica
    answers for itself, so a caller can check that all serve the same one."""
    sync = worker.learner.sync
    return {"policyVersion": worker.learner.policy_version, "rank": sync.rank, "worldSize": sync.world_size, "gradSync": sync.name}


GET_ROUTES: dict[str, Callable[[Worker], Any]] = {
    "/health": lambda worker: None,
    "/policy": _policy,
    "/version": lambda worker: {"version": f"rollcall-worker {__version__}"},
    "/v1/models": _models,
}

POST_ROUTES: dict[str, JsonRoute] = {
    "/tokenize": lambda worker, body: tokenize(body, worker.tokenizer, worker.policy.max_model_len),
    "/detokenize": lambda worker, body: detokenize(body, worker.tokenizer),
    "/train/step": train_step,
    "/checkpoint": checkpoint,
    "/restore": restore,
    "/weights": weights,
}


def make_handler(worker: Worker) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = f"rollcall-worker/{__version__}"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 — the base class's name
            log.debug("%s %s", self.address_string(), format % args)

        def do_GET(self) -> None:  # noqa: N802 — http.server's naming
            route = GET_ROUTES.get(urlsplit(self.path).path)
            if route is None:
                self._fail(WorkerError(404, f"no route GET {self.path}"))
                return
            send_json(self, 200, route(worker))

        def do_POST(self) -> None:  # noqa: N802
            path = urlsplit(self.path).path
            try:
                body = read_json(self)
                if path == "/v1/completions":
                    handle_completions(worker, body, self)
                    return
                route = POST_ROUTES.get(path)
                if route is None:
                    raise WorkerError(404, f"no route POST {path}")
                send_json(self, 200, route(worker, body))
            except WorkerError as error:
                self._fail(error)
            except (BrokenPipeError, ConnectionResetError):
                log.info("client closed the connection during %s", path)
            except Exception as error:  # noqa: BLE001 — answer 500 instead of dropping the socket
                log.exception("%s failed", path)
                self._fail(WorkerError(500, f"{type(error).__name__}: {error}"))

        def _fail(self, error: WorkerError) -> None:
            try:
                send_json(self, error.status, error_body(error.status, error.message, error.param))
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


def build_server(worker: Worker, host: str, port: int) -> ThreadingHTTPServer:
    """Binds (port 0 = any free port) but does not serve; `serve_forever` in the caller."""
    server = ThreadingHTTPServer((host, port), make_handler(worker))
    server.daemon_threads = True
    return server
