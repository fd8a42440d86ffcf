"""Building the three modules of a model from a config, seeded random weights, and the project's
checkpoint file (one .pt holding the config and the three state dicts)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import torch

from .checkpoint import CheckpointError, load_strict
from .config import ModelConfig
from .modules.text import TextEncoder
from .modules.transformer import HARTTransformer
from .modules.vae import HybridTokenizer


@dataclass
class Models:
    cfg: ModelConfig
    transformer: HARTTransformer
    tokenizer: HybridTokenizer
    text: TextEncoder | None

    def eval(self) -> "Models":
        for m in (self.transformer, self.tokenizer, self.text):
            if m is not None:
                m.eval()
        return self


def build(cfg: ModelConfig, seed: int = 0) -> Models:
    torch.manual_seed(seed)
    text = TextEncoder(cfg.text) if cfg.text.kind == "tiny" else None
    return Models(cfg, HARTTransformer(cfg.transformer), HybridTokenizer(cfg.tokenizer), text)


@torch.no_grad()
def randomize(m: Models, seed: int) -> Models:
    """Random weights that make a lively test model (like the official fixtures): sharper q/k so
    positions matter, and every constant tensor (norm weights, zero-initialised layers) perturbed."""
    g = torch.Generator().manual_seed(seed)
    for b in m.transformer.blocks:
        C = b.attn.qkv_proj.weight.shape[1]
        b.attn.qkv_proj.weight[:2 * C] *= 10.0
    for mod in (m.transformer, m.tokenizer, m.text):
        if mod is None:
            continue
        for name, p in mod.named_parameters():
            n = torch.randn(p.shape, generator=g)
            if p.numel() > 1 and p.std() > 0:
                p.add_(0.15 * p.std() * n + 0.02 * torch.randn(p.shape, generator=g))
            else:
                p.add_(0.2 * p.abs() * n + 0.1 * torch.randn(p.shape, generator=g))
    return m


def save_checkpoint(m: Models, path: Path, extra: dict | None = None) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    torch.save({"config": m.cfg.to_json(), "transformer": m.transformer.state_dict(),
                "tokenizer": m.tokenizer.state_dict(), "text": m.text.state_dict() if m.text else None,
                **(extra or {})}, tmp)
    tmp.replace(path)


def load_checkpoint(path: Path) -> tuple[Models, dict]:
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: checkpoint file not found")
    try:
        ck = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as e:  # a truncated or foreign file
        raise CheckpointError(f"{path}: not a readable checkpoint ({type(e).__name__}: {e})") from None
    for key in ("config", "transformer", "tokenizer"):
        if key not in ck:
            raise CheckpointError(f"{path}: checkpoint has no '{key}' entry")
    m = build(ModelConfig.from_json(ck["config"]))
    load_strict(m.transformer, ck["transformer"], f"{path} transformer")
    load_strict(m.tokenizer, ck["tokenizer"], f"{path} tokenizer")
    if m.text is not None:
        load_strict(m.text, ck["text"], f"{path} text")
    return m.eval(), ck
