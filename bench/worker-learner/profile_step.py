"""Where a learner micro-batch's time goes: the native model against transformers' on the same weights (CUDA).

    PYTHONPATH=trainer/worker python3 bench/worker-learner/profile_step.py --out learner-profile.txt [--shape small-policy]

Both as the worker builds them (`NativePolicy`, `HfPolicy`: fp32 master weights, bf16 autocast) from
one random checkpoint, in train mode. One micro-batch as the GPU end-to-end run trains it: 32
left-padded rows of 160–260 tokens; forward, log-softmax of the next tokens, their mean, backward.
Per implementation: the mean wall time over 20 repeats after 5 warm-ups, then torch.profiler's top
ops by self CUDA time over 3 more. Needs transformers (the GPU machine).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import torch
from torch.profiler import ProfilerActivity, profile

from rollcall_worker.model_loading import HfPolicy
from rollcall_worker.native.policy import NativePolicy
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint
from rollcall_worker.policy_model import PolicyModel, autocast

ROWS, WARM, TIMED, PROFILED, TOP = 32, 5, 20, 3, 20


def batch(vocab: int, device: torch.device) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    lengths = torch.randint(160, 261, (ROWS,), generator=generator).tolist()
    width = max(lengths)
    ids = torch.zeros(ROWS, width, dtype=torch.long)
    mask = torch.zeros(ROWS, width, dtype=torch.long)
    for i, n in enumerate(lengths):
        ids[i, width - n :] = torch.randint(3, vocab, (n,), generator=generator)
        mask[i, width - n :] = 1
    return ids.to(device), mask.to(device), (mask.cumsum(1) - 1).clamp(min=0).to(device)


def step(policy: PolicyModel, ids: torch.Tensor, mask: torch.Tensor, positions: torch.Tensor) -> None:
    with autocast(policy):
        logits = policy.forward_logits(ids, mask, positions)
    logprobs = torch.log_softmax(logits[:, :-1].float(), -1).gather(2, ids[:, 1:].unsqueeze(2)).squeeze(2)
    (-(logprobs * mask[:, 1:]).sum() / mask.sum()).backward()
    for param in policy.trainable_parameters():
        param.grad = None


def measure(name: str, policy: PolicyModel, inputs: tuple[torch.Tensor, ...]) -> list[str]:
    policy.module.train()
    for _ in range(WARM):
        step(policy, *inputs)
    torch.cuda.synchronize()
    started = time.perf_counter()
    for _ in range(TIMED):
        step(policy, *inputs)
    torch.cuda.synchronize()
    mean_ms = (time.perf_counter() - started) / TIMED * 1000
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        for _ in range(PROFILED):
            step(policy, *inputs)
        torch.cuda.synchronize()
    table = prof.key_averages().table(sort_by="self_cuda_time_total", row_limit=TOP, max_name_column_width=60)
    return [f"== {name}: {mean_ms:.1f} ms per micro-batch (forward + backward, mean of {TIMED}); {PROFILED} profiled", table]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shape", default="small-policy", choices=sorted(SHAPES))
    args = parser.parse_args()
    device = torch.device("cuda")
    lines = [f"{torch.cuda.get_device_name(0)}; torch {torch.__version__}; {args.shape}; {ROWS} rows of 160-260 tokens"]
    with tempfile.TemporaryDirectory() as tmp:
        shape = dict(SHAPES[args.shape])
        folder = write_random_checkpoint(Path(tmp) / args.shape, config_dict(shape.pop("model_type"), **shape), seed=0)
        inputs = batch(SHAPES[args.shape]["vocab_size"], device)
        for name, build in (("native", lambda: NativePolicy(str(folder), device, torch.bfloat16, torch.float32, None, None, False)),
                            ("transformers", lambda: HfPolicy(str(folder), device, torch.bfloat16, torch.float32, None, None, False))):
            lines += measure(name, build(), inputs)
            args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")
            print(lines[-2], flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
