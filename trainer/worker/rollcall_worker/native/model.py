"""The decoder-only LM of the Qwen2/Qwen3/Llama families, with transformers' parameter names.

Module paths equal the checkpoint keys (`model.layers.0.self_attn.q_proj.weight`, `lm_head.weight`),
so a state dict loads from and saves to a Hugging Face folder without renaming. One forward serves
training (a padded batch attending to itself) and generation with a KV cache (new tokens written
into the cache, then attending to what the cache holds for their sequence): the `AttentionPlan`
says which.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import torch
from torch import nn
from torch.utils.checkpoint import checkpoint

from .config import ModelConfig
from .layers import MLP, RMSNorm, attend, inverse_frequencies, rotary_tables, rotate


class KvStore(Protocol):
    """Where attention layers put and find keys/values by cache slot (`kv_cache.KvCache`)."""

    def write(self, layer: int, keys: torch.Tensor, values: torch.Tensor, slots: torch.Tensor) -> None: ...

    def read(self, layer: int, blocks: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]: ...


@dataclass
class AttentionPlan:
    """How the tokens of one forward attend.

    `allowed` `[B, 1, Tq, Tk]`: which keys each query may see (boolean, or an additive 0 / −inf
    mask). Without a cache the keys are the
    forward's own tokens. With one, each new token's key/value is first written at its slot
    (`write_slots` `[B, Tq]`, padding pointed at a scratch slot); then, when `read_blocks`
    `[B, Tk / block_size]` is given, keys/values are read from those cache blocks (decode),
    otherwise the forward's own tokens are attended to (a prefill that starts from an empty cache).
    """

    allowed: torch.Tensor
    cache: KvStore | None = None
    write_slots: torch.Tensor | None = None
    read_blocks: torch.Tensor | None = None

    @staticmethod
    def padded(attention_mask: torch.Tensor) -> "AttentionPlan":
        """Causal attention over a padded batch (`attention_mask` `[B, T]`, 1 = real token). Each
        position may also see itself, so padding rows never softmax over nothing (their outputs
        are never read)."""
        width = attention_mask.shape[1]
        device = attention_mask.device
        causal = torch.ones(width, width, dtype=torch.bool, device=device).tril()
        allowed = causal & attention_mask.bool()[:, None, None, :]
        allowed = allowed | torch.eye(width, dtype=torch.bool, device=device)
        return AttentionPlan(allowed=allowed)


class Attention(nn.Module):
    def __init__(self, config: ModelConfig, layer: int, device: torch.device | None = None) -> None:
        super().__init__()
        self.layer = layer
        self.heads, self.kv_heads, self.head_dim = config.num_heads, config.num_kv_heads, config.head_dim
        hidden, q_size, kv_size = config.hidden_size, config.num_heads * config.head_dim, config.num_kv_heads * config.head_dim
        self.q_proj = nn.Linear(hidden, q_size, bias=config.qkv_bias, device=device)
        self.k_proj = nn.Linear(hidden, kv_size, bias=config.qkv_bias, device=device)
        self.v_proj = nn.Linear(hidden, kv_size, bias=config.qkv_bias, device=device)
        self.o_proj = nn.Linear(q_size, hidden, bias=config.o_bias, device=device)
        if config.qk_norm:
            self.q_norm = RMSNorm(config.head_dim, config.rms_norm_eps, device)
            self.k_norm = RMSNorm(config.head_dim, config.rms_norm_eps, device)
        self.qk_norm = config.qk_norm

    def forward(self, x: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, plan: AttentionPlan) -> torch.Tensor:
        batch, width, _ = x.shape
        q = self.q_proj(x).view(batch, width, self.heads, self.head_dim)
        k = self.k_proj(x).view(batch, width, self.kv_heads, self.head_dim)
        v = self.v_proj(x).view(batch, width, self.kv_heads, self.head_dim)
        if self.qk_norm:
            q, k = self.q_norm(q), self.k_norm(k)
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        q, k = rotate(q, cos, sin), rotate(k, cos, sin)
        out = attend_planned(self.layer, q, k, v, plan, self.heads // self.kv_heads)
        return self.o_proj(out.transpose(1, 2).reshape(batch, width, self.heads * self.head_dim))


def attend_planned(layer: int, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, plan: AttentionPlan, group: int) -> torch.Tensor:
    """Attention of q `[B, H, T, D]` as `plan` says: the new keys/values k, v `[B, Hkv, T, D]`
    written into the cache first when there is one, then read back by slot for a decode."""
    if plan.cache is not None:
        assert plan.write_slots is not None, "a cached forward writes its tokens"
        plan.cache.write(layer, k, v, plan.write_slots)
        if plan.read_blocks is not None:
            k, v = plan.cache.read(layer, plan.read_blocks)
    return attend(q, k, v, plan.allowed, group)


class DecoderLayer(nn.Module):
    def __init__(self, config: ModelConfig, layer: int, device: torch.device | None = None) -> None:
        super().__init__()
        self.self_attn = Attention(config, layer, device)
        self.mlp = MLP(config, device)
        self.input_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)
        self.post_attention_layernorm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)

    def forward(self, h: torch.Tensor, cos: torch.Tensor, sin: torch.Tensor, plan: AttentionPlan) -> torch.Tensor:
        h = h + self.self_attn(self.input_layernorm(h), cos, sin, plan)
        return h + self.mlp(self.post_attention_layernorm(h))


class Backbone(nn.Module):
    def __init__(self, config: ModelConfig, device: torch.device | None = None) -> None:
        super().__init__()
        self.embed_tokens = nn.Embedding(config.vocab_size, config.hidden_size, device=device)
        self.layers = nn.ModuleList(DecoderLayer(config, i, device) for i in range(config.num_layers))
        self.norm = RMSNorm(config.hidden_size, config.rms_norm_eps, device)


class CausalLM(nn.Module):
    _no_split_modules = ["DecoderLayer"]
    """What Hugging Face models call their layers that never split across devices: FSDP2 shards
    each on its own (distributed/fsdp2.py), so a rank gathers one layer's weights at a time."""

    def __init__(self, config: ModelConfig, device: torch.device | None = None) -> None:
        super().__init__()
        self.config = config
        self.model = Backbone(config, device)
        self.lm_head = nn.Linear(config.hidden_size, config.vocab_size, bias=False, device=device)
        self.tie_weights()
        self.register_buffer("inv_freq", inverse_frequencies(config.rope, config.head_dim), persistent=False)
        self.gradient_checkpointing = False

    def tie_weights(self) -> None:
        if self.config.tie_word_embeddings:
            self.lm_head.weight = self.model.embed_tokens.weight

    def reset_rotary(self) -> None:
        """Recomputes the rotary frequencies in fp32 on the model's device (after `to_empty` or a
        dtype cast, which would otherwise leave them garbage or rounded)."""
        self.inv_freq = inverse_frequencies(self.config.rope, self.config.head_dim).to(self.lm_head.weight.device)

    def forward(self, input_ids: torch.Tensor, position_ids: torch.Tensor, plan: AttentionPlan, keep_last: int | None = None) -> torch.Tensor:
        """Logits `[B, T, V]`, or of the last `keep_last` positions only."""
        h = self.model.embed_tokens(input_ids)
        cos, sin = rotary_tables(self.inv_freq, position_ids, h.dtype)
        recompute = self.gradient_checkpointing and self.training and torch.is_grad_enabled()
        for layer in self.model.layers:
            if recompute:
                h = checkpoint(layer, h, cos, sin, plan, use_reentrant=False)
            else:
                h = layer(h, cos, sin, plan)
        h = self.model.norm(h)
        if keep_last:
            h = h[:, -keep_last:, :]
        return self.lm_head(h)


def init_random(model: CausalLM, seed: int, std: float = 0.02) -> None:
    """Normal(0, std) weights and zero biases, unit norms: transformers' initialisation, for
    random models in tests and benchmarks."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if name.endswith("norm.weight"):
                param.fill_(1.0)
            elif name.endswith(".bias"):
                param.zero_()
            else:
                param.copy_(torch.randn(param.shape, generator=generator) * std)
