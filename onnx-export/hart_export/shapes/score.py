"""The Shapes World detector and the prompt scorer (GenEval-style, per category).

Detection, in W units throughout so that any resolution works:
1. background: the median of the outer pixel ring, named by the nearest background colour;
2. pixels: each pixel is explained as a mix of one palette colour with the background or with a
   pattern contrast colour (white, black); it belongs to that colour when the colour is at least
   half of the mix. This reads anti-aliased edges and stripe edges as what they are;
3. objects: the object-coloured pixels are closed morphologically (bridging stripes and dots)
   and split into connected components (run-length union-find); a component holding two big
   colours is split by colour;
4. attributes: shape from holes, up-down symmetry (stars and triangles point up), solidity
   (area / convex hull) and extent (area / box); size from the box side; cell from the
   centroid; pattern from the fraction of non-object pixels inside the object.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from .captions import CATEGORIES, parse_prompt, prompt_category
from .world import BACKGROUNDS, COLOURS, CONTRAST_DARK, CONTRAST_LIGHT, DOT_DIAMETER, cell_at

_COLOUR_NAMES = tuple(COLOURS)
_PALETTE_K3 = np.array([COLOURS[c] for c in _COLOUR_NAMES], dtype=np.float32)
_BG_NAMES = tuple(BACKGROUNDS)
_BG_B3 = np.array([BACKGROUNDS[b] for b in _BG_NAMES], dtype=np.float32)

BACKGROUND_TOLERANCE = 15.0  # a pixel this close to the background is background
MIX_TOLERANCE = 50.0  # largest distance from a two-colour mix that still reads as that mix
MIN_OBJECT_AREA = 0.004  # W^2; smaller components are noise (the smallest object is ~0.015)
SPLIT_SHARE = 0.25  # a second colour with this share of a component is a second object
CLOSING_RADIUS = 0.012  # W; bridges stripe and dot gaps (0.02 W across)
LARGE_EXTENT = 0.31  # W; small is 0.198-0.242, large 0.36-0.44
RING_HOLE_RATIO = 0.12  # hole / filled area; a ring's is 0.30
RELATION_MARGIN = 0.10  # W; "a left of b" needs a's centroid this far left of b's
_DOT_AREA = math.pi * (DOT_DIAMETER / 2) ** 2  # W^2


@dataclass(frozen=True)
class DetectedObject:
    """One object read back from a picture, with the measurements behind its attributes."""

    shape: str
    colour: str
    size: str
    cell: str
    pattern: str
    x: float  # centroid, W units
    y: float
    extent: float  # larger bounding-box side, W units
    area: float  # filled area, W^2 units
    extent_ratio: float  # filled area / bounding box area
    solidity: float  # filled area / convex hull area
    hole_ratio: float  # hole area / filled area
    symmetry: float  # intersection over union of the filled shape and its up-down mirror
    contrast: float  # fraction of non-object pixels inside the object


@dataclass(frozen=True)
class Detection:
    background: str
    objects: tuple[DetectedObject, ...]


# Image input

def as_rgb(image) -> np.ndarray:
    """A picture as [H, W, 3] uint8: from an array (RGB or RGBA), a PIL image or a file path."""
    if isinstance(image, (str, Path)):
        from PIL import Image
        with Image.open(image) as im:
            return np.asarray(im.convert("RGB"))
    array = np.asarray(image)
    if array.ndim != 3 or array.shape[2] not in (3, 4):
        raise ValueError(f"expected an [H, W, 3] picture, got shape {array.shape}")
    return array[..., :3].astype(np.uint8, copy=False)


# Binary morphology and connected components (numpy only)

def _dilate(mask: np.ndarray, r: int) -> np.ndarray:
    """Dilation by a (2r+1) square; outside the array counts as empty."""
    h, w = mask.shape
    p = np.pad(mask, r)
    rows = np.zeros((h + 2 * r, w), dtype=bool)
    for k in range(2 * r + 1):
        rows |= p[:, k:k + w]
    out = np.zeros((h, w), dtype=bool)
    for k in range(2 * r + 1):
        out |= rows[k:k + h]
    return out


def _erode(mask: np.ndarray, r: int) -> np.ndarray:
    """Erosion by a (2r+1) square; outside the array counts as empty."""
    return ~_dilate(~np.pad(mask, r), r)[r:-r, r:-r] if r > 0 else mask.copy()


def _close(mask: np.ndarray, r: int) -> np.ndarray:
    padded = np.pad(mask, r)
    return _erode(_dilate(padded, r), r)[r:-r, r:-r]


def _components(mask: np.ndarray, diagonal: bool) -> tuple[np.ndarray, list[tuple[int, int, int, int, int]]]:
    """Connected components by runs and union-find.

    Returns a label image (0 = empty, 1..n) and per label (area, y0, y1, x0, x1), ends exclusive.
    ``diagonal`` joins pixels that touch at a corner (8-connectivity).
    """
    h, w = mask.shape
    edges = np.diff(np.pad(mask.astype(np.int8), ((0, 0), (1, 1))), axis=1)
    rows, starts = np.nonzero(edges == 1)
    ends = np.nonzero(edges == -1)[1]
    row_first = np.searchsorted(rows, np.arange(h + 1)).tolist()
    starts_l, ends_l = starts.tolist(), ends.tolist()
    parent = list(range(len(starts_l)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reach = 1 if diagonal else 0
    for y in range(1, h):
        i, i_end = row_first[y], row_first[y + 1]
        j, j_end = row_first[y - 1], row_first[y]
        while i < i_end and j < j_end:
            if starts_l[i] < ends_l[j] + reach and starts_l[j] < ends_l[i] + reach:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[max(ri, rj)] = min(ri, rj)
            if ends_l[i] < ends_l[j]:
                i += 1
            else:
                j += 1
    labels = np.zeros((h, w), dtype=np.int32)
    ids: dict[int, int] = {}
    boxes: list[list[int]] = []
    for k, (y, s, e) in enumerate(zip(rows.tolist(), starts_l, ends_l)):
        root = find(k)
        if root not in ids:
            ids[root] = len(ids) + 1
            boxes.append([0, y, y + 1, s, e])
        label = ids[root]
        labels[y, s:e] = label
        box = boxes[label - 1]
        box[0] += e - s
        box[2] = y + 1
        box[3] = min(box[3], s)
        box[4] = max(box[4], e)
    return labels, [tuple(b) for b in boxes]


def _fill_holes(mask: np.ndarray) -> np.ndarray:
    padded = np.pad(mask, 1)
    labels, _ = _components(~padded, diagonal=False)
    return (padded | (labels != labels[0, 0]))[1:-1, 1:-1]


def _hull_area(mask: np.ndarray) -> float:
    """Area of the convex hull of the mask's pixel squares (monotone chain on row extremes)."""
    rows = np.nonzero(mask.any(axis=1))[0]
    first = np.argmax(mask[rows], axis=1)
    last = mask.shape[1] - np.argmax(mask[rows, ::-1], axis=1)
    points = sorted(set(
        [(int(x), int(y)) for x, y in zip(first, rows)] + [(int(x), int(y) + 1) for x, y in zip(first, rows)]
        + [(int(x), int(y)) for x, y in zip(last, rows)] + [(int(x), int(y) + 1) for x, y in zip(last, rows)]
    ))

    def chain(pts):
        out = []
        for p in pts:
            while len(out) >= 2 and (
                (out[-1][0] - out[-2][0]) * (p[1] - out[-2][1])
                - (out[-1][1] - out[-2][1]) * (p[0] - out[-2][0])
            ) <= 0:
                out.pop()
            out.append(p)
        return out[:-1]

    hull = chain(points) + chain(points[::-1])
    return 0.5 * abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(hull, hull[1:] + hull[:1])))


