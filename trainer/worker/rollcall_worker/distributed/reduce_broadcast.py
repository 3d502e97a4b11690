"""`StepSync` without sharding, for torch builds without FSDP2 (`torch.distributed.fsdp.fully_shard`).

Every rank holds the whole model and computes its share's gradients. Then the gradients are summed
onto rank 0 (one reduce), rank 0 clips them on their global norm and steps AdamW, and broadcasts
the new trainable weights (one broadcast). This moves as many bytes as DDP's all-reduce of
gradients (a reduce plus a broadcast is an all-reduce, done around the optimizer), but AdamW's
state — twice the trained weights — lives on rank 0 only, every rank serves bit-for-bit rank 0's
weights, and the broadcast is what brings each generation replica the new policy. With LoRA only
the adapter's gradients and weights travel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch
import torch.distributed as dist

from .flat_collectives import broadcast_from_leader, reduce_to_leader
from .gather_metrics import gather_metrics
from .ranks import Ranks

if TYPE_CHECKING:
    from ..train_metrics import StepMetrics
    from ..train_request import Hyper
    from ..train_step import Learner


class ReduceBroadcast:
    name = "reduce-broadcast"
    loss_scale = 1.0

    def __init__(self, ranks: Ranks) -> None:
        self.ranks = ranks
        self.rank = ranks.rank
        self.world_size = ranks.world_size

    def micro_batch_slots(self, local: int) -> int:
        return local  # nothing is gathered during a forward: ranks may run different counts

    def apply_gradients(self, learner: "Learner", hyper: "Hyper") -> float | None:
        params = learner.policy.trainable_parameters()
        grads = [p.grad if p.grad is not None else torch.zeros_like(p) for p in params]
        reduce_to_leader(grads)
        norm = torch.zeros(1, dtype=torch.float32, device=self.ranks.device)
        if self.ranks.is_leader:
            for p, grad in zip(params, grads):
                p.grad = grad
            total = torch.nn.utils.clip_grad_norm_(params, hyper.gradClip)
            if torch.isfinite(total):
                learner.ensure_optimizer(hyper.lr).step()
            norm[0] = total
        dist.broadcast(norm, src=0)
        broadcast_from_leader(list(params))
        total = float(norm[0])
        return total if torch.isfinite(norm[0]) else None

    def merge_metrics(self, metrics: "StepMetrics") -> "StepMetrics":
        return gather_metrics(self.ranks, metrics)

    def optimizer_state(self, learner: "Learner") -> dict[str, Any] | None:
        if not self.ranks.is_leader or learner.optimizer is None:
            return None
        return learner.optimizer.state_dict()

    def load_optimizer_state(self, learner: "Learner", state: dict[str, Any] | None) -> None:
        if not self.ranks.is_leader:
            return
        if state is None:
            learner.optimizer = None
            return
        learner.ensure_optimizer().load_state_dict(state)

    def publish_weights(self, learner: "Learner") -> None:
        broadcast_from_leader(learner.policy.trainable_parameters())

