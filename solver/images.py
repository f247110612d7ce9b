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
    if img.ndim not in (2, 3) or (img.ndim == 3 and img.shape[2] not in (3, 4)):
        raise ValueError(f"{name} must be (H, W) gray or (H, W, 3|4) colour, got shape {img.shape}")
    if img.dtype == np.bool_ or not np.issubdtype(img.dtype, np.number) or np.issubdtype(img.dtype, np.complexfloating):
        raise ValueError(f"{name} must be numeric, got {img.dtype}")
    if img.shape[0] < 8 or img.shape[1] < 8:
        raise ValueError(f"{name} is too small ({img.shape}); need at least 8x8 pixels")
    scale = 1.0 / 255.0 if img.dtype == np.uint8 else 1.0
    if img.ndim == 2:
        gray = img.astype(np.float64) * scale if img.dtype == np.uint8 else img.astype(np.float64)
    elif img.dtype in (np.uint8, np.float32, np.float64):
        gray = np.empty(img.shape[:2])
        _luma(img, scale, gray)
    else:
        gray = img[..., :3].astype(np.float64) @ np.array(LUMA)
    n_bad = _count_non_finite(gray)
    if n_bad:
        raise ValueError(f"{name} contains {n_bad} NaN/inf pixels")
    return gray


LUMA = (0.299, 0.587, 0.114)
"""ITU-R BT.601 weights of ``(R, G, B)``."""


@njit(parallel=True, cache=True)
def _luma(rgb, scale, out):
    for y in prange(rgb.shape[0]):
        for x in range(rgb.shape[1]):
            out[y, x] = scale * (0.299 * rgb[y, x, 0] + 0.587 * rgb[y, x, 1] + 0.114 * rgb[y, x, 2])


@njit(parallel=True, cache=True)
def _count_non_finite(img):
    n = 0
    for y in prange(img.shape[0]):
        for x in range(img.shape[1]):
            if not np.isfinite(img[y, x]):
                n += 1
    return n


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
    out = np.empty((depth.shape[0] // 2, depth.shape[1] // 2))
    _downsample_depth(np.asarray(depth, dtype=np.float64), out)
    return out


@njit(parallel=True, cache=True)
def _downsample_depth(depth, out):
    for y in prange(out.shape[0]):
        for x in range(out.shape[1]):
            total, count, lo, hi = 0.0, 0, np.inf, -np.inf
            for dy in range(2):
                for dx in range(2):
                    z = depth[2 * y + dy, 2 * x + dx]
                    if z > 0:
                        total += z
                        count += 1
                        lo, hi = min(lo, z), max(hi, z)
            mean = total / count if count else 0.0
            out[y, x] = 0.0 if count and hi - lo > 0.1 * mean else mean


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
