"""Prompt -> image with either backend; traces and PNG output shared by the CLI and the tests."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from . import rng
from .draws import GreedyDraws, PortableDraws
from .prompt import PromptEncoder
from .sample import Options, Result, generate
from .schedule import Schedule


def run(backend, sch: Schedule, penc: PromptEncoder, prompts: Sequence[str], seeds: Sequence[int], opts: Options,
        greedy: bool = False, branch: dict | None = None, listener=None) -> Result:
    """branch = {"from_scale": k, "tokens": [[ids of image b] per scale < k], "seeds": original seeds,
    optional "parent": {"from_scale": j, "seeds": [...], "parent": ...} when the original was itself a
    branch (and its original too, and so on)}."""
    ids, attn, mask, pos = penc.encode(list(prompts))
    ctx = backend.encode_text(ids, attn)
    if greedy:
        draws = GreedyDraws()
    elif branch:
        draws = PortableDraws(branch["seeds"], (branch["from_scale"], list(seeds)),
                              [(p["from_scale"], list(p["seeds"])) for p in ancestors(branch)])
        opts.forced_tokens = {k: np.array(branch["tokens"][k], np.int64) for k in range(branch["from_scale"])}
    else:
        draws = PortableDraws(seeds)
    return generate(backend, sch, ctx, pos, mask, opts, draws, listener)


def ancestors(branch: dict) -> list[dict]:
    """The branch points below a branch, nearest first: its "parent", that one's "parent", ..."""
    out, p = [], branch.get("parent")
    while p:
        out.append(p)
        p = p.get("parent")
    return out


def branch_chain(branch: dict | None) -> dict | None:
    """A branch as a trace records it: from_scale and seeds, and its parents the same way (no tokens)."""
    if not branch:
        return None
    out = {"from_scale": branch["from_scale"], "seeds": list(branch["seeds"])}
    if branch.get("parent"):
        out["parent"] = branch_chain(branch["parent"])
    return out


def trace_json(res: Result, bundle_name: str, manifest_sha: str | None, prompts, seeds, opts: Options,
               greedy: bool, branch: dict | None) -> dict:
    return {"format": "hart-trace", "version": 1, "rng": rng.NAME,
            "bundle": {"name": bundle_name, "manifest_sha256": manifest_sha},
            "params": {"prompts": list(prompts), "seeds": list(seeds), "cfg": opts.cfg,
                       "top_k": list(opts.top_k) if opts.top_k is not None else None, "top_p": opts.top_p,
                       "more_smooth": opts.more_smooth, "discrete_only": opts.discrete_only, "greedy": greedy,
                       "branch": branch_chain(branch)},
            "tokens": [[row.tolist() for row in t] for t in res.tokens]}


def to_uint8(image_3HW: np.ndarray) -> np.ndarray:
    """[3, H, W] in [0, 1] -> [H, W, 3] uint8, rounded to nearest."""
    return np.clip(np.rint(image_3HW.transpose(1, 2, 0) * 255.0), 0, 255).astype(np.uint8)


def save_png(image_3HW: np.ndarray, path: Path) -> None:
    from PIL import Image
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    Image.fromarray(to_uint8(image_3HW)).save(tmp, format="PNG")
    tmp.replace(path)
