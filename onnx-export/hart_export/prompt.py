"""Prompt tokenisation and text conditioning (HART-INFERENCE 2.1-2.3), shared by the PyTorch and
bundle paths. The project's models use a word-level ``tokenizer.json`` (Hugging Face tokenizers)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

PAD, UNK = "[PAD]", "[UNK]"

# The words of Shapes World (docs: ../shared/SHAPES-WORLD.md) plus common glue words.
WORDS = """a an one two three four the of on in at to and with
small large big tiny
red orange yellow green blue purple pink brown white black gray grey
circle circles square squares triangle triangles star stars ring rings cross crosses
solid striped dotted stripes dots
top bottom left right center centre middle corner upper lower
above below next beside
background
image picture photo drawing of shape shapes object objects
""".split()


def build_tokenizer_json(path: Path, vocab_size: int) -> None:
    """Write a word-level tokenizer.json: lowercase, split on whitespace/punctuation, [PAD]=0, [UNK]=1."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers
    words = [PAD, UNK] + sorted(set(WORDS)) + list("0123456789") + [",", ".", "!", "?", "-", "'", ":"]
    if len(words) > vocab_size:
        raise ValueError(f"text vocab_size {vocab_size} is smaller than the {len(words)} words of the tokenizer")
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token=UNK))
    tok.normalizer = normalizers.Sequence([normalizers.NFKC(), normalizers.Lowercase()])
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.save(str(path))


@dataclass
class PromptEncoder:
    """Turns prompts into the text encoder's inputs and HART's (mask, position ids)."""
    tokenizer_file: Path
    max_tokens: int                      # T
    pad_id: int
    system_prompt: str | None = None
    add_special_tokens: bool = False

    def __post_init__(self):
        from tokenizers import Tokenizer
        self._tok = Tokenizer.from_file(str(self.tokenizer_file))
        self._sys = self._tok.encode(self.system_prompt, add_special_tokens=self.add_special_tokens).ids[:self.max_tokens] \
            if self.system_prompt else []

    def ids(self, prompt: str) -> list[int]:
        return self._tok.encode(prompt, add_special_tokens=self.add_special_tokens).ids[:self.max_tokens]

    def encode(self, prompts: list[str]):
        """-> input_ids [N, S+T] int64, attention_mask [N, S+T] int64, mask [N, T] bool, pos [N, T] int64."""
        T, S = self.max_tokens, len(self._sys)
        tok = np.full((len(prompts), T), self.pad_id, np.int64)
        for i, p in enumerate(prompts):
            ids = self.ids(p)
            tok[i, :len(ids)] = ids
        mask = tok != self.pad_id
        pos = np.cumsum(mask, axis=1) - 1
        sys_ids = np.tile(np.array(self._sys, np.int64), (len(prompts), 1))
        input_ids = np.concatenate([sys_ids, tok], axis=1)
        attn = np.concatenate([np.ones_like(sys_ids), mask.astype(np.int64)], axis=1)
        return input_ids, attn, mask, pos.astype(np.int64)
