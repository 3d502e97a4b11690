"""CUDA graphs of the decode forward (`--cuda-graphs`): one kernel launch sequence per step.

A decode step moves one token per sequence, so on a GPU its time is mostly the CPU launching
~40 kernels per layer. A CUDA graph records those launches once and replays them with one call
(PyTorch's `torch.cuda.CUDAGraph`; the technique vLLM and gpt-fast use for decode). Graphs need
fixed shapes and addresses, so each is captured for a batch bucket × context bucket: the running
batch is padded up to the next bucket (padding rows write to the cache's scratch slot and attend
to it alone), and the gathered context up to the next multiple of `CONTEXT_STEP` (extra columns
masked out). Inputs are copied into the graph's own buffers before each replay; the weights (the
generation twin, updated in place), the KV cache and the block table have fixed addresses.

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
from .model import AttentionPlan, CausalLM

log = logging.getLogger("rollcall_worker.generation")
BATCH_BUCKETS = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 160, 192, 256, 320, 384, 512)
CONTEXT_STEP = 256
MAX_GRAPHS = 48


Recorder = Callable[[Callable[[], torch.Tensor]], tuple[Callable[[], Any], torch.Tensor]]
"""Records a forward once; returns the replay function and the output tensor replays refill."""


@dataclass
class _Graph:
    ids: torch.Tensor
    positions: torch.Tensor
    write_slots: torch.Tensor
    read_slots: torch.Tensor
    allowed: torch.Tensor
    replay: Callable[[], Any] | None = None
    logits: torch.Tensor | None = None


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

    def run(self, model: CausalLM, ids: torch.Tensor, positions: torch.Tensor, write_slots: torch.Tensor,
            read_slots: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor | None:
        """Decode logits `[B, V]` by replaying the bucket's graph, or None (run it eagerly)."""
        rows, width = read_slots.shape
        key = bucket(rows, width)
        graph = self._graphs.get(key)
        if graph is None:
            if not self.enabled or len(self._graphs) >= MAX_GRAPHS:
                return None
            graph = self._capture(model, *key)
            if graph is None:
                return None
        scratch = self._cache.scratch
        graph.ids[:rows].copy_(ids)
        graph.positions[:rows].copy_(positions)
        graph.write_slots.fill_(scratch)
        graph.write_slots[:rows].copy_(write_slots)
        graph.read_slots.fill_(scratch)
        graph.read_slots[:rows, :width].copy_(read_slots)
        graph.allowed.zero_()
        graph.allowed[:rows, :, :, :width].copy_(allowed)
        graph.allowed[rows:, :, :, 0] = True
        assert graph.replay is not None and graph.logits is not None
        graph.replay()
        return graph.logits[:rows]

    def _capture(self, model: CausalLM, rows: int, width: int) -> _Graph | None:
        device = self._cache.keys.device
        scratch = self._cache.scratch
        graph = _Graph(
            ids=torch.zeros((rows, 1), dtype=torch.long, device=device),
            positions=torch.zeros((rows, 1), dtype=torch.long, device=device),
            write_slots=torch.full((rows, 1), scratch, dtype=torch.long, device=device),
            read_slots=torch.full((rows, width), scratch, dtype=torch.long, device=device),
            allowed=torch.zeros((rows, 1, 1, width), dtype=torch.bool, device=device),
        )
        graph.allowed[:, :, :, 0] = True
        plan = AttentionPlan(allowed=graph.allowed, cache=self._cache, write_slots=graph.write_slots, read_slots=graph.read_slots)
        try:
            graph.replay, graph.logits = self._record(lambda: model(graph.ids, graph.positions, plan, keep_last=1)[:, -1, :])
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
