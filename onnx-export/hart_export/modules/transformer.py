"""The HART transformer (llama attention; llama or GELU MLP) with a KV cache carried in and out.

Tensor names carry their axes: N2 = CFG rows (conditional first), l = new tokens, C = width,
H = heads, d = head size, Lp = cached positions, NL = blocks.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from ..config import TransformerConfig
from .diffusion import DiffLoss
from .norms import RMSNorm


class LlamaMLP(nn.Module):
    def __init__(self, c: int, hidden: int):
        super().__init__()
        self.gate_proj = nn.Linear(c, hidden, bias=False)
        self.up_proj = nn.Linear(c, hidden, bias=False)
        self.down_proj = nn.Linear(hidden, c, bias=False)

    def forward(self, x):
        return self.down_proj(F.silu(self.gate_proj(x)) * self.up_proj(x))


class GeluMLP(nn.Module):
    """The official "gpt2" MLP type: fc1, GELU (tanh), fc2, with biases."""

    def __init__(self, c: int, hidden: int):
        super().__init__()
        self.fc1 = nn.Linear(c, hidden)
        self.fc2 = nn.Linear(hidden, c)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


def rotate_half(x: torch.Tensor) -> torch.Tensor:
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


class LlamaAttention(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        c, self.H, self.d = cfg.embed_dim, cfg.num_heads, cfg.head_dim
        self.qkv_proj = nn.Linear(c, 3 * c, bias=False)
        self.q_bias = nn.Parameter(torch.zeros(c))
        self.v_bias = nn.Parameter(torch.zeros(c))
        self.register_buffer("zero_k_bias", torch.zeros(c))
        self.l2_norm = cfg.attn_l2_norm
        if self.l2_norm:
            self.scale_mul_1H11 = nn.Parameter(torch.full((1, self.H, 1, 1), 4.0).log())
            self.scale = 1.0
        else:
            self.scale = 0.25 / math.sqrt(self.d)
        self.proj = nn.Linear(c, c)

    def forward(self, a_N2lC, cos_N2ld, sin_N2ld, pastk_N2HLd, pastv_N2HLd, bias_LL=None):
        N2, l, C = a_N2lC.shape
        bias = torch.cat((self.q_bias, self.zero_k_bias, self.v_bias))
        qkv = F.linear(a_N2lC, self.qkv_proj.weight, bias).view(N2, l, 3, self.H, self.d)
        q, k, v = qkv.permute(2, 0, 3, 1, 4).unbind(0)          # each [N2, H, l, d]
        if self.l2_norm:
            q = F.normalize(q, dim=-1) * self.scale_mul_1H11.clamp_max(math.log(100.0)).exp()
            k = F.normalize(k, dim=-1)
        cos, sin = cos_N2ld.unsqueeze(1).to(q.dtype), sin_N2ld.unsqueeze(1).to(q.dtype)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k_all = torch.cat((pastk_N2HLd, k), dim=2)
        v_all = torch.cat((pastv_N2HLd, v), dim=2)
        if bias_LL is not None and not torch.onnx.is_in_onnx_export():
            # training only (block-causal mask): the fused kernel, same result without the [L, L] scores
            o = F.scaled_dot_product_attention(q, k_all, v_all, attn_mask=bias_LL.to(q.dtype), scale=self.scale)
            return self.proj(o.transpose(1, 2).reshape(N2, l, C)), k_all, v_all
        s = (q * self.scale) @ k_all.transpose(-1, -2)
        if bias_LL is not None:
            s = s + bias_LL
        w = torch.softmax(s, dim=-1)
        o = (w @ v_all).transpose(1, 2).reshape(N2, l, C)        # heads concatenated, head-major
        return self.proj(o), k_all, v_all


class AdaLNSelfAttn(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        c = cfg.embed_dim
        self.ada_lin = nn.Sequential(nn.SiLU(), nn.Linear(c, 6 * c))
        self.ln_wo_grad = RMSNorm(c, cfg.norm_eps)
        self.attn = LlamaAttention(cfg)
        self.ffn = LlamaMLP(c, cfg.mlp_hidden) if cfg.mlp_type == "llama" else GeluMLP(c, cfg.mlp_hidden)

    def forward(self, x, cos, sin, ada_N26C, pastk, pastv, bias_LL=None):
        N2, C = x.shape[0], x.shape[-1]
        g1, g2, s1, s2, b1, b2 = ada_N26C.view(N2, 1, 6, C).unbind(2)
        a, k_all, v_all = self.attn(self.ln_wo_grad(x) * (s1 + 1) + b1, cos, sin, pastk, pastv, bias_LL)
        x = x + a * g1
        x = x + self.ffn(self.ln_wo_grad(x) * (s2 + 1) + b2) * g2
        return x, k_all, v_all


class AdaLNBeforeHead(nn.Module):
    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        c = cfg.embed_dim
        self.ada_lin = nn.Sequential(nn.SiLU(), nn.Linear(c, 2 * c))
        self.ln_wo_grad = RMSNorm(c, cfg.norm_eps)

    def forward(self, x_N2lC, head_ada_N22C):
        scale, shift = head_ada_N22C.unsqueeze(1).chunk(2, dim=-1)
        return self.ln_wo_grad(x_N2lC.float()) * (scale + 1) + shift


class HARTTransformer(nn.Module):
    """State-dict compatible with the official ``HARTForT2I`` (llama attention)."""

    def __init__(self, cfg: TransformerConfig):
        super().__init__()
        self.cfg = cfg = cfg.validate()
        C, K = cfg.embed_dim, len(cfg.patch_nums)
        self.context_embed = nn.Linear(cfg.context_dim, C)
        self.context_norm = RMSNorm(cfg.context_dim, cfg.norm_eps) if cfg.use_context_norm else nn.Identity()
        self.word_embed = nn.Linear(cfg.latent_channels, C)
        self.lvl_embed = nn.Embedding(K, C)
        self.blocks = nn.ModuleList(AdaLNSelfAttn(cfg) for _ in range(cfg.depth))
        self.head_nm = AdaLNBeforeHead(cfg)
        self.head = nn.Linear(C, cfg.vocab_size)
        self.decoder_norm = RMSNorm(C, cfg.norm_eps)
        self.diffloss = DiffLoss(cfg.latent_channels, C, cfg.diff_width, cfg.diff_depth)
        # Training-only buffers kept so the official checkpoints load strictly (7.1).
        lvl = torch.cat([torch.zeros(cfg.context_token, dtype=torch.long)] +
                        [torch.full((p * p,), k, dtype=torch.long) for k, p in enumerate(cfg.patch_nums[1:], 1)])
        self.register_buffer("lvl_1L", lvl.view(1, -1))
        self.register_buffer("attn_bias_for_masking", _training_mask(lvl))

    # --- graph-level functions (each one is exported as an ONNX graph) -------------------------
    def condition(self, ctx2_N2TD, mask2_N2T):
        """Text embedding + level 0, block and head modulations. Returns x0, ada [NL,N2,6C], head_ada."""
        E = self.context_embed(self.context_norm(ctx2_N2TD))
        if self.cfg.sep_aln_pooling_mode == "max":
            g = E.max(dim=1).values
        else:
            m = mask2_N2T.to(E.dtype).unsqueeze(-1)
            g = (E * m).sum(1) / m.sum(1).clamp_min(1.0)
        h = E.max(dim=1).values                                      # head always max-pools [quirk]
        ada = torch.stack([b.ada_lin(g) for b in self.blocks])
        return E + self.lvl_embed.weight[0], ada, self.head_nm.ada_lin(h)

    def embed(self, latent_NlCv, level):
        return self.word_embed(latent_NlCv) + self.lvl_embed.weight[level.view(-1)[0]]

    def step(self, x_N2lC, cos, sin, ada, head_ada, past):
        """All blocks on the new tokens with the cache: ``past`` = one (k, v) [N2, H, Lp, d] per block.
        Returns hidden, logits and the present (k, v) [N2, H, Lp + l, d] of every block."""
        present = []
        for i, b in enumerate(self.blocks):
            x_N2lC, k, v = b(x_N2lC, cos, sin, ada[i], past[i][0], past[i][1])
            present.append((k, v))
        logits = self.head(self.head_nm(x_N2lC, head_ada)).float()
        return x_N2lC, logits, present

    def forward_train(self, ctx_BTD, mask_BT, inputs_BLCv, cos, sin):
        """Teacher-forced pass over the whole sequence with the block-causal training mask.
        inputs: area(f_hat) tokens of scales 1..K-1 [B, L-T, Cv]; cos/sin [B, L, d].
        Returns logits [B, 1 + L - T, V] (scale 0 from slot T-1, then every image token) and the
        hidden states of the last scale [B, P^2, C]."""
        cfg, T = self.cfg, self.cfg.context_token
        x0, ada, head_ada = self.condition(ctx_BTD, mask_BT.float())
        x = torch.cat((x0, self.word_embed(inputs_BLCv) + self.lvl_embed(self.lvl_1L[0, T:])), dim=1)
        B, L, C = x.shape
        H, d = cfg.num_heads, cfg.head_dim
        empty = x.new_zeros(B, H, 0, d)
        for i, b in enumerate(self.blocks):
            x, _, _ = b(x, cos, sin, ada[i], empty, empty, self.attn_bias_for_masking[0, 0])
        logits = self.head(self.head_nm(x[:, T - 1:], head_ada)).float()
        P2 = cfg.patch_nums[-1] ** 2
        return logits, x[:, L - P2:]

    def diff_cond(self, x_last_N2LC, e_hard_NLCv):
        e2 = torch.cat((e_hard_NLCv, e_hard_NLCv), dim=0)
        c = self.decoder_norm(x_last_N2LC + self.word_embed(e2))
        return self.diffloss.net.cond_embed(c)


def _training_mask(lvl: torch.Tensor) -> torch.Tensor:
    d = lvl.view(1, 1, -1, 1) >= lvl.view(1, 1, 1, -1)
    return torch.where(d, 0.0, float("-inf")).float()
