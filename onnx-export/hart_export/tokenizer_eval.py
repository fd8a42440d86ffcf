"""The tokenizer ceiling: how much of a Shapes World picture survives the hybrid tokenizer.

Held-out scenes ("eval" split, so held-out colour-shape pairs included) are rendered, encoded and
decoded twice, from the discrete tokens alone and from tokens + continuous residual (hybrid). The
Shapes World detector reads each decode back and it is compared with the scene it was drawn from:
background, object count, and every object's shape, colour, size, cell and pattern. A scene passes
when all of them hold; that fraction bounds what any generator on these tokens can score.

    python -m hart_export.evaluate tokenizer --bundle ../assets/models/hart-tiny --n 200
"""
from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from .shapes.captions import sample_scene
from .shapes.render import render
from .shapes.score import detect
from .shapes.world import Scene

ATTRIBUTES = ("background", "count", "shape", "colour", "size", "cell", "pattern")
_OBJECT_KEYS = ("shape", "colour", "size", "cell", "pattern")

Reconstruct = Callable[[list[np.ndarray]], dict[str, list[np.ndarray]]]
"""A batch of uint8 [H, W, 3] pictures -> {"discrete": [...], "hybrid": [...]} of the same shape."""


def scene_checks(scene: Scene, image_HW3: np.ndarray) -> dict[str, bool]:
    """Per attribute, does the picture show it as the scene states it? Object attributes hold when
    the best one-to-one assignment of detected to drawn objects matches them for every object."""
    d = detect(image_HW3)
    checks = {"background": d.background == scene.background, "count": len(d.objects) == len(scene.objects)}
    want = scene.objects
    best, best_score = {k: False for k in _OBJECT_KEYS}, -1
    for chosen in itertools.permutations(d.objects, min(len(want), len(d.objects))):
        per = [{k: getattr(g, k) == getattr(w, k) for k in _OBJECT_KEYS} for w, g in zip(want, chosen)]
        score = sum(sum(m.values()) for m in per)
        if score > best_score:
            complete = len(chosen) == len(want)
            best = {k: complete and all(m[k] for m in per) for k in _OBJECT_KEYS}
            best_score = score
    checks.update(best)
    return checks


def held_out_scenes(n: int, size: int, seed: int = 4242) -> tuple[list[Scene], list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    scenes = [sample_scene(rng, "eval") for _ in range(n)]
    return scenes, [render(s, size, rng) for s in scenes]


def psnr_u8(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return 99.0 if mse == 0 else 10 * np.log10(255.0 ** 2 / mse)


def tokenizer_ceiling(reconstruct: Reconstruct, n: int = 200, size: int = 128, seed: int = 4242,
                      batch: int = 16, photos: list[np.ndarray] | None = None) -> dict:
    """The ceiling report: per decode kind, the fraction of scenes read back whole, per attribute,
    and the mean PSNR on the scenes (and on ``photos``, if given)."""
    scenes, images = held_out_scenes(n, size, seed)
    out = {}
    rows = {"discrete": [], "hybrid": []}
    psnr = {"discrete": [], "hybrid": []}
    for i in range(0, n, batch):
        rec = reconstruct(images[i:i + batch])
        for kind in rows:
            for s, im, r in zip(scenes[i:i + batch], images[i:i + batch], rec[kind]):
                rows[kind].append(scene_checks(s, r))
                psnr[kind].append(psnr_u8(im, r))
    photo_psnr = {"discrete": [], "hybrid": []}
    for i in range(0, len(photos or []), batch):
        chunk = photos[i:i + batch]
        rec = reconstruct(chunk)
        for kind in photo_psnr:
            photo_psnr[kind] += [psnr_u8(a, b) for a, b in zip(chunk, rec[kind])]
    for kind, checks in rows.items():
        out[kind] = {
            "all": float(np.mean([all(c.values()) for c in checks])),
            **{a: float(np.mean([c[a] for c in checks])) for a in ATTRIBUTES},
            "psnr_shapes": float(np.mean(psnr[kind])),
        }
        if photo_psnr[kind]:
            out[kind]["psnr_photos"] = float(np.mean(photo_psnr[kind]))
    out["n"] = n
    return out


def torch_reconstruct(vae, patch_nums) -> Reconstruct:
    """A Reconstruct over a PyTorch HybridTokenizer (training-time evaluation)."""
    import torch

    from .train_data import to_tensor

    @torch.no_grad()
    def run(images):
        x = to_tensor(np.stack(images)).to(next(vae.parameters()).device)
        f = vae.encode(x)
        _, f_hat, _ = vae.quantize.f_to_idx_and_residual(f, patch_nums)
        res = {}
        for kind, z in (("discrete", f_hat), ("hybrid", f)):
            img = vae.decode(z).permute(0, 2, 3, 1).cpu().numpy()
            res[kind] = list(np.clip(np.rint(img * 255), 0, 255).astype(np.uint8))
        return res
    return run


def bundle_reconstruct(bundle_path) -> tuple[Reconstruct, int]:
    """A Reconstruct through a bundle's ONNX graphs (the path the Java ``Reconstructor`` mirrors),
    and the bundle's resolution."""
    from .backend_ort import OrtBackend
    from .bundle import Bundle
    from .reconstruct import reconstruct

    b = Bundle.open(bundle_path)
    be = OrtBackend(b)

    def to_u8(img_3HW):
        return np.clip(np.rint(img_3HW.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)

    def run(images):
        res = {"discrete": [], "hybrid": []}
        for im in images:
            r = reconstruct(be, b.schedule, im.transpose(2, 0, 1).astype(np.float32) / 255)
            res["discrete"].append(to_u8(r["discrete"]))
            res["hybrid"].append(to_u8(r["hybrid"]))
        return res
    return run, int(b.manifest["model"]["resolution"])


def main(argv=None) -> int:
    import argparse
    import json
    from pathlib import Path

    from .train_data import Photos
    ap = argparse.ArgumentParser(prog="python -m hart_export.evaluate tokenizer",
                                 description="the tokenizer ceiling of a bundle on held-out Shapes World scenes")
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--n", type=int, default=200, help="held-out scenes (default 200)")
    ap.add_argument("--photos", type=int, default=32, help="held-out photo crops for PSNR (default 32)")
    ap.add_argument("--out", type=Path, help="write the report here as JSON")
    a = ap.parse_args(argv)
    if a.n < 1:
        ap.error(f"--n must be at least 1, got {a.n}")
    run, size = bundle_reconstruct(a.bundle)
    ph = Photos()
    photos = list(ph.crops(np.random.default_rng(777), a.photos, size, holdout=True)) if ph and a.photos > 0 else None
    rep = tokenizer_ceiling(run, n=a.n, size=size, photos=photos)
    text = json.dumps(rep, indent=1)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(text)
    print(text)
    return 0
