"""Render-and-compare of a Gaussian-splatted point set in PyTorch, the way the forum thread did it.

Two angles ``a`` (about x) and ``c`` (about z) are leaf tensors requiring grad; the points are
moved by the ``euler_xyz`` rotation ``Rx(a) Ry(b) Rz(c)`` (``b`` and the translation fixed) and
projected through a pinhole; every point's Gaussian is splatted over the whole pixel grid (an
``N x H x W`` tensor, float32 by default), the sum is clamped to [0, 1] and the mean squared
difference from the target image is minimised by ``torch.optim.Adam`` on the two angles. The splat is
:mod:`solver.pointset.splat`'s (cut off at ``CUTOFF`` sigma and shifted by ``exp(-CUTOFF^2 / 2)`` so it
reaches zero there), so the loss is the one :func:`solver.fit_render` minimises (up to the constant
factor of a mean against half a sum, to which Adam's steps are insensitive).

Every step records the errors of the two angles and the elapsed time; the time to tolerance is
the end of the first step after which the counted angles stay within tolerance to the end of the
run.
"""

from __future__ import annotations

import math

import numpy as np

from ..harness import ToleranceTrace
from .torch_warp import import_torch

CUTOFF = 4.0
"""Splat support radius in sigmas (:data:`solver.pointset.splat.CUTOFF`)."""


def _rotation(a, b, c, torch):
    """``Rx(a) @ Ry(b) @ Rz(c)`` from one-element tensors."""
    one, zero = torch.ones_like(a), torch.zeros_like(a)
    ca, sa, cb, sb, cc, sc = torch.cos(a), torch.sin(a), torch.cos(b), torch.sin(b), torch.cos(c), torch.sin(c)
    Rx = torch.cat([one, zero, zero, zero, ca, -sa, zero, sa, ca]).reshape(3, 3)
    Ry = torch.cat([cb, zero, sb, zero, one, zero, -sb, zero, cb]).reshape(3, 3)
    Rz = torch.cat([cc, -sc, zero, sc, cc, zero, zero, zero, one]).reshape(3, 3)
    return Rx @ Ry @ Rz


def _project(P, a, b, c, t, K, torch):
    fx, fy, cx, cy = K
    q = P @ _rotation(a, b, c, torch).T + t
    return fx * q[:, 0] / q[:, 2] + cx, fy * q[:, 1] / q[:, 2] + cy, q[:, 2] > 0


def render(P, a, b, c, t, K, shape, sigma, torch):
    """The clamped splat image of the points ``P`` (N, 3) moved by ``(a, b, c, t)``: (H, W).

    Every splat over the whole pixel grid (the forum's way), written as cheaply as that allows:
    the Gaussian is separable, ``exp(-d^2 / (2 sigma^2)) - exp(-CUTOFF^2 / 2)`` is negative exactly
    beyond the cut-off (so ``relu`` of it is the cut-off splat), and the sum over the points is a
    matrix-vector product that also drops the points behind the camera.
    """
    h, w = shape
    u, v, valid = _project(P, a, b, c, t, K, torch)
    k = -0.5 / (sigma * sigma)
    ex = torch.exp(k * (torch.arange(w, dtype=P.dtype)[None, :] - u[:, None]) ** 2)  # (N, W)
    ey = torch.exp(k * (torch.arange(h, dtype=P.dtype)[None, :] - v[:, None]) ** 2)  # (N, H)
    g = torch.relu(ey[:, :, None] * ex[:, None, :] - math.exp(-0.5 * CUTOFF * CUTOFF))  # (N, H, W)
    return torch.clamp((valid.to(P.dtype) @ g.reshape(g.shape[0], h * w)).reshape(h, w), 0.0, 1.0)


