"""Qwen2 text model (decoder-only LLM, no LM head), written for export: HART's frozen prompt
encoder (HART-INFERENCE 2.2). State-dict keys follow Hugging Face ``Qwen2Model``; the test suite
checks the hidden states against ``transformers`` on a random small config."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn


@dataclass(frozen=True)
class Qwen2Config:
    vocab_size: int
    hidden_size: int
    intermediate_size: int
    num_hidden_layers: int
    num_attention_heads: int
    num_key_value_heads: int
    rms_norm_eps: float = 1e-6
    rope_theta: float = 1e6
    max_position_embeddings: int = 32768

    @staticmethod
    def from_json(d: dict) -> "Qwen2Config":
        return Qwen2Config(**{k: d[k] for k in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                                "num_attention_heads", "num_key_value_heads") },
                           rms_norm_eps=d.get("rms_norm_eps", 1e-6), rope_theta=d.get("rope_theta", 1e6),
                           max_position_embeddings=d.get("max_position_embeddings", 32768))


class RMSNorm(nn.Module):
    def __init__(self, dim, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.eps = eps

    def forward(self, x):
        xf = x.float()
        return self.weight * (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).to(x.dtype)


def _rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class Attention(nn.Module):
    def __init__(self, c: Qwen2Config):
        super().__init__()
        self.H, self.Hk = c.num_attention_heads, c.num_key_value_heads
        self.d = c.hidden_size // self.H
        self.q_proj = nn.Linear(c.hidden_size, self.H * self.d)
        self.k_proj = nn.Linear(c.hidden_size, self.Hk * self.d)
        self.v_proj = nn.Linear(c.hidden_size, self.Hk * self.d)
        self.o_proj = nn.Linear(self.H * self.d, c.hidden_size, bias=False)

    def forward(self, x, cos, sin, bias):
        N, S, _ = x.shape
        q = self.q_proj(x).view(N, S, self.H, self.d).transpose(1, 2)
        k = self.k_proj(x).view(N, S, self.Hk, self.d).transpose(1, 2)
        v = self.v_proj(x).view(N, S, self.Hk, self.d).transpose(1, 2)
        q, k = q * cos + _rotate_half(q) * sin, k * cos + _rotate_half(k) * sin
        rep = self.H // self.Hk
        k, v = k.repeat_interleave(rep, dim=1), v.repeat_interleave(rep, dim=1)
        w = torch.softmax((q @ k.transpose(-1, -2)) / self.d ** 0.5 + bias, dim=-1, dtype=torch.float32).to(q.dtype)
        return self.o_proj((w @ v).transpose(1, 2).reshape(N, S, -1))


class MLP(nn.Module):
    def __init__(self, c: Qwen2Config):
        super().__init__()
        self.gate_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.up_proj = nn.Linear(c.hidden_size, c.intermediate_size, bias=False)
        self.down_proj = nn.Linear(c.intermediate_size, c.hidden_size, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class Layer(nn.Module):
    def __init__(self, c: Qwen2Config):
        super().__init__()
        self.self_attn, self.mlp = Attention(c), MLP(c)
        self.input_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        self.post_attention_layernorm = RMSNorm(c.hidden_size, c.rms_norm_eps)

    def forward(self, x, cos, sin, bias):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, bias)
        return x + self.mlp(self.post_attention_layernorm(x))


class Qwen2Model(nn.Module):
    def __init__(self, c: Qwen2Config):
        super().__init__()
        self.config = c
        self.embed_tokens = nn.Embedding(c.vocab_size, c.hidden_size)
        self.layers = nn.ModuleList(Layer(c) for _ in range(c.num_hidden_layers))
        self.norm = RMSNorm(c.hidden_size, c.rms_norm_eps)
        d = c.hidden_size // c.num_attention_heads
        self.register_buffer("inv_freq", 1.0 / (c.rope_theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d)),
                             persistent=False)

    def forward(self, input_ids, attention_mask):
        """Last hidden state (after the final norm) [N, S, hidden]; positions 0..S-1 for every row;
        causal + padding mask with the most negative finite value, as Transformers' eager path."""
        N, S = input_ids.shape
        x = self.embed_tokens(input_ids)
        pos = torch.arange(S, dtype=torch.float32)
        f = pos[:, None] * self.inv_freq[None]
        emb = torch.cat((f, f), dim=-1)
        cos, sin = emb.cos()[None, None], emb.sin()[None, None]
        i = torch.arange(S)
        allowed = (i[None, :] <= i[:, None])[None, None] & (attention_mask[:, None, None, :] > 0)
        bias = torch.where(allowed, 0.0, torch.finfo(torch.float32).min)
        for layer in self.layers:
            x = layer(x, cos, sin, bias)
        return self.norm(x)


def qwen2_config(folder: Path) -> Qwen2Config:
    """The Qwen2Config of a Hugging Face folder's config.json (a Qwen2-VL config's text part)."""
    from ..checkpoint import CheckpointError
    from ..config import ConfigError
    cf = Path(folder) / "config.json"
    if not cf.is_file():
        raise CheckpointError(f"{folder}: no config.json (not a Qwen2 text model folder)")
    d = json.loads(cf.read_text())
    if d.get("model_type") not in ("qwen2", "qwen2_vl"):
        raise ConfigError(f"{cf}: model_type={d.get('model_type')!r} is not supported (expected 'qwen2')")
    return Qwen2Config.from_json(d.get("text_config", d))


def load_qwen2_folder(folder: Path):
    """Qwen2Model from a Hugging Face folder (config.json + safetensors/bin, 'model.' prefix allowed), in
    fp32. Built without weights and given the file's tensors one by one (bf16 → fp32), so loading the
    1.5B model peaks near its fp32 size instead of three times it."""
    from ..checkpoint import load_strict, read_hf_folder
    folder = Path(folder)
    c = qwen2_config(folder)
    with torch.device("meta"):
        m = Qwen2Model(c)
    sd, src = read_hf_folder(folder, prefer_ema=False)
    for k in list(sd):
        v = sd.pop(k)
        if not k.startswith("lm_head."):
            sd[k[len("model."):] if k.startswith("model.") else k] = v.float()
        del v
    load_strict(m, sd, f"{folder / src}", assign=True)
    del sd
    d = c.hidden_size // c.num_attention_heads
    m.inv_freq = 1.0 / (c.rope_theta ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    return m.eval()
