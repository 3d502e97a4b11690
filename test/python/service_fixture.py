"""A FunctionService on a background thread, and a small HTTP client for it (http.client)."""

import http.client
import json
from typing import Any, Dict, Optional, Tuple
from urllib.parse import urlparse

from rollcall.background import BackgroundService
from rollcall.service import FunctionService

TASK = {"id": "gsm8k-7", "index": 7, "query": "What is 6 * 3?", "referenceAnswer": "#### 18", "metadata": {"level": 1}}


def workflow_body(query: str = "What is 6 * 3?", **extra: Any) -> Dict[str, Any]:
    body = {"task": {**TASK, "query": query}, "baseUrl": "http://127.0.0.1:9/v1", "apiKey": "rk-secret",
            "model": "policy", "rolloutId": "ro_1", "attempt": 2, "metadata": {"step": 3},
            "auxiliaryModels": {"judge": {"baseUrl": "http://aux/v1", "apiKey": "ak", "model": "qwen"}}}
    body.update(extra)
    return body


def judge_body(response: str = "\\boxed{18}", calls: Optional[list] = None) -> Dict[str, Any]:
    return {"task": TASK, "output": {"response": response},
            "context": {"calls": calls or [], "auxiliaryModels": {}}}


class Client:
    def __init__(self, url: str):
        parsed = urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port

    def connection(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.host, self.port, timeout=60)

    def post(self, path: str, body: Any, timeout_ms: Optional[int] = None,
             connection: Optional[http.client.HTTPConnection] = None) -> Tuple[int, Any]:
        own = connection is None
        connection = connection or self.connection()
        headers = {"content-type": "application/json"}
        if timeout_ms is not None:
            headers["x-rollcall-timeout-ms"] = str(timeout_ms)
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            connection.request("POST", path, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, json.loads(response.read() or b"null")
        finally:
            if own:
                connection.close()

    def get(self, path: str) -> Tuple[int, Any]:
        connection = self.connection()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, json.loads(response.read())
        finally:
            connection.close()


def start(workflow=None, judge=None) -> Tuple[BackgroundService, Client]:
    service = BackgroundService(FunctionService(workflow, judge))
    return service, Client(service.start())