# Pixels

def _background(img_HW3: np.ndarray) -> np.ndarray:
    ring = np.concatenate([img_HW3[0], img_HW3[-1], img_HW3[:, 0], img_HW3[:, -1]])
    return np.median(ring.astype(np.float32), axis=0)


def _pixel_colours(img_HW3: np.ndarray, bg_3: np.ndarray) -> np.ndarray:
    """Per pixel the index of its palette colour, or -1 (background, contrast, unexplained)."""
    h, w, _ = img_HW3.shape
    flat_P3 = img_HW3.reshape(-1, 3).astype(np.float32)
    labels_P = np.full(h * w, -1, dtype=np.int8)
    candidates = np.nonzero(((flat_P3 - bg_3) ** 2).sum(axis=1) > BACKGROUND_TOLERANCE ** 2)[0]
    x_M3 = flat_P3[candidates]
    best_r2_MK = np.full((len(candidates), len(_COLOUR_NAMES)), np.inf, dtype=np.float32)
    best_t_MK = np.zeros_like(best_r2_MK)
    for anchor_3 in (bg_3, np.array(CONTRAST_LIGHT, np.float32), np.array(CONTRAST_DARK, np.float32)):
        v_M3 = x_M3 - anchor_3
        d_K3 = _PALETTE_K3 - anchor_3
        dd_K = (d_K3 * d_K3).sum(axis=1)
        vd_MK = v_M3 @ d_K3.T
        t_MK = np.clip(vd_MK / dd_K, 0.0, 1.0)
        r2_MK = (v_M3 * v_M3).sum(axis=1, keepdims=True) - 2 * t_MK * vd_MK + t_MK * t_MK * dd_K
        better = r2_MK < best_r2_MK
        best_r2_MK = np.where(better, r2_MK, best_r2_MK)
        best_t_MK = np.where(better, t_MK, best_t_MK)
    k_M = np.argmin(best_r2_MK, axis=1)
    r2_M = best_r2_MK[np.arange(len(k_M)), k_M]
    t_M = best_t_MK[np.arange(len(k_M)), k_M]
    keep = (t_M >= 0.5) & (r2_M < MIX_TOLERANCE ** 2)
    labels_P[candidates[keep]] = k_M[keep]
    return labels_P.reshape(h, w)


