"""Batched device reference points: usable pixels counted per row, the batch layout, and the point fill.

Three launches per pyramid level for all B pairs: :func:`count_rows_batch` (one thread per row of
every pair), :func:`layout_batch` (one block: each pair's row prefix sum, then the pair offsets,
tile rows and robust-scale samples) and :func:`fill_batch` (one thread per row again, writing the
row's points in row-major order). Rows are on the grid's ``x`` axis (blocks of :data:`ROW_THREADS`),
pairs on its ``y`` axis. Pixels are tested and back-projected by the per-pixel functions of
:mod:`solver.arrays.backprojection`, so each pair's points are the host's ``all_points``, bit for bit.
"""

from __future__ import annotations

from jacgen.cuda_support import require_cuda
from solver.arrays import backprojection, images
from solver.core.problem import MAD_SAMPLES

cuda = require_cuda()

ROW_THREADS = 64
"""Threads (rows) per block of :func:`count_rows_batch` and :func:`fill_batch`."""
LAYOUT_THREADS = 128
"""Threads of the single block of :func:`layout_batch` (pairs per round)."""

_neighbours = cuda.jit(device=True, inline=True)(images.neighbours)
_normalised = cuda.jit(device=True, inline=True)(backprojection.normalised)
_usable = cuda.jit(device=True, inline=True)(backprojection.usable)


