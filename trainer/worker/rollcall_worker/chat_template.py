"""`POST /tokenize` and `POST /detokenize` (as vLLM `vllm/entrypoints/serve/tokenize/protocol.py`).

Chat form `{messages, tools?, add_generation_prompt, continue_final_message?, add_special_tokens?,
chat_template_kwargs?}`: the messages get vLLM's preprocessing (assistant `tool_calls[].function.
arguments` JSON strings parsed into dicts, as `_postprocess_messages` in vllm/entrypoints/
chat_utils.py does, so templates that `tojson` them render the same; text content parts joined by
"\\n"; an assistant `reasoning` copied to `reasoning_content`), the template is rendered as text and
tokenized with `add_special_tokens` (default false). That is exactly `apply_chat_template(...,
tokenize=True)` when `add_special_tokens` is false, and it is how vLLM tokenizes a chat prompt; going
through text also sidesteps transformers 5 returning a BatchEncoding from `tokenize=True`.

Prompt form `{prompt, add_special_tokens (default true)}`. Both answer
`{count, max_model_len, tokens, token_strs: null}`. `/detokenize {tokens}` → `{prompt}`.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from .errors import bad_request
from .policy_model import Tokenizer
from .request_fields import JsonObject, is_id_list, optional_bool, require_object


def _text_of(content: Any, where: str) -> Any:
    if not isinstance(content, list):
        return content
    texts = []
    for part in content:
        if not isinstance(part, dict) or part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise bad_request(f"{where}: only text content parts are supported", "messages")
        texts.append(part["text"])
    return "\n".join(texts)


def prepare_messages(messages: Any) -> list[dict[str, Any]]:
    """A deep copy of `messages` as the chat template should see them (vLLM's preprocessing)."""
    if not isinstance(messages, list) or not all(isinstance(m, dict) for m in messages):
        raise bad_request("`messages` must be a list of objects", "messages")
    prepared = copy.deepcopy(messages)
    for i, message in enumerate(prepared):
        if "content" in message:
            message["content"] = _text_of(message["content"], f"messages[{i}]")
        if message.get("role") != "assistant":
            continue
        if "reasoning" in message and "reasoning_content" not in message:
            message["reasoning_content"] = message["reasoning"]
        calls = message.get("tool_calls")
        if not isinstance(calls, list):
            continue
        for call in calls:
            function = call.get("function") if isinstance(call, dict) else None
            if not isinstance(function, dict):
                raise bad_request(f"messages[{i}].tool_calls: each call needs a function object", "messages")
            arguments = function.get("arguments")
            if not arguments:
                function["arguments"] = {}
            elif isinstance(arguments, str):
                try:
                    function["arguments"] = json.loads(arguments)
                except json.JSONDecodeError as error:
                    raise bad_request(f"messages[{i}].tool_calls: arguments are not valid JSON ({error})", "messages") from error
    return prepared


def tokenize(raw: Any, tokenizer: Tokenizer, max_model_len: int) -> JsonObject:
    body = require_object(raw)
    if "messages" in body:
        tools = body.get("tools")
        if tools is not None and not (isinstance(tools, list) and all(isinstance(t, dict) for t in tools)):
            raise bad_request("`tools` must be a list of objects", "tools")
        kwargs = body.get("chat_template_kwargs") or {}
        if not isinstance(kwargs, dict):
            raise bad_request("`chat_template_kwargs` must be an object", "chat_template_kwargs")
        if "chat_template" in kwargs or body.get("chat_template") is not None:
            raise bad_request("rollcall worker: a request chat template is not accepted", "chat_template")
        add_generation_prompt = optional_bool(body, "add_generation_prompt")
        continue_final = bool(optional_bool(body, "continue_final_message"))
        if continue_final and add_generation_prompt:
            raise bad_request("Cannot set both `continue_final_message` and `add_generation_prompt` to True.", "continue_final_message")
        try:
            text = tokenizer.render_chat(
                prepare_messages(body["messages"]),
                tools,
                True if add_generation_prompt is None else add_generation_prompt,
                continue_final,
                kwargs,
            )
        except (ValueError, TypeError, KeyError) as error:
            raise bad_request(f"the chat template failed: {error}", "messages") from error
        except Exception as error:  # jinja2's TemplateError, without importing jinja2 here
            if type(error).__module__.startswith("jinja2"):
                raise bad_request(f"the chat template failed: {error}", "messages") from error
            raise
        tokens = tokenizer.encode(text, bool(optional_bool(body, "add_special_tokens")))
    elif isinstance(body.get("prompt"), str):
        add_special = optional_bool(body, "add_special_tokens")
        tokens = tokenizer.encode(body["prompt"], True if add_special is None else add_special)
    else:
        raise bad_request("`/tokenize` needs `messages` (chat form) or a string `prompt`", "prompt")
    return {"count": len(tokens), "max_model_len": max_model_len, "tokens": tokens, "token_strs": None}


def detokenize(raw: Any, tokenizer: Tokenizer) -> JsonObject:
    body = require_object(raw)
    tokens = body.get("tokens")
    if not is_id_list(tokens):
        raise bad_request("`tokens` must be a list of token ids", "tokens")
    return {"prompt": tokenizer.decode(tokens, False)}
