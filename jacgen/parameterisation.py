"""Recognise a rigid motion's parameterisation, so generated modules can name a closed-form inverse.

A model built with :func:`jacgen.define_model` (``motion=...``) states ``R(p)`` and ``t(p)``; the
aligner also needs ``p`` from a pose (initial guesses, reported parameters). When the motion is
one jacgen knows (compared numerically at generic parameter values, 30 digits), the generated
module's description names it and its ``params_from_pose`` uses the closed form
(:func:`jacgen.runtime.poses.invert_pose`); otherwise it inverts the generated ``pose`` function numerically.
"""

from __future__ import annotations

import sympy as sp

from .builtin import euler_xyz_matrix, rodrigues_matrix, se3_exp
from .model import WarpModel

KNOWN = {
    "twist": lambda p: se3_exp(p[:3], p[3:]),
    "rotation_vector+translation": lambda p: (rodrigues_matrix(p[:3]), sp.Matrix(p[3:])),
    "euler_xyz+translation": lambda p: (euler_xyz_matrix(*p[:3]), sp.Matrix(p[3:])),
}
"""Parameterisations of ``(r1, r2, r3, t1, t2, t3)`` with a closed-form inverse in :mod:`jacgen.runtime.poses`."""


def _same(a: sp.Matrix, b: sp.Matrix, values: dict) -> bool:
    difference = (sp.Matrix(a) - sp.Matrix(b)).xreplace(values).evalf(30)
    return all(abs(e) < 1e-20 for e in difference)


def recognise(model: WarpModel) -> str | None:
    """Name of the known parameterisation of ``model.motion``, or ``None``."""
    motion = model.motion
    if motion is None or len(model.params) != 6:
        return None
    p = model.params
    samples = [{s: sp.Rational(2 * k + 3 + j, 7 * k + 11 + 3 * j) for k, s in enumerate(p)} for j in range(2)]
    for name, build in KNOWN.items():
        R, t = build(p)
        if all(_same(motion.rotation, R, v) and _same(motion.translation, t, v) for v in samples):
            return name
    return None
