"""The generation paths the bench compares, each timed on one wave of concurrent requests.

* `cached`: the worker's scheduler over the native model with its paged KV cache.
* `cached-graphs`: the same with decode steps replayed as CUDA graphs (`--cuda-graphs`).
* `recompute`: the same scheduler and native model without a cache (`--kv-cache-tokens 0`): the
  generator every model had before the cache, recomputing every prefix at every step.
* `recompute-hf`: the no-cache generator over transformers' model (`HfPolicy`), the worker's
  path before the native model existed (needs transformers).
* `hf-generate`: transformers' `generate` with a static cache on the bf16 model (needs
  transformers and CUDA), the reference the issue's target was measured with.

A wave is `concurrency` requests submitted at once, each a random prompt of `prompt_tokens` ids and
`max_tokens` sampled tokens (temperature 1, EOS ignored, so every request runs to its length).
Scheduler paths are driven in-process through `Scheduler.submit` and the requests' event queues —
the worker's HTTP layer is left out, as it is the same for every path.
"""

from __future__ import annotations

import queue
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from rollcall_worker.detokenize import TextTracker
from rollcall_worker.native.policy import NativePolicy
from rollcall_worker.sampling import SamplingParams, SeededDraws
from rollcall_worker.sequence import ErrorEvent, Sequence
from rollcall_worker.worker import Worker, build_worker

SCHEDULER_ENGINES = ("cached", "cached-graphs", "recompute", "recompute-hf")
DTYPES = {"bf16": torch.bfloat16, "fp32": torch.float32}


class NumberTokenizer:
    """Enough of the `Tokenizer` protocol for random ids: each id is one CJK character, so the
    detokenizer does its usual per-token work."""

    vocab_size = 1 << 20
    eos_token_ids: frozenset[int] = frozenset()
    pad_token_id = 0

    def decode(self, ids: Any, skip_special_tokens: bool) -> str:
        return "".join(chr(0x4E00 + i % 20000) for i in ids)

    def token_string(self, token_id: int) -> str:
        return chr(0x4E00 + token_id % 20000)


@dataclass
class Wave:
    engine: str
    concurrency: int
    prompt_tokens: int
    max_tokens: int
    tokens: int
    wall_s: float
    ttft_p50_s: float | None
    ttft_max_s: float | None

    @property
    def tokens_per_s(self) -> float:
        return self.tokens / self.wall_s


def prompts(vocab: int, count: int, length: int, seed: int) -> list[list[int]]:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(3, vocab, (count, length), generator=generator).tolist()


def scheduler_worker(engine: str, folder: Path, device: torch.device, dtype: str, max_num_seqs: int, cache_tokens: int) -> Worker:
    compute = DTYPES[dtype] if device.type == "cuda" else torch.float32
    if engine == "recompute-hf":
        from rollcall_worker.model_loading import HfPolicy

        policy: Any = HfPolicy(str(folder), device, compute, torch.float32, None, None, False)
    else:
        policy = NativePolicy(str(folder), device, compute, torch.float32, None, None, False)
    cached = engine in ("cached", "cached-graphs")
    return build_worker(policy, NumberTokenizer(), "bench", max_num_seqs=max_num_seqs,
                        kv_cache_tokens=cache_tokens if cached else 0, cuda_graphs=engine == "cached-graphs")


def run_wave(worker: Worker, engine: str, batch: list[list[int]], max_tokens: int, seed: int) -> Wave:
    events: "queue.Queue[Any]" = queue.Queue()
    tokenizer = worker.tokenizer
    sequences = [
        Sequence(i, prompt, SamplingParams(max_tokens=max_tokens, seed=seed + i, ignore_eos=True),
                 SeededDraws(seed + i), TextTracker(tokenizer, prompt, True), events, frozenset())
        for i, prompt in enumerate(batch)
    ]
    first: dict[int, float] = {}
    done = 0
    started = time.perf_counter()
    worker.scheduler.submit(sequences)
    while done < len(sequences):
        event = events.get(timeout=600)
        if isinstance(event, ErrorEvent):
            raise RuntimeError(f"{engine}: {event.message}")
        first.setdefault(event.choice_index, time.perf_counter() - started)
        done += event.finish_reason is not None
    wall = time.perf_counter() - started
    ttft = sorted(first.values())
    return Wave(engine, len(batch), len(batch[0]), max_tokens, sum(len(s.output_ids) for s in sequences), wall,
                statistics.median(ttft), ttft[-1])


def hf_generate_wave(model: Any, batch: list[list[int]], max_tokens: int, seed: int) -> Wave:
    """One `generate` call over the whole wave (static cache, sampling, exactly max_tokens each)."""
    device = next(model.parameters()).device
    ids = torch.tensor(batch, device=device)
    torch.manual_seed(seed)
    options = dict(max_new_tokens=max_tokens, min_new_tokens=max_tokens, do_sample=True, temperature=1.0, top_p=1.0,
                   top_k=0, pad_token_id=0, cache_implementation="static")
    torch.cuda.synchronize(device)
    started = time.perf_counter()
    out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), **options)
    torch.cuda.synchronize(device)
    wall = time.perf_counter() - started
    produced = (out.shape[1] - ids.shape[1]) * ids.shape[0]
    return Wave("hf-generate", len(batch), len(batch[0]), max_tokens, int(produced), wall, None, None)


def load_hf_bf16(folder: Path, device: torch.device) -> Any:
    """transformers' model in bf16, with PyTorch's attention backends at their defaults (the worker
    paths switch cuDNN attention off; the reference runs as plain transformers would)."""
    if hasattr(torch.backends.cuda, "enable_cudnn_sdp"):
        torch.backends.cuda.enable_cudnn_sdp(True)
    import transformers
    from transformers import AutoModelForCausalLM

    key = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
    return AutoModelForCausalLM.from_pretrained(str(folder), attn_implementation="sdpa", **{key: torch.bfloat16}).to(device).eval()
