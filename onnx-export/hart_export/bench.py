"""Timing of the PyTorch reference sampler (eager modules, the same algorithm and seeds as the Java
engine), per stage; the Python half of scripts/bench-side-by-side.

    python -m hart_export.bench --checkpoint w.pt --like BUNDLE --n 10 --threads 2 --json out.json
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np
import torch

from .backend_torch import TorchBackend
from .bundle import Bundle
from .draws import PortableDraws
from .prompt import PromptEncoder
from .sample import Options, generate

PROMPTS = ["a red circle", "a large blue striped square in the top left", "two yellow rings on a black background",
           "a green star to the left of a pink dotted cross"]


class Timed:
    """Wraps a backend; accumulates seconds per method."""

    def __init__(self, inner):
        self.inner, self.t = inner, {}
        self.codebook, self.num_layers, self.num_heads, self.head_dim = (inner.codebook, inner.num_layers,
                                                                         inner.num_heads, inner.head_dim)

    def __getattr__(self, name):
        f = getattr(self.inner, name)

        def g(*a, **k):
            t0 = time.perf_counter()
            try:
                return f(*a, **k)
            finally:
                self.t[name] = self.t.get(name, 0.0) + time.perf_counter() - t0
        return g


def load_models(checkpoint: Path):
    from .models import load_checkpoint
    try:
        m, _ = load_checkpoint(checkpoint)
    except Exception:
        from .finalize import load_fp16
        m, _ = load_fp16(checkpoint)
    return m


def run(checkpoint: Path, like: Path, n: int, warmup: int, batch: int, threads: int) -> dict:
    torch.set_num_threads(threads)
    m = load_models(checkpoint)
    b = Bundle.open(like)
    tx = b.manifest["text"]
    penc = PromptEncoder(b.path / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"])
    d = b.manifest["sampling_defaults"]
    be = Timed(TorchBackend(m.transformer, m.tokenizer, m.text))
    totals, stages = [], {}
    for i in range(warmup + n):
        be.t = {}
        prompts = [PROMPTS[(i + j) % len(PROMPTS)] for j in range(batch)]
        marks = []
        t0 = time.perf_counter()
        ids, attn, mask, pos = penc.encode(prompts)
        ctx = be.encode_text(ids, attn)
        t_text = time.perf_counter() - t0
        opts = Options(cfg=d["cfg"], top_k=d["top_k"], top_p=d["top_p"], more_smooth=d["more_smooth"])
        t1 = time.perf_counter()
        generate(be, b.schedule, ctx, pos, mask, opts, PortableDraws([i * 10 + j for j in range(batch)]),
                 lambda kind, k, data: marks.append((kind, k, time.perf_counter())))
        total = time.perf_counter() - t0
        if i < warmup:
            continue
        totals.append(total)
        prev = t1
        rec = {"text_encoding": t_text + be.t.get("condition", 0.0)}
        for kind, k, t in marks:
            key = f"scale_{k + 1}" if kind == "scale" else ("decode" if kind == "done" else f"diffusion_step_{8 - k}")
            rec[key] = t - prev
            prev = t
        rec["total"] = total
        for k, v in rec.items():
            stages.setdefault(k, []).append(v)
    med = lambda v: statistics.median(v)
    p90 = lambda v: float(np.percentile(v, 90))
    return {"implementation": "pytorch-reference", "torch_version": torch.__version__, "threads": threads,
            "batch": batch, "n": n, "images_per_second": batch / med(totals),
            "stages_ms": {k: {"median": med(v) * 1e3, "p90": p90(v) * 1e3} for k, v in stages.items()}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.bench")
    ap.add_argument("--checkpoint", type=Path, required=True); ap.add_argument("--like", type=Path, required=True)
    ap.add_argument("--n", type=int, default=10); ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--batch", type=int, default=1); ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args(argv)
    r = run(a.checkpoint, a.like, a.n, a.warmup, a.batch, a.threads)
    if a.json:
        a.json.write_text(json.dumps(r, indent=1))
    print(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
