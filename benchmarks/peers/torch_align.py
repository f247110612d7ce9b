"""An autograd photometric aligner written with PyTorch the way the forum thread did it.

Differentiable warp of the reference points (pose ``T = matrix_exp(hat(xi))``, the idiomatic
PyTorch SE(3) exponential: exact at ``xi = 0``, unlike the textbook ``sin(t)/t``), bilinear
sampling of the target with ``torch.nn.functional.grid_sample`` and a Huber loss, minimised by
``torch.optim.LBFGS`` (strong-Wolfe line search) or ``torch.optim.Adam``, coarse to fine on the
same pyramid as the project's aligner (2x2 block means, 4 levels, intrinsics ``f / 2^l``,
``(c + 0.5) / 2^l - 0.5``) with the same robust scale rule (1.345 * 1.4826 * MAD per level).
"""

from __future__ import annotations

import numpy as np

from .torch_warp import import_torch


def _downsample(img: np.ndarray) -> np.ndarray:
    h, w = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2
    v = img[:h, :w]
    return 0.25 * (v[0::2, 0::2] + v[1::2, 0::2] + v[0::2, 1::2] + v[1::2, 1::2])


def _downsample_depth(depth: np.ndarray) -> np.ndarray:
    h, w = depth.shape[0] // 2 * 2, depth.shape[1] // 2 * 2
    blocks = np.stack([depth[0:h:2, 0:w:2], depth[1:h:2, 0:w:2], depth[0:h:2, 1:w:2], depth[1:h:2, 1:w:2]])
    valid = blocks > 0
    count = valid.sum(axis=0)
    total = np.where(valid, blocks, 0.0).sum(axis=0)
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def _hat(xi, torch):
    w1, w2, w3, v1, v2, v3 = (xi[i : i + 1] for i in range(6))
    z = torch.zeros_like(w1)
    return torch.cat([z, -w3, w2, v1, w3, z, -w1, v2, -w2, w1, z, v3, z, z, z, z]).reshape(4, 4)


def _solve_level(
    xi, ref, dep, tgt_img, K, depth_range, optimizer: str, iters: int, adam_lr: float, device: str = "cpu"
) -> int:
    """Minimise the level's Huber loss in place on ``xi``; return the number of loss evaluations."""
    torch = import_torch()
    import torch.nn.functional as F

    fx, fy, cx, cy = K
    h, w = dep.shape
    rows, cols = np.nonzero((dep > depth_range[0]) & (dep < depth_range[1]))
    if len(rows) < 10:
        return 0
    z = dep[rows, cols]
    P = np.stack([(cols - cx) / fx * z, (rows - cy) / fy * z, z], axis=1).astype(np.float32)
    P = torch.from_numpy(P).to(device)
    Iref = torch.from_numpy(ref[rows, cols].astype(np.float32)).to(device)
    tgt = torch.from_numpy(np.ascontiguousarray(tgt_img, dtype=np.float32))[None, None].to(device)

    def residuals():
        T = torch.linalg.matrix_exp(_hat(xi, torch))
        q = P @ T[:3, :3].T + T[:3, 3]
        zq = q[:, 2]
        u = fx * q[:, 0] / zq + cx
        v = fy * q[:, 1] / zq + cy
        inside = (zq > 0) & (u >= 0) & (u <= w - 1) & (v >= 0) & (v <= h - 1)
        grid = torch.stack([2 * u / (w - 1) - 1, 2 * v / (h - 1) - 1], dim=1)[None, None]
        sampled = F.grid_sample(tgt, grid, mode="bilinear", padding_mode="border", align_corners=True)
        return (sampled.reshape(-1) - Iref)[inside]

    with torch.no_grad():
        r0 = residuals()
        mad = float(torch.median(torch.abs(r0 - torch.median(r0)))) if r0.numel() else 0.1
    delta = max(1.345 * 1.4826 * mad, 1e-4)

    def loss_fn():
        r = residuals()
        return F.huber_loss(r, torch.zeros_like(r), delta=delta, reduction="mean")

    evals = 0
    if optimizer == "lbfgs":
        opt = torch.optim.LBFGS([xi], lr=1.0, max_iter=iters, line_search_fn="strong_wolfe")

        def closure():
            nonlocal evals
            opt.zero_grad()
            loss = loss_fn()
            loss.backward()
            evals += 1
            return loss

        opt.step(closure)
        return evals
    opt = torch.optim.Adam([xi], lr=adam_lr)
    for _ in range(5 * iters):
        opt.zero_grad()
        loss = loss_fn()
        loss.backward()
        opt.step()
        evals += 1
    return evals


def align_torch(
    ref_gray: np.ndarray,
    ref_depth: np.ndarray,
    tgt_gray: np.ndarray,
    intrinsics,
    optimizer: str = "lbfgs",
    levels: int = 4,
    iters: int = 30,
    adam_lr: float = 2e-3,
    depth_range: tuple[float, float] = (0.1, 10.0),
    device: str = "cpu",
) -> tuple[np.ndarray, int]:
    """Estimate ``T_tgt_from_ref``; returns the pose and the number of loss evaluations.

    Parameters
    ----------
    ref_gray, tgt_gray : ndarray (H, W)
        Intensities in [0, 1].
    ref_depth : ndarray (H, W)
        Metres, 0 = missing.
    intrinsics : (fx, fy, cx, cy)
    optimizer : {"lbfgs", "adam"}
    levels : int
        Pyramid levels.
    iters : int
        LBFGS iterations (or Adam steps x 5) per level.
    adam_lr : float
        Adam learning rate.
    depth_range : (float, float)
        Reference depths used.
    device : str
        Torch device of the tensors (``"cuda"`` for the GPU comparison).
    """
    torch = import_torch()
    refs, deps, tgts = [ref_gray], [ref_depth], [tgt_gray]
    for _ in range(levels - 1):
        refs.append(_downsample(refs[-1]))
        deps.append(_downsample_depth(deps[-1]))
        tgts.append(_downsample(tgts[-1]))
    xi = torch.zeros(6, dtype=torch.float32, device=device, requires_grad=True)
    evals = 0
    for level in reversed(range(levels)):
        s = 2.0**level
        K = (intrinsics[0] / s, intrinsics[1] / s, (intrinsics[2] + 0.5) / s - 0.5, (intrinsics[3] + 0.5) / s - 0.5)
        evals += _solve_level(
            xi, refs[level], deps[level], tgts[level], K, depth_range, optimizer, iters, adam_lr, device
        )
    with torch.no_grad():
        T = torch.linalg.matrix_exp(_hat(xi, torch).double()).cpu().numpy()
    return T, evals
