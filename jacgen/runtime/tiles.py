"""Tiles of points ``(pair, first, end)`` for one pair or a batch, and the per-pair rows around them (host side).

A batch launch hands its kernel one row of hoisted values per pair (:func:`hoist_rows`) and
tiles grouped by pair; the kernel writes one row of partial sums per tile, added per pair by
:func:`sum_tiles`.
"""

from __future__ import annotations

import functools

import numpy as np

from ..lanes import LANE_BYTES

CHUNK = 4096
"""Points per tile of a single pair: the tile count is a function of the point count alone, so
sums do not depend on the number of threads."""

BATCH_TILE = 4096
"""Points per tile of a batch of pairs."""

GROUP_ALIGN = 8
"""Tiles start on multiples of this many points (from their pair's first), a multiple of every
lane width: only a pair's last tile can end in a partial lane vector (see :func:`tails`)."""


@functools.lru_cache(maxsize=64)
def pair_tiles(n: int, tile: int = CHUNK) -> np.ndarray:
    """Rows ``(0, first, end)``: ``n // tile + 1`` near-equal tiles of ``n`` points (cached: do not modify)."""
    count = n // tile + 1
    bounds = np.arange(count + 1, dtype=np.int64) * n // count // GROUP_ALIGN * GROUP_ALIGN
    bounds[-1] = n
    return np.column_stack([np.zeros(count, dtype=np.int64), bounds[:-1], bounds[1:]])


def batch_tiles(offsets, active, tile: int = BATCH_TILE) -> np.ndarray:
    """Rows ``(pair, first, end)`` covering the points of every active pair, grouped by pair."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sizes = np.diff(offsets)
    counts = np.where(np.asarray(active, dtype=bool), (sizes + tile - 1) // tile, 0)
    pair = np.repeat(np.arange(sizes.size), counts)
    k = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    start = offsets[pair] + k * tile
    return np.column_stack([pair, start, np.minimum(start + tile, offsets[pair + 1])])


def tails(tiles: np.ndarray, points: np.ndarray, iref: np.ndarray):
    """Each tile's last ``< lanes`` points as a tile of their own: ``(tiles, points, iref, padding)``.

    The fused CPU kernels take whole lane vectors only (``lanes`` = 32 bytes of the points' float
    type); this copies the rest of every tile into one lane vector each, padded with NaN points
    (rejected as behind the camera: ``padding[k]`` of them in tail tile ``k``, for the caller to
    take off that count) and zero intensities.
    """
    lanes = LANE_BYTES // points.dtype.itemsize
    rest = (tiles[:, 2] - tiles[:, 1]) % lanes
    which = np.flatnonzero(rest)
    lane = np.arange(lanes)
    used = lane[None, :] < rest[which, None]
    rows = np.where(used, tiles[which, 2, None] - rest[which, None] + lane[None, :], 0)
    tail_points = np.where(used[..., None], points[rows], np.nan).astype(points.dtype).reshape(-1, points.shape[1])
    tail_iref = np.where(used, iref[rows], 0).astype(iref.dtype).ravel()
    first = np.arange(which.size, dtype=np.int64) * lanes
    tail_tiles = np.column_stack([tiles[which, 0], first, first + lanes])
    return tail_tiles, tail_points, tail_iref, lanes - rest[which]


def hoist_rows(hoist, params, constants, active) -> np.ndarray:
    """``hoist(params[b], constants[b])`` of every active pair as rows (zeros for the others)."""
    rows = [hoist(p, c) if a else None for p, c, a in zip(params, constants, active, strict=True)]
    width = next((r.size for r in rows if r is not None), 1)
    return np.stack([np.zeros(width) if r is None else r for r in rows])


def sum_tiles(partial: np.ndarray, tiles: np.ndarray, n_pairs: int) -> np.ndarray:
    """Per-pair sums of the tiles' partial rows (in tile order), zero rows for pairs without tiles."""
    out = np.zeros((n_pairs, partial.shape[1]))
    if tiles.shape[0]:
        starts = np.ones(tiles.shape[0], dtype=bool)
        starts[1:] = tiles[1:, 0] != tiles[:-1, 0]
        first = np.flatnonzero(starts)
        out[tiles[first, 0]] = np.add.reduceat(partial, first, axis=0)
    return out


__all__ = ["BATCH_TILE", "CHUNK", "GROUP_ALIGN", "batch_tiles", "hoist_rows", "pair_tiles", "sum_tiles", "tails"]
