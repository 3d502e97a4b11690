"""The `Tokenizer` protocol over a Hugging Face tokenizer (transformers imported by the caller).

EOS ids are the tokenizer's EOS plus the model's `generation_config.eos_token_id` (an int or a
list: Qwen2.5-Instruct lists both `<|im_end|>` and `<|endoftext|>`), which is what vLLM stops on.
Tool-call tags such as `<tool_call>` are added tokens with `special=False`, so decoding with
`skip_special_tokens=True` keeps them in the text the proxy parses.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Sequence


class HfTokenizer:
    def __init__(self, tokenizer: Any, extra_eos: Iterable[int] = ()) -> None:
        self._tok = tokenizer
        eos = {int(i) for i in extra_eos}
        if tokenizer.eos_token_id is not None:
            eos.add(int(tokenizer.eos_token_id))
        self._eos = frozenset(eos)
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        self._pad = int(pad) if pad is not None else 0
        self.token_string = lru_cache(maxsize=65536)(self._token_string)  # type: ignore[method-assign]

    @property
    def vocab_size(self) -> int:
        return len(self._tok)

    @property
    def eos_token_ids(self) -> frozenset[int]:
        return self._eos

    @property
    def pad_token_id(self) -> int:
        return self._pad

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        return list(self._tok(text, add_special_tokens=add_special_tokens)["input_ids"])

    def decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def _token_string(self, token_id: int) -> str:
        return self._tok.decode([token_id], skip_special_tokens=False)

    def render_chat(
        self,
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None,
        add_generation_prompt: bool,
        continue_final_message: bool,
        template_kwargs: dict[str, Any],
    ) -> str:
        text = self._tok.apply_chat_template(
            messages,
            tools=tools,
            add_generation_prompt=add_generation_prompt,
            continue_final_message=continue_final_message,
            tokenize=False,
            **template_kwargs,
        )
        if not isinstance(text, str):
            raise ValueError("the chat template did not render to text")
        return text

    def save(self, path: Path) -> None:
        self._tok.save_pretrained(str(path))
