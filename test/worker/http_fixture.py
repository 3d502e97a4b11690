"""Serves a tiny-model worker on 127.0.0.1, port 0, in a thread; a small JSON/SSE client for any worker port."""

from __future__ import annotations

import http.client
import json
import threading
from typing import Any

from rollcall_worker.server import build_server
from rollcall_worker.worker import Worker
from worker_fixture import tiny_worker


def request(port: int, method: str, path: str, body: Any = None, timeout: float = 120.0) -> tuple[int, bytes, dict[str, str]]:
    """One request to the worker on 127.0.0.1:`port`, `body` sent as JSON: status, raw body, headers."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        payload = None if body is None else json.dumps(body)
        headers = {} if body is None else {"Content-Type": "application/json"}
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def call_json(port: int, method: str, path: str, body: Any = None, timeout: float = 120.0) -> tuple[int, Any]:
    """`request`, its body parsed as JSON (None when empty)."""
    status, data, _ = request(port, method, path, body, timeout)
    return status, (json.loads(data) if data else None)


class ServedWorker:
    def __init__(self, seed: int = 0, start_scheduler: bool = True, **options: Any) -> None:
        """`start_scheduler=False`: the test steps `worker.scheduler` itself (deterministic order)."""
        self.worker: Worker = tiny_worker(seed, **options)
        self.server = build_server(self.worker, "127.0.0.1", 0)
        self.port = self.server.server_address[1]
        if start_scheduler:
            self.worker.scheduler.start()
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.worker.scheduler.stop()

    def request(self, method: str, path: str, body: Any = None) -> tuple[int, bytes, dict[str, str]]:
        return request(self.port, method, path, body)

    def json(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        return call_json(self.port, method, path, body)

    def stream(self, body: Any) -> list[Any]:
        """The SSE `data:` payloads of a streamed request, parsed; `[DONE]` kept as a string."""
        status, data, headers = self.request("POST", "/v1/completions", body)
        assert status == 200, data
        assert headers.get("Content-Type") == "text/event-stream", headers
        events = []
        for block in data.decode("utf-8").split("\n\n"):
            if not block:
                continue
            assert block.startswith("data: "), block
            payload = block[len("data: "):]
            events.append(payload if payload == "[DONE]" else json.loads(payload))
        return events
