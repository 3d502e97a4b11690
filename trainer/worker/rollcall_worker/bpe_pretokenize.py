"""The text → pre-token half of a byte-level BPE `tokenizer.json`: normalizer, pre-tokenizer, byte map.

Implemented after the Hugging Face `tokenizers` crate (tokenizers/src/normalizers/unicode.rs,
pre_tokenizers/{split,digits,byte_level,sequence}.rs, tokenizer/normalizer.rs `split`), for the
pieces byte-level models (GPT-2, Qwen2, Llama 3) use. A component outside that set raises
`UnsupportedTokenizer`, so a caller can fall back to transformers instead of tokenizing wrongly.
Oniguruma patterns from `tokenizer.json` run on the `regex` module, which reads `\\p{L}`, scoped
flags such as `(?i:…)` and look-aheads the same way.
"""

from __future__ import annotations

import unicodedata
from typing import Any, Callable

import regex

# GPT-2's pattern, which the ByteLevel pre-tokenizer applies when `use_regex` is true.
GPT2_PATTERN = r"""'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""

Pieces = list[str]
Step = Callable[[Pieces], Pieces]


class UnsupportedTokenizer(ValueError):
    """tokenizer.json uses a component this implementation does not have."""


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's reversible byte → printable character map: printable Latin-1 bytes stand for
    themselves, the other 68 bytes take the characters from U+0100 on, in byte order."""
    keep = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1), *range(ord("®"), ord("ÿ") + 1)]
    table, extra = {}, 0
    for byte in range(256):
        if byte in keep:
            table[byte] = chr(byte)
        else:
            table[byte] = chr(256 + extra)
            extra += 1
    return table


BYTE_TO_CHAR = bytes_to_unicode()
CHAR_TO_BYTE = {char: byte for byte, char in BYTE_TO_CHAR.items()}


def normalizer(spec: dict[str, Any] | None) -> Callable[[str], str]:
    if spec is None:
        return lambda text: text
    kind = spec.get("type")
    if kind in ("NFC", "NFD", "NFKC", "NFKD"):
        return lambda text: unicodedata.normalize(kind, text)
    if kind == "Lowercase":
        return str.lower
    if kind == "Sequence":
        parts = [normalizer(part) for part in spec.get("normalizers", [])]

        def chain(text: str) -> str:
            for part in parts:
                text = part(text)
            return text

        return chain
    raise UnsupportedTokenizer(f"normalizer {kind!r}")


def _apply_behavior(spans: list[tuple[str, bool]], behavior: str) -> Pieces:
    """Groups (text, is_match) spans as `SplitDelimiterBehavior` does; empty pieces are dropped."""
    if behavior == "Removed":
        return [text for text, matched in spans if not matched and text]
    if behavior == "Isolated":
        return [text for text, _ in spans if text]
    out: list[str] = []
    if behavior == "MergedWithPrevious":
        previous = False
        for text, matched in spans:
            if matched and not previous and out:
                out[-1] += text
            else:
                out.append(text)
            previous = matched
    elif behavior == "MergedWithNext":
        previous = False
        for text, matched in reversed(spans):
            if matched and not previous and out:
                out[-1] = text + out[-1]
            else:
                out.append(text)
            previous = matched
        out.reverse()
    elif behavior == "Contiguous":
        previous = False
        for text, matched in spans:
            if matched == previous and out:
                out[-1] += text
            else:
                out.append(text)
            previous = matched
    else:
        raise UnsupportedTokenizer(f"split behavior {behavior!r}")
    return [text for text in out if text]


def _spans(piece: str, pattern: regex.Pattern[str], invert: bool) -> list[tuple[str, bool]]:
    spans, at = [], 0
    for match in pattern.finditer(piece):
        if match.start() == match.end():
            continue
        if match.start() > at:
            spans.append((piece[at:match.start()], invert))
        spans.append((match.group(), not invert))
        at = match.end()
    if at < len(piece):
        spans.append((piece[at:], invert))
    return spans


def _split_step(pattern: regex.Pattern[str], behavior: str, invert: bool = False) -> Step:
    return lambda pieces: [out for piece in pieces for out in _apply_behavior(_spans(piece, pattern, invert), behavior)]


def _byte_level_step(spec: dict[str, Any]) -> Step:
    add_prefix_space = bool(spec.get("add_prefix_space", False))
    split = _split_step(regex.compile(GPT2_PATTERN), "Isolated") if spec.get("use_regex", True) else None

    def step(pieces: Pieces) -> Pieces:
        if add_prefix_space:
            pieces = [piece if piece.startswith(" ") else " " + piece for piece in pieces]
        if split is not None:
            pieces = split(pieces)
        return ["".join(BYTE_TO_CHAR[b] for b in piece.encode("utf-8")) for piece in pieces]

    return step


def _step(spec: dict[str, Any]) -> list[Step]:
    kind = spec.get("type")
    if kind == "Sequence":
        return [step for part in spec.get("pretokenizers", []) for step in _step(part)]
    if kind == "Split":
        pattern = spec["pattern"]
        source = pattern["Regex"] if "Regex" in pattern else regex.escape(pattern["String"])
        return [_split_step(regex.compile(source), spec.get("behavior", "Isolated"), bool(spec.get("invert", False)))]
    if kind == "Digits":
        # Digits splits on ASCII digits only (`char::is_ascii_digit`): one piece each, or runs.
        behavior = "Isolated" if spec.get("individual_digits", False) else "Contiguous"
        return [_split_step(regex.compile(r"[0-9]"), behavior)]
    if kind == "ByteLevel":
        return [_byte_level_step(spec)]
    raise UnsupportedTokenizer(f"pre-tokenizer {kind!r}")


def pre_tokenizer(spec: dict[str, Any] | None) -> Callable[[str], Pieces]:
    """Text → byte-level pre-tokens (strings over the GPT-2 byte alphabet). The ByteLevel step must
    come last: it is what makes the model's input bytes, and steps after it would see mapped text."""
    steps = _step(spec) if spec is not None else []
    if not steps or spec is None or not _ends_with_byte_level(spec):
        raise UnsupportedTokenizer("pre-tokenizer without a final ByteLevel step (not a byte-level BPE)")

    def run(text: str) -> Pieces:
        pieces = [text] if text else []
        for step in steps:
            pieces = step(pieces)
        return pieces

    return run


def _ends_with_byte_level(spec: dict[str, Any]) -> bool:
    if spec.get("type") == "Sequence":
        parts = spec.get("pretokenizers", [])
        return bool(parts) and _ends_with_byte_level(parts[-1])
    return spec.get("type") == "ByteLevel"
