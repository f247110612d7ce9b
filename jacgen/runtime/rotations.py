"""Rotation conversions of the rigid-motion parameterisations (host side, float64).

Plain Python on 3 x 3 matrices: these run a few times per call, so compiling them would cost a
new machine seconds for microseconds saved. Rodrigues' formula and the SE(3) left Jacobian use
``phi_n`` (:func:`~jacgen.runtime.sinc.phi_body`, the kernels' own series); the logarithms are
:func:`~jacgen.runtime.pose_params.pose_params_body`, the scalar code the CUDA pipeline compiles,
so host and device invert a pose with the same formulas. Euler angles come from SciPy's
:class:`~scipy.spatial.transform.Rotation`.
"""

from __future__ import annotations

import warnings

import numpy as np

from .pose_params import PARAMETERISATION_IDS, pose_params_body
from .sinc import SERIES_THRESHOLD, phi_body, phi_series_coefficients


def skew(w) -> np.ndarray:
    """Cross-product matrix ``[w]_x``."""
    w0, w1, w2 = float(w[0]), float(w[1]), float(w[2])
    return np.array([[0.0, -w2, w1], [w2, 0.0, -w0], [-w1, w0, 0.0]])


def _phi(n: int, s: float) -> float:
    """:func:`~jacgen.runtime.sinc.phi_body` on Python floats (the same operations; its series 5x faster here)."""
    if s > SERIES_THRESHOLD:
        return float(phi_body(n, s))
    acc = 0.0
    for c in reversed(phi_series_coefficients(n)):
        acc = acc * s + c
    return acc


def exp_parts(w) -> tuple[np.ndarray, np.ndarray]:
    """``R = exp([w]_x)`` (Rodrigues) and the SE(3) left Jacobian ``V``, exact at ``w = 0``."""
    K = skew(w)
    s = float(K[2, 1] * K[2, 1] + K[0, 2] * K[0, 2] + K[1, 0] * K[1, 0])
    K2 = K @ K
    eye = np.eye(3)
    a, b, c = (_phi(n, s) for n in (1, 2, 3))
    return eye + a * K + b * K2, eye + b * K + c * K2


def _pose_entries(R, t=(0.0, 0.0, 0.0)) -> np.ndarray:
    """The 12 row-major entries of ``[R t]``, as :func:`pose_params_body` reads them."""
    T = np.empty((3, 4))
    T[:, :3] = np.asarray(R, dtype=np.float64)[:3, :3]
    T[:, 3] = t
    return T.ravel()


def rotation_vector(R) -> np.ndarray:
    """Rotation vector of ``R`` (angle in [0, pi]): the inverse of Rodrigues' formula."""
    out = [0.0] * 6  # Python floats: the scalar code runs 3x faster on them than on NumPy's scalars
    pose_params_body(PARAMETERISATION_IDS["rotation_vector+translation"], _pose_entries(R).tolist(), out)
    return np.array(out[:3])


def twist(T) -> np.ndarray:
    """Twist ``(omega, v)`` with ``exp(xi^) = T``: the SE(3) logarithm."""
    T = np.asarray(T, dtype=np.float64)
    out = [0.0] * 6
    pose_params_body(PARAMETERISATION_IDS["twist"], _pose_entries(T[:3, :3], T[:3, 3]).tolist(), out)
    return np.array(out)


def euler_xyz_angles(R) -> np.ndarray:
    """Angles ``(a, b, c)`` with ``Rx(a) Ry(b) Rz(c) = R`` (``b`` in [-pi/2, pi/2]; intrinsic ``"XYZ"``).

    SciPy's conversion, through the quaternion of the rotation nearest ``R``: the angles reproduce
    ``R`` to about 1e-15 up to gimbal lock. Within 1e-7 of it (``|b|`` near pi/2) SciPy sets
    ``c = 0`` (its warning is silenced), which is off by about twice that distance.
    """
    from scipy.spatial.transform import Rotation  # imported here: loading it takes longer than a kernel module

    rotation = Rotation.from_matrix(np.asarray(R, dtype=np.float64))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Gimbal lock", UserWarning)
        return rotation.as_euler("XYZ")


__all__ = ["euler_xyz_angles", "exp_parts", "rotation_vector", "skew", "twist"]
