"""The path of the official download at small size: the stand-in folders, `official` with its fp32 and
fp16 bundles, graphs with ONNX external data, and the refusals of bad external-data paths."""
import json
import shutil
from pathlib import Path

import numpy as np
import onnx
import pytest

from hart_export.__main__ import main
from hart_export.bundle import Bundle, BundleError, sha256_file, write_bundle, write_fp16_bundle
from hart_export.commands import TOLERANCE, TOLERANCE_FP16, make_random, validate
from hart_export.onnx_files import external_locations
from hart_export.prompt import build_tokenizer_json

pytest.importorskip("transformers")


@pytest.fixture(scope="module")
def standin(tmp_path_factory):
    d = tmp_path_factory.mktemp("standin")
    assert main(["standin", "--size", "small", "--out", str(d / "dl"), "--seed", "4"]) == 0
    hart, qwen = d / "dl" / "hart-0.7b-1024px", d / "dl" / "Qwen2-1.5B-Instruct"
    assert main(["official", "--llm", str(hart / "llm"), "--text-model", str(qwen), "--out", str(d / "b32"),
                 "--fp16-out", str(d / "b16")]) == 0
    return d, hart, qwen


@pytest.fixture(scope="module")
def external(tmp_path_factory):
    """The tiny random model with every graph forced to external data."""
    d = tmp_path_factory.mktemp("ext")
    m = make_random("tiny", 0)
    build_tokenizer_json(d / "tok.json", 256)
    write_bundle(d / "b", m.cfg, m.transformer, m.tokenizer, m.text, name="ext", description="x", card="x",
                 tokenizer_json=d / "tok.json", pad_token_id=0, external_over=0)
    return d / "b", m


def test_standin_has_the_official_layout_key_names_and_dtypes(standin):
    from safetensors import safe_open
    _, hart, qwen = standin
    assert json.loads((hart / "llm" / "config.json").read_text())["model_type"] == "hart_transformer_t2i"
    assert json.loads((hart / "tokenizer" / "config.json").read_text())["model_type"] == "hart_autoencoder_with_disc"
    assert (hart / "llm" / "ema_model.bin").is_file() and (hart / "tokenizer" / "pytorch_model.bin").is_file()
    with safe_open(str(qwen / "model.safetensors"), "pt") as f:
        keys = list(f.keys())
        assert "model.embed_tokens.weight" in keys and not any(k.startswith("lm_head.") for k in keys)
        assert str(f.get_tensor("model.norm.weight").dtype) == "torch.bfloat16"
    tj = json.loads((qwen / "tokenizer.json").read_text())
    regular = json.loads((qwen / "config.json").read_text())["bos_token_id"]
    assert len(tj["model"]["vocab"]) == regular
    assert [(t["id"], t["content"]) for t in tj["added_tokens"]] == [
        (regular, "<|endoftext|>"), (regular + 1, "<|im_start|>"), (regular + 2, "<|im_end|>")]


def test_full_standin_uses_qwen2_1_5b_shapes_and_vocabulary():
    from hart_export.standin import QWEN2_REGULAR_TOKENS, hart_config, qwen2_values
    q = qwen2_values("full", 1536)
    assert (q["vocab_size"], q["hidden_size"], q["num_hidden_layers"], q["num_key_value_heads"]) == (151936, 1536, 28, 2)
    assert QWEN2_REGULAR_TOKENS == q["bos_token_id"] == 151643
    t = hart_config("full").transformer
    assert (t.embed_dim, t.depth, t.context_token, t.patch_nums[-1]) == (1536, 16, 300, 64)


def test_official_export_of_the_standin_uses_the_ema_weights_and_the_qwen2_pad_token(standin):
    import torch
    from hart_export.official import OfficialModels
    d, hart, qwen = standin
    o = OfficialModels(hart / "llm", hart / "tokenizer", qwen)
    tr, _ = o.transformer_and_tokenizer()
    ema = torch.load(hart / "llm" / "ema_model.bin", weights_only=True)
    assert o.source == "ema_model.bin"
    assert torch.equal(tr.state_dict()["head.weight"], ema["head.weight"])
    b = Bundle.open(d / "b32")
    assert b.manifest["text"]["pad_token_id"] == json.loads((qwen / "config.json").read_text())["bos_token_id"]


