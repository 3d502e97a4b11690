"""Random native checkpoints on disk (written with the worker's own safetensors writer) and the
policies loaded from them, for the native-model tests."""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import torch

from rollcall_worker.native.lora import LoraSettings
from rollcall_worker.native.policy import NativePolicy
from rollcall_worker.native.random_checkpoint import config_dict, write_random_checkpoint

LLAMA3_ROPE = {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 64}
FAMILIES: dict[str, dict[str, Any]] = {
    "qwen2": {"tie_word_embeddings": True},
    "qwen3": {"head_dim": 24, "rope_theta": 1000000.0},
    "llama": {"attention_bias": True, "mlp_bias": True, "rope_scaling": LLAMA3_ROPE},
}
_root = Path(tempfile.mkdtemp(prefix="rollcall-native-test-"))
atexit.register(shutil.rmtree, _root, True)


def scratch_dir() -> Path:
    return Path(tempfile.mkdtemp(dir=_root))


def random_folder(family: str, seed: int = 0, **fields: Any) -> Path:
    """A random checkpoint of a tiny `family` model (its FAMILIES variant, with `fields` on top)."""
    return write_random_checkpoint(scratch_dir(), config_dict(family, **{**FAMILIES[family], **fields}), seed=seed)


def load_policy(folder: Path, lora_rank: int = 0, max_model_len: int | None = None) -> NativePolicy:
    lora = LoraSettings.of(lora_rank, None, 0.0, "all-linear") if lora_rank else None
    return NativePolicy(str(folder), torch.device("cpu"), torch.float32, torch.float32, lora, max_model_len, False)
