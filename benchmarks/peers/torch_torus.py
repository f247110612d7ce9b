"""The torus problem minimised by PyTorch autograd the way the forum thread did it.

Two angles ``a`` (about x) and ``c`` (about z) are leaf tensors; ``R = Rx(a) Rz(c)``, the camera
two units away, pinhole projection, ``grid_sample`` of the target at the projections and the loss
``sum (I(u_i, v_i) - 1)^2``: the same point-sampled loss as ``solver.align_points`` (l2, unit
intensities), on the same preprocessed target pyramid, minimised by ``torch.optim.SGD`` (momentum)
or ``torch.optim.Adam``. Every step records the angle error and the elapsed time.
"""

from __future__ import annotations

import math

import numpy as np

from ..harness import ToleranceTrace
from .torch_warp import import_torch


def _rot(a, c, torch):
    one, zero = torch.ones_like(a), torch.zeros_like(a)
    ca, sa, cc, sc = torch.cos(a), torch.sin(a), torch.cos(c), torch.sin(c)
    Rx = torch.cat([one, zero, zero, zero, ca, -sa, zero, sa, ca]).reshape(3, 3)
    Rz = torch.cat([cc, -sc, zero, sc, cc, zero, zero, zero, one]).reshape(3, 3)
    return Rx @ Rz


def solve_torch(
    points: np.ndarray,
    pyramid: list[np.ndarray],
    intrinsics_per_level: list[np.ndarray],
    init_deg: tuple[float, float],
    truth_deg: tuple[float, float],
    translation=(0.0, 0.0, 2.0),
    optimizer: str = "adam",
    steps_per_level: int = 60,
    lr: float | None = None,
    tol_deg: float = 0.05,
) -> dict:
    """Minimise the point-sampled loss coarse to fine; return the trace and the final error.

    Parameters
    ----------
    points : (N, 3)
    pyramid : list of (h, w) arrays
        Level 0 first (finest); solved from the last (coarsest) to the first.
    intrinsics_per_level : list of (4,) arrays
    init_deg, truth_deg : (float, float)
        Start and true ``(a, c)`` in degrees.
    translation : 3 floats
    optimizer : {"adam", "sgd"}
    steps_per_level : int
    lr : float, optional
        Adam: 0.02 rad, halved per finer level; SGD (momentum 0.9): 2e-4, the same schedule.
    tol_deg : float
        Error counted as converged.

    Returns
    -------
    dict
        :meth:`benchmarks.harness.ToleranceTrace.record`: ``steps``, ``time_s``, ``time_to_tol_s`` /
        ``steps_to_tol`` (None when not within at the end), ``first_tol_s`` / ``first_tol_step``,
        ``final_err_deg``.
    """
    torch = import_torch()
    import torch.nn.functional as F

    P = torch.from_numpy(np.asarray(points, dtype=np.float64))
    t = torch.tensor(translation, dtype=torch.float64)
    a = torch.tensor([math.radians(init_deg[0])], dtype=torch.float64, requires_grad=True)
    c = torch.tensor([math.radians(init_deg[1])], dtype=torch.float64, requires_grad=True)
    base_lr = lr if lr is not None else (0.02 if optimizer == "adam" else 2e-4)
    truth = np.radians(truth_deg)

    def error() -> float:
        return math.degrees(float(np.max(np.abs([a.item() - truth[0], c.item() - truth[1]]))))

    trace = ToleranceTrace(tol_deg)
    n_levels = len(pyramid)
    for level in reversed(range(n_levels)):
        img = torch.from_numpy(np.ascontiguousarray(pyramid[level], dtype=np.float64))[None, None]
        h, w = pyramid[level].shape
        fx, fy, cx, cy = (float(v) for v in intrinsics_per_level[level])
        step_lr = base_lr / 2 ** (n_levels - 1 - level)
        opt = (
            torch.optim.Adam([a, c], lr=step_lr)
            if optimizer == "adam"
            else torch.optim.SGD([a, c], lr=step_lr, momentum=0.9)
        )
        for _ in range(steps_per_level):
            opt.zero_grad()
            q = P @ _rot(a, c, torch).T + t
            u = fx * q[:, 0] / q[:, 2] + cx
            v = fy * q[:, 1] / q[:, 2] + cy
            grid = torch.stack([2 * u / (w - 1) - 1, 2 * v / (h - 1) - 1], dim=1)[None, None]
            sampled = F.grid_sample(img, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
            loss = ((sampled.reshape(-1) - 1.0) ** 2).sum()
            loss.backward()
            opt.step()
            trace.step(error())
    return trace.record(error())
