"""Tokenizer design options (the space-to-depth stem, tokenizer overrides) and the scene-level
tokenizer ceiling."""
import json

import numpy as np
import pytest
import torch

from hart_export.config import ConfigError, TokenizerConfig, preset, with_tokenizer
from hart_export.modules.vae import HybridTokenizer
from hart_export.shapes.captions import sample_scene
from hart_export.shapes.render import render
from hart_export.shapes.world import Scene
from hart_export.tokenizer_eval import scene_checks, tokenizer_ceiling, torch_reconstruct


def test_a_stem_runs_the_conv_stack_at_a_lower_resolution_and_decodes_back_to_full_size():
    cfg = with_tokenizer(preset("hart-tiny"), stem=4, ch=32, ch_mult=[1, 2, 2], v_patch_nums=[1, 2, 3, 4, 5, 6, 8])
    assert cfg.tokenizer.downsample == 16 and cfg.resolution == 128
    vae = HybridTokenizer(cfg.tokenizer)
    f = vae.encode(torch.zeros(2, 3, 128, 128))
    assert f.shape == (2, 16, 8, 8)
    assert vae.decode(f).shape == (2, 3, 128, 128)
    assert vae.encoder.conv_in.in_channels == 48 and vae.decoder.conv_out.out_channels == 48


def test_the_official_layout_has_no_stem():
    assert TokenizerConfig().stem == 1 and "stem" not in str(HybridTokenizer(preset("tiny").tokenizer).state_dict().keys())


def test_an_unsupported_stem_or_field_is_named():
    with pytest.raises(ConfigError, match="stem=3"):
        with_tokenizer(preset("hart-tiny"), stem=3)
    with pytest.raises(ConfigError, match="'chanels'"):
        with_tokenizer(preset("hart-tiny"), chanels=4)


def test_the_transformer_follows_the_tokenizer_scales_vocabulary_and_latent_width():
    cfg = with_tokenizer(preset("hart-tiny"), stem=4, ch_mult=[1, 2], vocab_size=2048, z_channels=32,
                         v_patch_nums=[1, 2, 4, 8, 16])
    assert cfg.resolution == 128 and cfg.tokenizer.downsample == 8
    assert cfg.transformer.patch_nums == (1, 2, 4, 8, 16)
    assert (cfg.transformer.vocab_size, cfg.transformer.latent_channels) == (2048, 32)


def test_a_stem_tokenizer_exports_and_matches_pytorch(tmp_path):
    import onnxruntime as ort
    cfg = with_tokenizer(preset("hart-tiny"), stem=4, ch=32, ch_mult=[1, 2, 2], v_patch_nums=[1, 2, 3, 4, 5, 6, 8])
    vae = HybridTokenizer(cfg.tokenizer).eval()

    class Dec(torch.nn.Module):
        def __init__(self, v):
            super().__init__(); self.v = v
        def forward(self, z):
            return self.v.decode(z)
    z = torch.randn(1, 16, 8, 8)
    path = tmp_path / "dec.onnx"
    torch.onnx.export(Dec(vae), (z,), str(path), input_names=["z"], output_names=["img"],
                      dynamic_axes={"z": {0: "b", 2: "h", 3: "w"}}, opset_version=17, dynamo=False)
    s = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    z2 = torch.randn(2, 16, 6, 10)   # not the export shape
    got = s.run(None, {"z": z2.numpy()})[0]
    with torch.no_grad():
        want = vae.decode(z2).numpy()
    assert got.shape == (2, 3, 96, 160)
    assert np.abs(got - want).max() < 1e-4


def _scene(seed=5):
    rng = np.random.default_rng(seed)
    return sample_scene(rng, "eval"), rng


def test_a_rendered_scene_is_read_back_whole():
    for seed in range(12):
        s, rng = _scene(seed)
        checks = scene_checks(s, render(s, 128, rng))
        assert all(checks.values()), (s, checks)


def test_a_wrong_colour_or_a_missing_object_fails_its_attribute_only():
    s, rng = _scene(2)
    o = s.objects[0]
    other = "blue" if o.colour != "blue" else "red"
    recoloured = Scene(s.background, (type(o)(o.shape, other, o.size, o.cell, o.pattern),) + s.objects[1:], s.kind)
    checks = scene_checks(s, render(recoloured, 128, np.random.default_rng(0)))
    assert not checks["colour"] and checks["background"] and checks["count"]
    blank = np.full((128, 128, 3), 245, np.uint8)
    checks = scene_checks(s, blank)
    assert not checks["count"] and not checks["shape"] and checks["background"] == (s.background == "white")


def test_the_ceiling_is_one_for_a_lossless_tokenizer_and_zero_for_a_blank_one():
    grey = np.full((128, 128, 3), 128, np.uint8)
    rep = tokenizer_ceiling(lambda ims: {"discrete": [grey] * len(ims), "hybrid": list(ims)}, n=24, batch=5)
    assert rep["n"] == 24
    assert rep["hybrid"]["all"] >= 0.95 and rep["hybrid"]["psnr_shapes"] == 99.0
    assert rep["discrete"]["all"] == 0.0 and rep["discrete"]["count"] == 0.0


