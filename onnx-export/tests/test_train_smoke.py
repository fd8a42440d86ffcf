"""A few steps of each training stage, the fp16 shipping path and the evaluation, end to end."""
import json
from pathlib import Path

import numpy as np
import pytest

from hart_export.bundle import Bundle
from hart_export.train import main as train_main


def test_tokenizer_and_generator_stages_train_resume_and_ship(tmp_path):
    tok = tmp_path / "tok"
    assert train_main(["tokenizer", "--preset", "hart-tiny", "--out", str(tok), "--steps", "2", "--batch", "2"]) == 0
    assert (tok / "tokenizer.pt").is_file() and (tok / "ckpt.pt").is_file()
    # resuming continues from the checkpoint
    assert train_main(["tokenizer", "--preset", "hart-tiny", "--out", str(tok), "--steps", "3", "--batch", "2"]) == 0
    import torch
    assert torch.load(tok / "tokenizer.pt", weights_only=False)["step"] == 3
    gen = tmp_path / "gen"
    assert train_main(["generator", "--tokenizer", str(tok / "tokenizer.pt"), "--out", str(gen), "--images", "16",
                       "--steps", "2", "--batch", "4"]) == 0
    assert (gen / "hart-tiny.pt").is_file()
    dec = tmp_path / "dec"
    assert train_main(["decoder", "--tokenizer", str(tok / "tokenizer.pt"), "--out", str(dec), "--steps", "2", "--batch", "2"]) == 0
    # a decoder-stage run compacts like a tokenizer run: the base step, both CPU times, the base log first
    (tmp_path / "base.log.jsonl").write_text('{"stage": "tokenizer", "step": 3}\n')
    assert train_main(["compact", "--run", str(dec), "--out", str(tmp_path / "c.pt"), "--check", "0",
                       "--log-before", str(tmp_path / "base.log.jsonl")]) == 0
    c = torch.load(tmp_path / "c.pt", weights_only=False)
    assert (c["step"], c["decoder_steps"]) == (3, 2) and c["cpu_s"] > 0
    assert all(v.dtype == torch.float16 for v in c["tokenizer"].values() if v.is_floating_point())
    lines = (tmp_path / "c.log.jsonl").read_text().splitlines()
    assert json.loads(lines[0]) == {"stage": "tokenizer", "step": 3} and json.loads(lines[-1])["stage"] == "decoder"
    from hart_export.finalize import main as fin
    assert fin(["--checkpoint", str(gen / "hart-tiny.pt"), "--weights", str(tmp_path / "w16.pt"),
                "--out", str(tmp_path / "bundle"), "--decoder", str(dec / "tokenizer.pt")]) == 0
    b = Bundle.open(tmp_path / "bundle")
    assert b.manifest["name"] == "hart-tiny" and b.manifest["model"]["resolution"] == 128
    from hart_export.evaluate import evaluate
    rep = evaluate(tmp_path / "bundle", tmp_path / "eval", n=7, seeds=(0,), batch=7, recon_n=2)
    assert set(rep["adherence"]) >= {"overall"}
    assert rep["reconstruction"]["shapes"]["n"] == 2
    for kind in ("discrete", "hybrid"):
        assert 0.0 <= rep["tokenizer_ceiling"][kind]["overall"] <= 1.0


def test_tokenizer_ceiling_is_one_for_a_lossless_tokenizer_and_zero_for_a_blank_one():
    from hart_export.evaluate import tokenizer_ceiling
    from hart_export.shapes.captions import eval_prompts
    prompts = eval_prompts(14, seed=3)
    perfect = tokenizer_ceiling(prompts, lambda img: {"discrete": img, "hybrid": img}, 128)
    assert perfect["hybrid"]["overall"] == 1.0 and perfect["discrete"]["overall"] == 1.0
    grey = np.full((128, 128, 3), 128, np.uint8)
    blank = tokenizer_ceiling(prompts, lambda img: {"discrete": grey, "hybrid": img}, 128)
    assert blank["discrete"]["overall"] == 0.0 and blank["hybrid"]["overall"] == 1.0


def test_the_one_command_pipeline_trains_every_stage_ships_a_bundle_and_resumes(tmp_path):
    args = ["all", "--out", str(tmp_path / "all"), "--tokenizer-steps", "2", "--tokenizer-batch", "2",
            "--generator-steps", "2", "--images", "8", "--batch", "4"]
    assert train_main(args) == 0
    b = Bundle.open(tmp_path / "all" / "bundle")
    assert b.manifest["name"] == "hart-tiny"
    stamp = (tmp_path / "all" / "tok" / "tokenizer.pt").stat().st_mtime_ns
    assert train_main(args) == 0                 # finished stages are skipped, the bundle rewritten
    assert (tmp_path / "all" / "tok" / "tokenizer.pt").stat().st_mtime_ns == stamp
    assert Bundle.open(tmp_path / "all" / "bundle").manifest["name"] == "hart-tiny"


def test_training_refuses_to_run_without_the_photographs_unless_told_to():
    from hart_export.train import _need_photos

    class NoPhotos:
        def __bool__(self):
            return False

    with pytest.raises(SystemExit, match=r"onnx-export\[train\]"):
        _need_photos(NoPhotos(), 0.125)
    _need_photos(NoPhotos(), 0.0)   # --photo-share 0: Shapes World only, as asked
