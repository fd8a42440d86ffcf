"""The exporter end to end: random bundle -> validate -> sample (ORT == PyTorch tokens), the bundle
contract, and every bad input the CLI handles."""
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from hart_export.__main__ import main
from hart_export.bundle import Bundle, BundleError
from hart_export.checkpoint import CheckpointError, load_strict
from hart_export.commands import make_random
from hart_export.models import load_checkpoint, save_checkpoint


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    d = tmp_path_factory.mktemp("tiny")
    assert main(["random", "--preset", "tiny", "--seed", "0", "--out", str(d / "b"), "--save-checkpoint", str(d / "w.pt")]) == 0
    return d


def test_random_bundle_has_every_graph_and_valid_hashes(tiny):
    b = Bundle.open(tiny / "b")
    m = b.manifest
    assert m["format"] == "hart-bundle" and m["format_version"] == 1 and m["rng"] == "hart-rng-v1"
    assert set(m["graphs"]) == {"text_encoder", "condition", "embed", "step", "fhat_step", "diff_cond", "diff_mlp",
                                "vae_decoder", "vae_encoder"}
    assert len(m["sampling_defaults"]["top_k"]) == len(m["model"]["patch_nums"])
    assert all(k <= m["model"]["codebook_size"] for k in m["sampling_defaults"]["top_k"])
    assert np.load(tiny / "b" / "preview.npy").shape == (m["model"]["latent_channels"] + 1, 3)
    size = sum(p.stat().st_size for p in (tiny / "b").iterdir())
    assert size < 10_000_000


def test_manifest_io_declarations_match_the_onnx_graphs(tiny):
    import onnx
    b = Bundle.open(tiny / "b")
    for role, g in b.manifest["graphs"].items():
        model = onnx.load(str(tiny / "b" / g["file"]))
        assert [i.name for i in model.graph.input] == [i["name"] for i in g["inputs"]], role
        assert [o.name for o in model.graph.output] == [o["name"] for o in g["outputs"]], role
        for decl, real in zip(g["inputs"], model.graph.input):
            assert len(real.type.tensor_type.shape.dim) == len(decl["shape"]), (role, decl["name"])


def test_diffusion_mlp_graph_avoids_the_slow_fused_layer_norm_and_matches_pytorch(tiny, tmp_path):
    # the export writes the MLP's layer norms as plain reductions and its adaLN chunks as separate
    # products: ONNX Runtime's fused LayerNormalization was 3x slower on these rows, and the chunk
    # Slices were copies (BENCHMARKS.md); the arithmetic must stay that of the PyTorch module
    import onnx
    import onnxruntime as ort
    m, _ = load_checkpoint(tiny / "w.pt")
    so = ort.SessionOptions()
    so.optimized_model_filepath = str(tmp_path / "opt.onnx")
    so.log_severity_level = 3
    s = ort.InferenceSession(str(tiny / "b" / "diff_mlp.onnx"), so, providers=["CPUExecutionProvider"])
    ops = {n.op_type for n in onnx.load(str(tmp_path / "opt.onnx")).graph.node}
    assert "LayerNormalization" not in ops and "Slice" not in ops, sorted(ops)
    r = np.random.default_rng(0)
    cv, w = m.cfg.transformer.latent_channels, m.cfg.transformer.diff_width
    x, t, c = (r.standard_normal((10, cv)).astype(np.float32), np.full(10, 321.0, np.float32),
               r.standard_normal((10, w)).astype(np.float32))
    got = s.run(None, {"x": x, "t": t, "cemb": c})[0]
    with torch.inference_mode():
        want = m.transformer.diffloss.net.forward_cemb(torch.from_numpy(x), torch.from_numpy(t), torch.from_numpy(c)).numpy()
    assert np.abs(got - want).max() < 1e-4


