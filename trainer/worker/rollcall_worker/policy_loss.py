"""The per-token policy loss and where its PPO ratio is anchored (`hyper.tis`).

Three policies meet in a step: π_engine (the logprobs the engine reported, the behaviour policy),
π_old (the learner's own recomputation with the weights that generated the batch: `logp_before`,
the first epoch's forward) and πθ (the weights being trained). ρ = π_old / π_engine measures how
far engine and learner disagree on the same weights; it is 1 up to rounding for the colocated
worker and differs for an external engine (another kernel, another dtype, a quantised model).

* `bypass` (default; verl `rollout_correction.bypass_mode`, `verl/trainer/ppo/rollout_corr_helper.py`): the PPO ratio
  is taken against the engine, r = πθ / π_engine, so the clip window [1 − clipLow, 1 + clipHigh]
  is a trust region around what the engine sampled from. A token the learner and engine already
  disagree on by more than the window starts outside it: its clipped side gets no gradient from
  the first update (A > 0 with r > 1 + clipHigh, A < 0 with r < 1 − clipLow). Each token's loss is
  multiplied by the detached factor min(1, tisCap / ρ): r already carries ρ at θ = θ_old, so the
  effective importance weight there is min(ρ, tisCap) — nothing changes while ρ ≤ tisCap, tokens
  the learner finds far likelier than the engine did are truncated at the cap.
* `decoupled` (verl `bypass_mode: false` with token `rollout_is`, the original TIS of verl PR
  #2953): the PPO ratio is taken against the learner's old policy, r = πθ / π_old (exactly 1 in
  the first epoch), and each token's loss is multiplied by the detached truncated weight
  w = min(π_old / π_engine, tisCap). The clip window then bounds only this step's update, and an
  engine/learner mismatch changes a token's weight instead of removing its gradient: the form
  for engines whose logprobs differ from the learner's.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from .losses import PpoTerms, ppo_clip_loss, tis_loss_factor, tis_weight

DUAL_CLIP_C = 3.0
TIS_MODES = ("bypass", "decoupled")


@dataclass(frozen=True)
class LossInputs:
    logp: torch.Tensor
    """πθ per token, with gradient."""
    logp_before: torch.Tensor
    """π_old per token (first-epoch forward), detached."""
    engine_logp: torch.Tensor
    advantages: torch.Tensor
    clip_low: float
    clip_high: float
    tis_cap: float


@dataclass
class PolicyLoss:
    ppo: PpoTerms
    """Ratio, clipping and the unweighted per-token loss (metrics read them)."""
    loss: torch.Tensor
    """Per-token loss with the TIS factor applied, before aggregation."""


def bypass_loss(x: LossInputs) -> PolicyLoss:
    ppo = ppo_clip_loss(x.logp, x.engine_logp, x.advantages, x.clip_low, x.clip_high, DUAL_CLIP_C)
    return PolicyLoss(ppo, ppo.loss * tis_loss_factor(x.logp_before, x.engine_logp, x.tis_cap))


def decoupled_loss(x: LossInputs) -> PolicyLoss:
    ppo = ppo_clip_loss(x.logp, x.logp_before, x.advantages, x.clip_low, x.clip_high, DUAL_CLIP_C)
    return PolicyLoss(ppo, ppo.loss * tis_weight(x.logp_before, x.engine_logp, x.tis_cap))


POLICY_LOSSES: dict[str, Callable[[LossInputs], PolicyLoss]] = {"bypass": bypass_loss, "decoupled": decoupled_loss}
