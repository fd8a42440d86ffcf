"""Scenes and their captions: random sampling, the caption grammar, parsing, evaluation prompts.

A parsed prompt is a dict of what the prompt states and nothing else:
``{"kind": "single"|"two"|"count", "count": int, "objects": [{"shape", "colour", and any of
"size", "pattern", "cell"}], "relation"?: str, "background"?: str}``. For "two" the relation
reads "objects[0] <relation> objects[1]"; for "count" there is one object description and
``count`` copies of it.
"""
from __future__ import annotations

import itertools
import re

import numpy as np

from .render import render
from .world import (
    BACKGROUNDS, CELLS, COLOURS, COUNT_WORDS, HELD_OUT_PAIRS, INVERSE_RELATION, PATTERNS, PLURALS,
    POSITION_PHRASES, RELATIONS, SHAPES, SIZES, ObjectSpec, Scene, cell_distance, relation_between,
)

CATEGORIES = (
    "single_object", "colour", "position", "two_objects", "counting", "pattern", "held_out",
)
SPLITS = ("train", "eval")
_KIND_WEIGHTS = {"single": 0.5, "two": 0.3, "count": 0.2}

_ALL_PAIRS = tuple((c, s) for c in COLOURS for s in SHAPES)
_TRAIN_PAIRS = tuple(p for p in _ALL_PAIRS if p not in HELD_OUT_PAIRS)
_RELATION_CELLS = {
    rel: tuple((a, b) for a in CELLS for b in CELLS if a != b and relation_between(a, b) == rel)
    for rel in RELATIONS
}
_COUNT_NAMES = {n: w for w, n in COUNT_WORDS.items()}

# Training-only wording variants; the parser reads every one of them.
_POSITION_VARIANTS = {cell: [phrase] for cell, phrase in POSITION_PHRASES.items()}
for _cell in ("top left", "top right", "bottom left", "bottom right"):
    _POSITION_VARIANTS[_cell].append(POSITION_PHRASES[_cell] + " corner")
_POSITION_VARIANTS["center"] += ["in the centre", "in the middle"]
_BACKGROUND_WORDS = {"white": ["white"], "black": ["black"], "gray": ["gray", "grey"]}


def _pairs(split: str) -> tuple[tuple[str, str], ...]:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; expected one of {SPLITS}")
    return _TRAIN_PAIRS if split == "train" else _ALL_PAIRS


def _pick(rng: np.random.Generator, options):
    return options[int(rng.integers(len(options)))]


# Scenes

def _sizes_fit(cells: list[str], sizes: list[str]) -> bool:
    """Neighbouring cells (diagonals too) only hold two small objects; large ones would touch."""
    for i, j in itertools.combinations(range(len(cells)), 2):
        if cell_distance(cells[i], cells[j]) == 1 and "large" in (sizes[i], sizes[j]):
            return False
    return True


def _cells_and_sizes(rng: np.random.Generator, sizes: list[str | None],
                     relation: str | None = None) -> tuple[list[str], list[str]]:
    """Cells (satisfying the relation, if any) and sizes (stated ones kept) that fit together."""
    for _ in range(1000):
        if relation is not None:
            cells = list(_pick(rng, _RELATION_CELLS[relation]))
        else:
            cells = [CELLS[i] for i in rng.choice(len(CELLS), size=len(sizes), replace=False)]
        drawn = [s if s is not None else _pick(rng, tuple(SIZES)) for s in sizes]
        if _sizes_fit(cells, drawn):
            return cells, drawn
    raise ValueError(f"no cells fit sizes {sizes} with relation {relation!r}")


def _objects(rng: np.random.Generator, descriptions: list[dict], relation: str | None = None
             ) -> tuple[ObjectSpec, ...]:
    cells, sizes = _cells_and_sizes(rng, [d.get("size") for d in descriptions], relation)
    cells = [d.get("cell", c) for d, c in zip(descriptions, cells)]
    return tuple(
        ObjectSpec(d["shape"], d["colour"], size, cell, d.get("pattern") or _pick(rng, PATTERNS))
        for d, size, cell in zip(descriptions, sizes, cells)
    )


