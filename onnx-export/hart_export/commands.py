"""Implementations of the CLI subcommands (random, sample, validate)."""
from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from .bundle import Bundle, BundleError, write_bundle
from .config import preset
from .graphs import kv_names
from .models import Models, build, load_checkpoint, randomize, save_checkpoint
from .prompt import PromptEncoder, build_tokenizer_json
from .sample import Options
from .schedule import Schedule

RANDOM_CARD = """# {name}

Random weights (preset `{preset}`, seed {seed}) in the HART architecture, written by
`python -m hart_export random`. It produces noise-like pictures: it exists to test and benchmark
the exporter and the engine, not to make images.
"""


def make_random(preset_name: str, seed: int) -> Models:
    cfg = preset(preset_name)
    return randomize(build(cfg, seed).eval(), seed + 1).eval()


def cmd_random(a) -> int:
    t0 = time.time()
    m = make_random(a.preset, a.seed)
    name = f"{m.cfg.name}-random-s{a.seed}"
    with tempfile.TemporaryDirectory() as td:
        tj = Path(td) / "tokenizer.json"
        build_tokenizer_json(tj, m.cfg.text.vocab_size)
        write_bundle(a.out, m.cfg, m.transformer, m.tokenizer, m.text, name=name,
                     description=f"random weights, preset {a.preset}, seed {a.seed}",
                     card=RANDOM_CARD.format(name=name, preset=a.preset, seed=a.seed), tokenizer_json=tj,
                     pad_token_id=0, overwrite=a.overwrite, extra={"origin": {"preset": a.preset, "seed": a.seed}})
    if a.save_checkpoint:
        save_checkpoint(m, a.save_checkpoint)
    size = sum(p.stat().st_size for p in Path(a.out).iterdir())
    print(f"wrote {a.out} ({size / 1e6:.2f} MB) in {time.time() - t0:.1f}s")
    return 0


def parse_top_k(s: str | None, K: int, default: list[int]) -> list[int]:
    if s is None:
        return default
    vals = [int(x) for x in s.split(",")]
    if len(vals) == 1:
        vals = vals * K
    if len(vals) != K:
        raise ValueError(f"--top-k needs 1 or {K} values, got {len(vals)}")
    return vals


