"""Parameters of a pose: the closed-form inverses of the parameterisations jacgen recognises, else a fit."""

from __future__ import annotations

import numpy as np

from .rotations import euler_xyz_angles, rotation_vector, twist


def _rotation_vector_translation(T):
    return np.concatenate([rotation_vector(np.ascontiguousarray(T[:3, :3])), T[:3, 3]])


def _euler_xyz_translation(T):
    return np.concatenate([euler_xyz_angles(T[:3, :3]), T[:3, 3]])


PARAMETERISATIONS = {
    "twist": lambda T: twist(np.ascontiguousarray(T, dtype=np.float64)),
    "rotation_vector+translation": _rotation_vector_translation,
    "euler_xyz+translation": _euler_xyz_translation,
}
"""Closed-form ``params_from_pose`` of the rigid-motion parameterisations jacgen recognises
(:func:`jacgen.parameterisation.recognise`), by the name a generated module's description gives."""


def invert_pose(parameterisation, pose_function, T, n_params: int) -> np.ndarray:
    """Parameters ``p`` with ``pose_function(p) = T``.

    The closed form of ``parameterisation`` when there is one; otherwise (``None``) a
    Levenberg-Marquardt fit of the pose's 12 entries from ``p = 0`` (scipy), which raises
    ``ValueError`` if it cannot reproduce ``T`` to 1e-9.
    """
    T = np.asarray(T, dtype=np.float64)
    if parameterisation is not None:
        return np.asarray(PARAMETERISATIONS[parameterisation](T), dtype=np.float64)
    from scipy.optimize import least_squares

    def residual(p):
        return (pose_function(p) - T)[:3].ravel()

    fit = least_squares(residual, np.zeros(n_params), method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    if not np.all(np.abs(residual(fit.x)) < 1e-9):
        raise ValueError("no parameter vector of this model reproduces the pose (numerical inverse failed)")
    return fit.x


__all__ = ["PARAMETERISATIONS", "invert_pose"]
