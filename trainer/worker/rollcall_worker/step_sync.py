"""How one learner step's gradients, optimizer and metrics meet across ranks (`StepSync`).

The learner (train_step.py) computes a share of a step: forward and backward over its samples,
each micro-batch's loss normalised by the *whole* batch's totals, so the shares' gradients add up
to the one-rank gradient. What happens between the backward passes and the next step is the
strategy's: on one process nothing crosses a process boundary (`SingleRank`, below); several ranks
sum their gradients onto rank 0 (rollcall_worker/distributed/reduce_broadcast.py) or let FSDP2
reduce-scatter them into shards (rollcall_worker/distributed/fsdp2.py). The strategy is chosen once
at start; the learner never asks which one it has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

import torch

if TYPE_CHECKING:
    from .train_metrics import StepMetrics
    from .train_request import Hyper
    from .train_step import Learner


class StepSync(Protocol):
    name: str
    """Named in the worker's log at start: "single", "reduce-broadcast" or "fsdp2"."""
    rank: int
    world_size: int
    loss_scale: float
    """Factor on each backward loss (FSDP2 averages gradients over ranks; a step needs their sum)."""

    def micro_batch_slots(self, local: int) -> int:
        """Forward/backward passes this rank runs for `local` micro-batches of its own. Sharded
        ranks must run equally many (every forward all-gathers), so the short ones pad."""
        ...

    def apply_gradients(self, learner: "Learner", hyper: "Hyper") -> float | None:
        """After the backward passes: combine gradients, clip on the global norm, step AdamW and
        bring every rank's weights (and its generation replica's) up to date. Returns the pre-clip
        norm, or None when it was not finite and the step was skipped (the same on every rank)."""
        ...

    def merge_metrics(self, metrics: "StepMetrics") -> "StepMetrics":
        """The whole step's metrics on rank 0 (other ranks get their own share back)."""
        ...

    def optimizer_state(self, learner: "Learner") -> dict[str, Any] | None:
        """AdamW's state in the one-rank layout (`optimizer.state_dict()`), on rank 0; None on the
        other ranks and before the first step."""
        ...

    def load_optimizer_state(self, learner: "Learner", state: dict[str, Any] | None) -> None:
        """Loads a one-rank-layout state held by rank 0 (None there: start AdamW afresh)."""
        ...

    def publish_weights(self, learner: "Learner") -> None:
        """After rank 0 loaded weights in place (a restore): every rank and replica gets them."""
        ...


class SingleRank:
    """One process: gradients are already whole, the optimizer steps where they are."""

    name = "single"
    rank = 0
    world_size = 1
    loss_scale = 1.0

    def micro_batch_slots(self, local: int) -> int:
        return local

    def apply_gradients(self, learner: "Learner", hyper: "Hyper") -> float | None:
        params = learner.policy.trainable_parameters()
        total = torch.nn.utils.clip_grad_norm_(params, hyper.gradClip)
        if not torch.isfinite(total):
            return None
        learner.ensure_optimizer(hyper.lr).step()
        return float(total)

    def merge_metrics(self, metrics: "StepMetrics") -> "StepMetrics":
        return metrics

    def optimizer_state(self, learner: "Learner") -> dict[str, Any] | None:
        return None if learner.optimizer is None else learner.optimizer.state_dict()

    def load_optimizer_state(self, learner: "Learner", state: dict[str, Any] | None) -> None:
        if state is None:
            learner.optimizer = None  # a checkpoint from before the first step: start AdamW afresh
            return
        learner.ensure_optimizer().load_state_dict(state)

    def publish_weights(self, learner: "Learner") -> None:
        return None


SINGLE_RANK = SingleRank()
