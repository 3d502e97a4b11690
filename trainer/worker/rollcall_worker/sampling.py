"""Next-token sampling for a batch of sequences, and the logprobs reported for it.

Order, as in vLLM's v1 sampler: temperature, then top-k, then top-p, then a draw per row from its
own `torch.Generator` (seeded per request, so a seed reproduces a choice whatever else shares the
batch). Temperature below 1e-5 means greedy: argmax of the raw logits.

Reported logprobs — the behaviour policy the learner trains against — depend on `logprobs_mode`:

* `"sampling"` (default): `log_softmax(logits / temperature)` over the whole vocabulary, *before*
  top-k/top-p truncation. This is the distribution the learner recomputes at each sample's own
  temperature (scoring.py; it divides its logits by it, as verl does), so engine and learner
  logprobs of the same weights agree to rounding. With top_p = 1 and top_k off (the RL default)
  it equals vLLM's `--logprobs-mode processed_logprobs` exactly.
* `"processed"`: vLLM's `processed_logprobs` exactly: after top-k/top-p masking, renormalised over
  the kept tokens. Use it to mirror a vLLM deployment that truncates; the learner matches it with
  `engineLogprobs: truncated`, and `learner/logprob_diff_*` shows the gap when it does not.

Greedy rows report `log_softmax(logits)` at temperature 1, as vLLM does (it replaces a zero
temperature by 1 before computing processed logprobs).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

GREEDY_EPSILON = 1e-5
LOGPROBS_MODES = ("sampling", "processed")


@dataclass(frozen=True)
class SamplingParams:
    """Per-sequence sampling settings (the `/v1/completions` fields the worker honours)."""

    max_tokens: int
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    stop_token_ids: tuple[int, ...] = ()
    ignore_eos: bool = False
    logprobs: int | None = None
    skip_special_tokens: bool = True
    include_stop_str_in_output: bool = False

    @property
    def is_greedy(self) -> bool:
        return self.temperature < GREEDY_EPSILON


@dataclass
class SampledStep:
    """One step's choice per row: token, its reported logprob, and the top alternatives."""

    token_ids: list[int]
    logprobs: list[float]
    top: list[list[tuple[int, float]]]


def apply_top_k_top_p(logits: torch.Tensor, top_k: torch.Tensor, top_p: torch.Tensor) -> torch.Tensor:
    """Masks to -inf what top-k (`k = V` disables) and top-p (`p = 1` disables) drop; vLLM's method.

    Sorts ascending once; top-p keeps the smallest suffix whose probability mass exceeds p, and
    always the most likely token.
    """
    sorted_logits, order = logits.sort(dim=-1, descending=False)
    vocab = sorted_logits.size(1)
    kth = sorted_logits.gather(1, (vocab - top_k.long()).clamp(0, vocab - 1).unsqueeze(1))
    sorted_logits = sorted_logits.masked_fill(sorted_logits < kth, float("-inf"))
    cumulative = sorted_logits.softmax(dim=-1).cumsum(dim=-1)
    drop = cumulative <= (1 - top_p).unsqueeze(1)
    drop[:, -1] = False
    sorted_logits = sorted_logits.masked_fill(drop, float("-inf"))
    return sorted_logits.scatter(dim=-1, index=order, src=sorted_logits)


def sample_tokens(
    logits: torch.Tensor,
    params: Sequence[SamplingParams],
    generators: Sequence[torch.Generator],
    logprobs_mode: str = "sampling",
) -> SampledStep:
    """Samples one token per row of `logits` `[B, V]` (any dtype; computed in fp32)."""
    logits = logits.float()
    device = logits.device
    vocab = logits.size(1)
    greedy = torch.tensor([p.is_greedy for p in params], device=device)
    temperature = torch.tensor([1.0 if p.is_greedy else p.temperature for p in params], device=device)
    scaled = logits / temperature.unsqueeze(1)
    full_logprobs = torch.log_softmax(scaled, dim=-1)
    truncating = any(0 < p.top_k < vocab or p.top_p < 1.0 for p in params)
    if truncating:
        top_k = torch.tensor([p.top_k if 0 < p.top_k < vocab else vocab for p in params], device=device)
        top_p = torch.tensor([p.top_p for p in params], device=device, dtype=torch.float32)
        kept_logprobs = torch.log_softmax(apply_top_k_top_p(scaled, top_k, top_p), dim=-1)
    else:
        kept_logprobs = full_logprobs
    # Exponential-race draw (vLLM's random_sample): argmax(p / q), q ~ Exp(1) from each row's generator.
    noise = torch.empty_like(kept_logprobs)
    for row, generator in enumerate(generators):
        noise[row].exponential_(generator=generator)
    drawn = (kept_logprobs.exp() / noise).argmax(dim=-1)
    tokens = torch.where(greedy, logits.argmax(dim=-1), drawn)
    reported = full_logprobs if logprobs_mode == "sampling" else kept_logprobs
    chosen = reported.gather(1, tokens.unsqueeze(1)).squeeze(1)
    k = max((p.logprobs or 0) for p in params)
    top: list[list[tuple[int, float]]] = [[] for _ in params]
    if k > 0:
        top_values, top_ids = reported.topk(min(k, vocab), dim=-1)
        for row, (ids, values) in enumerate(zip(top_ids.tolist(), top_values.tolist())):
            wanted = params[row].logprobs or 0
            top[row] = list(zip(ids[:wanted], values[:wanted]))
    return SampledStep(token_ids=tokens.tolist(), logprobs=chosen.tolist(), top=top)


def make_generator(seed: int, device: torch.device) -> torch.Generator:
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    return generator