# Objects

def _shape_of(extent_ratio: float, solidity: float, hole_ratio: float, symmetry: float) -> str:
    """Thresholds sit mid-way between the ranges measured on rendered pictures at 128 px."""
    if hole_ratio > RING_HOLE_RATIO:
        return "ring"
    if symmetry < 0.68:  # pointing up: triangle (solidity 0.83-0.95) or star (0.55-0.71)
        return "triangle" if solidity > 0.77 else "star"
    if solidity < 0.85:  # cross 0.68-0.77; circle and square from 0.91
        return "cross"
    return "circle" if extent_ratio < 0.88 else "square"  # circle to 0.82, square from 0.93


def _pattern_of(contrast: float, contrast_area: float) -> str:
    """Stripes are half contrast, dots an eighth; a solid object shows at most a pixel or two
    (notches that the closing filled), a small dotted ring at least two dots' worth."""
    if contrast < 0.02 or contrast_area < _DOT_AREA:
        return "solid"
    return "dotted" if contrast < 0.30 else "striped"


def _measure(mask_hw: np.ndarray, colours_hw: np.ndarray, k: int, y0: int, x0: int,
             h: int, w: int) -> DetectedObject:
    filled_hw = _fill_holes(mask_hw)
    area = float(filled_hw.sum())
    ys, xs = np.nonzero(filled_hw)
    box_h, box_w = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    tight_hw = filled_hw[ys.min():ys.max() + 1, xs.min():xs.max() + 1]
    symmetry = float((tight_hw & tight_hw[::-1]).sum()) / float((tight_hw | tight_hw[::-1]).sum())
    interior_hw = _erode(mask_hw, 1)
    inside = max(1, int(interior_hw.sum()))
    contrast_px = float((interior_hw & (colours_hw != k)).sum())
    contrast = contrast_px / inside
    extent_ratio = area / float(box_h * box_w)
    solidity = area / max(_hull_area(filled_hw), 1.0)
    hole_ratio = (area - float(mask_hw.sum())) / area
    extent = float(max(box_w / w, box_h / h))
    x, y = float((x0 + xs.mean() + 0.5) / w), float((y0 + ys.mean() + 0.5) / h)
    return DetectedObject(
        shape=_shape_of(extent_ratio, solidity, hole_ratio, symmetry), colour=_COLOUR_NAMES[k],
        size="large" if extent > LARGE_EXTENT else "small", cell=cell_at(x, y),
        pattern=_pattern_of(contrast, contrast_px / (w * h)), x=x, y=y, extent=extent, area=area / (w * h),
        extent_ratio=extent_ratio, solidity=solidity, hole_ratio=hole_ratio, symmetry=symmetry,
        contrast=contrast,
    )


def detect(image) -> Detection:
    """Read back the background and the objects of a Shapes World picture."""
    img_HW3 = as_rgb(image)
    h, w, _ = img_HW3.shape
    bg_3 = _background(img_HW3)
    background = _BG_NAMES[int(np.argmin(((_BG_B3 - bg_3) ** 2).sum(axis=1)))]
    colours_HW = _pixel_colours(img_HW3, bg_3)
    r = max(1, math.ceil(CLOSING_RADIUS * max(h, w)))
    min_area = MIN_OBJECT_AREA * h * w
    labels_HW, boxes = _components(_close(colours_HW >= 0, r), diagonal=True)
    objects = []
    for label, (area, y0, y1, x0, x1) in enumerate(boxes, start=1):
        if area < min_area:
            continue
        mask_hw = labels_HW[y0:y1, x0:x1] == label
        colours_hw = colours_HW[y0:y1, x0:x1]
        counts_K = np.bincount(colours_hw[mask_hw & (colours_hw >= 0)], minlength=len(_COLOUR_NAMES))
        shares_K = counts_K / max(1, counts_K.sum())
        big = [k for k in np.argsort(-shares_K) if shares_K[k] >= SPLIT_SHARE]
        if len(big) <= 1:
            k = int(np.argmax(counts_K))
            objects.append(_measure(mask_hw, colours_hw, k, y0, x0, h, w))
            continue
        for k in big:
            part_hw = _close(mask_hw & (colours_hw == k), r)
            sub_labels, sub_boxes = _components(part_hw, diagonal=True)
            for sub, (sub_area, sy0, sy1, sx0, sx1) in enumerate(sub_boxes, start=1):
                if sub_area >= min_area:
                    objects.append(_measure(sub_labels[sy0:sy1, sx0:sx1] == sub,
                                            colours_hw[sy0:sy1, sx0:sx1], int(k),
                                            y0 + sy0, x0 + sx0, h, w))
    return Detection(background, tuple(objects))


