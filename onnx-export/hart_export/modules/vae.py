"""The hybrid tokenizer: encoder, multi-scale residual quantiser (codebook + shared Phi), decoder.

Attribute paths equal the official keys after the ``vae.`` prefix (HART-INFERENCE 7.2).
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ..config import TokenizerConfig


_GROUPS = [32]   # set while a tokenizer is built (TokenizerConfig.norm_groups)


def GN(c: int) -> nn.GroupNorm:
    return nn.GroupNorm(_GROUPS[0], c, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    def __init__(self, cin: int, cout: int):
        super().__init__()
        self.norm1, self.conv1 = GN(cin), nn.Conv2d(cin, cout, 3, 1, 1)
        self.norm2, self.conv2 = GN(cout), nn.Conv2d(cout, cout, 3, 1, 1)
        self.nin_shortcut = nn.Conv2d(cin, cout, 1) if cin != cout else nn.Identity()

    def forward(self, x):
        h = self.conv1(F.silu(self.norm1(x)))
        h = self.conv2(F.silu(self.norm2(h)))
        return self.nin_shortcut(x) + h


class AttnBlock(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.norm = GN(c)
        self.qkv = nn.Conv2d(c, 3 * c, 1)
        self.proj_out = nn.Conv2d(c, c, 1)

    def forward(self, x_BChw):
        B, C, h, w = x_BChw.shape
        q, k, v = self.qkv(self.norm(x_BChw)).view(B, 3, C, h * w).unbind(1)   # each [B, C, hw]
        att = torch.softmax((q.transpose(1, 2) @ k) * C ** -0.5, dim=-1)        # [B, hw(q), hw(k)]
        o = (v @ att.transpose(1, 2)).view(B, C, h, w)
        return x_BChw + self.proj_out(o)


class Downsample(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 2, 0)

    def forward(self, x):
        return self.conv(F.pad(x, (0, 1, 0, 1)))


class Upsample(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.conv = nn.Conv2d(c, c, 3, 1, 1)

    def forward(self, x):
        if torch.onnx.is_in_onnx_export():
            return upsample_conv_by_rows(self.conv, x)
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def upsample_conv_by_rows(conv: nn.Conv2d, x: torch.Tensor) -> torch.Tensor:
    """``conv(nearest_upsample_2x(x))`` with a third fewer multiplications, for the ONNX export.

    After a nearest 2x upsampling, output rows 2i and 2i+1 of the 3x3 convolution both read source
    row i twice: row 2i sees source rows (i-1, i, i) and row 2i+1 sees (i, i, i+1). Summing the
    kernel rows that land on the same source row gives two 2x3 kernels that run on the source rows,
    upsampled along the width only; the two results are interleaved row by row. The same products
    in another order: within float32 rounding of the reference (the tests bound the difference).
    Only the columns stay upsampled: interleaving columns as well would save more multiplications,
    but ONNX Runtime's DepthToSpace costs more than it saves (BENCHMARKS.md).
    """
    w = conv.weight                                           # [Co, Ci, 3, 3]
    even = torch.stack((w[:, :, 0], w[:, :, 1] + w[:, :, 2]), dim=2)
    odd = torch.stack((w[:, :, 0] + w[:, :, 1], w[:, :, 2]), dim=2)
    xw = F.interpolate(x, scale_factor=(1.0, 2.0), mode="nearest")
    N, _, h, w2 = xw.shape
    y_even = _PaddedConv.apply(xw, even, conv.bias, (1, 1, 0, 1))   # rows i-1, i: one zero row above
    y_odd = _PaddedConv.apply(xw, odd, conv.bias, (0, 1, 1, 1))     # rows i, i+1: one zero row below
    return torch.stack((y_even, y_odd), dim=3).reshape(N, -1, 2 * h, w2)


class _PaddedConv(torch.autograd.Function):
    """A 2-D convolution with its own zero padding per side, (top, left, bottom, right), exported as
    one ONNX Conv with those pads (F.pad would export as Pad nodes that ONNX Runtime does not fold)."""

    @staticmethod
    def forward(ctx, x, w, b, pads):
        top, left, bottom, right = pads
        return F.conv2d(F.pad(x, (left, right, top, bottom)), w, b)

    @staticmethod
    def symbolic(g, x, w, b, pads):
        top, left, bottom, right = pads
        kh, kw = w.type().sizes()[2:]
        return g.op("Conv", x, w, b, pads_i=[top, left, bottom, right], kernel_shape_i=[kh, kw])


class _Level(nn.Module):
    pass


class _Mid(nn.Module):
    def __init__(self, c: int):
        super().__init__()
        self.block_1, self.attn_1, self.block_2 = ResnetBlock(c, c), AttnBlock(c), ResnetBlock(c, c)

    def forward(self, x):
        return self.block_2(self.attn_1(self.block_1(x)))


class Encoder(nn.Module):
    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        ch, mult, n = cfg.ch, cfg.ch_mult, len(cfg.ch_mult)
        self.stem = cfg.stem
        self.conv_in = nn.Conv2d(3 * cfg.stem ** 2, ch, 3, 1, 1)
        self.down = nn.ModuleList()
        cin = ch
        for i in range(n):
            lvl, cout = _Level(), ch * mult[i]
            lvl.block = nn.ModuleList(ResnetBlock(cin if j == 0 else cout, cout) for j in range(cfg.num_res_blocks))
            lvl.attn = nn.ModuleList(AttnBlock(cout) for _ in range(cfg.num_res_blocks)) if i == n - 1 else nn.ModuleList()
            if i != n - 1:
                lvl.downsample = Downsample(cout)
            self.down.append(lvl)
            cin = cout
        self.mid = _Mid(cin)
        self.norm_out = GN(cin)
        self.conv_out = nn.Conv2d(cin, cfg.z_channels, 3, 1, 1)

    def forward(self, x):
        if self.stem > 1:   # space-to-depth: the first level runs at 1/stem of the resolution
            x = F.pixel_unshuffle(x, self.stem)
        h = self.conv_in(x)
        for lvl in self.down:
            for j, blk in enumerate(lvl.block):
                h = blk(h)
                if len(lvl.attn):
                    h = lvl.attn[j](h)
            if hasattr(lvl, "downsample"):
                h = lvl.downsample(h)
        return self.conv_out(F.silu(self.norm_out(self.mid(h))))


class Decoder(nn.Module):
    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        ch, mult, n = cfg.ch, cfg.ch_mult, len(cfg.ch_mult)
        cin = ch * mult[-1]
        self.conv_in = nn.Conv2d(cfg.z_channels, cin, 3, 1, 1)
        self.mid = _Mid(cin)
        levels = [None] * n
        for i in reversed(range(n)):
            lvl, cout = _Level(), ch * mult[i]
            lvl.block = nn.ModuleList(ResnetBlock(cin if j == 0 else cout, cout) for j in range(cfg.num_res_blocks + 1))
            lvl.attn = nn.ModuleList(AttnBlock(cout) for _ in range(cfg.num_res_blocks + 1)) if i == n - 1 else nn.ModuleList()
            if i != 0:
                lvl.upsample = Upsample(cout)
            levels[i] = lvl
            cin = cout
        self.up = nn.ModuleList(levels)
        self.norm_out = GN(cin)
        self.stem = cfg.stem
        self.conv_out = nn.Conv2d(cin, 3 * cfg.stem ** 2, 3, 1, 1)

    def forward(self, z):
        h = self.mid(self.conv_in(z))
        for lvl in reversed(self.up):
            for j, blk in enumerate(lvl.block):
                h = blk(h)
                if len(lvl.attn):
                    h = lvl.attn[j](h)
            if hasattr(lvl, "upsample"):
                h = lvl.upsample(h)
        out = self.conv_out(F.silu(self.norm_out(h)))
        return F.pixel_shuffle(out, self.stem) if self.stem > 1 else out


class Phi(nn.Conv2d):
    """Phi_j(U) = (1 - lambda) U + lambda Conv3x3_j(U)."""

    def __init__(self, cv: int, resi: float):
        super().__init__(cv, cv, 3, 1, 1)
        self.resi = abs(resi)

    def forward(self, u):
        return u * (1 - self.resi) + super().forward(u) * self.resi


class PhiShared(nn.Module):
    def __init__(self, cv: int, resi: float, n: int):
        super().__init__()
        self.qresi_ls = nn.ModuleList(Phi(cv, resi) for _ in range(n))


def phi_ticks(n: int) -> np.ndarray:
    """Tick positions of the shared Phi convolutions, computed as NumPy's linspace does (4.5)."""
    return np.linspace(1 / 3 / n, 1 - 1 / 3 / n, n)


