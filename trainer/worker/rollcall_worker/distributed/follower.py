"""Ranks other than 0: run rank 0's commands, and serve generation as a replica meanwhile.

A follower's learner routes are refused (`ReplicaOps`): training, checkpoints and restores are
started on rank 0, which hands them to every rank. Between commands the follower's scheduler
serves `/v1/completions` from its copy of the policy; a command holds the follower's model gate,
so no generation step sees weights halfway through an update, and the policy version it reports
(`GET /policy`) moves in the same command that brings the new weights.

A follower stops when rank 0 says so (exit 0) or when rank 0 or a collective fails (exit 1, after
logging what failed), since the ranks are then out of step (rank_zero_ops.py).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ..errors import generation_only
from ..model_gate import ModelGate
from ..train_request import Hyper, TrainSample
from ..train_step import Learner
from .commands import STOP, execute, receive
from .ranks import Ranks

log = logging.getLogger("rollcall_worker.ranks")


class ReplicaOps:
    def __init__(self, rank: int) -> None:
        self.rank = rank

    def train(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]:
        raise generation_only(self.rank, "/train/step")

    def checkpoint(self, path: Path) -> dict[str, Any]:
        raise generation_only(self.rank, "/checkpoint")

    def restore(self, path: Path) -> dict[str, Any]:
        raise generation_only(self.rank, "/restore")

    def weights(self, path: Path) -> None:
        raise generation_only(self.rank, "/weights")


def follow(learner: Learner, gate: ModelGate, ranks: Ranks) -> int:
    """Runs rank 0's commands until told to stop (0) or until something fails (1)."""
    while True:
        try:
            command = receive(ranks)
        except Exception as error:  # noqa: BLE001 — rank 0 is gone: nothing left to follow
            log.error("rank %d: lost rank 0 while waiting for a command (%s); stopping", ranks.rank, error)
            return 1
        if command.name == STOP:
            return 0
        try:
            with gate.training():
                execute(learner, ranks, command)
        except Exception:  # noqa: BLE001 — the ranks are out of step; say why before leaving
            log.exception("rank %d: %s failed; stopping this rank", ranks.rank, command.name)
            return 1
