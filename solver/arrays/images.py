"""Image preparation: grayscale conversion, validation, pyramids and gradients.

Pixel-centre convention: pixel ``(row, col)`` has its centre at ``(u, v) = (col, row)``. A pyramid
level halves the resolution by averaging 2x2 blocks, so level ``l`` sees intrinsics
``f_l = f / 2**l`` and ``c_l = (c + 0.5) / 2**l - 0.5``.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange


def to_gray(image, name: str, empty=np.empty) -> np.ndarray:
    """(H, W) float64 intensities from gray or RGB(A), uint8 scaled to [0, 1]; validates.

    ``empty(shape, dtype)`` allocates the result (``np.empty`` or :meth:`solver.arrays.scratch.Scratch.empty`);
    a float64 gray image is used as it is, without a copy.
    """
    img = as_array(image, name)
    check_image(name, img.shape, img.dtype)
    scale = 1.0 / 255.0 if img.dtype == np.uint8 else 1.0
    if img.ndim == 2 and img.dtype == np.float64:
        gray = np.ascontiguousarray(img)
    elif img.ndim == 2:
        gray = empty(img.shape, np.float64)
        np.multiply(img, scale, out=gray)
    elif img.dtype in (np.uint8, np.float32, np.float64):
        gray = empty(img.shape[:2], np.float64)
        _luma(img, scale, gray)
    else:
        gray = img[..., :3].astype(np.float64) @ np.array(LUMA)
    if img.dtype != np.uint8 and not np.isfinite(gray).all():  # uint8 holds no NaN/inf
        raise ValueError(f"{name} contains {np.count_nonzero(~np.isfinite(gray))} NaN/inf pixels")
    return gray


def check_image(name: str, shape: tuple[int, ...], dtype: np.dtype) -> None:
    """``ValueError`` naming ``name`` unless the image is (H, W) gray or (H, W, 3|4) colour, numeric, 8x8 or more."""
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (3, 4)):
        raise ValueError(f"{name} must be (H, W) gray or (H, W, 3|4) colour, got shape {shape}")
    if not is_real_numeric(dtype):
        raise ValueError(f"{name} must be numeric, got {dtype}")
    if shape[0] < 8 or shape[1] < 8:
        raise ValueError(f"{name} is too small ({shape}); need at least 8x8 pixels")


def as_array(value, name: str) -> np.ndarray:
    """``np.asarray(value)``; ``ValueError`` naming ``name`` for what NumPy cannot make an array of."""
    try:
        return np.asarray(value)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        raise ValueError(f"{name} must be an array: {exc}") from None


def is_real_numeric(dtype: np.dtype) -> bool:
    """Integer or floating point, not bool or complex."""
    return dtype.kind in "uif"


def to_depth(depth, shape: tuple[int, ...], name: str = "ref_depth") -> np.ndarray:
    """(H, W) float64 depth of the given ``shape``, validated; NaN and inf are kept (see :func:`finite_or_zero`)."""
    d = as_array(depth, name)
    if not is_real_numeric(d.dtype):
        raise ValueError(f"{name} must be a real-valued numeric array, got {d.dtype}")
    check_shape(name, d.shape, shape)
    return np.asarray(d, dtype=np.float64)


def check_shape(name: str, shape: tuple[int, ...], ref_shape: tuple[int, ...]) -> None:
    """``ValueError`` unless ``name``'s ``shape`` is the reference image's ``ref_shape``."""
    if tuple(shape) != tuple(ref_shape):
        raise ValueError(f"{name} shape {tuple(shape)} differs from ref_image shape {tuple(ref_shape)}")


LUMA = (0.299, 0.587, 0.114)
"""ITU-R BT.601 weights of ``(R, G, B)``."""


# Per-pixel formulas in plain Python, compiled by ``njit`` for the host kernels here and as CUDA device
# functions by :mod:`solver.arrays.device`: both targets compute every pixel with the same code.


def pixel_luma(rgb, y, x):
    """Intensity of pixel ``(y, x)`` of an (H, W, 3|4) colour image with the :data:`LUMA` weights."""
    return LUMA[0] * rgb[y, x, 0] + LUMA[1] * rgb[y, x, 1] + LUMA[2] * rgb[y, x, 2]


def block_mean(img, y, x):
    """Mean of the 2x2 block of ``img`` whose top-left pixel is ``(2 y, 2 x)``."""
    return 0.25 * (img[2 * y, 2 * x] + img[2 * y + 1, 2 * x] + img[2 * y, 2 * x + 1] + img[2 * y + 1, 2 * x + 1])


def depth_block_mean(depth, y, x):
    """Mean of the valid (> 0) depths of the 2x2 block at ``(2 y, 2 x)``; 0 where none or spanning a depth edge.

    A block spans a depth edge when its valid depths differ by more than 10 % of their mean.
    """
    total, count, lo, hi = 0.0, 0, math.inf, -math.inf
    for dy in range(2):
        for dx in range(2):
            z = depth[2 * y + dy, 2 * x + dx]
            if z > 0:
                total += z
                count += 1
                lo, hi = min(lo, z), max(hi, z)
    mean = total / count if count else 0.0
    return 0.0 if count and hi - lo > 0.1 * mean else mean


def finite_depth(z):
    """``z``, or 0 (missing) where it is NaN or inf."""
    return z if math.isfinite(z) else 0.0


def neighbours(i, n):
    """``(i - 1, i + 1)`` clamped to ``0 .. n - 1``: the samples of a central difference, one-sided at a border."""
    return max(i - 1, 0), min(i + 1, n - 1)


def stack_pixel(img, out, y, x, ym, yp, xm, xp):
    """``out[y, x] = (I, dI/du, dI/dv)`` of ``img`` at ``(y, x)``, from the neighbours ``ym, yp`` and ``xm, xp``.

    The neighbours are those of :func:`neighbours`: a difference across two pixels is halved
    (central), one of adjacent pixels (at a border) is not.
    """
    out[y, x, 0] = img[y, x]
    out[y, x, 1] = (img[y, xp] - img[y, xm]) * (0.5 if xp - xm == 2 else 1.0)
    out[y, x, 2] = (img[yp, x] - img[ym, x]) * (0.5 if yp - ym == 2 else 1.0)


_pixel_luma = njit(cache=True, inline="always")(pixel_luma)
_block_mean = njit(cache=True, inline="always")(block_mean)
_depth_block_mean = njit(cache=True, inline="always")(depth_block_mean)
_neighbours = njit(cache=True, inline="always")(neighbours)
_stack_pixel = njit(cache=True, inline="always")(stack_pixel)


@njit(parallel=True, cache=True)
def _luma(rgb, scale, out):
    for y in prange(rgb.shape[0]):
        for x in range(rgb.shape[1]):
            out[y, x] = scale * _pixel_luma(rgb, y, x)


def finite_or_zero(depth: np.ndarray, empty=np.empty) -> np.ndarray:
    """Copy of a float64 (H, W) ``depth`` with NaN and inf replaced by 0 (missing)."""
    out = empty(depth.shape, np.float64)
    np.copyto(out, depth)
    out[~np.isfinite(depth)] = 0.0  # NumPy: a kernel would cost a cold first call 0.4 s to save 0.06 ms
    return out


def intrinsics_at_level(intrinsics, level: int) -> np.ndarray:
    """``(fx, fy, cx, cy)`` of pyramid level ``level`` (see the module docstring)."""
    fx, fy, cx, cy = (float(v) for v in intrinsics)
    s = 2.0**level
    return np.array([fx / s, fy / s, (cx + 0.5) / s - 0.5, (cy + 0.5) / s - 0.5])


def _halve(img: np.ndarray, depth: bool, empty) -> np.ndarray:
    """The next level: 2x2 means (:func:`depth_block_mean` for depth), odd trailing row and column dropped."""
    out = empty((img.shape[0] // 2, img.shape[1] // 2), np.float64)
    _halve_kernel(np.asarray(img, dtype=np.float64), depth, out)
    return out


@njit(parallel=True, cache=True)
def _halve_kernel(img, depth, out):
    for y in prange(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = _depth_block_mean(img, y, x) if depth else _block_mean(img, y, x)


@njit(parallel=True, cache=True)
def _stack_with_gradients(img, out):
    """``out[..., 0] = img``, ``out[..., 1:]`` its gradients (:func:`stack_pixel`), in ``img``'s arithmetic."""
    h, w = img.shape
    for y in prange(h):
        ym, yp = _neighbours(y, h)
        for x in (0, w - 1):  # the border columns' neighbours are clamped, so the interior's need no clamps
            xm, xp = _neighbours(x, w)
            _stack_pixel(img, out, y, x, ym, yp, xm, xp)
        for x in range(1, w - 1):  # (vectorisable)
            _stack_pixel(img, out, y, x, ym, yp, x - 1, x + 1)


