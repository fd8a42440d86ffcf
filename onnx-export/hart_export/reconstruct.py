"""Tokenizer reconstruction through a backend (HART-INFERENCE 6.4), mirrored by the Java
``Reconstructor``: area resize in float64, nearest code in float64, Phi via the fhat_step graph."""
from __future__ import annotations

import numpy as np

from .sample import area
from .schedule import Schedule


def psnr(a01: np.ndarray, b01: np.ndarray) -> float:
    """PSNR in dB of two [3, H, W] images in [0, 1], on 8-bit values."""
    a = np.rint(np.clip(a01, 0, 1) * 255).astype(np.float64)
    b = np.rint(np.clip(b01, 0, 1) * 255).astype(np.float64)
    mse = ((a - b) ** 2).mean()
    return float("inf") if mse == 0 else float(10 * np.log10(255.0 ** 2 / mse))


def reconstruct(backend, sch: Schedule, image01_3HW: np.ndarray) -> dict:
    x = (image01_3HW[None] * 2 - 1).astype(np.float32)
    f = backend.encode(x)                                            # [1, Cv, P, P]
    E = backend.codebook.astype(np.float64)
    norms = (E ** 2).sum(1)
    pn = sch.patch_nums
    K, P = len(pn), pn[-1]
    Cv = f.shape[1]
    rest, fhat = f.copy(), np.zeros_like(f)
    tokens, per_scale = [], []
    for k, p in enumerate(pn):
        z = area(rest, sch.down[k]) if k < K - 1 else rest.reshape(1, Cv, P * P).transpose(0, 2, 1)
        d = norms[None] - 2 * (z[0].astype(np.float64) @ E.T)
        idx = d.argmin(1)
        tokens.append(idx.astype(np.int64))
        e = backend.codebook[idx]                                    # [l, Cv]
        h = e.T.reshape(1, Cv, p, p).astype(np.float32)
        if k < K - 1:
            fhat, added = backend.fhat_step(fhat, h, sch.up[k].astype(np.float32), sch.scales[k]["phi_index"])
            rest = rest - added
        else:
            fhat = fhat + h
            rest = rest - h
        per_scale.append(backend.decode(fhat)[0])
    hybrid = backend.decode(f)[0]
    return {"tokens": tokens, "per_scale": per_scale, "discrete": per_scale[-1], "hybrid": hybrid,
            "psnr_per_scale": [psnr(image01_3HW, r) for r in per_scale],
            "psnr_discrete": psnr(image01_3HW, per_scale[-1]), "psnr_hybrid": psnr(image01_3HW, hybrid)}