def test_the_ceiling_runs_on_a_pytorch_tokenizer():
    cfg = with_tokenizer(preset("hart-tiny"), stem=4, ch=32, ch_mult=[1, 2, 2], v_patch_nums=[1, 2, 3, 4, 5, 6, 8])
    rep = tokenizer_ceiling(torch_reconstruct(HybridTokenizer(cfg.tokenizer).eval(), cfg.tokenizer.v_patch_nums), n=4)
    assert set(rep["discrete"]) >= {"all", "shape", "colour", "pattern", "psnr_shapes"}


def test_tokenizer_training_with_an_architecture_resumes_with_it_and_logs_the_ceiling(tmp_path):
    from hart_export.train import main as train_main
    out = tmp_path / "tok"
    arch = json.dumps({"stem": 4, "ch": 32, "ch_mult": [1, 2, 2], "v_patch_nums": [1, 2, 3, 4, 5, 6, 8]})
    assert train_main(["tokenizer", "--out", str(out), "--arch", arch, "--steps", "2", "--batch", "4", "--eval-n", "3"]) == 0
    assert train_main(["tokenizer", "--out", str(out), "--steps", "3", "--batch", "4"]) == 0   # arch kept
    saved = torch.load(out / "tokenizer.pt", weights_only=False)
    assert saved["step"] == 3 and saved["config"]["tokenizer"]["stem"] == 4
    evals = [json.loads(l) for l in (out / "log.jsonl").read_text().splitlines() if "tokenizer-eval" in l]
    assert evals and 0.0 <= evals[0]["ceiling"]["discrete"]["all"] <= 1.0 and evals[0]["cpu_s"] > 0
    # compact fp16 weights with the curve, and a fresh run that continues from them with their design
    w = tmp_path / "w" / "tok.pt"
    assert train_main(["compact", "--run", str(out), "--out", str(w), "--check", "2"]) == 0
    saved = torch.load(w, weights_only=False)
    assert saved["tokenizer"]["encoder.conv_in.weight"].dtype == torch.float16 and saved["step"] == 3
    curve = w.with_suffix(".log.jsonl").read_text()
    assert curve.startswith((out / "log.jsonl").read_text()), "the run's curve, whole"
    last = json.loads(curve.splitlines()[-1])
    assert last["stage"] == "compact" and set(last) >= {"fp32", "fp16", "step"}, "then the fp32/fp16 check"
    again = tmp_path / "again"
    assert train_main(["tokenizer", "--out", str(again), "--init", str(w), "--steps", "4", "--batch", "4"]) == 0
    cont = torch.load(again / "tokenizer.pt", weights_only=False)
    assert list(cont["config"]["tokenizer"]["ch_mult"]) == [1, 2, 2]
    assert cont["step"] == 4   # one more step: the step axis (and the CPU-time axis) go on from the weights
    log = (again / "log.jsonl").read_text()
    assert log.startswith(w.with_suffix(".log.jsonl").read_text())   # one curve across sessions


def test_a_share_of_the_steps_decodes_the_continuous_latent_evenly_spread():
    from hart_export.train import continuous_step
    assert [continuous_step(s, 0.5) for s in range(4)] == [False, True, False, True]   # HART's alternation
    for share in (0.25, 0.5, 2 / 3, 0.75):
        picks = [continuous_step(s, share) for s in range(120)]
        assert sum(picks) == round(120 * share)
        assert max(len(r) for r in "".join("c" if p else "d" for p in picks).split("c")) <= int(1 / share) + 1
    assert not any(continuous_step(s, 0.0) for s in range(10)) and all(continuous_step(s, 1.0) for s in range(10))


def test_learning_curves_table_and_plot_from_run_logs(tmp_path):
    from hart_export.curves import main as curves_main, read_evals
    run = tmp_path / "runA"; run.mkdir()
    rec = {"stage": "tokenizer-eval", "step": 50, "cpu_s": 120.0, "images": 800,
           "ceiling": {k: {"all": 0.25, "shape": 0.5, "colour": 0.5, "pattern": 0.25, "count": 0.75, "psnr_shapes": 21.0}
                       for k in ("discrete", "hybrid")}}
    (run / "log.jsonl").write_text(json.dumps({"stage": "tokenizer", "step": 50}) + "\n" + json.dumps(rec) + "\n")
    assert len(read_evals(run / "log.jsonl")) == 1
    assert curves_main([str(run), "--out", str(tmp_path / "c.png"), "--table", str(tmp_path / "t.md")]) == 0
    assert (tmp_path / "c.png").read_bytes()[:4] == b"\x89PNG"
    assert "| runA | 50 | 2.0 | 800 | 0.250 |" in (tmp_path / "t.md").read_text()
    (run / "log.jsonl").write_text("{broken\n")
    with pytest.raises(ValueError, match="log.jsonl:1: not a JSON line"):
        read_evals(run / "log.jsonl")


def test_sigterm_asks_the_training_loop_to_stop_and_save():
    import os
    import signal
    from hart_export.train import _stop_on_sigterm
    before = signal.getsignal(signal.SIGTERM)
    try:
        flag = _stop_on_sigterm()
        assert not flag
        os.kill(os.getpid(), signal.SIGTERM)
        assert flag
    finally:
        signal.signal(signal.SIGTERM, before)


def test_a_design_that_does_not_give_128_px_is_refused_before_training(tmp_path):
    from hart_export.train import main as train_main
    with pytest.raises(SystemExit, match="256 px"):
        train_main(["tokenizer", "--out", str(tmp_path / "t"), "--arch", json.dumps({"ch_mult": [1, 2, 2]}), "--steps", "1"])
