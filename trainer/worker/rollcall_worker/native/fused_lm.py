"""The generation forward of `model.CausalLM` with fused projections, over weights it is handed.

A decode step moves one token per sequence, so its time is the number and size of its kernels,
not arithmetic. Per layer this forward runs one matmul for q, k and v (their weights stacked
row-wise) and one for the MLP's gate and up; rotates q and k together; takes biases already in
the weights' dtype (autocast would cast them at every call); and normalises the fp32 residual
stream with `F.rms_norm` where torch has it (one kernel on CUDA instead of seven, the same
arithmetic). The final norm and LM head see only the kept positions. Everything else — q/k
norms, residual dtypes, rotary tables, attention and the KV cache — is `model.py`'s own code in
the same order, so the logits equal the unfused forward's up to the summation order inside the
matmuls and norms (`test_generation_weights.py`).

The tensors are owned by `generation_weights.GenerationWeights`, which fills and refreshes them.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from .config import ModelConfig
from .layers import RMSNorm, rotary_tables
from .model import AttentionPlan, attend_planned


HAS_RMS_NORM = hasattr(F, "rms_norm")  # torch ≥ 2.4; one fused kernel on CUDA instead of seven


def normalize(norm: RMSNorm, h: torch.Tensor) -> torch.Tensor:
    """`norm(h)` of the residual stream. When h has the weight's dtype (fp32 masters: the stream
    is fp32), `RMSNorm`'s arithmetic is exactly `F.rms_norm`'s, computed in fp32 with autocast off."""
    if not HAS_RMS_NORM or h.dtype != norm.weight.dtype:
        return norm(h)
    with torch.autocast(h.device.type, enabled=False):
        return F.rms_norm(h, (h.shape[-1],), norm.weight, norm.eps)


@dataclass
class FusedLayer:
    input_norm: RMSNorm
    post_norm: RMSNorm
    q_norm: RMSNorm | None
    k_norm: RMSNorm | None
    qkv_weight: torch.Tensor
    """`[(H + 2·Hkv)·D, hidden]`: q_proj, k_proj, v_proj stacked."""
    qkv_bias: torch.Tensor | None
    o_weight: torch.Tensor
    o_bias: torch.Tensor | None
    gate_up_weight: torch.Tensor
    """`[2·inner, hidden]`: gate_proj over up_proj."""
    gate_up_bias: torch.Tensor | None
    down_weight: torch.Tensor
    down_bias: torch.Tensor | None


class FusedLM:
    def __init__(self, config: ModelConfig, embed: torch.Tensor, norm: RMSNorm, lm_head: torch.Tensor, inv_freq: torch.Tensor,
                 layers: list[FusedLayer]) -> None:
        self.config = config
        self.embed, self.norm, self.lm_head, self.inv_freq, self.layers = embed, norm, lm_head, inv_freq, layers

    def __call__(self, input_ids: torch.Tensor, position_ids: torch.Tensor, plan: AttentionPlan, keep_last: int | None = None) -> torch.Tensor:
        """Logits `[B, T, V]`, or of the last `keep_last` positions only (`CausalLM.forward`)."""
        h = F.embedding(input_ids, self.embed)
        cos, sin = rotary_tables(self.inv_freq, position_ids, h.dtype)
        half = cos.shape[-1] // 2
        # `rotate`'s cat(−x₂, x₁)·sin as cat(x₂, x₁)·(−sin₁, sin₂): the same products, one kernel fewer per layer.
        cos, sin = cos.unsqueeze(2), torch.cat((-sin[..., :half], sin[..., half:]), dim=-1).unsqueeze(2)
        for index, layer in enumerate(self.layers):
            h = h + self._attention(index, layer, normalize(layer.input_norm, h), cos, sin, plan)
            h = h + self._mlp(layer, normalize(layer.post_norm, h))
        if keep_last:
            h = h[:, -keep_last:, :]
        return F.linear(normalize(self.norm, h), self.lm_head)

    def _attention(self, index: int, layer: FusedLayer, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor,
                   plan: AttentionPlan) -> torch.Tensor:
        config = self.config
        heads, kv_heads, dim = config.num_heads, config.num_kv_heads, config.head_dim
        batch, width, _ = x.shape
        qkv = F.linear(x, layer.qkv_weight, layer.qkv_bias).view(batch, width, heads + 2 * kv_heads, dim)
        qk, v = qkv[:, :, : heads + kv_heads], qkv[:, :, heads + kv_heads :]
        if layer.q_norm is not None and layer.k_norm is not None:
            qk = torch.cat((layer.q_norm(qk[:, :, :heads]), layer.k_norm(qk[:, :, heads:])), dim=2)
        half = dim // 2
        qk = qk * cos + torch.cat((qk[..., half:], qk[..., :half]), dim=-1) * sin  # [B, T, H + Hkv, D]
        q, k = qk[:, :, :heads].transpose(1, 2), qk[:, :, heads:].transpose(1, 2)
        out = attend_planned(index, q, k, v.transpose(1, 2), plan, heads // kv_heads)
        return F.linear(out.transpose(1, 2).reshape(batch, width, heads * dim), layer.o_weight, layer.o_bias)

    @staticmethod
    def _mlp(layer: FusedLayer, x: torch.Tensor) -> torch.Tensor:
        gate, up = F.linear(x, layer.gate_up_weight, layer.gate_up_bias).chunk(2, dim=-1)
        return F.linear(F.silu(gate) * up, layer.down_weight, layer.down_bias)
