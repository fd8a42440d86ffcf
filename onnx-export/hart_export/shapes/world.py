"""Shapes World, version shapes-world-1: the constants of the contract and the scene description.

The contract is SHAPES-WORLD.md; every number here comes from it, except the ones marked
"project choice", which the contract leaves open. Geometry is in units of the
canvas side W, so a scene renders the same at any resolution.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

WORLD_VERSION = "shapes-world-1"

# Palette (sRGB)
BACKGROUNDS: dict[str, tuple[int, int, int]] = {
    "white": (245, 245, 245),
    "black": (20, 20, 20),
    "gray": (128, 128, 128),
}
COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (220, 40, 40),
    "orange": (245, 140, 20),
    "yellow": (245, 220, 40),
    "green": (50, 170, 70),
    "blue": (40, 90, 220),
    "purple": (140, 60, 190),
    "pink": (245, 130, 190),
    "brown": (130, 80, 40),
}
# Pattern contrast: white, or black on the light colours (project choice: pure white / black).
CONTRAST_LIGHT = (255, 255, 255)
CONTRAST_DARK = (0, 0, 0)
LIGHT_COLOURS = frozenset({"yellow", "pink", "orange"})
LIGHTING_JITTER = 6  # at most +-6 per channel, per image

# Shapes
SHAPES = ("circle", "square", "triangle", "star", "ring", "cross")
PLURALS = {s: ("crosses" if s == "cross" else s + "s") for s in SHAPES}
STAR_INNER_RATIO = 0.45  # inner radius / outer radius
RING_INNER_RATIO = 0.55  # inner radius / outer radius
CROSS_ARM_RATIO = 0.33  # arm width / extent

# Size: extent (bounding-box side) as a fraction of W
SIZES = {"small": 0.22, "large": 0.40}
SIZE_JITTER = 0.10  # relative, +-

# Position: 9 cells, (column, row) with 0 = left/top
CELLS = (
    "top left", "top", "top right",
    "left", "center", "right",
    "bottom left", "bottom", "bottom right",
)
CELL_GRID = {name: (i % 3, i // 3) for i, name in enumerate(CELLS)}
CELL_CENTRES = (1 / 6, 1 / 2, 5 / 6)
POSITION_JITTER = 0.04  # +- W, per axis
MARGIN = 0.02  # the whole object stays this far inside the canvas
MIN_GAP = 0.05  # project choice: free space between object bounding boxes ("never overlap")
POSITION_PHRASES = {
    "top left": "in the top left",
    "top": "at the top",
    "top right": "in the top right",
    "left": "on the left",
    "center": "in the center",
    "right": "on the right",
    "bottom left": "in the bottom left",
    "bottom": "at the bottom",
    "bottom right": "in the bottom right",
}

# Fill patterns
PATTERNS = ("solid", "striped", "dotted")
STRIPE_PERIOD = 0.04  # W, measured across the diagonal stripes
DOT_PERIOD = 0.05  # W, square lattice
DOT_DIAMETER = 0.02  # W

# Caption grammar
RELATIONS = ("to the left of", "to the right of", "above", "below")
INVERSE_RELATION = {
    "to the left of": "to the right of",
    "to the right of": "to the left of",
    "above": "below",
    "below": "above",
}
COUNT_WORDS = {"two": 2, "three": 3}
KINDS = ("single", "two", "count")

# Held out of training: these colour-shape pairs never appear in a training image or caption.
HELD_OUT_PAIRS = frozenset({
    ("purple", "triangle"), ("orange", "ring"), ("green", "star"), ("pink", "square"),
})

SUPERSAMPLE = 4


def is_held_out(colour: str, shape: str) -> bool:
    return (colour, shape) in HELD_OUT_PAIRS


def contrast_colour(colour: str) -> tuple[int, int, int]:
    """The colour of stripes and dots on an object of this colour."""
    return CONTRAST_DARK if colour in LIGHT_COLOURS else CONTRAST_LIGHT


def cell_centre(cell: str) -> tuple[float, float]:
    """Nominal (x, y) centre of a cell, in W units."""
    col, row = CELL_GRID[cell]
    return CELL_CENTRES[col], CELL_CENTRES[row]


def cell_at(x: float, y: float) -> str:
    """The cell that holds the point (x, y), in W units."""
    col = min(2, max(0, int(x * 3)))
    row = min(2, max(0, int(y * 3)))
    return CELLS[row * 3 + col]


def cell_distance(a: str, b: str) -> int:
    """Chebyshev distance between two cells in the 3x3 grid (1 = neighbours, diagonals too)."""
    (ca, ra), (cb, rb) = CELL_GRID[a], CELL_GRID[b]
    return max(abs(ca - cb), abs(ra - rb))


def relation_between(a: str, b: str) -> str | None:
    """The relation that cell ``a`` has to cell ``b`` when one axis clearly dominates, else None.

    "a is to the left of b" needs more column difference than row difference, so that a
    caption never names the weaker of two directions.
    """
    (ca, ra), (cb, rb) = CELL_GRID[a], CELL_GRID[b]
    dx, dy = cb - ca, rb - ra
    if abs(dx) > abs(dy):
        return "to the left of" if dx > 0 else "to the right of"
    if abs(dy) > abs(dx):
        return "above" if dy > 0 else "below"
    return None


def shape_box(shape: str, extent: float) -> tuple[float, float]:
    """(width, height) of a shape's bounding box; the larger side is the extent."""
    if shape == "triangle":
        return extent, extent * math.sqrt(3) / 2
    if shape == "star":
        outer = extent / (2 * math.sin(math.radians(72)))
        return extent, outer * (1 + math.cos(math.radians(36)))
    return extent, extent


