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
    return (load_qwen2_folder(Path(folder)),) + qwen2_text_settings(folder)


def qwen2_text_settings(folder: Path):
    """(tokenizer.json path, pad id, padding side) of a Qwen2 folder, without loading its weights."""
    folder = Path(folder)
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
    return tj, int(pad), tc.get("padding_side", "right")


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


class OfficialModels:
    """The configuration of the official folders, and loaders for their three models (each loaded only
    when asked, so an export holds one model's weights at a time)."""

    def __init__(self, llm: Path, tokenizer: Path, text_model: Path, prefer_ema: bool = True):
        from .modules.qwen2 import qwen2_config
        self.llm, self.tokenizer, self.text_model, self.prefer_ema = Path(llm), Path(tokenizer), Path(text_model), prefer_ema
        for f in (self.llm / "config.json", self.tokenizer / "config.json"):
            if not f.is_file():
                raise CheckpointError(f"{f}: missing (is this the hart-0.7b-1024px/{f.parent.name} folder?)")
        tk_cfg = tokenizer_from_official(json.loads((self.tokenizer / "config.json").read_text()))
        tr_cfg = transformer_from_official(json.loads((self.llm / "config.json").read_text()), tk_cfg)
        qc = qwen2_config(self.text_model)
        self.tokenizer_json, self.pad, side = qwen2_text_settings(self.text_model)
        if side != "right":
            raise ConfigError(f"{text_model}: padding_side={side!r}; only right padding is supported")
        if qc.hidden_size != tr_cfg.context_dim:
            raise ConfigError(f"text model hidden_size {qc.hidden_size} != llm/config.json context_dim {tr_cfg.context_dim}")
        text_cfg = TextConfig(kind="qwen2", vocab_size=qc.vocab_size, width=qc.hidden_size, max_tokens=tr_cfg.context_token,
                              max_positions=qc.max_position_embeddings)
        self.cfg = ModelConfig("hart-0.7b-1024px", tr_cfg, tk_cfg, text_cfg).validate()
        self.source = None

    def text(self) -> Qwen2Text:
        from .modules.qwen2 import load_qwen2_folder
        return Qwen2Text(load_qwen2_folder(self.text_model), self.cfg.transformer.context_token).eval()

    def transformer_and_tokenizer(self):
        tr = HARTTransformer(self.cfg.transformer)
        sd, self.source = read_hf_folder(self.llm, self.prefer_ema)
        load_strict(tr, sd, f"{self.llm / self.source}")
        del sd
        vae = HybridTokenizer(self.cfg.tokenizer)
        tsd, tsrc = read_hf_folder(self.tokenizer, prefer_ema=False)
        load_strict(vae, tsd, f"{self.tokenizer / tsrc}", prefix="vae.")
        return tr.eval(), vae.eval()


def build_official(llm: Path, tokenizer: Path, text_model: Path, prefer_ema: bool = True):
    o = OfficialModels(llm, tokenizer, text_model, prefer_ema)
    tr, vae = o.transformer_and_tokenizer()
    return o.cfg, tr, vae, o.text(), (o.tokenizer_json, o.pad), o.source


def cmd_official(a) -> int:
    import time
    from .bundle import write_fp16_bundle
    t0 = time.time()
    tokenizer = a.tokenizer or (Path(a.llm).parent / "tokenizer")
    o = OfficialModels(a.llm, tokenizer, a.text_model, prefer_ema=not a.no_ema)
    sp = read_system_prompt(a.system_prompt) if a.system_prompt else None
    if sp is None:
        print("warning: no --system-prompt given; the bundle encodes prompts without HART's system prompt")
    K = len(o.cfg.transformer.patch_nums)
    ema = "ema_model.bin" if (o.llm / "ema_model.bin").exists() and o.prefer_ema else "the HF weights"
    write_bundle(a.out, o.cfg, None, None, o.text, name="hart-0.7b-1024px", description="HART 0.7B 1024px (official weights)",
                 card=f"# HART 0.7B 1024px\n\nExported from the official checkpoints ({ema}) by hart_export.\n",
                 tokenizer_json=o.tokenizer_json, pad_token_id=int(o.pad), system_prompt=sp, overwrite=a.overwrite,
                 sampling={"cfg": 4.5, "top_k": official_top_k(K, o.cfg.transformer.vocab_size), "more_smooth": True},
                 load_models=o.transformer_and_tokenizer)
    print(f"wrote {a.out} (fp32) in {time.time() - t0:.0f}s")
    if a.fp16_out:
        t1 = time.time()
        write_fp16_bundle(a.out, a.fp16_out, overwrite=a.overwrite)
        print(f"wrote {a.fp16_out} (fp16) in {time.time() - t1:.0f}s")
    return 0