def test_decoder_graph_upsamples_by_rows_and_matches_pytorch_on_a_non_square_latent(tiny):
    # the export runs each nearest-2x upsampling convolution as two 2x3 convolutions on rows that are
    # only widened (a third fewer multiplications, BENCHMARKS.md); a row/column mix-up or an off-by-one
    # row would show on a latent that is not square, at a size the export never saw
    import onnx
    import onnxruntime as ort
    from onnx import numpy_helper
    m, _ = load_checkpoint(tiny / "w.pt")
    g = onnx.load(str(tiny / "b" / "vae_decoder.onnx")).graph
    consts = {i.name: numpy_helper.to_array(i) for i in g.initializer}
    consts.update({n.output[0]: numpy_helper.to_array(n.attribute[0].t) for n in g.node if n.op_type == "Constant"})
    resizes = [n for n in g.node if n.op_type == "Resize"]
    assert resizes and all(list(consts[n.input[2]]) == [1, 1, 1, 2] for n in resizes)
    s = ort.InferenceSession(str(tiny / "b" / "vae_decoder.onnx"), providers=["CPUExecutionProvider"])
    f = np.random.default_rng(3).standard_normal((2, m.cfg.tokenizer.z_channels, 3, 5)).astype(np.float32) * 0.5
    got = s.run(None, {"f_hat": f})[0]
    with torch.inference_mode():
        want = m.tokenizer.decode(torch.from_numpy(f)).numpy()
    assert got.shape == want.shape == (2, 3, 48, 80)
    assert np.abs(got - want).max() < 1e-5


def test_validate_passes_on_shapes_other_than_the_export_shapes(tiny, capsys):
    assert main(["validate", "--bundle", str(tiny / "b"), "--checkpoint", str(tiny / "w.pt")]) == 0
    assert "PASS" in capsys.readouterr().out


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_bundle_sample_matches_pytorch_modules_token_for_token(tiny, seed):
    ob, tb = tiny / f"o{seed}.json", tiny / f"t{seed}.json"
    assert main(["sample", "--bundle", str(tiny / "b"), "--prompt", "a red circle", "--seed", str(seed), "--trace", str(ob),
                 "--out", str(tiny / f"o{seed}.png")]) == 0
    assert main(["sample", "--checkpoint", str(tiny / "w.pt"), "--like", str(tiny / "b"), "--prompt", "a red circle",
                 "--seed", str(seed), "--trace", str(tb)]) == 0
    a, t = json.loads(ob.read_text()), json.loads(tb.read_text())
    assert a["tokens"] == t["tokens"]
    assert a["format"] == "hart-trace" and a["params"]["seeds"] == [seed]
    assert (tiny / f"o{seed}.png").stat().st_size > 0


def test_same_seed_same_tokens_alone_or_in_a_batch(tiny):
    b1, b2 = tiny / "single.json", tiny / "batch.json"
    main(["sample", "--bundle", str(tiny / "b"), "--prompt", "a blue star", "--seed", "9", "--trace", str(b1)])
    main(["sample", "--bundle", str(tiny / "b"), "--prompt", "a red circle", "--prompt", "a blue star",
          "--seed", "8", "--seed", "9", "--trace", str(b2)])
    single, batch = json.loads(b1.read_text())["tokens"], json.loads(b2.read_text())["tokens"]
    assert [s[0] for s in single] == [s[1] for s in batch]


def test_branch_keeps_coarse_scales_and_resamples_the_rest(tiny):
    src, br = tiny / "src.json", tiny / "br.json"
    main(["sample", "--bundle", str(tiny / "b"), "--prompt", "a red circle", "--seed", "3", "--trace", str(src)])
    main(["sample", "--bundle", str(tiny / "b"), "--prompt", "a red circle", "--seed", "77", "--trace", str(br),
          "--branch-trace", str(src), "--branch-from", "4"])
    a, b = json.loads(src.read_text())["tokens"], json.loads(br.read_text())["tokens"]
    assert a[:4] == b[:4]
    assert a[4:] != b[4:]


def test_refuses_to_overwrite_an_existing_bundle_unless_told(tiny, capsys):
    assert main(["random", "--preset", "tiny", "--out", str(tiny / "b")]) == 2
    assert "--overwrite" in capsys.readouterr().err


def test_refuses_a_folder_that_is_not_a_bundle(tmp_path, capsys):
    (tmp_path / "x").mkdir(); (tmp_path / "x" / "notes.txt").write_text("mine")
    assert main(["random", "--preset", "tiny", "--out", str(tmp_path / "x")]) == 2
    assert "not a bundle folder" in capsys.readouterr().err
    assert (tmp_path / "x" / "notes.txt").read_text() == "mine"


