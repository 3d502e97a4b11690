"""rollcall's client for Python agents, standard library only.

An external workflow gets its rollout's endpoint in its environment (OPENAI_BASE_URL,
OPENAI_API_KEY, OPENAI_MODEL, ROLLCALL_TASK, ROLLCALL_AUXILIARY_MODELS). An agent written for
another tuner ports by changing one import:

    from rollcall_client import as_oai_baseurl_apikey, chat, get_task, print_output

    base_url, api_key, model = as_oai_baseurl_apikey()
    task = get_task()
    reply = chat([{"role": "user", "content": task["query"]}], tools=[...])
    print_output(response=reply["content"])
"""

import json
import os
import sys
import time
import urllib.error
import urllib.request

__all__ = ["as_oai_baseurl_apikey", "auxiliary_model", "chat", "get_task", "print_output", "RollcallError"]


class RollcallError(Exception):
    """An error the proxy answered with; `code` is its RC_ERR_* registry code."""

    def __init__(self, status, code, message):
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code


def as_oai_baseurl_apikey():
    """The rollout's (base_url, api_key, model), as any OpenAI-style client takes them."""
    try:
        return os.environ["OPENAI_BASE_URL"], os.environ["OPENAI_API_KEY"], os.environ.get("OPENAI_MODEL", "default")
    except KeyError as missing:
        raise RollcallError(0, "RC_CLIENT_NO_ENDPOINT", f"{missing} is not set: run this agent as a rollcall workflow") from None


def auxiliary_model(name):
    """(base_url, api_key, model) of an auxiliary (never trained) model, e.g. a judge."""
    models = json.loads(os.environ.get("ROLLCALL_AUXILIARY_MODELS", "{}"))
    if name not in models:
        raise RollcallError(0, "RC_CLIENT_NO_AUXILIARY", f"no auxiliary model {name!r}; have {sorted(models)}")
    model = models[name]
    return model["baseUrl"], model["apiKey"], model["model"]


def get_task():
    """The task as a dict: id, index, query, referenceAnswer (maybe), metadata."""
    return json.loads(os.environ["ROLLCALL_TASK"])


def chat(messages, tools=None, endpoint=None, retries=2, timeout=600, **params):
    """One chat completion; returns the assistant message dict (content, tool_calls, ...).

    Retries only what the proxy marks as retryable (x-should-retry: true) and connection errors.
    """
    base_url, api_key, model = endpoint or as_oai_baseurl_apikey()
    body = {"model": model, "messages": messages, **params}
    if tools:
        body["tools"] = tools
    request = urllib.request.Request(
        base_url.rstrip("/") + "/chat/completions",
        data=json.dumps(body).encode("utf-8"),
        headers={"content-type": "application/json", "authorization": f"Bearer {api_key}"},
        method="POST",
    )
    for attempt in range(retries + 1):
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read().decode("utf-8"))["choices"][0]["message"]
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8", "replace")
            retry = error.headers.get("x-should-retry") == "true"
            if not retry or attempt == retries:
                try:
                    detail = json.loads(text)["error"]
                    raise RollcallError(error.code, detail.get("code"), detail.get("message")) from None
                except (ValueError, KeyError, TypeError):
                    raise RollcallError(error.code, None, text[:500]) from None
        except urllib.error.URLError:
            if attempt == retries:
                raise
        time.sleep(0.5 * (attempt + 1))
    raise RollcallError(0, None, "unreachable")


def print_output(response=None, final_answer=None, reward=None, metadata=None, metrics=None):
    """Prints the workflow's result as the one JSON line the trainer reads from stdout."""
    output = {"response": response, "finalAnswer": final_answer, "reward": reward, "metadata": metadata, "metrics": metrics}
    sys.stdout.write(json.dumps({k: v for k, v in output.items() if v is not None}) + "\n")
    sys.stdout.flush()
