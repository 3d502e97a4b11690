"""Brings every rank's share of a step's metrics to rank 0 (rollcall_worker/train_metrics.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import torch.distributed as dist

from .ranks import Ranks

if TYPE_CHECKING:
    from ..train_metrics import StepMetrics


def gather_metrics(ranks: Ranks, metrics: "StepMetrics") -> "StepMetrics":
    """Rank 0 absorbs the others' shares; the other ranks keep their own."""
    shares: list[Any] | None = [None] * ranks.world_size if ranks.is_leader else None
    dist.gather_object(metrics, shares, dst=0, group=ranks.objects)
    if shares is None:
        return metrics
    for other in shares[1:]:
        metrics.absorb(other)
    return metrics
