"""Goldens for the Java engine: reference-sampler traces and images on a bundle (docs/BUNDLE.md).

    python -m hart_export.goldens --bundle B --out DIR
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from .backend_ort import OrtBackend
from .bundle import Bundle
from .pipeline import run, trace_json
from .prompt import PromptEncoder
from .sample import Options

CASES = [
    {"id": "s7_cfg4.5", "prompts": ["a red circle"], "seeds": [7]},
    {"id": "s1_cfg1.5", "prompts": ["a large blue striped square in the top left"], "seeds": [1], "cfg": 1.5},
    {"id": "batch2", "prompts": ["a green star", "two yellow rings on a black background"], "seeds": [3, 11]},
    {"id": "discrete_only", "prompts": ["a pink dotted cross at the bottom"], "seeds": [5], "discrete_only": True},
    {"id": "branch_s3", "prompts": ["a red circle"], "seeds": [99], "branch": {"of": "s7_cfg4.5", "from_scale": 3}},
    {"id": "greedy_hard", "prompts": ["a brown triangle above a blue ring"], "seeds": [0], "greedy": True, "more_smooth": False},
    {"id": "topk_topp", "prompts": ["three orange squares"], "seeds": [21], "top_k": 50, "top_p": 0.9, "more_smooth": False},
    {"id": "cfg0_hard", "prompts": [""], "seeds": [4], "cfg": 0.0, "more_smooth": False},
]


def make(bundle_path: Path, out: Path) -> None:
    b = Bundle.open(bundle_path)
    be = OrtBackend(b, threads=1)
    man = b.manifest
    tx = man["text"]
    penc = PromptEncoder(b.path / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"])
    d = man["sampling_defaults"]
    K = len(man["model"]["patch_nums"])
    out.mkdir(parents=True, exist_ok=True)
    traces, index = {}, []
    for c in CASES:
        top_k = d["top_k"] if "top_k" not in c else [c["top_k"]] * K
        opts = Options(cfg=c.get("cfg", d["cfg"]), top_k=top_k, top_p=c.get("top_p", d["top_p"]),
                       more_smooth=c.get("more_smooth", d["more_smooth"]), discrete_only=c.get("discrete_only", False))
        branch = None
        if "branch" in c:
            src = traces[c["branch"]["of"]]
            k = c["branch"]["from_scale"]
            branch = {"from_scale": k, "seeds": src["params"]["seeds"], "tokens": [src["tokens"][s] for s in range(k)]}
        res = run(be, b.schedule, penc, c["prompts"], c["seeds"], opts, greedy=c.get("greedy", False), branch=branch)
        tr = trace_json(res, man["name"], b.manifest_sha256(), c["prompts"], c["seeds"], opts, c.get("greedy", False), branch)
        traces[c["id"]] = tr
        (out / f"{c['id']}.trace.json").write_text(json.dumps(tr))
        np.save(out / f"{c['id']}.image.npy", res.image.astype(np.float32))
        ids = penc.encode(c["prompts"])[0]
        index.append({**c, "top_k": top_k, "cfg": opts.cfg, "top_p": opts.top_p, "more_smooth": opts.more_smooth,
                      "discrete_only": opts.discrete_only, "greedy": c.get("greedy", False),
                      "input_ids": ids.tolist(), "trace": f"{c['id']}.trace.json", "image": f"{c['id']}.image.npy"})
    # reconstruction golden: a rendered Shapes World picture through encoder + quantiser
    from PIL import Image
    from .reconstruct import reconstruct
    from .shapes.captions import render_prompt
    img = render_prompt("a large red striped circle in the center on a white background", np.random.default_rng(3), 128)
    Image.fromarray(img).save(out / "recon_input.png")
    rec = reconstruct(be, b.schedule, img.transpose(2, 0, 1).astype(np.float32) / 255.0)
    (out / "recon.json").write_text(json.dumps({"input": "recon_input.png", "tokens": [t.tolist() for t in rec["tokens"]],
                                                "psnr_per_scale": rec["psnr_per_scale"], "psnr_hybrid": rec["psnr_hybrid"]}))
    (out / "cases.json").write_text(json.dumps({"bundle": man["name"], "image_tolerance": 1e-4, "cases": index}, indent=1))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.goldens")
    ap.add_argument("--bundle", type=Path, required=True); ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    make(a.bundle, a.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