def sample_scene(rng: np.random.Generator, split: str = "train", kind: str | None = None) -> Scene:
    """A random scene. split="train" never holds a held-out colour-shape pair; "eval" may."""
    pairs = _pairs(split)
    if kind is None:
        kind = str(rng.choice(list(_KIND_WEIGHTS), p=list(_KIND_WEIGHTS.values())))
    background = _pick(rng, tuple(BACKGROUNDS))
    if kind == "single":
        colour, shape = _pick(rng, pairs)
        return Scene(background, _objects(rng, [{"shape": shape, "colour": colour}]), kind)
    if kind == "two":
        first = _pick(rng, pairs)
        second = _pick(rng, tuple(p for p in pairs if p != first))
        descriptions = [{"colour": c, "shape": s} for c, s in (first, second)]
        return Scene(background, _objects(rng, descriptions, _pick(rng, RELATIONS)), kind)
    if kind == "count":
        colour, shape = _pick(rng, pairs)
        n = int(rng.integers(2, 4))
        return Scene(background, _objects(rng, [{"shape": shape, "colour": colour}] * n), kind)
    raise ValueError(f"unknown kind {kind!r}")


# Caption text

def _article(next_word: str) -> str:
    return "an" if next_word[0] in "aeiou" else "a"


def _noun_phrase(o: ObjectSpec, size: bool, pattern: bool, rng: np.random.Generator | None) -> str:
    words = ([o.size] if size else []) + [o.colour]
    words += [o.pattern] if pattern and o.pattern != "solid" else []
    words.append(o.shape)
    article = "one" if rng is not None and rng.random() < 0.15 else _article(words[0])
    return " ".join([article] + words)


def _background_phrase(background: str, rng: np.random.Generator | None) -> str:
    word = background if rng is None else _pick(rng, _BACKGROUND_WORDS[background])
    return f"on a {word} background"


def _relation_of(scene: Scene) -> str:
    return relation_between(scene.objects[0].cell, scene.objects[1].cell)


def describe(scene: Scene) -> str:
    """The canonical caption that states every attribute the grammar can state."""
    bg = _background_phrase(scene.background, None)
    if scene.kind == "single":
        o = scene.objects[0]
        return f"{_noun_phrase(o, True, True, None)} {POSITION_PHRASES[o.cell]} {bg}"
    if scene.kind == "two":
        a, b = (_noun_phrase(o, False, False, None) for o in scene.objects)
        return f"{a} {_relation_of(scene)} {b} {bg}"
    o = scene.objects[0]
    return f"{_COUNT_NAMES[len(scene.objects)]} {o.colour} {PLURALS[o.shape]} {bg}"


def caption(scene: Scene, rng: np.random.Generator) -> str:
    """A training caption: optional attributes stated at random, wording varied a little."""
    tail = []
    if rng.random() < 0.5:
        tail.append(_background_phrase(scene.background, rng))
    if scene.kind == "single":
        o = scene.objects[0]
        head = _noun_phrase(o, rng.random() < 0.5, rng.random() < 0.75, rng)
        if rng.random() < 0.6:
            tail.append(_pick(rng, _POSITION_VARIANTS[o.cell]))
    elif scene.kind == "two":
        a, b = scene.objects
        relation = _relation_of(scene)
        if rng.random() < 0.5:
            a, b, relation = b, a, INVERSE_RELATION[relation]
        head = f"{_noun_phrase(a, False, False, rng)} {relation} {_noun_phrase(b, False, False, rng)}"
    else:
        o = scene.objects[0]
        head = f"{_COUNT_NAMES[len(scene.objects)]} {o.colour} {PLURALS[o.shape]}"
    rng.shuffle(tail)
    if tail and tail[0].startswith("on a") and rng.random() < 0.2:
        return f"{tail[0]}, {' '.join([head] + tail[1:])}"
    return " ".join([head] + tail)


def sample_captioned(rng: np.random.Generator, split: str = "train") -> tuple[Scene, str]:
    """A random scene and a training caption for it."""
    scene = sample_scene(rng, split)
    return scene, caption(scene, rng)


# Parsing

def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PLURAL_TO_SHAPE = {p: s for s, p in PLURALS.items()}
_NP = (rf"(?:(?P<size{{i}}>{_alternation(SIZES)}) )?(?P<colour{{i}}>{_alternation(COLOURS)})"
       rf"(?: (?P<pattern{{i}}>striped|dotted))? (?P<shape{{i}}>{{shapes}})")
