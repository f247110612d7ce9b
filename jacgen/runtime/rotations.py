"""Rotation conversions of the rigid-motion parameterisations (host side, float64).

Rodrigues' formula, the SE(3) exponential and their inverses are compiled with Numba (they
share ``phi_n`` with the kernels); Euler angles come from SciPy's :class:`~scipy.spatial.transform.Rotation`.
"""

from __future__ import annotations

import warnings

import numpy as np
from numba import njit

from .sinc import phi


@njit(cache=True)
def skew(w):
    """Cross-product matrix ``[w]_x``."""
    K = np.zeros((3, 3))
    K[0, 1], K[0, 2], K[1, 2] = -w[2], w[1], -w[0]
    K[1, 0], K[2, 0], K[2, 1] = w[2], -w[1], w[0]
    return K


@njit(cache=True)
def exp_parts(w):
    """``R = exp([w]_x)`` (Rodrigues) and the SE(3) left Jacobian ``V``, exact at ``w = 0``."""
    s = w[0] * w[0] + w[1] * w[1] + w[2] * w[2]
    K = skew(w)
    K2 = K @ K
    eye = np.eye(3)
    R = eye + phi(1, s) * K + phi(2, s) * K2
    V = eye + phi(2, s) * K + phi(3, s) * K2
    return R, V


@njit(cache=True)
def rotation_vector(R):
    """Rotation vector of ``R`` (angle in [0, pi]): the inverse of Rodrigues' formula."""
    cos_t = min(max((R[0, 0] + R[1, 1] + R[2, 2] - 1.0) / 2.0, -1.0), 1.0)
    t = np.arccos(cos_t)
    w = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]])
    if t < 1e-4:
        return 0.5 * (1.0 + t * t / 6.0) * w
    if np.pi - t < 1e-4:
        # near pi: axis from the symmetric part
        B = (R + np.eye(3)) / 2.0
        axis = np.sqrt(np.maximum(np.diag(B).copy(), 0.0))
        k = int(np.argmax(axis))
        axis = B[k].copy() / max(axis[k], 1e-300)
        axis /= np.sqrt(np.sum(axis * axis))
        if np.sum(axis * w) < 0:
            axis = -axis
        return t * axis
    return t / (2.0 * np.sin(t)) * w


@njit(cache=True)
def twist(T):
    """Twist ``(omega, v)`` with ``exp(xi^) = T``: the SE(3) logarithm."""
    w = rotation_vector(T[:3, :3].copy())
    _, V = exp_parts(w)
    out = np.empty(6)
    out[:3] = w
    out[3:] = np.linalg.solve(V, T[:3, 3].copy())
    return out


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
