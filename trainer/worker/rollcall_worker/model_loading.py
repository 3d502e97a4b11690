"""Hugging Face models as `PolicyModel`s: loading, dtypes, LoRA, saving (transformers/peft lazy).

Precision: the trainable weights are kept in `master_dtype` (fp32 by default: AdamW updates of
size lr·1e-6 vanish when added to bf16 weights) and the forward runs under bf16 autocast on CUDA
(`compute_dtype`), for generation and training alike. With LoRA the frozen base is stored in the
compute dtype and peft keeps the adapter in fp32. Dropout is switched off in the config so a
training-mode forward equals the generation forward (the logprob-agreement check relies on it).

Reference policy for the KL term: with LoRA, the base model with the adapter disabled (no extra
memory); for a full fine-tune, a frozen copy loaded from `--model` on first use (so it is the
initial policy even after a restore).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import torch


log = logging.getLogger("rollcall_worker.model")
DROPOUT_FIELDS = ("attention_dropout", "hidden_dropout", "dropout", "resid_pdrop", "embd_pdrop", "attn_pdrop",
                  "hidden_dropout_prob", "attention_probs_dropout_prob", "classifier_dropout")
LORA_FILE = "rollcall-lora.json"
DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32, "fp16": torch.float16}


def _from_pretrained(path: str, dtype: torch.dtype, device: torch.device) -> Any:
    from transformers import AutoConfig, AutoModelForCausalLM

    config = AutoConfig.from_pretrained(path)
    for name in DROPOUT_FIELDS:
        if isinstance(getattr(config, name, None), float):
            setattr(config, name, 0.0)
    model = AutoModelForCausalLM.from_pretrained(path, config=config, dtype=dtype, attn_implementation="sdpa")
    return model.to(device)


class HfPolicy:
    def __init__(
        self,
        model_path: str,
        device: torch.device,
        compute_dtype: torch.dtype,
        master_dtype: torch.dtype,
        lora: dict[str, Any] | None,
        max_model_len: int | None,
        gradient_checkpointing: bool,
    ) -> None:
        if device.type == "cuda":
            disable_cudnn_attention()
        self.name = model_path
        self.device = device
        self.compute_dtype = compute_dtype
        self.is_lora = lora is not None
        self._reference: Any = None
        base = _from_pretrained(model_path, compute_dtype if self.is_lora else master_dtype, device)
        self.vocab_size = int(base.get_input_embeddings().weight.shape[0])
        self.max_model_len = int(max_model_len or getattr(base.config, "max_position_embeddings", 4096))
        eos = getattr(base.generation_config, "eos_token_id", None) if base.generation_config is not None else None
        self.generation_eos = [eos] if isinstance(eos, int) else list(eos or [])
        if gradient_checkpointing:
            base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        if lora is not None:
            from peft import LoraConfig, get_peft_model

            config = LoraConfig(task_type="CAUSAL_LM", **lora)
            self._model = get_peft_model(base, config)
            self._model.print_trainable_parameters()
        else:
            self._model = base
        self._model.eval()

    @property
    def module(self) -> torch.nn.Module:
        return self._model

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self._model.parameters() if p.requires_grad]

    def forward_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        return self._call(self._model, input_ids, attention_mask, position_ids, keep_last)

    def reference_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        with torch.no_grad():
            if self.is_lora:
                with self._model.disable_adapter():
                    return self._call(self._model, input_ids, attention_mask, position_ids, keep_last)
            if self._reference is None:
                log.info("loading the frozen reference policy from %s", self.name)
                self._reference = _from_pretrained(self.name, self.compute_dtype, self.device).eval()
                self._reference.requires_grad_(False)
            return self._call(self._reference, input_ids, attention_mask, position_ids, keep_last)

    @staticmethod
    def _call(model: Any, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None) -> torch.Tensor:
        out = model(input_ids=input_ids, attention_mask=attention_mask, position_ids=position_ids,
                    use_cache=False, logits_to_keep=keep_last or 0)
        return out.logits

    def save_weights(self, path: Path) -> None:
        self._model.save_pretrained(str(path), safe_serialization=True)
        if self.is_lora:
            (path / LORA_FILE).write_text(json.dumps({"baseModel": self.name}, indent=2) + "\n", encoding="utf-8")

    def load_weights(self, path: Path) -> None:
        if self.is_lora:
            from peft.utils import set_peft_model_state_dict
            from safetensors.torch import load_file

            adapter = load_file(str(path / "adapter_model.safetensors"), device=str(self.device))
            result = set_peft_model_state_dict(self._model, adapter)
            unexpected = getattr(result, "unexpected_keys", [])
            if unexpected:
                raise ValueError(f"{path}: adapter keys not in the model: {unexpected[:5]}")
            return
        dtype = next(self._model.parameters()).dtype
        fresh = _from_pretrained(str(path), dtype, torch.device("cpu"))
        missing, unexpected = self._model.load_state_dict(fresh.state_dict(), strict=False)
        if missing or unexpected:
            raise ValueError(f"{path}: weights do not match the model (missing {missing[:5]}, unexpected {unexpected[:5]})")
        del fresh


def disable_cudnn_attention() -> None:
    """Turns off PyTorch's cuDNN backend for scaled_dot_product_attention.

    cuDNN attention builds and caches an execution plan per input shape, which costs ~15 ms of CPU
    per call the first time a shape is seen. Generation changes the sequence length every step and
    training batches differ every step, so nearly every call is a first: measured on an H200 with
    torch 2.11, a 4-layer model's step went from ~5 ms to ~47 ms whenever lengths were new. Flash and
    memory-efficient attention have no per-shape plans.
    """
    backends = torch.backends.cuda
    if hasattr(backends, "enable_cudnn_sdp"):
        backends.enable_cudnn_sdp(False)


def peft_lora(rank: int, alpha: int | None, dropout: float, target_modules: str) -> dict[str, Any]:
    """peft's `LoraConfig` fields for `--lora-rank` and its companions (alpha defaults to 2 × rank)."""
    targets: Any = target_modules if target_modules == "all-linear" else target_modules.split(",")
    return {"r": rank, "lora_alpha": alpha or 2 * rank, "lora_dropout": dropout, "target_modules": targets}
