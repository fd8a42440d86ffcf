"""Shapes World: renderer, caption grammar and detector agree with each other and the contract."""
import json
import time

import numpy as np
import pytest

from hart_export.shapes import (
    CATEGORIES, ObjectSpec, Scene, caption, describe, eval_prompts, layout, parse_prompt,
    prompt_category, render, render_prompt, sample_captioned, sample_scene, scene_from_prompt,
)
from hart_export.shapes import cli
from hart_export.shapes.score import detect, evaluate, score_image
from hart_export.shapes.world import (
    BACKGROUNDS, CELLS, COLOURS, HELD_OUT_PAIRS, MARGIN, MIN_GAP, PATTERNS, RELATIONS, SHAPES,
    SIZES, WORLD_VERSION, relation_between,
)


def one(shape="circle", colour="red", size="large", cell="center", pattern="solid", background="gray"):
    return Scene(background, (ObjectSpec(shape, colour, size, cell, pattern),), "single")


def read_back(scene: Scene, seed: int, size: int = 128):
    """The single detected object of a rendered one-object scene, and the detection."""
    detection = detect(render(scene, size, np.random.default_rng(seed)))
    assert len(detection.objects) == 1, detection
    return detection.objects[0], detection


# Every attribute value renders and reads back

@pytest.mark.parametrize("shape", SHAPES)
def test_every_shape_reads_back_at_both_sizes_and_all_patterns(shape):
    for i, (size, pattern) in enumerate((s, p) for s in SIZES for p in PATTERNS):
        scene = one(shape=shape, colour=list(COLOURS)[i], size=size, pattern=pattern,
                    background=list(BACKGROUNDS)[i % 3], cell=CELLS[i])
        got, _ = read_back(scene, seed=i)
        assert (got.shape, got.size, got.pattern) == (shape, size, pattern), (scene, got)


@pytest.mark.parametrize("colour", COLOURS)
def test_every_colour_reads_back_on_every_background(colour):
    for i, background in enumerate(BACKGROUNDS):
        for pattern in PATTERNS:
            got, detection = read_back(one(colour=colour, background=background, pattern=pattern,
                                           shape=SHAPES[i]), seed=i)
            assert (got.colour, detection.background) == (colour, background)


@pytest.mark.parametrize("cell", CELLS)
def test_every_cell_reads_back_for_large_and_small_objects(cell):
    for seed, size in enumerate(SIZES):
        for shape in ("triangle", "star", "cross"):
            got, _ = read_back(one(cell=cell, size=size, shape=shape), seed=seed)
            assert got.cell == cell


@pytest.mark.parametrize("background", BACKGROUNDS)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_every_pattern_reads_back_on_every_background(pattern, background):
    for i, colour in enumerate(("red", "yellow", "pink", "brown")):
        got, _ = read_back(one(pattern=pattern, background=background, colour=colour,
                               shape=SHAPES[i], size="small"), seed=i)
        assert got.pattern == pattern


@pytest.mark.parametrize("count", ["two", "three"])
def test_every_count_reads_back(count):
    for seed, (colour, shape) in enumerate((("red", "circle"), ("yellow", "star"), ("blue", "ring"))):
        prompt = f"{count} {colour} {shape}s"
        rng = np.random.default_rng(seed)
        result = score_image(render_prompt(prompt, rng), prompt)
        assert result["passed"], result


@pytest.mark.parametrize("relation", RELATIONS)
def test_every_relation_reads_back(relation):
    for seed in range(6):
        prompt = f"a green cross {relation} a brown square"
        result = score_image(render_prompt(prompt, np.random.default_rng(seed)), prompt)
        assert result["passed"] and result["checks"]["relation"], result


def test_detector_reads_back_at_least_99_percent_of_attributes():
    rng = np.random.default_rng(2024)
    right = total = 0
    for _ in range(300):
        scene = sample_scene(rng, "eval")
        detection = detect(render(scene, 128, rng))
        checks = [detection.background == scene.background, len(detection.objects) == len(scene.objects)]
        by_cell = {o.cell: o for o in detection.objects}
        for o in scene.objects:
            got = by_cell.get(o.cell)
            checks += [got is not None and getattr(got, key) == getattr(o, key)
                       for key in ("shape", "colour", "size", "cell", "pattern")]
        right += sum(checks)
        total += len(checks)
    accuracy = right / total
    print(f"\ndetector read back {right}/{total} attributes = {accuracy:.4%}")
    assert accuracy >= 0.99


