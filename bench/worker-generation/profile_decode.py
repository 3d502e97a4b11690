"""Where a decode step's time goes: torch.profiler over a few steps, 0.5B shape, CUDA.

    PYTHONPATH=trainer/worker:bench/worker-generation python3 bench/worker-generation/profile_decode.py --out profile.txt [--batches 32,128]

A random Qwen2-0.5B-shaped model (fp32 master weights, bf16 autocast: the worker's default), each
batch's sequences of 256 prompt tokens admitted at once and stepped through the worker's scheduler
in-process. For decode with CUDA graphs (the default), and eagerly at the first batch: the mean wall time of a decode
step, then the top ops by self CUDA time and by self CPU time over a few profiled steps. The
scheduler marks its phases (`generation.logits`, `generation.sample`, `generation.accept`).
"""

from __future__ import annotations

import argparse
import queue
import sys
import tempfile
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

sys.path.insert(0, str(Path(__file__).resolve().parent))
from drivers import NumberTokenizer, prompts  # noqa: E402
from rollcall_worker.detokenize import TextTracker  # noqa: E402
from rollcall_worker.native.policy import NativePolicy  # noqa: E402
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint  # noqa: E402
from rollcall_worker.sampling import SamplingParams, SeededDraws  # noqa: E402
from rollcall_worker.sequence import Sequence  # noqa: E402
from rollcall_worker.worker import build_worker  # noqa: E402

PROMPT, WARM_STEPS, TIMED_STEPS, PROFILED_STEPS, TOP = 256, 8, 20, 5, 15


def profile_variant(policy: NativePolicy, shape: str, batch_size: int, graphs: bool) -> list[str]:
    tokenizer = NumberTokenizer()
    max_tokens = WARM_STEPS + TIMED_STEPS + PROFILED_STEPS + 2
    worker = build_worker(policy, tokenizer, "profile", max_num_seqs=batch_size, kv_cache_tokens=batch_size * (PROMPT + max_tokens + 16),
                          cuda_graphs=graphs)
    events: "queue.Queue" = queue.Queue()
    batch = prompts(SHAPES[shape]["vocab_size"], batch_size, PROMPT, seed=3)
    worker.scheduler.submit([Sequence(i, p, SamplingParams(max_tokens=max_tokens, ignore_eos=True), SeededDraws(i),
                                      TextTracker(tokenizer, p, True), events, frozenset()) for i, p in enumerate(batch)])
    scheduler = worker.scheduler
    for _ in range(WARM_STEPS):  # the prefill, graph capture, allocator warm-up
        scheduler.step()
    started = time.perf_counter()
    for _ in range(TIMED_STEPS):
        scheduler.step()  # each step ends by copying its tokens to the host: wall time is the step's
    step_ms = (time.perf_counter() - started) / TIMED_STEPS * 1000
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(PROFILED_STEPS):
            scheduler.step()
    averages = prof.key_averages()
    cuda = policy.device.type == "cuda"
    title = f"decode at batch {batch_size}, {'CUDA graphs' if graphs else 'eager'}: {step_ms:.2f} ms per step (mean of {TIMED_STEPS})"
    return [f"== {title}; {PROFILED_STEPS} profiled steps",
            *([averages.table(sort_by="self_cuda_time_total", row_limit=TOP, max_name_column_width=60)] if cuda else []),
            averages.table(sort_by="self_cpu_time_total", row_limit=TOP, max_name_column_width=60)]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shape", default="qwen2-0.5b", choices=sorted(SHAPES))
    parser.add_argument("--batches", default="32", help="comma-separated batch sizes (default 32)")
    parser.add_argument("--device", default="cuda", help="cuda (CPU only to check the script: no graphs, no CUDA times)")
    args = parser.parse_args()
    device = torch.device(args.device)
    lines = [f"{torch.cuda.get_device_name(0) if device.type == 'cuda' else 'CPU'}; torch {torch.__version__}; {args.shape}"]
    with tempfile.TemporaryDirectory() as tmp:
        shape = dict(SHAPES[args.shape])
        folder = write_random_checkpoint(Path(tmp) / args.shape, config_dict(shape.pop("model_type"), **shape), seed=0, dtype=torch.bfloat16)
        compute = torch.bfloat16 if device.type == "cuda" else torch.float32
        policy = NativePolicy(str(folder), device, compute, torch.float32, None, None, False)
        batches = [int(b) for b in args.batches.split(",")]
        variants = [(b, True) for b in batches] + [(batches[0], False)] if device.type == "cuda" else [(batches[0], False)]
        for batch_size, graphs in variants:
            lines += profile_variant(policy, args.shape, batch_size, graphs)
            args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(next(line for line in lines if line.startswith("== ") and line in lines[-3:]), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