def test_a_failure_mid_export_leaves_no_half_bundle(tmp_path, monkeypatch):
    import hart_export.bundle as bundle_mod
    calls = {"n": 0}
    real = bundle_mod.export_graph

    def failing(role, *a, **k):
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device")
        return real(role, *a, **k)
    monkeypatch.setattr(bundle_mod, "export_graph", failing)
    assert main(["random", "--preset", "tiny", "--out", str(tmp_path / "b")]) == 2
    assert not (tmp_path / "b").exists()
    assert list(tmp_path.iterdir()) == []


def test_a_tampered_bundle_file_is_named(tiny, tmp_path):
    d = tmp_path / "b"
    shutil.copytree(tiny / "b", d)
    with open(d / "codebook.npy", "r+b") as f:
        f.seek(200); f.write(b"\x00\x01")
    with pytest.raises(BundleError, match="codebook.npy"):
        Bundle.open(d)


def test_a_partial_checkpoint_names_the_missing_keys(tiny, tmp_path):
    m, _ = load_checkpoint(tiny / "w.pt")
    sd = m.transformer.state_dict()
    del sd["head.weight"], sd["blocks.1.ffn.up_proj.weight"]
    sd["blocks.9.extra"] = torch.zeros(1)
    with pytest.raises(CheckpointError) as e:
        load_strict(m.transformer, sd, "llm")
    msg = str(e.value)
    assert "head.weight" in msg and "blocks.1.ffn.up_proj.weight" in msg and "blocks.9.extra" in msg


def test_an_unsupported_config_names_the_field():
    from hart_export.config import ConfigError, TokenizerConfig, transformer_from_official
    with pytest.raises(ConfigError, match="use_cross_attn"):
        transformer_from_official({"use_cross_attn": True, "attn_type": "llama"}, TokenizerConfig())
    with pytest.raises(ConfigError, match="attn_type"):
        transformer_from_official({"attn_type": "gpt2"}, TokenizerConfig())
    with pytest.raises(ConfigError, match="num_sampling_steps"):
        transformer_from_official({"attn_type": "llama", "num_sampling_steps": "250"}, TokenizerConfig())


def test_a_truncated_checkpoint_file_gives_a_clear_error(tmp_path, tiny):
    p = tmp_path / "bad.pt"
    p.write_bytes((tiny / "w.pt").read_bytes()[:1000])
    with pytest.raises(CheckpointError, match="not a readable checkpoint"):
        load_checkpoint(p)


def test_sample_rejects_absurd_parameters(tiny, capsys):
    assert main(["sample", "--bundle", str(tiny / "b"), "--prompt", "x", "--top-k", "1,2"]) == 2
    assert "--top-k" in capsys.readouterr().err
    assert main(["sample", "--bundle", str(tiny / "b"), "--prompt", "x", "--seed", "1", "--seed", "2"]) == 2


# --- the official checkpoint layout, on a random small configuration -------------------------------

def _official_folders(root: Path):
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2Model
    from hart_export.config import preset
    from hart_export.prompt import build_tokenizer_json
    from safetensors.torch import save_file
    m = make_random("tiny", 3)
    t = m.cfg.transformer
    llm, tok, qw = root / "hart" / "llm", root / "hart" / "tokenizer", root / "qwen"
    for d in (llm, tok, qw):
        d.mkdir(parents=True)
    conf = {"model_type": "hart_transformer_t2i", "context_token": t.context_token, "context_dim": t.context_dim,
            "embed_dim": t.embed_dim, "depth": t.depth, "num_heads": t.num_heads, "patch_nums": list(t.patch_nums),
            "mlp_type": "llama", "attn_type": "llama", "diff_width": t.diff_width, "diff_depth": t.diff_depth}
    (llm / "config.json").write_text(json.dumps(conf))
    sd = {k: v.contiguous() for k, v in m.transformer.state_dict().items()}
    save_file(sd, str(llm / "model.safetensors"))
    torch.save(sd, llm / "ema_model.bin")
    k = m.cfg.tokenizer
    (tok / "config.json").write_text(json.dumps({"model_type": "hart_autoencoder_with_disc", "vocab_size": k.vocab_size,
                                                 "z_channels": k.z_channels, "ch": k.ch, "ch_mult": list(k.ch_mult),
                                                 "v_patch_nums": list(k.v_patch_nums)}))
    vsd = {"vae." + kk: v.contiguous() for kk, v in m.tokenizer.state_dict().items()}
    vsd["disc.net.0.weight"] = torch.zeros(2)
    save_file(vsd, str(tok / "model.safetensors"))
    build_tokenizer_json(qw / "tokenizer.json", 256)
    fast = PreTrainedTokenizerFast(tokenizer_file=str(qw / "tokenizer.json"), pad_token="[PAD]", unk_token="[UNK]")
    fast.save_pretrained(str(qw))
    qc = Qwen2Config(vocab_size=256, hidden_size=t.context_dim, intermediate_size=96, num_hidden_layers=2,
                     num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64)
    torch.manual_seed(0)
    Qwen2Model(qc).save_pretrained(str(qw))
    return llm, tok, qw, m


