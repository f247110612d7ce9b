"""Built-in 6-DOF warps: rigid motion of a 3-D point followed by pinhole projection.

Parameter order is ``(r1, r2, r3, t1, t2, t3)`` for every model; the point is ``(X, Y, Z)`` and the
constants are the intrinsics ``(fx, fy, cx, cy)``. Outputs are pixel coordinates
``u = fx * x / z + cx`` and ``v = fy * y / z + cy`` of ``(x, y, z) = R X + t``.
"""

from __future__ import annotations

import sympy as sp

from .model import WarpModel, define_model
from .special import Phi


def skew(w) -> sp.Matrix:
    """Cross-product matrix ``[w]_x`` with ``[w]_x v = w x v``."""
    return sp.Matrix([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])


def rodrigues_matrix(r) -> sp.Matrix:
    """``R = I + phi1(|r|^2) [r]_x + phi2(|r|^2) [r]_x^2`` (Rodrigues' formula, smooth at 0)."""
    s = r[0] ** 2 + r[1] ** 2 + r[2] ** 2
    K = skew(r)
    return sp.eye(3) + Phi(1, s) * K + Phi(2, s) * K * K


def se3_exp(omega, v) -> tuple[sp.Matrix, sp.Matrix]:
    """Rotation and translation of ``exp([omega, v]^)`` (rotation first), smooth at 0."""
    s = omega[0] ** 2 + omega[1] ** 2 + omega[2] ** 2
    K = skew(omega)
    V = sp.eye(3) + Phi(2, s) * K + Phi(3, s) * K * K
    return rodrigues_matrix(omega), V * sp.Matrix(v)


def euler_xyz_matrix(a, b, c) -> sp.Matrix:
    """``Rx(a) @ Ry(b) @ Rz(c)`` with right-handed elementary rotations, angles in radians."""
    Rx = sp.Matrix([[1, 0, 0], [0, sp.cos(a), -sp.sin(a)], [0, sp.sin(a), sp.cos(a)]])
    Ry = sp.Matrix([[sp.cos(b), 0, sp.sin(b)], [0, 1, 0], [-sp.sin(b), 0, sp.cos(b)]])
    Rz = sp.Matrix([[sp.cos(c), -sp.sin(c), 0], [sp.sin(c), sp.cos(c), 0], [0, 0, 1]])
    return Rx * Ry * Rz


def pinhole_model(name: str, rigid, description: str, zero_specialisation: bool = False) -> WarpModel:
    """Model projecting ``rigid(params) -> (R, t)`` applied to ``(X, Y, Z)`` through ``K``."""

    def projection(q, c):
        fx, fy, cx, cy = c
        return (fx * q[0] / q[2] + cx, fy * q[1] / q[2] + cy)

    return define_model(
        name,
        params="r1 r2 r3 t1 t2 t3",
        point="X Y Z",
        constants="fx fy cx cy",
        motion=rigid,
        projection=projection,
        valid=lambda q, c: q[2],
        positive_constants="fx fy",
        zero_specialisation=zero_specialisation,
        description=description,
        output_names=("u", "v"),
    )


def builtin_models() -> dict[str, WarpModel]:
    """The models shipped in ``generated/``, by name."""
    models = [
        pinhole_model(
            "rodrigues",
            lambda p: (rodrigues_matrix(p[:3]), p[3:]),
            "R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection",
        ),
        pinhole_model(
            "euler_xyz",
            lambda p: (euler_xyz_matrix(*p[:3]), p[3:]),
            "R = Rx(r1) Ry(r2) Rz(r3), t = (t1, t2, t3); pinhole projection",
        ),
        pinhole_model(
            "se3",
            lambda p: se3_exp(p[:3], p[3:]),
            "T = exp(xi^), xi = (omega, v) = (r1, r2, r3, t1, t2, t3); pinhole projection",
            zero_specialisation=True,
        ),
    ]
    return {m.name: m for m in models}
