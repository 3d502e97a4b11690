"""The generation scheduler: continuous batching over one model, one batched step at a time.

A single thread keeps the waiting and the active sequences. Each step it admits waiting ones,
asks the batcher for every active sequence's next-token logits, samples one token per sequence
(each from its own seeded generator), hands each token to its request, and retires finished or
cancelled sequences. A request that arrives mid-flight joins at the next step; a long request
never holds a short one back beyond sharing its steps.

Two batchers produce the logits:

* `native.cached_batcher.CachedBatcher` (the native model): a paged KV cache, prefill once per
  sequence, then one token per sequence per step.
* `RecomputeBatcher` (any `PolicyModel`, the transformers path): no cache; one left-padded
  forward over every active sequence's whole prefix per step, keeping the last position's logits.
  Positions are counted over real tokens, so it is correct by construction under admission and
  retirement, at O(batch × length) per step.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Iterable, Protocol

import torch
from torch.profiler import record_function

from .model_gate import ModelGate
from .policy_model import PolicyModel, autocast
from .sampling import SampledStep, sample_tokens
from .sequence import ErrorEvent, Sequence

log = logging.getLogger("rollcall_worker.generation")


class Batcher(Protocol):
    forward_count: int
    """Model steps run so far (one per scheduler step that had sequences); tests read it."""

    def admit(self, waiting: "deque[Sequence]", active: list[Sequence]) -> None:
        """Moves the waiting sequences that fit from the front of `waiting` to `active`."""
        ...

    def logits(self, batch: list[Sequence]) -> torch.Tensor:
        """`[B, V]` next-token logits of each sequence of `batch`."""
        ...

    def release(self, sequence: Sequence) -> None:
        """The sequence left the batch (finished, cancelled or failed)."""
        ...


class Scheduler:
    def __init__(self, policy: PolicyModel, batcher: Batcher, gate: ModelGate, logprobs_mode: str = "sampling") -> None:
        self._policy = policy
        self._batcher = batcher
        self._gate = gate
        self._logprobs_mode = logprobs_mode
        self._waiting: deque[Sequence] = deque()
        self._active: list[Sequence] = []
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def batcher(self) -> Batcher:
        return self._batcher

    @property
    def forward_count(self) -> int:
        return self._batcher.forward_count

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="rollcall-generation", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def submit(self, sequences: Iterable[Sequence]) -> None:
        with self._cond:
            self._waiting.extend(sequences)
            self._cond.notify_all()

    @property
    def pending(self) -> int:
        with self._cond:
            return len(self._waiting) + len(self._active)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and not self._waiting and not self._active:
                    self._cond.wait()
                if self._stopping:
                    return
            try:
                self.step()
            except Exception:  # noqa: BLE001 — the scheduler thread must survive; requests were told in step()
                log.exception("scheduler step failed")

    def step(self) -> None:
        """Admits, computes the active set's logits, samples, retires. Call it from the scheduler
        thread only (tests drive it directly without `start`)."""
        with self._gate.generation():
            with self._cond:
                self._batcher.admit(self._waiting, self._active)
            self._retire([s for s in self._active if s.cancelled.is_set()])
            if not self._active:
                return
            batch = list(self._active)
            try:
                # Named phases for torch.profiler (bench/worker-generation/profile_decode.py).
                with torch.no_grad(), autocast(self._policy), record_function("generation.logits"):
                    logits = self._batcher.logits(batch)
                with record_function("generation.sample"):
                    sampled = sample_tokens(logits, [s.params for s in batch], [s.generator for s in batch], self._logprobs_mode)
            except Exception as error:  # noqa: BLE001 — every in-flight request must hear about it
                log.exception("generation step failed")
                for sequence in batch:
                    sequence.events.put(ErrorEvent(sequence.choice_index, f"generation failed: {error}"))
                self._retire(batch)
                return
            with record_function("generation.accept"):
                self._accept(batch, sampled)
            self._retire([s for s in batch if s.is_finished])

    def _accept(self, batch: list[Sequence], sampled: SampledStep) -> None:
        for row, sequence in enumerate(batch):
            try:
                event = sequence.accept(sampled.token_ids[row], sampled.logprobs[row], sampled.top[row])
            except Exception as error:  # noqa: BLE001 — e.g. a tokenizer that cannot decode an id; fail this choice only
                log.exception("choice %d failed", sequence.choice_index)
                sequence.finish_reason = "error"
                sequence.events.put(ErrorEvent(sequence.choice_index, f"generation failed: {error}"))
                continue
            sequence.events.put(event)

    def _retire(self, leaving: list[Sequence]) -> None:
        if not leaving:
            return
        gone = {id(s) for s in leaving}
        self._active = [s for s in self._active if id(s) not in gone]
        for sequence in leaving:
            self._batcher.release(sequence)


class RecomputeBatcher:
    """Logits without a cache: every active prefix recomputed each step (module docstring)."""

    def __init__(self, policy: PolicyModel, pad_token_id: int, max_num_seqs: int = 64, max_batch_tokens: int = 131072) -> None:
        self._policy = policy
        self._pad = pad_token_id
        self._max_num_seqs = max_num_seqs
        self._max_batch_tokens = max_batch_tokens
        self.forward_count = 0

    def admit(self, waiting: "deque[Sequence]", active: list[Sequence]) -> None:
        while waiting and len(active) < self._max_num_seqs:
            candidate = waiting[0]
            if candidate.cancelled.is_set():
                waiting.popleft()
                continue
            longest = max([candidate.length, *(s.length for s in active)])
            if active and longest * (len(active) + 1) > self._max_batch_tokens:
                break
            active.append(waiting.popleft())

    def release(self, sequence: Sequence) -> None:
        pass  # nothing is held per sequence

    def logits(self, batch: list[Sequence]) -> torch.Tensor:
        policy = self._policy
        rows = [s.prompt_ids + s.output_ids for s in batch]
        width = max(len(r) for r in rows)
        input_ids = torch.full((len(rows), width), self._pad, dtype=torch.long)
        attention_mask = torch.zeros((len(rows), width), dtype=torch.long)
        for i, row in enumerate(rows):
            input_ids[i, width - len(row) :] = torch.tensor(row, dtype=torch.long)
            attention_mask[i, width - len(row) :] = 1
        position_ids = (attention_mask.cumsum(dim=1) - 1).clamp(min=0)
        device = policy.device
        logits = policy.forward_logits(input_ids.to(device), attention_mask.to(device), position_ids.to(device), keep_last=1)
        self.forward_count += 1
        return logits[:, -1, :]
