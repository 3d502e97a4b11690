"""Markdown for bench/RESULTS.md from a bench JSON, and the marked section it lives in.

    python3 bench/worker-generation/report.py RESULT.json --results bench/RESULTS.md

replaces the section of RESULT.json's device (`worker-generation-cpu` or `-cuda`) in RESULTS.md,
so a run measured on another machine (the GPU) is merged here. Sections are delimited as the
other benches delimit theirs (bench/results-sections.ts): each bench replaces only its own.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import Any

LABELS = {
    "cached": "native + KV cache (new)",
    "cached-graphs": "native + KV cache + CUDA graphs (new)",
    "recompute": "no cache, native model (current generator)",
    "recompute-hf": "no cache, transformers model (current worker)",
    "hf-generate": "transformers `generate`, static cache (reference)",
}


def section_name(result: dict[str, Any]) -> str:
    return f"worker-generation-{result['device']}"


def render(result: dict[str, Any]) -> str:
    lines = [f"## Worker generation ({result['device'].upper()})", ""]
    lines.append(f"Produced by `{result['command']}` on {result['date']}; {result['machine']}; torch {result['torch']}"
                 + (f", transformers {result['transformers']}" if result.get("transformers") else "") + ".")
    lines.append("")
    lines.append(result["method"])
    for shape in result["shapes"]:
        lines += ["", f"**{shape['name']}** ({shape['description']}; {shape['prompt_tokens']}-token prompts, "
                  f"{shape['max_tokens']} sampled tokens each)", ""]
        measured = [c for c in shape["cells"] if "tokens_per_s" in c]
        baseline = {c["concurrency"]: c["tokens_per_s"] for c in measured if c["engine"] in ("recompute", "recompute-hf")}
        reference = {c["concurrency"]: c["tokens_per_s"] for c in measured if c["engine"] == "hf-generate"}
        columns = ["path", "concurrency", "completion tokens/s", "vs current"] + (["vs HF generate"] if reference else []) + ["TTFT p50", "TTFT max", "wall"]
        lines.append("| " + " | ".join(columns) + " |")  # "vs HF generate" only where the reference ran (CUDA)
        lines.append("| --- |" + " ---: |" * (len(columns) - 1))
        order = list(LABELS)
        for cell in sorted(shape["cells"], key=lambda c: (order.index(c["engine"]) if c["engine"] in order else len(order), c["concurrency"])):
            label = LABELS.get(cell["engine"], cell["engine"])
            if "error" in cell:
                row = [label, str(cell["concurrency"]), cell["error"]] + [""] * (len(columns) - 3)
            else:
                ratio = lambda table: f"{cell['tokens_per_s'] / table[cell['concurrency']]:.2f}×" if cell["concurrency"] in table else ""  # noqa: E731
                ttft = lambda v: "n/a" if v is None else f"{v * 1000:.0f} ms"  # noqa: E731
                row = ([label, str(cell["concurrency"]), f"{cell['tokens_per_s']:,.0f}", ratio(baseline)] + ([ratio(reference)] if reference else [])
                       + [ttft(cell["ttft_p50_s"]), ttft(cell["ttft_max_s"]), f"{cell['wall_s']:.2f} s"])
            lines.append("| " + " | ".join(row) + " |")
    if result.get("notes"):
        lines += [""] + [f"- {note}" for note in result["notes"]]
    return "\n".join(lines) + "\n"


def replace_section(document: str, name: str, body: str) -> str:
    marked = f"<!-- bench:{name}:start -->\n{body.rstrip()}\n<!-- bench:{name}:end -->\n"
    pattern = re.compile(rf"<!-- bench:{re.escape(name)}:start -->[\s\S]*?<!-- bench:{re.escape(name)}:end -->\n?")
    if pattern.search(document):
        return pattern.sub(lambda _m: marked, document)
    return f"{document.rstrip()}\n\n{marked}"


def merge(result: dict[str, Any], results_file: Path) -> None:
    document = results_file.read_text(encoding="utf-8") if results_file.exists() else ""
    results_file.write_text(replace_section(document, section_name(result), render(result)), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("result", type=Path)
    parser.add_argument("--results", type=Path, default=Path("bench/RESULTS.md"))
    args = parser.parse_args()
    merge(json.loads(args.result.read_text(encoding="utf-8")), args.results)
    print(f"updated {args.results}")


if __name__ == "__main__":
    main()
