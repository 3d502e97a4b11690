"""The worker's parts, built once at start and passed to the routes (no module-level state)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from .generation import RecomputeBatcher, Scheduler
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
    served_name: str
    created: int = field(default_factory=lambda: int(time.time()))

    @property
    def vocab_size(self) -> int:
        """Ids the model has rows for (its LM head can be larger than the tokenizer, as in Qwen:
        the sampler may pick such an id, and the next turn's prompt must accept it)."""
        return self.policy.vocab_size


def build_worker(
    policy: PolicyModel,
    tokenizer: Tokenizer,
    served_name: str,
    max_num_seqs: int = 64,
    max_batch_tokens: int = 131072,
    logprobs_mode: str = "sampling",
    weight_decay: float = 0.01,
    kv_cache_tokens: int | None = None,
    cuda_graphs: bool = False,
) -> Worker:
    """Wires the gate, the scheduler (not started) and the learner around one policy.

    The native model generates with a KV cache of `kv_cache_tokens` tokens (None: sized from
    memory, `native/cached_batcher.py`; 0: no cache), its decode steps replayed as CUDA graphs with
    `cuda_graphs`; any other policy recomputes prefixes."""
    gate = ModelGate()
    if isinstance(policy, NativePolicy) and kv_cache_tokens != 0:
        batcher: Any = build_cached_batcher(policy, tokenizer.pad_token_id, max_num_seqs, max_batch_tokens, kv_cache_tokens, cuda_graphs)
    else:
        batcher = RecomputeBatcher(policy, tokenizer.pad_token_id, max_num_seqs, max_batch_tokens)
    scheduler = Scheduler(policy, batcher, gate, logprobs_mode)
    learner = Learner(policy, tokenizer.pad_token_id, weight_decay)
    policy.module.eval()
    return Worker(policy, tokenizer, gate, scheduler, learner, served_name)
