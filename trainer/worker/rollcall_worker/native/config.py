"""The architecture a Hugging Face `config.json` describes, for the families implemented natively.

Covered (the fields that change the computation, as transformers' modeling files read them):

* `qwen2` (Qwen2, Qwen2.5): bias on the q/k/v projections, none on o; no sliding window.
* `qwen3` (dense): RMSNorm of q and k per head before the rotary embedding, explicit `head_dim`,
  `attention_bias` (false in released checkpoints).
* `llama`: `attention_bias` (q/k/v/o), `mlp_bias` (gate/up/down), optional `head_dim`, rope
  scaling of type `llama3`.

All of them: RMSNorm, rotary embedding of the whole head (`rotate_half` layout), grouped-query
attention, SwiGLU MLP with `silu`, tied or untied LM head. Anything else — another `model_type`,
a sliding window, a rope scaling type other than `default`/`llama3`, another activation — is
refused with the reason, and `--model-impl auto` then falls back to transformers.

transformers 5 writes `rope_parameters` ({rope_theta, rope_type, …}) where 4.x wrote `rope_theta`
and `rope_scaling`; both spellings are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

FAMILIES = ("qwen2", "qwen3", "llama")
ARCHITECTURES = {"Qwen2ForCausalLM": "qwen2", "Qwen3ForCausalLM": "qwen3", "LlamaForCausalLM": "llama"}
ROPE_TYPES = ("default", "llama3")


@dataclass(frozen=True)
class RopeConfig:
    theta: float
    kind: str = "default"
    factor: float = 1.0
    low_freq_factor: float = 1.0
    high_freq_factor: float = 4.0
    original_max_position_embeddings: int = 8192


@dataclass(frozen=True)
class ModelConfig:
    family: str
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_layers: int
    num_heads: int
    num_kv_heads: int
    head_dim: int
    rms_norm_eps: float
    rope: RopeConfig
    max_position_embeddings: int
    tie_word_embeddings: bool
    qkv_bias: bool
    o_bias: bool
    mlp_bias: bool
    qk_norm: bool
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The config.json as read, written back with the weights (so transformers and vLLM reload it)."""


def family_of(raw: dict[str, Any]) -> str | None:
    model_type = raw.get("model_type")
    if model_type in FAMILIES:
        return str(model_type)
    for architecture in raw.get("architectures") or []:
        if architecture in ARCHITECTURES:
            return ARCHITECTURES[architecture]
    return None


def unsupported_reason(raw: dict[str, Any]) -> str | None:
    """Why the native implementation cannot run this config, or None when it can."""
    family = family_of(raw)
    if family is None:
        return f"model_type {raw.get('model_type')!r} / architectures {raw.get('architectures')} is not one of {', '.join(FAMILIES)}"
    if raw.get("hidden_act", "silu") != "silu":
        return f"hidden_act {raw.get('hidden_act')!r} (only silu is implemented)"
    if raw.get("use_sliding_window") and raw.get("sliding_window"):
        return "a sliding-window attention config (use_sliding_window)"
    if family == "llama" and raw.get("sliding_window"):
        return "a sliding-window attention config"
    rope = _rope_fields(raw)
    kind = rope.get("rope_type") or rope.get("type") or "default"
    if kind not in ROPE_TYPES:
        return f"rope scaling type {kind!r} (implemented: {', '.join(ROPE_TYPES)})"
    heads, kv_heads = int(raw["num_attention_heads"]), int(raw.get("num_key_value_heads") or raw["num_attention_heads"])
    if heads % kv_heads:
        return f"{heads} attention heads are not a multiple of {kv_heads} key/value heads"
    return None


def parse_config(raw: dict[str, Any]) -> ModelConfig:
    """The `ModelConfig` of a supported config.json (call `unsupported_reason` first)."""
    family = family_of(raw)
    assert family is not None, "parse_config called on an unsupported config"
    heads = int(raw["num_attention_heads"])
    hidden = int(raw["hidden_size"])
    rope = _rope_fields(raw)
    theta = rope.get("rope_theta", raw.get("rope_theta", 1_000_000.0 if family == "qwen3" else 10_000.0))
    return ModelConfig(
        family=family,
        vocab_size=int(raw["vocab_size"]),
        hidden_size=hidden,
        intermediate_size=int(raw["intermediate_size"]),
        num_layers=int(raw["num_hidden_layers"]),
        num_heads=heads,
        num_kv_heads=int(raw.get("num_key_value_heads") or heads),
        head_dim=int(raw.get("head_dim") or hidden // heads),
        rms_norm_eps=float(raw.get("rms_norm_eps", 1e-6)),
        rope=RopeConfig(
            theta=float(theta),
            kind=str(rope.get("rope_type") or rope.get("type") or "default"),
            factor=float(rope.get("factor", 1.0)),
            low_freq_factor=float(rope.get("low_freq_factor", 1.0)),
            high_freq_factor=float(rope.get("high_freq_factor", 4.0)),
            original_max_position_embeddings=int(rope.get("original_max_position_embeddings", 8192)),
        ),
        max_position_embeddings=int(raw.get("max_position_embeddings", 4096)),
        tie_word_embeddings=bool(raw.get("tie_word_embeddings", False)),  # the class default of all three
        qkv_bias=True if family == "qwen2" else bool(raw.get("attention_bias", False)),
        o_bias=False if family == "qwen2" else bool(raw.get("attention_bias", False)),
        mlp_bias=bool(raw.get("mlp_bias", False)) if family == "llama" else False,
        qk_norm=family == "qwen3",
        raw=dict(raw),
    )


def _rope_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """The rope settings under either spelling (4.x `rope_scaling` + `rope_theta`, 5.x `rope_parameters`)."""
    merged: dict[str, Any] = {}
    for key in ("rope_scaling", "rope_parameters"):
        value = raw.get(key)
        if isinstance(value, dict):
            merged.update(value)
    return merged
