"""`NativePolicy`: the `PolicyModel` protocol over the native model (no transformers, no peft).

Precision as `model_loading.HfPolicy`: a full fine-tune keeps its weights in the master dtype
(fp32 by default) and runs under the compute dtype's autocast on CUDA (the callers enter it);
with LoRA the frozen base is stored in the compute dtype and the adapter in fp32. The native
model has no dropout, so a training-mode forward equals the generation forward.

Reference policy for the KL term: with LoRA, the base with the adapters switched off; for a full
fine-tune, a frozen copy loaded from the original folder on first use (the initial policy, also
after a restore). Checkpoints are Hugging Face folders (`weights.save_model`, `lora.save_adapter`).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import torch
from torch import nn

from ..model_loading import disable_cudnn_attention
from .config import ModelConfig
from .fused_lm import FusedLM
from .generation_weights import GenerationWeights
from .lora import LoraSettings, adapters_disabled, apply_lora, load_adapter, save_adapter
from .model import AttentionPlan, CausalLM
from .weights import copy_weights, generation_eos, load_config, load_model, save_model
from .safetensors_io import read_folder

log = logging.getLogger("rollcall_worker.model")
LORA_FILE = "rollcall-lora.json"


class NativePolicy:
    def __init__(
        self,
        model_path: str,
        device: torch.device,
        compute_dtype: torch.dtype,
        master_dtype: torch.dtype,
        lora: LoraSettings | None,
        max_model_len: int | None,
        gradient_checkpointing: bool,
    ) -> None:
        if device.type == "cuda":
            disable_cudnn_attention()  # per-shape plans would cost ~15 ms at every decode step's new length
        self.name = model_path
        self.folder = Path(model_path)
        self.device = device
        self.compute_dtype = compute_dtype
        self.lora = lora
        self.is_lora = lora is not None
        self.config: ModelConfig = load_config(self.folder)
        self.lm: CausalLM = load_model(self.folder, self.config, device, compute_dtype if self.is_lora else master_dtype)
        if lora is not None:
            wrapped = apply_lora(self.lm, lora)
            trainable = sum(p.numel() for p in self.trainable_parameters())
            log.info("LoRA r=%d on %d projections: %d trainable parameters", lora.rank, len(wrapped), trainable)
        self.lm.gradient_checkpointing = gradient_checkpointing
        self.lm.eval()
        self.vocab_size = self.config.vocab_size
        self.max_model_len = int(max_model_len or self.config.max_position_embeddings)
        self.generation_eos = generation_eos(self.folder)
        self._reference: CausalLM | None = None
        self._generation: GenerationWeights | None = None
        if lora is None and master_dtype != compute_dtype and device.type == "cuda":
            self._generation = GenerationWeights(self.lm, compute_dtype)

    def generation_model(self) -> CausalLM | FusedLM:
        """The model generation runs: the trained one, or its fused twin with weights in the compute
        dtype (`generation_weights.py`), kept in step with it."""
        return self._generation.current() if self._generation is not None else self.lm

    def drop_generation_weights(self) -> None:
        """For a policy that only trains (FSDP2's sharded model; its whole serving copy generates):
        frees the compute-dtype projection copies, which also held on to the whole master weights
        that sharding replaces."""
        self._generation = None

    @property
    def module(self) -> nn.Module:
        return self.lm

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.lm.parameters() if p.requires_grad]

    def forward_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        return self.lm(input_ids, position_ids, AttentionPlan.padded(attention_mask), keep_last)

    def reference_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        plan = AttentionPlan.padded(attention_mask)
        with torch.no_grad():
            if self.is_lora:
                with adapters_disabled(self.lm):
                    return self.lm(input_ids, position_ids, plan, keep_last)
            if self._reference is None:
                log.info("loading the frozen reference policy from %s", self.name)
                self._reference = load_model(self.folder, self.config, self.device, self.compute_dtype).eval()
                self._reference.requires_grad_(False)
            return self._reference(input_ids, position_ids, plan, keep_last)

    def save_weights(self, path: Path) -> None:
        if self.lora is not None:
            save_adapter(self.lm, path, self.lora, self.name)
            (path / LORA_FILE).write_text(json.dumps({"baseModel": self.name}, indent=2) + "\n", encoding="utf-8")
            return
        save_model(self.lm, path, self.folder)

    def load_weights(self, path: Path) -> None:
        if self.lora is not None:
            load_adapter(self.lm, path)
            return
        copy_weights(self.lm, read_folder(path), str(path))
