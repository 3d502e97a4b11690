"""The building blocks of the Qwen2/Qwen3/Llama decoder, in plain PyTorch.

Each computes in the same order and precision as transformers' modeling files
(`models/qwen2/modeling_qwen2.py`, `models/llama/modeling_llama.py`), so that under the same
autocast the logits agree to rounding: RMSNorm normalises in fp32 and casts back before the
weight; the rotary tables are computed in fp32 and cast to the hidden states' dtype.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from .config import ModelConfig, RopeConfig

HAS_SDPA = hasattr(F, "scaled_dot_product_attention")


class RMSNorm(nn.Module):
    def __init__(self, size: int, eps: float, device: torch.device | None = None) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(size, device=device))
        self.eps = eps

    def forward(self, hidden: torch.Tensor) -> torch.Tensor:
        dtype = hidden.dtype
        hidden = hidden.to(torch.float32)
        variance = hidden.pow(2).mean(-1, keepdim=True)
        hidden = hidden * torch.rsqrt(variance + self.eps)
        return self.weight * hidden.to(dtype)


class MLP(nn.Module):
    """SwiGLU: down(silu(gate(x)) · up(x))."""

    def __init__(self, config: ModelConfig, device: torch.device | None = None) -> None:
        super().__init__()
        hidden, inner, bias = config.hidden_size, config.intermediate_size, config.mlp_bias
        self.gate_proj = nn.Linear(hidden, inner, bias=bias, device=device)
        self.up_proj = nn.Linear(hidden, inner, bias=bias, device=device)
        self.down_proj = nn.Linear(inner, hidden, bias=bias, device=device)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


def inverse_frequencies(rope: RopeConfig, head_dim: int) -> torch.Tensor:
    """`1 / θ^(2i/d)`, rescaled per wavelength for `llama3` (Llama 3.1's long-context recipe:
    long wavelengths divided by `factor`, short ones kept, a linear blend in between)."""
    inv = 1.0 / (rope.theta ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    if rope.kind != "llama3":
        return inv
    old_len = rope.original_max_position_embeddings
    low_wavelen = old_len / rope.low_freq_factor
    high_wavelen = old_len / rope.high_freq_factor
    wavelen = 2 * math.pi / inv
    scaled = torch.where(wavelen > low_wavelen, inv / rope.factor, inv)
    smooth = (old_len / wavelen - rope.low_freq_factor) / (rope.high_freq_factor - rope.low_freq_factor)
    blended = (1 - smooth) * scaled / rope.factor + smooth * scaled
    medium = (wavelen >= high_wavelen) & (wavelen <= low_wavelen)
    return torch.where(medium, blended, scaled)


def rotary_tables(inv_freq: torch.Tensor, position_ids: torch.Tensor, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """`[B, T, head_dim]` cos and sin for `position_ids` `[B, T]`, computed in fp32."""
    freqs = position_ids.float().unsqueeze(-1) * inv_freq.float()
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate(x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor) -> torch.Tensor:
    """Rotary embedding of `x` `[B, heads, T, D]` in the half-split layout; cos/sin `[B, T, D]`."""
    cos, sin = cos.unsqueeze(1), sin.unsqueeze(1)
    half = x.shape[-1] // 2
    rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
    return x * cos + rotated * sin


def attend(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor, group: int) -> torch.Tensor:
    """Softmax attention of q `[B, H, Tq, D]` over k/v `[B, Hkv, Tk, D]`; `allowed` `[B, 1, Tq, Tk]`
    (True = may attend, or an additive mask of 0 / −inf; every query row allows at least one key,
    so no row is all −inf).

    One query per sequence (decode): the `group` query heads sharing a key/value head are laid
    along the query axis, so no copy of k/v per head is made. Otherwise k/v are repeated per head,
    as transformers' `repeat_kv` does.
    """
    batch, heads, queries, dim = q.shape
    if queries == 1 and group > 1:
        grouped = q.reshape(batch, heads // group, group, dim)
        out = _sdpa(grouped, k, v, allowed)
        return out.reshape(batch, heads, 1, dim)
    if group > 1:
        k = k.repeat_interleave(group, dim=1)
        v = v.repeat_interleave(group, dim=1)
    return _sdpa(q, k, v, allowed)


def _sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
    if HAS_SDPA:
        return F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    # torch < 2.0 has no fused kernel: the same computation spelled out. The scale goes on q, not
    # on the [B, H, Tq, Tk] scores, and the mask is applied in place: on a CPU the passes over the
    # scores dominate (a learner step of the quickstart's policy, 16 × 470 tokens: 1.4–1.6× faster),
    # and for head_dim 64 or 256 the scale is a power of two, so the result is bit for bit the same.
    scores = torch.matmul(q * (1.0 / math.sqrt(q.shape[-1])), k.transpose(-1, -2))
    if allowed.dtype == torch.bool:
        scores.masked_fill_(~allowed, float("-inf"))
    else:
        scores += allowed
    return torch.matmul(scores.softmax(dim=-1).to(v.dtype), v)
