"""Native model vs transformers on the same random weights: per-token logprob differences.

    PYTHONPATH=trainer/worker:test/worker python3 test/worker/native_agreement.py \
        --shape qwen2-0.5b --device cuda --dtype bf16 [--out FILE]

Writes a random checkpoint with the worker's own writer, loads it in transformers
(`AutoModelForCausalLM`, sdpa attention) and natively, and compares log-softmax of both on a
left-padded batch (the padding the generator uses) at every real position, under the same
autocast. Then the reverse direction: transformers' `save_pretrained` folder loaded natively must
give the same logits as the native model had. Exits 1 when a bound is exceeded.
Bounds: the issue's engine/learner bounds, ≤ 1e-3 mean |Δ| in fp32 (max ≤ 1e-2) and ≤ 2e-2 in bf16.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import torch

from rollcall_worker.native.policy import NativePolicy
from rollcall_worker.native.random_checkpoint import SHAPES, config_dict, write_random_checkpoint
from rollcall_worker.policy_model import autocast

BOUNDS = {"fp32": (1e-3, 1e-2), "bf16": (2e-2, None)}
DTYPES = {"fp32": torch.float32, "bf16": torch.bfloat16}


def _load_transformers(folder: Path, device: torch.device) -> Any:
    import transformers
    from transformers import AutoModelForCausalLM

    key = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"
    return AutoModelForCausalLM.from_pretrained(str(folder), attn_implementation="sdpa", **{key: torch.float32}).to(device).eval()


def _batch(vocab: int, lengths: list[int], seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    width = max(lengths)
    ids = torch.zeros(len(lengths), width, dtype=torch.long)
    mask = torch.zeros(len(lengths), width, dtype=torch.long)
    for i, n in enumerate(lengths):
        ids[i, width - n :] = torch.randint(3, vocab, (n,), generator=generator)
        mask[i, width - n :] = 1
    return ids, mask, (mask.cumsum(1) - 1).clamp(min=0)


def compare(raw: dict[str, Any], device: torch.device, dtype: str, lengths: list[int], seed: int = 0) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = write_random_checkpoint(Path(tmp) / "native", raw, seed=seed)
        reference = _load_transformers(folder, device)
        native = NativePolicy(str(folder), device, DTYPES[dtype] if device.type == "cuda" else torch.float32,
                              torch.float32, None, None, False)
        ids, mask, positions = (t.to(device) for t in _batch(raw["vocab_size"], lengths, seed))
        with torch.no_grad(), autocast(native):
            theirs = reference(input_ids=ids, attention_mask=mask, position_ids=positions, use_cache=False).logits
            ours = native.forward_logits(ids, mask, positions)
        real = mask.bool()
        delta = (torch.log_softmax(ours.float(), -1) - torch.log_softmax(theirs.float(), -1)).abs()[real]
        saved = Path(tmp) / "saved-by-transformers"
        reference.save_pretrained(str(saved))
        reloaded = NativePolicy(str(saved), device, native.compute_dtype, torch.float32, None, None, False)
        with torch.no_grad(), autocast(reloaded):
            again = reloaded.forward_logits(ids, mask, positions)
        return {
            "family": raw["model_type"], "device": device.type, "dtype": dtype, "tokens": int(real.sum()),
            "mean_abs_dlogprob": float(delta.mean()), "max_abs_dlogprob": float(delta.max()),
            "reloaded_from_transformers_max_abs_dlogit": float((again.float() - ours.float()).abs().max()),
        }


def within_bounds(result: dict[str, Any]) -> bool:
    mean_bound, max_bound = BOUNDS[result["dtype"]]
    ok = result["mean_abs_dlogprob"] <= mean_bound and result["reloaded_from_transformers_max_abs_dlogit"] <= 1e-5
    return ok and (max_bound is None or result["max_abs_dlogprob"] <= max_bound)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shape", choices=sorted(SHAPES), default="qwen2-0.5b")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default="fp32")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    shape = dict(SHAPES[args.shape])
    raw = config_dict(shape.pop("model_type"), **shape)
    result = compare(raw, torch.device(args.device), args.dtype, lengths=[256, 200, 31, 256])
    result.update({"shape": args.shape, "within_bounds": within_bounds(result), "bounds": BOUNDS[args.dtype]})
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0 if result["within_bounds"] else 1


if __name__ == "__main__":
    sys.exit(main())
