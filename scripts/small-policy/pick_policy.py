"""Picks the quickstart's policy among the candidates build-quickstart-policy.sh built.

    python3 scripts/small-policy/pick_policy.py WORK OUT "BUILD COMMAND"

The quickstart validates on the training templates with held-out numbers at temperature 1, and
its curve should start at 0.3–0.5 so that GRPO has room to show (and the 10-minute CPU run can
reach 0.75). The candidates are listed in WORK/flags.txt in order of preference; the first whose
`sampled_t1/heldout_numbers` success lies in that band wins, and when none does, the one nearest
0.4. Copies it from WORK to OUT/model and writes
OUT/summary.json: the chosen build's summary plus every candidate's numbers, flags, log tail and
the reason.
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
        "sft_steps": summary["train"]["steps"],
        "final_loss": summary["train"]["final_loss"],
    }


def choose(rows: list[dict]) -> tuple[dict, str]:
    inside = [r for r in rows if BAND[0] <= r["t1_heldout_numbers"] <= BAND[1]]
    if inside:
        best = inside[0]
        return best, f"first candidate in order of preference with held-out success at T=1 in {BAND} ({best['t1_heldout_numbers']:.3f})"
    best = min(rows, key=lambda r: abs(r["t1_heldout_numbers"] - TARGET))
    return best, f"no candidate in {BAND}; nearest to {TARGET} ({best['t1_heldout_numbers']:.3f})"


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
        print(f"{r['name']:14} {r['params_M']:5.2f}M {r['disk_MB'] or 0:6.2f} MB  T=1 held-out numbers {r['t1_heldout_numbers']:.3f}  "
              f"templates {r['t1_heldout_templates']:.3f}  in-dist {r['t1_in_dist']:.3f}  greedy {r['greedy_heldout_numbers']:.3f}")
    print(f"chosen: {best['name']} — {why}; copied to {target}")


if __name__ == "__main__":
    main()
