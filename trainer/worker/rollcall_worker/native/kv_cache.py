"""A paged key/value cache of fixed size, shared by all sequences being generated.

Storage: per layer, `slots` token rows of `[kv_heads, head_dim]` for keys and for values, in
blocks of `block_size` tokens (the paging of vLLM's PagedAttention, Kwon et al. 2023), plus one
scratch row that padding tokens are written to. A sequence holds a *row* of the block table (its
blocks in order), so the slot of its token at position p is `table[row, p // bs] · bs + p % bs`,
computed on the device for a whole batch at once. A decode reads whole blocks (`read`): one
index per 16 tokens, each a contiguous run of memory, instead of one per token (on the H200 the
per-token gather took a third of a 0.5B model's decode step at batch 128).

Admission reserves every block a sequence can need (prompt + max_tokens) up front: a sequence in
flight never runs out of cache, nothing is ever preempted, and a request that does not fit waits
until enough blocks are released. The memory is allocated once, at construction: its size is the
bound (`--kv-cache-tokens`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .config import ModelConfig

BLOCK_SIZE = 16


@dataclass
class CacheEntry:
    """One sequence's share of the cache."""

    row: int
    blocks: list[int]
    cached: int = 0
    """Tokens of the sequence whose keys/values are in the cache (positions 0 … cached-1)."""


def bytes_per_token(config: ModelConfig, dtype: torch.dtype) -> int:
    return 2 * config.num_layers * config.num_kv_heads * config.head_dim * torch.empty((), dtype=dtype).element_size()


class KvCache:
    def __init__(self, config: ModelConfig, capacity_tokens: int, max_rows: int, max_seq_len: int,
                 dtype: torch.dtype, device: torch.device, block_size: int = BLOCK_SIZE) -> None:
        self.block_size = block_size
        self.num_blocks = max(1, math.ceil(capacity_tokens / block_size))
        self.capacity_tokens = self.num_blocks * block_size
        self.dtype = dtype
        self.scratch = self.capacity_tokens
        shape = (config.num_layers, self.capacity_tokens + 1, config.num_kv_heads, config.head_dim)
        self.keys = torch.zeros(shape, dtype=dtype, device=device)
        self.values = torch.zeros(shape, dtype=dtype, device=device)
        self.max_blocks = math.ceil(max_seq_len / block_size)
        self.tables = torch.zeros((max_rows, self.max_blocks), dtype=torch.long, device=device)
        self._free_blocks = list(range(self.num_blocks - 1, -1, -1))
        self._free_rows = list(range(max_rows - 1, -1, -1))

    def blocks_for(self, tokens: int) -> int:
        return math.ceil(tokens / self.block_size)

    @property
    def free_tokens(self) -> int:
        return len(self._free_blocks) * self.block_size

    def can_reserve(self, tokens: int) -> bool:
        return bool(self._free_rows) and self.blocks_for(tokens) <= len(self._free_blocks)

    def reserve(self, tokens: int) -> CacheEntry:
        """A row and the blocks for `tokens` tokens (check `can_reserve` first)."""
        count = self.blocks_for(tokens)
        if count > self.max_blocks or count > len(self._free_blocks) or not self._free_rows:
            raise RuntimeError(f"cannot reserve {tokens} cache tokens ({len(self._free_blocks)} blocks free)")
        blocks = [self._free_blocks.pop() for _ in range(count)]
        row = self._free_rows.pop()
        self.tables[row, :count] = torch.tensor(blocks, dtype=torch.long).to(self.tables.device, non_blocking=True)
        return CacheEntry(row=row, blocks=blocks)

    def release(self, entry: CacheEntry) -> None:
        self._free_blocks.extend(reversed(entry.blocks))
        self._free_rows.append(entry.row)
        entry.blocks = []

    def slots(self, rows: torch.Tensor, positions: torch.Tensor) -> torch.Tensor:
        """Cache slots of `positions` `[B, T]` (negative = padding → the scratch slot) of the
        sequences holding `rows` `[B]`."""
        real = positions >= 0
        clamped = positions.clamp(min=0)
        blocks = self.tables[rows].gather(1, clamped // self.block_size)
        slots = blocks * self.block_size + clamped % self.block_size
        return torch.where(real, slots, torch.full_like(slots, self.scratch))

    def write(self, layer: int, keys: torch.Tensor, values: torch.Tensor, slots: torch.Tensor) -> None:
        """Stores keys/values `[B, Hkv, T, D]` at `slots` `[B, T]`."""
        flat = slots.reshape(-1)
        heads, dim = keys.shape[1], keys.shape[3]
        # Cast and lay out token-major in one copy (a reshape of the transposed view would copy first).
        for store, new in ((self.keys, keys), (self.values, values)):
            rows = new.transpose(1, 2).to(self.dtype, memory_format=torch.contiguous_format)
            store[layer].index_copy_(0, flat, rows.reshape(-1, heads, dim))

    def copy(self, sources: torch.Tensor, targets: torch.Tensor) -> None:
        """Copies every layer's keys/values from slots `sources` to slots `targets` (`[N]` each)."""
        self.keys[:, targets] = self.keys[:, sources]
        self.values[:, targets] = self.values[:, sources]

    def blocks(self, rows: torch.Tensor, count: int) -> torch.Tensor:
        """The first `count` blocks `[B, count]` of the sequences holding `rows` `[B]` (entries past
        a sequence's reservation name some valid block: their columns must be masked)."""
        return self.tables[rows, :count]

    def read(self, layer: int, blocks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Keys and values `[B, Hkv, count · block_size, D]` of `blocks` `[B, count]`: column j is
        the token at position j of a sequence whose table starts with those blocks."""
        batch, count = blocks.shape
        flat = blocks.reshape(-1)
        out = []
        for store in (self.keys, self.values):
            paged = store[layer, : self.capacity_tokens].view(self.num_blocks, self.block_size, *store.shape[2:])
            out.append(paged.index_select(0, flat).view(batch, count * self.block_size, *store.shape[2:]).transpose(1, 2))
        return out[0], out[1]