# Scoring prompts

_OBJECT_KEYS = ("shape", "colour", "size", "pattern", "cell")


def _matches(want: dict, got: DetectedObject) -> dict[str, bool]:
    return {key: getattr(got, key) == want[key] for key in _OBJECT_KEYS if key in want}


def _holds(relation: str, a: DetectedObject, b: DetectedObject) -> bool:
    """Centroids in W units; y grows downwards."""
    if relation == "to the left of":
        return a.x < b.x - RELATION_MARGIN
    if relation == "to the right of":
        return a.x > b.x + RELATION_MARGIN
    if relation == "above":
        return a.y < b.y - RELATION_MARGIN
    return a.y > b.y + RELATION_MARGIN


def _object_checks(p: dict, objects: tuple[DetectedObject, ...]) -> dict[str, bool]:
    """Per attribute: does the best assignment of detected objects to the prompt's hold it?"""
    wanted = p["objects"] * (p["count"] if p["kind"] == "count" else 1)
    keys = [key for key in _OBJECT_KEYS if any(key in o for o in wanted)]
    if p["kind"] == "count":
        return {key: bool(objects) and all(_matches(wanted[0], o)[key] for o in objects) for key in keys}
    best, best_score = None, -1
    for chosen in itertools.permutations(objects, min(len(wanted), len(objects))):
        per_object = [_matches(want, got) for want, got in zip(wanted, chosen)]
        checks = {key: len(chosen) == len(wanted) and all(m.get(key, True) for m in per_object)
                  for key in keys}
        if "relation" in p:
            checks["relation"] = len(chosen) == 2 and _holds(p["relation"], *chosen)
        score = sum(sum(m.values()) for m in per_object) + checks.get("relation", 0)
        if score > best_score:
            best, best_score = checks, score
    if best is None:
        best = {key: False for key in keys}
        if "relation" in p:
            best["relation"] = False
    return best


def score_image(image, prompt: str | dict) -> dict:
    """Does the picture show what the prompt states? Every stated attribute must hold.

    The object count is always checked: "a red circle" means exactly one object in the picture.
    Returns ``{"passed", "category", "checks": {attribute: bool}, "background", "objects"}``.
    """
    p = parse_prompt(prompt) if isinstance(prompt, str) else prompt
    detection = detect(image)
    checks = {"count": len(detection.objects) == p["count"]}
    checks.update(_object_checks(p, detection.objects))
    if "background" in p:
        checks["background"] = detection.background == p["background"]
    return {
        "passed": bool(all(checks.values())),
        "category": prompt_category(p),
        "checks": checks,
        "background": detection.background,
        "objects": [asdict(o) for o in detection.objects],
    }


def summarise(results: list[dict]) -> dict:
    """Per-category counts and accuracy of score_image results; overall = mean of categories."""
    categories = {}
    for category in CATEGORIES:
        passed = [r["passed"] for r in results if r["category"] == category]
        if passed:
            categories[category] = {"n": len(passed), "passed": int(sum(passed)),
                                    "accuracy": sum(passed) / len(passed)}
    overall = float(np.mean([c["accuracy"] for c in categories.values()])) if categories else 0.0
    return {"categories": categories, "overall": overall}


def evaluate(images, prompts, categories=None) -> dict[str, float]:
    """Accuracy per category (only those present) and "overall", the mean of the categories.

    ``images`` and ``prompts`` are parallel sequences; ``categories``, if given, overrides the
    category derived from each prompt.
    """
    results = []
    for i, (image, prompt) in enumerate(zip(images, prompts, strict=True)):
        result = score_image(image, prompt)
        if categories is not None:
            result["category"] = categories[i]
        results.append(result)
    summary = summarise(results)
    return {**{c: v["accuracy"] for c, v in summary["categories"].items()}, "overall": summary["overall"]}
