"""Host-side launches of the fused CPU kernels: one pair, or a batch of pairs in one call.

The kernels take whole lane vectors only; a launch runs each tile's last ``< lanes`` points
again as a tile of their own, padded with NaN points, and takes the padding off the "behind"
count (:func:`jacgen.runtime.tiles.tails`).
"""

from __future__ import annotations

import numpy as np

from ..lanes import LANE_BYTES
from .tiles import batch_tiles, hoist_rows, pair_tiles, sum_tiles, tails


def _run_tiles(kernel, h, points, iref, images, tiles, scale, layout, n_pairs: int) -> np.ndarray:
    """Per-pair sums of ``kernel`` over ``tiles``: whole lane vectors, then the tiles' tails.

    ``images``: the target stacks the kernel reads after ``iref`` (one, or the intensity and depth stacks).
    """
    tail_tiles, tail_points, tail_iref, padding = tails(tiles, points, iref)
    sums = np.zeros((n_pairs, layout["size"]))
    for run_tiles, run_points, run_iref in ((tiles, points, iref), (tail_tiles, tail_points, tail_iref)):
        if run_tiles.shape[0]:
            partial = np.empty((run_tiles.shape[0], layout["size"]))
            kernel(h, run_points, run_iref, *images, run_tiles, scale, partial)
            sums += sum_tiles(partial, run_tiles, n_pairs)
    np.subtract.at(sums[:, layout["n_behind"]], tail_tiles[:, 0], padding)
    return sums


def _pair(kernel, hoisted, layout, points, iref, images, scale) -> np.ndarray:
    """One pair's accumulator vector: whole lane vectors, then the last ``n % lanes`` points padded."""
    points, iref = (np.ascontiguousarray(a) for a in (points, iref))
    stacks = tuple(np.ascontiguousarray(a)[None] for a in images)
    n, size = points.shape[0], layout["size"]
    tiles = pair_tiles(n)
    h = hoisted[None, :]
    partial = np.empty((tiles.shape[0], size))
    kernel(h, points, iref, *stacks, tiles, scale, partial)
    sums = partial.sum(axis=0)
    lanes = LANE_BYTES // points.dtype.itemsize
    rest = n % lanes
    if rest:
        tail_points = np.full((lanes, points.shape[1]), np.nan, dtype=points.dtype)
        tail_points[:rest] = points[n - rest :]
        tail_iref = np.zeros(lanes, dtype=iref.dtype)
        tail_iref[:rest] = iref[n - rest :]
        tail = np.empty((1, size))
        kernel(h, tail_points, tail_iref, *stacks, np.array([[0, 0, lanes]], dtype=np.int64), scale, tail)
        sums += tail[0]
        sums[layout["n_behind"]] -= lanes - rest
    return sums


def fused_pair(kernel, hoisted, layout, points, iref, tgt, loss_scale) -> np.ndarray:
    """Run a fused kernel (the one of the chosen loss) on one pair: its accumulator vector (``layout``).

    Tiles start on multiples of :data:`~jacgen.runtime.tiles.GROUP_ALIGN`, so only the last can end
    in a partial lane vector: its last ``n % lanes`` points run again as a tile of their own.
    """
    return _pair(kernel, hoisted, layout, points, iref, (tgt,), np.array([loss_scale], dtype=np.float64))


def fused_pair_depth(kernel, hoisted, layout, points, iref, tgt, depth, scales) -> np.ndarray:
    """:func:`fused_pair` of a photometric + depth kernel: ``depth`` the (H, W, 3) depth stack.

    ``scales``: the photometric robust scale, the depth robust scale and the depth terms' weight.
    """
    scale = np.array([scales], dtype=np.float64).reshape(1, 3)
    return _pair(kernel, hoisted, layout, points, iref, (tgt, depth), scale)


def fused_batch(kernels, hoist, layout, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """Run a fused kernel on B pairs at once: ``(B, size)`` accumulators (zero rows where not active).

    ``kernels``: the fused kernel of each loss, by loss id.
    """
    h = hoist_rows(hoist, params, constants, active)
    tiles = batch_tiles(offsets, active)
    scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
    points, iref, tgt = (np.ascontiguousarray(a) for a in (points, iref, tgt))
    return _run_tiles(kernels[loss_id], h, points, iref, (tgt,), tiles, scale, layout, h.shape[0])


def fused_batch_depth(
    kernels, hoist, layout, params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales
):
    """:func:`fused_batch` of a photometric + depth kernel: ``depth`` (B, H, W, 3), ``scales`` (B, 3)."""
    h = hoist_rows(hoist, params, constants, active)
    tiles = batch_tiles(offsets, active)
    scale = np.ascontiguousarray(np.reshape(scales, (-1, 3)), dtype=np.float64)
    points, iref, tgt, depth = (np.ascontiguousarray(a) for a in (points, iref, tgt, depth))
    return _run_tiles(kernels[loss_id], h, points, iref, (tgt, depth), tiles, scale, layout, h.shape[0])


__all__ = ["fused_batch", "fused_batch_depth", "fused_pair", "fused_pair_depth"]
