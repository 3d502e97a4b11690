"""Test doubles: a tiny pure-torch causal LM behind the `PolicyModel` protocol and a character
tokenizer behind the `Tokenizer` protocol — no transformers, no peft, no GPU.

The model is an embedding + learned positions + one causal self-attention block + MLP + LM head.
It honours `attention_mask` (padding) and `position_ids` exactly like an HF model, so left-padded
generation batches and right-padded training batches score the same tokens the same way. Masked
scores use a large finite negative, so an all-padding query row gives no NaN.
"""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any, Sequence

import torch
from torch import nn

SPECIALS = ["<pad>", "<eos>", "<bos>", "<|user|>", "<|assistant|>"]
ADDED = ["<tool_call>", "</tool_call>"]
CHARS = [chr(c) for c in range(32, 127)] + ["\n"]
VOCAB = SPECIALS + ADDED + CHARS
PAD, EOS, BOS = 0, 1, 2


class CharTokenizer:
    """One id per character; `<tool_call>` tags are added tokens that are *not* special."""

    def __init__(self) -> None:
        self._ids = {s: i for i, s in enumerate(VOCAB)}
        self._multi = sorted(SPECIALS + ADDED, key=len, reverse=True)

    @property
    def vocab_size(self) -> int:
        return len(VOCAB)

    @property
    def eos_token_ids(self) -> frozenset[int]:
        return frozenset({EOS})

    @property
    def pad_token_id(self) -> int:
        return PAD

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        ids = [BOS] if add_special_tokens else []
        i = 0
        while i < len(text):
            tag = next((t for t in self._multi if text.startswith(t, i)), None)
            if tag is not None:
                ids.append(self._ids[tag])
                i += len(tag)
            else:
                ids.append(self._ids.get(text[i], self._ids["?"]))
                i += 1
        return ids

    def decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str:
        return "".join(VOCAB[i] for i in ids if not (skip_special_tokens and VOCAB[i] in SPECIALS))

    def token_string(self, token_id: int) -> str:
        return VOCAB[token_id]

    def render_chat(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
                    add_generation_prompt: bool, continue_final_message: bool, template_kwargs: dict[str, Any]) -> str:
        out = f"tools:{json.dumps(tools, sort_keys=True)}\n" if tools else ""
        for m in messages:
            role = m["role"]
            out += "<|user|>" if role == "user" else "<|assistant|>" if role == "assistant" else f"{role}:"
            out += str(m.get("content") or "")
            for call in m.get("tool_calls") or []:
                fn = call["function"]
                out += "<tool_call>" + json.dumps({"name": fn["name"], "arguments": fn["arguments"]}, sort_keys=True) + "</tool_call>"
            if not (continue_final_message and m is messages[-1]):
                out += "\n"
        if add_generation_prompt:
            out += "<|assistant|>"
        if template_kwargs.get("enable_thinking") is False:
            out += "(no-think)"
        return out

    def save(self, path: Path) -> None:
        (path / "char-tokenizer.json").write_text(json.dumps(VOCAB), encoding="utf-8")


class TinyLM(nn.Module):
    def __init__(self, vocab: int, dim: int = 32, heads: int = 2, max_len: int = 256) -> None:
        super().__init__()
        self.heads = heads
        self.embed = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        self.norm1, self.norm2, self.norm_f = nn.LayerNorm(dim), nn.LayerNorm(dim), nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))
        self.head = nn.Linear(dim, vocab)

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor) -> torch.Tensor:
        b, t = input_ids.shape
        x = self.embed(input_ids) + self.pos(position_ids)
        q, k, v = self.qkv(self.norm1(x)).chunk(3, dim=-1)
        split = lambda z: z.view(b, t, self.heads, -1).transpose(1, 2)  # noqa: E731
        q, k, v = split(q), split(k), split(v)
        scores = q @ k.transpose(-1, -2) / math.sqrt(q.size(-1))
        causal = torch.ones(t, t, dtype=torch.bool, device=input_ids.device).tril()
        allowed = causal.unsqueeze(0).unsqueeze(0) & attention_mask.bool()[:, None, None, :]
        scores = scores.masked_fill(~allowed, -1e9)
        attended = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, -1)
        x = x + self.proj(attended)
        x = x + self.mlp(self.norm2(x))
        return self.head(self.norm_f(x))


class TinyPolicy:
    """`PolicyModel` over TinyLM. `bias` (token id → added logit) lets a test force a token."""

    def __init__(self, seed: int = 0, max_model_len: int = 256) -> None:
        torch.manual_seed(seed)
        self._model = TinyLM(len(VOCAB), max_len=max_model_len)
        self._model.eval()
        self._initial = copy.deepcopy(self._model.state_dict())
        self._reference: TinyLM | None = None
        self.name = "tiny-test-model"
        self.max_model_len = max_model_len
        self.vocab_size = len(VOCAB)
        self.device = torch.device("cpu")
        self.compute_dtype = torch.float32
        self.is_lora = False
        self.bias: dict[int, float] = {}
        self.forward_calls = 0

    @property
    def module(self) -> nn.Module:
        return self._model

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self._model.parameters() if p.requires_grad]

    def _run(self, model: nn.Module, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None) -> torch.Tensor:
        self.forward_calls += 1
        logits = model(input_ids, attention_mask, position_ids)
        for token, value in self.bias.items():
            logits[..., token] += value
        return logits[:, -keep_last:, :] if keep_last else logits

    def forward_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        return self._run(self._model, input_ids, attention_mask, position_ids, keep_last)

    def reference_logits(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, position_ids: torch.Tensor, keep_last: int | None = None) -> torch.Tensor:
        if self._reference is None:
            self._reference = TinyLM(len(VOCAB), max_len=self.max_model_len)
            self._reference.load_state_dict(self._initial)
            self._reference.eval().requires_grad_(False)
        with torch.no_grad():
            return self._run(self._reference, input_ids, attention_mask, position_ids, keep_last)

    def save_weights(self, path: Path) -> None:
        torch.save(self._model.state_dict(), path / "tiny-model.pt")

    def load_weights(self, path: Path) -> None:
        self._model.load_state_dict(torch.load(path / "tiny-model.pt"))
