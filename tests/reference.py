"""Independent high-precision reference warps (mpmath), written without the generator's code."""

from __future__ import annotations

import mpmath as mp

DPS = 60


def _rodrigues(r):
    theta = mp.sqrt(r[0] ** 2 + r[1] ** 2 + r[2] ** 2)
    if theta == 0:
        return mp.eye(3)
    k = mp.matrix([r[0] / theta, r[1] / theta, r[2] / theta])
    K = mp.matrix([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return mp.eye(3) + mp.sin(theta) * K + (1 - mp.cos(theta)) * (K * K)


def _euler_xyz(a, b, c):
    Rx = mp.matrix([[1, 0, 0], [0, mp.cos(a), -mp.sin(a)], [0, mp.sin(a), mp.cos(a)]])
    Ry = mp.matrix([[mp.cos(b), 0, mp.sin(b)], [0, 1, 0], [-mp.sin(b), 0, mp.cos(b)]])
    Rz = mp.matrix([[mp.cos(c), -mp.sin(c), 0], [mp.sin(c), mp.cos(c), 0], [0, 0, 1]])
    return Rx * Ry * Rz


def _se3(xi):
    # exp of the 4x4 twist matrix by mpmath's own matrix exponential (no closed form shared).
    w, v = xi[:3], xi[3:]
    A = mp.matrix([[0, -w[2], w[1], v[0]], [w[2], 0, -w[0], v[1]], [-w[1], w[0], 0, v[2]], [0, 0, 0, 0]])
    T = mp.expm(A)
    R = mp.matrix([[T[i, j] for j in range(3)] for i in range(3)])
    return R, mp.matrix([T[0, 3], T[1, 3], T[2, 3]])


def rigid(model: str, p):
    """``(R, t)`` of a built-in model at parameters ``p`` (mpf values)."""
    if model == "rodrigues":
        return _rodrigues(p[:3]), mp.matrix(p[3:])
    if model == "euler_xyz":
        return _euler_xyz(*p[:3]), mp.matrix(p[3:])
    if model == "se3":
        return _se3(p)
    raise ValueError(model)


def project(model: str, p, X, K):
    """Pixel coordinates of point ``X`` under ``model`` at ``p`` with intrinsics ``K``."""
    R, t = rigid(model, p)
    q = R * mp.matrix(X) + t
    fx, fy, cx, cy = K
    return [fx * q[0] / q[2] + cx, fy * q[1] / q[2] + cy]


def jacobian_fd(model: str, params, X, K, h: str = "1e-25"):
    """Central-difference Jacobian (2 x 6) at ``DPS`` digits: truncation error ~ h**2."""
    with mp.workdps(DPS):
        p = [mp.mpf(float(v)) for v in params]
        Xm = [mp.mpf(float(v)) for v in X]
        Km = [mp.mpf(float(v)) for v in K]
        step = mp.mpf(h)
        uv = project(model, p, Xm, Km)
        J = [[None] * len(p) for _ in range(2)]
        for j in range(len(p)):
            pp, pm = list(p), list(p)
            pp[j] += step
            pm[j] -= step
            a, b = project(model, pp, Xm, Km), project(model, pm, Xm, Km)
            for i in range(2):
                J[i][j] = (a[i] - b[i]) / (2 * step)
        return [float(v) for v in uv], [[float(v) for v in row] for row in J]
