"""Host-side sampler arithmetic that must be bit-identical to the Java engine's."""
from pathlib import Path

import numpy as np

from hart_export.sample import area

TIE = Path(__file__).resolve().parents[2] / "src/test/resources/area-tie"


def test_area_rounds_the_tie_case_exactly_as_the_java_engine():
    # scale 3 of HART-tiny, "a red circle", seed 7, CFG 4.5: tokens.npy is the Java engine's output
    # (SamplerMathTest reads the same files); an einsum/BLAS order rounds one element the other way
    f, down, want = (np.load(TIE / n) for n in ("fhat.npy", "down.npy", "tokens.npy"))
    got = area(f, down)
    assert got.dtype == np.float32
    assert np.array_equal(got.view(np.uint32), want.view(np.uint32))


def test_area_is_exact_on_dyadic_averages():
    P, p = 8, 4
    D = np.zeros((p, P))
    for i in range(p):
        D[i, 2 * i:2 * i + 2] = 0.5
    f = np.arange(2 * 3 * P * P, dtype=np.float32).reshape(2, 3, P, P)
    got = area(f, D)
    want = f.reshape(2, 3, p, 2, p, 2).mean(axis=(3, 5)).transpose(0, 2, 3, 1).reshape(2, p * p, 3)
    np.testing.assert_array_equal(got, want)
