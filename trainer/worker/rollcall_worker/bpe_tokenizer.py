"""The `Tokenizer` protocol for byte-level BPE models, read from the model folder without transformers.

`BpeTokenizer.from_folder(path)` needs `tokenizer.json` and `tokenizer_config.json` (plus, when
present, `chat_template.jinja` and `generation_config.json`). Encoding follows the `tokenizers`
crate: added tokens are cut out of the text first (longest first, as its leftmost-longest
Aho-Corasick does), the rest is normalized, pre-tokenized and each pre-token merged by rank. The
ids of a pre-token are cached: agent prompts repeat the same words turn after turn, so most of a
prompt is dictionary look-ups. Decoding maps model tokens back through the byte decoder (bad UTF-8
becomes U+FFFD) and writes added tokens as they are, as the crate's decoder does.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Callable, Sequence

import regex

from .bpe_pretokenize import CHAR_TO_BYTE, UnsupportedTokenizer, normalizer, pre_tokenizer
from .jinja_chat import ChatTemplate

CACHE_LIMIT = 200_000
COPIED_FILES = ("tokenizer.json", "tokenizer_config.json", "chat_template.jinja", "special_tokens_map.json")
# transformers' `clean_up_tokenization` (tokenization_utils_base.py), applied when the config asks.
CLEAN_UP = ((" .", "."), (" ?", "?"), (" !", "!"), (" ,", ","), (" ' ", "'"), (" n't", "n't"),
            (" 'm", "'m"), (" 's", "'s"), (" 've", "'ve"), (" 're", "'re"))


def merge_pair(parts: list[str], left: str, right: str) -> list[str]:
    """`parts` with every adjacent `left`, `right` (scanned left to right) joined into one part."""
    merged: list[str] = []
    i = 0
    while i < len(parts):
        if i + 1 < len(parts) and parts[i] == left and parts[i + 1] == right:
            merged.append(left + right)
            i += 2
        else:
            merged.append(parts[i])
            i += 1
    return merged


def _token_text(value: Any) -> str | None:
    """A special token as configs write it: a string or an AddedToken object `{content, …}`."""
    if isinstance(value, str):
        return value
    return value.get("content") if isinstance(value, dict) else None


def _read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


class _AddedTokens:
    """Finds added tokens in text, honouring their `lstrip`/`rstrip`/`single_word` flags."""

    def __init__(self, tokens: list[dict[str, Any]]) -> None:
        self._ids: list[int] = []
        alternatives = []
        for token in sorted(tokens, key=lambda t: len(t["content"]), reverse=True):
            body = regex.escape(token["content"])
            if token.get("single_word"):
                body = rf"(?<!\w){body}(?!\w)"
            left = r"\s*" if token.get("lstrip") else ""
            right = r"\s*" if token.get("rstrip") else ""
            alternatives.append(f"({left}{body}{right})")
            self._ids.append(int(token["id"]))
        self._pattern = regex.compile("|".join(alternatives)) if alternatives else None

    def split(self, text: str) -> list[str | int]:
        """Text cut into plain strings and the ids of the added tokens between them."""
        if self._pattern is None:
            return [text] if text else []
        out: list[str | int] = []
        at = 0
        for match in self._pattern.finditer(text):
            if match.start() > at:
                out.append(text[at:match.start()])
            out.append(self._ids[(match.lastindex or 1) - 1])
            at = match.end()
        if at < len(text):
            out.append(text[at:])
        return out


class BpeTokenizer:
    def __init__(self, folder: Path, tokenizer_json: dict[str, Any], config: dict[str, Any], generation_eos: Sequence[int]) -> None:
        model = tokenizer_json.get("model") or {}
        if model.get("type", "BPE") != "BPE" or model.get("byte_fallback") or model.get("continuing_subword_prefix") or model.get("end_of_word_suffix"):
            raise UnsupportedTokenizer("model is not a plain byte-level BPE")
        if model.get("dropout"):
            raise UnsupportedTokenizer("BPE dropout changes ids at every call")
        self._folder = folder
        self._vocab: dict[str, int] = {str(k): int(v) for k, v in model["vocab"].items()}
        merges = [m.split(" ", 1) if isinstance(m, str) else m for m in model.get("merges", [])]
        self._ranks = {(a, b): rank for rank, (a, b) in enumerate(merges)}
        self._ignore_merges = bool(model.get("ignore_merges", False))
        added = list(tokenizer_json.get("added_tokens") or [])
        self._added_content = {int(t["id"]): t["content"] for t in added}
        self._id_to_token = {i: t for t, i in self._vocab.items()} | self._added_content
        by_content = {t["content"]: int(t["id"]) for t in added}
        named = [_token_text(config.get(k)) for k in ("bos_token", "eos_token", "unk_token", "pad_token")]
        extra = [_token_text(t) for t in config.get("additional_special_tokens") or []]
        self._special = {int(t["id"]) for t in added if t.get("special")} | {by_content[t] for t in named + extra if t in by_content}
        self._raw_added = _AddedTokens([t for t in added if not t.get("normalized", False)])
        self._normalized_added = _AddedTokens([t for t in added if t.get("normalized", False)])
        self._normalize = normalizer(tokenizer_json.get("normalizer"))
        self._pre_tokenize = pre_tokenizer(tokenizer_json.get("pre_tokenizer"))
        self._wrap = _post_processor(tokenizer_json.get("post_processor"))
        self._decoder_is_byte_level = _decoder_is_byte_level(tokenizer_json.get("decoder"))
        self._clean_up = bool(config.get("clean_up_tokenization_spaces", False))
        self._cache: dict[str, list[int]] = {}
        eos_text, pad_text = _token_text(config.get("eos_token")), _token_text(config.get("pad_token"))
        eos = {int(i) for i in generation_eos}
        if eos_text is not None and self._id_of(eos_text) is not None:
            eos.add(self._id_of(eos_text))  # type: ignore[arg-type]
        self._eos = frozenset(eos)
        pad = self._id_of(pad_text) if pad_text is not None else None
        self._pad = pad if pad is not None else (min(self._eos) if self._eos else 0)
        self._size = len(set(self._vocab.values()) | set(self._added_content))
        self._template = ChatTemplate.from_folder(folder, config)
        self._token_strings: dict[int, str] = {}

    @classmethod
    def from_folder(cls, path: str | Path) -> "BpeTokenizer":
        folder = Path(path)
        config_file = folder / "tokenizer_config.json"
        config = _read_json(config_file) if config_file.exists() else {}
        generation_file = folder / "generation_config.json"
        eos = _read_json(generation_file).get("eos_token_id") if generation_file.exists() else None
        generation_eos = [eos] if isinstance(eos, int) else list(eos or [])
        return cls(folder, _read_json(folder / "tokenizer.json"), config, generation_eos)

    def _id_of(self, token: str) -> int | None:
        return self._vocab.get(token, next((i for i, t in self._added_content.items() if t == token), None))

    @property
    def vocab_size(self) -> int:
        return self._size

    @property
    def eos_token_ids(self) -> frozenset[int]:
        return self._eos

    @property
    def pad_token_id(self) -> int:
        return self._pad

    def encode(self, text: str, add_special_tokens: bool) -> list[int]:
        ids: list[int] = []
        for part in self._raw_added.split(text):
            if isinstance(part, int):
                ids.append(part)
                continue
            for inner in self._normalized_added.split(self._normalize(part)):
                if isinstance(inner, int):
                    ids.append(inner)
                else:
                    for piece in self._pre_tokenize(inner):
                        ids.extend(self._piece_ids(piece))
        return self._wrap(ids) if add_special_tokens else ids

    def _piece_ids(self, piece: str) -> list[int]:
        cached = self._cache.get(piece)
        if cached is None:
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            cached = self._cache[piece] = self._merge(piece)
        return cached

    def _merge(self, piece: str) -> list[int]:
        if self._ignore_merges and piece in self._vocab:
            return [self._vocab[piece]]
        parts = list(piece)
        ranks = self._ranks
        while len(parts) > 1:
            best, best_rank = -1, len(ranks)
            for i in range(len(parts) - 1):
                rank = ranks.get((parts[i], parts[i + 1]))
                if rank is not None and rank < best_rank:
                    best, best_rank = i, rank
            if best < 0:
                break
            parts = merge_pair(parts, parts[best], parts[best + 1])
        # A character outside the vocabulary with no unk token is dropped, as the crate does.
        return [self._vocab[p] for p in parts if p in self._vocab]

    def decode(self, ids: Sequence[int], skip_special_tokens: bool) -> str:
        chunks: list[str] = []
        pending: list[str] = []
        for token_id in ids:
            if skip_special_tokens and token_id in self._special:
                continue
            added = self._added_content.get(token_id)
            if added is not None:
                chunks.append(self._bytes_to_text(pending))
                pending = []
                chunks.append(added)
                continue
            token = self._id_to_token.get(token_id)
            if token is not None:  # ids past the tokenizer (a padded LM head) decode to nothing
                pending.append(token)
        chunks.append(self._bytes_to_text(pending))
        text = "".join(chunks)
        if self._clean_up:
            for old, new in CLEAN_UP:
                text = text.replace(old, new)
        return text

    def _bytes_to_text(self, tokens: list[str]) -> str:
        if not tokens:
            return ""
        if not self._decoder_is_byte_level:
            return "".join(tokens)
        data = bytearray()
        for token in tokens:
            mapped = [CHAR_TO_BYTE.get(c) for c in token]
            data.extend(token.encode("utf-8") if None in mapped else bytes(mapped))  # type: ignore[arg-type]
        return data.decode("utf-8", errors="replace")

    def token_string(self, token_id: int) -> str:
        text = self._token_strings.get(token_id)
        if text is None:
            text = self._token_strings[token_id] = self.decode([token_id], False)
        return text

    def render_chat(self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None,
                    add_generation_prompt: bool, continue_final_message: bool, template_kwargs: dict[str, Any]) -> str:
        return self._template.render(messages, tools, add_generation_prompt, continue_final_message, template_kwargs)

    def save(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        for name in COPIED_FILES:
            source = self._folder / name
            if source.exists() and source.resolve() != (path / name).resolve():
                shutil.copyfile(source, path / name)


def _decoder_is_byte_level(spec: dict[str, Any] | None) -> bool:
    if spec is None:
        return False
    if spec.get("type") == "ByteLevel":
        return True
    if spec.get("type") == "Sequence" and any(d.get("type") == "ByteLevel" for d in spec.get("decoders", [])):
        return True
    raise UnsupportedTokenizer(f"decoder {spec.get('type')!r}")


def _post_processor(spec: dict[str, Any] | None) -> Callable[[list[int]], list[int]]:
    """What `add_special_tokens=True` adds: the single-sequence template of a TemplateProcessing
    (Llama 3's BOS); ByteLevel post-processing only touches offsets."""
    if spec is None or spec.get("type") == "ByteLevel":
        return lambda ids: ids
    if spec.get("type") == "Sequence":
        steps = [_post_processor(s) for s in spec.get("processors", [])]

        def chain(ids: list[int]) -> list[int]:
            for step in steps:
                ids = step(ids)
            return ids

        return chain
    if spec.get("type") == "TemplateProcessing":
        specials = {name: [int(i) for i in entry["ids"]] for name, entry in (spec.get("special_tokens") or {}).items()}
        template = spec.get("single") or []

        def wrap(ids: list[int]) -> list[int]:
            out: list[int] = []
            for item in template:
                out.extend(specials[item["SpecialToken"]["id"]] if "SpecialToken" in item else ids)
            return out

        return wrap
    raise UnsupportedTokenizer(f"post-processor {spec.get('type')!r}")
