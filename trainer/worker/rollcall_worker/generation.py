"""The generation scheduler: continuous batching over one model, one forward per step.

Design (first version, documented trade-off): a single thread keeps a set of active sequences.
Each step it admits waiting sequences (up to `max_num_seqs`, and while the padded batch stays
within `max_batch_tokens`), runs ONE batched forward over all active sequences — left-padded, with
an attention mask and position ids counted over real tokens, recomputing every prefix (no KV
cache), keeping only the last position's logits — samples one token per sequence, hands each token
to its request, and retires finished or cancelled sequences. A request that arrives mid-flight
joins at the next step; a long request never holds a short one back beyond sharing its forwards.

Recomputing the prefix makes a step cost O(batch × length) instead of O(batch); it is correct by
construction under admission and retirement, and fine for the small models this worker targets.
A KV cache is the known next step (see trainer/worker/README.md).
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Iterable

import torch

from .model_gate import ModelGate
from .policy_model import PolicyModel, autocast
from .sampling import sample_tokens
from .sequence import ErrorEvent, Sequence

log = logging.getLogger("rollcall_worker.generation")


class Scheduler:
    def __init__(
        self,
        policy: PolicyModel,
        pad_token_id: int,
        gate: ModelGate,
        max_num_seqs: int = 64,
        max_batch_tokens: int = 131072,
        logprobs_mode: str = "sampling",
    ) -> None:
        self._policy = policy
        self._pad = pad_token_id
        self._gate = gate
        self._max_num_seqs = max_num_seqs
        self._max_batch_tokens = max_batch_tokens
        self._logprobs_mode = logprobs_mode
        self._waiting: deque[Sequence] = deque()
        self._active: list[Sequence] = []
        self._cond = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self.forward_count = 0
        """Batched forwards run so far; tests read it to see that requests shared steps."""

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
        """Admits, runs one forward over the active set, samples, retires. Thread-safe to call
        from the scheduler thread only (tests drive it directly without `start`)."""
        with self._gate.generation():
            self._admit()
            self._active = [s for s in self._active if not s.cancelled.is_set()]
            if not self._active:
                return
            batch = self._active
            try:
                logits = self._forward_last(batch)
                sampled = sample_tokens(
                    logits, [s.params for s in batch], [s.generator for s in batch], self._logprobs_mode
                )
            except Exception as error:  # noqa: BLE001 — every in-flight request must hear about it
                log.exception("generation step failed")
                for sequence in batch:
                    sequence.events.put(ErrorEvent(sequence.choice_index, f"generation failed: {error}"))
                self._active = []
                return
            for row, sequence in enumerate(batch):
                try:
                    event = sequence.accept(sampled.token_ids[row], sampled.logprobs[row], sampled.top[row])
                except Exception as error:  # noqa: BLE001 — e.g. a tokenizer that cannot decode an id; fail this choice only
                    log.exception("choice %d failed", sequence.choice_index)
                    sequence.finish_reason = "error"
                    sequence.events.put(ErrorEvent(sequence.choice_index, f"generation failed: {error}"))
                    continue
                sequence.events.put(event)
            self._active = [s for s in batch if not s.is_finished]

    def _admit(self) -> None:
        with self._cond:
            while self._waiting and len(self._active) < self._max_num_seqs:
                candidate = self._waiting[0]
                if candidate.cancelled.is_set():
                    self._waiting.popleft()
                    continue
                longest = max([candidate.length, *(s.length for s in self._active)])
                if self._active and longest * (len(self._active) + 1) > self._max_batch_tokens:
                    break
                self._active.append(self._waiting.popleft())

    def _forward_last(self, batch: list[Sequence]) -> torch.Tensor:
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
        with torch.no_grad(), autocast(policy):
            logits = policy.forward_logits(
                input_ids.to(device), attention_mask.to(device), position_ids.to(device), keep_last=1
            )
        self.forward_count += 1
        return logits[:, -1, :]
