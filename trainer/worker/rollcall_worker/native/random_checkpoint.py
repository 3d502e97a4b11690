"""Random models of a given shape written as Hugging Face folders (tests, benchmarks, GPU checks).

The config.json is complete enough for transformers' `AutoModelForCausalLM` and vLLM to load the
folder too, which is what the agreement test against transformers relies on.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import torch

from .config import parse_config
from .model import CausalLM, init_random
from .weights import save_model

ARCHITECTURE = {"qwen2": "Qwen2ForCausalLM", "qwen3": "Qwen3ForCausalLM", "llama": "LlamaForCausalLM"}
SHAPES: dict[str, dict[str, Any]] = {
    # scripts/small-policy's model: 9.8M parameters.
    "small-policy": {"model_type": "qwen2", "vocab_size": 3072, "hidden_size": 384, "intermediate_size": 1024,
                     "num_hidden_layers": 6, "num_attention_heads": 6, "num_key_value_heads": 2, "tie_word_embeddings": True},
    # Qwen2.5-0.5B's config.json.
    "qwen2-0.5b": {"model_type": "qwen2", "vocab_size": 151936, "hidden_size": 896, "intermediate_size": 4864,
                   "num_hidden_layers": 24, "num_attention_heads": 14, "num_key_value_heads": 2, "tie_word_embeddings": True,
                   "rope_theta": 1000000.0},
}


def config_dict(model_type: str, **fields: Any) -> dict[str, Any]:
    """A config.json for `model_type` with the given fields over small defaults."""
    raw: dict[str, Any] = {
        "model_type": model_type, "architectures": [ARCHITECTURE[model_type]], "hidden_act": "silu",
        "vocab_size": 128, "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
        "num_attention_heads": 4, "num_key_value_heads": 2, "max_position_embeddings": 2048,
        "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": False, "initializer_range": 0.02,
        "bos_token_id": 1, "eos_token_id": 2, "use_cache": True, "attention_dropout": 0.0, "torch_dtype": "float32",
    }
    if model_type == "qwen2":
        raw.update({"use_sliding_window": False, "sliding_window": None, "max_window_layers": 0})
    if model_type in ("qwen3", "llama"):
        raw.update({"attention_bias": False})
    if model_type == "llama":
        raw.update({"mlp_bias": False, "pretraining_tp": 1})
    raw.update(fields)
    return raw


def write_random_checkpoint(folder: Path, raw: dict[str, Any], seed: int = 0, dtype: torch.dtype = torch.float32,
                            std: float = 0.02) -> Path:
    """Writes config.json, weights (normal(0, std), biases too, so their loading is checked) and
    a generation_config.json naming the config's EOS; returns `folder`. A larger `std` than
    transformers' 0.02 gives a tiny model peaked, non-uniform next-token distributions."""
    config = parse_config(raw)
    model = CausalLM(config)
    init_random(model, seed, std)
    with torch.no_grad():
        generator = torch.Generator().manual_seed(seed + 1)
        for name, param in model.named_parameters():
            if name.endswith(".bias"):
                param.copy_(torch.randn(param.shape, generator=generator) * std)
    save_model(model.to(dtype), folder, None)
    generation = {"bos_token_id": raw.get("bos_token_id"), "eos_token_id": raw.get("eos_token_id")}
    (folder / "generation_config.json").write_text(json.dumps(generation, indent=2) + "\n", encoding="utf-8")
    return folder
