"""How the learner scores a sampled token: the distribution the engine's logprob describes.

The engine's logprobs are the behaviour policy of the PPO ratio and the TIS weight, so the learner
must compute the same quantity, sample by sample (each carries the settings its rollout sampled
with, since every rollout has its own sampling policy):

* temperature: logits are divided by the sample's temperature (verl's actor divides by
  `meta_info.temperature`; vLLM's `processed_logprobs` and the worker's own logprobs are taken
  after it). A greedy sample (temperature < 1e-5) is scored at 1.0, because engines report
  `log_softmax(logits)` for it (vLLM replaces a zero temperature by 1 for processed logprobs).
* top-k / top-p, with `engineLogprobs: truncated` only: the engine then reports logprobs after
  truncation, renormalised over the kept tokens (vLLM `--logprobs-mode processed_logprobs` with
  top_p < 1 or top_k on; the worker's `--logprobs-mode processed`). The learner masks the same
  top-k/top-p set of its own temperature-scaled distribution and renormalises. The set is chosen
  on detached logits and always keeps the scored token: a token the engine sampled was in the
  engine's set, and a rounding difference at the nucleus edge must not turn its logprob into −inf.
  With `engineLogprobs: full` (the default: the worker's `--logprobs-mode sampling`, vLLM
  `processed_logprobs` at top_p = 1 and top_k off) nothing is truncated. A truncating engine
  scored as `full` reports larger logprobs than the learner computes (the kept mass renormalised
  to 1), by −log(kept mass) per token; `learner/logprob_diff_*` measures exactly that gap.
* min_p and penalties are not applied (the worker's engine refuses them; on vLLM the gap shows in
  the same agreement metric).

vLLM's default `--logprobs-mode raw_logprobs` reports logprobs before temperature: no setting
here matches it at temperature ≠ 1; run vLLM with processed_logprobs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .losses import token_logprobs
from .sampling import GREEDY_EPSILON, apply_top_k_top_p

ENGINE_LOGPROBS = ("full", "truncated")


@dataclass(frozen=True)
class SampleScoring:
    """The sampling settings of one sample, as the learner scores its tokens."""

    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    """0 or negative = off (vLLM's -1/0)."""

    @property
    def scoring_temperature(self) -> float:
        return 1.0 if self.temperature < GREEDY_EPSILON else self.temperature


@dataclass
class ScoringTensors:
    """Per-row settings of a micro-batch, `[B]` each."""

    temperature: torch.Tensor
    top_p: torch.Tensor
    top_k: torch.Tensor

    @staticmethod
    def of(scorings: list[SampleScoring]) -> "ScoringTensors":
        return ScoringTensors(
            temperature=torch.tensor([s.scoring_temperature for s in scorings], dtype=torch.float32),
            top_p=torch.tensor([s.top_p for s in scorings], dtype=torch.float32),
            top_k=torch.tensor([s.top_k for s in scorings], dtype=torch.long),
        )

    def to(self, device: torch.device) -> "ScoringTensors":
        return ScoringTensors(self.temperature.to(device), self.top_p.to(device), self.top_k.to(device))


def scale_logits(logits: torch.Tensor, scoring: ScoringTensors) -> torch.Tensor:
    """`[B, T, V]` logits in fp32, each row divided by its sample's temperature."""
    return logits.float() / scoring.temperature.to(logits.device).view(-1, 1, 1)


def truncate_like_engine(scaled: torch.Tensor, targets: torch.Tensor, scoring: ScoringTensors) -> torch.Tensor:
    """`scaled` with what each row's top-k/top-p drops set to −inf, the target always kept.

    Rows without truncation pass through; the mask is computed without gradient, so gradients
    flow through the kept logits as through a renormalised softmax.
    """
    rows, positions, vocab = scaled.shape
    top_k = torch.where((scoring.top_k > 0) & (scoring.top_k < vocab), scoring.top_k, torch.full_like(scoring.top_k, vocab))
    if not bool(((top_k < vocab) | (scoring.top_p < 1.0)).any()):
        return scaled
    with torch.no_grad():
        flat = scaled.detach().reshape(rows * positions, vocab)
        k = top_k.to(scaled.device).repeat_interleave(positions)
        p = scoring.top_p.to(scaled.device).repeat_interleave(positions)
        dropped = torch.isinf(apply_top_k_top_p(flat, k, p)).reshape(rows, positions, vocab)
        dropped.scatter_(-1, targets.unsqueeze(-1), False)
    return scaled.masked_fill(dropped, float("-inf"))


@dataclass
class Scored:
    scaled: torch.Tensor
    """Temperature-scaled logits `[B, T, V]` (entropy is taken of this full distribution)."""
    logprobs: torch.Tensor
    """`[B, T]` log-probability of each target, comparable to the engine's logprob."""


def score_tokens(logits: torch.Tensor, targets: torch.Tensor, scoring: ScoringTensors, engine_logprobs: str) -> Scored:
    """Each target's logprob under the distribution the engine reported (module docstring)."""
    if engine_logprobs not in ENGINE_LOGPROBS:
        raise ValueError(f"unknown engineLogprobs {engine_logprobs!r}; expected one of {ENGINE_LOGPROBS}")
    scaled = scale_logits(logits, scoring)
    scored = truncate_like_engine(scaled, targets, scoring) if engine_logprobs == "truncated" else scaled
    return Scored(scaled=scaled, logprobs=token_logprobs(scored, targets))