def test_scorer_rejects_a_caption_with_one_attribute_changed():
    rng = np.random.default_rng(5)
    swaps = {"red": "blue", "circle": "square", "small": "large", "striped": "dotted",
             "white": "black", "above": "below", "two": "three", "at the top": "at the bottom"}
    tried = 0
    for _ in range(60):
        scene = sample_scene(rng, "eval")
        text = describe(scene)
        img = render(scene, 128, rng)
        for old, new in swaps.items():
            if f" {old} " in f" {text} ":
                wrong = f" {text} ".replace(f" {old} ", f" {new} ", 1).strip()
                assert not score_image(img, wrong)["passed"], (text, wrong)
                tried += 1
    assert tried > 30


# Rendering

def test_rendering_is_deterministic_from_a_seed():
    scene = sample_scene(np.random.default_rng(1), "eval", kind="count")
    a = render(scene, 128, np.random.default_rng(7))
    b = render(scene, 128, np.random.default_rng(7))
    c = render(scene, 128, np.random.default_rng(8))
    assert a.shape == (128, 128, 3) and a.dtype == np.uint8
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    assert np.array_equal(render(scene), render(scene))
    assert sample_captioned(np.random.default_rng(3)) == sample_captioned(np.random.default_rng(3))


def test_rendering_is_anti_aliased_and_works_at_256():
    img = render(one(shape="circle", pattern="solid", colour="red", background="white"), 256)
    values = {tuple(v) for v in img.reshape(-1, 3)}
    assert len(values) > 5  # edge pixels mix the object and the background colours
    got, _ = read_back(one(shape="star", pattern="dotted"), seed=0, size=256)
    assert (got.shape, got.pattern) == ("star", "dotted")


def test_objects_never_overlap_and_stay_inside_the_canvas():
    rng = np.random.default_rng(11)
    for _ in range(500):
        scene = sample_scene(rng, "eval", kind=("two", "count")[_ % 2])
        placed = layout(scene, rng)
        for p in placed:
            assert MARGIN - 1e-9 <= p.cx - p.width / 2 and p.cx + p.width / 2 <= 1 - MARGIN + 1e-9
            assert MARGIN - 1e-9 <= p.cy - p.height / 2 and p.cy + p.height / 2 <= 1 - MARGIN + 1e-9
        for i, a in enumerate(placed):
            for b in placed[i + 1:]:
                gap = max(abs(a.cx - b.cx) - (a.width + b.width) / 2, abs(a.cy - b.cy) - (a.height + b.height) / 2)
                assert gap >= MIN_GAP - 1e-9


def test_a_128_pixel_picture_renders_in_a_few_milliseconds():
    rng = np.random.default_rng(0)
    scenes = [sample_scene(rng) for _ in range(200)]
    start = time.perf_counter()
    for scene in scenes:
        render(scene, 128, rng)
    ms = (time.perf_counter() - start) / len(scenes) * 1000
    print(f"\nrender 128 px: {ms:.2f} ms per picture")
    assert ms < 25  # about 2 ms on an idle core; generous for a busy test machine


# Captions

def test_training_never_holds_a_held_out_pair():
    rng = np.random.default_rng(99)
    seen = set()
    for _ in range(5000):
        scene, text = sample_captioned(rng, "train")
        pairs = {(o.colour, o.shape) for o in scene.objects}
        pairs |= {(o["colour"], o["shape"]) for o in parse_prompt(text)["objects"]}
        assert not pairs & HELD_OUT_PAIRS, (scene, text)
        seen |= pairs
    assert len(seen) == len(COLOURS) * len(SHAPES) - len(HELD_OUT_PAIRS)
    eval_pairs = {(o.colour, o.shape) for _ in range(3000) for o in sample_scene(rng, "eval").objects}
    assert HELD_OUT_PAIRS <= eval_pairs


def _assert_states_only_truth(parsed: dict, scene: Scene):
    assert parsed["kind"] == scene.kind
    assert parsed["count"] == len(scene.objects)
    assert parsed.get("background", scene.background) == scene.background
    if scene.kind == "count":
        for o in scene.objects:
            assert all(getattr(o, k) == v for k, v in parsed["objects"][0].items())
        return
    by_pair = {(o.colour, o.shape): o for o in scene.objects}
    matched = [by_pair[(d["colour"], d["shape"])] for d in parsed["objects"]]
    for d, o in zip(parsed["objects"], matched):
        assert all(getattr(o, k) == v for k, v in d.items()), (d, o)
    if scene.kind == "two":
        assert relation_between(matched[0].cell, matched[1].cell) == parsed["relation"]


