"""The device memory of one batch shape, allocated once and reused by every later call of that shape.

A :class:`Workspace` holds everything :func:`solver.device_batch.pipeline.align_batch_device`
touches on the device: the uploaded images, the stacked pyramids and gradient stacks, all pairs'
points with their offsets and tiles, the robust-scale samples, the per-tile partial sums, every
pair's LM state and per-level records, and the small host buffers that the per-level and per-round
read-backs land in; with the targets' depths (RGB-D) also their pyramids and depth stacks, each
level's rows of kernel scales and the depth residual sample's hoisted rows. Nothing is allocated
inside a call once its workspace exists.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from jacgen.cuda_support import require_cuda
from solver.core.problem import MAD_SAMPLES
from solver.device_batch.lm_kernels import COUNTERS, MAX_SOLVED, RECORD, SETTINGS, LMKernels

cuda = require_cuda()

KEPT = 4
"""Workspaces kept (least recently used dropped first)."""
SAMPLE_CAPACITY = 2 * MAD_SAMPLES
"""Entries of a pair's robust-scale sample, at most (``ceil(n / max(1, n // MAD_SAMPLES))`` < 2 MAD_SAMPLES)."""


@dataclass(frozen=True)
class BatchShape:
    """What a workspace's sizes depend on."""

    pairs: int
    height: int
    width: int
    levels: int
    dtype: np.dtype
    kernels: LMKernels
    max_iters: int
    ref_input: tuple | None
    """Shape tail and dtype of the host reference images (None: given on the device)."""
    tgt_input: tuple | None
    depth_input: tuple | None
    tile: int
    tgt_depth_input: tuple | None = None
    """Shape tail and dtype of the host target depths (None: given on the device, or none: see ``kernels.depth``)."""


def _level_shapes(shape: BatchShape) -> list[tuple[int, int]]:
    h, w, out = shape.height, shape.width, []
    for _ in range(shape.levels):
        out.append((h, w))
        h, w = h // 2, w // 2
    return out


