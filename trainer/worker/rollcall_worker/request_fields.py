"""Typed reads of JSON request fields with vLLM's 400 messages (unknown fields pass, as in vLLM)."""

from __future__ import annotations

import math
from typing import Any

from .errors import bad_request

JsonObject = dict[str, Any]


def require_object(body: Any) -> JsonObject:
    if not isinstance(body, dict):
        raise bad_request("the request body must be a JSON object")
    return body


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def optional_int(body: JsonObject, name: str) -> int | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if not _is_int(value):
        raise bad_request(f"`{name}` must be an integer.", name)
    return value


def optional_number(body: JsonObject, name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise bad_request(f"`{name}` must be a number.", name)
    return float(value)


def optional_bool(body: JsonObject, name: str) -> bool | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise bad_request(f"`{name}` must be a boolean.", name)
    return value


def is_id_list(value: Any) -> bool:
    return isinstance(value, list) and all(_is_int(v) for v in value)


def optional_string_list(body: JsonObject, name: str) -> list[str]:
    value = body.get(name)
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    raise bad_request(f"`{name}` must be a string or a list of strings.", name)


def optional_id_list(body: JsonObject, name: str) -> list[int]:
    value = body.get(name)
    if value is None:
        return []
    if is_id_list(value):
        return value
    raise bad_request(f"`{name}` must be a list of integers.", name)
