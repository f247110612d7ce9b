"""Image preparation: grayscale conversion, validation, pyramids and gradients.

Pixel-centre convention: pixel ``(row, col)`` has its centre at ``(u, v) = (col, row)``. A pyramid
level halves the resolution by averaging 2x2 blocks, so level ``l`` sees intrinsics
``f_l = f / 2**l`` and ``c_l = (c + 0.5) / 2**l - 0.5``.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


def to_gray(image, name: str) -> np.ndarray:
    """(H, W) float64 intensities from gray or RGB(A), uint8 scaled to [0, 1]; validates."""
    img = np.asarray(image)
    if img.ndim == 3 and img.shape[2] in (3, 4):
        scale = 1.0 / 255.0 if img.dtype == np.uint8 else 1.0
        rgb = img[..., :3].astype(np.float64) * scale
        img = rgb @ np.array([0.299, 0.587, 0.114])
    elif img.ndim == 2:
        img = img.astype(np.float64) / 255.0 if img.dtype == np.uint8 else img
    else:
        raise ValueError(f"{name} must be (H, W) gray or (H, W, 3|4) colour, got shape {img.shape}")
    if not np.issubdtype(img.dtype, np.number) or np.issubdtype(img.dtype, np.complexfloating):
        raise ValueError(f"{name} must be numeric, got {img.dtype}")
    img = img.astype(np.float64)
    if img.shape[0] < 8 or img.shape[1] < 8:
        raise ValueError(f"{name} is too small ({img.shape}); need at least 8x8 pixels")
    if not np.isfinite(img).all():
        raise ValueError(f"{name} contains {int((~np.isfinite(img)).sum())} NaN/inf pixels")
    return img


def intrinsics_at_level(intrinsics, level: int) -> np.ndarray:
    """``(fx, fy, cx, cy)`` of pyramid level ``level`` (see the module docstring)."""
    fx, fy, cx, cy = (float(v) for v in intrinsics)
    s = 2.0**level
    return np.array([fx / s, fy / s, (cx + 0.5) / s - 0.5, (cy + 0.5) / s - 0.5])


def downsample(img: np.ndarray) -> np.ndarray:
    """2x2 block mean (odd trailing row/column dropped)."""
    h, w = img.shape[0] // 2 * 2, img.shape[1] // 2 * 2
    v = img[:h, :w]
    return 0.25 * (v[0::2, 0::2] + v[1::2, 0::2] + v[0::2, 1::2] + v[1::2, 1::2])


def downsample_depth(depth: np.ndarray) -> np.ndarray:
    """2x2 mean of the valid (> 0) depths; 0 where a block has none or spans a depth edge (> 10 %)."""
    h, w = depth.shape[0] // 2 * 2, depth.shape[1] // 2 * 2
    blocks = np.stack([depth[0:h:2, 0:w:2], depth[1:h:2, 0:w:2], depth[0:h:2, 1:w:2], depth[1:h:2, 1:w:2]])
    valid = blocks > 0
    count = valid.sum(axis=0)
    total = np.where(valid, blocks, 0.0).sum(axis=0)
    mean = np.divide(total, count, out=np.zeros_like(total), where=count > 0)
    hi = np.where(valid, blocks, -np.inf).max(axis=0)
    lo = np.where(valid, blocks, np.inf).min(axis=0)
    edge = (count > 0) & (hi - lo > 0.1 * mean)
    mean[edge] = 0.0
    return mean


@njit(parallel=True, cache=True)
def _stack_with_gradients(img, out):
    h, w = img.shape
    for y in prange(h):
        ym, yp = max(y - 1, 0), min(y + 1, h - 1)
        for x in range(w):
            xm, xp = max(x - 1, 0), min(x + 1, w - 1)
            out[y, x, 0] = img[y, x]
            out[y, x, 1] = (img[y, xp] - img[y, xm]) / (xp - xm)
            out[y, x, 2] = (img[yp, x] - img[ym, x]) / (yp - ym)


def stack_with_gradients(img: np.ndarray, dtype) -> np.ndarray:
    """(H, W, 3) array of intensity and central-difference gradients ``d/du``, ``d/dv``."""
    out = np.empty((*img.shape, 3), dtype=dtype)
    _stack_with_gradients(np.ascontiguousarray(img, dtype=dtype), out)
    return out


def pyramid(img: np.ndarray, levels: int) -> list[np.ndarray]:
    """``[level 0 (full), level 1, ...]`` by 2x2 block means."""
    out = [img]
    for _ in range(levels - 1):
        out.append(downsample(out[-1]))
    return out


def depth_pyramid(depth: np.ndarray, levels: int) -> list[np.ndarray]:
    """Depth pyramid with :func:`downsample_depth`."""
    out = [depth]
    for _ in range(levels - 1):
        out.append(downsample_depth(out[-1]))
    return out
