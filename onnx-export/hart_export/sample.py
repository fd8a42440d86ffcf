"""The reference sampler: HART's generation algorithm (HART-INFERENCE 2.4-6) around a backend that
runs either the PyTorch modules or an exported bundle. Every random draw comes from a ``Draws``.

Arithmetic that the Java engine mirrors exactly (docs/BUNDLE.md, docs/RNG.md): CFG in float32,
top-k/top-p masks, inverse-CDF draw and the Gumbel soft embedding in float64, area resize in float64.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Protocol, Sequence

import numpy as np

from .draws import Draws
from .schedule import Schedule, VAE_SCALE, rope_1d, rope_2d

NEG_INF = np.float32(-np.inf)


class Backend(Protocol):
    codebook: np.ndarray                        # [V, Cv] float32
    num_layers: int
    num_heads: int
    head_dim: int
    def condition(self, ctx2, mask2): ...      # -> x0 [N2,T,C], ada [NL,N2,6C], head_ada [N2,2C]
    def embed(self, latent, level: int): ...   # -> x [N,l,C]
    def step(self, x, cos, sin, ada, head_ada, past): ...   # past/present: one (k, v) per block -> hidden, logits, present
    def fhat_step(self, f_hat, h, up, phi_index: int): ...            # -> f_hat_out, added
    def diff_cond(self, x_last, e_hard): ...   # -> cemb [N2,L,W]
    def diff_mlp(self, x, t, cemb): ...        # -> out [M, 2Cv]
    def decode(self, f_hat): ...               # -> image [N,3,H,W] in [0,1]


@dataclass
class Options:
    cfg: float = 4.5
    top_k: Sequence[int] | None = None          # per scale; None = the official 600/300 rule clamped to V
    top_p: float = 0.0
    more_smooth: bool = True
    discrete_only: bool = False
    forced_tokens: dict[int, np.ndarray] = field(default_factory=dict)   # scale -> [B, l] (branch / teacher forcing)
    deep_trace: bool = False                    # keep per-scale inputs, logits, hidden states and the KV cache


@dataclass
class Result:
    tokens: list[np.ndarray]                    # per scale [B, l_k] int64
    f_hat: np.ndarray                           # [B, Cv, P, P]
    image: np.ndarray                           # [B, 3, H, W] in [0, 1]
    trace: dict                                 # intermediate tensors (tests, debugging)


def cfg_logits(lg_N2lV: np.ndarray, B: int, t: float) -> np.ndarray:
    """(1 + t) cond - t uncond in float32."""
    a, b = np.float32(1 + t), np.float32(t)
    return a * lg_N2lV[:B] - b * lg_N2lV[B:]


def top_k_mask(z: np.ndarray, k: int) -> np.ndarray:
    """Entries strictly below the k-th largest value become -inf (ties survive). k <= 0 or >= V: none."""
    V = z.shape[-1]
    if k <= 0 or k >= V:
        return z
    kth = -np.partition(-z, k - 1, axis=-1)[..., k - 1:k]
    return np.where(z < kth, NEG_INF, z)


def top_p_mask(z: np.ndarray, top_p: float) -> np.ndarray:
    """Sort ascending, softmax (float64), cumulative sum; remove entries with cumsum <= 1 - top_p, never the largest."""
    if not (0.0 < top_p < 1.0):
        return z
    order = np.argsort(z, axis=-1, kind="stable")
    zs = np.take_along_axis(z, order, -1).astype(np.float64)
    p = np.exp(zs - zs[..., -1:])
    c = np.cumsum(p / p.sum(-1, keepdims=True), axis=-1)
    rem = c <= (1.0 - top_p)
    rem[..., -1] = False
    out = z.copy()
    np.put_along_axis(out, order, np.where(rem, NEG_INF, zs.astype(np.float32)), -1)
    return out


def draw(z_BlV: np.ndarray, draws: Draws, k: int) -> np.ndarray:
    B, l, V = z_BlV.shape
    if draws.greedy:
        return z_BlV.argmax(-1).astype(np.int64)
    from .rng import categorical
    return np.stack([categorical(z_BlV[b], draws.token_uniforms(b, k, l)) for b in range(B)])


def soft_embed(z_BlV: np.ndarray, mult: float, tau: float, codebook: np.ndarray, draws: Draws, k: int) -> np.ndarray:
    """Gumbel soft embedding y @ E with y = softmax((mult*z + G)/tau); float64 after the float32 product."""
    B, l, V = z_BlV.shape
    zm = (np.float32(mult) * z_BlV).astype(np.float64)
    E = codebook.astype(np.float64)
    out = np.empty((B, l, codebook.shape[1]), np.float32)
    for b in range(B):
        q = draws.exp_draws(b, k, l, V)
        s = (zm[b] - np.log(q)) / tau
        s = s - s.max(-1, keepdims=True)
        # weights below e^-600 (~1e-261) are exactly 0 in both languages: they never change a float32
        # embedding and would otherwise reach subnormal products, ~100x slower on a CPU (docs/RNG.md)
        y = np.where(s < -600.0, 0.0, np.exp(np.maximum(s, -600.0)))
        y /= y.sum(-1, keepdims=True)
        out[b] = (y @ E).astype(np.float32)
    return out


def area(f_hat_BCPP: np.ndarray, D: np.ndarray) -> np.ndarray:
    """D f D^T per channel in float64 -> [B, p*p, Cv] tokens (row-major).

    The sums run in one fixed order, the Java engine's (docs/BUNDLE.md, "Area resize"): rows first
    (r[i, q] = sum over P of D[i, P] f[P, q], in index order), then columns (in index order). Area
    weights are dyadic, so many results sit exactly on a float32 rounding tie and a different
    summation order (a BLAS contraction) would round some of them the other way."""
    f = f_hat_BCPP.astype(np.float64)
    B, C, P, _ = f.shape
    p = D.shape[0]
    r = np.zeros((B, C, p, P))
    for k in range(P):
        r += D[None, None, :, k, None] * f[:, :, None, k, :]
    y = np.zeros((B, C, p, p))
    for q in range(P):
        y += r[:, :, :, q, None] * D[None, None, None, :, q]
    return y.transpose(0, 2, 3, 1).reshape(B, p * p, C).astype(np.float32)


def diffusion_sample(backend: Backend, sch: Schedule, cemb_MW: np.ndarray, B: int, L: int, Cv: int,
                     g: float, draws: Draws, on_step: Callable | None = None) -> np.ndarray:
    """Guided 8-step respaced sampler (5.3). cemb [2*B*L, W] (conditional rows first). Returns rho [B, L, Cv]."""
    ds = sch.diffusion
    f32 = np.float32
    x = np.concatenate([draws.diff_init(b, L * Cv).reshape(L, Cv) for b in range(B)]).astype(np.float32)  # [B*L, Cv]
    n_steps = len(ds.timesteps)
    for n in reversed(range(n_steps)):
        t = np.full(2 * B * L, ds.timesteps[n], np.float32)
        out = backend.diff_mlp(np.concatenate([x, x]), t, cemb_MW)
        eps_c, eps_u = out[:B * L, :Cv], out[B * L:, :Cv]
        v = out[:B * L, Cv:]
        if g == 1.0:      # the official code skips guidance exactly at 1.0 (fixture README 12.5)
            eps = eps_c
        else:             # HART's guidance: (1 + g) eps_c - g eps_u (checked against the fixtures)
            eps = f32(1 + g) * eps_c - f32(g) * eps_u
        x0 = np.clip(f32(ds.sqrt_recip_alphas_cumprod[n]) * x - f32(ds.sqrt_recipm1_alphas_cumprod[n]) * eps, -1, 1)
        mean = f32(ds.posterior_mean_coef1[n]) * x0 + f32(ds.posterior_mean_coef2[n]) * x
        frac = (v + f32(1)) / f32(2)
        logvar = frac * f32(ds.log_betas[n]) + (f32(1) - frac) * f32(ds.posterior_log_variance_clipped[n])
        if n > 0:
            noise = np.concatenate([draws.diff_step(b, n, L * Cv).reshape(L, Cv) for b in range(B)])
            # exp in float64, rounded to float32: bit-identical with Java's (float) Math.exp
            std = np.exp((f32(0.5) * logvar).astype(np.float64)).astype(np.float32)
            x = (mean + std * noise).astype(np.float32)
        else:
            x = mean.astype(np.float32)
        if on_step:
            on_step(n, x)
    return (f32(VAE_SCALE) * x).reshape(B, L, Cv)


def generate(backend: Backend, sch: Schedule, ctx_BTD: np.ndarray, pos_BT: np.ndarray, mask_BT: np.ndarray,
             opts: Options, draws: Draws, listener: Callable[[str, int, dict], None] | None = None,
             stop_after_scale: int | None = None) -> Result:
    """HART text-to-image generation. ctx [B,T,Dt] float32, pos [B,T] int64, mask [B,T] bool."""
    B, T, _ = ctx_BTD.shape
    pn = sch.patch_nums
    K, P = len(pn), pn[-1]
    V, Cv = backend.codebook.shape
    NL, H, d = backend.num_layers, backend.num_heads, backend.head_dim
    top_k = list(opts.top_k) if opts.top_k is not None else [600 if k < 7 else 300 for k in range(K)]
    trace: dict = {}

    # 2.4: unconditional rows: zero text, position 0, mask one-hot at slot 0
    ctx2 = np.concatenate([ctx_BTD, np.zeros_like(ctx_BTD)]).astype(np.float32)
    pos2 = np.concatenate([pos_BT, np.zeros_like(pos_BT)]).astype(np.int64)
    m0 = np.zeros_like(mask_BT); m0[:, 0] = True
    mask2 = np.concatenate([mask_BT, m0]).astype(np.float32)
    offsets = pos2[:, T - 1]

    x, ada, head_ada = backend.condition(ctx2, mask2)
    cos, sin = rope_1d(pos2, sch.inv_freq_1d)
    empty = np.zeros((2 * B, H, 0, d), np.float32)
    past = [(empty, empty)] * NL
    f_hat = np.zeros((B, Cv, P, P), np.float32)
    tokens: list[np.ndarray] = []
    for k, p in enumerate(pn):
        row = sch.scales[k]
        if k > 0:
            cos, sin = rope_2d(p, P, offsets, sch.inv_freq_2d)
        if opts.deep_trace:
            trace[f"x_in_s{k:02d}"] = x
        hidden, logits, past = backend.step(x, cos, sin, ada, head_ada, past)
        if opts.deep_trace:
            trace[f"logits_s{k:02d}"], trace[f"hidden_s{k:02d}"] = logits, hidden
            trace["ada"], trace["head_ada"] = ada, head_ada
            trace["kv"] = ([k for k, _ in past], [v for _, v in past])
        if k == 0:
            logits = logits[:, T - 1:T]
        z = cfg_logits(logits, B, opts.cfg * row["ratio"])
        z = top_p_mask(top_k_mask(z, min(top_k[k], V)), opts.top_p)
        idx = opts.forced_tokens[k] if k in opts.forced_tokens else draw(z, draws, k)
        tokens.append(np.asarray(idx, np.int64))
        e = soft_embed(z, row["logit_mult"], row["tau"], backend.codebook, draws, k) if opts.more_smooth \
            else backend.codebook[idx]
        if k < K - 1:
            h = e.transpose(0, 2, 1).reshape(B, Cv, p, p).astype(np.float32)
            trace[f"h_s{k:02d}"] = h
            f_hat, _ = backend.fhat_step(f_hat, h, sch.up[k].astype(np.float32), row["phi_index"])
            trace[f"fhat_after_s{k:02d}"] = f_hat
            nxt = area(f_hat, sch.down[k + 1])
            trace[f"next_in_s{k + 1:02d}"] = nxt
            x = backend.embed(nxt, k + 1)
            x = np.concatenate([x, x])
            if listener:
                listener("scale", k, {"f_hat": f_hat, "tokens": tokens[-1]})
            if stop_after_scale is not None and k >= stop_after_scale:
                return Result(tokens, f_hat, backend.decode(f_hat), trace)
        else:
            trace["last_embed"] = e
            if listener:
                listener("scale", k, {"tokens": tokens[-1]})
            rho = np.zeros_like(e)
            if not opts.discrete_only:
                cemb = backend.diff_cond(hidden, backend.codebook[idx])
                trace["cemb"] = cemb
                g = opts.cfg * row["ratio"]
                rho = diffusion_sample(backend, sch, cemb.reshape(2 * B * P * P, -1), B, P * P, Cv, g, draws,
                                       (lambda n, xs: listener("diffusion", n, {"x": xs})) if listener else None)
            trace["h_diff"] = rho
            f_hat = (f_hat + (e + rho).transpose(0, 2, 1).reshape(B, Cv, P, P)).astype(np.float32)
            trace["fhat_final"] = f_hat
    image = backend.decode(f_hat)
    if listener:
        listener("done", K, {"image": image})
    return Result(tokens, f_hat, image, trace)
