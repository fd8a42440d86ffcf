"""Learning curves of training runs: the tokenizer ceiling (or generator adherence) against CPU
time, read from the runs' ``log.jsonl``, as a table and a plot.

    python -m hart_export.curves runs/abl/* --out ../docs/tokenizer-ablation.png --table ../docs/tokenizer-ablation.md
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path


def read_evals(log: Path, stage: str = "tokenizer-eval") -> list[dict]:
    """The evaluation records of one run, in order (lines that are not JSON are named, not skipped)."""
    rows = []
    for n, line in enumerate(log.read_text().splitlines(), 1):
        if not line.strip():
            continue
        try:
            r = json.loads(line)
        except json.JSONDecodeError as e:
            raise ValueError(f"{log}:{n}: not a JSON line ({e.msg})") from None
        if r.get("stage") == stage:
            rows.append(r)
    return rows


def _metric(r: dict, kind: str, key: str) -> float:
    return r["ceiling"][kind][key]


def table(runs: dict[str, list[dict]]) -> str:
    """Markdown: per run, its last evaluation (steps, CPU minutes, images, ceilings, PSNR) and the
    discrete ceiling's best per CPU-minute."""
    head = ("| run | steps | CPU min | images | discrete all | hybrid all | shape | colour | pattern | count | "
            "PSNR shapes D / H | PSNR photos D / H |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    lines = []
    for name, rows in runs.items():
        if not rows:
            lines.append(f"| {name} | no evaluation yet |||||||||||")
            continue
        r = rows[-1]
        d, h = r["ceiling"]["discrete"], r["ceiling"]["hybrid"]
        lines.append(f"| {name} | {r['step']} | {r['cpu_s'] / 60:.1f} | {r.get('images', '')} | {d['all']:.3f} | {h['all']:.3f} | "
                     f"{d['shape']:.2f} | {d['colour']:.2f} | {d['pattern']:.2f} | {d['count']:.2f} | "
                     f"{d['psnr_shapes']:.2f} / {h['psnr_shapes']:.2f} | "
                     f"{d.get('psnr_photos', float('nan')):.2f} / {h.get('psnr_photos', float('nan')):.2f} |")
    return head + "\n".join(lines) + "\n"


def plot(runs: dict[str, list[dict]], path: Path, title: str) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    panels = [("discrete", "all", "discrete ceiling (all attributes)"), ("hybrid", "all", "hybrid ceiling"),
              ("discrete", "psnr_shapes", "discrete PSNR, shapes (dB)"), ("discrete", "shape", "discrete: shape read back"),
              ("discrete", "colour", "discrete: colour"), ("discrete", "pattern", "discrete: pattern")]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (kind, key, label) in zip(axes.flat, panels):
        for name, rows in runs.items():
            if rows:
                ax.plot([r["cpu_s"] / 60 for r in rows], [_metric(r, kind, key) for r in rows], marker="o", ms=3, label=name)
        ax.set_title(label, fontsize=10); ax.set_xlabel("CPU minutes"); ax.grid(alpha=0.3)
    axes.flat[0].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.curves")
    ap.add_argument("runs", nargs="+", type=Path, help="run folders holding log.jsonl")
    ap.add_argument("--out", type=Path, help="plot (PNG)"); ap.add_argument("--table", type=Path, help="Markdown table")
    ap.add_argument("--title", default="HART-tiny tokenizer: ceiling against CPU time")
    a = ap.parse_args(argv)
    runs = {}
    for r in a.runs:
        log = r / "log.jsonl"
        if not log.is_file():
            ap.error(f"{r}: no log.jsonl in this folder")
        runs[r.name] = read_evals(log)
    text = table(runs)
    print(text)
    if a.table:
        a.table.write_text(text)
    if a.out:
        plot(runs, a.out, a.title)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
