"""Worker generation throughput: the native model's KV-cache path against the no-cache generator.

    PYTHONPATH=trainer/worker /usr/bin/python3 bench/worker-generation/bench.py [--device cpu|cuda]
        [--shapes small-policy,qwen2-0.5b] [--concurrency 1,32,128] [--engines …]
        [--json FILE] [--markdown FILE] [--results bench/RESULTS.md] [--budget-s S] [--cells shape:engine[:c/c],…]

For each model shape (random weights, written as a Hugging Face folder and loaded the way the
worker loads `--model`) and each path (drivers.py), per concurrency one warm-up wave (same batch
size and prompt length, 4 tokens: a decode graph is captured there), then one timed wave:
completion tokens/s = tokens produced / wave wall time; time to first token (TTFT)
= each request's first token after the wave's submission (p50 and max over the wave). The JSON is
rewritten after every cell, so a run cut short keeps what it measured; cells run in `ORDER`
(most wanted first; `--cells` picks others) and `--budget-s` skips those left once it is spent (listed as skipped).

Plans (token counts) per device: CUDA uses the issue's shape for both models (256-token prompts,
128 sampled tokens). The CPU plan shrinks them (printed in the results): a 2-core CPU without a
cache needs minutes per wave at those sizes.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drivers import SCHEDULER_ENGINES, hf_generate_wave, load_hf_bf16, prompts, run_wave, scheduler_worker  # noqa: E402
from report import merge, render  # noqa: E402
from rollcall_worker.native.kv_cache import BLOCK_SIZE  # noqa: E402
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint  # noqa: E402

DESCRIPTIONS = {"small-policy": "scripts/small-policy's shape: hidden 384, 6 layers, 6 heads, 2 KV heads, vocab 3072, 9.8M parameters",
                "qwen2-0.5b": "Qwen2.5-0.5B's shape: hidden 896, 24 layers, 14 heads, 2 KV heads, vocab 151936, random weights"}
PLANS = {  # shape → (prompt tokens, sampled tokens, concurrencies)
    "cuda": {"small-policy": (256, 128, (1, 32, 128)), "qwen2-0.5b": (256, 128, (1, 32, 128))},
    "cpu": {"small-policy": (64, 32, (1, 32, 128)), "qwen2-0.5b": (16, 8, (1, 8))},
}
ORDER = {  # device → (shape, engine, concurrencies or None for the plan's), most wanted first
    "cuda": (("qwen2-0.5b", "cached-graphs", None), ("qwen2-0.5b", "hf-generate", (32, 128)), ("small-policy", "cached-graphs", None),
             ("qwen2-0.5b", "recompute-hf", (1, 32)), ("qwen2-0.5b", "recompute", (1, 32)), ("small-policy", "recompute-hf", None),
             ("small-policy", "recompute", None), ("qwen2-0.5b", "cached", None), ("small-policy", "cached", None)),
    "cpu": (("small-policy", "cached", None), ("small-policy", "recompute", None), ("qwen2-0.5b", "cached", None),
            ("qwen2-0.5b", "recompute", None)),
}
"""The time budget runs out on the slow no-cache cells, so they come after the new path and the
reference; the 0.5B no-cache path on CUDA runs at concurrency 1 and 32 only (~14 s a wave)."""
METHOD = ("One wave per cell: `concurrency` requests submitted at once to the worker's generation scheduler in-process "
          "(no HTTP), random prompt ids, temperature 1, EOS ignored so every request samples exactly its token count. "
          "Completion tokens/s = all tokens of the wave / wave wall time; TTFT = time from submission to each request's "
          "first token (p50, max). A warm-up wave of the same batch size, prompt length and token count (4 tokens on the "
          "no-cache paths) precedes each timed wave, so CUDA graphs and compiled code are ready before it. The worker's default precision: fp32 master weights, "
          "bf16 autocast on CUDA, fp32 on CPU; `hf-generate` runs the bf16 model.")


def cells(spec: str) -> list[tuple[str, str, tuple[int, ...] | None]]:
    """`--cells`: `qwen2-0.5b:cached-graphs:1/32/128,small-policy:recompute-hf:32` → ORDER's form."""
    chosen = []
    for item in spec.split(","):
        name, engine, *counts = item.split(":")
        chosen.append((name, engine, tuple(int(c) for c in counts[0].split("/")) if counts else None))
    return chosen


def available_engines(device: torch.device) -> set[str]:
    has_transformers = importlib.util.find_spec("transformers") is not None
    if device.type != "cuda":
        return {"cached", "recompute"}
    # The no-cache baseline on CUDA is the worker's transformers path when transformers is there.
    return {"cached", "cached-graphs"} | ({"recompute-hf", "hf-generate"} if has_transformers else {"recompute"})


def machine() -> str:
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)}, {os.cpu_count()} CPU cores"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads"


