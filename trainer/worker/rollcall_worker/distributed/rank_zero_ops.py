"""Rank 0's learner routes with several ranks: every operation runs on all of them.

Failure policy. An operation all ranks run together cannot be half-undone: once one rank died,
timed out in a collective or raised, the ranks are out of step and the process group cannot be
re-formed in place. So any failure inside an operation answers `ranks_failed` (503, naming what
happened), marks the worker broken (later operations answer the same at once) and sets `failed`,
on which the server stops and rank 0 exits, which makes torchrun stop the other ranks.

Answering must not depend on the collective returning: NCCL waits for a dead peer until its
time-out, and torchrun reacts to a dead rank by sending SIGTERM to the others. So the operation
runs on its own daemon thread and the route thread waits for either its result or `abort` (called
from the SIGTERM handler), whichever comes first.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, InvalidStateError
from pathlib import Path
from typing import Any

from ..checkpoint import load_checkpoint, write_checkpoint
from ..errors import ranks_failed
from ..policy_model import PolicyModel, Tokenizer
from ..serving_weights import save_serving_weights
from ..train_request import Hyper, TrainSample
from ..train_step import BatchTotals, Learner
from .commands import CHECKPOINT, RESTORE, STOP, TRAIN, Command, execute, send
from .ranks import Ranks
from .token_split import split_by_tokens

log = logging.getLogger("rollcall_worker.ranks")


class RanksAborted(Exception):
    """The operation was abandoned (SIGTERM from the launcher) before it returned."""


class RankZeroOps:
    def __init__(self, policy: PolicyModel, tokenizer: Tokenizer, learner: Learner, ranks: Ranks) -> None:
        self.policy = policy
        self.tokenizer = tokenizer
        self.learner = learner
        self.ranks = ranks
        self.failed = threading.Event()
        """Set once the ranks are out of step: the server stops and rank 0 exits."""
        self._broken: str | None = None
        self._in_flight: Future[Any] | None = None
        self._lock = threading.Lock()

    def train(self, samples: list[TrainSample], hyper: Hyper) -> dict[str, float]:
        shares = split_by_tokens(samples, self.ranks.world_size, lambda s: len(s.tokens))
        command = Command(TRAIN, {"shares": shares, "totals": BatchTotals.of(samples), "hyper": hyper})
        return self._run(command, "/train/step")

    def checkpoint(self, path: Path) -> dict[str, Any]:
        optimizer = self._run(Command(CHECKPOINT, {}), "/checkpoint")
        return write_checkpoint(path, self.policy, self.tokenizer, self.learner, optimizer)

    def restore(self, path: Path) -> dict[str, Any]:
        self._refuse_if_broken("/restore")
        loaded = load_checkpoint(path, self.policy)
        counters = {"policyVersion": int(loaded.state["policyVersion"]), "step": int(loaded.state.get("step", 0))}
        self._run(Command(RESTORE, counters), "/restore", held=loaded.optimizer)
        return loaded.state

    def weights(self, path: Path) -> None:
        # Rank 0's serving model holds the whole current policy (reduce-broadcast: the trained
        # model itself; FSDP2: the copy refreshed after every step): no other rank is needed.
        save_serving_weights(path, self.policy, self.tokenizer)

    @property
    def busy(self) -> bool:
        """An operation is running on the ranks."""
        return self._in_flight is not None

    def abort(self, reason: str) -> None:
        """Fails the operation in flight, if any (from a signal handler: never blocks)."""
        with self._lock:
            running = self._in_flight
        if running is None:
            return
        self._broken = reason
        try:
            running.set_exception(RanksAborted(reason))
        except InvalidStateError:
            pass  # it finished meanwhile

    def stop_ranks(self) -> None:
        """Tells the other ranks to exit, when they are waiting for a command (not after a failure)."""
        if self._broken is None and not self.busy:
            sender = threading.Thread(target=send, args=(self.ranks, Command(STOP, {})), daemon=True)
            sender.start()
            sender.join(timeout=5)

    def _refuse_if_broken(self, operation: str) -> None:
        if self._broken is not None:
            raise ranks_failed(operation, self._broken)

    def _run(self, command: Command, operation: str, held: Any = None) -> Any:
        self._refuse_if_broken(operation)
        result: Future[Any] = Future()

        def body() -> None:
            try:
                send(self.ranks, command)
                value = execute(self.learner, self.ranks, command, held)
            except BaseException as error:  # noqa: BLE001 — handed to the waiting route thread
                value, failure = None, error
            else:
                failure = None
            try:
                if failure is None:
                    result.set_result(value)
                else:
                    result.set_exception(failure)
            except InvalidStateError:
                pass  # aborted meanwhile: the route has answered already

        with self._lock:
            self._in_flight = result
        threading.Thread(target=body, name=f"rollcall-{command.name}", daemon=True).start()
        try:
            return result.result()
        except Exception as error:  # noqa: BLE001 — every failure here leaves the ranks out of step
            detail = str(error) if isinstance(error, RanksAborted) else f"{type(error).__name__}: {error}"
            log.error("%s failed across the learner ranks: %s; stopping the worker", operation, detail)
            self._broken = detail
            self.failed.set()
            raise ranks_failed(operation, detail) from error
        finally:
            with self._lock:
                self._in_flight = None
