"""Next-token logits for the running batch from the native model and its paged KV cache.

Each scheduler step: sequences admitted since the last step are prefilled together (one
left-padded forward over their prompts, writing every prompt token's key/value into the cache
and keeping the last position's logits); the sequences already running are decoded together
(one forward of one token each — the token sampled last step — attending to their cached keys
and values). Both sets are sampled in the same step, so a request that arrives mid-flight gets
its first token at the next step and a finished one leaves at once: sequences join and leave the
running batch at every step.

Admission (`admit`): a sequence is taken when a batch row is free and the cache can reserve its
prompt + max_tokens (`kv_cache.KvCache`); otherwise it waits, in arrival order. The prefill of
one step is bounded by `max_batch_tokens` padded tokens (one over-long prompt still goes alone).
A sequence that needs more cache than exists fails with a message instead of waiting forever.

Positions and masks are those of the learner's full forward (positions counted over real
tokens), so the reported logprobs are the learner's to rounding (`test_kv_cache.py`).
"""

from __future__ import annotations

import logging
from collections import deque
from typing import Callable

import torch

from ..sequence import ErrorEvent, Sequence
from .decode_graphs import DecodeGraphs, decode_forward
from .kv_cache import BLOCK_SIZE, CacheEntry, KvCache, bytes_per_token
from .fused_lm import FusedLM
from .model import AttentionPlan, CausalLM
from .policy import NativePolicy

log = logging.getLogger("rollcall_worker.generation")


class CachedBatcher:
    def __init__(self, model: Callable[[], CausalLM | FusedLM], cache: KvCache, pad_token_id: int, max_num_seqs: int, max_batch_tokens: int,
                 graphs: DecodeGraphs | None = None) -> None:
        self._model = model
        self._graphs = graphs
        self._cache = cache
        self._pad = pad_token_id
        self._max_num_seqs = max_num_seqs
        self._max_batch_tokens = max_batch_tokens
        self._entries: dict[int, CacheEntry] = {}
        self.forward_count = 0

    @property
    def cache(self) -> KvCache:
        return self._cache

    def admit(self, waiting: "deque[Sequence]", active: list[Sequence]) -> None:
        prefill_rows = prefill_width = 0
        while waiting and len(active) < self._max_num_seqs:
            candidate = waiting[0]
            if candidate.cancelled.is_set():
                waiting.popleft()
                continue
            need = len(candidate.prompt_ids) + candidate.params.max_tokens
            if self._cache.blocks_for(need) > min(self._cache.num_blocks, self._cache.max_blocks):
                waiting.popleft()
                candidate.finish_reason = "error"
                candidate.events.put(ErrorEvent(candidate.choice_index, f"generation failed: the sequence needs {need} KV-cache "
                                                f"tokens, more than the cache holds ({self._cache.capacity_tokens}; --kv-cache-tokens)"))
                continue
            width = max(prefill_width, len(candidate.prompt_ids))
            if prefill_rows and (prefill_rows + 1) * width > self._max_batch_tokens:
                break
            if not self._cache.can_reserve(need):
                break
            self._entries[id(candidate)] = self._cache.reserve(need)
            active.append(waiting.popleft())
            prefill_rows, prefill_width = prefill_rows + 1, width

    def release(self, sequence: Sequence) -> None:
        entry = self._entries.pop(id(sequence), None)
        if entry is not None:
            self._cache.release(entry)

    def logits(self, batch: list[Sequence]) -> torch.Tensor:
        """`[B, V]` next-token logits of each sequence of `batch`, in order."""
        new = [i for i, s in enumerate(batch) if self._entries[id(s)].cached == 0]
        running = [i for i, s in enumerate(batch) if self._entries[id(s)].cached > 0]
        self.forward_count += 1
        if not new:
            return self._decode(batch)  # the steady state: no reordering needed
        prefilled = self._prefill([batch[i] for i in new])
        if not running:
            return prefilled
        decoded = self._decode([batch[i] for i in running])
        logits = torch.empty((len(batch), prefilled.shape[1]), dtype=prefilled.dtype, device=prefilled.device)
        logits[torch.tensor(new, device=logits.device)] = prefilled
        logits[torch.tensor(running, device=logits.device)] = decoded
        return logits

    def _rows(self, sequences: list[Sequence]) -> torch.Tensor:
        return torch.tensor([self._entries[id(s)].row for s in sequences], dtype=torch.long, device=self._cache.tables.device)

    def _prefill(self, sequences: list[Sequence]) -> torch.Tensor:
        """Prefills each distinct prompt once; a sequence whose prompt another one of this step
        has (the n choices of a request, the first turns of a GRPO group's rollouts) gets a copy
        of its keys/values and the same next-token logits (its own generator samples from them)."""
        index: dict[tuple[int, ...], int] = {}
        distinct: list[Sequence] = []
        source = []
        for sequence in sequences:
            key = tuple(sequence.prompt_ids)
            if key not in index:
                index[key] = len(distinct)
                distinct.append(sequence)
            source.append(index[key])
        logits = self._prefill_distinct(distinct)
        copies = [(distinct[j], sequence) for j, sequence in zip(source, sequences) if distinct[j] is not sequence]
        if copies:
            self._copy_prompts(copies)
        for sequence in sequences:
            self._entries[id(sequence)].cached = len(sequence.prompt_ids)
        return logits[torch.tensor(source, device=logits.device)]

    def _prefill_distinct(self, sequences: list[Sequence]) -> torch.Tensor:
        device = self._cache.tables.device
        width = max(len(s.prompt_ids) for s in sequences)
        ids = torch.full((len(sequences), width), self._pad, dtype=torch.long)
        mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for i, sequence in enumerate(sequences):
            ids[i, width - len(sequence.prompt_ids) :] = torch.tensor(sequence.prompt_ids, dtype=torch.long)
            mask[i, width - len(sequence.prompt_ids) :] = 1
        ids, mask = ids.to(device), mask.to(device)
        positions = mask.cumsum(dim=1) - 1  # −1 on the left padding: the cache's scratch slot
        plan = AttentionPlan.padded(mask)
        plan.cache, plan.write_slots = self._cache, self._cache.slots(self._rows(sequences), positions)
        return self._model()(ids, positions.clamp(min=0), plan, keep_last=1)[:, -1, :]

    def _copy_prompts(self, pairs: list[tuple[Sequence, Sequence]]) -> None:
        device = self._cache.tables.device
        width = max(len(src.prompt_ids) for src, _ in pairs)
        span = torch.arange(width, device=device).unsqueeze(0)
        lengths = torch.tensor([[len(src.prompt_ids)] for src, _ in pairs], device=device)
        positions = torch.where(span < lengths, span, torch.full_like(span, -1))  # past a prompt's end: scratch → scratch
        sources = self._cache.slots(self._rows([src for src, _ in pairs]), positions)
        targets = self._cache.slots(self._rows([dst for _, dst in pairs]), positions)
        self._cache.copy(sources.reshape(-1), targets.reshape(-1))

    def _decode(self, sequences: list[Sequence]) -> torch.Tensor:
        """One token per sequence. The host sends one `[3, B]` tensor (last token, its position,
        cache row); slots and mask are computed on the device (`decode_forward`), inside the CUDA
        graph when there is one, so a step costs the same few launches at any batch size."""
        entries = [self._entries[id(s)] for s in sequences]
        inputs = [[s.output_ids[-1] for s in sequences], [e.cached for e in entries], [e.row for e in entries]]
        width = max(e.cached for e in entries) + 1
        model = self._model()
        logits = None
        if self._graphs is not None:
            logits = self._graphs.run(model, inputs, width)
        if logits is None:
            device = self._cache.tables.device
            logits = decode_forward(model, self._cache, torch.tensor(inputs, dtype=torch.long).to(device), width)
        for entry in entries:
            entry.cached += 1
        return logits

