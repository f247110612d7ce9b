"""Device-resident preparation for ``target="cuda"``: gray images, pyramids, gradients and points on the GPU.

The kernels mirror the host code in :mod:`solver.images` and :mod:`solver.backprojection` operation
for operation (the luma, 2x2 block mean and depth-edge rule are the very per-pixel functions of
:mod:`solver.images`, compiled as device functions; central differences, row-major point order), so
the device path selects the same points as the CPU path. Inputs may be NumPy
arrays (copied once) or any ``__cuda_array_interface__`` array (used without a copy).
"""

from __future__ import annotations

import math

import numpy as np

from jacgen.cuda_support import is_device_array, require_cuda
from solver.arrays import images

cuda = require_cuda()  # imported on the target="cuda" path only; CudaUnavailableError if CUDA cannot run

THREADS_2D = (16, 16)
THREADS_1D = 128

_pixel_luma = cuda.jit(device=True, inline=True)(images.pixel_luma)
_block_mean = cuda.jit(device=True, inline=True)(images.block_mean)
_depth_block_mean = cuda.jit(device=True, inline=True)(images.depth_block_mean)


def as_device(a):
    """A Numba device view of ``a``: no copy for device arrays, one host-to-device copy otherwise."""
    if is_device_array(a):
        return a if hasattr(a, "copy_to_host") else cuda.as_cuda_array(a)
    return cuda.to_device(np.ascontiguousarray(a))


