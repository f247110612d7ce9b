"""The fused normal equations of render-and-compare (:mod:`solver.pointset.splat`) for ``target="cuda"``.

The host bins the points into tiles as the CPU path does (:func:`solver.pointset.splat.bin_points`). On
the device one block of ``TILE * TILE`` threads handles one tile, one thread per pixel: the thread
forms its pixel's Jacobian row from the tile's points with the CPU kernel's formulas (float64),
the block sums the ``n (n + 1) / 2 + n + 2`` accumulators through shared memory (a group of
accumulators at a time, in two stages: strided partial sums, then their sum) and writes one row
per tile; a second small kernel sums those rows, and only the summed row comes back to the host.
Threads of a tile's pixels outside the image contribute zeros.

``numba.cuda`` is loaded by the first call (:func:`jacgen.cuda_support.require_cuda`), not by
importing this module, and the kernels are compiled once per number of warp parameters.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType

import numpy as np
from numba import float64

from solver.core.model import NormalEquations
from solver.pointset.splat import TILE, bin_points, symmetric
from solver.pointset.splat import pixel_row as _pixel_row_py

cuda: ModuleType | None = None
"""``numba.cuda`` once :func:`_kernels` has run; a module global because the CUDA simulator runs the
kernels with the module globals that refer to ``numba.cuda`` swapped for its fake module."""

THREADS = TILE * TILE
"""Threads per block of the per-tile kernel: one per pixel of a tile (a power of two)."""

MAX_GROUP = 16
"""Most accumulators reduced at once: at most ``MAX_GROUP * THREADS`` doubles of shared memory (32 KiB)."""

SUM_COLUMNS, SUM_LANES = 32, 8
"""Block shape of the row-summing kernel: accumulators per block, threads per accumulator."""


@functools.cache
def _kernels(n_pose: int) -> tuple[Callable, Callable, int]:
    """The per-tile kernel, the row-summing kernel and the accumulator count for ``n_pose`` warp parameters."""
    global cuda
    from jacgen.cuda_support import require_cuda

    cuda = require_cuda()
    pixel_row = cuda.jit(device=True)(_pixel_row_py)
    n = n_pose + 3
    n_h = n * (n + 1) // 2
    size = n_h + n + 2
    group = -(-size // -(-size // MAX_GROUP))  # balanced groups of at most MAX_GROUP
    segments = 1 << (THREADS // group).bit_length() - 1  # power of two, group * segments <= THREADS

    @cuda.jit
    def tile_rows(uv, duv, amplitude, image, sigma, gain, offset, clip, offsets, indices, partial):
        shared = cuda.shared.array((group, THREADS), dtype=float64)
        sums = cuda.shared.array((group, segments), dtype=float64)
        row = cuda.local.array(n, dtype=float64)
        vals = cuda.local.array(size, dtype=float64)
        tid = cuda.threadIdx.x
        t = cuda.blockIdx.x
        h, w = image.shape[0], image.shape[1]
        tiles_x = (w + TILE - 1) // TILE
        y = (t // tiles_x) * TILE + tid // TILE
        x = (t % tiles_x) * TILE + tid % TILE
        for k in range(n):
            row[k] = 0.0
        r = 0.0
        used = 0.0
        if y < h and x < w:
            first, last = offsets[t], offsets[t + 1]
            r = pixel_row(x, y, uv, duv, amplitude, indices, first, last, image[y, x], sigma, gain, offset, clip, row)
            used = 1.0
        k = 0
        for a in range(n):
            for b in range(a, n):
                vals[k] = row[a] * row[b]
                k += 1
        for a in range(n):
            vals[n_h + a] = row[a] * r
        vals[n_h + n] = 0.5 * r * r
        vals[n_h + n + 1] = used
        for start in range(0, size, group):
            for j in range(group):
                shared[j, tid] = vals[start + j] if start + j < size else 0.0
            cuda.syncthreads()
            if tid < group * segments:  # thread (j, s) sums pixels s, s + segments, ... of accumulator j
                j, s = tid // segments, tid % segments
                total = 0.0
                for p in range(s, THREADS, segments):
                    total += shared[j, p]
                sums[j, s] = total
            cuda.syncthreads()  # also: shared is free for the next group
            if tid < group and start + tid < size:
                total = 0.0
                for s in range(segments):
                    total += sums[tid, s]
                partial[t, start + tid] = total

    @cuda.jit
    def sum_rows(partial, out):
        shared = cuda.shared.array((SUM_LANES, SUM_COLUMNS), dtype=float64)
        col = cuda.threadIdx.x
        lane = cuda.threadIdx.y
        c = cuda.blockIdx.x * SUM_COLUMNS + col
        s = 0.0
        if c < size:
            for t in range(lane, partial.shape[0], SUM_LANES):
                s += partial[t, c]
        shared[lane, col] = s
        cuda.syncthreads()
        step = SUM_LANES // 2
        while step > 0:
            if lane < step:
                shared[lane, col] += shared[lane + step, col]
            cuda.syncthreads()
            step //= 2
        if lane == 0 and c < size:
            out[c] = shared[0, col]

    return tile_rows, sum_rows, size


def _device_image(image):
    """``image`` on the device: a device array as it is (float64, 2-D), else one host-to-device copy."""
    from solver.arrays import device

    if device.is_device_array(image):
        image = device.as_device(image)
        if image.ndim != 2 or np.dtype(image.dtype) != np.float64:
            raise ValueError(f"a device image must be 2-D float64, got {image.ndim}-D {np.dtype(image.dtype)}")
        return image
    return device.as_device(np.asarray(image, dtype=np.float64))


def splat_normal_equations(
    uv, duv, valid, amplitude, image, sigma: float, gain: float, offset: float, clip: bool
) -> NormalEquations:
    """:func:`solver.pointset.splat.splat_normal_equations` on the GPU: same arguments, same result.

    Parameters
    ----------
    uv, duv, valid, amplitude
        Host (NumPy) arrays as for the CPU kernel; the points are binned on the host, then ``uv``,
        ``duv``, ``amplitude`` and the bins are copied to the device.
    image : (H, W) float64
        The observed image: a NumPy array (copied to the device on every call) or a device array
        (``__cuda_array_interface__`` or a Numba device array, 2-D float64), used without a copy;
        pass one to keep the image on the device across calls.
    sigma, gain, offset, clip
        The renderer (:mod:`solver.pointset.splat`).

    Returns
    -------
    NormalEquations
        As the CPU kernel's, up to the order of the floating-point sums.
    """
    from jacgen.cuda_support import require_cuda

    gpu = require_cuda()  # numba.cuda, or CudaUnavailableError naming the cause
    tile_rows, sum_rows, size = _kernels(duv.shape[2])
    img = _device_image(image)
    uv = np.ascontiguousarray(uv, dtype=np.float64)
    duv = np.ascontiguousarray(duv, dtype=np.float64)
    valid = np.asarray(valid, dtype=np.bool_)
    amplitude = np.ascontiguousarray(amplitude, dtype=np.float64)
    h, w = img.shape
    n = duv.shape[2] + 3
    offsets, indices, outside = bin_points(uv, valid, sigma, (h, w))
    tiles = offsets.size - 1
    acc = np.zeros(size)
    if tiles:
        partial = gpu.device_array((tiles, size), dtype=np.float64)
        args = (gpu.to_device(uv), gpu.to_device(duv), gpu.to_device(amplitude), img)
        scalars = (float(sigma), float(gain), float(offset), bool(clip))
        tile_rows[tiles, THREADS](*args, *scalars, gpu.to_device(offsets), gpu.to_device(indices), partial)
        out = gpu.device_array(size, dtype=np.float64)
        sum_rows[-(-size // SUM_COLUMNS), (SUM_COLUMNS, SUM_LANES)](partial, out)
        acc = out.copy_to_host()
    H, g = symmetric(acc, n)
    return NormalEquations(H, g, float(acc[-2]), int(acc[-1]), int((~valid).sum()), int(outside))
