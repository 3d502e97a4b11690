"""RL tasks for the GPU end-to-end run and the quickstart: synthetic problems in GSM8K's JSONL shape (`#### N`).

    python3 scripts/gpu-e2e/write_tasks.py OUT [--train 2000] [--validation 256] [--numbers heldout|train]

Training and validation both use the small policy's training templates, with different seeds so
no validation question is a training question. `--numbers heldout` (the GPU run) draws numbers
from the ranges the warm-up never saw (the warm policy solves about a third of these); `--numbers
train` (the quickstart) draws them from the warm-up's own ranges, leaving out every question of
the warm-up's demonstrations (build_model.py's defaults: 30,000 problems, seed 0), so the problems
are new to the policy but not its numbers. examples/quickstart/tasks/ was written with
`--train 1000 --validation 128 --numbers train`.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "small-policy"))
from problems import make_set  # noqa: E402

WARMUP_PROBLEMS, WARMUP_SEED = 30_000, 0


def write(path, problems):
    with open(path, "w", encoding="utf-8") as file:
        for p in problems:
            file.write(json.dumps({"question": p["question"], "answer": f"#### {p['answer']}", "template": p["template"]}) + "\n")


def fresh(count, numbers, seed, seen):
    """`count` problems whose questions are not in `seen`, drawn from a set large enough to leave them out."""
    pool = [p for p in make_set(count * 3, "train", numbers, seed) if p["question"] not in seen]
    unique = list({p["question"]: p for p in pool}.values())
    if len(unique) < count:
        raise SystemExit(f"only {len(unique)} new {numbers}-number problems for {count} asked")
    return unique[:count]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--validation", type=int, default=256)
    parser.add_argument("--numbers", choices=["heldout", "train"], default="heldout")
    args = parser.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    if args.numbers == "heldout":
        train = make_set(args.train, "train", "heldout", 777)
        validation = [p for p in make_set(args.validation, "train", "heldout", 888) if p["question"] not in {t["question"] for t in train}]
    else:
        warmup = {p["question"] for p in make_set(WARMUP_PROBLEMS, "train", "train", WARMUP_SEED)}
        train = fresh(args.train, "train", 777, warmup)
        validation = fresh(args.validation, "train", 888, warmup | {t["question"] for t in train})
    write(os.path.join(out, "train.jsonl"), train)
    write(os.path.join(out, "validation.jsonl"), validation)
    print(f"tasks: {len(train)} train, {len(validation)} validation ({args.numbers} numbers) in {out}")


if __name__ == "__main__":
    main()