@dataclass(frozen=True)
class ObjectSpec:
    """One object of a scene: what a caption can say about it."""

    shape: str
    colour: str
    size: str
    cell: str
    pattern: str = "solid"

    def __post_init__(self) -> None:
        for name, value, allowed in (
            ("shape", self.shape, SHAPES),
            ("colour", self.colour, COLOURS),
            ("size", self.size, SIZES),
            ("cell", self.cell, CELLS),
            ("pattern", self.pattern, PATTERNS),
        ):
            if value not in allowed:
                raise ValueError(f"unknown {name} {value!r}; expected one of {sorted(allowed)}")

    @property
    def held_out(self) -> bool:
        return is_held_out(self.colour, self.shape)


@dataclass(frozen=True)
class Scene:
    """A picture of Shapes World before jitter: background, objects, and the caption kind.

    kind "single" has one object, "two" two objects (a relation caption), "count" two or three
    objects of one colour and shape.
    """

    background: str
    objects: tuple[ObjectSpec, ...]
    kind: str

    def __post_init__(self) -> None:
        if self.background not in BACKGROUNDS:
            raise ValueError(f"unknown background {self.background!r}; expected one of {sorted(BACKGROUNDS)}")
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; expected one of {KINDS}")
        object.__setattr__(self, "objects", tuple(self.objects))
        n = len(self.objects)
        expected = {"single": (1,), "two": (2,), "count": (2, 3)}[self.kind]
        if n not in expected:
            raise ValueError(f"a {self.kind!r} scene has {expected} objects, got {n}")
        cells = [o.cell for o in self.objects]
        if len(set(cells)) != n:
            raise ValueError(f"at most one object per cell, got cells {cells}")
        if self.kind == "count" and len({(o.colour, o.shape) for o in self.objects}) != 1:
            raise ValueError("a counting scene has objects of one colour and shape")
        if self.kind == "two" and relation_between(cells[0], cells[1]) is None:
            raise ValueError(f"cells {cells} have no clear relation")

    @property
    def held_out(self) -> bool:
        return any(o.held_out for o in self.objects)