_ARTICLE = r"(?:a|an|one)"
_SINGLE_RE = re.compile(rf"{_ARTICLE} {_NP.format(i=0, shapes=_alternation(SHAPES))}")
_TWO_RE = re.compile(
    rf"{_ARTICLE} {_NP.format(i=0, shapes=_alternation(SHAPES))} (?P<relation>{_alternation(RELATIONS)}) "
    rf"{_ARTICLE} {_NP.format(i=1, shapes=_alternation(SHAPES))}")
_COUNT_RE = re.compile(
    rf"(?P<count>{_alternation(COUNT_WORDS)}) {_NP.format(i=0, shapes=_alternation(PLURALS.values()))}")
_BACKGROUND_RE = re.compile(rf"\bon an? (?P<bg>{_alternation(BACKGROUNDS)}) background\b")
_POSITION_RE = re.compile(rf" (?P<pos>{_alternation(POSITION_PHRASES.values())})$")
_CELL_OF_PHRASE = {phrase: cell for cell, phrase in POSITION_PHRASES.items()}


def _normalise(text: str) -> str:
    text = re.sub(r"[^a-z ]", " ", text.lower())
    text = " ".join(text.split())
    text = re.sub(r"\bgrey\b", "gray", text)
    text = re.sub(r"\bcentre\b", "center", text)
    text = text.replace("in the middle", "in the center")
    return re.sub(r"\b(top|bottom) (left|right) corner\b", r"\1 \2", text)


def _object_of(match: re.Match, i: int) -> dict:
    shape = match[f"shape{i}"]
    obj = {"shape": _PLURAL_TO_SHAPE.get(shape, shape), "colour": match[f"colour{i}"]}
    for key in ("size", "pattern"):
        if match[f"{key}{i}"]:
            obj[key] = match[f"{key}{i}"]
    return obj


def parse_prompt(text: str) -> dict:
    """What a prompt states (see the module docstring). Raises ValueError outside the grammar."""
    rest = _normalise(text)
    parsed: dict = {}
    bg = _BACKGROUND_RE.search(rest)
    if bg:
        parsed["background"] = bg["bg"]
        rest = " ".join((rest[:bg.start()] + rest[bg.end():]).split())
    cell = None
    pos = _POSITION_RE.search(rest)
    if pos:
        cell = _CELL_OF_PHRASE[pos["pos"]]
        rest = rest[:pos.start()]
    if m := _SINGLE_RE.fullmatch(rest):
        obj = _object_of(m, 0)
        if cell is not None:
            obj["cell"] = cell
        return {"kind": "single", "count": 1, "objects": [obj], **parsed}
    if cell is None and (m := _TWO_RE.fullmatch(rest)):
        return {"kind": "two", "count": 2, "objects": [_object_of(m, 0), _object_of(m, 1)],
                "relation": m["relation"], **parsed}
    if cell is None and (m := _COUNT_RE.fullmatch(rest)):
        return {"kind": "count", "count": COUNT_WORDS[m["count"]], "objects": [_object_of(m, 0)],
                **parsed}
    raise ValueError(f"prompt outside the Shapes World grammar: {text!r}")


def _as_parsed(prompt: str | dict) -> dict:
    return parse_prompt(prompt) if isinstance(prompt, str) else prompt


def prompt_category(prompt: str | dict) -> str:
    """The evaluation category of a prompt, from what it states."""
    p = _as_parsed(prompt)
    if any((o["colour"], o["shape"]) in HELD_OUT_PAIRS for o in p["objects"]):
        return "held_out"
    if p["kind"] == "two":
        return "two_objects"
    if p["kind"] == "count":
        return "counting"
    obj = p["objects"][0]
    if "pattern" in obj:
        return "pattern"
    if "cell" in obj:
        return "position"
    if "background" in p:
        return "colour"
    return "single_object"


# Prompts to scenes, evaluation prompts

def scene_from_prompt(prompt: str | dict, rng: np.random.Generator) -> Scene:
    """A random scene that satisfies the prompt; what the prompt omits is drawn at random."""
    p = _as_parsed(prompt)
    background = p.get("background") or _pick(rng, tuple(BACKGROUNDS))
    descriptions = p["objects"] * (p["count"] if p["kind"] == "count" else 1)
    return Scene(background, _objects(rng, descriptions, p.get("relation")), p["kind"])


