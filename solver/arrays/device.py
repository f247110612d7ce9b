"""Device-resident preparation for ``target="cuda"``: gray images, pyramids, gradients and points on the GPU.

The kernels compute every pixel with the per-pixel functions of :mod:`solver.arrays.images` and
:mod:`solver.arrays.backprojection` (luma, 2x2 block means and the depth-edge rule, missing depth,
the gradient stack, the target depth stack's gradients, the usable-pixel test, back-projection),
compiled as device functions, and
keep the host's row-major point order: the device path selects the same points and computes the
same values as the CPU path. Inputs may be NumPy arrays (copied once) or any
``__cuda_array_interface__`` array (used without a copy). :class:`DeviceArrays` is the
preparation of one problem (the interface :class:`solver.arrays.target.Arrays`).
"""

from __future__ import annotations

import math

import numpy as np

from jacgen.cuda_support import is_device_array, require_cuda
from solver.arrays import backprojection, images

cuda = require_cuda()  # imported on the target="cuda" path only; CudaUnavailableError if CUDA cannot run

THREADS_2D = (16, 16)
THREADS_1D = 128

_pixel_luma = cuda.jit(device=True, inline=True)(images.pixel_luma)
_block_mean = cuda.jit(device=True, inline=True)(images.block_mean)
_depth_block_mean = cuda.jit(device=True, inline=True)(images.depth_block_mean)
_finite_depth = cuda.jit(device=True, inline=True)(images.finite_depth)
_neighbours = cuda.jit(device=True, inline=True)(images.neighbours)
_stack_pixel = cuda.jit(device=True, inline=True)(images.stack_pixel)
_depth_difference = cuda.jit(device=True, inline=True)(images._depth_difference.py_func)
"""The host's depth-gradient rule (missing samples, :data:`solver.arrays.images.DEPTH_EDGE`), its own Python body."""
_normalised = cuda.jit(device=True, inline=True)(backprojection.normalised)
_usable = cuda.jit(device=True, inline=True)(backprojection.usable)


def as_device(a):
    """A Numba device view of ``a``: no copy for device arrays, one host-to-device copy otherwise.

    Device arrays of any library (``__cuda_array_interface__``) go through
    :func:`jacgen.cuda_support.as_device_array`, on a GPU and under the simulator alike.
    """
    from jacgen.cuda_support import as_device_array

    if is_device_array(a):
        return as_device_array(a)
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
def _depth_kernel(src, out):
    y, x = cuda.grid(2)
    if y < out.shape[0] and x < out.shape[1]:
        out[y, x] = _finite_depth(1.0 * src[y, x])  # (as float64, whatever the input's type)


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
        ym, yp = _neighbours(y, h)
        xm, xp = _neighbours(x, w)
        _stack_pixel(img, out, y, x, ym, yp, xm, xp)


@cuda.jit
def _depth_stack_kernel(depth, out):
    y, x = cuda.grid(2)
    h, w = depth.shape
    if y < h and x < w:  # the host's _depth_stack, pixel by pixel
        ym, yp = _neighbours(y, h)
        xm, xp = _neighbours(x, w)
        z = depth[y, x]
        out[y, x, 0] = z if z > 0 else math.nan
        sx = 0.5 if xp - xm == 2 else 1.0
        sy = 0.5 if yp - ym == 2 else 1.0
        out[y, x, 1] = _depth_difference(depth[y, xm], z, depth[y, xp], sx)
        out[y, x, 2] = _depth_difference(depth[ym, x], z, depth[yp, x], sy)


@cuda.jit(device=True, inline=True)
def _usable_at(image, depth, y, x, lo, hi):
    ym, yp = _neighbours(y, image.shape[0])
    xm, xp = _neighbours(x, image.shape[1])
    return _usable(image, depth, y, x, ym, yp, xm, xp, lo, hi)


@cuda.jit
def _count_rows_kernel(image, depth, lo, hi, counts):
    y = cuda.grid(1)
    if y < image.shape[0]:
        c = 0
        for x in range(image.shape[1]):
            if _usable_at(image, depth, y, x, lo, hi):
                c += 1
        counts[y] = c


@cuda.jit
def _fill_points_kernel(image, depth, lo, hi, K, starts, points, intensities):
    y = cuda.grid(1)
    if y < image.shape[0]:
        fx, fy, cx, cy = K[0], K[1], K[2], K[3]
        i = starts[y]
        for x in range(image.shape[1]):
            if _usable_at(image, depth, y, x, lo, hi):
                z = depth[y, x]
                points[i, 0] = _normalised(x, cx, fx) * z
                points[i, 1] = _normalised(y, cy, fy) * z
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
    images.check_image(name, shape, dtype)
    out = cuda.device_array(shape[:2], dtype=np.float64)
    n_bad = cuda.to_device(np.zeros(1, dtype=np.int64))
    scale = 1.0 / 255.0 if dtype == np.uint8 else 1.0
    kernel = _gray_kernel if len(shape) == 2 else _luma_kernel
    kernel[_grid_2d(*shape[:2])](img, scale, out, n_bad)
    bad = int(n_bad.copy_to_host()[0])
    if bad:
        raise ValueError(f"{name} contains {bad} NaN/inf pixels")
    return out


