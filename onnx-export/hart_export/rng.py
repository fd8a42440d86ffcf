"""hart-rng-v1: the portable counter-based random numbers (spec: docs/RNG.md).

Every draw is a pure function of (seed, purpose, sub, index); Java implements the same
functions in ``dev.hartstudio.engine.rng.PortableRng``.
"""
from __future__ import annotations

import numpy as np

NAME = "hart-rng-v1"
GOLDEN = 0x9E3779B97F4A7C15
_M1 = 0xBF58476D1CE4E5B9
_M2 = 0x94D049BB133111EB
_MASK = (1 << 64) - 1

TOKEN, GUMBEL, DIFF_INIT, DIFF_STEP = 1, 2, 3, 4


def mix64(z: int) -> int:
    """SplitMix64 finaliser on one Python int (mod 2^64)."""
    z &= _MASK
    z = ((z ^ (z >> 30)) * _M1) & _MASK
    z = ((z ^ (z >> 27)) * _M2) & _MASK
    return z ^ (z >> 31)


def key(seed: int, purpose: int, sub: int) -> int:
    """Stream key of (seed, purpose, sub)."""
    if seed < 0 or seed >= 1 << 63:
        raise ValueError(f"seed must be in [0, 2^63), got {seed}")
    return mix64((mix64(seed ^ ((purpose * GOLDEN) & _MASK)) + (sub + 1) * GOLDEN) & _MASK)


def _mix64_np(z: np.ndarray) -> np.ndarray:
    z = (z ^ (z >> np.uint64(30))) * np.uint64(_M1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(_M2)
    return z ^ (z >> np.uint64(31))


def words(k: int, start: int, count: int) -> np.ndarray:
    """word(k, i) for i = start .. start+count-1, as uint64."""
    i = np.arange(start + 1, start + count + 1, dtype=np.uint64)
    with np.errstate(over="ignore"):
        return _mix64_np(np.uint64(k) + i * np.uint64(GOLDEN))


def u53(w: np.ndarray) -> np.ndarray:
    return (w >> np.uint64(11)).astype(np.float64) * (2.0 ** -53)


def uopen(w: np.ndarray) -> np.ndarray:
    return ((w >> np.uint64(12)).astype(np.float64) + 0.5) * (2.0 ** -52)


def token_uniforms(seed: int, scale: int, count: int) -> np.ndarray:
    """[count] float64 uniforms in [0,1) for the categorical draws of one scale."""
    return u53(words(key(seed, TOKEN, scale), 0, count))


def exp_draws(seed: int, scale: int, tokens: int, vocab: int) -> np.ndarray:
    """[tokens, vocab] float64 Exp(1) draws for the Gumbel noise of one scale."""
    w = words(key(seed, GUMBEL, scale), 0, tokens * vocab)
    return (-np.log(uopen(w))).reshape(tokens, vocab)


def normals(seed: int, purpose: int, sub: int, count: int) -> np.ndarray:
    """[count] float32 standard normals (Box-Muller on two open uniforms each)."""
    w = words(key(seed, purpose, sub), 0, 2 * count)
    u1 = uopen(w[0::2])
    u2 = uopen(w[1::2])
    return (np.sqrt(-2.0 * np.log(u1)) * np.cos(2.0 * np.pi * u2)).astype(np.float32)


def categorical(logits_masked: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Inverse-CDF draw per row. logits_masked [N, V] float32 (masked = -inf), u [N] float64."""
    z = logits_masked.astype(np.float64)
    m = z.max(axis=1, keepdims=True)
    w = np.exp(z - m)  # exp(-inf) = 0
    c = np.cumsum(w, axis=1)
    thr = u * c[:, -1]
    return (c <= thr[:, None]).sum(axis=1).astype(np.int64)
