"""Policy-gradient loss terms as pure torch functions (verl `verl/trainer/ppo/core_algos.py`).

All take per-token tensors of one shape (`[B, T]`) and a 0/1 float `mask`; nothing here knows
about models, micro-batches or HTTP, so each formula is tested against hand-computed values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

LOG_RATIO_CLAMP = 20.0
KL_CLAMP = 10.0
LOSS_AGG_MODES = ("token-mean", "seq-mean-token-mean", "seq-mean-token-sum-norm")
KL_ESTIMATORS = ("k1", "abs", "k2", "k3")


@dataclass
class PpoTerms:
    loss: torch.Tensor
    """Per-token loss, before aggregation and before the TIS factor."""
    ratio: torch.Tensor
    log_ratio: torch.Tensor
    clipped: torch.Tensor
    """1.0 where the clipped surrogate was taken (verl `pg_clipfrac`)."""
    clipped_lower: torch.Tensor
    """1.0 where the dual clip bounded a negative-advantage token (verl `pg_clipfrac_lower`)."""


def ppo_clip_loss(
    logp: torch.Tensor,
    old_logp: torch.Tensor,
    advantages: torch.Tensor,
    clip_low: float,
    clip_high: float,
    clip_c: float = 3.0,
) -> PpoTerms:
    """verl `compute_policy_loss_vanilla`: asymmetric PPO clip with the dual clip for A < 0.

    r = exp(clamp(logp − old, ±20)); L = max(−A·r, −A·clip(r, 1−low, 1+high)); for A < 0 also
    L = min(L, −A·c), which bounds the loss of a token the policy moved far above the behaviour.
    """
    log_ratio = torch.clamp(logp - old_logp, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP)
    ratio = torch.exp(log_ratio)
    unclipped = -advantages * ratio
    clipped = -advantages * torch.clamp(ratio, 1.0 - clip_low, 1.0 + clip_high)
    surrogate = torch.maximum(unclipped, clipped)
    dual = -advantages * clip_c
    negative = advantages < 0
    loss = torch.where(negative, torch.minimum(surrogate, dual), surrogate)
    return PpoTerms(
        loss=loss,
        ratio=ratio,
        log_ratio=log_ratio,
        clipped=(clipped > unclipped).float(),
        clipped_lower=((surrogate > dual) & negative).float(),
    )


def kl_penalty(logp: torch.Tensor, ref_logp: torch.Tensor, estimator: str = "k3") -> torch.Tensor:
    """Per-token KL(π‖π_ref) estimators with d = logp − ref_logp: k1 = d, abs = |d|, k2 = d²/2,
    k3 (low_var_kl) = exp(−d) + d − 1 with d clamped to ±20 first and the result to ±10 (verl
    `kl_penalty`, `low_var_kl`). Without the clamp on d, exp(−d) overflows float32 once the policy
    puts a token 88.7 nats below the reference: the value is clamped to 10 but its gradient is
    0 · ∞ = NaN, and the whole optimizer step is skipped."""
    d = logp - ref_logp
    if estimator == "k3":
        d = torch.clamp(d, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP)
    if estimator == "k1":
        return d
    if estimator == "abs":
        return d.abs()
    if estimator == "k2":
        return 0.5 * d.square()
    if estimator == "k3":
        return torch.clamp(torch.exp(-d) + d - 1.0, -KL_CLAMP, KL_CLAMP)
    raise ValueError(f"unknown KL estimator {estimator!r}; expected one of {KL_ESTIMATORS}")


def tis_weight(logp_before: torch.Tensor, engine_logp: torch.Tensor, cap: float) -> torch.Tensor:
    """Truncated importance weight min(π_learner/π_engine, cap), detached (verl PR #2953).

    `logp_before` is the learner's recomputation with the weights that generated the batch, so
    the weight measures engine/learner mismatch only, not this step's update.
    """
    ratio = torch.exp(torch.clamp(logp_before - engine_logp, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP))
    return torch.clamp(ratio, max=cap).detach()


def tis_loss_factor(logp_before: torch.Tensor, engine_logp: torch.Tensor, cap: float) -> torch.Tensor:
    """The factor the worker multiplies the PPO loss by: min(1, cap / ρ), ρ = π_learner/π_engine.

    With the engine as the PPO anchor the ratio r = πθ/π_engine already carries the importance
    weight ρ at θ = θ_old, so multiplying by the full TIS weight would count ρ twice. Multiplying
    by `tis_weight / ρ` instead makes the effective weight at θ_old exactly `min(ρ, cap)`: no
    change while ρ ≤ cap (verl's bypass mode), truncation to the cap above it.
    """
    log_rho = torch.clamp(logp_before - engine_logp, -LOG_RATIO_CLAMP, LOG_RATIO_CLAMP)
    return torch.exp(torch.clamp(math.log(cap) - log_rho, max=0.0)).detach()


@dataclass(frozen=True)
class AggNorm:
    """Batch-wide normalisers, so micro-batch contributions add up to the full-batch loss."""

    total_tokens: float
    total_sequences: float
    loss_scale_factor: float
    """`seq-mean-token-sum-norm` divisor: a constant number of tokens, the same every step (Dr.
    GRPO's maximum response length, verl `loss_scale_factor`). A divisor that followed the batch,
    such as its longest response, would bring back the length-dependent weighting Dr. GRPO removes."""


def aggregate(loss: torch.Tensor, mask: torch.Tensor, mode: str, norm: AggNorm) -> torch.Tensor:
    """This (micro-)batch's share of the aggregated loss (verl `agg_loss`, single rank).

    token-mean: Σ L·M / N_tokens; seq-mean-token-mean: Σ_i (Σ_t L·M / Σ_t M) / N_seqs;
    seq-mean-token-sum-norm: Σ_i Σ_t L·M / (loss_scale_factor · N_seqs). Every sequence has at least one
    trained token (validated), and N_* are batch totals, so summing micro-batches gives the same
    number as one pass over the whole batch.
    """
    masked = loss * mask
    if mode == "token-mean":
        return masked.sum() / norm.total_tokens
    if mode == "seq-mean-token-mean":
        per_seq = masked.sum(dim=-1) / mask.sum(dim=-1).clamp(min=1.0)
        return per_seq.sum() / norm.total_sequences
    if mode == "seq-mean-token-sum-norm":
        return masked.sum() / (norm.loss_scale_factor * norm.total_sequences)
    raise ValueError(f"unknown loss aggregation {mode!r}; expected one of {LOSS_AGG_MODES}")


def entropy_from_logits(logits: torch.Tensor) -> torch.Tensor:
    """Per-position entropy of softmax(logits) (logits already divided by the temperature)."""
    logp = torch.log_softmax(logits.float(), dim=-1)
    return -(logp.exp() * logp).sum(dim=-1)


def token_logprobs(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """log softmax(logits)[target] per position, in fp32."""
    logits = logits.float()
    return logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)
