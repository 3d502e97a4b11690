"""The two abstractions the worker is written against: a policy model and its tokenizer.

The Hugging Face implementation lives in `model_loading.py`; the CPU tests inject a tiny pure-torch
model and a character tokenizer. Everything else (generation, training, checkpoints) only sees
these protocols, which is what lets it be tested without transformers, peft or a GPU.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, Iterator, Protocol, Sequence

import torch


class Tokenizer(Protocol):
    """What the HTTP routes and the detokenizer need from a tokenizer."""

    @property
    def vocab_size(self) -> int: ...

    @property
    def eos_token_ids(self) -> frozenset[int]:
        """Ids that end a generation with finish_reason "stop" (tokenizer EOS ∪ generation config)."""
        ...

    @property
    def pad_token_id(self) -> int: ...

    def encode(self, text: str, add_special_tokens: bool) -> list[int]: ...

    def decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str: ...

    def token_string(self, token_id: int) -> str:
        """One id decoded alone with special tokens kept, as vLLM's logprob `tokens` show it."""
        ...

    def render_chat(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        add_generation_prompt: bool,
        continue_final_message: bool,
        template_kwargs: dict[str, Any],
    ) -> str:
        """The chat template applied to messages, as text (`apply_chat_template(tokenize=False)`)."""
        ...

    def save(self, path: Path) -> None: ...


class PolicyModel(Protocol):
    """A causal LM the worker samples from and trains.

    `forward_logits` takes explicit `position_ids` because generation left-pads its batches (the
    next-token position is then the last column for every row) while training right-pads; with
    positions counted over real tokens only, both see the same numbers for the same tokens.
    """

    name: str
    max_model_len: int
    vocab_size: int
    """Rows of the LM head (may exceed the tokenizer's size)."""
    device: torch.device
    compute_dtype: torch.dtype
    is_lora: bool

    @property
    def module(self) -> torch.nn.Module:
        """The module whose mode (train/eval) the learner switches."""
        ...

    def trainable_parameters(self) -> list[torch.nn.Parameter]: ...

    def forward_logits(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        keep_last: int | None = None,
    ) -> torch.Tensor:
        """Logits `[B, T, V]`, or of the last `keep_last` positions only (saves the LM head)."""
        ...

    def reference_logits(
        self,
        input_ids: torch.Tensor,
        attention_mask: torch.Tensor,
        position_ids: torch.Tensor,
        keep_last: int | None = None,
    ) -> torch.Tensor:
        """Logits of the frozen reference policy (for the KL term); created on first use."""
        ...

    def save_weights(self, path: Path) -> None: ...

    def load_weights(self, path: Path) -> None:
        """Loads weights saved by `save_weights` in place, so optimizer references stay valid."""
        ...


def autocast(policy: PolicyModel) -> contextlib.AbstractContextManager[Any]:
    """bf16 autocast on CUDA when the compute dtype asks for it; plain fp32 elsewhere.

    Generation and training both go through this, so the logprobs the engine reports and the
    learner recomputes come from the same kernels and precision.
    """
    if policy.device.type == "cuda" and policy.compute_dtype != torch.float32:
        return torch.autocast(device_type="cuda", dtype=policy.compute_dtype)
    return contextlib.nullcontext()


@contextlib.contextmanager
def eval_mode(module: torch.nn.Module) -> Iterator[None]:
    """Runs a block in eval mode and puts the module's previous mode back."""
    was_training = module.training
    module.eval()
    try:
        yield
    finally:
        module.train(was_training)
