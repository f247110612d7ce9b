"""Rotations and rigid motions in NumPy: exp/log maps, inverses and errors.

The numerics of SO(3) / SE(3) (Rodrigues' formula, the left Jacobian, the logarithms) are those of
:mod:`jacgen.runtime`, the generated modules' own; a model's parameterisation is its generated
module's business (``pose`` / ``params_from_pose``, reached through :func:`pose_from_params` and
:func:`params_from_pose` here).
"""

from __future__ import annotations

import math

import numpy as np

from jacgen.runtime.rotations import exp_parts, rotation_vector, twist


def so3_exp(r: np.ndarray) -> np.ndarray:
    """Rotation matrix of the rotation vector ``r`` (Rodrigues), exact at ``r = 0``."""
    return exp_parts(np.asarray(r, dtype=np.float64)[:3].copy())[0]


def so3_log(R: np.ndarray) -> np.ndarray:
    """Rotation vector of ``R`` (angle in [0, pi])."""
    return rotation_vector(np.ascontiguousarray(R, dtype=np.float64)[:3, :3].copy())


def se3_exp(xi: np.ndarray) -> np.ndarray:
    """4x4 ``exp(xi^)`` for the twist ``xi = (omega, v)``."""
    xi = np.asarray(xi, dtype=np.float64)
    R, V = exp_parts(xi[:3])
    T = np.eye(4)
    T[:3, :3] = R
    T[:3, 3] = V @ xi[3:6]
    return T


def se3_log(T: np.ndarray) -> np.ndarray:
    """Twist ``(omega, v)`` with ``se3_exp(xi) == T``."""
    return twist(np.ascontiguousarray(T, dtype=np.float64))


def se3_inverse(T: np.ndarray) -> np.ndarray:
    """Inverse of a rigid 4x4 transform (``R^T``, ``-R^T t``)."""
    out = np.eye(4)
    out[:3, :3] = T[:3, :3].T
    out[:3, 3] = -T[:3, :3].T @ T[:3, 3]
    return out


def pose_from_params(model, params: np.ndarray) -> np.ndarray:
    """4x4 pose of ``model``'s parameter vector (its generated module's ``pose``).

    ``model``: a built-in name (:func:`jacgen.models`) or a :func:`jacgen.build_model` handle.
    """
    from solver.core.model import align_model

    return align_model(model).pose(params)


def params_from_pose(model, T: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pose_from_params` (the generated module's ``params_from_pose``)."""
    from solver.core.model import align_model

    return align_model(model).params_from_pose(T)


def pose_error(T_est: np.ndarray, T_true: np.ndarray) -> tuple[float, float]:
    """Translation (m) and rotation (deg) error of ``inv(T_true) @ T_est``."""
    E = np.linalg.inv(T_true) @ T_est
    angle = math.degrees(float(np.linalg.norm(so3_log(E[:3, :3]))))
    return float(np.linalg.norm(E[:3, 3])), angle