class Workspace:
    """Device arrays of one :class:`BatchShape` (attributes named as the pipeline uses them)."""

    def __init__(self, shape: BatchShape) -> None:
        B, k = shape.pairs, shape.kernels
        L, f64, i64 = shape.levels, np.float64, np.int64
        empty = cuda.device_array
        self.shape = shape
        self.sizes = _level_shapes(shape)
        self.inputs = {
            name: empty((B, *spec[0]), dtype=spec[1]) if spec is not None else None
            for name, spec in (
                ("ref", shape.ref_input),
                ("tgt", shape.tgt_input),
                ("depth", shape.depth_input),
                ("tgt_depth", shape.tgt_depth_input),
            )
        }
        self.n_bad = empty(2, dtype=i64)
        self.ref_pyr = [empty((B, h, w), dtype=f64) for h, w in self.sizes]
        self.tgt_pyr = [empty((B, h, w), dtype=f64) for h, w in self.sizes]
        self.depth_pyr = [empty((B, h, w), dtype=f64) for h, w in self.sizes]
        self.stacks = [empty((B, h, w, 3), dtype=shape.dtype) for h, w in self.sizes]
        self.counts = [empty((B, h), dtype=i64) for h, _ in self.sizes]
        self.row_starts = [empty((B, h), dtype=i64) for h, _ in self.sizes]
        n_points = B * shape.height * shape.width
        tiles = B * max(1, math.ceil(shape.height * shape.width / shape.tile))
        self.points = empty((max(n_points, 1), 3), dtype=shape.dtype)
        self.iref = empty(max(n_points, 1), dtype=shape.dtype)
        self.offsets = empty(B + 1, dtype=i64)
        self.tile_offsets = empty(B + 1, dtype=i64)
        self.tiles = empty((tiles, 3), dtype=i64)
        self.partials = empty((tiles, k.layout["size"]), dtype=f64)
        self.sample = empty((B, 3), dtype=i64)
        self.samples = empty((B, SAMPLE_CAPACITY), dtype=f64)
        self.sigma = empty(B, dtype=f64)
        self.scales = empty((L, B), dtype=f64)
        self.h = empty((B, max(k.hoisted, 1)), dtype=f64)
        self.hres = empty((B, max(k.hoisted_residuals, 1)), dtype=f64)
        self.rows = empty((3, B, k.shape.width), dtype=f64)
        self.cur = empty((B, k.layout["size"]), dtype=f64)
        self.last = empty((B, k.layout["size"]), dtype=f64)
        self.steps = empty((B, MAX_SOLVED), dtype=f64)
        self.lmi = empty((B, COUNTERS), dtype=i64)
        self.lmf = empty((B, 2), dtype=f64)
        self.rec_int = empty((B, L, RECORD), dtype=i64)
        self.rec_cost = empty((B, L, shape.max_iters + 1), dtype=f64)
        self.rec_lam = empty((B, L, max(shape.max_iters, 1)), dtype=f64)
        self.running = empty(B, dtype=np.int32)
        self.counters = (empty(1, dtype=i64), empty(1, dtype=i64))
        self.consts = empty((L, B, k.shape.constants), dtype=f64)
        rgbd = self.sizes if k.depth else []  # the RGB-D arrays (none without depth)
        self.tgt_depth_pyr = [empty((B, h, w), dtype=f64) for h, w in rgbd]
        self.depth_stacks = [empty((B, h, w, 3), dtype=shape.dtype) for h, w in rgbd]
        self.kernel_scales = empty((L, B, 3), dtype=f64) if k.depth else None
        """Per level, each pair's ``(scale, depth scale, depth weight)`` (the photometric + depth kernel's scales)."""
        self.sigma_depth = empty(B, dtype=f64) if k.depth else None
        self.hdepth = empty((B, max(k.hoisted_depth, 1)), dtype=f64) if k.depth else None
        """Each pair's hoisted row of the depth residual's sample (the level start writes it)."""
        self.intrinsics = empty((L, B, 4), dtype=f64)
        self.settings = empty((L, SETTINGS), dtype=f64)
        self.host_offsets = np.zeros(B + 1, dtype=i64)
        self.host_count = np.zeros(1, dtype=i64)
        self.host_bad = np.zeros(2, dtype=i64)
        self.zeros_bad = np.zeros(2, dtype=i64)
        # views taken once: the pipeline slices nothing per call
        self.sample_columns = tuple(self.sample[:, c] for c in range(3))
        self.bad_counters = (self.n_bad[0:1], self.n_bad[1:2])

    VIEWS = ("sample_columns", "bad_counters")
    """Attributes that view other arrays (not counted by :meth:`nbytes`)."""

    def nbytes(self) -> int:
        """Device bytes held (views counted once, with the arrays they view)."""
        total = 0
        for name, value in vars(self).items():
            if name in self.VIEWS:
                continue
            arrays = list(value.values()) if isinstance(value, dict) else value
            arrays = arrays if isinstance(arrays, list | tuple) else [arrays]
            total += sum(int(a.nbytes) for a in arrays if a is not None and hasattr(a, "copy_to_host"))
        return total


_kept: OrderedDict[BatchShape, Workspace] = OrderedDict()


def workspace(shape: BatchShape) -> Workspace:
    """The workspace of ``shape``: the one kept from an earlier call, else a new one (then kept)."""
    found = _kept.pop(shape, None)
    if found is None:
        found = Workspace(shape)
        while len(_kept) >= KEPT:
            _kept.popitem(last=False)
    _kept[shape] = found
    return found


def release_workspaces() -> None:
    """Drop every kept workspace (their device memory is freed with them)."""
    _kept.clear()


__all__ = ["BatchShape", "Workspace", "release_workspaces", "workspace"]
