"""Model handles: the rollout's policy model and the auxiliary models, as OpenAI-style endpoints.

Every call made with a rollout's key is recorded into that rollout, token-exactly, so an agent
needs nothing from rollcall but the base URL and key: hand them to the client it already uses.

    base_url, api_key = model.as_oai_baseurl_apikey()
    client = openai.OpenAI(base_url=base_url, api_key=api_key)      # or AsyncOpenAI, LangChain, …
    reply = client.chat.completions.create(model=model.model_name, messages=[...])

``chat``/``achat`` are a standard-library client for agents that have none (urllib; ``achat`` runs
it on a worker thread so the event loop stays free).
"""

import asyncio
import contextvars
import functools
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any, Dict, List, NamedTuple, Optional

from .threads import shared_pool

__all__ = ["BaseUrlApiKey", "ChatModel", "RolloutModel", "RollcallError"]


class RollcallError(Exception):
    """An error the proxy answered with; ``code`` is its ``RC_ERR_*`` registry code (docs/errors.md)."""

    def __init__(self, status: int, code: Optional[str], message: str):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


class BaseUrlApiKey(NamedTuple):
    """``(base_url, api_key)``: unpack it, or read ``.base_url`` and ``.api_key``."""

    base_url: str
    api_key: str


@dataclass(frozen=True)
class ChatModel:
    """An OpenAI-compatible endpoint: an auxiliary model, and the base of the rollout's model."""

    base_url: str
    api_key: str = field(repr=False)  # a credential: kept out of reprs, logs and tracebacks
    model_name: str = "default"

    def as_oai_baseurl_apikey(self) -> BaseUrlApiKey:
        """The base URL (ending in ``/v1``) and key, as any OpenAI-style client takes them."""
        return BaseUrlApiKey(self.base_url, self.api_key)

    def chat(self, messages: List[Dict[str, Any]], tools: Optional[List[Dict[str, Any]]] = None,
             *, retries: int = 2, timeout: float = 600.0, **params: Any) -> Dict[str, Any]:
        """One chat completion; returns the assistant message (``content``, ``tool_calls``, …).

        Retries only what the proxy marks retryable (``x-should-retry: true``) and failed
        connections; other errors raise ``RollcallError`` with the proxy's code.
        """
        body = {"model": self.model_name, "messages": messages, **params}
        if tools:
            body["tools"] = tools
        request = urllib.request.Request(
            self.base_url.rstrip("/") + "/chat/completions",
            data=json.dumps(body).encode("utf-8"),
            headers={"content-type": "application/json", "authorization": f"Bearer {self.api_key}"},
            method="POST",
        )
        for attempt in range(retries + 1):
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return json.loads(response.read().decode("utf-8"))["choices"][0]["message"]
            except urllib.error.HTTPError as error:
                if error.headers.get("x-should-retry") != "true" or attempt == retries:
                    raise _proxy_error(error) from None
            except urllib.error.URLError:
                if attempt == retries:
                    raise
            time.sleep(0.5 * (attempt + 1))
        raise AssertionError("unreachable")

    async def achat(self, messages: List[Dict[str, Any]], tools: Optional[List[Dict[str, Any]]] = None,
                    **kwargs: Any) -> Dict[str, Any]:
        """``chat`` for ``async def`` agents: the request runs on a worker thread."""
        call = functools.partial(self.chat, messages, tools, **kwargs)
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(shared_pool(), context.run, call)


@dataclass(frozen=True)
class RolloutModel(ChatModel):
    """The policy being trained, bound to one rollout: what a workflow gets as ``model``."""

    rollout_id: str = ""
    attempt: int = 0
    metadata: Dict[str, Any] = field(default_factory=dict)


def _proxy_error(error: urllib.error.HTTPError) -> RollcallError:
    text = error.read().decode("utf-8", "replace")
    try:
        detail = json.loads(text)["error"]
        return RollcallError(error.code, detail.get("code"), detail.get("message"))
    except (ValueError, KeyError, TypeError, AttributeError):
        return RollcallError(error.code, None, text[:500])