def release(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def bench_group(name: str, folder: Path, device: torch.device, engine: str, plan: tuple[int, int, tuple[int, ...]],
                deadline: float, record: Any) -> None:
    """One engine on one shape: load it once, then one timed wave per concurrency."""
    prompt_tokens, max_tokens, concurrencies = plan
    vocab = SHAPES[name]["vocab_size"]
    if time.monotonic() > deadline:
        for c in concurrencies:
            record({"engine": engine, "concurrency": c, "error": "skipped (time budget)"})
        return
    try:
        if engine == "hf-generate":
            model = load_hf_bf16(folder, device)
            for c in concurrencies:
                if time.monotonic() > deadline:
                    record({"engine": engine, "concurrency": c, "error": "skipped (time budget)"})
                    continue
                batch = prompts(vocab, c, prompt_tokens, seed=c)
                hf_generate_wave(model, batch, max_tokens, seed=1)  # compiles / allocates for this batch size
                wave = hf_generate_wave(model, batch, max_tokens, seed=2)
                record({**asdict(wave), "tokens_per_s": wave.tokens_per_s})
            del model
        else:
            per_sequence = -(-(prompt_tokens + max_tokens) // BLOCK_SIZE) * BLOCK_SIZE  # whole blocks
            worker = scheduler_worker(engine, folder, device, "bf16", max(concurrencies), max(concurrencies) * per_sequence)
            worker.scheduler.start()
            try:
                for c in concurrencies:
                    if time.monotonic() > deadline:
                        record({"engine": engine, "concurrency": c, "error": "skipped (time budget)"})
                        continue
                    # Warm-up at this batch and prompt size, as long as the timed wave on the cached paths:
                    # the decode graph of every context bucket it meets is captured here (once per
                    # process in a worker), not inside the timed wave. The no-cache paths have nothing
                    # to capture and take ~14 s a wave, so theirs is 4 tokens.
                    warm_tokens = max_tokens if engine.startswith("cached") else 4
                    run_wave(worker, engine, prompts(vocab, c, prompt_tokens, seed=99), warm_tokens, seed=7)
                    wave = run_wave(worker, engine, prompts(vocab, c, prompt_tokens, seed=c), max_tokens, seed=1)
                    record({**asdict(wave), "tokens_per_s": wave.tokens_per_s})
            finally:
                worker.scheduler.stop()
            del worker
    except Exception as error:  # noqa: BLE001 — one failing path must not lose the others' results
        record({"engine": engine, "concurrency": 0, "error": f"failed: {type(error).__name__}: {error}"[:300]})
    release(device)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--device", default="auto")
    parser.add_argument("--shapes", default="small-policy,qwen2-0.5b")
    parser.add_argument("--engines", default=None, help=f"comma list of {', '.join(SCHEDULER_ENGINES)}, hf-generate")
    parser.add_argument("--concurrency", default=None, help="override the plan's concurrencies")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--markdown", type=Path, default=None)
    parser.add_argument("--results", type=Path, default=None, help="replace this device's section of a RESULTS.md")
    parser.add_argument("--budget-s", type=float, default=3600.0)
    parser.add_argument("--cells", default=None, help="run only these, in order: comma list of shape:engine[:c/c/…] "
                        "(default: the device's ORDER)")
    args = parser.parse_args()
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device)
    deadline = time.monotonic() + args.budget_s
    result: dict[str, Any] = {
        "device": device.type, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
        "torch": torch.__version__, "command": "python3 bench/worker-generation/bench.py " + " ".join(sys.argv[1:]),
        "method": METHOD, "shapes": [], "notes": [],
    }
    if importlib.util.find_spec("transformers") is not None:
        import transformers

        result["transformers"] = transformers.__version__
    if device.type == "cpu":
        result["notes"].append("CPU plan: token counts shrunk from the GPU plan (256 + 128) to keep each no-cache wave within minutes "
                               "on a shared 2-core machine; the 0.5B shape runs at concurrency 1 and 8 only (a no-cache wave of 32 would take ~10 minutes).")
    else:
        result["notes"].append("Cells run most wanted first (new path, reference, then the slow no-cache and eager paths) within the time "
                               "budget; the 0.5B no-cache path runs at concurrency 1 and 32 only (~14 s a wave on an H200).")

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    shapes = args.shapes.split(",")
    available = available_engines(device)
    wanted = set(args.engines.split(",")) if args.engines else available
    with tempfile.TemporaryDirectory() as tmp:
        entries: dict[str, dict[str, Any]] = {}
        folders: dict[str, Path] = {}
        for name in shapes:
            prompt_tokens, max_tokens, _ = PLANS[device.type][name]
            shape = dict(SHAPES[name])
            folders[name] = write_random_checkpoint(Path(tmp) / name, config_dict(shape.pop("model_type"), **shape), seed=0, dtype=torch.bfloat16)
            entries[name] = {"name": name, "description": DESCRIPTIONS[name], "prompt_tokens": prompt_tokens, "max_tokens": max_tokens, "cells": []}
            result["shapes"].append(entries[name])
        for name, engine, chosen in cells(args.cells) if args.cells else ORDER[device.type]:
            if name not in entries or engine not in wanted & available:
                continue
            prompt_tokens, max_tokens, concurrencies = PLANS[device.type][name]
            if args.concurrency:
                concurrencies = tuple(int(c) for c in args.concurrency.split(","))
            elif chosen:
                concurrencies = chosen

            def record(cell: dict[str, Any], name: str = name) -> None:
                entries[name]["cells"].append(cell)
                print(json.dumps({"shape": name, **cell}), flush=True)
                save()

            bench_group(name, folders[name], device, engine, (prompt_tokens, max_tokens, concurrencies), deadline, record)
    save()
    markdown = render(result)
    print(markdown)
    if args.markdown:
        args.markdown.write_text(markdown, encoding="utf-8")
    if args.results:
        merge(result, args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
