"""LoRA on the native model, saved in peft's format (vLLM's `/v1/load_lora_adapter` reads it).

`y = W x + (alpha / r) · B A dropout(x)` on each targeted projection (Hu et al. 2021, "LoRA"),
A initialised as nn.Linear is (Kaiming-uniform), B at zero, so the adapted model starts equal to
the base. The frozen base is kept in the compute dtype, the adapter in fp32.

peft's layout, which this reproduces: `adapter_config.json` (`peft_type: LORA`, `r`, `lora_alpha`,
`target_modules`, …) and `adapter_model.safetensors` with keys
`base_model.model.<module path>.lora_A.weight` / `.lora_B.weight` (peft drops the adapter name
when saving). Targets are matched as peft matches a list: a module whose name is, or ends with
`.`+, a target; `all-linear` means every projection of the decoder (not the LM head).
"""

from __future__ import annotations

import contextlib
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import torch
from torch import nn

from ..errors import ModelLoadError
from .model import CausalLM
from .safetensors_io import read_file, write_file

PROJECTIONS = ("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj")
ADAPTER_CONFIG = "adapter_config.json"
ADAPTER_WEIGHTS = "adapter_model.safetensors"
KEY_PREFIX = "base_model.model."


@dataclass(frozen=True)
class LoraSettings:
    rank: int
    alpha: int
    dropout: float
    targets: tuple[str, ...]
    """Projection names (`all-linear` already expanded)."""

    @staticmethod
    def of(rank: int, alpha: int | None, dropout: float, target_modules: str) -> "LoraSettings":
        names = PROJECTIONS if target_modules == "all-linear" else tuple(t.strip() for t in target_modules.split(",") if t.strip())
        unknown = [t for t in names if t not in PROJECTIONS]
        if unknown:
            raise ModelLoadError(f"LoRA target modules {unknown} are not projections of this model (native: {', '.join(PROJECTIONS)})")
        return LoraSettings(rank=rank, alpha=alpha or 2 * rank, dropout=dropout, targets=names)


class LoraLinear(nn.Module):
    def __init__(self, base: nn.Linear, settings: LoraSettings) -> None:
        super().__init__()
        self.base_layer = base
        base.requires_grad_(False)
        device = base.weight.device
        self.lora_A = nn.Linear(base.in_features, settings.rank, bias=False, device=device, dtype=torch.float32)
        self.lora_B = nn.Linear(settings.rank, base.out_features, bias=False, device=device, dtype=torch.float32)
        nn.init.kaiming_uniform_(self.lora_A.weight, a=math.sqrt(5))
        nn.init.zeros_(self.lora_B.weight)
        self.dropout = nn.Dropout(settings.dropout) if settings.dropout > 0 else nn.Identity()
        self.scaling = settings.alpha / settings.rank
        self.enabled = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.base_layer(x)
        if not self.enabled:
            return out
        delta = self.lora_B(self.lora_A(self.dropout(x).to(self.lora_A.weight.dtype))) * self.scaling
        return out + delta.to(out.dtype)


def apply_lora(model: CausalLM, settings: LoraSettings) -> list[str]:
    """Freezes the model and wraps each targeted projection; returns the wrapped module paths."""
    model.requires_grad_(False)
    wrapped = []
    for name, module in list(model.named_modules()):
        for child_name, child in list(module.named_children()):
            if child_name in settings.targets and isinstance(child, nn.Linear):
                setattr(module, child_name, LoraLinear(child, settings))
                wrapped.append(f"{name}.{child_name}" if name else child_name)
    if not wrapped:
        raise ModelLoadError(f"no module of the model matches the LoRA targets {list(settings.targets)}")
    return wrapped


@contextlib.contextmanager
def adapters_disabled(model: nn.Module) -> Iterator[None]:
    layers = [m for m in model.modules() if isinstance(m, LoraLinear)]
    for layer in layers:
        layer.enabled = False
    try:
        yield
    finally:
        for layer in layers:
            layer.enabled = True


def adapter_tensors(model: nn.Module) -> dict[str, torch.Tensor]:
    return {KEY_PREFIX + name: param.detach() for name, param in model.named_parameters() if ".lora_A." in name or ".lora_B." in name}


def save_adapter(model: nn.Module, folder: Path, settings: LoraSettings, base_model: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    config = {
        "peft_type": "LORA", "task_type": "CAUSAL_LM", "base_model_name_or_path": base_model,
        "r": settings.rank, "lora_alpha": settings.alpha, "lora_dropout": settings.dropout,
        "target_modules": sorted(settings.targets), "bias": "none", "fan_in_fan_out": False,
        "inference_mode": True, "init_lora_weights": True, "modules_to_save": None,
        "use_rslora": False, "use_dora": False, "layers_to_transform": None, "layers_pattern": None,
        "rank_pattern": {}, "alpha_pattern": {}, "revision": None,
    }
    (folder / ADAPTER_CONFIG).write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    write_file(adapter_tensors(model), folder / ADAPTER_WEIGHTS)


def load_adapter(model: nn.Module, folder: Path) -> None:
    """Copies a saved adapter into the model's LoRA parameters in place."""
    path = folder / ADAPTER_WEIGHTS
    if not path.is_file():
        raise ModelLoadError(f"{folder}: no {ADAPTER_WEIGHTS}")
    tensors = read_file(path)
    params = adapter_tensors(model)
    missing, unexpected = sorted(set(params) - set(tensors)), sorted(set(tensors) - set(params))
    if missing or unexpected:
        raise ModelLoadError(f"{folder}: adapter keys do not match the model (missing {missing[:5]}, unexpected {unexpected[:5]})")
    with torch.no_grad():
        for name, param in params.items():
            if tuple(tensors[name].shape) != tuple(param.shape):
                raise ModelLoadError(f"{folder}: {name} has shape {tuple(tensors[name].shape)}, the adapter here {tuple(param.shape)}")
            param.copy_(tensors[name])
