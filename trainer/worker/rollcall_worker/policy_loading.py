"""Which implementation loads `--model`, and its tokenizer.

`--model-impl auto` (default) runs the native model (`native/`: Qwen2, Qwen2.5, Qwen3 dense, Llama;
plain PyTorch, no transformers needed) whenever config.json describes one of those, and
transformers for anything else; `native` and `transformers` force one (native refuses a config
it does not cover, with the reason). The tokenizer comes from transformers' AutoTokenizer when
transformers is installed, else from the worker's own BPE tokenizer (`bpe_tokenizer.py`, which
reads tokenizer.json), so a machine with only torch can run a Qwen-family model end to end.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

import torch

from .errors import ModelLoadError
from .model_loading import DTYPES
from .native.config import unsupported_reason
from .native.lora import LoraSettings
from .native.policy import NativePolicy
from .native.weights import read_raw_config
from .policy_model import PolicyModel, Tokenizer

MODEL_IMPLS = ("auto", "native", "transformers")
log = logging.getLogger("rollcall_worker.model")


def transformers_installed() -> bool:
    return importlib.util.find_spec("transformers") is not None


def choose_impl(model_path: str, requested: str) -> str:
    """"native" or "transformers" for `--model-impl requested`."""
    if requested not in MODEL_IMPLS:
        raise ModelLoadError(f"--model-impl {requested!r}: expected one of {', '.join(MODEL_IMPLS)}")
    if requested == "transformers":
        return "transformers"
    reason = unsupported_reason(read_raw_config(Path(model_path)))
    if reason is None:
        return "native"
    if requested == "native":
        raise ModelLoadError(f"{model_path}: --model-impl native does not cover {reason}; use --model-impl transformers")
    if not transformers_installed():
        raise ModelLoadError(
            f"{model_path}: the native implementation does not cover {reason}, and transformers is not installed "
            "(pip install transformers, and peft for --lora-rank)"
        )
    return "transformers"


def load_tokenizer(model_path: str, extra_eos: list[int]) -> Tokenizer:
    if transformers_installed():
        from transformers import AutoTokenizer

        from .hf_tokenizer import HfTokenizer

        return HfTokenizer(AutoTokenizer.from_pretrained(model_path), extra_eos)
    try:
        from .bpe_tokenizer import BpeTokenizer
    except ImportError as error:
        raise ModelLoadError(f"{model_path}: transformers is not installed and the built-in tokenizer is unavailable ({error})") from error
    return BpeTokenizer.from_folder(Path(model_path))


def load_policy(
    model_path: str,
    model_impl: str,
    device: torch.device,
    dtype: str,
    master_dtype: str,
    lora_rank: int,
    lora_alpha: int | None,
    lora_dropout: float,
    lora_target_modules: str,
    max_model_len: int | None,
    gradient_checkpointing: bool,
) -> tuple[PolicyModel, Tokenizer]:
    """The policy and tokenizer of a local model folder (no hub access is attempted)."""
    impl = choose_impl(model_path, model_impl)
    log.info("model implementation: %s", impl)
    compute = DTYPES[dtype] if device.type == "cuda" else torch.float32
    if impl == "transformers":
        if not transformers_installed():
            raise ModelLoadError(f"{model_path}: --model-impl transformers needs transformers (pip install transformers, and peft for --lora-rank)")
        from .model_loading import HfPolicy, peft_lora

        lora = peft_lora(lora_rank, lora_alpha, lora_dropout, lora_target_modules) if lora_rank > 0 else None
        hf = HfPolicy(model_path, device, compute, DTYPES[master_dtype], lora, max_model_len, gradient_checkpointing)
        return hf, load_tokenizer(model_path, hf.generation_eos)
    settings = LoraSettings.of(lora_rank, lora_alpha, lora_dropout, lora_target_modules) if lora_rank > 0 else None
    native = NativePolicy(model_path, device, compute, DTYPES[master_dtype], settings, max_model_len, gradient_checkpointing)
    return native, load_tokenizer(model_path, native.generation_eos)