def test_captions_parse_back_to_the_scene():
    rng = np.random.default_rng(4)
    stated = {"size": 0, "pattern": 0, "cell": 0, "background": 0}
    variants = set()
    for _ in range(3000):
        scene, text = sample_captioned(rng, "train")
        parsed = parse_prompt(text)
        _assert_states_only_truth(parsed, scene)
        stated["background"] += "background" in parsed
        for key in ("size", "pattern", "cell"):
            stated[key] += key in parsed["objects"][0]
        variants |= {w for w in ("one", "centre", "middle", "corner", "grey", ",") if w in text}
        full = parse_prompt(describe(scene))
        _assert_states_only_truth(full, scene)
        assert "background" in full
    assert all(v > 200 for v in stated.values()), stated
    assert variants == {"one", "centre", "middle", "corner", "grey", ","}


def test_parser_reads_the_canonical_grammar_and_variants():
    assert parse_prompt("a small red striped star in the top left on a white background") == {
        "kind": "single", "count": 1, "background": "white",
        "objects": [{"shape": "star", "colour": "red", "size": "small", "pattern": "striped", "cell": "top left"}],
    }
    assert parse_prompt("On a grey background, one orange ring in the centre.") == parse_prompt(
        "an orange ring in the center on a gray background")
    assert parse_prompt("a blue cross in the bottom right corner")["objects"][0]["cell"] == "bottom right"
    assert parse_prompt("a red circle below an orange square")["relation"] == "below"
    assert parse_prompt("three green crosses on a black background") == {
        "kind": "count", "count": 3, "background": "black", "objects": [{"shape": "cross", "colour": "green"}],
    }
    for bad in ("a red dog", "four red circles", "a circle", "a red circle next to a blue square"):
        with pytest.raises(ValueError):
            parse_prompt(bad)


def test_scene_rejects_what_the_contract_forbids():
    with pytest.raises(ValueError):
        ObjectSpec("hexagon", "red", "small", "top", "solid")
    with pytest.raises(ValueError):
        Scene("gray", (ObjectSpec("circle", "red", "small", "top"), ObjectSpec("ring", "red", "small", "top")), "two")
    with pytest.raises(ValueError):
        Scene("gray", (ObjectSpec("circle", "red", "small", "top"), ObjectSpec("ring", "red", "small", "left")), "count")
    with pytest.raises(ValueError):  # two large neighbours cannot be placed apart
        layout(Scene("gray", (ObjectSpec("circle", "red", "large", "left"),
                              ObjectSpec("ring", "blue", "large", "center")), "two"))


# Evaluation prompts and scoring

def test_eval_prompts_cover_every_category_deterministically():
    prompts = eval_prompts(140, seed=0)
    assert len(prompts) == 140 and prompts == eval_prompts(140, seed=0)
    assert prompts != eval_prompts(140, seed=1)
    assert len({p["id"] for p in prompts}) == 140
    assert {p["category"] for p in prompts} == set(CATEGORIES)
    held_out_seen = set()
    for p in prompts:
        parsed = parse_prompt(p["prompt"])
        assert prompt_category(parsed) == p["category"], p
        pairs = {(o["colour"], o["shape"]) for o in parsed["objects"]}
        assert bool(pairs & HELD_OUT_PAIRS) == (p["category"] == "held_out"), p
        held_out_seen |= pairs & HELD_OUT_PAIRS
    assert held_out_seen == HELD_OUT_PAIRS
    with pytest.raises(ValueError):
        eval_prompts(3)


def test_truth_pictures_of_eval_prompts_pass_every_category():
    prompts = eval_prompts(70, seed=3)
    rng = np.random.default_rng(3)
    scenes = [scene_from_prompt(p["prompt"], rng) for p in prompts]
    assert all(prompt_category(describe(s)) in CATEGORIES for s in scenes)
    images = [render(s, 128, rng) for s in scenes]
    accuracy = evaluate(images, [p["prompt"] for p in prompts], [p["category"] for p in prompts])
    assert accuracy == {**{c: 1.0 for c in CATEGORIES}, "overall": 1.0}
    shuffled = evaluate(images[1:] + images[:1], [p["prompt"] for p in prompts])
    assert shuffled["overall"] < 0.3


def test_cli_renders_and_scores_a_prompt_file(tmp_path, capsys):
    prompts_file, images, report_file = tmp_path / "p.jsonl", tmp_path / "img", tmp_path / "r.json"
    assert cli.main(["prompts", "--n", "14", "--seed", "2", "--out", str(prompts_file)]) == 0
    assert cli.main(["render", "--prompts", str(prompts_file), "--out", str(images), "--seed", "5"]) == 0
    assert cli.main_eval(["--images", str(images), "--prompts", str(prompts_file), "--json", str(report_file)]) == 0
    table = capsys.readouterr().out
    assert "overall" in table and "held_out" in table
    report = json.loads(report_file.read_text())
    assert report["world"] == WORLD_VERSION and report["overall"] == 1.0
    assert len(report["results"]) == 14 and set(report["categories"]) == set(CATEGORIES)