def phi_index(k: int, K: int, n: int) -> int:
    """argmin_j |tau_j - k/(K-1)| in float64, first minimum (quirk of 4.5)."""
    return int(np.argmin(np.abs(phi_ticks(n) - k / (K - 1))))


class HybridQuantizer(nn.Module):
    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        self.vocab_size, self.cv = cfg.vocab_size, cfg.z_channels
        self.embedding = nn.Embedding(cfg.vocab_size, cfg.z_channels)
        self.quant_resi = PhiShared(cfg.z_channels, cfg.quant_resi, cfg.share_quant_resi)
        self.register_buffer("ema_vocab_hit_SV", torch.zeros(len(cfg.v_patch_nums), cfg.vocab_size))

    def phi(self, k: int, K: int) -> Phi:
        return self.quant_resi.qresi_ls[phi_index(k, K, len(self.quant_resi.qresi_ls))]

    def nearest(self, z_NC: torch.Tensor) -> torch.Tensor:
        E = self.embedding.weight
        d = (z_NC.square().sum(1, keepdim=True) + E.square().sum(1)[None]) - 2.0 * (z_NC @ E.T)
        return d.argmin(dim=1)

    def f_to_idx_and_residual(self, f_BChw: torch.Tensor, patch_nums, var_convention: bool = False):
        """Multi-scale residual quantisation (6.4). Returns (idx per scale [B, p^2], f_hat_discrete, residual)."""
        B, C, h, w = f_BChw.shape
        K = len(patch_nums)
        f_rest, f_hat, idx_all = f_BChw.clone(), torch.zeros_like(f_BChw), []
        for k, p in enumerate(patch_nums):
            last = k == K - 1
            z = f_rest if last else F.interpolate(f_rest, size=(p, p), mode="area")
            idx = self.nearest(z.permute(0, 2, 3, 1).reshape(-1, C)).view(B, p * p)
            e = self.embedding(idx).view(B, p, p, C).permute(0, 3, 1, 2)
            u = e if last else F.interpolate(e, size=(h, w), mode="bicubic")
            if not last or var_convention:
                u = self.phi(k, K)(u)
            f_hat = f_hat + u
            f_rest = f_rest - u
            idx_all.append(idx)
        return idx_all, f_hat, f_rest


