"""Bundle format 1 (docs/BUNDLE.md): writing (atomically) and reading/validating."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from . import __version__, rng
from .config import ModelConfig
from .graphs import TextGraph, export_graph, graph_modules, graph_specs
from .onnx_files import EXTERNAL_OVER, FP32_GRAPHS, check_location, external_locations, finish_export, to_fp16
from .schedule import Schedule, official_top_k

FORMAT, FORMAT_VERSION = "hart-bundle", 1
REQUIRED_ROLES = ("text_encoder", "condition", "embed", "step", "fhat_step", "diff_cond", "diff_mlp", "vae_decoder", "vae_encoder")


class BundleError(ValueError):
    """A bundle that cannot be written or read; the message names the file and field."""


def sha256_file(p: Path) -> str:
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class Bundle:
    def __init__(self, path: Path, manifest: dict[str, Any]):
        self.path, self.manifest = Path(path), manifest
        self.schedule = Schedule.from_json(json.loads((self.path / "schedule.json").read_text()))

    @property
    def config(self) -> ModelConfig:
        return ModelConfig.from_json(self.manifest["config"])

    @staticmethod
    def open(path: Path, verify_hashes: bool = True) -> "Bundle":
        path = Path(path)
        mf = path / "manifest.json"
        if not mf.is_file():
            raise BundleError(f"{path}: no manifest.json (not a bundle folder)")
        try:
            m = json.loads(mf.read_text())
        except json.JSONDecodeError as e:
            raise BundleError(f"{mf}: not valid JSON at line {e.lineno} column {e.colno}") from None
        if m.get("format") != FORMAT or m.get("format_version") != FORMAT_VERSION:
            raise BundleError(f"{mf}: format/format_version is {m.get('format')!r}/{m.get('format_version')!r}, expected {FORMAT!r}/{FORMAT_VERSION}")
        for role in REQUIRED_ROLES:
            if role not in m.get("graphs", {}):
                raise BundleError(f"{mf}: graphs.{role} is missing")
        for name, digest in m.get("files", {}).items():
            p = path / name
            if "/" in name or "\\" in name or name.startswith(".") or not p.is_file():
                raise BundleError(f"{mf}: files.{name} {'is not a plain file name' if '/' in name or name.startswith('.') else 'is missing'}")
            if verify_hashes and sha256_file(p) != digest:
                raise BundleError(f"{p}: sha256 differs from manifest.json files.{name}")
        for role, g in m["graphs"].items():
            for loc in external_locations(path / g["file"]):
                try:
                    check_location(path, loc, g["file"])
                except ValueError as e:
                    raise BundleError(str(e)) from None
                if loc not in m.get("files", {}):
                    raise BundleError(f"{mf}: files has no sha256 for {loc!r}, the external data of {g['file']}")
        return Bundle(path, m)

    def manifest_sha256(self) -> str:
        return sha256_file(self.path / "manifest.json")


PREVIEW_SIDE = 256          # the fit is per 16x16 block, so a convolutional tokenizer fits the same at any size


def fit_preview(vae, latents_NCPP: torch.Tensor) -> np.ndarray:
    """Least squares [Cv+1, 3] from a latent vector to the mean colour of the 16x16 pixel block it decodes to."""
    with torch.inference_mode():
        img = torch.cat([vae.decode(z) for z in latents_NCPP.split(2)])  # [N, 3, 16P, 16P] in [0, 1], 2 at a time
    P = latents_NCPP.shape[-1]
    pix = torch.nn.functional.adaptive_avg_pool2d(img, P)               # [N, 3, P, P]
    X = latents_NCPP.permute(0, 2, 3, 1).reshape(-1, latents_NCPP.shape[1]).double().numpy()
    X = np.concatenate([X, np.ones((X.shape[0], 1))], axis=1)
    Y = pix.permute(0, 2, 3, 1).reshape(-1, 3).double().numpy()
    M, *_ = np.linalg.lstsq(X, Y, rcond=None)
    return M.astype(np.float32)


def preview_latents(vae, cfg: ModelConfig, n: int = 8, seed: int = 0) -> torch.Tensor:
    """Latents of smooth random colour fields (encoder output), for fitting the preview matrix; at most
    PREVIEW_SIDE pixels a side (a 1024 px tokenizer's activations for 8 images would take ~20 GB)."""
    g = torch.Generator().manual_seed(seed)
    R = min(cfg.resolution, PREVIEW_SIDE)
    low = torch.rand(n, 3, 4, 4, generator=g) * 2 - 1
    img = torch.nn.functional.interpolate(low, size=(R, R), mode="bicubic", align_corners=False).clamp(-1, 1)
    with torch.inference_mode():
        return torch.cat([vae.encode(x) for x in img.split(2)])


def write_bundle(out: Path, cfg: ModelConfig, tr, vae, text, *, name: str, description: str, card: str,
                 tokenizer_json: Path, pad_token_id: int, system_prompt: str | None = None,
                 sampling: dict | None = None, overwrite: bool = False, preview_from: torch.Tensor | None = None,
                 extra: dict | None = None, external_over: int = EXTERNAL_OVER, load_models=None) -> Path:
    """Export every graph and write the bundle folder atomically (temp folder + rename). ``text`` may be a
    callable that builds the text encoder: it is then built, exported and dropped before the other graphs,
    so only one model's weights are in memory at a time. Graphs with more than ``external_over`` bytes of
    weights keep them in a ``.data`` file beside the graph. With ``load_models`` (a callable returning
    ``(tr, vae)``), ``tr`` and ``vae`` are None and loaded after the text encoder was exported."""
    out = Path(out)
    _check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        _write_into(tmp, cfg, tr, vae, text, name, description, card, tokenizer_json, pad_token_id, system_prompt,
                    sampling, preview_from, extra, external_over, load_models)
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _check_target(out: Path, overwrite: bool) -> None:
    if out.exists():
        if not (out / "manifest.json").is_file() and any(out.iterdir()):
            raise BundleError(f"{out}: exists and is not a bundle folder; refusing to write into it")
        if (out / "manifest.json").is_file() and not overwrite:
            raise BundleError(f"{out}: already holds a bundle; pass --overwrite to replace it")


def _replace(tmp: Path, out: Path) -> None:
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
        tmp.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        tmp.rename(out)


def _export_one(role: str, mod, cfg: ModelConfig, d: Path, external_over: int) -> None:
    """torch.onnx.export into a scratch folder (large models come out as one file per tensor), then
    the graph file (and its .data file) into the bundle folder ``d``."""
    scratch = Path(tempfile.mkdtemp(prefix=f".{role}-", dir=d))
    try:
        export_graph(role, mod, cfg, scratch / f"{role}.onnx")
        finish_export(scratch / f"{role}.onnx", d / f"{role}.onnx", external_over)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_into(d: Path, cfg, tr, vae, text, name, description, card, tokenizer_json, pad_token_id, system_prompt,
                sampling, preview_from, extra, external_over=EXTERNAL_OVER, load_models=None) -> None:
    t = cfg.transformer
    sch = Schedule.build(t.patch_nums, t.head_dim, cfg.tokenizer.share_quant_resi)
    specs = graph_specs(cfg)
    graphs = {}
    if callable(text) and not isinstance(text, torch.nn.Module):
        _export_one("text_encoder", TextGraph(text()), cfg, d, external_over)
        text = None                                   # the text model is freed here, before the others are exported
    elif text is not None:
        _export_one("text_encoder", TextGraph(text), cfg, d, external_over)
    if load_models is not None:
        tr, vae = load_models()
    for role, mod in graph_modules(tr, vae, None).items():
        _export_one(role, mod, cfg, d, external_over)
    for role in specs:
        if not (d / f"{role}.onnx").is_file():
            continue
        ins, outs = specs[role]
        graphs[role] = {"file": f"{role}.onnx", "inputs": [i.to_json() for i in ins], "outputs": [o.to_json() for o in outs]}
    (d / "schedule.json").write_text(json.dumps(sch.to_json()))
    np.save(d / "codebook.npy", vae.quantize.embedding.weight.detach().numpy().astype(np.float32))
    lat = preview_from if preview_from is not None else preview_latents(vae, cfg)
    np.save(d / "preview.npy", fit_preview(vae, lat))
    shutil.copyfile(tokenizer_json, d / "tokenizer.json")
    if system_prompt:
        (d / "system_prompt.txt").write_text(system_prompt, encoding="utf-8")
    (d / "MODEL_CARD.md").write_text(card, encoding="utf-8")
    K = len(t.patch_nums)
    defaults = {"cfg": 4.5, "top_k": official_top_k(K, t.vocab_size), "top_p": 0.0, "more_smooth": True,
                "seed": 1, "diffusion_steps": 8}
    defaults.update(sampling or {})
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "name": name, "description": description,
        "card": "MODEL_CARD.md", "created_by": f"hart_export {__version__}", "precision": "fp32", "rng": rng.NAME,
        "model": {"resolution": cfg.resolution, "patch_nums": list(t.patch_nums), "latent_channels": t.latent_channels,
                  "codebook_size": t.vocab_size, "context_tokens": t.context_token, "context_dim": t.context_dim,
                  "embed_dim": t.embed_dim, "depth": t.depth, "num_heads": t.num_heads, "head_dim": t.head_dim,
                  "diffusion_width": t.diff_width, "diffusion_depth": t.diff_depth, "downsample": cfg.tokenizer.downsample,
                  "quant_resi": cfg.tokenizer.quant_resi, "phi_count": cfg.tokenizer.share_quant_resi},
        "text": {"tokenizer": "tokenizer.json", "system_prompt": "system_prompt.txt" if system_prompt else None,
                 "max_prompt_tokens": t.context_token, "padding_side": "right", "pad_token_id": pad_token_id,
                 "add_special_tokens": False, "encoder": cfg.text.kind},
        "sampling_defaults": defaults,
        "schedule": "schedule.json", "codebook": "codebook.npy", "preview": "preview.npy",
        "graphs": graphs,
        "config": cfg.to_json(),
    }
    if extra:
        manifest.update(extra)
    manifest["files"] = {p.name: sha256_file(p) for p in sorted(d.iterdir()) if p.name != "manifest.json"}
    (d / "manifest.json").write_text(json.dumps(manifest, indent=1))


def write_fp16_bundle(src: Path, out: Path, overwrite: bool = False, external_over: int = EXTERNAL_OVER) -> Path:
    """An fp16 copy of the fp32 bundle ``src`` for the CUDA provider: every graph except the tiny and
    accumulating ones (onnx_files.FP32_GRAPHS) converted graph by graph, inputs and outputs still float32,
    the other files copied. The manifest names the fp32 bundle (``fp32_bundle``) for machines without CUDA."""
    b = Bundle.open(src, verify_hashes=False)
    if b.manifest["precision"] != "fp32":
        raise BundleError(f"{src}: precision is {b.manifest['precision']!r}; an fp16 copy is made from an fp32 bundle")
    out = Path(out)
    _check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        graph_files = set()
        for role, g in b.manifest["graphs"].items():
            f = g["file"]
            graph_files |= {f} | external_locations(b.path / f)
            if role in FP32_GRAPHS:
                for name in {f} | external_locations(b.path / f):
                    shutil.copyfile(b.path / name, tmp / name)
            else:
                to_fp16(b.path / f, tmp / f, external_over)
        for name in b.manifest["files"]:
            if name not in graph_files:
                shutil.copyfile(b.path / name, tmp / name)
        m = dict(b.manifest, precision="fp16", name=b.manifest["name"] + "-fp16", fp32_bundle=b.path.resolve().name,
                 description=b.manifest.get("description", "") + " (fp16 graphs for the CUDA provider)")
        m["files"] = {p.name: sha256_file(p) for p in sorted(tmp.iterdir()) if p.name != "manifest.json"}
        (tmp / "manifest.json").write_text(json.dumps(m, indent=1))
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def write_resolution_bundle(src: Path, patch_nums: tuple[int, ...], out: Path, overwrite: bool = False) -> Path:
    """The bundle ``src`` at another resolution: the same graphs (hard links where the file system allows,
    else copies; they do not depend on the scales), a schedule for ``patch_nums`` and a manifest whose
    model, sampling defaults and config say so. The transformer was trained at its own scales, so other
    scales make other (for real weights: worse) images; it makes smaller, faster test runs."""
    import dataclasses
    b = Bundle.open(src, verify_hashes=False)
    cfg = b.config
    t = cfg.transformer
    pn = tuple(int(p) for p in patch_nums)
    if len(pn) > len(t.patch_nums):
        raise BundleError(f"{len(pn)} scales, but the model's level embedding has {len(t.patch_nums)}")
    cfg = ModelConfig(cfg.name, dataclasses.replace(t, patch_nums=pn), dataclasses.replace(cfg.tokenizer, v_patch_nums=pn),
                      cfg.text).validate()
    out = Path(out)
    _check_target(out, overwrite)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        fhat = b.manifest["graphs"]["fhat_step"]["file"]
        P_old, P = t.patch_nums[-1], pn[-1]
        for name in b.manifest["files"]:
            if name in (b.manifest.get("schedule", "schedule.json"), fhat):
                continue
            try:
                os.link(b.path / name, tmp / name)
            except OSError:
                shutil.copyfile(b.path / name, tmp / name)
        _fhat_at(b.path / fhat, tmp / fhat, P_old, P)
        sch = Schedule.build(pn, t.head_dim, cfg.tokenizer.share_quant_resi)
        (tmp / "schedule.json").write_text(json.dumps(sch.to_json()))
        m = json.loads(json.dumps(b.manifest))
        m["graphs"]["fhat_step"] = {k: ([i.to_json() for i in graph_specs(cfg)["fhat_step"][0 if k == "inputs" else 1]]
                                        if k in ("inputs", "outputs") else v) for k, v in m["graphs"]["fhat_step"].items()}
        m["name"] = f"{m['name']}-{cfg.resolution}px"
        m["model"].update(resolution=cfg.resolution, patch_nums=list(pn))
        m["sampling_defaults"]["top_k"] = official_top_k(len(pn), t.vocab_size)
        m["config"] = cfg.to_json()
        m["schedule"] = "schedule.json"
        m["files"] = {p.name: (sha256_file(p) if p.name in ("schedule.json", fhat) else b.manifest["files"][p.name])
                      for p in sorted(tmp.iterdir()) if p.name != "manifest.json"}
        (tmp / "manifest.json").write_text(json.dumps(m, indent=1))
        _replace(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


def _fhat_at(src: Path, dst: Path, P_old: int, P: int) -> None:
    """fhat_step declares the latent side P; its ops (MatMul, a 3x3 Conv) take any side, so the graph
    for another P is the same graph with P written into its input and output shapes."""
    import onnx
    m = onnx.load(str(src))
    axes = {"f_hat": (2, 3), "f_hat_out": (2, 3), "added": (2, 3), "up": (0,)}
    for v in list(m.graph.input) + list(m.graph.output):
        for i in axes.get(v.name, ()):
            d = v.type.tensor_type.shape.dim[i]
            if d.dim_value != P_old:
                raise BundleError(f"{src.name}: {v.name} axis {i} is {d.dim_value}, expected the latent side {P_old}")
            d.dim_value = P
    del m.graph.value_info[:]
    onnx.save(m, str(dst))