def test_fp16_bundle_names_its_fp32_bundle_and_stays_within_its_tolerance(standin, capsys):
    d, hart, qwen = standin
    m16 = Bundle.open(d / "b16").manifest
    assert (m16["precision"], m16["fp32_bundle"]) == ("fp16", "b32")
    g = onnx.load(str(d / "b16" / "step.onnx"))
    assert any(t.data_type == onnx.TensorProto.FLOAT16 for t in g.graph.initializer)
    assert {i.type.tensor_type.elem_type for i in list(g.graph.input) + list(g.graph.output)} == {onnx.TensorProto.FLOAT}
    for b, tol in (("b32", TOLERANCE), ("b16", TOLERANCE_FP16)):
        assert main(["validate", "--bundle", str(d / b), "--llm", str(hart / "llm"), "--text-model", str(qwen)]) == 0
        assert f"tolerance {tol:g}" in capsys.readouterr().out


def test_graphs_forced_to_external_data_are_hashed_and_match_pytorch(external):
    b, m = external
    bundle = Bundle.open(b)
    for role, g in bundle.manifest["graphs"].items():
        locs = external_locations(b / g["file"])
        assert locs == {g["file"] + ".data"}, role
        assert bundle.manifest["files"][g["file"] + ".data"] == sha256_file(b / (g["file"] + ".data"))
    assert max(max(v.values()) for v in validate(bundle, m).values()) <= TOLERANCE


def _with_location(src: Path, dst: Path, location: str) -> None:
    """A copy of bundle ``src`` whose step graph points its external data at ``location``."""
    shutil.copytree(src, dst)
    g = onnx.load(str(dst / "step.onnx"), load_external_data=False)
    for t in g.graph.initializer:
        for e in t.external_data:
            if e.key == "location":
                e.value = location
    onnx.save(g, str(dst / "step.onnx"))
    m = json.loads((dst / "manifest.json").read_text())
    m["files"]["step.onnx"] = sha256_file(dst / "step.onnx")
    (dst / "manifest.json").write_text(json.dumps(m))


def test_an_external_data_path_that_leaves_the_bundle_is_refused(external, tmp_path):
    b, _ = external
    _with_location(b, tmp_path / "b", "../step.onnx.data")
    shutil.copyfile(b / "step.onnx.data", tmp_path / "step.onnx.data")
    with pytest.raises(BundleError, match="leaves the bundle folder"):
        Bundle.open(tmp_path / "b")


def test_a_missing_external_data_file_is_refused(external, tmp_path):
    b, _ = external
    _with_location(b, tmp_path / "b", "weights-elsewhere.data")
    with pytest.raises(BundleError, match="weights-elsewhere.data' is missing"):
        Bundle.open(tmp_path / "b")


def test_an_unlisted_external_data_file_is_refused(external, tmp_path):
    b, _ = external
    _with_location(b, tmp_path / "b", "copy.data")
    shutil.copyfile(b / "step.onnx.data", tmp_path / "b" / "copy.data")
    with pytest.raises(BundleError, match="no sha256 for 'copy.data'"):
        Bundle.open(tmp_path / "b")


def test_standin_refuses_an_unknown_size_and_a_non_empty_folder(tmp_path, capsys):
    assert main(["standin", "--size", "huge", "--out", str(tmp_path)]) == 2
    assert "--size must be one of full, small" in capsys.readouterr().err
    (tmp_path / "hart-0.7b-1024px").mkdir()
    (tmp_path / "hart-0.7b-1024px" / "x").write_text("x")
    assert main(["standin", "--size", "small", "--out", str(tmp_path)]) == 2
    assert "is not empty" in capsys.readouterr().err
