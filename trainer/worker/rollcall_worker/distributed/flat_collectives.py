"""Reduces and broadcasts lists of tensors in a few large collectives instead of one per tensor.

A model has hundreds of parameters; one NCCL or gloo call each would pay the per-call latency
hundreds of times. Tensors are packed by dtype into flat buckets of at most `BUCKET_BYTES` (large
enough to reach full bandwidth, small enough not to double the memory of a large model at once),
sent, and copied back. Every rank passes the same list in the same order, so buckets line up.
"""

from __future__ import annotations

from typing import Iterator

import torch
import torch.distributed as dist

BUCKET_BYTES = 256 << 20


def _buckets(tensors: list[torch.Tensor]) -> Iterator[list[torch.Tensor]]:
    by_kind: dict[tuple[torch.dtype, torch.device], list[torch.Tensor]] = {}
    for tensor in tensors:
        by_kind.setdefault((tensor.dtype, tensor.device), []).append(tensor)
    for group in by_kind.values():
        bucket: list[torch.Tensor] = []
        size = 0
        for tensor in group:
            nbytes = tensor.numel() * tensor.element_size()
            if bucket and size + nbytes > BUCKET_BYTES:
                yield bucket
                bucket, size = [], 0
            bucket.append(tensor)
            size += nbytes
        if bucket:
            yield bucket


def _unpack(flat: torch.Tensor, bucket: list[torch.Tensor]) -> None:
    offset = 0
    for tensor in bucket:
        n = tensor.numel()
        tensor.copy_(flat[offset : offset + n].view_as(tensor))
        offset += n


@torch.no_grad()
def reduce_to_leader(tensors: list[torch.Tensor]) -> None:
    """Sums every rank's tensors into rank 0's, in place (the others' are left undefined)."""
    for bucket in _buckets(tensors):
        flat = torch.cat([t.reshape(-1) for t in bucket])
        dist.reduce(flat, dst=0, op=dist.ReduceOp.SUM)
        if dist.get_rank() == 0:
            _unpack(flat, bucket)


@torch.no_grad()
def broadcast_from_leader(tensors: list[torch.Tensor]) -> None:
    """Copies rank 0's tensors into every rank's, in place. Pass the parameters themselves, not
    `.data`: a copy into `.data` leaves the parameter's version counter alone, and the native
    model's generation copy (`native/generation_weights.py`) refreshes on that counter."""
    for bucket in _buckets(tensors):
        flat = torch.cat([t.reshape(-1) for t in bucket])
        dist.broadcast(flat, src=0)
        if dist.get_rank() != 0:
            _unpack(flat, bucket)