def render_windowed(P, a, b, c, t, K, shape, sigma, torch):
    """The same image as :func:`render`, each splat evaluated only on the pixels within its cut-off.

    Not the forum's way: a ``(2 ceil(CUTOFF sigma) + 2)^2`` window per point, summed with
    ``index_add``; the same loss and gradient (outside the window the splat is exactly zero).
    """
    h, w = shape
    u, v, valid = _project(P, a, b, c, t, K, torch)
    reach = int(math.ceil(CUTOFF * sigma))
    off = torch.arange(-reach, reach + 2, dtype=P.dtype)
    ok = valid & (u.abs() < 1e6) & (v.abs() < 1e6)
    u0 = torch.where(ok, torch.floor(u.detach()), torch.zeros_like(u))
    v0 = torch.where(ok, torch.floor(v.detach()), torch.zeros_like(v))
    xs = u0[:, None] + off[None, :]  # (N, k) pixel columns
    ys = v0[:, None] + off[None, :]
    k = -0.5 / (sigma * sigma)
    ex = torch.exp(k * (xs - u[:, None]) ** 2)
    ey = torch.exp(k * (ys - v[:, None]) ** 2)
    g = torch.relu(ey[:, :, None] * ex[:, None, :] - math.exp(-0.5 * CUTOFF * CUTOFF))  # (N, k, k)
    inside = ok[:, None, None] & (xs >= 0)[:, None, :] & (xs < w)[:, None, :] & (ys >= 0)[:, :, None]
    inside = inside & (ys < h)[:, :, None]
    index = (ys[:, :, None] * w + xs[:, None, :]).to(torch.int64)
    index = torch.where(inside, index, torch.zeros_like(index))
    g = torch.where(inside, g, torch.zeros_like(g))
    out = torch.zeros(h * w, dtype=P.dtype).index_add(0, index.reshape(-1), g.reshape(-1))
    return torch.clamp(out.reshape(h, w), 0.0, 1.0)


def fit_adam(
    points: np.ndarray,
    image: np.ndarray,
    intrinsics,
    sigma: float,
    init: np.ndarray,
    truth: np.ndarray,
    counted: tuple[int, ...] = (0, 2),
    lr: float = 0.01,
    steps: int = 300,
    tol_deg: float = 0.05,
    hold: int | None = None,
    time_limit_s: float | None = None,
    windowed: bool = False,
    dtype: str = "float32",
) -> dict:
    """Adam on the two angles ``r1``, ``r3`` of ``euler_xyz`` from ``init``; return the trace.

    Parameters
    ----------
    points : (N, 3)
    image : (H, W)
        Target image.
    intrinsics : (fx, fy, cx, cy)
    sigma : float
        Splat width in pixels.
    init, truth : (6,) arrays
        ``euler_xyz`` parameters; ``r2`` and the translation stay at ``init``.
    counted : tuple of int
        Indices of the parameters whose error counts (``(0,)`` when ``r3`` is unobservable).
    lr : float
        Adam's learning rate (about the largest step in radians).
    steps : int
        Iteration budget.
    tol_deg : float
        Error counted as converged.
    hold : int, optional
        Stop once the counted error has stayed within ``tol_deg`` for this many steps (None: run
        the whole budget).
    time_limit_s : float, optional
        Also stop after this much wall time.
    windowed : bool
        :func:`render_windowed` instead of the forum's whole-grid :func:`render`.
    dtype : {"float32", "float64"}

    Returns
    -------
    dict
        ``steps``, ``time_s``, ``time_to_tol_s`` / ``steps_to_tol`` (the end of the first step
        after which the error stayed within ``tol_deg`` to the end of the run; None if it is not
        within at the end), ``first_tol_s`` / ``first_tol_step`` (first time within at all),
        ``final_err_deg`` (max over ``counted``), ``final_params``, ``stopped`` (``"hold"``,
        ``"steps"`` or ``"time"``).
    """
    torch = import_torch()
    dt = getattr(torch, dtype)
    P = torch.from_numpy(np.asarray(points, dtype=np.float64)).to(dt)
    img = torch.from_numpy(np.asarray(image, dtype=np.float64)).to(dt)
    init = np.asarray(init, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.float64)
    counted = list(counted)
    a = torch.tensor([init[0]], dtype=dt, requires_grad=True)
    c = torch.tensor([init[2]], dtype=dt, requires_grad=True)
    b = torch.tensor([init[1]], dtype=dt)
    t = torch.tensor(init[3:], dtype=dt)
    K = tuple(float(k) for k in intrinsics)
    draw = render_windowed if windowed else render
    opt = torch.optim.Adam([a, c], lr=lr)

    def error() -> float:
        p = np.array([a.item(), init[1], c.item()])
        return math.degrees(float(np.max(np.abs(p[counted] - truth[counted]))))

    trace = ToleranceTrace(tol_deg)
    stopped = "steps"
    for _ in range(steps):
        opt.zero_grad()
        loss = ((draw(P, a, b, c, t, K, img.shape, sigma, torch) - img) ** 2).mean()
        loss.backward()
        opt.step()
        now = trace.step(error())
        if hold is not None and trace.held() >= hold:
            stopped = "hold"
            break
        if time_limit_s is not None and now >= time_limit_s:
            stopped = "time"
            break
    return {
        **trace.record(error()),
        "final_params": [a.item(), float(init[1]), c.item(), *init[3:].tolist()],
        "stopped": stopped,
    }
