"""Sources of the sampler's random draws: portable (hart-rng-v1), greedy (tests), replay (fixtures)."""
from __future__ import annotations

from typing import Protocol, Sequence

import numpy as np

from . import rng


class Draws(Protocol):
    greedy: bool

    def token_uniforms(self, b: int, k: int, n: int) -> np.ndarray: ...          # [n] float64
    def exp_draws(self, b: int, k: int, n: int, V: int) -> np.ndarray: ...        # [n, V] float64
    def diff_init(self, b: int, count: int) -> np.ndarray: ...                    # [count] float32
    def diff_step(self, b: int, step: int, count: int) -> np.ndarray: ...         # [count] float32


class PortableDraws:
    """hart-rng-v1 draws, one seed per image; ``branch`` = (scale k, new seeds): scales >= k and the
    diffusion use the new seeds, scales < k keep the original ones; ``parents`` = the original's own
    branch points, nearest first, as (scale j, seeds): when the original was itself a branch from j,
    its scales < j used those seeds, and so on down the chain (docs/RNG.md; Branch.seedAt in Java)."""
    greedy = False

    def __init__(self, seeds: Sequence[int], branch: tuple[int, Sequence[int]] | None = None,
                 parents: Sequence[tuple[int, Sequence[int]]] = ()):
        self.seeds = list(seeds)
        self.branch = branch
        self.parents = list(parents)

    def _seed(self, b: int, k: int | None) -> int:
        if self.branch is not None and (k is None or k >= self.branch[0]):
            return self.branch[1][b]
        seed = self.seeds[b]
        for j, seeds in self.parents:
            if k is None or k >= j:
                break
            seed = seeds[b]
        return seed

    def token_uniforms(self, b, k, n):
        return rng.token_uniforms(self._seed(b, k), k, n)

    def exp_draws(self, b, k, n, V):
        return rng.exp_draws(self._seed(b, k), k, n, V)

    def diff_init(self, b, count):
        return rng.normals(self._seed(b, None), rng.DIFF_INIT, 0, count)

    def diff_step(self, b, step, count):
        return rng.normals(self._seed(b, None), rng.DIFF_STEP, step, count)


class GreedyDraws:
    """argmax tokens, zero Gumbel noise (q = 1), zero diffusion noise."""
    greedy = True

    def token_uniforms(self, b, k, n):
        return np.zeros(n)

    def exp_draws(self, b, k, n, V):
        return np.ones((n, V))

    def diff_init(self, b, count):
        return np.zeros(count, np.float32)

    def diff_step(self, b, step, count):
        return np.zeros(count, np.float32)


class ReplayDraws:
    """The exact draws stored by the official-code fixtures (fixture README section 4)."""
    greedy = False

    def __init__(self, folder, B: int, L: int, smooth: bool):
        from pathlib import Path
        self.f, self.B, self.L, self.smooth = Path(folder), B, L, smooth

    def token_uniforms(self, b, k, n):
        return np.load(self.f / f"uniforms_s{k:02d}.npy")[b]

    def exp_draws(self, b, k, n, V):
        return np.load(self.f / f"exp_draws_s{k:02d}.npy")[b].astype(np.float32).astype(np.float64)

    def diff_init(self, b, count):
        return np.load(self.f / "diff_noise_init.npy")[b * self.L:(b + 1) * self.L].reshape(-1)

    def diff_step(self, b, step, count):
        return np.load(self.f / "diff_noise_steps.npy")[7 - step][b * self.L:(b + 1) * self.L].reshape(-1)
