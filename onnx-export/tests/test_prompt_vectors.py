"""The prompt vectors the Java engine is held to are what the Python reference makes of them now."""
import json
import shutil
from pathlib import Path

import pytest

from hart_export import prompt_vectors
from hart_export.prompt import PromptEncoder, refusal_of

COMMITTED = prompt_vectors.ROOT / "src/test/resources/prompt-vectors"


def test_committed_vectors_match_the_reference(tmp_path: Path):
    shutil.copy(COMMITTED / "bpe-tokenizer.json", tmp_path / "bpe-tokenizer.json")
    fresh = json.loads(prompt_vectors.build(tmp_path).read_text(encoding="utf-8"))
    committed = json.loads((COMMITTED / "vectors.json").read_text(encoding="utf-8"))
    assert fresh == committed, "rerun: python -m hart_export.prompt_vectors"


def tiny() -> PromptEncoder:
    return PromptEncoder(prompt_vectors.TINY_TOKENIZER, 24, 0)


def test_long_prompt_reports_the_kept_part():
    c = tiny().check("a red circle " * 10)
    assert c.tokens == 30 and c.truncated
    assert c.kept == ("a red circle " * 8).rstrip()
    assert c.message().startswith("The prompt is 30 tokens long; the model reads only the first 24")


def test_prompt_that_fits_has_no_message():
    c = tiny().check("a red circle")
    assert (c.tokens, c.truncated, c.kept, c.unknown, c.message()) == (3, False, "a red circle", [], None)


@pytest.mark.parametrize("prompt, position", [("a\x07b", 2), ("\x00", 1), ("ok\x7f", 3), ("a \ud800", 3)])
def test_control_characters_and_broken_surrogates_are_refused(prompt, position):
    why = refusal_of(prompt)
    assert why and f"position {position}" in why
    with pytest.raises(ValueError, match=f"position {position}"):
        tiny().encode([prompt])


@pytest.mark.parametrize("prompt", ["tab\there", "line\nbreak", "crlf\r\n", "\u200fred", "a red circle \U0001F600"])
def test_tabs_line_breaks_rtl_marks_and_emoji_are_text(prompt):
    assert refusal_of(prompt) is None
    tiny().encode([prompt])


def test_unknown_words_are_listed_once_in_order():
    c = tiny().check("a dragon, a red dragon and a castle")
    assert c.unknown == ["dragon", "castle"]
    assert '"dragon", "castle"' in c.message()