def row_grid(n_pairs: int, h: int) -> tuple[tuple[int, int], int]:
    """Launch configuration ``(blocks, ROW_THREADS)``: rows on ``x``, pairs on ``y``."""
    return ((h + ROW_THREADS - 1) // ROW_THREADS, max(int(n_pairs), 1)), ROW_THREADS


@cuda.jit(device=True, inline=True)
def _usable_at(image, depth, y, x, lo, hi):
    ym, yp = _neighbours(y, image.shape[0])
    xm, xp = _neighbours(x, image.shape[1])
    return _usable(image, depth, y, x, ym, yp, xm, xp, lo, hi)


@cuda.jit
def _count_rows_kernel(image, depth, lo, hi, counts):
    y, b = cuda.grid(2)
    if b < image.shape[0] and y < image.shape[1]:
        img, dep = image[b], depth[b]
        c = 0
        for x in range(image.shape[2]):
            if _usable_at(img, dep, y, x, lo, hi):
                c += 1
        counts[b, y] = c


def count_rows_batch(image, depth, lo: float, hi: float, counts) -> None:
    """Usable pixels (:func:`solver.arrays.backprojection.usable`) per row of every pair.

    Parameters
    ----------
    image, depth : device array
        (B, h, w) float64 level images and depths.
    lo, hi : float
        Depth range.
    counts : device array
        (B, h) int64, written.
    """
    _count_rows_kernel[row_grid(image.shape[0], image.shape[1])](image, depth, float(lo), float(hi), counts)


@cuda.jit(device=True)
def _row_prefix(counts, b, row_starts):
    """``row_starts[b]`` = exclusive prefix sum of ``counts[b]``; returns the pair's total."""
    s = 0
    for y in range(counts.shape[1]):
        row_starts[b, y] = s
        s += counts[b, y]
    return s


@cuda.jit(device=True)
def _pair_rows(b, tile, row_starts, offsets, tile_offsets, tiles, sample):
    """Pair ``b``'s global row starts, tile rows and sample row, once the offsets are known."""
    start, end = offsets[b], offsets[b + 1]
    n = end - start
    for y in range(row_starts.shape[1]):
        row_starts[b, y] += start
    step = max(1, n // MAD_SAMPLES)
    sample[b, 0] = start
    sample[b, 1] = step
    sample[b, 2] = (n + step - 1) // step
    for k in range(tile_offsets[b + 1] - tile_offsets[b]):
        row = tile_offsets[b] + k
        if row < tiles.shape[0]:
            first = start + k * tile
            tiles[row, 0] = b
            tiles[row, 1] = first
            tiles[row, 2] = min(first + tile, end)


@cuda.jit
def _layout_kernel(counts, tile, row_starts, offsets, tile_offsets, tiles, sample):
    t, nt = cuda.threadIdx.x, cuda.blockDim.x
    n_pairs = counts.shape[0]
    for b in range(t, n_pairs, nt):
        offsets[b + 1] = _row_prefix(counts, b, row_starts)  # the pair's size, for now
    cuda.syncthreads()
    if t == 0:
        offsets[0] = 0
        tile_offsets[0] = 0
        for b in range(n_pairs):
            n = offsets[b + 1]
            offsets[b + 1] = offsets[b] + n
            tile_offsets[b + 1] = tile_offsets[b] + (n + tile - 1) // tile
    cuda.syncthreads()
    for b in range(t, n_pairs, nt):
        _pair_rows(b, tile, row_starts, offsets, tile_offsets, tiles, sample)


def layout_batch(counts, tile: int, row_starts, offsets, tile_offsets, tiles, sample) -> None:
    """Where every pair's points, tiles and robust-scale sample go, from the row counts (one block).

    Parameters
    ----------
    counts : device array
        (B, h) int64 usable pixels per row (:func:`count_rows_batch`).
    tile : int
        Points per tile.
    row_starts : device array
        (B, h) int64, written: the joined index of each row's first point.
    offsets : device array
        (B + 1,) int64, written: pair ``b``'s points are ``offsets[b]:offsets[b + 1]``.
    tile_offsets : device array
        (B + 1,) int64, written: pair ``b``'s tiles are rows ``tile_offsets[b]:tile_offsets[b + 1]``
        of ``tiles``, ``ceil(n_b / tile)`` of them (as :func:`jacgen.runtime.tiles.batch_tiles`).
    tiles : device array
        (capacity, 3) int64, written: rows ``(pair, first, end)``; rows past ``capacity`` are not written.
    sample : device array
        (B, 3) int64, written: rows ``(start, step, count)`` of the robust-scale sample,
        ``step = mad_step(n_b)`` and ``count = ceil(n_b / step)``.
    """
    _layout_kernel[1, LAYOUT_THREADS](counts, int(tile), row_starts, offsets, tile_offsets, tiles, sample)


@cuda.jit
def _fill_kernel(image, depth, lo, hi, intrinsics, row_starts, points, intensities):
    y, b = cuda.grid(2)
    if b < image.shape[0] and y < image.shape[1]:
        img, dep = image[b], depth[b]
        fx, fy, cx, cy = intrinsics[b, 0], intrinsics[b, 1], intrinsics[b, 2], intrinsics[b, 3]
        i = row_starts[b, y]
        for x in range(image.shape[2]):
            if _usable_at(img, dep, y, x, lo, hi):
                z = dep[y, x]
                points[i, 0] = _normalised(x, cx, fx) * z
                points[i, 1] = _normalised(y, cy, fy) * z
                points[i, 2] = z
                intensities[i] = img[y, x]
                i += 1


def fill_batch(image, depth, lo: float, hi: float, intrinsics, row_starts, points, intensities) -> None:
    """Every usable pixel's back-projected point and intensity, row-major per pair, pairs joined.

    Parameters
    ----------
    image, depth : device array
        (B, h, w) float64 level images and depths.
    lo, hi : float
        Depth range (as for :func:`count_rows_batch`).
    intrinsics : device array
        (B, 4) float64 ``(fx, fy, cx, cy)`` of this level per pair.
    row_starts : device array
        (B, h) int64 from :func:`layout_batch`.
    points, intensities : device array
        (N, 3) and (N,) float32 or float64 (N >= the total point count), written.
    """
    _fill_kernel[row_grid(image.shape[0], image.shape[1])](
        image, depth, float(lo), float(hi), intrinsics, row_starts, points, intensities
    )


__all__ = ["LAYOUT_THREADS", "ROW_THREADS", "count_rows_batch", "fill_batch", "layout_batch", "row_grid"]
