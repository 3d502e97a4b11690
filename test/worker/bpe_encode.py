"""The worker's BpeTokenizer over a corpus, for the TypeScript parity test against @huggingface/tokenizers.

    python3 bpe_encode.py encode < {"folder": DIR, "texts": [...]}   → {"ids", "decoded", "decodedSkip", "seconds"}
    python3 bpe_encode.py chat < {"folder": DIR, "requests": [{messages, tools, addGenerationPrompt, kwargs}]} → {"texts"}
    python3 bpe_encode.py grow SRC OUT MERGES < {"texts": [...]}     → OUT: SRC's tokenizer with MERGES more merges

`grow` learns extra merges from the corpus (greedy pair counts over the pre-tokens, the textbook
BPE training loop) so the parity test exercises hundreds of merge ranks, not the fixture's 28.
"""

from __future__ import annotations

import collections
import json
import shutil
import sys
import time
from pathlib import Path

from rollcall_worker.bpe_pretokenize import pre_tokenizer
from rollcall_worker.bpe_tokenizer import BpeTokenizer, merge_pair
from rollcall_worker.chat_template import prepare_messages


def encode(request: dict) -> dict:
    tokenizer = BpeTokenizer.from_folder(request["folder"])
    started = time.perf_counter()
    ids = [tokenizer.encode(text, False) for text in request["texts"]]
    seconds = time.perf_counter() - started
    return {
        "ids": ids,
        "decoded": [tokenizer.decode(row, False) for row in ids],
        "decodedSkip": [tokenizer.decode(row, True) for row in ids],
        "seconds": seconds,
    }


def chat(request: dict) -> dict:
    """Each request rendered as the worker's /tokenize does it (vLLM's message preprocessing first)."""
    tokenizer = BpeTokenizer.from_folder(request["folder"])
    texts = [tokenizer.render_chat(prepare_messages(r["messages"]), r.get("tools"), r["addGenerationPrompt"], False, r.get("kwargs") or {})
             for r in request["requests"]]
    return {"texts": texts}


def grow(source: Path, out: Path, merges: int, texts: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "tokenizer_config.json", out / "tokenizer_config.json")
    spec = json.loads((source / "tokenizer.json").read_text(encoding="utf-8"))
    model = spec["model"]
    split = pre_tokenizer(spec["pre_tokenizer"])
    words = collections.Counter(piece for text in texts for piece in split(text))
    segmented = {word: list(word) for word in words}
    vocab, learned = model["vocab"], [m.split(" ", 1) if isinstance(m, str) else m for m in model["merges"]]
    for a, b in learned:  # apply the existing merges first, in rank order
        for word, parts in segmented.items():
            segmented[word] = merge_pair(parts, a, b)
    next_id = max(max(vocab.values()), max(t["id"] for t in spec["added_tokens"])) + 1
    for _ in range(merges):
        pairs: collections.Counter = collections.Counter()
        for word, parts in segmented.items():
            for pair in zip(parts, parts[1:]):
                pairs[pair] += words[word]
        if not pairs:
            break
        (a, b), _count = pairs.most_common(1)[0]
        learned.append([a, b])
        if a + b not in vocab:
            vocab[a + b] = next_id
            next_id += 1
        for word, parts in segmented.items():
            segmented[word] = merge_pair(parts, a, b)
    model["merges"] = [f"{a} {b}" for a, b in learned]
    (out / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    request = json.loads(sys.stdin.read())
    if sys.argv[1] in ("encode", "chat"):
        print(json.dumps(encode(request) if sys.argv[1] == "encode" else chat(request)))
    else:
        grow(Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4]), request["texts"])


if __name__ == "__main__":
    main()
