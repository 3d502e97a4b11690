"""Engine/learner logprob agreement of the native KV-cache path, on a GPU-sized model.

    PYTHONPATH=trainer/worker:test/worker python3 test/worker/engine_learner_agreement.py \
        --shape qwen2-0.5b --device cuda --dtypes fp32,bf16 [--out FILE]

Measured as the worker reports it in training: a random model of the shape (fp32 master weights),
32 prompts of 256 random ids, 128 tokens sampled each at temperature 1 through the worker's
scheduler with its KV cache (and, with `--cuda-graphs on|both`, decode replayed as CUDA graphs), then one learner step over the samples (lr 1e-9) whose
`learner/logprob_diff_mean`/`_max` compare the engine's logprobs with the learner's recomputation
(a right-padded full forward). Bounds: mean |Δ| ≤ 1e-3 in fp32, ≤ 2e-2 in bf16. Exits 1 beyond.
"""

from __future__ import annotations

import argparse
import json
import queue
import sys
import tempfile
from pathlib import Path

import torch

from rollcall_worker.detokenize import TextTracker
from rollcall_worker.native.policy import NativePolicy
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint
from rollcall_worker.sampling import SamplingParams, SeededDraws
from rollcall_worker.sequence import Sequence
from rollcall_worker.train_request import Hyper
from rollcall_worker.worker import build_worker
from worker_fixture import as_sample

BOUNDS = {"fp32": 1e-3, "bf16": 2e-2}
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


class IdTokenizer:
    vocab_size = 1 << 20
    eos_token_ids: frozenset[int] = frozenset()
    pad_token_id = 0

    def decode(self, ids, skip_special_tokens: bool) -> str:
        return " ".join(str(i) for i in ids)

    def token_string(self, token_id: int) -> str:
        return str(token_id)


def measure(folder: Path, vocab: int, device: torch.device, dtype: str, rows: int, prompt: int, tokens: int, graphs: bool) -> dict:
    policy = NativePolicy(str(folder), device, DTYPES[dtype], torch.float32, None, None, False)
    worker = build_worker(policy, IdTokenizer(), "agreement", max_num_seqs=rows, cuda_graphs=graphs)
    generator = torch.Generator().manual_seed(0)
    events: "queue.Queue" = queue.Queue()
    sequences = []
    for i in range(rows):
        ids = torch.randint(3, vocab, (prompt,), generator=generator).tolist()
        sequences.append(Sequence(i, ids, SamplingParams(max_tokens=tokens, seed=i, ignore_eos=True), SeededDraws(i),
                                  TextTracker(worker.tokenizer, ids, True), events, frozenset()))
    worker.scheduler.submit(sequences)
    while worker.scheduler.pending:
        worker.scheduler.step()
    metrics = worker.learner.train_step([as_sample(s, 1.0) for s in sequences], Hyper(lr=1e-9, microBatchSize=8))
    mean, worst = metrics["learner/logprob_diff_mean"], metrics["learner/logprob_diff_max"]
    return {"dtype": dtype, "cuda_graphs": graphs, "rows": rows, "prompt_tokens": prompt, "sampled_tokens": tokens, "logprob_diff_mean": mean,
            "logprob_diff_max": worst, "bound_mean": BOUNDS[dtype], "within_bound": mean <= BOUNDS[dtype]}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="qwen2-0.5b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtypes", default="fp32,bf16")
    parser.add_argument("--cuda-graphs", default="off", choices=("off", "on", "both"), help="decode with CUDA graphs (on CUDA)")
    parser.add_argument("--rows", type=int, default=32)
    parser.add_argument("--prompt-tokens", type=int, default=256)
    parser.add_argument("--sampled-tokens", type=int, default=128)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    shape = dict(SHAPES[args.shape])
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_random_checkpoint(Path(tmp), config_dict(shape.pop("model_type"), **shape), seed=0)
        variants = {"off": [False], "on": [True], "both": [False, True]}[args.cuda_graphs]
        for dtype in args.dtypes.split(","):
            for graphs in variants:
                results.append({"shape": args.shape, **measure(folder, shape["vocab_size"], torch.device(args.device), dtype,
                                                              args.rows, args.prompt_tokens, args.sampled_tokens, graphs)})
                print(json.dumps(results[-1]), flush=True)
                if args.out:  # after each variant: a run cut short keeps what it measured
                    Path(args.out).write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
                if torch.cuda.is_available():
                    torch.cuda.empty_cache()
    return 0 if all(r["within_bound"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
