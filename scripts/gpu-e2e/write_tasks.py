"""RL tasks for the GPU end-to-end run and the quickstart: synthetic problems in GSM8K's JSONL shape (`#### N`).

    python3 scripts/gpu-e2e/write_tasks.py OUT [--train 2000] [--validation 256]

Training and validation both use the small policy's training templates with its held-out number
ranges (the warm policy solves roughly a third of these), with different seeds so no validation
question is a training question. examples/quickstart/tasks/ was written with
`--train 1000 --validation 128`.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "small-policy"))
from problems import make_set  # noqa: E402


def write(path, problems):
    with open(path, "w", encoding="utf-8") as file:
        for p in problems:
            file.write(json.dumps({"question": p["question"], "answer": f"#### {p['answer']}", "template": p["template"]}) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--train", type=int, default=2000)
    parser.add_argument("--validation", type=int, default=256)
    args = parser.parse_args()
    out = args.out
    os.makedirs(out, exist_ok=True)
    train = make_set(args.train, "train", "heldout", 777)
    validation = make_set(args.validation, "train", "heldout", 888)
    seen = {p["question"] for p in train}
    validation = [p for p in validation if p["question"] not in seen]
    write(os.path.join(out, "train.jsonl"), train)
    write(os.path.join(out, "validation.jsonl"), validation)
    print(f"tasks: {len(train)} train, {len(validation)} validation in {out}")


if __name__ == "__main__":
    main()
