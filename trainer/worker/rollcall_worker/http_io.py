"""HTTP/1.1 plumbing on `http.server`: JSON bodies in and out, SSE over chunked encoding.

Responses keep the connection alive (undici pools connections): JSON answers carry a
Content-Length, streams use `Transfer-Encoding: chunked` and end with the zero chunk. Non-finite
floats never reach the wire (`allow_nan=False`); callers clamp or drop them first.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any

from .errors import bad_request

MAX_BODY_BYTES = 1 << 30


def read_body(handler: BaseHTTPRequestHandler) -> bytes:
    if handler.headers.get("Transfer-Encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int(handler.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while handler.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass
                return b"".join(parts)
            parts.append(handler.rfile.read(size))
            handler.rfile.readline()
    length = int(handler.headers.get("Content-Length") or 0)
    if length > MAX_BODY_BYTES:
        raise bad_request(f"request body over {MAX_BODY_BYTES} bytes")
    return handler.rfile.read(length) if length > 0 else b""


def read_json(handler: BaseHTTPRequestHandler) -> Any:
    raw = read_body(handler)
    if not raw:
        return {}
    try:
        return json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise bad_request(f"the request body is not valid JSON: {error}") from error


def dumps(body: Any) -> bytes:
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def send_json(handler: BaseHTTPRequestHandler, status: int, body: Any, extra_headers: dict[str, str] | None = None) -> None:
    data = b"" if body is None else dumps(body)
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    for name, value in (extra_headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(data)
    handler.wfile.flush()


class SseWriter:
    """`text/event-stream` events (`data: <json>\\n\\n`, no `event:` lines), one chunk each."""

    def __init__(self, handler: BaseHTTPRequestHandler) -> None:
        self._handler = handler
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Cache-Control", "no-cache")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.flush()

    def _write(self, payload: bytes) -> None:
        out = self._handler.wfile
        out.write(f"{len(payload):x}\r\n".encode("ascii") + payload + b"\r\n")
        out.flush()

    def event(self, body: Any) -> None:
        self._write(b"data: " + dumps(body) + b"\n\n")

    def done(self) -> None:
        self._write(b"data: [DONE]\n\n")
        self._handler.wfile.write(b"0\r\n\r\n")
        self._handler.wfile.flush()
