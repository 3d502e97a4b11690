"""vLLM `/v1/completions` response shapes (`vllm/entrypoints/openai/completion/`), unary and streamed.

Unary: `{id, object: "text_completion", created, model, choices, service_tier, system_fingerprint,
usage, kv_transfer_params}`, each choice `{index, text, logprobs, finish_reason, stop_reason,
token_ids, prompt_logprobs, prompt_token_ids}` — ids per choice, null unless `return_token_ids`.

Stream chunks carry every field (vLLM serialises completions chunks with `exclude_unset=False`):
`prompt_token_ids` on the first chunk of a choice only, delta `text`, `token_ids` and `logprobs`
on each, `finish_reason`/`stop_reason` on the last; then a `choices: []` usage chunk when asked
for, then `data: [DONE]`.

Legacy logprobs: `{text_offset, token_logprobs, tokens, top_logprobs}`; each `top_logprobs` map is
the sampled token followed by the top `logprobs` entries, keyed by token string (ids decoding alike
collapse, as in Python), so it holds `logprobs + 1` entries or fewer. `text_offset` adds up the
token strings' lengths from the choice's text length so far (it can pass `len(text)`, as in vLLM).
Logprobs are clamped to ≥ −9999.0 (vLLM's stand-in for −inf).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .completions_request import CompletionJob
from .policy_model import Tokenizer

MIN_LOGPROB = -9999.0


@dataclass
class ChoiceResult:
    index: int
    prompt_ids: list[int]
    token_ids: list[int] = field(default_factory=list)
    logprobs: list[float] = field(default_factory=list)
    top: list[list[tuple[int, float]]] = field(default_factory=list)
    text: str = ""
    finish_reason: str | None = None
    stop_reason: str | int | None = None


def _token_string(tokenizer: Tokenizer, token_id: int, as_ids: bool) -> str:
    return f"token_id:{token_id}" if as_ids else tokenizer.token_string(token_id)


def legacy_logprobs(
    tokenizer: Tokenizer,
    token_ids: list[int],
    logprobs: list[float],
    top: list[list[tuple[int, float]]],
    as_ids: bool,
    initial_offset: int,
) -> dict[str, Any]:
    out: dict[str, Any] = {"text_offset": [], "token_logprobs": [], "tokens": [], "top_logprobs": []}
    offset = initial_offset
    for i, token_id in enumerate(token_ids):
        token = _token_string(tokenizer, token_id, as_ids)
        value = max(logprobs[i], MIN_LOGPROB)
        entries: dict[str, float] = {token: value}
        for alt_id, alt_value in top[i] if i < len(top) else []:
            key = _token_string(tokenizer, alt_id, as_ids)
            entries[key] = value if alt_id == token_id else max(alt_value, MIN_LOGPROB)
        out["text_offset"].append(offset)
        out["token_logprobs"].append(value)
        out["tokens"].append(token)
        out["top_logprobs"].append(entries)
        offset += len(token)
    return out


def usage(prompt_tokens: int, completion_tokens: int, with_details: bool) -> dict[str, Any]:
    body: dict[str, Any] = {
        "prompt_tokens": prompt_tokens,
        "total_tokens": prompt_tokens + completion_tokens,
        "completion_tokens": completion_tokens,
    }
    if with_details:
        body["prompt_tokens_details"] = None
    return body


def completion_body(
    tokenizer: Tokenizer, job: CompletionJob, response_id: str, created: int, choices: list[ChoiceResult]
) -> dict[str, Any]:
    wants_logprobs = job.params.logprobs is not None
    return {
        "id": response_id,
        "object": "text_completion",
        "created": created,
        "model": job.model,
        "choices": [
            {
                "index": c.index,
                "text": c.text,
                "logprobs": legacy_logprobs(tokenizer, c.token_ids, c.logprobs, c.top, job.tokens_as_ids, 0)
                if wants_logprobs
                else None,
                "finish_reason": c.finish_reason,
                "stop_reason": c.stop_reason,
                "token_ids": c.token_ids if job.return_token_ids else None,
                "prompt_logprobs": None,
                "prompt_token_ids": c.prompt_ids if job.return_token_ids else None,
            }
            for c in choices
        ],
        "service_tier": None,
        "system_fingerprint": None,
        "usage": usage(sum(len(p) for p in job.prompts), sum(len(c.token_ids) for c in choices), True),
        "kv_transfer_params": None,
    }


@dataclass
class StreamState:
    """Per-choice bookkeeping while streaming: first chunk or not, text sent so far."""

    sent_first: bool = False
    text_length: int = 0


def stream_chunk(
    tokenizer: Tokenizer,
    job: CompletionJob,
    response_id: str,
    created: int,
    choice: ChoiceResult,
    state: StreamState,
    token_ids: list[int],
    logprobs: list[float],
    top: list[list[tuple[int, float]]],
    text: str,
    finish_reason: str | None,
    stop_reason: str | int | None,
) -> dict[str, Any]:
    block = (
        legacy_logprobs(tokenizer, token_ids, logprobs, top, job.tokens_as_ids, state.text_length)
        if job.params.logprobs is not None
        else None
    )
    first = not state.sent_first
    state.sent_first = True
    state.text_length += len(text)
    return {
        "id": response_id,
        "object": "text_completion",
        "created": created,
        "model": job.model,
        "choices": [
            {
                "index": choice.index,
                "text": text,
                "logprobs": block,
                "finish_reason": finish_reason,
                "stop_reason": stop_reason,
                "prompt_token_ids": choice.prompt_ids if job.return_token_ids and first else None,
                "token_ids": token_ids if job.return_token_ids else None,
            }
        ],
        "usage": None,
    }


def usage_chunk(job: CompletionJob, response_id: str, created: int, choices: list[ChoiceResult]) -> dict[str, Any]:
    return {
        "id": response_id,
        "object": "text_completion",
        "created": created,
        "model": job.model,
        "choices": [],
        "usage": usage(sum(len(p) for p in job.prompts), sum(len(c.token_ids) for c in choices), False),
    }