class HybridTokenizer(nn.Module):
    def __init__(self, cfg: TokenizerConfig):
        super().__init__()
        self.cfg = cfg.validate()
        _GROUPS[0] = cfg.norm_groups
        try:
            self.encoder = Encoder(cfg)
            self.decoder = Decoder(cfg)
        finally:
            _GROUPS[0] = 32
        self.quant_conv = nn.Conv2d(cfg.z_channels, cfg.z_channels, 3, 1, 1)
        self.post_quant_conv = nn.Conv2d(cfg.z_channels, cfg.z_channels, 3, 1, 1)
        self.quantize = HybridQuantizer(cfg)

    def encode(self, img_B3HW):
        """Image in [-1, 1] -> continuous latent f [B, Cv, H/16, W/16]."""
        return self.quant_conv(self.encoder(img_B3HW))

    def decode(self, f_hat_BChw):
        """Latent -> image in [0, 1] (clamped)."""
        return (self.decoder(self.post_quant_conv(f_hat_BChw)).clamp(-1, 1) + 1) / 2

    def fhat_step(self, f_hat, h_BCpp, up_Pp, phi_idx):
        """f_hat + Phi_j(U h U^T) with the phi picked by index (the exported helper graph)."""
        u = up_Pp @ h_BCpp @ up_Pp.T
        j = int(phi_idx)
        added = self.quant_resi_apply(u, j)
        return f_hat + added, added

    def quant_resi_apply(self, u, j: int):
        return self.quantize.quant_resi.qresi_ls[j](u)
