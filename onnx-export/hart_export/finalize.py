"""Ship HART-tiny: round the trained weights to fp16 (the committed PyTorch form, so re-export or
fine-tuning never needs retraining), and export them to a bundle with its model card.

    python -m hart_export.finalize --checkpoint runs/gen/hart-tiny.pt --weights weights/hart-tiny.pt \
        --out ../assets/models/hart-tiny --card weights/MODEL_CARD.md
    python -m hart_export.finalize --weights weights/hart-tiny.pt --out ../assets/models/hart-tiny   # re-export only
"""
from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch

from .bundle import write_bundle
from .prompt import build_tokenizer_json
from .shapes.captions import sample_scene
from .shapes.render import render
from .train_data import to_tensor


def to_fp16_weights(src: Path, dst: Path, decoder: Path | None = None) -> None:
    ck = torch.load(src, map_location="cpu", weights_only=True)
    if decoder:   # stage 1b: a fine-tuned decoder for the same encoder and codebook
        dec = torch.load(decoder, map_location="cpu", weights_only=False)["tokenizer"]
        for k, v in dec.items():
            if k.startswith(("decoder.", "post_quant_conv.")):
                ck["tokenizer"][k] = v
        ck.setdefault("steps", {})["decoder_finetune"] = torch.load(decoder, map_location="cpu", weights_only=False).get("decoder_steps")
    for key in ("transformer", "tokenizer", "text"):
        ck[key] = {k: (v.half() if v.is_floating_point() and not k.endswith("attn_bias_for_masking") else v)
                   for k, v in ck[key].items()}
    # the training mask is derivable: drop it from the shipped file, the loader rebuilds it
    ck["transformer"].pop("attn_bias_for_masking", None)
    dst.parent.mkdir(parents=True, exist_ok=True)
    torch.save(ck, dst)


def load_fp16(path: Path):
    ck = torch.load(path, map_location="cpu", weights_only=True)
    from .models import build
    from .config import ModelConfig
    m = build(ModelConfig.from_json(ck["config"]))
    tr_sd = {k: v.float() if v.is_floating_point() else v for k, v in ck["transformer"].items()}
    tr_sd["attn_bias_for_masking"] = m.transformer.attn_bias_for_masking
    m.transformer.load_state_dict(tr_sd, strict=True)
    m.tokenizer.load_state_dict({k: v.float() if v.is_floating_point() else v for k, v in ck["tokenizer"].items()}, strict=True)
    m.text.load_state_dict({k: v.float() for k, v in ck["text"].items()}, strict=True)
    return m.eval(), ck


def export(weights: Path, out: Path, card: Path | None, cfg_scale: float, top_k: int | None) -> None:
    m, ck = load_fp16(weights)
    rng = np.random.default_rng(5)
    imgs = np.stack([render(sample_scene(rng, "eval"), m.cfg.resolution, rng) for _ in range(24)])
    with torch.inference_mode():
        lat = m.tokenizer.encode(to_tensor(imgs))
    K = len(m.cfg.transformer.patch_nums)
    sampling = {"cfg": cfg_scale}
    if top_k:
        sampling["top_k"] = [top_k] * K
    text = card.read_text(encoding="utf-8") if card and card.is_file() else "# HART-tiny\n"
    with tempfile.TemporaryDirectory() as td:
        tj = Path(td) / "tokenizer.json"
        build_tokenizer_json(tj, m.cfg.text.vocab_size)
        write_bundle(out, m.cfg, m.transformer, m.tokenizer, m.text, name="hart-tiny",
                     description="HART-tiny: a small HART trained on Shapes World (128 px)", card=text,
                     tokenizer_json=tj, pad_token_id=0, sampling=sampling, overwrite=True, preview_from=lat,
                     extra={"origin": {"weights": str(weights.name), "steps": ck.get("steps")}})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m hart_export.finalize")
    ap.add_argument("--checkpoint", type=Path, help="training output (fp32); omitted = re-export --weights")
    ap.add_argument("--weights", type=Path, required=True); ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--card", type=Path); ap.add_argument("--cfg", type=float, default=4.5)
    ap.add_argument("--top-k", type=int)
    ap.add_argument("--decoder", type=Path, help="stage 1b output whose decoder replaces the tokenizer's")
    a = ap.parse_args(argv)
    if a.checkpoint:
        to_fp16_weights(a.checkpoint, a.weights, a.decoder)
    export(a.weights, a.out, a.card, a.cfg, a.top_k)
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