def test_official_layout_exports_a_bundle_with_a_qwen2_text_encoder(tmp_path):
    pytest.importorskip("transformers")
    llm, tok, qw, m = _official_folders(tmp_path)
    out = tmp_path / "bundle"
    assert main(["official", "--llm", str(llm), "--text-model", str(qw), "--out", str(out)]) == 0
    b = Bundle.open(out)
    assert b.manifest["text"]["encoder"] == "qwen2"
    import onnxruntime as ort
    from transformers import Qwen2Model as HFQwen2
    qwen = HFQwen2.from_pretrained(str(qw), local_files_only=True, attn_implementation="eager").eval()
    ids = np.array([[5, 9, 12, 0, 0] + [0] * 11], np.int64)
    mask = (ids != 0).astype(np.int64)
    s = ort.InferenceSession(str(out / "text_encoder.onnx"), providers=["CPUExecutionProvider"])
    got = s.run(None, {"input_ids": ids, "attention_mask": mask})[0]
    with torch.inference_mode():
        want = qwen(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).last_hidden_state.float().numpy()
    np.testing.assert_allclose(got, want[:, -16:], atol=1e-4)
    assert main(["sample", "--bundle", str(out), "--prompt", "a red circle", "--seed", "1"]) == 0


def test_official_layout_with_missing_weights_names_them(tmp_path, capsys):
    pytest.importorskip("transformers")
    from safetensors.torch import load_file, save_file
    llm, tok, qw, m = _official_folders(tmp_path)
    (llm / "ema_model.bin").unlink()
    sd = load_file(str(llm / "model.safetensors"))
    del sd["decoder_norm.weight"]
    save_file(sd, str(llm / "model.safetensors"))
    assert main(["official", "--llm", str(llm), "--text-model", str(qw), "--out", str(tmp_path / "o")]) == 2
    assert "decoder_norm.weight" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_official_system_prompt_is_checked_against_its_hash(tmp_path):
    from hart_export.config import ConfigError
    from hart_export.official import read_system_prompt
    f = tmp_path / "constants.py"
    f.write_text('llm_system_prompt = """not the official prompt"""\n')
    with pytest.raises(ConfigError, match="SHA-256"):
        read_system_prompt(f)


