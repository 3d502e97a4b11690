"""Worker generation throughput: the native model's KV-cache path against the no-cache generator.

    PYTHONPATH=trainer/worker /usr/bin/python3 bench/worker-generation/bench.py [--device cpu|cuda]
        [--shapes small-policy,qwen2-0.5b] [--concurrency 1,32,128] [--engines …]
        [--json FILE] [--markdown FILE] [--results bench/RESULTS.md] [--budget-s S]

For each model shape (random weights, written as a Hugging Face folder and loaded the way the
worker loads `--model`) and each path (drivers.py), one warm-up wave, then one timed wave per
concurrency: completion tokens/s = tokens produced / wave wall time; time to first token (TTFT)
= each request's first token after the wave's submission (p50 and max over the wave). The JSON is
rewritten after every cell, so a run cut short keeps what it measured; `--budget-s` skips the
cells left once it is spent (they are listed as skipped).

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
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint  # noqa: E402

DESCRIPTIONS = {"small-policy": "scripts/small-policy's shape: hidden 384, 6 layers, 6 heads, 2 KV heads, vocab 3072, 9.8M parameters",
                "qwen2-0.5b": "Qwen2.5-0.5B's shape: hidden 896, 24 layers, 14 heads, 2 KV heads, vocab 151936, random weights"}
PLANS = {  # shape → (prompt tokens, sampled tokens, concurrencies)
    "cuda": {"small-policy": (256, 128, (1, 32, 128)), "qwen2-0.5b": (256, 128, (1, 32, 128))},
    "cpu": {"small-policy": (64, 32, (1, 32, 128)), "qwen2-0.5b": (16, 8, (1, 8))},
}
HF_GENERATE_CELLS = {"qwen2-0.5b": (32, 128)}
"""The reference runs where its figures were measured before (each batch size compiles anew)."""
METHOD = ("One wave per cell: `concurrency` requests submitted at once to the worker's generation scheduler in-process "
          "(no HTTP), random prompt ids, temperature 1, EOS ignored so every request samples exactly its token count. "
          "Completion tokens/s = all tokens of the wave / wave wall time; TTFT = time from submission to each request's "
          "first token (p50, max). A warm-up wave precedes each path. The worker's default precision: fp32 master weights, "
          "bf16 autocast on CUDA, fp32 on CPU; `hf-generate` runs the bf16 model.")


def default_engines(device: torch.device) -> list[str]:
    has_transformers = importlib.util.find_spec("transformers") is not None
    if device.type == "cuda":
        return ["cached", "cached-graphs", "recompute-hf" if has_transformers else "recompute"] + (["hf-generate"] if has_transformers else [])
    return ["cached", "recompute"]


def machine() -> str:
    if torch.cuda.is_available():
        return f"{torch.cuda.get_device_name(0)}, {os.cpu_count()} CPU cores"
    return f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, {torch.get_num_threads()} torch threads"


def release(device: torch.device) -> None:
    gc.collect()
    if device.type == "cuda":
        torch.cuda.empty_cache()


def bench_shape(name: str, folder: Path, device: torch.device, engines: list[str], plan: tuple[int, int, tuple[int, ...]],
                deadline: float, record: Any) -> None:
    prompt_tokens, max_tokens, concurrencies = plan
    vocab = SHAPES[name]["vocab_size"]
    warm = prompts(vocab, 2, prompt_tokens, seed=99)
    for engine in engines:
        try:
            if engine == "hf-generate":
                if name not in HF_GENERATE_CELLS:
                    continue
                model = load_hf_bf16(folder, device)
                for c in HF_GENERATE_CELLS[name]:
                    if time.monotonic() > deadline:
                        record({"engine": engine, "concurrency": c, "error": "skipped (time budget)"})
                        continue
                    batch = prompts(vocab, c, prompt_tokens, seed=c)
                    hf_generate_wave(model, batch, max_tokens, seed=1)  # compiles / allocates for this batch size
                    record(asdict(hf_generate_wave(model, batch, max_tokens, seed=2)))
                del model
            else:
                worker = scheduler_worker(engine, folder, device, "bf16", max(concurrencies),
                                          max(concurrencies) * (prompt_tokens + max_tokens))
                worker.scheduler.start()
                try:
                    run_wave(worker, engine, warm, 4, seed=7)
                    for c in concurrencies:
                        if time.monotonic() > deadline:
                            record({"engine": engine, "concurrency": c, "error": "skipped (time budget)"})
                            continue
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
    args = parser.parse_args()
    device = torch.device(("cuda" if torch.cuda.is_available() else "cpu") if args.device == "auto" else args.device)
    engines = args.engines.split(",") if args.engines else default_engines(device)
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

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        for name in args.shapes.split(","):
            prompt_tokens, max_tokens, concurrencies = PLANS[device.type][name]
            if args.concurrency:
                concurrencies = tuple(int(c) for c in args.concurrency.split(","))
            shape = dict(SHAPES[name])
            folder = write_random_checkpoint(Path(tmp) / name, config_dict(shape.pop("model_type"), **shape), seed=0, dtype=torch.bfloat16)
            entry = {"name": name, "description": DESCRIPTIONS[name], "prompt_tokens": prompt_tokens, "max_tokens": max_tokens, "cells": []}
            result["shapes"].append(entry)

            def record(cell: dict[str, Any]) -> None:
                entry["cells"].append(cell)
                print(json.dumps({"shape": name, **cell}), flush=True)
                save()

            bench_shape(name, folder, device, engines, (prompt_tokens, max_tokens, concurrencies), deadline, record)
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
