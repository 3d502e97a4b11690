"""Trains the Python math agent with one call: rollcall.tune serves workflow and judge from this
process and runs `rollcall train` with python.yaml's settings, showing its progress.

    pip install -e adapters/python          # or PYTHONPATH=adapters/python
    python3 examples/math-agent/python_tune.py --backbone debug --steps 2
"""

import argparse
import os

import rollcall
from python_agent import workflow
from python_judge import judge

HERE = os.path.dirname(os.path.abspath(__file__))

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backbone", choices=["debug", "worker"], help="debug: everything but the learner")
    parser.add_argument("--steps", type=int, help="override schedule.steps")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="override a configuration key (as rollcall train --set)")
    args = parser.parse_args()
    overrides = dict(assignment.split("=", 1) for assignment in args.set)
    run_dir = rollcall.tune(workflow, judge, config_path=os.path.join(HERE, "python.yaml"), backbone=args.backbone, steps=args.steps, overrides=overrides)
    print(f"rollcall.tune returned {run_dir}")