def test_manifest_conforms_to_the_json_schema(tiny):
    import jsonschema
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "bundle.schema.json").read_text())
    manifest = json.loads((tiny / "b" / "manifest.json").read_text())
    jsonschema.validate(manifest, schema)
    bad = dict(manifest, codebook="../codebook.npy")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_branching_a_branch_with_its_own_seed_gives_it_back(tiny):
    # scales below the first branch point keep the first seed's noise (the "parent"), so re-branching
    # a branch with its own seed repeats it; without the parent they would get the branch's seed
    import numpy as np
    from hart_export.backend_ort import OrtBackend
    from hart_export.bundle import Bundle
    from hart_export.pipeline import run
    from hart_export.prompt import PromptEncoder
    from hart_export.sample import Options
    b = Bundle.open(tiny / "b")
    be = OrtBackend(b)
    tx = b.manifest["text"]
    penc = PromptEncoder(b.path / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"])
    K = len(b.manifest["model"]["patch_nums"])
    p = ["a red circle"]
    a = run(be, b.schedule, penc, p, [3], Options())
    first = {"from_scale": 2, "seeds": [3], "tokens": [t.tolist() for t in a.tokens[:2]]}
    br = run(be, b.schedule, penc, p, [77], Options(), branch=first)
    again = {"from_scale": K - 1, "seeds": [77], "tokens": [t.tolist() for t in br.tokens[:K - 1]],
             "parent": {"from_scale": 2, "seeds": [3]}}
    np.testing.assert_array_equal(run(be, b.schedule, penc, p, [77], Options(), branch=again).image, br.image)
    flat = dict(again, parent=None)
    assert not np.array_equal(run(be, b.schedule, penc, p, [77], Options(), branch=flat).image, br.image)


def test_a_trace_records_the_whole_branch_chain_so_a_branch_of_a_branch_of_a_branch_repeats(tiny):
    # O (seed 3) -> B1 (seed 77, from scale 2) -> B2 (seed 88, from scale 4): B2's trace must carry
    # both branch points, or re-branching it with its own seed draws scales < 2 with B1's noise
    import numpy as np
    from PIL import Image
    K = len(json.loads((tiny / "b" / "manifest.json").read_text())["model"]["patch_nums"])
    common = ["sample", "--bundle", str(tiny / "b"), "--prompt", "a green star"]
    assert main(common + ["--seed", "3", "--trace", str(tiny / "c0.json"), "--out", str(tiny / "c0.png")]) == 0
    assert main(common + ["--seed", "77", "--branch-trace", str(tiny / "c0.json"), "--branch-from", "2",
                          "--trace", str(tiny / "c1.json"), "--out", str(tiny / "c1.png")]) == 0
    assert main(common + ["--seed", "88", "--branch-trace", str(tiny / "c1.json"), "--branch-from", "4",
                          "--trace", str(tiny / "c2.json"), "--out", str(tiny / "c2.png")]) == 0
    chain = json.loads((tiny / "c2.json").read_text())["params"]["branch"]
    assert chain == {"from_scale": 4, "seeds": [77], "parent": {"from_scale": 2, "seeds": [3]}}
    assert main(common + ["--seed", "88", "--branch-trace", str(tiny / "c2.json"), "--branch-from", str(K - 1),
                          "--trace", str(tiny / "c3.json"), "--out", str(tiny / "c3.png")]) == 0
    same = lambda a, b: np.array_equal(np.asarray(Image.open(tiny / a)), np.asarray(Image.open(tiny / b)))
    assert same("c2.png", "c3.png")
    assert json.loads((tiny / "c3.json").read_text())["tokens"] == json.loads((tiny / "c2.json").read_text())["tokens"]
    # the same re-branch with the grandparent dropped is a different picture: the chain matters
    cut = json.loads((tiny / "c2.json").read_text())
    del cut["params"]["branch"]["parent"]
    (tiny / "c2cut.json").write_text(json.dumps(cut))
    assert main(common + ["--seed", "88", "--branch-trace", str(tiny / "c2cut.json"), "--branch-from", str(K - 1),
                          "--out", str(tiny / "c4.png")]) == 0
    assert not same("c2.png", "c4.png")


def test_a_bundle_with_the_older_stacked_cache_still_samples_its_golden_tokens():
    # the committed test bundle predates one cache input per block: its step graph takes past_k
    # [NL, N2, H, Lp, d]; the ONNX Runtime backend stacks and splits for it
    root = Path(__file__).resolve().parents[2] / "src" / "test" / "resources"
    from hart_export.backend_ort import OrtBackend
    from hart_export.pipeline import run
    from hart_export.prompt import PromptEncoder
    from hart_export.sample import Options
    b = Bundle.open(root / "bundles" / "tiny-random")
    be = OrtBackend(b, threads=1)
    assert be.stacked_kv
    tx = b.manifest["text"]
    penc = PromptEncoder(b.path / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"])
    golden = json.loads((root / "goldens" / "tiny-random" / "s7_cfg4.5.trace.json").read_text())
    d = b.manifest["sampling_defaults"]
    res = run(be, b.schedule, penc, golden["params"]["prompts"], golden["params"]["seeds"],
              Options(cfg=d["cfg"], top_k=d["top_k"], top_p=d["top_p"], more_smooth=d["more_smooth"]))
    assert [t.tolist() for t in res.tokens] == golden["tokens"]
