"""A minimal HTTP/1.1 server on asyncio's protocol API, standard library only.

Enough for one client, the trainer (Node's fetch): requests with a ``content-length`` body,
keep-alive, pipelined requests answered in order. Built on ``asyncio.Protocol`` rather than
streams because ``connection_lost`` is the one reliable signal that the trainer gave up on a
request (its run timed out or was cancelled): the request's handler is then cancelled, which
cancels an async workflow. The server never closes an idle keep-alive connection itself: closing
one while the client starts a new request on it would fail that POST, which a client may not retry.
"""

import asyncio
import json
import sys
import traceback
from dataclasses import dataclass, field
from collections import deque
from typing import Awaitable, Callable, Deque, Dict, Optional, Set, Tuple

MAX_HEAD_BYTES = 64 * 1024
REASONS = {100: "Continue", 200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed",
           411: "Length Required", 413: "Payload Too Large", 431: "Request Header Fields Too Large",
           500: "Internal Server Error", 501: "Not Implemented", 504: "Gateway Timeout"}


@dataclass
class HttpRequest:
    method: str
    path: str
    headers: Dict[str, str]
    body: bytes = b""
    keep_alive: bool = True


@dataclass
class HttpResponse:
    status: int
    body: bytes = b""
    headers: Dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})

    def encode(self, keep_alive: bool) -> bytes:
        lines = [f"HTTP/1.1 {self.status} {REASONS.get(self.status, 'Unknown')}"]
        lines += [f"{name}: {value}" for name, value in self.headers.items()]
        lines += [f"content-length: {len(self.body)}", f"connection: {'keep-alive' if keep_alive else 'close'}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + self.body


Handler = Callable[[HttpRequest], Awaitable[HttpResponse]]


class BadRequest(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def parse_head(head: bytes, max_body_bytes: int) -> HttpRequest:
    try:
        text = head.decode("latin-1")
        request_line, *header_lines = text.split("\r\n")
        method, target, version = request_line.split(" ")
    except ValueError:
        raise BadRequest(400, "malformed request line") from None
    headers = {}
    for line in header_lines:
        name, sep, value = line.partition(":")
        if not sep:
            raise BadRequest(400, f"malformed header line {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise BadRequest(501, "chunked request bodies are not supported; send content-length")
    length_text = headers.get("content-length", "0")
    if not length_text.isdigit():
        raise BadRequest(411 if method == "POST" else 400, "a request body needs a valid content-length")
    if int(length_text) > max_body_bytes:
        raise BadRequest(413, f"the request body is larger than {max_body_bytes} bytes")
    connection = headers.get("connection", "").lower()
    keep_alive = connection != "close" if version == "HTTP/1.1" else connection == "keep-alive"
    return HttpRequest(method=method, path=target.split("?", 1)[0], headers=headers, keep_alive=keep_alive)


class HttpProtocol(asyncio.Protocol):
    """One connection: parses requests as bytes arrive, answers them one after another."""

    def __init__(self, handler: Handler, connections: Set["HttpProtocol"], max_body_bytes: int):
        self._handler = handler
        self._connections = connections
        self._max_body_bytes = max_body_bytes
        self._buffer = bytearray()
        self._head: Optional[HttpRequest] = None
        self._pending: Deque[HttpRequest] = deque()
        self._worker: Optional["asyncio.Task[None]"] = None
        self._transport: Optional[asyncio.Transport] = None
        self._closed = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]
        self._connections.add(self)

    def connection_lost(self, exc: Optional[Exception]) -> None:
        self._closed = True
        self._connections.discard(self)
        if self._worker is not None:
            self._worker.cancel()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        try:
            self._parse()
        except BadRequest as error:
            body = {"error": {"type": "bad_request", "message": str(error)}}
            self._answer_and_close(HttpResponse(error.status, json.dumps(body).encode("utf-8")))

    def _parse(self) -> None:
        while not self._closed:
            if self._head is None:
                end = self._buffer.find(b"\r\n\r\n")
                if end < 0:
                    if len(self._buffer) > MAX_HEAD_BYTES:
                        raise BadRequest(431, "the request head is too large")
                    return
                self._head = parse_head(bytes(self._buffer[:end]), self._max_body_bytes)
                del self._buffer[:end + 4]
                if self._head.headers.get("expect", "").lower() == "100-continue":
                    self._transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            length = int(self._head.headers.get("content-length", "0"))
            if len(self._buffer) < length:
                return
            self._head.body = bytes(self._buffer[:length])
            del self._buffer[:length]
            self._pending.append(self._head)
            self._head = None
            if self._worker is None:
                self._worker = asyncio.get_running_loop().create_task(self._answer_pending())

    async def _answer_pending(self) -> None:
        while self._pending and not self._closed:
            request = self._pending.popleft()
            try:
                response = await self._handler(request)
            except asyncio.CancelledError:
                return  # the connection is gone; nobody is left to answer
            except Exception:  # a bug in rollcall itself: answer, and say where
                traceback.print_exc(file=sys.stderr)
                response = HttpResponse(500, b'{"error":{"type":"raised","message":"internal error in rollcall.serve"}}')
            if self._closed:
                return
            self._transport.write(response.encode(request.keep_alive))
            if not request.keep_alive:
                self._transport.close()
                self._closed = True
        self._worker = None

    def _answer_and_close(self, response: HttpResponse) -> None:
        if self._transport is not None and not self._closed:
            self._transport.write(response.encode(keep_alive=False))
            self._transport.close()
        self._closed = True


async def start_http_server(handler: Handler, host: str, port: int,
                            max_body_bytes: int = 64 * 1024 * 1024) -> Tuple[asyncio.AbstractServer, Set[HttpProtocol]]:
    """Listens on ``host:port`` (0 picks a free port); returns the server and its live connections."""
    connections: Set[HttpProtocol] = set()
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: HttpProtocol(handler, connections, max_body_bytes), host, port)
    return server, connections
