"""Text encoders. HART conditions on the last hidden state of a frozen Qwen2 (section 2); the
project's own models use ``TextEncoder``, a small causal transformer trained with the model."""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..config import TextConfig


class _Layer(nn.Module):
    def __init__(self, w: int, heads: int):
        super().__init__()
        self.ln1, self.ln2 = nn.LayerNorm(w), nn.LayerNorm(w)
        self.qkv, self.proj = nn.Linear(w, 3 * w), nn.Linear(w, w)
        self.fc1, self.fc2 = nn.Linear(w, 4 * w), nn.Linear(4 * w, w)
        self.heads = heads

    def forward(self, x_NSW, allowed_NSS):
        N, S, W = x_NSW.shape
        q, k, v = self.qkv(self.ln1(x_NSW)).view(N, S, 3, self.heads, W // self.heads).permute(2, 0, 3, 1, 4).unbind(0)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(W // self.heads)
        s = s.masked_fill(~allowed_NSS.unsqueeze(1), float("-inf"))
        x = x_NSW + self.proj((s.softmax(-1) @ v).transpose(1, 2).reshape(N, S, W))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class TextEncoder(nn.Module):
    """Causal transformer over word ids -> hidden states [N, T, width] of the last T positions.
    Attention: causal, padding keys masked (a query always sees itself)."""

    def __init__(self, cfg: TextConfig):
        super().__init__()
        self.cfg = cfg
        self.tok_embed = nn.Embedding(cfg.vocab_size, cfg.width)
        self.pos_embed = nn.Parameter(torch.randn(cfg.max_positions, cfg.width) * 0.02)
        self.layers = nn.ModuleList(_Layer(cfg.width, cfg.num_heads) for _ in range(cfg.depth))
        self.norm = nn.LayerNorm(cfg.width)

    def forward(self, ids_NS, mask_NS):
        N, S = ids_NS.shape
        x = self.tok_embed(ids_NS) + self.pos_embed[:S]
        i = torch.arange(S)
        causal = i[None, :] <= i[:, None]
        diag = i[None, :] == i[:, None]
        allowed = causal[None] & ((mask_NS[:, None, :] > 0) | diag[None])
        for layer in self.layers:
            x = layer(x, allowed)
        return self.norm(x)[:, -self.cfg.max_tokens:]
