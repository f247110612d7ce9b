"""NumPy peers: ``sympy.lambdify(cse=True)`` of the textbook Rodrigues warp and central differences."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def textbook_rodrigues_exprs():
    """Sympy ``(symbols, [u, v], J)`` of the textbook Rodrigues warp, ``J[k][j] = d out_k / d p_j``.

    Returns
    -------
    params, point, constants : tuple of sympy.Symbol
    outputs : list of sympy.Expr
        ``[u, v]``.
    jac : list of list of sympy.Expr
        2 x 6.
    """
    import sympy as sp

    params = sp.symbols("r1 r2 r3 t1 t2 t3", real=True)
    point = sp.symbols("X Y Z", real=True)
    consts = sp.symbols("fx fy cx cy", real=True)
    r1, r2, r3, t1, t2, t3 = params
    th = sp.sqrt(r1**2 + r2**2 + r3**2)
    K = sp.Matrix([[0, -r3, r2], [r3, 0, -r1], [-r2, r1, 0]])
    R = sp.eye(3) + sp.sin(th) / th * K + (1 - sp.cos(th)) / th**2 * K * K
    q = R * sp.Matrix(point) + sp.Matrix([t1, t2, t3])
    fx, fy, cx, cy = consts
    outputs = [fx * q[0] / q[2] + cx, fy * q[1] / q[2] + cy]
    jac = [[sp.diff(o, p) for p in params] for o in outputs]
    return params, point, consts, outputs, jac


def build_lambdify_jacobian() -> Callable:
    """Derive the textbook Jacobian with Sympy and ``lambdify(cse=True)`` it for NumPy.

    Returns
    -------
    callable
        ``f(params, points, intrinsics) -> (uv (N,2), J (N,2,6))``, dtype of ``points``.
    """
    import sympy as sp

    params, point, consts, outputs, jac = textbook_rodrigues_exprs()
    flat = list(outputs) + [e for row in jac for e in row]
    fn = sp.lambdify((*params, *point, *consts), flat, modules="numpy", cse=True)

    def run(p: np.ndarray, points: np.ndarray, intrinsics) -> tuple[np.ndarray, np.ndarray]:
        dt = points.dtype.type
        args = [dt(v) for v in p]  # NumPy scalars of the point dtype: float32 stays float32 (NEP 50)
        cols = fn(*args, points[:, 0], points[:, 1], points[:, 2], *[dt(c) for c in intrinsics])
        n = points.shape[0]
        uv = np.empty((n, 2), dtype=points.dtype)
        J = np.empty((n, 2, 6), dtype=points.dtype)
        uv[:, 0] = cols[0]
        uv[:, 1] = cols[1]
        for k in range(2):
            for j in range(6):
                J[:, k, j] = cols[2 + 6 * k + j]  # constant entries (e.g. du/dt2 = 0) broadcast
        return uv, J

    return run


def textbook_rotation(r: np.ndarray) -> np.ndarray:
    """Textbook Rodrigues matrix in float64 (NaN at ``r = 0``, as written)."""
    r = np.asarray(r, dtype=np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        th = np.sqrt(r @ r)
        K = np.array([[0, -r[2], r[1]], [r[2], 0, -r[0]], [-r[1], r[0], 0]])
        return np.eye(3) + np.sin(th) / th * K + (1 - np.cos(th)) / th**2 * (K @ K)


def warp_numpy(p: np.ndarray, points: np.ndarray, intrinsics) -> np.ndarray:
    """Vectorised textbook warp ``(N, 3) -> (N, 2)`` in the dtype of ``points``."""
    dt = points.dtype
    R = textbook_rotation(p[:3]).astype(dt)
    t = np.asarray(p[3:], dtype=dt)
    q = points @ R.T + t
    fx, fy, cx, cy = (dt.type(c) for c in intrinsics)
    with np.errstate(invalid="ignore", divide="ignore"):
        iz = dt.type(1) / q[:, 2]
        return np.stack([fx * q[:, 0] * iz + cx, fy * q[:, 1] * iz + cy], axis=1)


def central_differences(p: np.ndarray, points: np.ndarray, intrinsics) -> tuple[np.ndarray, np.ndarray]:
    """``(uv, J)`` by central differences of :func:`warp_numpy`, step ``eps**(1/3) * max(1, |p_j|)``."""
    p = np.asarray(p, dtype=np.float64)
    dt = points.dtype
    eps = np.finfo(dt).eps
    uv = warp_numpy(p, points, intrinsics)
    J = np.empty((points.shape[0], 2, 6), dtype=dt)
    for j in range(6):
        h = eps ** (1 / 3) * max(1.0, abs(p[j]))
        e = np.zeros(6)
        e[j] = h
        J[:, :, j] = (warp_numpy(p + e, points, intrinsics) - warp_numpy(p - e, points, intrinsics)) / dt.type(2 * h)
    return uv, J
