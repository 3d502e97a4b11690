"""Stands in for `rollcall train` in tune()'s tests: reads the flags tune passes, calls the served
workflow and judge once each like the trainer does, prints the lines the real CLI prints."""

import json
import os
import sys
import urllib.request
from pathlib import Path

from service_fixture import judge_body, workflow_body


def flag(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


run_dir = os.path.join(os.environ["FAKE_RUNS_DIR"], "run-1")
os.makedirs(run_dir, exist_ok=True)
print(f"rollcall train: fake/run, learner {flag('--backbone')}, run folder {run_dir}", flush=True)
with open(os.path.join(run_dir, "seen.json"), "w") as seen:
    json.dump({"argv": sys.argv[1:], "conf": Path(flag("--conf")).read_text(),
               "workflow": post(flag("--workflow-url"), workflow_body()),
               "judge": post(flag("--judge-url"), judge_body()) if flag("--judge-url") else None}, seen)
if os.environ.get("FAKE_EXIT"):
    sys.stderr.write("rollcall train: it broke\n")
    sys.exit(int(os.environ["FAKE_EXIT"]))
print(f"done: 1 step(s); last step reward 1.000, success 1.000, failed rollouts 0\n  run folder: {run_dir}", flush=True)
