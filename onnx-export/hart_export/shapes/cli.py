"""Command line for Shapes World: evaluation prompts, truth pictures, scoring.

    python -m hart_export.shapes.cli prompts --n 700 --seed 0 --out prompts.jsonl
    python -m hart_export.shapes.cli render --prompts prompts.jsonl --out truth/ --seed 0
    python -m hart_export.shapes.cli eval --images truth/ --prompts prompts.jsonl --json report.json

A prompt file holds JSON lines ``{"id": "a1", "prompt": "...", "category"?: "..."}``; the
picture of a prompt is ``<images>/<id>.png``.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from .captions import CATEGORIES, eval_prompts, render_prompt
from .score import as_rgb, score_image, summarise
from .world import WORLD_VERSION


def read_prompts(path: str | Path) -> list[dict]:
    """The JSON lines of a prompt file; each needs "id" and "prompt"."""
    items = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        item = json.loads(line)
        if "id" not in item or "prompt" not in item:
            raise ValueError(f"{path}:{number}: a prompt line needs \"id\" and \"prompt\", got {sorted(item)}")
        items.append(item)
    return items


def format_table(summary: dict) -> str:
    lines = [f"{'category':<16}{'n':>6}{'passed':>8}{'accuracy':>10}"]
    for category in CATEGORIES:
        if category in summary["categories"]:
            c = summary["categories"][category]
            lines.append(f"{category:<16}{c['n']:>6}{c['passed']:>8}{c['accuracy']:>10.3f}")
    lines.append(f"{'overall':<16}{'':>6}{'':>8}{summary['overall']:>10.3f}")
    return "\n".join(lines)


def evaluate_dir(images: str | Path, prompts: list[dict]) -> dict:
    """Score ``<images>/<id>.png`` against each prompt; a prompt's own "category" wins."""
    missing = [p["id"] for p in prompts if not (Path(images) / f"{p['id']}.png").is_file()]
    if missing:
        raise FileNotFoundError(f"{len(missing)} pictures missing in {images}, e.g. {missing[:5]}")
    results = []
    for p in prompts:
        result = score_image(as_rgb(Path(images) / f"{p['id']}.png"), p["prompt"])
        result["category"] = p.get("category", result["category"])
        results.append({"id": p["id"], "prompt": p["prompt"], **result})
    return {"world": WORLD_VERSION, **summarise(results), "results": results}


def main_eval(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hart_export.shapes.cli eval",
                                     description="Score pictures against Shapes World prompts.")
    parser.add_argument("--images", required=True, help="folder of <id>.png pictures")
    parser.add_argument("--prompts", required=True, help="JSON lines {\"id\", \"prompt\"}")
    parser.add_argument("--json", help="write the report (summary and per-picture results) here")
    args = parser.parse_args(argv)
    report = evaluate_dir(args.images, read_prompts(args.prompts))
    print(format_table(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return 0


def main_render(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hart_export.shapes.cli render",
                                     description="Render a truth picture for every prompt.")
    parser.add_argument("--prompts", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=128)
    args = parser.parse_args(argv)
    from PIL import Image

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    prompts = read_prompts(args.prompts)
    for index, p in enumerate(prompts):
        rng = np.random.default_rng([args.seed, index])  # each picture independent of the others
        Image.fromarray(render_prompt(p["prompt"], rng, args.size)).save(out / f"{p['id']}.png")
    print(f"rendered {len(prompts)} pictures to {out}")
    return 0


def main_prompts(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="hart_export.shapes.cli prompts",
                                     description="Write the canonical evaluation prompts.")
    parser.add_argument("--n", type=int, default=700, help="prompts in total, over 7 categories")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    lines = [json.dumps(p) for p in eval_prompts(args.n, args.seed)]
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} prompts to {args.out}")
    return 0


COMMANDS = {"eval": main_eval, "render": main_render, "prompts": main_prompts}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] not in COMMANDS:
        print(f"usage: python -m hart_export.shapes.cli {{{'|'.join(COMMANDS)}}} ...", file=sys.stderr)
        return 2
    return COMMANDS[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main())
