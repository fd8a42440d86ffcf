"""Training data drawn on the fly: Shapes World scenes with captions, and crops of real photographs
that scikit-learn ships (sklearn.datasets.load_sample_images: 'china.jpg', 'flower.jpg')."""
from __future__ import annotations

import numpy as np
import torch

from .shapes.captions import caption, sample_scene
from .shapes.render import render


def to_tensor(imgs_NHW3: np.ndarray) -> torch.Tensor:
    """uint8 [N, H, W, 3] -> float [N, 3, H, W] in [-1, 1]."""
    return torch.from_numpy(imgs_NHW3).permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def shapes_batch(rng: np.random.Generator, n: int, size: int = 128, split: str = "train"):
    scenes = [sample_scene(rng, split) for _ in range(n)]
    imgs = np.stack([render(s, size, rng) for s in scenes])
    return imgs, scenes


class Photos:
    """Random crops (scaled 0.5-1x, flipped) of the photographs shipped with scikit-learn, if installed."""

    def __init__(self):
        import os
        cached = os.environ.get("HART_PHOTOS")   # an .npz of the same photos, where scikit-learn is missing
        if cached:
            with np.load(cached) as z:
                self.names = sorted(z.files)
                self.images = [z[n] for n in self.names]
            return
        try:
            from sklearn.datasets import load_sample_images
            self.images = [np.asarray(im) for im in load_sample_images().images]
            self.names = ["sklearn china.jpg", "sklearn flower.jpg"]
        except ImportError:
            self.images, self.names = [], []

    def save(self, path) -> None:
        """Write the photos as an .npz that ``HART_PHOTOS`` can point to (a machine without scikit-learn)."""
        np.savez_compressed(path, **{n.replace("sklearn ", ""): im for n, im in zip(self.names, self.images)})

    def __bool__(self):
        return bool(self.images)

    def crops(self, rng: np.random.Generator, n: int, size: int = 128, holdout: bool = False) -> np.ndarray:
        from PIL import Image
        out = []
        for _ in range(n):
            im = self.images[rng.integers(len(self.images))]
            H, W, _ = im.shape
            # the right-most 20% of each photo is held out for evaluation
            x_lo, x_hi = (int(W * 0.8), W) if holdout else (0, int(W * 0.8))
            side = int(rng.uniform(0.5, 1.0) * min(H, x_hi - x_lo, 2 * size))
            side = max(min(side, x_hi - x_lo, H), 16)
            y = rng.integers(0, H - side + 1)
            x = rng.integers(x_lo, x_hi - side + 1)
            crop = Image.fromarray(im[y:y + side, x:x + side]).resize((size, size), Image.BICUBIC)
            c = np.asarray(crop)
            out.append(c[:, ::-1] if rng.random() < 0.5 and not holdout else c)
        return np.stack(out)


def captions_for(scenes, rng: np.random.Generator) -> list[str]:
    return [caption(s, rng) for s in scenes]
