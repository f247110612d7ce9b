"""Parameters of a 3 x 4 pose in scalar code: the closed-form inverses, compiled for the host and the device.

:func:`pose_params_body` is plain Python on scalars (no NumPy allocation), compiled here with
``njit`` (:func:`pose_params`) and as a CUDA device function by
:mod:`jacgen.backends.cuda_runtime`; a generated CUDA align module binds it to its own
parameterisation (``params_from_pose_device``). It computes what
:data:`jacgen.runtime.poses.PARAMETERISATIONS` computes on the host: the SE(3) logarithm
(:func:`~jacgen.runtime.rotations.twist`), the rotation vector
(:func:`~jacgen.runtime.rotations.rotation_vector`) and the XYZ Euler angles (from the matrix, in
closed form; SciPy's through a quaternion agree to about 1e-15 away from gimbal lock).
"""

from __future__ import annotations

import math

from numba import njit

PARAMETERISATION_IDS = {"twist": 0, "rotation_vector+translation": 1, "euler_xyz+translation": 2}
"""Id of each closed-form parameterisation (the ``kind`` of :func:`pose_params_body`)."""

SMALL_ANGLE = 1e-4
"""Below this angle (and this close to pi) the rotation vector takes its series / symmetric-part branch."""

SERIES_S = 1e-2
"""Below this squared angle the SE(3) logarithm's ``V^-1`` coefficient uses its Taylor series."""


def pose_params_body(kind, T, out):
    """Parameters of the pose ``T`` (12 float64 entries, row-major ``[R t]``) into ``out``.

    ``kind`` (a constant at every call site): 0 the twist ``(omega, v)`` with ``exp(xi^) = T``;
    1 the rotation vector then ``t``; 2 the XYZ Euler angles ``(a, b, c)`` with
    ``Rx(a) Ry(b) Rz(c) = R`` (``b`` in [-pi/2, pi/2]) then ``t``.
    """
    tx, ty, tz = T[3], T[7], T[11]
    if kind == 2:
        out[0] = math.atan2(-T[6], T[10])
        out[1] = math.atan2(T[2], math.sqrt(T[0] * T[0] + T[1] * T[1]))
        out[2] = math.atan2(-T[1], T[0])
        out[3], out[4], out[5] = tx, ty, tz
        return
    cos_t = min(max((T[0] + T[5] + T[10] - 1.0) / 2.0, -1.0), 1.0)
    t = math.acos(cos_t)
    w0, w1, w2 = T[9] - T[6], T[2] - T[8], T[4] - T[1]
    if t < SMALL_ANGLE:
        f = 0.5 * (1.0 + t * t / 6.0)
        w0, w1, w2 = f * w0, f * w1, f * w2
    elif math.pi - t < SMALL_ANGLE:
        # near pi: the axis from the symmetric part B = (R + I) / 2, its largest diagonal entry's row
        d0 = math.sqrt(max((T[0] + 1.0) / 2.0, 0.0))
        d1 = math.sqrt(max((T[5] + 1.0) / 2.0, 0.0))
        d2 = math.sqrt(max((T[10] + 1.0) / 2.0, 0.0))
        k, dk = 0, d0
        if d1 > dk:
            k, dk = 1, d1
        if d2 > dk:
            k, dk = 2, d2
        dk = max(dk, 1e-300)
        a0 = (T[4 * k] + (1.0 if k == 0 else 0.0)) / 2.0 / dk
        a1 = (T[4 * k + 1] + (1.0 if k == 1 else 0.0)) / 2.0 / dk
        a2 = (T[4 * k + 2] + (1.0 if k == 2 else 0.0)) / 2.0 / dk
        norm = math.sqrt(a0 * a0 + a1 * a1 + a2 * a2)
        a0, a1, a2 = a0 / norm, a1 / norm, a2 / norm
        if a0 * w0 + a1 * w1 + a2 * w2 < 0.0:
            a0, a1, a2 = -a0, -a1, -a2
        w0, w1, w2 = t * a0, t * a1, t * a2
    else:
        f = t / (2.0 * math.sin(t))
        w0, w1, w2 = f * w0, f * w1, f * w2
    out[0], out[1], out[2] = w0, w1, w2
    if kind == 1:
        out[3], out[4], out[5] = tx, ty, tz
        return
    # v = V^-1 t, V^-1 = I - K / 2 + beta K^2 (K = [w]_x, K^2 = w w^T - s I)
    s = w0 * w0 + w1 * w1 + w2 * w2
    if s < SERIES_S:
        beta = 1.0 / 12.0 + s * (1.0 / 720.0 + s * (1.0 / 30240.0 + s / 1209600.0))
    else:
        half = 0.5 * math.sqrt(s)
        beta = (1.0 - half * math.cos(half) / math.sin(half)) / s
    wt = w0 * tx + w1 * ty + w2 * tz
    out[3] = tx - 0.5 * (w1 * tz - w2 * ty) + beta * (w0 * wt - s * tx)
    out[4] = ty - 0.5 * (w2 * tx - w0 * tz) + beta * (w1 * wt - s * ty)
    out[5] = tz - 0.5 * (w0 * ty - w1 * tx) + beta * (w2 * wt - s * tz)


pose_params = njit(cache=True)(pose_params_body)
""":func:`pose_params_body` compiled for the host (``pose_params(kind, T, out)``)."""


__all__ = ["PARAMETERISATION_IDS", "pose_params", "pose_params_body"]
