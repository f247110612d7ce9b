"""Plain NumPy reference of the fused photometric normal equations (same residual, no kernels)."""

import numpy as np

import jacgen
from solver.core import lie


def bilinear(img: np.ndarray, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    h, w = img.shape
    u, v = np.clip(u, 0, w - 1), np.clip(v, 0, h - 1)  # the half-pixel border band samples the border
    x0 = np.minimum(np.floor(u).astype(int), w - 2)
    y0 = np.minimum(np.floor(v).astype(int), h - 2)
    ax, ay = u - x0, v - y0
    return (
        (1 - ax) * (1 - ay) * img[y0, x0]
        + ax * (1 - ay) * img[y0, x0 + 1]
        + (1 - ax) * ay * img[y0 + 1, x0]
        + ax * ay * img[y0 + 1, x0 + 1]
    )


def robust(r, loss, k):
    a = np.abs(r)
    if loss == "l2":
        return np.ones_like(r), 0.5 * r * r
    if loss == "huber":
        return np.where(a <= k, 1.0, k / a), np.where(a <= k, 0.5 * r * r, k * (a - 0.5 * k))
    if loss == "tukey":
        u = 1 - (r / k) ** 2
        return np.where(a < k, u * u, 0.0), np.where(a < k, k * k / 6 * (1 - u**3), k * k / 6)
    z = (r / k) ** 2
    return 1 / (1 + z), 0.5 * k * k * np.log1p(z)


def reference_normal_equations(model, params, pose, K, points, iref, tgt, loss, k, brightness=None):
    """H, g, cost, n_used of the residual ``I_t(W(X)) - (exp(a) I_ref + b)``.

    ``model == "se3"`` follows the compositional convention: points are moved by ``pose`` and the
    Jacobian is taken at the zero twist; otherwise ``params`` are the model parameters.
    """
    if model == "se3":
        moved = points @ pose[:3, :3].T + pose[:3, 3]
        uv, J, valid = jacgen.warp_jacobian_at_zero("se3", moved, K)
    else:
        uv, J, valid = jacgen.warp_jacobian(model, params, points, K)
    h, w = tgt.shape
    gy, gx = np.gradient(tgt)
    u, v = uv[:, 0], uv[:, 1]
    inside = valid & (u >= -0.5) & (v >= -0.5) & (u <= w - 0.5) & (v <= h - 0.5)  # pixel footprints
    u, v = uv[inside, 0], uv[inside, 1]
    It, Gx, Gy = bilinear(tgt, u, v), bilinear(gx, u, v), bilinear(gy, u, v)
    rows = Gx[:, None] * J[inside, 0, :] + Gy[:, None] * J[inside, 1, :]
    Ir = iref[inside]
    if brightness is not None:
        a, b = brightness
        r = It - (np.exp(a) * Ir + b)
        rows = np.column_stack([rows, -np.exp(a) * Ir, -np.ones_like(Ir)])
    else:
        r = It - Ir
    wt, rho = robust(r, loss, k)
    H = rows.T @ (wt[:, None] * rows)
    g = rows.T @ (wt * r)
    return H, g, rho.sum(), int(inside.sum()), r


def pose_params(model, pose):
    return lie.params_from_pose(model, pose)
