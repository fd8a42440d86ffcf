"""Shapes World: the picture domain of the embedded HART-tiny model (contract: SHAPES-WORLD.md).

world: constants and the scene description; render: scene to picture; captions: random scenes,
caption grammar, parsing and evaluation prompts; score: the detector and the per-category scorer.
"""
from .captions import (
    CATEGORIES, caption, describe, eval_prompts, parse_prompt, prompt_category, render_prompt,
    sample_captioned, sample_scene, scene_from_prompt,
)
from .render import layout, render
from .world import WORLD_VERSION, ObjectSpec, Scene

__all__ = [
    "CATEGORIES", "WORLD_VERSION", "ObjectSpec", "Scene", "caption", "describe", "eval_prompts",
    "layout", "parse_prompt", "prompt_category", "render", "render_prompt", "sample_captioned",
    "sample_scene", "scene_from_prompt",
]
