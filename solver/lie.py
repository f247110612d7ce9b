"""Rotations and rigid motions in NumPy: exp/log maps and the built-in models' parameterisations."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from jacgen.special import SERIES_TERMS, SERIES_THRESHOLD


def skew(w: np.ndarray) -> np.ndarray:
    """Cross-product matrix ``[w]_x``."""
    return np.array([[0.0, -w[2], w[1]], [w[2], 0.0, -w[0]], [-w[1], w[0], 0.0]])


@njit(cache=True)
def _phi(n: int, s: float) -> float:
    """``phi_n(s)`` (see :mod:`jacgen.special`): series for ``s <= SERIES_THRESHOLD``, else closed form."""
    if s <= SERIES_THRESHOLD:
        c = 1.0
        for k in range(2, n + 1):
            c /= k
        acc, power = 0.0, 1.0
        for k in range(SERIES_TERMS):
            acc += c * power
            power *= s
            c = -c / ((2 * k + n + 1) * (2 * k + n + 2))
        return acc
    t = np.sqrt(s)
    value = np.cos(t) if n % 2 == 0 else np.sin(t) / t
    inv_fact = 1.0
    for k in range(n % 2, n - 1, 2):
        inv_fact = 1.0
        for j in range(2, k + 1):
            inv_fact /= j
        value = (inv_fact - value) / s
    return value


@njit(cache=True)
def _skew(w):
    K = np.zeros((3, 3))
    K[0, 1], K[0, 2], K[1, 2] = -w[2], w[1], -w[0]
    K[1, 0], K[2, 0], K[2, 1] = w[2], -w[1], w[0]
    return K


@njit(cache=True)
def _exp_parts(w):
    """``R = exp([w]_x)`` and the SE(3) left Jacobian ``V``."""
    s = w[0] * w[0] + w[1] * w[1] + w[2] * w[2]
    K = _skew(w)
    K2 = K @ K
    eye = np.eye(3)
    R = eye + _phi(1, s) * K + _phi(2, s) * K2
    V = eye + _phi(2, s) * K + _phi(3, s) * K2
    return R, V


@njit(cache=True)
def _so3_log(R):
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
def _se3_exp(xi):
    R, V = _exp_parts(xi[:3].copy())
    T = np.eye(4)
    T[:3, :3] = R
    T[:3, 3] = V @ xi[3:6].copy()
    return T


@njit(cache=True)
def _se3_log(T):
    w = _so3_log(T[:3, :3].copy())
    _, V = _exp_parts(w)
    out = np.empty(6)
    out[:3] = w
    out[3:] = np.linalg.solve(V, T[:3, 3].copy())
    return out


def so3_exp(r: np.ndarray) -> np.ndarray:
    """Rotation matrix of the rotation vector ``r`` (Rodrigues), exact at ``r = 0``."""
    return _exp_parts(np.asarray(r, dtype=np.float64)[:3].copy())[0]


def so3_log(R: np.ndarray) -> np.ndarray:
    """Rotation vector of ``R`` (angle in [0, pi])."""
    return _so3_log(np.ascontiguousarray(R, dtype=np.float64)[:3, :3].copy())


def se3_exp(xi: np.ndarray) -> np.ndarray:
    """4x4 ``exp(xi^)`` for the twist ``xi = (omega, v)``."""
    return _se3_exp(np.ascontiguousarray(xi, dtype=np.float64)[:6])


def se3_log(T: np.ndarray) -> np.ndarray:
    """Twist ``(omega, v)`` with ``se3_exp(xi) == T``."""
    return _se3_log(np.ascontiguousarray(T, dtype=np.float64))


def se3_inverse(T: np.ndarray) -> np.ndarray:
    """Inverse of a rigid 4x4 transform (``R^T``, ``-R^T t``)."""
    out = np.eye(4)
    out[:3, :3] = T[:3, :3].T
    out[:3, 3] = -T[:3, :3].T @ T[:3, 3]
    return out


def euler_xyz_matrix(a: float, b: float, c: float) -> np.ndarray:
    """``Rx(a) @ Ry(b) @ Rz(c)``."""
    ca, sa, cb, sb, cc, sc = math.cos(a), math.sin(a), math.cos(b), math.sin(b), math.cos(c), math.sin(c)
    Rx = np.array([[1, 0, 0], [0, ca, -sa], [0, sa, ca]])
    Ry = np.array([[cb, 0, sb], [0, 1, 0], [-sb, 0, cb]])
    Rz = np.array([[cc, -sc, 0], [sc, cc, 0], [0, 0, 1]])
    return Rx @ Ry @ Rz


def euler_xyz_angles(R: np.ndarray) -> np.ndarray:
    """Angles ``(a, b, c)`` with ``euler_xyz_matrix(a, b, c) == R`` (``b`` in [-pi/2, pi/2])."""
    b = math.asin(float(np.clip(R[0, 2], -1.0, 1.0)))
    a = math.atan2(-R[1, 2], R[2, 2])
    c = math.atan2(-R[0, 1], R[0, 0])
    return np.array([a, b, c])


def pose_from_params(model: str, params: np.ndarray) -> np.ndarray:
    """4x4 pose of a built-in model's parameter vector ``(r1, r2, r3, t1, t2, t3)``."""
    params = np.asarray(params, float)
    if model == "se3":
        return se3_exp(params)
    T = np.eye(4)
    T[:3, :3] = so3_exp(params[:3]) if model == "rodrigues" else euler_xyz_matrix(*params[:3])
    T[:3, 3] = params[3:6]
    if model not in ("rodrigues", "euler_xyz"):
        raise ValueError(f"unknown model {model!r}")
    return T


def params_from_pose(model: str, T: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pose_from_params`."""
    if model == "se3":
        return se3_log(T)
    if model == "rodrigues":
        return np.concatenate([so3_log(T[:3, :3]), T[:3, 3]])
    if model == "euler_xyz":
        return np.concatenate([euler_xyz_angles(T[:3, :3]), T[:3, 3]])
    raise ValueError(f"unknown model {model!r}")


def pose_error(T_est: np.ndarray, T_true: np.ndarray) -> tuple[float, float]:
    """Translation (m) and rotation (deg) error of ``inv(T_true) @ T_est``."""
    E = np.linalg.inv(T_true) @ T_est
    angle = math.degrees(float(np.linalg.norm(so3_log(E[:3, :3]))))
    return float(np.linalg.norm(E[:3, 3])), angle


def quaternion_from_matrix(R: np.ndarray) -> np.ndarray:
    """Unit quaternion ``(qx, qy, qz, qw)`` of a rotation matrix (TUM order, ``qw >= 0``)."""
    w = so3_log(R)
    t = float(np.linalg.norm(w))
    axis = w / t if t > 0 else np.zeros(3)
    q = np.concatenate([axis * math.sin(t / 2.0), [math.cos(t / 2.0)]])
    return q if q[3] >= 0 else -q


def matrix_from_quaternion(q) -> np.ndarray:
    """Rotation matrix of ``(qx, qy, qz, qw)``."""
    x, y, z, w = np.asarray(q, float) / np.linalg.norm(q)
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )
