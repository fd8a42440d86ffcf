"""HART-tiny evaluation (issue: HART-tiny, item 6): prompt adherence per Shapes World category,
residual diffusion on patterned prompts, and tokenizer reconstruction (discrete vs hybrid).

    python -m hart_export.evaluate --bundle ../assets/models/hart-tiny --out runs/eval
    python -m hart_export.evaluate tokenizer --bundle ../assets/models/hart-tiny --n 200   # the tokenizer ceiling
"""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

from .backend_ort import OrtBackend
from .bundle import Bundle
from .draws import PortableDraws
from .prompt import PromptEncoder
from .reconstruct import psnr, reconstruct
from .sample import Options, generate
from .shapes.captions import eval_prompts, render_prompt, sample_scene
from .shapes.render import render
from .shapes.score import score_image, summarise


def ssim(a01: np.ndarray, b01: np.ndarray) -> float:
    """Mean SSIM on luminance (Gaussian window 11, sigma 1.5, K1 0.01, K2 0.03), images [3,H,W] in [0,1]."""
    w = np.array([0.299, 0.587, 0.114])[:, None, None]
    x = (np.rint(np.clip(a01, 0, 1) * 255) * w).sum(0)
    y = (np.rint(np.clip(b01, 0, 1) * 255) * w).sum(0)
    g = np.exp(-((np.arange(11) - 5) ** 2) / (2 * 1.5 ** 2)); g /= g.sum()
    def filt(img):
        t = np.apply_along_axis(lambda r: np.convolve(r, g, mode="valid"), 1, img)
        return np.apply_along_axis(lambda c: np.convolve(c, g, mode="valid"), 0, t)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = filt(x), filt(y)
    sxx, syy, sxy = filt(x * x) - mx ** 2, filt(y * y) - my ** 2, filt(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx ** 2 + my ** 2 + c1) * (sxx + syy + c2))
    return float(s.mean())


def high_freq_energy(img_HW3: np.ndarray) -> float:
    """Energy of the image minus its 3x3 box blur (luminance): how much fine detail it holds."""
    y = img_HW3.astype(np.float64) @ np.array([0.299, 0.587, 0.114])
    p = np.pad(y, 1, mode="edge")
    blur = sum(p[i:i + y.shape[0], j:j + y.shape[1]] for i in range(3) for j in range(3)) / 9
    return float(((y - blur) ** 2).mean())


def to_hw3(img_3HW: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(img_3HW.transpose(1, 2, 0) * 255), 0, 255).astype(np.uint8)


def generate_batch(be, b: Bundle, penc, prompts, seeds, discrete_only=False, cfg=None):
    ids, attn, mask, pos = penc.encode(prompts)
    ctx = be.encode_text(ids, attn)
    d = b.manifest["sampling_defaults"]
    opts = Options(cfg=cfg if cfg is not None else d["cfg"], top_k=d["top_k"], top_p=d["top_p"],
                   more_smooth=d["more_smooth"], discrete_only=discrete_only)
    return generate(be, b.schedule, ctx, pos, mask, opts, PortableDraws(seeds))


def tokenizer_ceiling(prompts: list[dict], reconstruct_fn, size: int, seed: int = 4242) -> dict:
    """Prompt adherence of the tokenizer's own reconstructions of the rendered truth of each prompt:
    what a generator that predicted every token perfectly could reach with this tokenizer.

    ``reconstruct_fn(img_HW3 uint8) -> {"discrete": img_HW3, "hybrid": img_HW3}``. Returns
    ``{"discrete": {category: accuracy, ..., "overall"}, "hybrid": {...}}``.
    """
    rng = np.random.default_rng(seed)
    rows = {"discrete": [], "hybrid": []}
    for p in prompts:
        truth = render_prompt(p["prompt"], rng, size)
        rec = reconstruct_fn(truth)
        for kind in rows:
            r = score_image(rec[kind], p["prompt"])
            rows[kind].append({"passed": r["passed"], "category": p["category"]})
    out = {}
    for kind, results in rows.items():
        summary = summarise(results)
        out[kind] = {c: v["accuracy"] for c, v in summary["categories"].items()} | {"overall": summary["overall"]}
    return out


def evaluate(bundle_path: Path, out: Path, n: int = 210, seeds=(0, 1), batch: int = 10, recon_n: int = 48) -> dict:
    b = Bundle.open(bundle_path)
    be = OrtBackend(b)
    tx = b.manifest["text"]
    penc = PromptEncoder(b.path / tx["tokenizer"], tx["max_prompt_tokens"], tx["pad_token_id"])
    out.mkdir(parents=True, exist_ok=True)
    prompts = eval_prompts(n, seed=12345)
    t0 = time.time()
    results, pattern = [], {"hybrid": [], "discrete": [], "hf_hybrid": [], "hf_discrete": [], "hf_truth": []}
    samples = []
    for s in seeds:
        for i in range(0, len(prompts), batch):
            chunk = prompts[i:i + batch]
            texts = [p["prompt"] for p in chunk]
            res = generate_batch(be, b, penc, texts, [s * 100000 + i + j for j in range(len(chunk))])
            pat_idx = [j for j, p in enumerate(chunk) if p["category"] == "pattern"]
            disc = generate_batch(be, b, penc, texts, [s * 100000 + i + j for j in range(len(chunk))], discrete_only=True) if pat_idx else None
            for j, p in enumerate(chunk):
                img = to_hw3(res.image[j])
                r = score_image(img, p["prompt"])
                r["category"] = p["category"]
                results.append({"id": p["id"], "seed": s, **{k: r[k] for k in ("passed", "category", "checks")}})
                if len(samples) < 24 and s == seeds[0] and i % 30 == 0:
                    samples.append((p["prompt"], img))
                if j in pat_idx:
                    dimg = to_hw3(disc.image[j])
                    truth = render_prompt(p["prompt"], np.random.default_rng(i + j), img.shape[0])
                    pattern["hybrid"].append(bool(score_image(img, p["prompt"])["checks"].get("pattern", False)))
                    pattern["discrete"].append(bool(score_image(dimg, p["prompt"])["checks"].get("pattern", False)))
                    pattern["hf_hybrid"].append(high_freq_energy(img))
                    pattern["hf_discrete"].append(high_freq_energy(dimg))
                    pattern["hf_truth"].append(high_freq_energy(truth))
    gen_s = time.time() - t0
    summary = summarise(results)
    # reconstruction on held-out ("eval" split) shapes pictures and held-out photo crops
    rng = np.random.default_rng(777)
    R = b.manifest["model"]["resolution"]
    shapes_imgs = [render(sample_scene(rng, "eval"), R, rng) for _ in range(recon_n)]
    from .train_data import Photos
    ph = Photos()
    photo_imgs = list(ph.crops(rng, recon_n // 2, R, holdout=True)) if ph else []
    recon = {}
    for name, imgs in (("shapes", shapes_imgs), ("photos", photo_imgs)):
        if not imgs:
            continue
        m = {"psnr_discrete": [], "psnr_hybrid": [], "ssim_discrete": [], "ssim_hybrid": []}
        for k, im in enumerate(imgs):
            x = im.transpose(2, 0, 1).astype(np.float32) / 255
            r = reconstruct(be, b.schedule, x)
            m["psnr_discrete"].append(r["psnr_discrete"]); m["psnr_hybrid"].append(r["psnr_hybrid"])
            m["ssim_discrete"].append(ssim(x, r["discrete"])); m["ssim_hybrid"].append(ssim(x, r["hybrid"]))
            if k < 4:
                samples_recon = out / f"recon_{name}_{k}.png"
                from PIL import Image
                Image.fromarray(np.concatenate([im, to_hw3(r["discrete"]), to_hw3(r["hybrid"])], 1)).save(samples_recon)
        recon[name] = {k: float(np.mean(v)) for k, v in m.items()} | {"n": len(imgs)}
    def bundle_recon(img):
        r = reconstruct(be, b.schedule, img.transpose(2, 0, 1).astype(np.float32) / 255)
        return {"discrete": to_hw3(r["discrete"]), "hybrid": to_hw3(r["hybrid"])}
    ceiling = tokenizer_ceiling(prompts, bundle_recon, R)
    report = {
        "bundle": b.manifest["name"], "prompts": len(prompts), "seeds": list(seeds), "generation_seconds": round(gen_s, 1),
        "adherence": {c: v["accuracy"] for c, v in summary["categories"].items()} | {"overall": summary["overall"]},
        "pattern": {"n": len(pattern["hybrid"]),
                    "accuracy_hybrid": float(np.mean(pattern["hybrid"])) if pattern["hybrid"] else None,
                    "accuracy_discrete_only": float(np.mean(pattern["discrete"])) if pattern["discrete"] else None,
                    "hf_ratio_hybrid": float(np.mean(pattern["hf_hybrid"]) / np.mean(pattern["hf_truth"])) if pattern["hf_truth"] else None,
                    "hf_ratio_discrete_only": float(np.mean(pattern["hf_discrete"]) / np.mean(pattern["hf_truth"])) if pattern["hf_truth"] else None},
        "reconstruction": recon,
        "tokenizer_ceiling": ceiling,
    }
    (out / "report.json").write_text(json.dumps(report, indent=1))
    (out / "results.jsonl").write_text("\n".join(json.dumps(r) for r in results))
    _grid(samples, out / "grid.png")
    return report


def _grid(samples, path: Path, cols: int = 6) -> None:
    from PIL import Image, ImageDraw
    if not samples:
        return
    s = samples[0][1].shape[0]
    rows = (len(samples) + cols - 1) // cols
    sheet = Image.new("RGB", (cols * (s + 8), rows * (s + 30)), (255, 255, 255))
    d = ImageDraw.Draw(sheet)
    for i, (prompt, img) in enumerate(samples):
        x, y = (i % cols) * (s + 8), (i // cols) * (s + 30)
        sheet.paste(Image.fromarray(img), (x, y))
        d.text((x, y + s + 2), prompt[:26], fill=(0, 0, 0))
        d.text((x, y + s + 14), prompt[26:52], fill=(0, 0, 0))
    sheet.save(path)


def main(argv=None) -> int:
    import sys
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["tokenizer"]:
        from .tokenizer_eval import main as tokenizer_main
        return tokenizer_main(argv[1:])
    ap = argparse.ArgumentParser(prog="python -m hart_export.evaluate")
    ap.add_argument("--bundle", type=Path, required=True); ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--n", type=int, default=210); ap.add_argument("--seeds", type=str, default="0,1")
    ap.add_argument("--recon", type=int, default=48)
    a = ap.parse_args(argv)
    rep = evaluate(a.bundle, a.out, a.n, tuple(int(s) for s in a.seeds.split(",")), recon_n=a.recon)
    print(json.dumps(rep, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