def stack_with_gradients(img: np.ndarray, dtype, empty=np.empty) -> np.ndarray:
    """(H, W, 3) array of intensity and central-difference gradients ``d/du``, ``d/dv`` (float64 arithmetic)."""
    out = empty((*img.shape, 3), dtype)
    _stack_with_gradients(np.asarray(img, dtype=np.float64), out)
    return out


DEPTH_EDGE = 0.1
"""A depth gradient crosses a depth edge when the depths of its stencil (the pixel and its two
neighbours along the axis) differ by more than this fraction of the pixel's depth; as
:func:`depth_block_mean`'s rule for a 2x2 block."""


@njit(cache=True, inline="always")
def _depth_difference(a, c, b, scale):
    """``(b - a) * scale``, or NaN where a sample is missing (<= 0) or the three cross a depth edge."""
    if not (a > 0 and b > 0 and c > 0):
        return math.nan
    if max(a, b, c) - min(a, b, c) > DEPTH_EDGE * c:
        return math.nan
    return (b - a) * scale


@njit(parallel=True, cache=True)
def _depth_stack(depth, out):
    """``out[..., 0] = depth`` (NaN where missing), ``out[..., 1:]`` its gradients (NaN across edges)."""
    h, w = depth.shape
    for y in prange(h):
        ym, yp = _neighbours(y, h)
        for x in range(w):
            xm, xp = _neighbours(x, w)
            z = depth[y, x]
            out[y, x, 0] = z if z > 0 else math.nan
            sx = 0.5 if xp - xm == 2 else 1.0
            sy = 0.5 if yp - ym == 2 else 1.0
            out[y, x, 1] = _depth_difference(depth[y, xm], z, depth[y, xp], sx)
            out[y, x, 2] = _depth_difference(depth[ym, x], z, depth[yp, x], sy)


