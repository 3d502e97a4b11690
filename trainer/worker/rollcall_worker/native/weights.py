"""A native model from and to a Hugging Face folder: config.json, safetensors, generation config.

What is written reloads in transformers (`AutoModelForCausalLM.from_pretrained`) and vLLM: the
config.json read at load with its dtype field set to the saved dtype, the weights under their
original names (a tied LM head left out, as transformers does), and `generation_config.json`
copied from the source folder (vLLM reads its EOS ids and sampling defaults there).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
import torch

from ..errors import ModelLoadError
from .config import ModelConfig, parse_config, unsupported_reason
from .model import CausalLM
from .safetensors_io import read_folder, write_folder

GENERATION_CONFIG = "generation_config.json"
DTYPE_NAMES = {torch.float32: "float32", torch.bfloat16: "bfloat16", torch.float16: "float16"}


def read_raw_config(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise ModelLoadError(f"{folder}: no config.json (--model must be a local Hugging Face model folder)")
    return json.loads(path.read_text(encoding="utf-8"))


def load_config(folder: Path) -> ModelConfig:
    raw = read_raw_config(folder)
    reason = unsupported_reason(raw)
    if reason is not None:
        raise ModelLoadError(f"{folder}: the native implementation does not cover {reason}; use --model-impl transformers")
    return parse_config(raw)


def empty_model(config: ModelConfig, device: torch.device, dtype: torch.dtype) -> CausalLM:
    """A model with uninitialised weights of `dtype` on `device` (built on the meta device first,
    so no time goes into an initialisation that loading overwrites)."""
    model = CausalLM(config, device=torch.device("meta")).to(dtype)  # a cast of meta tensors allocates nothing
    model.to_empty(device=device)
    model.tie_weights()
    model.reset_rotary()
    return model


def load_model(folder: Path, config: ModelConfig, device: torch.device, dtype: torch.dtype) -> CausalLM:
    model = empty_model(config, device, dtype)
    copy_weights(model, read_folder(folder), str(folder))
    return model


def copy_weights(model: CausalLM, tensors: dict[str, torch.Tensor], source: str) -> None:
    """Copies checkpoint tensors into the model's parameters in place (their identity, and so an
    optimizer's references to them, is kept); every parameter must be covered, nothing left over."""
    params = dict(model.named_parameters())
    if model.config.tie_word_embeddings:
        tensors = {k: v for k, v in tensors.items() if k != "lm_head.weight"}
    missing = sorted(set(params) - set(tensors))
    unexpected = sorted(set(tensors) - set(params))
    if missing or unexpected:
        raise ModelLoadError(f"{source}: weights do not match the config (missing {missing[:5]}, unexpected {unexpected[:5]})")
    with torch.no_grad():
        for name, param in params.items():
            tensor = tensors[name]
            if tuple(tensor.shape) != tuple(param.shape):
                raise ModelLoadError(f"{source}: {name} has shape {tuple(tensor.shape)}, the config says {tuple(param.shape)}")
            param.copy_(tensor)


def model_tensors(model: CausalLM) -> dict[str, torch.Tensor]:
    """The checkpoint tensors of the model, under transformers' names (tied LM head left out)."""
    return {name: param.detach() for name, param in model.named_parameters()}


def save_model(model: CausalLM, folder: Path, source: Path | None) -> None:
    """config.json + safetensors (+ the source's generation_config.json) into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    tensors = model_tensors(model)
    raw = dict(model.config.raw)
    dtype = DTYPE_NAMES.get(next(iter(tensors.values())).dtype, "float32")
    raw["dtype" if "dtype" in raw else "torch_dtype"] = dtype
    (folder / "config.json").write_text(json.dumps(raw, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    write_folder(tensors, folder)
    if source is not None and (source / GENERATION_CONFIG).is_file() and source.resolve() != folder.resolve():
        shutil.copyfile(source / GENERATION_CONFIG, folder / GENERATION_CONFIG)


def generation_eos(folder: Path) -> list[int]:
    """`eos_token_id` of the folder's generation_config.json (an int or a list), else config.json's."""
    for name in (GENERATION_CONFIG, "config.json"):
        path = folder / name
        if path.is_file():
            eos = json.loads(path.read_text(encoding="utf-8")).get("eos_token_id")
            if eos is not None:
                return [int(eos)] if isinstance(eos, int) else [int(e) for e in eos]
    return []
