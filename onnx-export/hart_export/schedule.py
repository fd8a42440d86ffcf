"""Everything the sampler needs that depends only on the configuration: per-scale schedule,
interpolation matrices, RoPE frequencies and tables, and the respaced diffusion constants.
Generated in float64 (HART-INFERENCE 4.5-4.7, 5.2, 6.3, 3.4)."""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from .modules.vae import phi_index, phi_ticks

VAE_SCALE = 0.6
TOP_K_OFFICIAL = (600, 300)   # hard-coded in the official code: 600 below scale index 7, else 300


def official_top_k(K: int, V: int) -> list[int]:
    return [min(TOP_K_OFFICIAL[0] if k < 7 else TOP_K_OFFICIAL[1], V) for k in range(K)]


def scale_table(patch_nums, phi_count: int) -> list[dict]:
    K = len(patch_nums)
    rows = []
    for k, p in enumerate(patch_nums):
        r = (K - 2) / (K - 1) if k == K - 1 else k / (K - 1)        # stale ratio at the last scale [quirk]
        rows.append({"k": k, "p": p, "ratio": r, "tau": max(0.27 * (1 - 0.95 * r), 0.005),
                     "logit_mult": 1 + r, "phi_index": phi_index(k, K, phi_count) if k < K - 1 else -1})
    return rows


def interp_matrices(patch_nums) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """up[k] [P, p] (bicubic, align_corners False) and down[k] [p, P] (area), float64, from F.interpolate on bases."""
    P = patch_nums[-1]
    ups = [np.eye(P) if p == P else _axis_matrix(p, P, "bicubic") for p in patch_nums]
    downs = [np.eye(P) if p == P else _axis_matrix(P, p, "area") for p in patch_nums]
    return ups, downs


def _axis_matrix(n_in: int, n_out: int, mode: str) -> np.ndarray:
    """[n_out, n_in] matrix M with interpolate(x) = M x along one axis (2D interpolation is separable)."""
    basis = torch.eye(n_in, dtype=torch.float64).view(n_in, 1, n_in, 1)
    kw = {"align_corners": False} if mode == "bicubic" else {}
    y = F.interpolate(basis, size=(n_out, 1), mode=mode, **kw)        # [n_in, 1, n_out, 1]; y[j] = M e_j
    return y[:, 0, :, 0].T.numpy().copy()


def rope_inv_freq(d: int) -> tuple[np.ndarray, np.ndarray]:
    """float32 inverse frequencies: 1D (stride 2 over d) and 2D (stride 4 over d), as the official code computes."""
    f1 = 1.0 / (10000.0 ** (torch.arange(0, d, 2, dtype=torch.int64).float() / d))
    f2 = 1.0 / (10000.0 ** (torch.arange(0, d, 4, dtype=torch.int64).float() / d))
    return f1.numpy().astype(np.float32), f2.numpy().astype(np.float32)


