"""`python -m hart_export official`: a bundle from the official hart-0.7b-1024px folders and the
Qwen2 text model (HART-INFERENCE 1.2, 2, 7). Every key and shape is asserted."""
from __future__ import annotations

import ast
import hashlib
import json
import tempfile
from pathlib import Path

import torch
from torch import nn

from .bundle import BundleError, write_bundle
from .checkpoint import CheckpointError, load_strict, read_hf_folder
from .config import ConfigError, ModelConfig, TextConfig, tokenizer_from_official, transformer_from_official
from .modules.transformer import HARTTransformer
from .modules.vae import HybridTokenizer
from .schedule import official_top_k

SYSTEM_PROMPT_SHA256 = "424f7aa7b1119f8ed1e329140e5941dfe308183bea0af59041dad5527a9b8f20"


class Qwen2Text(nn.Module):
    """HART's prompt encoding: Qwen2Model's last hidden state (after the final norm) over
    [system prompt ‖ padded prompt], positions 0..S+T-1, the last T positions, fp32 (2.2)."""

    def __init__(self, model, slots: int):
        super().__init__()
        self.model, self.slots = model, slots

    def forward(self, input_ids, attention_mask):
        return self.model(input_ids, attention_mask)[:, -self.slots:].float()


def load_qwen2(folder: Path):
    """Our Qwen2Model (modules/qwen2.py) with the folder's weights, and the text settings of its
    tokenizer: (model, tokenizer.json path, pad id, padding side)."""
    from .modules.qwen2 import load_qwen2_folder
    folder = Path(folder)
    model = load_qwen2_folder(folder)
    tj = folder / "tokenizer.json"
    if not tj.is_file():
        raise CheckpointError(f"{folder}: no tokenizer.json (the fast tokenizer file of the text model)")
    tc = json.loads((folder / "tokenizer_config.json").read_text()) if (folder / "tokenizer_config.json").is_file() else {}
    pad_tok = tc.get("pad_token") or "<|endoftext|>"
    if isinstance(pad_tok, dict):
        pad_tok = pad_tok.get("content")
    from tokenizers import Tokenizer
    pad = Tokenizer.from_file(str(tj)).token_to_id(pad_tok)
    if pad is None:
        raise ConfigError(f"{folder}: pad token {pad_tok!r} is not in tokenizer.json")
    return model, tj, int(pad), tc.get("padding_side", "right")


def read_system_prompt(path: Path) -> str:
    """From a text file, or from hart/utils/constants.py of an official checkout (llm_system_prompt)."""
    path = Path(path)
    if path.is_dir():
        path = path / "hart" / "utils" / "constants.py"
    if not path.is_file():
        raise ConfigError(f"{path}: system prompt file not found")
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "llm_system_prompt" for t in node.targets):
                text = ast.literal_eval(node.value)
                break
        else:
            raise ConfigError(f"{path}: no llm_system_prompt assignment")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != SYSTEM_PROMPT_SHA256:
        raise ConfigError(f"{path}: system prompt SHA-256 {digest[:16]}… differs from the official {SYSTEM_PROMPT_SHA256[:16]}…")
    return text


def build_official(llm: Path, tokenizer: Path, text_model: Path, prefer_ema: bool = True):
    llm, tokenizer = Path(llm), Path(tokenizer)
    for f in (llm / "config.json", tokenizer / "config.json"):
        if not f.is_file():
            raise CheckpointError(f"{f}: missing (is this the hart-0.7b-1024px/{f.parent.name} folder?)")
    tk_cfg = tokenizer_from_official(json.loads((tokenizer / "config.json").read_text()))
    tr_cfg = transformer_from_official(json.loads((llm / "config.json").read_text()), tk_cfg)
    qwen, tj, pad, side = load_qwen2(text_model)
    if side != "right":
        raise ConfigError(f"{text_model}: padding_side={side!r}; only right padding is supported")
    hidden = qwen.config.hidden_size
    if hidden != tr_cfg.context_dim:
        raise ConfigError(f"text model hidden_size {hidden} != llm/config.json context_dim {tr_cfg.context_dim}")
    text_cfg = TextConfig(kind="qwen2", vocab_size=qwen.config.vocab_size, width=hidden, max_tokens=tr_cfg.context_token,
                          max_positions=qwen.config.max_position_embeddings)
    cfg = ModelConfig("hart-0.7b-1024px", tr_cfg, tk_cfg, text_cfg).validate()
    tr = HARTTransformer(tr_cfg)
    sd, src = read_hf_folder(llm, prefer_ema)
    load_strict(tr, sd, f"{llm / src}")
    vae = HybridTokenizer(tk_cfg)
    tsd, tsrc = read_hf_folder(tokenizer, prefer_ema=False)
    load_strict(vae, tsd, f"{tokenizer / tsrc}", prefix="vae.")
    return cfg, tr.eval(), vae.eval(), Qwen2Text(qwen, tr_cfg.context_token).eval(), (tj, pad), src


def cmd_official(a) -> int:
    tokenizer = a.tokenizer or (Path(a.llm).parent / "tokenizer")
    cfg, tr, vae, text, (tj, pad), src = build_official(a.llm, tokenizer, a.text_model, prefer_ema=not a.no_ema)
    sp = read_system_prompt(a.system_prompt) if a.system_prompt else None
    if sp is None:
        print("warning: no --system-prompt given; the bundle encodes prompts without HART's system prompt")
    if True:
        K = len(cfg.transformer.patch_nums)
        write_bundle(a.out, cfg, tr, vae, text, name="hart-0.7b-1024px", description="HART 0.7B 1024px (official weights)",
                     card=f"# HART 0.7B 1024px\n\nExported from the official checkpoints ({src}) by hart_export.\n",
                     tokenizer_json=tj, pad_token_id=int(pad), system_prompt=sp, overwrite=a.overwrite,
                     sampling={"cfg": 4.5, "top_k": official_top_k(K, cfg.transformer.vocab_size), "more_smooth": True})
    print(f"wrote {a.out}")
    return 0
