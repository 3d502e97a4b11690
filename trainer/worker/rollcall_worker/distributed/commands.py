"""The learner operations rank 0 hands to every rank, and how each rank runs its part.

Protocol: rank 0 broadcasts one `Command` on the `idle` group (where the other ranks wait between
operations), then every rank calls `execute` — the same collectives in the same order. Rank 0 does
the disk I/O before sending (restore: weights and optimizer file are read first) or after
`execute` returns (checkpoint: the folder is written last), so input that can be wrong fails on
rank 0 alone, never while the other ranks wait inside a collective.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import torch.distributed as dist

from ..checkpoint import apply_checkpoint
from ..train_step import Learner
from .ranks import Ranks

TRAIN, CHECKPOINT, RESTORE, STOP = "train", "checkpoint", "restore", "stop"


@dataclass(frozen=True)
class Command:
    name: str
    args: dict[str, Any]


def send(ranks: Ranks, command: Command) -> None:
    dist.broadcast_object_list([command], src=0, group=ranks.idle)


def receive(ranks: Ranks) -> Command:
    box: list[Any] = [None]
    dist.broadcast_object_list(box, src=0, group=ranks.idle)
    return box[0]


def _train(learner: Learner, ranks: Ranks, args: dict[str, Any], _held: Any) -> dict[str, float]:
    return learner.train_share(args["shares"][ranks.rank], args["totals"], args["hyper"])


def _checkpoint(learner: Learner, _ranks: Ranks, _args: dict[str, Any], _held: Any) -> dict[str, Any] | None:
    return learner.sync.optimizer_state(learner)


def _restore(learner: Learner, _ranks: Ranks, args: dict[str, Any], held: Any) -> None:
    apply_checkpoint(learner, held, args["policyVersion"], args["step"])


HANDLERS: dict[str, Callable[[Learner, Ranks, dict[str, Any], Any], Any]] = {
    TRAIN: _train,
    CHECKPOINT: _checkpoint,
    RESTORE: _restore,
}


def execute(learner: Learner, ranks: Ranks, command: Command, held: Any = None) -> Any:
    """This rank's part of `command`; `held` is what rank 0 read from disk for it (restore: the
    optimizer state), None elsewhere. Train returns the step's metrics (whole on rank 0),
    checkpoint the gathered optimizer state (on rank 0)."""
    return HANDLERS[command.name](learner, ranks, command.args, held)
