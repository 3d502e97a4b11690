"""Picks the quickstart's policy among the candidates build-quickstart-policy.sh built.

    python3 scripts/small-policy/pick_policy.py WORK OUT "BUILD COMMAND"

The quickstart trains and validates on new problems of the warm-up's templates and number ranges
(the summary's `in_dist` set) at temperature 1; its curve should start at 0.3–0.5 so that GRPO has
room to show, and the policy should solve nearly all of them greedily, so that what GRPO has to
remove is sampling noise and habits, which it does in minutes. Among the candidates whose
`sampled_t1/in_dist` success lies in that band, the one with the highest `greedy/in_dist` wins
(then the one nearest 0.4); when none lies in the band, the one nearest 0.4. Copies it from WORK
to OUT/model and writes OUT/summary.json: the chosen build's summary plus every candidate's
numbers, flags, log tail and the reason.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

BAND = (0.3, 0.5)
TARGET = 0.4


def row(name: str, flags: str, summary: dict, log: list[str]) -> dict:
    ev = summary["eval"]
    return {
        "name": name,
        "flags": flags,
        "log_tail": log,
        "params_M": summary["model"]["params_M"],
        "disk_MB": summary["model"].get("disk_MB"),
        "t1_heldout_numbers": ev["sampled_t1/heldout_numbers"]["success"],
        "t1_heldout_templates": ev["sampled_t1/heldout_templates"]["success"],
        "t1_in_dist": ev["sampled_t1/in_dist"]["success"],
        "greedy_heldout_numbers": ev["greedy/heldout_numbers"]["success"],
        "greedy_in_dist": ev["greedy/in_dist"]["success"],
        "sft_steps": summary["train"]["steps"],
        "final_loss": summary["train"]["final_loss"],
    }


def choose(rows: list[dict]) -> tuple[dict, str]:
    inside = [r for r in rows if BAND[0] <= r["t1_in_dist"] <= BAND[1]]
    if inside:
        best = max(inside, key=lambda r: (r["greedy_in_dist"], -abs(r["t1_in_dist"] - TARGET)))
        return best, f"in-distribution success at T=1 in {BAND} ({best['t1_in_dist']:.3f}) with the highest greedy success ({best['greedy_in_dist']:.3f})"
    best = min(rows, key=lambda r: abs(r["t1_in_dist"] - TARGET))
    return best, f"no candidate in {BAND}; nearest to {TARGET} ({best['t1_in_dist']:.3f})"


def _tail(path: Path, lines: int) -> list[str]:
    return path.read_text(errors="replace").splitlines()[-lines:] if path.exists() else []


def main() -> None:
    work, out, command = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    flags = dict(line.split(": ", 1) for line in (work / "flags.txt").read_text().splitlines() if ": " in line)
    summaries = {name: json.loads((work / name / "summary.json").read_text()) for name in flags if (work / name / "summary.json").exists()}
    for name in flags:
        if name not in summaries:
            print(f"{name} failed:\n" + "\n".join(_tail(work / f"{name}.log", 30)))
    if not summaries:
        raise SystemExit(f"no candidate finished; logs in {work}")
    rows = [row(name, flags[name], summaries[name], _tail(work / f"{name}.log", 12)) for name in flags if name in summaries]
    best, why = choose(rows)
    target = out / "model"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(work / best["name"] / "model", target)
    summary = {"chosen": best["name"], "why": why, "build_command": command, "candidates": rows, **summaries[best["name"]]}
    summary["model"]["folder"] = "model"
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    for r in rows:
        print(f"{r['name']:18} {r['params_M']:5.2f}M {r['disk_MB'] or 0:6.2f} MB  in-dist T=1 {r['t1_in_dist']:.3f} greedy {r['greedy_in_dist']:.3f}  "
              f"held-out numbers T=1 {r['t1_heldout_numbers']:.3f} greedy {r['greedy_heldout_numbers']:.3f}  final SFT loss {r['final_loss']:.3f}")
    print(f"chosen: {best['name']} — {why}; copied to {target}")


if __name__ == "__main__":
    main()