def depth_stack(depth: np.ndarray, dtype, empty=np.empty) -> np.ndarray:
    """(H, W, 3) target depth stack ``(D, dD/du, dD/dv)`` for the depth residual, in ``dtype``.

    ``depth`` is in metres, 0 where missing (:func:`finite_or_zero`). ``D`` is NaN where the depth is
    missing; each gradient is the central difference of :func:`stack_pixel`, NaN where a sample of
    its stencil is missing or the stencil crosses a depth edge (:data:`DEPTH_EDGE`). The fused
    kernels drop the depth residual of a point whose bilinear neighbourhood holds a NaN (its
    photometric residual stays).
    """
    out = empty((*depth.shape, 3), dtype)
    _depth_stack(np.asarray(depth, dtype=np.float64), out)
    return out


def pyramid(img: np.ndarray, levels: int, empty=np.empty) -> list[np.ndarray]:
    """``[level 0 (full), level 1, ...]`` by 2x2 block means."""
    return _pyramid(img, levels, False, empty)


def depth_pyramid(depth: np.ndarray, levels: int, empty=np.empty) -> list[np.ndarray]:
    """Depth pyramid by the 2x2 means of valid depths (:func:`depth_block_mean`)."""
    return _pyramid(depth, levels, True, empty)


def _pyramid(img: np.ndarray, levels: int, depth: bool, empty) -> list[np.ndarray]:
    out = [img]
    for _ in range(levels - 1):
        out.append(_halve(out[-1], depth, empty))
    return out
