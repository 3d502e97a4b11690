"""The HTTP contract with the trainer, seen from Python.

It mirrors ``src/wire/function-service.ts`` (the zod schemas are the authority; the trainer
validates every answer again): requests become typed values (``Task``, ``RolloutModel``,
``WorkflowOutput``, ``Call``), and what a function returned becomes the camelCase JSON the
trainer reads. A value that cannot be sent is a ``WireError`` naming the field, so the user sees
a Python message ("workflow returned final_answer=42, not a str") instead of the trainer's.
"""

import json
import math
from dataclasses import fields
from typing import Any, Dict, List, Tuple

from .models import ChatModel, RolloutModel
from .types import Call, JudgeOutput, Task, ToolCall, WorkflowOutput

TIMEOUT_HEADER = "x-rollcall-timeout-ms"
ROUTES = {"workflow": "/workflow", "judge": "/judge", "stats": "/stats"}
ERROR_TYPES = ("raised", "timeout", "bad_output", "bad_request", "not_served", "cancelled")
OUTPUT_KEYS = {"response": "response", "final_answer": "finalAnswer", "reward": "reward",
               "metadata": "metadata", "metrics": "metrics"}


class WireError(ValueError):
    """A request or a returned value that does not fit the contract; the message names the field."""


def _need(payload: Dict[str, Any], key: str, kind: Any, where: str) -> Any:
    if key not in payload:
        raise WireError(f"{where}.{key} is missing")
    value = payload[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise WireError(f"{where}.{key} has the wrong type ({type(value).__name__})")
    return value


def _object(value: Any, where: str) -> Dict[str, Any]:
    if not isinstance(value, dict):
        raise WireError(f"{where} must be a JSON object")
    return value


def parse_task(payload: Any, where: str = "task") -> Task:
    task = _object(payload, where)
    reference = task.get("referenceAnswer")
    if reference is not None and not isinstance(reference, str):
        raise WireError(f"{where}.referenceAnswer must be text")
    index = _need(task, "index", int, where) if "index" in task else 0  # a judge's task may leave it out
    return Task(id=_need(task, "id", str, where), query=_need(task, "query", str, where),
                index=index, reference_answer=reference,
                metadata=_need(task, "metadata", dict, where))


def parse_auxiliary_models(payload: Any, where: str) -> Dict[str, ChatModel]:
    models = {}
    for name, entry in _object(payload, where).items():
        entry = _object(entry, f"{where}.{name}")
        models[name] = ChatModel(base_url=_need(entry, "baseUrl", str, f"{where}.{name}"),
                                 api_key=_need(entry, "apiKey", str, f"{where}.{name}"),
                                 model_name=_need(entry, "model", str, f"{where}.{name}"))
    return models


def parse_workflow_request(payload: Any) -> Tuple[Task, RolloutModel, Dict[str, ChatModel]]:
    """``POST /workflow`` body → the workflow's three arguments."""
    body = _object(payload, "body")
    model = RolloutModel(base_url=_need(body, "baseUrl", str, "body"), api_key=_need(body, "apiKey", str, "body"),
                         model_name=_need(body, "model", str, "body"), rollout_id=_need(body, "rolloutId", str, "body"),
                         attempt=_need(body, "attempt", int, "body"), metadata=_need(body, "metadata", dict, "body"))
    auxiliary = parse_auxiliary_models(_need(body, "auxiliaryModels", dict, "body"), "body.auxiliaryModels")
    return parse_task(body.get("task")), model, auxiliary


def _parse_call(payload: Any, where: str) -> Call:
    call = _object(payload, where)
    entries = [_object(entry, f"{where}.toolCalls[{k}]") for k, entry in enumerate(_need(call, "toolCalls", list, where))]
    tool_calls = tuple(ToolCall(name=_need(entry, "name", str, where), arguments=_need(entry, "arguments", str, where))
                       for entry in entries)
    flags = _need(call, "flags", dict, where)
    finish = call.get("finishReason")
    return Call(seq=_need(call, "seq", int, where), completion_text=_need(call, "completionText", str, where),
                tool_calls=tool_calls, malformed_tool_call=flags.get("malformedToolCall") is True,
                finish_reason=finish if isinstance(finish, str) else None)


def parse_judge_request(payload: Any) -> Tuple[Task, WorkflowOutput, Dict[str, ChatModel], List[Call]]:
    """``POST /judge`` body → task, the workflow's output, auxiliary models and recorded calls."""
    body = _object(payload, "body")
    output = _object(body.get("output"), "body.output")
    context = _object(body.get("context"), "body.context")
    response = WorkflowOutput(**{name: output.get(key) for name, key in OUTPUT_KEYS.items()})
    calls = [_parse_call(call, f"body.context.calls[{k}]") for k, call in enumerate(_need(context, "calls", list, "body.context"))]
    auxiliary = parse_auxiliary_models(_need(context, "auxiliaryModels", dict, "body.context"), "body.context.auxiliaryModels")
    return parse_task(body.get("task")), response, auxiliary, calls


def _finite(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise WireError(f"{where} is {value!r}, not a finite number")
    return value


def _metrics(value: Any, where: str) -> Dict[str, float]:
    if not isinstance(value, dict):
        raise WireError(f"{where} is {type(value).__name__}, not a dict of numbers")
    return {str(name): _finite(metric, f"{where}[{name!r}]") for name, metric in value.items()}


def workflow_output_to_wire(value: Any, who: str = "workflow") -> Dict[str, Any]:
    """A returned ``WorkflowOutput`` (or a dict with the wire's camelCase keys) → JSON body."""
    if isinstance(value, WorkflowOutput):
        wire = {OUTPUT_KEYS[f.name]: getattr(value, f.name) for f in fields(value)}
    elif isinstance(value, dict):
        unknown = [key for key in value if key not in OUTPUT_KEYS.values()]
        if unknown:
            hints = [f"{k!r} (did you mean {OUTPUT_KEYS[k]!r}?)" if k in OUTPUT_KEYS else repr(k) for k in unknown]
            raise WireError(f"{who} returned a dict with unknown key {', '.join(hints)}; use WorkflowOutput")
        wire = dict(value)
    else:
        raise WireError(f"{who} returned {type(value).__name__}, not a WorkflowOutput")
    wire = {key: field_value for key, field_value in wire.items() if field_value is not None}
    for key in ("response", "finalAnswer"):
        if key in wire and not isinstance(wire[key], str):
            raise WireError(f"{who} returned {key}={wire[key]!r}, not a str")
    if "reward" in wire:
        _finite(wire["reward"], f"{who} reward")
    if "metrics" in wire:
        wire["metrics"] = _metrics(wire["metrics"], f"{who} metrics")
    if "metadata" in wire and not isinstance(wire["metadata"], dict):
        raise WireError(f"{who} returned metadata of type {type(wire['metadata']).__name__}, not a dict")
    if not {"response", "finalAnswer", "reward"} & wire.keys():
        raise WireError(f"{who} returned no response, final_answer or reward")
    return wire


def judge_output_to_wire(value: Any, who: str = "judge") -> Dict[str, Any]:
    """A returned ``JudgeOutput`` → JSON body; ``is_success`` defaults to ``reward > 0``."""
    if not isinstance(value, JudgeOutput):
        raise WireError(f"{who} returned {type(value).__name__}, not a JudgeOutput")
    reward = _finite(value.reward, f"{who} reward")
    success = value.is_success if value.is_success is not None else reward > 0
    if not isinstance(success, bool):
        raise WireError(f"{who} returned is_success={success!r}, not a bool")
    return {"reward": reward, "isSuccess": success, "metrics": _metrics(value.metrics, f"{who} metrics")}


def encode(value: Any) -> bytes:
    """JSON bytes; NaN and other non-JSON values raise ``WireError`` instead of producing bad JSON."""
    try:
        return json.dumps(value, allow_nan=False, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as error:
        raise WireError(f"not JSON-serialisable: {error}") from None


def error_body(kind: str, message: str, traceback_text: str = "") -> Dict[str, Any]:
    error = {"type": kind, "message": message}
    if traceback_text:
        error["traceback"] = traceback_text
    return {"error": error}
