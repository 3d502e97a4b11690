"""RL tasks for the GPU end-to-end run: synthetic problems in GSM8K's JSONL shape (`#### N`).

Training and validation both use the small policy's training templates with its held-out number
ranges (the warm policy solves roughly a third of these), with different seeds so no validation
question is a training question.
"""

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
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    train = make_set(2000, "train", "heldout", 777)
    validation = make_set(256, "train", "heldout", 888)
    seen = {p["question"] for p in train}
    validation = [p for p in validation if p["question"] not in seen]
    write(os.path.join(out, "train.jsonl"), train)
    write(os.path.join(out, "validation.jsonl"), validation)
    print(f"tasks: {len(train)} train, {len(validation)} validation in {out}")


if __name__ == "__main__":
    main()
