"""The worker's parts, built once at start and passed to the routes (no module-level state)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .generation import RecomputeBatcher, Scheduler
from .learner_ops import LearnerOps, LocalOps
from .native.cached_batcher import build_cached_batcher
from .native.policy import NativePolicy
from .model_gate import ModelGate
from .policy_model import PolicyModel, Tokenizer
from .train_step import Learner


@dataclass
class Worker:
    policy: PolicyModel
    tokenizer: Tokenizer
    gate: ModelGate
    scheduler: Scheduler
    learner: Learner
    ops: LearnerOps
    """What the learner routes run (learner_ops.py): this process alone, or every learner rank."""
    served_name: str
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def vocab_size(self) -> int:
        """Ids the model has rows for (its LM head can be larger than the tokenizer, as in Qwen:
        the sampler may pick such an id, and the next turn's prompt must accept it)."""
        return self.policy.vocab_size


def build_scheduler(
    policy: PolicyModel,
    tokenizer: Tokenizer,
    gate: ModelGate,
    max_num_seqs: int,
    max_batch_tokens: int,
    logprobs_mode: str,
    kv_cache_tokens: int | None,
    cuda_graphs: bool,
) -> Scheduler:
    """The generation scheduler (not started): the native model generates with a KV cache of
    `kv_cache_tokens` tokens (None: sized from memory, `native/cached_batcher.py`; 0: no cache),
    its decode steps replayed as CUDA graphs on CUDA unless `cuda_graphs` is off; any other policy
    recomputes prefixes."""
    if isinstance(policy, NativePolicy) and kv_cache_tokens != 0:
        batcher: Any = build_cached_batcher(policy, tokenizer.pad_token_id, max_num_seqs, max_batch_tokens, kv_cache_tokens, cuda_graphs)
    else:
        batcher = RecomputeBatcher(policy, tokenizer.pad_token_id, max_num_seqs, max_batch_tokens)
    return Scheduler(policy, batcher, gate, logprobs_mode)


def build_worker(
    policy: PolicyModel,
    tokenizer: Tokenizer,
    served_name: str,
    max_num_seqs: int = 64,
    max_batch_tokens: int = 131072,
    logprobs_mode: str = "sampling",
    weight_decay: float = 0.01,
    kv_cache_tokens: int | None = None,
    cuda_graphs: bool = True,
) -> Worker:
    """Wires the gate, the scheduler (not started) and the learner around one policy."""
    gate = ModelGate()
    scheduler = build_scheduler(policy, tokenizer, gate, max_num_seqs, max_batch_tokens, logprobs_mode, kv_cache_tokens, cuda_graphs)
    learner = Learner(policy, tokenizer.pad_token_id, weight_decay)
    policy.module.eval()
    return Worker(policy, tokenizer, gate, scheduler, learner, LocalOps(policy, tokenizer, learner), served_name)