def render_prompt(prompt: str | dict, rng: np.random.Generator, size: int = 128) -> np.ndarray:
    """A truth picture for a prompt: a random scene that satisfies it, rendered."""
    return render(scene_from_prompt(prompt, rng), size, rng)


def _text(size: str | None, colour: str, pattern: str | None, shape: str,
          cell: str | None = None, background: str | None = None) -> str:
    words = [w for w in (size, colour, pattern, shape) if w]
    parts = [_article(words[0])] + words
    if cell:
        parts.append(POSITION_PHRASES[cell])
    if background:
        parts.append(_background_phrase(background, None))
    return " ".join(parts)


def _category_prompts(category: str, n: int, rng: np.random.Generator) -> list[str]:
    """n canonical prompts of one category, cycling through its main attribute values."""
    def colour_for(shape: str) -> str:
        return _pick(rng, tuple(c for c, s in _TRAIN_PAIRS if s == shape))

    def shape_for(colour: str) -> str:
        return _pick(rng, tuple(s for c, s in _TRAIN_PAIRS if c == colour))

    grids = {
        "single_object": list(itertools.product(SHAPES, SIZES)),
        "colour": list(itertools.product(COLOURS, BACKGROUNDS)),
        "position": [(c,) for c in CELLS],
        "two_objects": [(r,) for r in RELATIONS],
        "counting": list(itertools.product(COUNT_WORDS, SHAPES)),
        "pattern": list(itertools.product(("striped", "dotted"), SHAPES)),
        "held_out": list(itertools.product(sorted(HELD_OUT_PAIRS),
                                           (None, "size", "pattern", "cell", "background"))),
    }
    grid = grids[category]
    order = [grid[i] for i in rng.permutation(len(grid))]
    prompts = []
    for i in range(n):
        values = order[i % len(order)]
        if category == "single_object":
            shape, size = values
            prompts.append(_text(size, colour_for(shape), None, shape))
        elif category == "colour":
            colour, background = values
            prompts.append(_text(None, colour, None, shape_for(colour), background=background))
        elif category == "position":
            colour, shape = _pick(rng, _TRAIN_PAIRS)
            prompts.append(_text(None, colour, None, shape, cell=values[0]))
        elif category == "two_objects":
            first = _pick(rng, _TRAIN_PAIRS)
            second = _pick(rng, tuple(p for p in _TRAIN_PAIRS if p != first))
            prompts.append(f"{_text(None, first[0], None, first[1])} {values[0]} "
                           f"{_text(None, second[0], None, second[1])}")
        elif category == "counting":
            word, shape = values
            prompts.append(f"{word} {colour_for(shape)} {PLURALS[shape]}")
        elif category == "pattern":
            pattern, shape = values
            prompts.append(_text(None, colour_for(shape), pattern, shape))
        else:
            (colour, shape), extra = values
            prompts.append(_text(
                _pick(rng, tuple(SIZES)) if extra == "size" else None, colour,
                _pick(rng, ("striped", "dotted")) if extra == "pattern" else None, shape,
                cell=_pick(rng, CELLS) if extra == "cell" else None,
                background=_pick(rng, tuple(BACKGROUNDS)) if extra == "background" else None))
    return prompts


def eval_prompts(n: int, seed: int = 0) -> list[dict]:
    """n canonical evaluation prompts in total, split evenly over the seven categories.

    Returns ``[{"id": "pattern-003", "category": "pattern", "prompt": "..."}]``, the same list for
    the same (n, seed). Only the held_out category names a held-out colour-shape pair.
    """
    if n < len(CATEGORIES):
        raise ValueError(f"n must be at least {len(CATEGORIES)} to cover every category, got {n}")
    out = []
    for k, category in enumerate(CATEGORIES):
        count = n // len(CATEGORIES) + (k < n % len(CATEGORIES))
        rng = np.random.default_rng([seed, k])
        for i, text in enumerate(_category_prompts(category, count, rng)):
            out.append({"id": f"{category}-{i:04d}", "category": category, "prompt": text})
    return out