def _grid_2d(h: int, w: int) -> tuple[tuple[int, int], tuple[int, int]]:
    ty, tx = THREADS_2D
    return ((h + ty - 1) // ty, (w + tx - 1) // tx), THREADS_2D


def _grid_1d(n: int) -> tuple[int, int]:
    return max(1, (n + THREADS_1D - 1) // THREADS_1D), THREADS_1D


@cuda.jit
def _gray_kernel(src, scale, out, n_bad):
    y, x = cuda.grid(2)
    if y < out.shape[0] and x < out.shape[1]:
        v = scale * src[y, x]
        out[y, x] = v
        if not math.isfinite(v):
            cuda.atomic.add(n_bad, 0, 1)


@cuda.jit
def _luma_kernel(rgb, scale, out, n_bad):
    y, x = cuda.grid(2)
    if y < out.shape[0] and x < out.shape[1]:
        v = scale * _pixel_luma(rgb, y, x)
        out[y, x] = v
        if not math.isfinite(v):
            cuda.atomic.add(n_bad, 0, 1)


@cuda.jit
def _depth_kernel(src, scale, out):
    y, x = cuda.grid(2)
    if y < out.shape[0] and x < out.shape[1]:
        z = scale * src[y, x]
        out[y, x] = z if math.isfinite(z) else 0.0


@cuda.jit
def _halve_kernel(src, depth, dst):
    y, x = cuda.grid(2)
    if y < dst.shape[0] and x < dst.shape[1]:
        dst[y, x] = _depth_block_mean(src, y, x) if depth else _block_mean(src, y, x)


@cuda.jit
def _stack_kernel(img, out):
    y, x = cuda.grid(2)
    h, w = img.shape
    if y < h and x < w:
        ym, yp = max(y - 1, 0), min(y + 1, h - 1)
        xm, xp = max(x - 1, 0), min(x + 1, w - 1)
        out[y, x, 0] = img[y, x]
        out[y, x, 1] = (img[y, xp] - img[y, xm]) / (xp - xm)
        out[y, x, 2] = (img[yp, x] - img[ym, x]) / (yp - ym)


@cuda.jit(device=True, inline=True)
def _usable(image, depth, y, x, lo, hi):
    h, w = image.shape
    z = depth[y, x]
    if not (z >= lo and z <= hi):
        return False
    gx = image[y, min(x + 1, w - 1)] - image[y, max(x - 1, 0)]
    gy = image[min(y + 1, h - 1), x] - image[max(y - 1, 0), x]
    return gx != 0.0 or gy != 0.0


@cuda.jit
def _count_rows_kernel(image, depth, lo, hi, counts):
    y = cuda.grid(1)
    if y < image.shape[0]:
        c = 0
        for x in range(image.shape[1]):
            if _usable(image, depth, y, x, lo, hi):
                c += 1
        counts[y] = c


@cuda.jit
def _fill_points_kernel(image, depth, lo, hi, K, starts, points, intensities):
    y = cuda.grid(1)
    if y < image.shape[0]:
        fx, fy, cx, cy = K[0], K[1], K[2], K[3]
        i = starts[y]
        for x in range(image.shape[1]):
            if _usable(image, depth, y, x, lo, hi):
                z = depth[y, x]
                points[i, 0] = (x - cx) / fx * z
                points[i, 1] = (y - cy) / fy * z
                points[i, 2] = z
                intensities[i] = image[y, x]
                i += 1


@cuda.jit
def _gather_kernel(src, step, out):
    i = cuda.grid(1)
    if i < out.shape[0]:
        out[i] = src[i * step]


def gray(image, name: str):
    """(H, W) float64 device image from a gray or RGB(A) host or device array; validates like ``to_gray``."""
    img = as_device(image)
    shape, dtype = tuple(img.shape), np.dtype(img.dtype)
    if len(shape) not in (2, 3) or (len(shape) == 3 and shape[2] not in (3, 4)):
        raise ValueError(f"{name} must be (H, W) gray or (H, W, 3|4) colour, got shape {shape}")
    if dtype == np.bool_ or not np.issubdtype(dtype, np.number) or np.issubdtype(dtype, np.complexfloating):
        raise ValueError(f"{name} must be numeric, got {dtype}")
    if shape[0] < 8 or shape[1] < 8:
        raise ValueError(f"{name} is too small ({shape}); need at least 8x8 pixels")
    out = cuda.device_array(shape[:2], dtype=np.float64)
    n_bad = cuda.to_device(np.zeros(1, dtype=np.int64))
    scale = 1.0 / 255.0 if dtype == np.uint8 else 1.0
    kernel = _gray_kernel if len(shape) == 2 else _luma_kernel
    kernel[_grid_2d(*shape[:2])](img, scale, out, n_bad)
    bad = int(n_bad.copy_to_host()[0])
    if bad:
        raise ValueError(f"{name} contains {bad} NaN/inf pixels")
    return out


def depth_metres(depth):
    """(H, W) float64 device depth with NaN/inf replaced by 0 (missing)."""
    d = as_device(depth)
    if len(d.shape) != 2:
        raise ValueError(f"ref_depth must be (H, W), got shape {tuple(d.shape)}")
    out = cuda.device_array(tuple(d.shape), dtype=np.float64)
    _depth_kernel[_grid_2d(*d.shape)](d, 1.0, out)
    return out


def pyramid(img, levels: int) -> list:
    """Device pyramid by 2x2 block means (as :func:`solver.images.pyramid`)."""
    return _pyramid(img, levels, False)


def depth_pyramid(depth, levels: int) -> list:
    """Device depth pyramid (as :func:`solver.images.depth_pyramid`)."""
    return _pyramid(depth, levels, True)


def _pyramid(img, levels: int, depth: bool) -> list:
    out = [img]
    for _ in range(levels - 1):
        src = out[-1]
        dst = cuda.device_array((src.shape[0] // 2, src.shape[1] // 2), dtype=np.float64)
        _halve_kernel[_grid_2d(*dst.shape)](src, depth, dst)
        out.append(dst)
    return out


def stack_with_gradients(img, dtype):
    """(H, W, 3) device stack of intensity and central-difference gradients."""
    h, w = img.shape
    src = img
    if np.dtype(img.dtype) != np.dtype(dtype):
        src = cuda.device_array((h, w), dtype=dtype)
        _gray_kernel[_grid_2d(h, w)](img, 1.0, src, cuda.to_device(np.zeros(1, dtype=np.int64)))
    out = cuda.device_array((h, w, 3), dtype=dtype)
    _stack_kernel[_grid_2d(h, w)](src, out)
    return out


def all_points(image, depth, intrinsics, depth_range, dtype):
    """Device points (N, 3) and intensities (N,) of every usable pixel, row-major.

    As :func:`solver.backprojection.all_points`; only the per-row counts (H integers) visit the host,
    for the prefix sum that places each row.
    """
    lo, hi = (float(v) for v in depth_range)
    h = image.shape[0]
    counts = cuda.device_array(h, dtype=np.int64)
    _count_rows_kernel[_grid_1d(h)](image, depth, lo, hi, counts)
    c = counts.copy_to_host()
    starts = np.zeros(h, dtype=np.int64)
    np.cumsum(c[:-1], out=starts[1:])
    n = int(c.sum())
    points = cuda.device_array((max(n, 1), 3), dtype=dtype)[:n]
    intensities = cuda.device_array(max(n, 1), dtype=dtype)[:n]
    if n:
        K = cuda.to_device(np.asarray(intrinsics, dtype=np.float64))
        _fill_points_kernel[_grid_1d(h)](image, depth, lo, hi, K, cuda.to_device(starts), points, intensities)
    return points, intensities


def strided_sample(values, step: int) -> np.ndarray:
    """Every ``step``-th entry of a device vector, on the host."""
    n = values.shape[0]
    m = (n + step - 1) // step
    if m == 0:
        return np.zeros(0, dtype=values.dtype)
    out = cuda.device_array(m, dtype=values.dtype)
    _gather_kernel[_grid_1d(m)](values, step, out)
    return out.copy_to_host()