def _cos_sin(angle_f32: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    a = angle_f32.astype(np.float64)
    return np.cos(a).astype(np.float32), np.sin(a).astype(np.float32)


def rope_1d(pos_NT: np.ndarray, inv1: np.ndarray):
    """cos/sin [N, T, d] for text slots at positions pos (int)."""
    ang = pos_NT.astype(np.float32)[..., None] * inv1[None, None, :]      # fp32 product
    ang = np.concatenate([ang, ang], axis=-1)
    return _cos_sin(ang)


def image_coords(p: int, P: int) -> np.ndarray:
    """[p] float32 coordinate of grid index i on the finest grid: fl32(fl32(i/p) * P)."""
    i = np.arange(p, dtype=np.float32)
    return (i / np.float32(p)) * np.float32(P)


def rope_2d(p: int, P: int, offsets_N: np.ndarray, inv2: np.ndarray):
    """cos/sin [N, p*p, d] for the tokens of a p x p map; row angles in the first half, column angles in the second."""
    c = image_coords(p, P)
    r_ = np.repeat(c, p)                      # token n -> row n // p
    c_ = np.tile(c, p)                        # token n -> col n % p
    off = offsets_N.astype(np.float32)[:, None]
    r = r_[None, :] + off                     # [N, l] fp32
    col = c_[None, :] + off
    ar = r[..., None] * inv2[None, None, :]   # [N, l, d/4]
    ac = col[..., None] * inv2[None, None, :]
    ang = np.concatenate([ar, ar, ac, ac], axis=-1)
    return _cos_sin(ang)


@dataclass(frozen=True)
class DiffusionSchedule:
    timesteps: np.ndarray
    sqrt_recip_alphas_cumprod: np.ndarray
    sqrt_recipm1_alphas_cumprod: np.ndarray
    posterior_mean_coef1: np.ndarray
    posterior_mean_coef2: np.ndarray
    posterior_log_variance_clipped: np.ndarray
    log_betas: np.ndarray
    betas: np.ndarray
    alphas_cumprod: np.ndarray

    def to_json(self) -> dict:
        d = {k: getattr(self, k).tolist() for k in ("timesteps", "sqrt_recip_alphas_cumprod", "sqrt_recipm1_alphas_cumprod",
                                                   "posterior_mean_coef1", "posterior_mean_coef2",
                                                   "posterior_log_variance_clipped", "log_betas")}
        d["vae_scale"] = VAE_SCALE
        return d


def space_timesteps(num: int = 1000, count: int = 8) -> list[int]:
    stride = (num - 1) / (count - 1)
    return [round(i * stride) for i in range(count)]   # Python round, as the official respacing


def diffusion_schedule(steps: int = 8) -> DiffusionSchedule:
    ab = lambda u: math.cos((u + 0.008) / 1.008 * math.pi / 2) ** 2
    betas = np.array([min(1 - ab((i + 1) / 1000) / ab(i / 1000), 0.999) for i in range(1000)], dtype=np.float64)
    acp = np.cumprod(1.0 - betas)
    use = space_timesteps(1000, steps)
    last, nb = 1.0, []
    for i in use:
        nb.append(1 - acp[i] / last)
        last = acp[i]
    b = np.array(nb, dtype=np.float64)
    ac = np.cumprod(1.0 - b)
    acp_prev = np.append(1.0, ac[:-1])
    post_var = b * (1.0 - acp_prev) / (1.0 - ac)
    return DiffusionSchedule(
        timesteps=np.array(use, dtype=np.int64),
        sqrt_recip_alphas_cumprod=np.sqrt(1.0 / ac),
        sqrt_recipm1_alphas_cumprod=np.sqrt(1.0 / ac - 1),
        posterior_mean_coef1=b * np.sqrt(acp_prev) / (1.0 - ac),
        posterior_mean_coef2=(1.0 - acp_prev) * np.sqrt(1.0 - b) / (1.0 - ac),
        posterior_log_variance_clipped=np.log(np.append(post_var[1], post_var[1:])),
        log_betas=np.log(b), betas=b, alphas_cumprod=ac)


@dataclass(frozen=True)
class Schedule:
    """All per-configuration constants the sampler uses; serialised as schedule.json in a bundle."""
    patch_nums: tuple
    scales: list
    up: list
    down: list
    inv_freq_1d: np.ndarray
    inv_freq_2d: np.ndarray
    diffusion: DiffusionSchedule
    phi_ticks: np.ndarray

    @staticmethod
    def build(patch_nums, head_dim: int, phi_count: int) -> "Schedule":
        up, down = interp_matrices(patch_nums)
        f1, f2 = rope_inv_freq(head_dim)
        return Schedule(tuple(patch_nums), scale_table(patch_nums, phi_count), up, down, f1, f2,
                        diffusion_schedule(), phi_ticks(phi_count))

    def to_json(self) -> dict:
        return {"patch_nums": list(self.patch_nums), "scales": self.scales, "phi_ticks": self.phi_ticks.tolist(),
                "up": [m.tolist() for m in self.up], "down": [m.tolist() for m in self.down],
                "rope": {"inv_freq_1d": [float(x) for x in self.inv_freq_1d], "inv_freq_2d": [float(x) for x in self.inv_freq_2d]},
                "diffusion": self.diffusion.to_json()}

    @staticmethod
    def from_json(d: dict) -> "Schedule":
        df = d["diffusion"]
        arr = lambda k: np.array(df[k], dtype=np.float64)
        ds = DiffusionSchedule(np.array(df["timesteps"], dtype=np.int64), arr("sqrt_recip_alphas_cumprod"),
                               arr("sqrt_recipm1_alphas_cumprod"), arr("posterior_mean_coef1"), arr("posterior_mean_coef2"),
                               arr("posterior_log_variance_clipped"), arr("log_betas"), np.zeros(0), np.zeros(0))
        return Schedule(tuple(d["patch_nums"]), d["scales"], [np.array(m) for m in d["up"]], [np.array(m) for m in d["down"]],
                        np.array(d["rope"]["inv_freq_1d"], dtype=np.float32), np.array(d["rope"]["inv_freq_2d"], dtype=np.float32),
                        ds, np.array(d["phi_ticks"]))
