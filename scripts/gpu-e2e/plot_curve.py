"""Draws a run's metrics over steps as an SVG (standard library only): `reward` (train reward and
held-out success) or `discipline` (the tool-discipline rates on the held-out tasks).

    python3 scripts/gpu-e2e/plot_curve.py metrics.jsonl out.svg [title] [reward|discipline]
"""

import json
import sys

W, H, PAD = 640, 360, 48
CHARTS = {
    "reward": [("reward/mean", "train reward", "#1f77b4"), ("val/pass@1", "held-out success (pass@1)", "#d62728")],
    "discipline": [
        ("val/tool/print_rate", "code calls that print", "#2ca02c"),
        ("val/tool/answered_before_result_rate", "rollouts answering before the tool result", "#d62728"),
        ("val/tool/disciplined_rate", "rollouts with tool use + print + waiting", "#1f77b4"),
    ],
}


def main():
    rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    title = sys.argv[3] if len(sys.argv) > 3 else "reward by step"
    series = CHARTS[sys.argv[4] if len(sys.argv) > 4 else "reward"]
    last = max(r["step"] for r in rows) or 1
    x = lambda step: PAD + (W - 2 * PAD) * step / last  # noqa: E731
    y = lambda value: H - PAD - (H - 2 * PAD) * value  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="{W / 2}" y="20" text-anchor="middle" font-size="14">{title}</text>']
    for v in (0, 0.25, 0.5, 0.75, 1.0):
        parts.append(f'<line x1="{PAD}" x2="{W - PAD}" y1="{y(v)}" y2="{y(v)}" stroke="#ddd"/><text x="{PAD - 6}" y="{y(v) + 4}" text-anchor="end">{v:.2f}</text>')
    for s in range(0, last + 1, max(1, last // 5)):
        parts.append(f'<text x="{x(s)}" y="{H - PAD + 16}" text-anchor="middle">{s}</text>')
    parts.append(f'<text x="{W / 2}" y="{H - 8}" text-anchor="middle">step</text>')
    for i, (key, label, colour) in enumerate(series):
        points = [(r["step"], r[key]) for r in rows if isinstance(r.get(key), (int, float))]
        path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in points)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{path}"/>')
        parts += [f'<circle cx="{x(s):.1f}" cy="{y(v):.1f}" r="3" fill="{colour}"/>' for s, v in points] if key.startswith("val/") else []
        parts.append(f'<rect x="{PAD + 10}" y="{PAD + i * 18 - 10}" width="12" height="3" fill="{colour}"/><text x="{PAD + 28}" y="{PAD + i * 18 - 6}">{label}</text>')
    parts.append("</svg>")
    with open(sys.argv[2], "w", encoding="utf-8") as out:
        out.write("\n".join(parts) + "\n")


if __name__ == "__main__":
    main()
