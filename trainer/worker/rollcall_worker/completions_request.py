"""`POST /v1/completions` request validation (vLLM `CompletionRequest`) into a `CompletionJob`.

Accepted: `prompt` as ids, a list of id lists, a string or a list of strings (strings are tokenized
with `add_special_tokens`, default true; ids are used verbatim), `max_tokens` (default 16), `n`,
`temperature`, `top_p`, `top_k`, `seed`, `stop`, `stop_token_ids`, `ignore_eos`, `logprobs` (int,
at most 20), `return_token_ids`, `return_tokens_as_token_ids`, `skip_special_tokens`,
`include_stop_str_in_output`, `stream`, `stream_options.include_usage`.

Refused with 400 rather than silently ignored, because they would change the distribution the
reported logprobs describe or the shape of the answer: `echo`, `suffix`, `prompt_logprobs`,
`use_beam_search`, and non-neutral `min_p`, penalties or `logit_bias`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import bad_request, not_found
from .policy_model import Tokenizer
from .request_fields import (
    JsonObject,
    is_id_list,
    optional_bool,
    optional_id_list,
    optional_int,
    optional_number,
    optional_string_list,
    require_object,
)
from .sampling import SamplingParams

DEFAULT_MAX_TOKENS = 16
MAX_LOGPROBS = 20
NEUTRAL_VALUES: dict[str, float] = {
    "min_p": 0.0,
    "repetition_penalty": 1.0,
    "presence_penalty": 0.0,
    "frequency_penalty": 0.0,
}


@dataclass(frozen=True)
class CompletionJob:
    model: str
    prompts: list[list[int]]
    params: SamplingParams
    n: int
    stream: bool
    include_usage: bool
    return_token_ids: bool
    tokens_as_ids: bool


def check_model(body: JsonObject, served_name: str) -> str:
    model = body.get("model")
    if model is None or model == served_name:
        return served_name
    raise not_found(f"The model `{model}` does not exist.", "model")


def context_overflow(prompt_len: int, max_tokens: int, max_model_len: int) -> Exception:
    """vLLM's 2026 wording (vllm/renderers/params.py); the proxy matches "context length"."""
    return bad_request(
        f"You passed {prompt_len} input tokens and requested {max_tokens} output tokens. "
        f"However, the model's context length is only {max_model_len} tokens, resulting in a maximum "
        f"input length of {max(max_model_len - max_tokens, 0)} tokens. Please reduce the length of the "
        "input prompt.",
        "input_tokens",
    )


def read_prompts(body: JsonObject, tokenizer: Tokenizer, vocab_size: int) -> list[list[int]]:
    prompt: Any = body.get("prompt")
    add_special = optional_bool(body, "add_special_tokens")
    add_special = True if add_special is None else add_special
    if isinstance(prompt, str):
        prompts = [tokenizer.encode(prompt, add_special)]
    elif is_id_list(prompt) and prompt:
        prompts = [prompt]
    elif isinstance(prompt, list) and prompt and all(isinstance(p, str) for p in prompt):
        prompts = [tokenizer.encode(p, add_special) for p in prompt]
    elif isinstance(prompt, list) and prompt and all(is_id_list(p) for p in prompt):
        prompts = prompt
    else:
        raise bad_request("`prompt` must be a string, a list of strings, a list of token ids or a list of them, and not empty.", "prompt")
    for ids in prompts:
        if not ids:
            raise bad_request("Prompt cannot be empty", "prompt")
        bad = next((t for t in ids if t < 0 or t >= vocab_size), None)
        if bad is not None:
            raise bad_request(f"Token id {bad} is out of vocabulary (size {vocab_size}).", "prompt")
    return prompts