def depth_metres(depth, name: str = "ref_depth"):
    """(H, W) float64 device depth with NaN/inf replaced by 0 (missing); ``ValueError`` naming ``name`` if invalid."""
    d = as_device(depth)
    if len(d.shape) != 2:
        raise ValueError(f"{name} must be (H, W), got shape {tuple(d.shape)}")
    if not images.is_real_numeric(np.dtype(d.dtype)):
        raise ValueError(f"{name} must be a real-valued numeric array, got {d.dtype}")
    out = cuda.device_array(tuple(d.shape), dtype=np.float64)
    _depth_kernel[_grid_2d(*d.shape)](d, out)
    return out


def pyramid(img, levels: int) -> list:
    """Device pyramid by 2x2 block means (as :func:`solver.arrays.images.pyramid`)."""
    return _pyramid(img, levels, False)


def depth_pyramid(depth, levels: int) -> list:
    """Device depth pyramid (as :func:`solver.arrays.images.depth_pyramid`)."""
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
    """(H, W, 3) device stack of intensity and gradients (as :func:`solver.arrays.images.stack_with_gradients`).

    Computed from the float64 image and stored in ``dtype``, as on the host.
    """
    out = cuda.device_array((*img.shape, 3), dtype=dtype)
    _stack_kernel[_grid_2d(*img.shape)](img, out)
    return out


def depth_stack(depth, dtype):
    """(H, W, 3) device target depth stack ``(D, dD/du, dD/dv)`` (as :func:`solver.arrays.images.depth_stack`).

    ``depth``: (H, W) float64 device depth in metres, 0 where missing (:func:`depth_metres`, a
    :func:`depth_pyramid` level). ``D`` is NaN where the depth is missing, each gradient NaN where a
    sample of its stencil is missing or the stencil crosses a depth edge; computed in float64 and
    stored in ``dtype``, as on the host.
    """
    out = cuda.device_array((*depth.shape, 3), dtype=dtype)
    _depth_stack_kernel[_grid_2d(*depth.shape)](depth, out)
    return out


def all_points(image, depth, intrinsics, depth_range, dtype):
    """Device points (N, 3) and intensities (N,) of every usable pixel, row-major.

    As :func:`solver.arrays.backprojection.all_points`; only the per-row counts (H integers) visit the host,
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


class DeviceArrays:
    """Device arrays of one problem (``target="cuda"``); the interface of :class:`solver.arrays.target.Arrays`."""

    name = "cuda"
    """The target's name, as jacgen's generated modules are keyed."""

    def gray(self, image, name: str):
        """:func:`gray`."""
        return gray(image, name)

    def depth(self, depth, shape: tuple[int, int], name: str = "ref_depth"):
        """:func:`depth_metres`, of the reference image's ``shape`` (a host array or a device array, not copied)."""
        d = depth_metres(depth, name)
        images.check_shape(name, d.shape, shape)
        return d

    def pyramid(self, img, levels: int) -> list:
        """:func:`pyramid`."""
        return pyramid(img, levels)

    def depth_pyramid(self, depth, levels: int) -> list:
        """:func:`depth_pyramid`."""
        return depth_pyramid(depth, levels)

    def level_points(self, image, depth, intrinsics, depth_range, max_points, dtype) -> tuple:
        """:func:`all_points`; with ``max_points``, the host's spread-out top-gradient selection, uploaded."""
        if max_points is None:
            return all_points(image, depth, intrinsics, depth_range, dtype)
        host = backprojection.reference_points(
            image.copy_to_host(), depth.copy_to_host(), intrinsics, depth_range, max_points, dtype
        )
        return tuple(as_device(a) for a in host)

    def gradient_stack(self, img, dtype):
        """:func:`stack_with_gradients`."""
        return stack_with_gradients(img, dtype)

    def depth_stack(self, depth, dtype):
        """:func:`depth_stack`."""
        return depth_stack(depth, dtype)

    def depth_residual_sample(self, module, params, constants, points, stack, step: int) -> np.ndarray:
        """Depth residuals of all points on the device; every ``step``-th comes to the host.

        NaN where a point has none. ``module``: the CUDA align module (its ``residuals_depth``);
        ``params``: the warp's only.
        """
        out = cuda.device_array(points.shape[0], dtype=points.dtype)
        module.residuals_depth(params, constants, points, stack, out)
        return strided_sample(out, step)

    def residual_sample(self, module, params, constants, points, iref, stack, step: int) -> np.ndarray:
        """Residuals of all points on the device; every ``step``-th comes to the host."""
        out = cuda.device_array(points.shape[0], dtype=points.dtype)
        module.residuals(params, constants, points, iref, stack, out)
        return strided_sample(out, step)

    def join(self, points: list, irefs: list, stacks: list, offsets: np.ndarray) -> tuple:
        """The pairs' device arrays joined on the device (device-to-device copies)."""
        n = int(offsets[-1])
        joined_points = cuda.device_array((max(n, 1), 3), dtype=points[0].dtype)
        joined_iref = cuda.device_array(max(n, 1), dtype=irefs[0].dtype)
        joined_stacks = cuda.device_array((len(stacks), *stacks[0].shape), dtype=stacks[0].dtype)
        for b, (p, i, s) in enumerate(zip(points, irefs, stacks, strict=True)):
            a, z = int(offsets[b]), int(offsets[b + 1])
            if z > a:
                joined_points[a:z].copy_to_device(p)
                joined_iref[a:z].copy_to_device(i)
            joined_stacks[b].copy_to_device(s)
        return joined_points[:n], joined_iref[:n], joined_stacks

    def upload(self, a):
        """:func:`as_device`."""
        return as_device(a)

    def choose(self, cpu, cuda):
        """``cuda()``."""
        return cuda()

    def release(self) -> None:
        """Nothing: device arrays are freed with their last reference."""
