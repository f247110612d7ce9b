"""Exp/log maps of the solver (Numba) against SciPy's rotations and the high-precision phi reference."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

from jacgen.runtime.sinc import phi, phi_body
from solver.core import lie

MAGNITUDES = [0.0, 1e-12, 1e-6, 1e-3, 0.5, 2.0, 3.1]


@pytest.mark.parametrize("mag", MAGNITUDES)
def test_so3_and_se3_maps(mag):
    rng = np.random.default_rng(int(mag * 1000) + 1)
    for _ in range(10):
        axis = rng.normal(size=3)
        r = axis / np.linalg.norm(axis) * mag
        R = lie.so3_exp(r)
        np.testing.assert_allclose(R, Rotation.from_rotvec(r).as_matrix(), atol=1e-15)
        np.testing.assert_allclose(lie.so3_log(R), r, atol=1e-12)
        xi = np.r_[r, rng.normal(size=3)]
        T = lie.se3_exp(xi)
        assert np.isfinite(T).all() and np.allclose(T[3], [0, 0, 0, 1])
        np.testing.assert_allclose(lie.se3_log(T), xi, atol=1e-11)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_numba_phi_matches_reference(n):
    for s in (0.0, 1e-10, 0.3, 3.99, 4.01, 9.0, 30.0):  # compiled against the plain-Python body
        assert phi(n, s) == pytest.approx(phi_body(n, s), rel=1e-14, abs=1e-16)
