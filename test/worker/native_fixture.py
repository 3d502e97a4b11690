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


class BiasedNativePolicy(NativePolicy):
    """A native policy with TinyPolicy's `bias` (token id → added logit), so the suite's tests that
    force a token (EOS) run on the native model too: a forward hook on the LM head adds it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._bias: dict[int, float] = {}
        self.lm.lm_head.register_forward_hook(self._add_bias)

    @property
    def bias(self) -> dict[int, float]:
        return self._bias

    @bias.setter
    def bias(self, value: dict[int, float]) -> None:
        self._bias = dict(value)

    def _add_bias(self, _module: torch.nn.Module, _inputs: Any, logits: torch.Tensor) -> torch.Tensor:
        for token, value in self._bias.items():
            logits[..., token] += value
        return logits


_tiny_folders: dict[int, Path] = {}


def tiny_native_policy(seed: int, vocab: int, eos: int, max_model_len: int = 256) -> BiasedNativePolicy:
    """A 2-layer Qwen2 (GQA, q/k/v bias, tied head) over the character tokenizer's vocabulary,
    random weights of `seed`, written to disk once per seed and loaded the production way."""
    if seed not in _tiny_folders:
        raw = config_dict("qwen2", vocab_size=vocab, hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                          num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=max_model_len,
                          tie_word_embeddings=True, eos_token_id=eos, bos_token_id=None)
        _tiny_folders[seed] = write_random_checkpoint(scratch_dir(), raw, seed=seed, std=0.3)
    return BiasedNativePolicy(str(_tiny_folders[seed]), torch.device("cpu"), torch.float32, torch.float32, None, None, False)
