"""What the learner routes do, behind one interface chosen at start (`LearnerOps`).

One process trains, saves and restores itself (`LocalOps`). With several learner ranks, rank 0's
routes go through rollcall_worker/distributed/rank_zero_ops.py, which runs each operation on every
rank, and the other ranks' servers answer generation only (`ReplicaOps` there). The routes keep the
request validation, the model gate and the logging; they never ask which kind they hold.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .checkpoint import restore_checkpoint, save_checkpoint
from .policy_model import PolicyModel, Tokenizer
from .serving_weights import save_serving_weights
from .train_request import Hyper, TrainSample
from .train_step import Learner


class LearnerOps(Protocol):
    def train(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]: ...

    def checkpoint(self, path: Path) -> dict[str, Any]:
        """Writes a checkpoint folder; returns its `worker-state.json`."""
        ...

    def restore(self, path: Path) -> dict[str, Any]: ...

    def weights(self, path: Path) -> None:
        """Writes the serving weights for an external engine (serving_weights.py)."""
        ...


@dataclass
class LocalOps:
    policy: PolicyModel
    tokenizer: Tokenizer
    learner: Learner

    def train(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]:
        return self.learner.train_step(samples, hyper)

    def checkpoint(self, path: Path) -> dict[str, Any]:
        return save_checkpoint(path, self.policy, self.tokenizer, self.learner)

    def restore(self, path: Path) -> dict[str, Any]:
        return restore_checkpoint(path, self.policy, self.learner)

    def weights(self, path: Path) -> None:
        save_serving_weights(path, self.policy, self.tokenizer)
