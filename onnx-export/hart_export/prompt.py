"""Prompt tokenisation and text conditioning (HART-INFERENCE 2.1-2.3), shared by the PyTorch and
bundle paths. The project's models use a word-level ``tokenizer.json`` (Hugging Face tokenizers)."""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
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
        self._unk = json.loads(Path(self.tokenizer_file).read_text(encoding="utf-8")).get("model", {}).get("unk_token")
        self._sys = self._tok.encode(self.system_prompt, add_special_tokens=self.add_special_tokens).ids[:self.max_tokens] \
            if self.system_prompt else []

    def ids(self, prompt: str) -> list[int]:
        return self._tok.encode(prompt, add_special_tokens=self.add_special_tokens).ids[:self.max_tokens]

    def check(self, prompt: str) -> PromptCheck:
        """What the model reads of ``prompt``; the Java engine's ``TextEncoder.check`` gives the same."""
        T = self.max_tokens
        refusal = refusal_of(prompt)
        if refusal:
            return PromptCheck(0, T, "", [], refusal)
        e = self._tok.encode(prompt, add_special_tokens=self.add_special_tokens)
        kept = prompt
        if len(e.ids) > T:
            # offsets count code points, as Java's DJL spans do
            kept = prompt[:e.offsets[T - 1][1]]
        unknown: list[str] = []
        if isinstance(self._unk, str):
            for tok, (a, b) in zip(e.tokens, e.offsets):
                if tok == self._unk and prompt[a:b] not in unknown:
                    unknown.append(prompt[a:b])
        return PromptCheck(len(e.ids), T, kept, unknown, None)

    def encode(self, prompts: list[str]):
        """-> input_ids [N, S+T] int64, attention_mask [N, S+T] int64, mask [N, T] bool, pos [N, T] int64."""
        T, S = self.max_tokens, len(self._sys)
        tok = np.full((len(prompts), T), self.pad_id, np.int64)
        for i, p in enumerate(prompts):
            refusal = refusal_of(p)
            if refusal:
                raise ValueError(refusal if len(prompts) == 1 else f"Prompt {i + 1}: {refusal}")
            ids = self.ids(p)
            tok[i, :len(ids)] = ids
        mask = tok != self.pad_id
        pos = np.cumsum(mask, axis=1) - 1
        sys_ids = np.tile(np.array(self._sys, np.int64), (len(prompts), 1))
        input_ids = np.concatenate([sys_ids, tok], axis=1)
        attn = np.concatenate([np.ones_like(sys_ids), mask.astype(np.int64)], axis=1)
        return input_ids, attn, mask, pos.astype(np.int64)


@dataclass
class PromptCheck:
    """Mirror of the Java ``PromptCheck``: token count, the kept part, unknown words, refusal."""
    tokens: int
    max_tokens: int
    kept: str
    unknown: list[str] = field(default_factory=list)
    refusal: str | None = None

    @property
    def truncated(self) -> bool:
        return self.tokens > self.max_tokens

    def message(self) -> str | None:
        if self.refusal:
            return self.refusal
        parts = []
        if self.truncated:
            parts.append(f"The prompt is {self.tokens} tokens long; the model reads only the first "
                         f"{self.max_tokens}, so it sees: \"{self.kept}\"")
        if self.unknown:
            shown = [w if len(w) <= SHOWN_WORD else w[:SHOWN_WORD] + "\u2026" for w in self.unknown[:SHOWN_WORDS]]
            words = ", ".join(f'"{_visible(w)}"' for w in shown)
            if len(self.unknown) > SHOWN_WORDS:
                words += f" and {len(self.unknown) - SHOWN_WORDS} more"
            one = len(self.unknown) == 1
            parts.append(f"The model does not know {'the word' if one else 'the words'} {words}; "
                         f"{'it is read as an unknown word' if one else 'they are read as unknown words'}")
        return ". ".join(parts) + "." if parts else None


SHOWN_WORDS, SHOWN_WORD = 8, 24   # a message lists at most 8 unknown words, each cut to 24 characters


def _hex(cp: int) -> str:
    return f"U+{cp:04X}"


def _visible(s: str) -> str:
    return "".join(_hex(ord(c)) if unicodedata.category(c) == "Cf" else c for c in s)


def refusal_of(prompt: str) -> str | None:
    """Why ``prompt`` cannot be tokenised identically everywhere (same rule and words as Java):
    an unpaired surrogate, or a control character other than tab, line feed, carriage return."""
    for pos, c in enumerate(prompt, start=1):
        cp = ord(c)
        if 0xD800 <= cp <= 0xDFFF:
            return (f"The prompt has a broken character at position {pos} ({_hex(cp)}, half of a surrogate pair, "
                    f"not text); retype that part of the prompt.")
        if (cp < 0x20 and c not in "\t\n\r") or 0x7F <= cp <= 0x9F:
            return (f"The prompt contains the invisible control character {_hex(cp)} at position {pos}; "
                    f"remove it (tabs and line breaks are fine).")
    return None