CPU_CACHE_BYTES = 2 * 2**30
CUDA_FREE_SHARE = 0.25
"""Default cache size: the memory for `max_num_seqs` sequences of `max_model_len` tokens, but at
most 2 GiB on CPU and a quarter of the free GPU memory (the learner's activations and optimizer
state need the rest in a colocated worker)."""


def default_cache_tokens(policy: NativePolicy, max_num_seqs: int) -> int:
    per_token = bytes_per_token(policy.config, policy.compute_dtype)
    if policy.device.type == "cuda":
        free, _total = torch.cuda.mem_get_info(policy.device)
        budget = int(free * CUDA_FREE_SHARE)
    else:
        budget = CPU_CACHE_BYTES
    return max(BLOCK_SIZE, min(max_num_seqs * policy.max_model_len, budget // per_token))


def build_cached_batcher(policy: NativePolicy, pad_token_id: int, max_num_seqs: int, max_batch_tokens: int,
                         kv_cache_tokens: int | None, cuda_graphs: bool = False) -> CachedBatcher:
    tokens = kv_cache_tokens if kv_cache_tokens else default_cache_tokens(policy, max_num_seqs)
    cache = KvCache(policy.config, tokens, max_num_seqs, policy.max_model_len, policy.compute_dtype, policy.device)
    log.info("KV cache: %d tokens (%.2f GiB, %s) for up to %d sequences", cache.capacity_tokens,
             cache.capacity_tokens * bytes_per_token(policy.config, policy.compute_dtype) / 2**30, policy.compute_dtype, max_num_seqs)
    graphs = DecodeGraphs(cache, policy.compute_dtype) if cuda_graphs and policy.device.type == "cuda" else None
    return CachedBatcher(policy.generation_model, cache, pad_token_id, max_num_seqs, max_batch_tokens, graphs)
