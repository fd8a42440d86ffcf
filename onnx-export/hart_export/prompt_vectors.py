"""Prompt test vectors shared with the Java engine: hard prompts (too long, control characters,
right-to-left marks, emoji, broken surrogates, unknown words) and what each side must make of them.

    python -m hart_export.prompt_vectors --out ../src/test/resources/prompt-vectors

writes ``vectors.json`` for two tokenizers: HART-tiny's word-level one (the embedded bundle's,
T = 24) and a small byte-level BPE in Qwen2's format (``bpe-tokenizer.json``, T = 16), so that both
kinds of tokenizer the engine meets are held to the same answers. ``PromptVectorsTest`` (Java) and
``test_prompt_vectors.py`` check them.
"""
from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from .prompt import PromptEncoder
from .standin import write_bpe_tokenizer

ROOT = Path(__file__).resolve().parents[2]
TINY_TOKENIZER = ROOT / "assets/models/hart-tiny/tokenizer.json"
TINY_T, BPE_T = 24, 16

PROMPTS = [
    "a red circle",
    "",
    "   ",
    "A LARGE Blue Striped Square In The Top Left Corner",
    "a red circle, " * 12,
    "a small green star on a white background " * 40,
    "x" * 10_000,
    " ".join(["dotted"] * 5000),
    "a red\tcircle\non the\r\nleft",
    "a red\u0007 circle",
    "\u0000",
    "a red circle\u009b",
    "a \u200fred\u200e circle",
    "\u202eelcric der a",
    "دائرة حمراء a red circle",
    "a red circle \U0001F600\U0001F534",
    "\U0001F468\u200d\U0001F469\u200d\U0001F467 family of circles",
    "a red \ud800 circle",
    "\udfff",
    "ａ ｒｅｄ ｃｉｒｃｌｅ",
    "a red circle\u00a0on the left",
    "a dragon in the sky, a castle beside a lake",
    "é è ñ ß ø Å",
    "<|endoftext|> a red circle <|im_start|>",
    "[PAD] [UNK] a red circle",
]


def vectors(encoder: PromptEncoder) -> list[dict]:
    out = []
    for p in PROMPTS:
        c = encoder.check(p)
        out.append({"prompt": p, "ids": None if c.refusal else encoder.ids(p), "tokens": c.tokens,
                    "truncated": c.truncated, "kept": c.kept, "unknown": c.unknown, "refusal": c.refusal,
                    "message": c.message()})
    return out


def build(out: Path) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    bpe = out / "bpe-tokenizer.json"
    if not bpe.exists():
        with tempfile.TemporaryDirectory() as d:
            write_bpe_tokenizer(Path(d), 600)
            bpe.write_text((Path(d) / "tokenizer.json").read_text(encoding="utf-8"), encoding="utf-8")
    doc = {
        "about": "written by python -m hart_export.prompt_vectors; checked by PromptVectorsTest and test_prompt_vectors.py",
        "tokenizers": [
            {"name": "hart-tiny", "file": "assets/models/hart-tiny/tokenizer.json", "max_tokens": TINY_T, "pad_id": 0,
             "vectors": vectors(PromptEncoder(TINY_TOKENIZER, TINY_T, 0))},
            {"name": "bpe", "file": "src/test/resources/prompt-vectors/bpe-tokenizer.json", "max_tokens": BPE_T,
             "pad_id": 600, "vectors": vectors(PromptEncoder(bpe, BPE_T, 600))},
        ],
    }
    path = out / "vectors.json"
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=True) + "\n", encoding="utf-8")
    return path


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.prompt_vectors", description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "src/test/resources/prompt-vectors")
    a = ap.parse_args(argv)
    print(build(a.out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
