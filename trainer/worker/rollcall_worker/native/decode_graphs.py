"""CUDA graphs of the decode forward (`--cuda-graphs`): one kernel launch sequence per step.

A decode step moves one token per sequence, so on a GPU its time is mostly the CPU launching
~40 kernels per layer. A CUDA graph records those launches once and replays them with one call
(PyTorch's `torch.cuda.CUDAGraph`; the technique vLLM and gpt-fast use for decode). Graphs need
fixed shapes and addresses, so each is captured for a batch bucket × context bucket: the running
batch is padded up to the next bucket (padding rows have position −1: they write to the cache's
scratch slot and attend to one column alone), and the context read up to the next multiple of
`CONTEXT_STEP` (extra columns masked out; a finer step reads less but captures more graphs). The
step's inputs — one `[3, B]` tensor of tokens, positions and cache rows — are copied into the
graph's buffer before each replay; the cache slots and the attention mask are computed inside the
graph (`decode_forward`). The weights (the generation twin, updated in place), the KV cache and the
block table have fixed addresses.

Captured lazily, at most `MAX_GRAPHS`, sharing one memory pool (replays never overlap and their
outputs are consumed before the next). A failed capture turns graphs off for the process, with a
warning, and the step runs eagerly: a graph is a speed-up, never a requirement.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Callable

import torch

from .kv_cache import KvCache
from .fused_lm import FusedLM
from .model import AttentionPlan, CausalLM

log = logging.getLogger("rollcall_worker.generation")
BATCH_BUCKETS = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512)
CONTEXT_STEP = 64
MAX_GRAPHS = 96


Recorder = Callable[[Callable[[], torch.Tensor]], tuple[Callable[[], Any], torch.Tensor]]
"""Records a forward once; returns the replay function and the output tensor replays refill."""


@dataclass
class _Graph:
    inputs: torch.Tensor
    """`[3, batch]`: last token, its position (−1 on padding rows), cache row."""
    replay: Callable[[], Any] | None = None
    logits: torch.Tensor | None = None


def decode_forward(model: CausalLM | FusedLM, cache: KvCache, inputs: torch.Tensor, width: int) -> torch.Tensor:
    """Next-token logits `[B, V]` of a decode step. `inputs` `[3, B]` (device): each row's last
    token, its position (its cached length; −1 = a padding row) and its cache row; `width`: the
    context columns to read (at least the longest position + 1), rounded up to whole cache blocks."""
    ids, positions, rows = inputs[0].unsqueeze(1), inputs[1].unsqueeze(1), inputs[2]
    count = min(cache.blocks_for(width), cache.max_blocks)  # a bucket may round past the longest sequence
    span = torch.arange(count * cache.block_size, device=inputs.device).unsqueeze(0)
    # A padding row (row 0's blocks: finite values) sees column 0 alone: no row softmaxes over nothing.
    visible = (span <= positions) | (span == 0)
    # An additive mask in the cache's dtype, built once per step: SDPA would otherwise convert a
    # boolean mask in every layer (the same 0 / −inf values).
    mask = torch.zeros(visible.shape, dtype=cache.dtype, device=inputs.device).masked_fill(~visible, float("-inf"))
    plan = AttentionPlan(allowed=mask[:, None, None, :], cache=cache, write_slots=cache.slots(rows, positions),
                         read_blocks=cache.blocks(rows, count))
    return model(ids, positions.clamp(min=0), plan, keep_last=1)[:, -1, :]


def bucket(rows: int, width: int) -> tuple[int, int]:
    batch = next((b for b in BATCH_BUCKETS if b >= rows), rows)
    return batch, -(-width // CONTEXT_STEP) * CONTEXT_STEP


class DecodeGraphs:
    def __init__(self, cache: KvCache, dtype: torch.dtype, recorder: Recorder | None = None) -> None:
        """`recorder`: how a forward is captured (default: a CUDA graph; the CPU tests pass one
        that replays eagerly, to check the bucket padding)."""
        self._cache = cache
        self._dtype = dtype
        self._record: Recorder = recorder or self._cuda_graph
        self._graphs: dict[tuple[int, int], _Graph] = {}
        self._pool: Any = None
        self.enabled = True

    def run(self, model: CausalLM | FusedLM, inputs: list[list[int]], width: int) -> torch.Tensor | None:
        """Decode logits `[B, V]` by replaying the bucket's graph, or None (run it eagerly).
        `inputs`: the host's `[3, B]` lists of tokens, positions and cache rows."""
        rows = len(inputs[0])
        key = bucket(rows, width)
        graph = self._graphs.get(key)
        if graph is None:
            if not self.enabled or len(self._graphs) >= MAX_GRAPHS:
                return None
            graph = self._capture(model, *key)
            if graph is None:
                return None
        padding = key[0] - rows
        padded = [inputs[0] + [0] * padding, inputs[1] + [-1] * padding, inputs[2] + [0] * padding]
        graph.inputs.copy_(torch.tensor(padded, dtype=torch.long))
        assert graph.replay is not None and graph.logits is not None
        graph.replay()
        return graph.logits[:rows]

    def _capture(self, model: CausalLM | FusedLM, rows: int, width: int) -> _Graph | None:
        inputs = torch.zeros((3, rows), dtype=torch.long, device=self._cache.keys.device)
        inputs[1] = -1  # all padding until a replay fills it
        graph = _Graph(inputs=inputs)
        try:
            graph.replay, graph.logits = self._record(lambda: decode_forward(model, self._cache, inputs, width))
        except Exception:  # noqa: BLE001 — graphs are an optimisation: fall back to eager steps
            log.warning("CUDA graph capture failed for batch %d × context %d; decoding eagerly from now on", rows, width, exc_info=True)
            self.enabled = False
            return None
        self._graphs[(rows, width)] = graph
        log.info("captured a decode graph for batch %d × context %d (%d graphs)", rows, width, len(self._graphs))
        return graph

    def _cuda_graph(self, forward: Callable[[], torch.Tensor]) -> tuple[Callable[[], Any], torch.Tensor]:
        device = self._cache.keys.device
        cuda_graph = torch.cuda.CUDAGraph()
        # Autocast's weight-cast cache must be off while capturing: a cached cast would be a
        # tensor of the capture's pool that later steps reuse outside the graph.
        with torch.autocast("cuda", dtype=self._dtype, enabled=self._dtype != torch.float32, cache_enabled=False):
            side = torch.cuda.Stream(device)
            side.wait_stream(torch.cuda.current_stream(device))
            with torch.cuda.stream(side):
                forward()  # warm-up outside the capture: lazy kernel and workspace setup
            torch.cuda.current_stream(device).wait_stream(side)
            if self._pool is None:
                self._pool = torch.cuda.graph_pool_handle()
            with torch.cuda.graph(cuda_graph, pool=self._pool):
                logits = forward()
        return cuda_graph.replay, logits