def backend_and_context(a):
    """-> (backend, schedule, prompt encoder, defaults, bundle name, manifest sha)."""
    if a.bundle:
        from .backend_ort import OrtBackend
        b = Bundle.open(a.bundle)
        be, sch, man = OrtBackend(b), b.schedule, b.manifest
        folder, name, sha = b.path, man["name"], b.manifest_sha256()
    else:
        from .backend_torch import TorchBackend
        m, _ = load_checkpoint(a.checkpoint)
        if not a.like:
            raise ValueError("--checkpoint needs --like BUNDLE (tokenizer, system prompt, sampling defaults)")
        b = Bundle.open(a.like)
        man, folder = b.manifest, b.path
        be = TorchBackend(m.transformer, m.tokenizer, m.text)
        t = m.cfg.transformer
        sch = Schedule.build(t.patch_nums, t.head_dim, m.cfg.tokenizer.share_quant_resi)
        name, sha = man["name"], b.manifest_sha256()
    tx = man["text"]
    sp = (folder / tx["system_prompt"]).read_text(encoding="utf-8") if tx.get("system_prompt") else None
    penc = PromptEncoder(folder / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"], sp, tx.get("add_special_tokens", False))
    return be, sch, penc, man["sampling_defaults"], name, sha


def cmd_sample(a) -> int:
    from .pipeline import run, save_png, trace_json
    be, sch, penc, dflt, name, sha = backend_and_context(a)
    K = len(sch.patch_nums)
    prompts = a.prompt
    seeds = a.seed or [dflt["seed"]]
    if len(seeds) == 1 and len(prompts) > 1:
        seeds = [seeds[0] + i for i in range(len(prompts))]
    if len(seeds) != len(prompts):
        raise ValueError(f"{len(prompts)} prompts but {len(seeds)} seeds")
    opts = Options(cfg=a.cfg if a.cfg is not None else dflt["cfg"], top_k=parse_top_k(a.top_k, K, dflt["top_k"]),
                   top_p=a.top_p if a.top_p is not None else dflt["top_p"],
                   more_smooth=dflt["more_smooth"] and not a.no_smooth, discrete_only=a.discrete_only)
    branch = None
    if a.branch_trace is not None:
        tr = json.loads(Path(a.branch_trace).read_text())
        k = a.branch_from
        if k is None or not (1 <= k < K):
            raise ValueError(f"--branch-from must be in 1..{K - 1}")
        branch = {"from_scale": k, "seeds": tr["params"]["seeds"],
                  "tokens": [tr["tokens"][s] for s in range(k)],
                  "parent": tr["params"].get("branch")}          # the trace's own branch, if it was one
    t0 = time.time()
    res = run(be, sch, penc, prompts, seeds, opts, greedy=a.greedy, branch=branch)
    dt = time.time() - t0
    if a.out:
        for i in range(len(prompts)):
            p = Path(a.out) if i == 0 else Path(a.out).with_name(f"{Path(a.out).stem}_{i}{Path(a.out).suffix}")
            save_png(res.image[i], p)
    if a.trace:
        Path(a.trace).write_text(json.dumps(trace_json(res, name, sha, prompts, seeds, opts, a.greedy, branch)))
    print(f"sampled {len(prompts)} image(s) in {dt:.2f}s")
    return 0


TOLERANCE = 1e-4


def validation_inputs(cfg, rs: np.random.RandomState) -> dict[str, dict]:
    """Inputs with shapes unlike the export examples (N=3/1, l=7, Lp=11, p=3 ...)."""
    t = cfg.transformer
    T, Dt, C, NL, H, d, Cv, W, P = (t.context_token, t.context_dim, t.embed_dim, t.depth, t.num_heads, t.head_dim,
                                    t.latent_channels, t.diff_width, t.patch_nums[-1])
    f = lambda *s: rs.randn(*s).astype(np.float32)
    return {
        "text_encoder": {"input_ids": rs.randint(0, cfg.text.vocab_size, (3, T)).astype(np.int64),
                         "attention_mask": (rs.rand(3, T) > 0.3).astype(np.int64)},
        "condition": {"ctx2": f(2, T, Dt), "mask2": (rs.rand(2, T) > 0.5).astype(np.float32)},
        "embed": {"latent": f(1, 7, Cv), "level": np.array([2], np.int64)},
        "step": {"x": f(2, 7, C), "cos": f(2, 7, d), "sin": f(2, 7, d), "ada": f(NL, 2, 6 * C) * 0.1,
                 "head_ada": f(2, 2 * C) * 0.1, **{n: f(2, H, 11, d) for n in kv_names(NL, "past")}},
        "fhat_step": {"f_hat": f(3, Cv, P, P), "h": f(3, Cv, 3, 3), "up": f(P, 3), "phi_index": np.array([2], np.int64)},
        "diff_cond": {"x_last": f(2, 9, C), "e_hard": f(1, 9, Cv)},
        "diff_mlp": {"x": f(5, Cv), "t": (rs.rand(5) * 999).astype(np.float32), "cemb": f(5, W)},
        "vae_decoder": {"f_hat": f(1, Cv, 3, 3)},
        "vae_encoder": {"image": np.clip(f(1, 3, 48, 48), -1, 1)},
    }


TOLERANCE_FP16 = 2e-2   # fp16 weights and matrix products (onnx_files.HALF_OPS) against the fp32 PyTorch modules


def validate(bundle: Bundle, m: Models, seed: int = 0) -> dict[str, dict[str, float]]:
    from .graphs import graph_modules
    mods = graph_modules(m.transformer, m.tokenizer, m.text)
    return validate_groups(bundle, m.cfg, [(set(mods), lambda: mods)], seed)


def validate_groups(bundle: Bundle, cfg, groups, seed: int = 0) -> dict[str, dict[str, float]]:
    """ORT against PyTorch, graph by graph. ``groups`` is a list of (roles, loader): each loader builds the
    PyTorch graph modules of its roles; their outputs are computed and the modules dropped before any
    ONNX Runtime session opens, so a large model is never in memory twice."""
    import gc
    import onnxruntime as ort
    ins = validation_inputs(cfg, np.random.RandomState(seed))
    report = {}
    for roles, load in groups:
        roles = [r for r in bundle.manifest["graphs"] if r in roles]
        mods, want = load(), {}
        for role in roles:
            g = bundle.manifest["graphs"][role]
            with torch.inference_mode():
                w = mods[role](*[torch.from_numpy(ins[role][i["name"]]) for i in g["inputs"]])
            want[role] = [t.numpy() for t in (w if isinstance(w, tuple) else (w,))]
        del mods
        gc.collect()
        for role in roles:
            g = bundle.manifest["graphs"][role]
            sess = ort.InferenceSession(str(bundle.path / g["file"]), providers=["CPUExecutionProvider"])
            got = sess.run(None, ins[role])
            del sess
            report[role] = {o["name"]: float(np.abs(gv - w).max() / max(1.0, float(np.abs(w).max())))
                            for o, gv, w in zip(g["outputs"], got, want[role])}
    return report


def cmd_validate(a) -> int:
    t0 = time.time()
    b = Bundle.open(a.bundle)
    if a.checkpoint:
        m, _ = load_checkpoint(a.checkpoint)
        rep = validate(b, m)
    else:
        from .graphs import TextGraph, graph_modules
        from .official import OfficialModels
        if not a.text_model:
            raise ValueError("--llm needs --text-model (the Qwen2 folder the bundle was exported from)")
        o = OfficialModels(a.llm, a.tokenizer or Path(a.llm).parent / "tokenizer", a.text_model, prefer_ema=not a.no_ema)
        rest = set(b.manifest["graphs"]) - {"text_encoder"}
        rep = validate_groups(b, o.cfg, [({"text_encoder"}, lambda: {"text_encoder": TextGraph(o.text())}),
                                         (rest, lambda: graph_modules(*o.transformer_and_tokenizer(), None))])
    tol = TOLERANCE_FP16 if b.manifest["precision"] == "fp16" else TOLERANCE
    worst = 0.0
    print(f"{'graph':14s} {'output':12s} max |ORT - PyTorch| / max(1, |PyTorch|)")
    for role, outs in rep.items():
        for name, v in outs.items():
            worst = max(worst, v)
            print(f"{role:14s} {name:12s} {v:.3e}")
    ok = worst <= tol
    print(f"{'PASS' if ok else 'FAIL'}: worst {worst:.3e} ({b.manifest['precision']} tolerance {tol:g}) in {time.time() - t0:.1f}s")
    return 0 if ok else 1
