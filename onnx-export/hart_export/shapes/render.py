"""Draw a Shapes World scene: jitter, 4x supersampled masks, box downsampling, lighting jitter.

Every mask is a vectorised numpy expression over the object's own box at 4x resolution, so a
128 px picture takes a few milliseconds and training can draw its pictures on the fly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .world import (
    BACKGROUNDS, COLOURS, CROSS_ARM_RATIO, DOT_DIAMETER, DOT_PERIOD, LIGHTING_JITTER, MARGIN,
    MIN_GAP, POSITION_JITTER, RING_INNER_RATIO, SIZE_JITTER, SIZES, STAR_INNER_RATIO,
    STRIPE_PERIOD, SUPERSAMPLE, ObjectSpec, Scene, cell_centre, contrast_colour, shape_box,
)

_LAYOUT_TRIES = 200
_SIN72 = math.sin(math.radians(72))
_STAR_SECTOR = 2 * math.pi / 5


@dataclass(frozen=True)
class Placement:
    """Where one object lands after jitter; all in W units, (cx, cy) the bounding-box centre."""

    spec: ObjectSpec
    cx: float
    cy: float
    extent: float
    width: float
    height: float


def _place(spec: ObjectSpec, rng: np.random.Generator | None) -> Placement:
    extent = SIZES[spec.size]
    x, y = cell_centre(spec.cell)
    if rng is not None:
        extent *= 1 + rng.uniform(-SIZE_JITTER, SIZE_JITTER)
        jx, jy = rng.uniform(-POSITION_JITTER, POSITION_JITTER, size=2)
        x, y = x + jx, y + jy
    w, h = shape_box(spec.shape, extent)
    x = min(max(x, MARGIN + w / 2), 1 - MARGIN - w / 2)
    y = min(max(y, MARGIN + h / 2), 1 - MARGIN - h / 2)
    return Placement(spec, x, y, extent, w, h)


def _separated(placements: list[Placement]) -> bool:
    for i, a in enumerate(placements):
        for b in placements[i + 1:]:
            gap_x = abs(a.cx - b.cx) - (a.width + b.width) / 2
            gap_y = abs(a.cy - b.cy) - (a.height + b.height) / 2
            if max(gap_x, gap_y) < MIN_GAP:
                return False
    return True


def layout(scene: Scene, rng: np.random.Generator | None = None) -> tuple[Placement, ...]:
    """Jittered placements of the scene's objects, at least MIN_GAP apart (rejection sampling).

    With ``rng=None`` the placement is nominal: no size or position jitter.
    Raises ValueError when the objects cannot be placed apart (two large neighbours).
    """
    if rng is not None:
        for _ in range(_LAYOUT_TRIES):
            placements = [_place(o, rng) for o in scene.objects]
            if _separated(placements):
                return tuple(placements)
    placements = [_place(o, None) for o in scene.objects]
    if not _separated(placements):
        raise ValueError(f"objects of {scene} cannot be placed {MIN_GAP} W apart")
    return tuple(placements)


def _shape_mask(shape: str, x: np.ndarray, y: np.ndarray, p: Placement) -> np.ndarray:
    """Coverage of one shape; x is [1, w] and y is [h, 1] offsets from the box centre (W units)."""
    half = p.extent / 2
    if shape == "circle":
        return x * x + y * y <= half * half
    if shape == "ring":
        r2 = x * x + y * y
        return (r2 <= half * half) & (r2 >= (RING_INNER_RATIO * half) ** 2)
    if shape == "square":
        return (np.abs(x) <= half) & (np.abs(y) <= half)
    if shape == "cross":
        ax, ay, arm = np.abs(x), np.abs(y), CROSS_ARM_RATIO * half
        return (ax <= half) & (ay <= half) & ((ax <= arm) | (ay <= arm))
    if shape == "triangle":
        h = p.height
        return (y <= h / 2) & (np.abs(x) <= (y + h / 2) / math.sqrt(3))
    if shape == "star":
        outer = p.extent / (2 * _SIN72)
        inner = STAR_INNER_RATIO * outer
        sy = y - (outer - p.height / 2)  # offsets from the star's centre
        angle = np.mod(np.arctan2(x, -sy), _STAR_SECTOR)  # from "up", folded to one point
        angle = np.minimum(angle, _STAR_SECTOR - angle)
        rho = np.sqrt(x * x + sy * sy)
        qx, qy = rho * np.cos(angle), rho * np.sin(angle)
        # inside when on the centre's side of the edge from the point (outer, 0) to the inner
        # vertex (inner cos 36, inner sin 36)
        ex, ey = inner * math.cos(_STAR_SECTOR / 2) - outer, inner * math.sin(_STAR_SECTOR / 2)
        return ex * qy - ey * (qx - outer) >= 0
    raise ValueError(f"unknown shape {shape!r}")


def _pattern_mask(pattern: str, x: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    """Where the contrast colour goes; None for solid."""
    if pattern == "solid":
        return None
    if pattern == "striped":
        across = (x + y) * (1 / (math.sqrt(2) * STRIPE_PERIOD))
        return across - np.floor(across) < 0.5
    if pattern == "dotted":
        dx = x - DOT_PERIOD * np.round(x / DOT_PERIOD)
        dy = y - DOT_PERIOD * np.round(y / DOT_PERIOD)
        return dx * dx + dy * dy <= (DOT_DIAMETER / 2) ** 2
    raise ValueError(f"unknown pattern {pattern!r}")


def _draw(img_HW3: np.ndarray, background: tuple[int, int, int], p: Placement) -> None:
    """Draw one object into its own pixel-aligned box at 4x, box-downsample, paste the covered pixels."""
    size, s = img_HW3.shape[0], SUPERSAMPLE
    x0, x1 = max(0, math.floor((p.cx - p.width / 2) * size)), min(size, math.ceil((p.cx + p.width / 2) * size))
    y0, y1 = max(0, math.floor((p.cy - p.height / 2) * size)), min(size, math.ceil((p.cy + p.height / 2) * size))
    n = size * s
    x = ((np.arange(x0 * s, x1 * s, dtype=np.float32) + 0.5) / n - p.cx)[None, :]  # [1, w*s]
    y = ((np.arange(y0 * s, y1 * s, dtype=np.float32) + 0.5) / n - p.cy)[:, None]  # [h*s, 1]
    mask_hw = _shape_mask(p.spec.shape, x, y, p)
    region_hw3 = np.empty(mask_hw.shape + (3,), dtype=np.uint16)
    region_hw3[...] = background
    region_hw3[mask_hw] = COLOURS[p.spec.colour]
    contrast_hw = _pattern_mask(p.spec.pattern, x, y)
    if contrast_hw is not None:
        region_hw3[mask_hw & contrast_hw] = contrast_colour(p.spec.colour)
    rows_Hw3 = sum(region_hw3[i::s] for i in range(s))
    sums_HW3 = sum(rows_Hw3[:, i::s] for i in range(s))
    covered_HW = mask_hw.reshape(y1 - y0, s, x1 - x0, s).any(axis=(1, 3))
    box_HW3 = img_HW3[y0:y1, x0:x1]
    box_HW3[covered_HW] = (sums_HW3[covered_HW] + s * s // 2) // (s * s)


def render(scene: Scene, size: int = 128, rng: np.random.Generator | None = None) -> np.ndarray:
    """The scene as a [size, size, 3] uint8 sRGB picture.

    ``rng`` draws the jitter (size, position, lighting); the same generator state gives the same
    picture. ``rng=None`` draws the nominal, unjittered picture. Each object is drawn at 4x
    supersampling inside its own box and box-downsampled (objects never share a pixel).
    """
    background = BACKGROUNDS[scene.background]
    img_HW3 = np.empty((size, size, 3), dtype=np.int16)
    img_HW3[...] = background
    for placement in layout(scene, rng):
        _draw(img_HW3, background, placement)
    if rng is not None:
        img_HW3 += rng.integers(-LIGHTING_JITTER, LIGHTING_JITTER + 1, size=3).astype(np.int16)
    return np.clip(img_HW3, 0, 255).astype(np.uint8)