def _refuse_unsupported(body: JsonObject) -> None:
    if body.get("echo") is True:
        raise bad_request("rollcall worker: echo is not supported", "echo")
    if body.get("suffix") is not None:
        raise bad_request("suffix is not currently supported", "suffix")
    if body.get("prompt_logprobs") is not None:
        raise bad_request("rollcall worker: prompt_logprobs is not supported", "prompt_logprobs")
    if body.get("use_beam_search") is True:
        raise bad_request("rollcall worker: beam search is not supported", "use_beam_search")
    if body.get("logit_bias"):
        raise bad_request("rollcall worker: logit_bias is not supported", "logit_bias")
    for name, neutral in NEUTRAL_VALUES.items():
        value = optional_number(body, name)
        if value is not None and value != neutral:
            raise bad_request(f"rollcall worker: {name} other than {neutral} is not supported", name)


def _read_sampling(body: JsonObject, max_tokens: int) -> SamplingParams:
    temperature = optional_number(body, "temperature")
    if temperature is not None and temperature < 0:
        raise bad_request(f"temperature must be non-negative, got {temperature}.", "temperature")
    top_p = optional_number(body, "top_p")
    if top_p is not None and not 0 < top_p <= 1:
        raise bad_request(f"top_p must be in (0, 1], got {top_p}.", "top_p")
    top_k = optional_int(body, "top_k")
    if top_k is not None and top_k < -1:
        raise bad_request(f"top_k must be -1 (disable), or at least 1, got {top_k}.", "top_k")
    logprobs = optional_int(body, "logprobs")
    if logprobs is not None and logprobs < 0:
        raise bad_request("`logprobs` must be a positive value or -1.", "logprobs")
    if logprobs is not None and logprobs > MAX_LOGPROBS:
        raise bad_request(f"Requested sample logprobs of {logprobs}, which is greater than max allowed: {MAX_LOGPROBS}", "logprobs")
    skip_special = optional_bool(body, "skip_special_tokens")
    return SamplingParams(
        max_tokens=max_tokens,
        temperature=1.0 if temperature is None else temperature,
        top_p=1.0 if top_p is None else top_p,
        top_k=0 if top_k is None or top_k < 1 else top_k,
        seed=optional_int(body, "seed"),
        stop=tuple(optional_string_list(body, "stop")),
        stop_token_ids=tuple(optional_id_list(body, "stop_token_ids")),
        ignore_eos=bool(optional_bool(body, "ignore_eos")),
        logprobs=logprobs,
        skip_special_tokens=True if skip_special is None else skip_special,
        include_stop_str_in_output=bool(optional_bool(body, "include_stop_str_in_output")),
    )


def read_completion_job(raw: Any, tokenizer: Tokenizer, served_name: str, vocab_size: int, max_model_len: int) -> CompletionJob:
    body = require_object(raw)
    model = check_model(body, served_name)
    stream = bool(optional_bool(body, "stream"))
    options = body.get("stream_options")
    if options and not stream:
        raise bad_request("Stream options can only be defined when `stream=True`.", "stream_options")
    _refuse_unsupported(body)
    n = optional_int(body, "n")
    n = 1 if n is None else n
    if n < 1:
        raise bad_request(f"n must be at least 1, got {n}.", "n")
    max_tokens = optional_int(body, "max_tokens")
    max_tokens = DEFAULT_MAX_TOKENS if max_tokens is None else max_tokens
    if max_tokens < 1:
        raise bad_request(f"max_tokens must be at least 1, got {max_tokens}.", "max_tokens")
    params = _read_sampling(body, max_tokens)
    prompts = read_prompts(body, tokenizer, vocab_size)
    for ids in prompts:
        if len(ids) + max_tokens > max_model_len:
            raise context_overflow(len(ids), max_tokens, max_model_len)
    return CompletionJob(
        model=model,
        prompts=prompts,
        params=params,
        n=n,
        stream=stream,
        include_usage=isinstance(options, dict) and options.get("include_usage") is True,
        return_token_ids=bool(optional_bool(body, "return_token_ids")),
        tokens_as_ids=bool(optional_bool(body, "return_tokens_as_token_ids")),
    )
