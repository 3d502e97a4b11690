"""A model folder's chat template rendered with jinja2 exactly as transformers' `apply_chat_template`.

Same environment as transformers/utils/chat_template_utils.py `_compile_jinja_template`: an
`ImmutableSandboxedEnvironment` with `trim_blocks` and `lstrip_blocks`, the loop-controls
extension, a `{% generation %}` block (transformers uses it to find assistant tokens; rendering
only needs its body), `tojson` without ASCII escaping, and the `raise_exception` and
`strftime_now` globals. Variables: the special tokens map, then the caller's template kwargs, then
`messages`, `tools`, `documents` and `add_generation_prompt` (a kwarg of one of those names is a
TypeError, as in transformers). `continue_final_message` cuts the text after the final message's
content the way transformers does.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension, loopcontrols
from jinja2.sandbox import ImmutableSandboxedEnvironment

SPECIAL_TOKEN_KEYS = ("bos_token", "eos_token", "unk_token", "sep_token", "pad_token", "cls_token", "mask_token")


class _GenerationBlock(Extension):
    tags = {"generation"}

    def parse(self, parser: Any) -> nodes.Node:
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_body"), [], [], body).set_lineno(lineno)

    @staticmethod
    def _body(caller: Any) -> str:
        return caller()


def _raise_exception(message: str) -> None:
    raise jinja2.exceptions.TemplateError(message)


def _tojson(value: Any, ensure_ascii: bool = False, indent: Any = None, separators: Any = None, sort_keys: bool = False) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def _environment() -> ImmutableSandboxedEnvironment:
    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[_GenerationBlock, loopcontrols])
    env.filters["tojson"] = _tojson
    env.globals["raise_exception"] = _raise_exception
    env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
    return env


def _text(value: Any) -> Any:
    return value.get("content") if isinstance(value, dict) else value


class ChatTemplate:
    def __init__(self, default: str | None, tool_use: str | None, special_tokens: dict[str, Any]) -> None:
        env = _environment()
        self._default = env.from_string(default) if default is not None else None
        self._tool_use = env.from_string(tool_use) if tool_use is not None else None
        self._special_tokens = special_tokens

    @classmethod
    def from_folder(cls, folder: Path, config: dict[str, Any]) -> "ChatTemplate":
        """`chat_template.jinja` wins over the config's key (transformers: it "clobbers" it); a
        list of named templates gives "default" and, used whenever tools are passed, "tool_use"."""
        special = {key: _text(config[key]) for key in SPECIAL_TOKEN_KEYS if _text(config.get(key)) is not None}
        extra = config.get("additional_special_tokens")
        if isinstance(extra, list):
            special["additional_special_tokens"] = [_text(t) for t in extra]
        separate = folder / "chat_template.jinja"
        if separate.exists():
            return cls(separate.read_text(encoding="utf-8"), None, special)
        source = config.get("chat_template")
        if isinstance(source, list):
            named = {entry["name"]: entry["template"] for entry in source if isinstance(entry, dict)}
            return cls(named.get("default"), named.get("tool_use"), special)
        return cls(source if isinstance(source, str) else None, None, special)

    def render(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None, add_generation_prompt: bool,
               continue_final_message: bool, template_kwargs: dict[str, Any]) -> str:
        template = self._tool_use if tools is not None and self._tool_use is not None else self._default
        if template is None:
            raise ValueError("the model folder has no chat template (tokenizer_config.json chat_template or chat_template.jinja)")
        kwargs = {**self._special_tokens, **template_kwargs}
        text = template.render(messages=messages, tools=tools, documents=None, add_generation_prompt=add_generation_prompt, **kwargs)
        return _cut_after_final_message(text, messages) if continue_final_message else text


def _cut_after_final_message(text: str, messages: list[dict[str, Any]]) -> str:
    final = messages[-1].get("content") if messages else None
    if isinstance(final, (list, tuple)):
        final = next((block["text"] for block in reversed(final) if isinstance(block, dict) and "text" in block), None)
    if not isinstance(final, str):
        raise ValueError("continue_final_message is set but the final message has no text to continue")
    if final.strip() not in text:
        raise ValueError("continue_final_message is set but the final message does not appear in the rendered chat")
    at = text.rindex(final.strip())
    if text[at:at + len(final.lstrip())] == final:
        return text[:at + len(final.lstrip())]
    return text[:at + len(final.strip())]
