"""Peers of the fused photometric normal equations: NumPy, PyTorch and JAX versions of ONE residual.

The residual of reference point ``X`` (intensity ``I_ref``) under the textbook Rodrigues warp is
``r = I_tgt(u, v) - I_ref``; ``I_tgt`` and its central-difference gradients ``(gx, gy)`` are sampled
bilinearly from the same ``(H, W, 3)`` stack the generated kernel reads, with the same rules
(depth > 0 after the motion, inside the pixel footprints ``-0.5 <= u <= W-0.5``, ``-0.5 <= v <= H-0.5``,
sampling at ``u`` clamped to ``[0, W-1]``, ``x0 = min(floor(u), W-2)``).
The Jacobian row is ``gx du/dp + gy dv/dp``, with ``du/dp, dv/dp`` from each library's autodiff
(NumPy: the Sympy-derived ``lambdify`` Jacobian), the Huber weight ``w = min(1, k/|r|)``, and
``H = J^T W J``, ``g = J^T W r`` by one matrix product each.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..harness import Skip


def huber(r, k: float, xp=np):
    """IRLS weight and loss of the Huber function, scale ``k``."""
    a = xp.abs(r)
    w = xp.where(a <= k, 1.0, k / xp.where(a <= k, k, a))
    rho = xp.where(a <= k, 0.5 * r * r, k * (a - 0.5 * k))
    return w, rho


def _bilinear_numpy(tgt: np.ndarray, u: np.ndarray, v: np.ndarray):
    h, w = tgt.shape[:2]
    inside = (u >= -0.5) & (v >= -0.5) & (u <= w - 0.5) & (v <= h - 0.5)
    uc = np.clip(np.where(inside, u, 0), 0, w - 1).astype(u.dtype)
    vc = np.clip(np.where(inside, v, 0), 0, h - 1).astype(u.dtype)
    x0 = np.minimum(uc.astype(np.int64), w - 2)
    y0 = np.minimum(vc.astype(np.int64), h - 2)
    ax = (uc - x0).astype(u.dtype)[:, None]
    ay = (vc - y0).astype(u.dtype)[:, None]
    flat = tgt.reshape(-1, 3)
    i = y0 * w + x0
    one = u.dtype.type(1)
    s = (one - ax) * (one - ay) * flat[i] + ax * (one - ay) * flat[i + 1]
    s += (one - ax) * ay * flat[i + w] + ax * ay * flat[i + w + 1]
    return s, inside


def _normal_equations_numpy(s: np.ndarray, J: np.ndarray, iref: np.ndarray, ok: np.ndarray, k: float):
    """``H``, ``g``, cost and count of the points ``ok``: samples ``s`` (intensity, gx, gy), ``J`` = d(u, v)/dp."""
    r = s[ok, 0] - iref[ok]
    Jr = s[ok, 1:2] * J[ok, 0, :] + s[ok, 2:3] * J[ok, 1, :]
    w, rho = huber(r, k)
    WJ = Jr * w.astype(Jr.dtype)[:, None]
    return WJ.T @ Jr, WJ.T @ r, float(rho.sum()), int(ok.sum())


def make_numpy(params, points, iref, tgt, intrinsics, k: float) -> Callable:
    """NumPy: lambdify(cse=True) Jacobian + fancy-index bilinear sampling + two matrix products."""
    from .numpy_warp import build_lambdify_jacobian, textbook_rotation

    jac = build_lambdify_jacobian()
    p = np.asarray(params, dtype=np.float64)
    R = textbook_rotation(p[:3])

    def run():
        uv, J = jac(p, points, intrinsics)
        z = points @ R[2].astype(points.dtype) + points.dtype.type(p[5])
        s, inside = _bilinear_numpy(tgt, uv[:, 0], uv[:, 1])
        ok = inside & (z > 0) & np.isfinite(uv).all(axis=1)
        return _normal_equations_numpy(s, J, iref, ok, k)

    return run


def make_ours_unfused(params, points, iref, tgt, intrinsics, k: float) -> Callable:
    """The generated warp Jacobian (jacgen.warp_jacobian) followed by the NumPy sampling + products."""
    import jacgen

    def run():
        uv, J, valid = jacgen.warp_jacobian("rodrigues", params, points, intrinsics)
        s, inside = _bilinear_numpy(tgt, np.nan_to_num(uv[:, 0], nan=-1.0), np.nan_to_num(uv[:, 1], nan=-1.0))
        return _normal_equations_numpy(s, J, iref, inside & valid, k)

    return run


def make_torch(params, points, iref, tgt, intrinsics, k: float) -> Callable:
    """PyTorch: ``vmap(jacfwd)`` warp Jacobian, index-gather bilinear sampling, two matrix products."""
    from .torch_warp import import_torch, warp_point

    torch = import_torch()
    from torch.func import jacfwd, vmap

    dt = torch.float32 if points.dtype == np.float32 else torch.float64
    p = torch.tensor(np.asarray(params, dtype=np.float64), dtype=dt)
    X = torch.from_numpy(np.ascontiguousarray(points))
    Iref = torch.from_numpy(np.ascontiguousarray(iref))
    T = torch.from_numpy(np.ascontiguousarray(tgt))
    K = torch.tensor(np.asarray(intrinsics, dtype=np.float64), dtype=dt)
    h, w = tgt.shape[:2]
    flat = T.reshape(-1, 3)

    def with_aux(p, X, K):
        uv = warp_point(p, X, K)
        return uv, uv

    jac = vmap(jacfwd(with_aux, has_aux=True), in_dims=(None, 0, None))
    from .torch_warp import rodrigues_matrix

    def run():
        with torch.no_grad():
            J, uv = jac(p, X, K)
            z = X @ rodrigues_matrix(p[:3])[2] + p[5]
            u, v = uv[:, 0], uv[:, 1]
            inside = (u >= -0.5) & (v >= -0.5) & (u <= w - 0.5) & (v <= h - 0.5)
            ok = (z > 0) & torch.isfinite(u) & torch.isfinite(v) & inside
            u, v, J, Ir = u[ok].clamp(0, w - 1), v[ok].clamp(0, h - 1), J[ok], Iref[ok]
            x0 = torch.clamp(u.long(), max=w - 2)
            y0 = torch.clamp(v.long(), max=h - 2)
            ax = (u - x0).unsqueeze(1)
            ay = (v - y0).unsqueeze(1)
            i = y0 * w + x0
            s = (1 - ax) * (1 - ay) * flat[i] + ax * (1 - ay) * flat[i + 1]
            s = s + (1 - ax) * ay * flat[i + w] + ax * ay * flat[i + w + 1]
            r = s[:, 0] - Ir
            Jr = s[:, 1:2] * J[:, 0, :] + s[:, 2:3] * J[:, 1, :]
            wt, rho = huber(r, k, xp=torch)
            WJ = Jr * wt.to(dt).unsqueeze(1)
            return (WJ.T @ Jr).numpy(), (WJ.T @ r).numpy(), float(rho.sum()), int(ok.sum())

    return run


def make_jax(params, points, iref, tgt, intrinsics, k: float) -> Callable:
    """JAX: one ``jit`` of ``vmap(jacfwd)`` warp Jacobian + gather bilinear sampling + products (masked)."""
    from .jax_warp import import_jax, rodrigues_matrix, warp_point

    jax = import_jax()
    import jax.numpy as jnp

    dt = points.dtype
    h, w = tgt.shape[:2]

    def with_aux(p, X, K):
        uv = warp_point(p, X, K)
        return uv, uv

    jac = jax.vmap(jax.jacfwd(with_aux, has_aux=True), in_axes=(None, 0, None))

    def fused(p, X, Iref, flat, K):
        J, uv = jac(p, X, K)
        z = X @ rodrigues_matrix(p[:3])[2] + p[5]
        u, v = uv[:, 0], uv[:, 1]
        inside = (u >= -0.5) & (v >= -0.5) & (u <= w - 0.5) & (v <= h - 0.5)
        ok = (z > 0) & jnp.isfinite(u) & jnp.isfinite(v) & inside
        u = jnp.clip(jnp.where(ok, u, 0), 0, w - 1)
        v = jnp.clip(jnp.where(ok, v, 0), 0, h - 1)
        x0 = jnp.minimum(u.astype(jnp.int32), w - 2)
        y0 = jnp.minimum(v.astype(jnp.int32), h - 2)
        ax = (u - x0)[:, None]
        ay = (v - y0)[:, None]
        i = y0 * w + x0
        s = (1 - ax) * (1 - ay) * flat[i] + ax * (1 - ay) * flat[i + 1]
        s = s + (1 - ax) * ay * flat[i + w] + ax * ay * flat[i + w + 1]
        r = jnp.where(ok, s[:, 0] - Iref, 0)
        Jr = s[:, 1:2] * J[:, 0, :] + s[:, 2:3] * J[:, 1, :]
        Jr = jnp.where(ok[:, None], Jr, 0)
        wt, rho = huber(r, k, xp=jnp)
        WJ = Jr * wt.astype(Jr.dtype)[:, None]
        return WJ.T @ Jr, WJ.T @ r, jnp.sum(jnp.where(ok, rho, 0)), jnp.sum(ok)

    fn = jax.jit(fused)
    args = (
        jnp.asarray(np.asarray(params, dtype=dt)),
        jax.device_put(np.ascontiguousarray(points)),
        jax.device_put(np.ascontiguousarray(iref)),
        jax.device_put(np.ascontiguousarray(tgt).reshape(-1, 3)),
        jnp.asarray(np.asarray(intrinsics, dtype=dt)),
    )

    def run():
        H, g, cost, n = fn(*args)
        H.block_until_ready()
        return np.asarray(H), np.asarray(g), float(cost), int(n)

    return run


def check_available(name: str) -> None:
    """Raise :class:`Skip` when the library behind a peer is not installed."""
    import importlib.util

    if importlib.util.find_spec(name) is None:
        raise Skip(f"{name} not installed (pip install -e '.[bench]')")
