"""One rank's worker: the trained model, the generation replica's model and the `StepSync`.

The strategy is chosen once here: FSDP2 when this torch has `torch.distributed.fsdp.fully_shard`
(the trained model is sharded and a whole copy, made before sharding, serves generation and is
what rank 0 saves), else reduce-broadcast (every rank holds the whole model, which both trains and
serves). Rank 0's learner routes run every operation on all ranks; the others' refuse them.

Every rank starts from rank 0's trainable weights, broadcast before anything else: each process
loads the same files, but weights drawn at load time (LoRA's A matrices, from each process's own
random generator) would otherwise differ between ranks, and the first step would sum gradients of
different models.
"""

from __future__ import annotations

import copy

from ..model_gate import ModelGate
from ..native.policy import NativePolicy
from ..policy_model import PolicyModel, Tokenizer
from ..step_sync import StepSync
from ..train_step import Learner
from ..worker import Worker, build_scheduler
from .flat_collectives import broadcast_from_leader
from .follower import ReplicaOps
from .fsdp2 import Fsdp2, fsdp2_available
from .ranks import Ranks
from .rank_zero_ops import RankZeroOps
from .reduce_broadcast import ReduceBroadcast


def build_rank_worker(
    policy: PolicyModel,
    tokenizer: Tokenizer,
    served_name: str,
    ranks: Ranks,
    max_num_seqs: int = 64,
    max_batch_tokens: int = 131072,
    logprobs_mode: str = "sampling",
    weight_decay: float = 0.01,
    kv_cache_tokens: int | None = None,
    cuda_graphs: bool = False,
    sharded: bool | None = None,
) -> Worker:
    """`sharded` None: FSDP2 where available (tests force the fallback with False)."""
    serving: PolicyModel
    sync: StepSync
    broadcast_from_leader(policy.trainable_parameters())
    if fsdp2_available() if sharded is None else sharded:
        serving = copy.deepcopy(policy)
        if isinstance(policy, NativePolicy):
            policy.drop_generation_weights()
        sync = Fsdp2(ranks, policy, serving)
    else:
        serving = policy
        sync = ReduceBroadcast(ranks)
    gate = ModelGate()
    scheduler = build_scheduler(serving, tokenizer, gate, max_num_seqs, max_batch_tokens, logprobs_mode, kv_cache_tokens, cuda_graphs)
    learner = Learner(policy, tokenizer.pad_token_id, weight_decay, sync)
    ops = RankZeroOps(serving, tokenizer, learner, ranks) if ranks.is_leader else ReplicaOps(ranks.rank)
    policy.module.eval()
    serving.module.eval()
    return Worker(serving, tokenizer, gate, scheduler, learner, ops, served_name)
