"""Next-token sampling for a batch of sequences, and the logprobs reported for it.

Order, as in vLLM's v1 sampler: temperature, then top-k, then top-p, then a draw per row.
Temperature below 1e-5 means greedy: argmax of the raw logits.

The draw is by inversion: each row takes one uniform u from its own `SeededDraws` (seeded per
request) and picks the first token whose cumulative probability reaches u · total. One uniform
per row per step, drawn on the host, lets every row of the batch be sampled by the same few
kernels (a per-row generator over the whole vocabulary costs one kernel launch per row per step),
while a seed still reproduces a choice whatever else shares the batch: a row's token depends only
on its own logits and its own stream of uniforms.

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

import random
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


class SeededDraws:
    """One sequence's stream of uniforms, one per sampled token."""

    BITS = 24  # an fp32 mantissa: every draw is exact in fp32

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def next_uniform(self) -> float:
        """In (0, 1) strictly, so u · total is neither 0 nor above the total mass."""
        return (self._random.getrandbits(self.BITS) + 0.5) / (1 << self.BITS)


def sample_tokens(
    logits: torch.Tensor,
    params: Sequence[SamplingParams],
    generators: Sequence[SeededDraws],
    logprobs_mode: str = "sampling",
) -> SampledStep:
    """Samples one token per row of `logits` `[B, V]` (any dtype; computed in fp32)."""
    device = logits.device
    vocab = logits.size(1)
    # Per-row settings and uniforms travel to the device in one copy.
    host = torch.tensor([[1.0 if p.is_greedy else p.temperature for p in params], [float(p.is_greedy) for p in params],
                         [g.next_uniform() for g in generators]], dtype=torch.float32)
    temperature, greedy, uniform = host.to(device).unbind(0)
    scaled = logits / temperature.unsqueeze(1)  # fp32 (type promotion), in the same kernel as the cast
    full_logprobs = torch.log_softmax(scaled, dim=-1)
    truncating = any(0 < p.top_k < vocab or p.top_p < 1.0 for p in params)
    if truncating:
        top_k = torch.tensor([p.top_k if 0 < p.top_k < vocab else vocab for p in params], device=device)
        top_p = torch.tensor([p.top_p for p in params], device=device, dtype=torch.float32)
        kept_logprobs = torch.log_softmax(apply_top_k_top_p(scaled, top_k, top_p), dim=-1)
    else:
        kept_logprobs = full_logprobs
    cumulative = kept_logprobs.exp().cumsum(dim=-1)
    target = (uniform * cumulative[:, -1]).unsqueeze(1)
    tokens = torch.searchsorted(cumulative, target).squeeze(1).clamp(max=vocab - 1)
    if truncating:
        # A token truncation dropped has zero width in the cumulative sum, so it cannot be found;
        # the guard only matters if rounding ever made the sum step back.
        drawn_kept = kept_logprobs.gather(1, tokens.unsqueeze(1)).squeeze(1) > float("-inf")
        tokens = torch.where(drawn_kept, tokens, kept_logprobs.argmax(dim=-1))
    if any(p.is_greedy for p in params):  # the argmax pass over the vocabulary only when a row needs it
        tokens = torch.where(greedy > 0, logits.argmax(dim=-1), tokens)
    reported = full_logprobs if logprobs_mode == "sampling" else kept_logprobs
    chosen = reported.gather(1, tokens.unsqueeze(1)).squeeze(1)
    k = max((p.logprobs or 0) for p in params)
    top: list[list[tuple[int, float]]] = [[] for _ in params]
    if k > 0:
        top_values, top_ids = reported.topk(min(k, vocab), dim=-1)
        for row, (ids, values) in enumerate(zip(top_ids.tolist(), top_values.tolist())):
            wanted = params[row].logprobs or 0
            top[row] = list(zip(ids[:wanted], values[:wanted]))
    # Token ids (< 2^24) and fp32 logprobs are exact in fp64: one copy back to the host.
    token_ids, logprobs = torch.stack((tokens.double(), chosen.double())).tolist()
    return SampledStep(token_ids=[int(t) for t in token_ids], logprobs=logprobs, top=top)
