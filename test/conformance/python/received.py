"""What a Python chat client reads, the way user code does: the message of `choices[0]` of a
completion, or `choices[0].delta` of each streamed chunk (tool-call deltas gathered by their own
`index`). The client scripts print it as JSON: {"replies": [{"text", "toolCalls", "finishReason"}]}."""
import json
import os
import sys


def request_from_argv():
    """The chat URL, headers and body: OPENAI_BASE_URL and OPENAI_API_KEY, the body as argv[1]."""
    url = os.environ["OPENAI_BASE_URL"].rstrip("/") + "/chat/completions"
    headers = {"Authorization": "Bearer " + os.environ["OPENAI_API_KEY"], "Content-Type": "application/json"}
    return url, headers, json.loads(sys.argv[1])


def _reply(text, calls, finish_reason):
    tool_calls = [{"name": c["name"], "arguments": json.loads(c["arguments"])} for c in calls]
    return {"text": text, "toolCalls": tool_calls, "finishReason": finish_reason}


def from_completion(body):
    choice = body["choices"][0]
    message = choice["message"]
    calls = [call["function"] for call in message.get("tool_calls") or []]
    return _reply(message.get("content") or "", calls, choice.get("finish_reason"))


class StreamReader:
    """Feeds on the lines of an SSE response: `data: <chunk>` up to `data: [DONE]`."""

    def __init__(self):
        self.text = ""
        self.calls = {}
        self.finish_reason = None

    def feed(self, line):
        if not line.startswith("data: "):
            return
        data = line[len("data: "):]
        if data == "[DONE]":
            return
        chunk = json.loads(data)
        if "error" in chunk:
            raise RuntimeError("the stream sent an error: " + json.dumps(chunk["error"]))
        if not chunk.get("choices"):
            return
        choice = chunk["choices"][0]
        delta = choice.get("delta") or {}
        self.text += delta.get("content") or ""
        for call in delta.get("tool_calls") or []:
            entry = self.calls.setdefault(call["index"], {"name": "", "arguments": ""})
            function = call.get("function") or {}
            entry["name"] += function.get("name") or ""
            entry["arguments"] += function.get("arguments") or ""
        if choice.get("finish_reason"):
            self.finish_reason = choice["finish_reason"]

    def reply(self):
        return _reply(self.text, [self.calls[i] for i in sorted(self.calls)], self.finish_reason)


def emit(reply):
    print(json.dumps({"replies": [reply]}))
