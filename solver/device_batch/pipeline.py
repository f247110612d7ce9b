"""``align_batch(target="cuda")`` resident on the device: one workspace, batched preparation, the LM on the device.

Per call: the images of each kind are uploaded once for the whole batch (or used as they are
when given as ``(B, H, W[, C])`` device arrays), converted, reduced to pyramids and turned into
gradient stacks by one launch per step for all pairs. Per level: the usable pixels are counted,
laid out and back-projected (one launch each, one small read-back of the pairs' point offsets),
every pair's LM starts from its estimate, and the robust scales come from each pair's residual
sample by an exact selection on the device. Per round: the fused normal equations (per-tile
partial sums) and the LM step of every running pair (see :mod:`solver.device_batch.lm_kernels`),
then one 8-byte read-back of the number of pairs still running. The results are built once after
the last level. With the targets' depths (RGB-D), their depth stacks are prepared with the images
(one launch per step), each level's start adds the depth residuals' robust scales (a sample and
an exact selection, then one launch for the rows of kernel scales), and every round's fused
kernel is the photometric + depth one: still two launches and one read-back per round.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from jacgen.backends.cuda_runtime import BATCH_TILE, MAX_BLOCKS, THREADS_PER_BLOCK
from jacgen.cuda_support import interface_shape_dtype, is_device_array, require_cuda
from solver.arrays import images
from solver.arrays.device import as_device
from solver.core.lm import LMOptions
from solver.core.model import FusedKernels, unpack
from solver.core.problem import FAILED_LEVEL, MAD_SAMPLES, ModelProblem, State
from solver.device_batch import images as batch_images
from solver.device_batch import mad, points
from solver.device_batch.lm_kernels import (
    ACCEPTED,
    FREE,
    ITER,
    NFEV,
    PAIR_THREADS,
    POSE,
    REJECTED,
    STATUS,
    STEP_THREADS,
    depth_scale,
    kind,
    lm_kernels,
    supports,
)
from solver.device_batch.workspace import BatchShape, Workspace, workspace
from solver.options import ValidAlignOptions
from solver.result import AlignResult, LevelReport, Status, add_summary

cuda = require_cuda()


def device_supported(options: ValidAlignOptions, depth: bool = False) -> bool:
    """Whether :func:`align_batch_device` runs these options (else the batch keeps the host LM).

    The device LM runs the Levenberg-Marquardt method on every level's points (no ``max_points``
    selection), for models whose align module has the device functions (see
    :func:`solver.device_batch.lm_kernels.supports`); ``depth``: with the depth residual.
    """
    if options.method != "lm" or options.max_points is not None:
        return False
    return supports(options.spec.module("cuda"), options.brightness, depth)


class _Pipeline(ModelProblem):
    """The model's side of the batch (its :meth:`result` builds each pair's result)."""

    def __init__(self, options: ValidAlignOptions, schedule, depth: bool = False) -> None:
        """The model, loss and LM settings of ``options``; ``depth``: with the depth residual (RGB-D)."""
        self.set_model(
            options.spec,
            model=options.model,
            loss=options.loss,
            loss_scale=options.loss_scale,
            brightness=options.brightness,
            extra=options.extra,
            free=options.free,
            iters=schedule.max_iters,
            ftols=schedule.ftols,
            options=LMOptions(method=options.method, xtol=options.xtol),
            arrays=options.arrays(),
            dtype=options.dtype,
        )
        self.levels = schedule.levels
        self.lm = lm_kernels(self.module, options.brightness, depth)
        self.depth_range = tuple(float(v) for v in options.depth_range)
        if depth:
            self.depth_weight, self.depth_loss_scale = options.depth_weight, options.depth_loss_scale
            self.depth_kernels = FusedKernels.of(self.module, options.loss, options.brightness, depth=True)


def align_batch_device(
    refs, depths, tgts, Ks, inits, options: ValidAlignOptions, start: float, tgt_depths=None
) -> list[AlignResult]:
    """The results of ``B`` pairs aligned on the device (inputs as :func:`solver.align_batch` takes them).

    ``Ks``: (B, 4) checked intrinsics; ``inits``: (B, 4, 4) checked poses; ``start``: the call's
    ``time.perf_counter()``; ``tgt_depths``: the targets' depths for the depth residual, or None.
    """
    ref, tgt, depth = _inputs(refs, "ref_image"), _inputs(tgts, "tgt_image"), _inputs(depths, "ref_depth")
    if len(ref.shape) < 3:
        raise ValueError(f"ref_images must hold (H, W[, C]) images, got shape {ref.shape}")
    B, H, W = ref.shape[:3]
    _check_shapes(ref, tgt, depth, len(Ks))
    tgt_depth = None if tgt_depths is None else _inputs(tgt_depths, "tgt_depth")
    if tgt_depth is not None:
        _check_tgt_depth(tgt_depth, ref)
    schedule = options.schedule((H, W))
    problem = _Pipeline(options, schedule, tgt_depth is not None)
    key = BatchShape(
        B,
        H,
        W,
        schedule.levels,
        np.dtype(options.dtype),
        problem.lm,
        max(schedule.max_iters),
        ref.spec,
        tgt.spec,
        depth.spec,
        BATCH_TILE,
        None if tgt_depth is None else tgt_depth.spec,
    )
    ws = workspace(key)
    _prepare(ws, ref, tgt, depth, tgt_depth)
    _upload_state(ws, problem, Ks, inits)
    preparation = time.perf_counter() - start
    levels = []
    for level in reversed(range(schedule.levels)):
        levels.append(_run_level(ws, problem, level))
    preparation += sum(run["preparation"] for run in levels)  # points, level start, robust scales
    t_result = time.perf_counter()
    results = _results(ws, problem, levels, start)
    preparation += time.perf_counter() - t_result
    return [add_summary(r, initial, preparation / B) for r, initial in results]


@dataclass(frozen=True)
class _Input:
    """One kind of image of the whole batch, as given."""

    data: object
    """A host ``(B, ...)`` array, a device ``(B, ...)`` array, or a list of B per-pair device arrays."""
    shape: tuple[int, ...]
    dtype: np.dtype

    @property
    def spec(self) -> tuple | None:
        """The workspace buffer this input is copied into (None: used on the device as it is)."""
        return None if is_device_array(self.data) else (self.shape[1:], self.dtype)


def _inputs(images_in, name: str) -> _Input:
    """The batch's images of one kind: a ``(B, ...)`` device array as it is, host images stacked."""
    if is_device_array(images_in):
        shape, dtype = interface_shape_dtype(images_in)
        return _Input(as_device(images_in), shape, dtype)
    items = images_in if isinstance(images_in, np.ndarray) else list(images_in)
    on_device = not isinstance(items, np.ndarray) and any(is_device_array(a) for a in items)
    if on_device:  # per-pair device arrays: gathered on the device (one copy each)
        items = [as_device(a) for a in items]
        kinds = {interface_shape_dtype(a) for a in items}
    else:
        items = items if isinstance(items, np.ndarray) else [np.asarray(a) for a in items]
        kinds = {(tuple(a.shape), a.dtype) for a in items}
    if len(kinds) > 1:
        raise ValueError(
            f"all pairs must have the same image shape and dtype, got {sorted(map(str, kinds))} for {name}"
        )
    (shape, dtype), n = kinds.pop(), len(items)
    if on_device:
        return _Input(items, (n, *shape), np.dtype(dtype))
    host = np.ascontiguousarray(items if isinstance(items, np.ndarray) else np.stack(items))
    return _Input(host, tuple(host.shape), host.dtype)


def _check_shapes(ref: _Input, tgt: _Input, depth: _Input, n: int) -> None:
    for name, a in (("ref_image", ref), ("tgt_image", tgt)):
        images.check_image(name, a.shape[1:], a.dtype)
    if depth.shape != ref.shape[:3] or tgt.shape[:3] != ref.shape[:3]:
        raise ValueError(f"tgt_image and ref_depth must match ref_image's (H, W) for all {n} pairs")
    if ref.shape[0] != n or tgt.shape[0] != n or depth.shape[0] != n:
        raise ValueError(f"need {n} images of each kind, got {ref.shape[0]}, {tgt.shape[0]}, {depth.shape[0]}")


def _check_tgt_depth(tgt_depth: _Input, ref: _Input) -> None:
    """``ValueError`` unless the target depths are real numbers of the reference images' (B, H, W)."""
    if not images.is_real_numeric(np.dtype(tgt_depth.dtype)):
        raise ValueError(f"tgt_depths must be real-valued numeric arrays, got {tgt_depth.dtype}")
    if tuple(tgt_depth.shape) != tuple(ref.shape[:3]):
        raise ValueError(
            f"tgt_depths must be (H, W) depths of ref_image's shape, (B, H, W) = {ref.shape[:3]}, "
            f"got {tuple(tgt_depth.shape)}"
        )


def _device_input(ws: Workspace, name: str, given: _Input):
    """The input on the device: uploaded into (or gathered in) the workspace's buffer, or the caller's array."""
    a = given.data
    if isinstance(a, np.ndarray):
        ws.inputs[name].copy_to_device(a)
        return ws.inputs[name]
    if isinstance(a, list):
        for b, item in enumerate(a):
            ws.inputs[name][b].copy_to_device(item)
        return ws.inputs[name]
    return a


def _prepare(ws: Workspace, ref, tgt, depth, tgt_depth=None) -> None:
    """Gray images, depth, pyramids and gradient stacks of all pairs (one launch per step).

    ``tgt_depth``: the targets' depths, whose pyramids and depth stacks are made too (RGB-D), or None.
    """
    ws.n_bad.copy_to_device(ws.zeros_bad)
    batch_images.gray_batch(_device_input(ws, "ref", ref), ws.ref_pyr[0], ws.bad_counters[0])
    batch_images.gray_batch(_device_input(ws, "tgt", tgt), ws.tgt_pyr[0], ws.bad_counters[1])
    batch_images.depth_batch(_device_input(ws, "depth", depth), ws.depth_pyr[0])
    ws.n_bad.copy_to_host(ws.host_bad)
    for name, bad in zip(("ref_image", "tgt_image"), ws.host_bad, strict=True):
        if bad:
            raise ValueError(f"{name} contains {int(bad)} NaN/inf pixels (over the batch)")
    if tgt_depth is not None:
        batch_images.depth_batch(_device_input(ws, "tgt_depth", tgt_depth), ws.tgt_depth_pyr[0])
    for k in range(1, len(ws.sizes)):
        batch_images.halve_batch(ws.ref_pyr[k - 1], ws.ref_pyr[k], False)
        batch_images.halve_batch(ws.tgt_pyr[k - 1], ws.tgt_pyr[k], False)
        batch_images.halve_batch(ws.depth_pyr[k - 1], ws.depth_pyr[k], True)
        if tgt_depth is not None:
            batch_images.halve_batch(ws.tgt_depth_pyr[k - 1], ws.tgt_depth_pyr[k], True)
    for k in range(len(ws.sizes)):
        batch_images.stack_batch(ws.tgt_pyr[k], ws.stacks[k])
        if tgt_depth is not None:
            batch_images.depth_stack_batch(ws.tgt_depth_pyr[k], ws.depth_stacks[k])


def _upload_state(ws: Workspace, problem: _Pipeline, Ks: np.ndarray, inits: np.ndarray) -> None:
    """Initial estimates, per-level constants and intrinsics, and the levels' LM settings (one copy each)."""
    spec, shape, L = problem.spec, problem.lm.shape, problem.levels
    rows = np.zeros((3, len(Ks), shape.width))
    for b, T in enumerate(inits):
        rows[0, b, :POSE] = T[:3, :4].ravel()
        rows[0, b, POSE : POSE + shape.params] = spec.params_from_pose(T)
    ws.rows.copy_to_device(rows)
    intrinsics = np.array([[images.intrinsics_at_level(K, level) for K in Ks] for level in range(L)])
    consts = np.array([[spec.constants_vector(k, problem.extra) for k in per_level] for per_level in intrinsics])
    ws.intrinsics.copy_to_device(intrinsics)
    ws.consts.copy_to_device(consts.reshape(ws.consts.shape))
    free = np.flatnonzero(problem.free)
    settings = np.zeros(ws.settings.shape)
    for level in range(L):
        lo = problem.level_options(level)
        settings[level, :FREE] = (
            lo.ftol,
            lo.xtol,
            lo.lambda_init,
            lo.lambda_max,
            lo.floor_factor,
            lo.min_points,
            lo.max_iters,
            free.size,
        )
        settings[level, FREE : FREE + free.size] = free
    ws.settings.copy_to_device(settings)


def _sample_width(n_points: np.ndarray) -> int:
    """The longest robust-scale sample of the level's pairs (``mad_step``'s stride), at least 1."""
    steps = np.maximum(1, n_points // MAD_SAMPLES)
    return max(1, int(np.max(-(-n_points // steps), initial=0)))


def _grid(n: int, threads: int) -> int:
    return max(1, (n + threads - 1) // threads)


def _run_level(ws: Workspace, problem: _Pipeline, level: int) -> dict:
    """One level for every pair: points, level start, robust scales, then the rounds until no pair runs."""
    t_level = time.perf_counter()
    B, lm = ws.shape.pairs, problem.lm
    lo, hi = problem.depth_range
    ref, depth = ws.ref_pyr[level], ws.depth_pyr[level]
    points.count_rows_batch(ref, depth, lo, hi, ws.counts[level])
    points.layout_batch(
        ws.counts[level], ws.shape.tile, ws.row_starts[level], ws.offsets, ws.tile_offsets, ws.tiles, ws.sample
    )
    ws.offsets.copy_to_host(ws.host_offsets)  # the level's one read-back: it sizes the grids
    n_points = np.diff(ws.host_offsets)
    n_tiles = int(np.sum((n_points + ws.shape.tile - 1) // ws.shape.tile))
    points.fill_batch(ref, depth, lo, hi, ws.intrinsics[level], ws.row_starts[level], ws.points, ws.iref)
    count, count_next = ws.counters
    fixed = float(problem.loss_scale) if problem.loss_scale is not None else 0.0
    hdepth = ws.hdepth if lm.depth else ws.hres  # (without the depth residual its hoist writes nothing)
    lm.level_start[_grid(B, PAIR_THREADS), PAIR_THREADS](
        ws.rows, ws.lmi, ws.lmf, ws.running, ws.h, ws.hres, hdepth, ws.consts[level], ws.scales[level], fixed, count
    )
    _robust_scales(ws, problem, level, n_points)
    fused = getattr(problem.module, "_" + kind(problem.brightness, lm.depth))  # the kernel itself, not its launcher
    images_in, scales = _fused_inputs(ws, lm.depth, level)
    tiles = ws.tiles[:n_tiles]
    blocks = min(max(n_tiles, 1), MAX_BLOCKS)
    rounds: list[tuple[float, int]] = []
    running = B
    t_rounds = time.perf_counter()
    while running:
        t = time.perf_counter()
        if n_tiles:
            fused[blocks, THREADS_PER_BLOCK](
                ws.h, ws.points, ws.iref, *images_in, tiles, ws.running, problem.kernels.loss_id, scales, ws.partials
            )
        lm.step[B, STEP_THREADS](
            ws.partials,
            ws.tile_offsets,
            ws.rows,
            ws.cur,
            ws.last,
            ws.steps,
            ws.lmi,
            ws.lmf,
            ws.rec_int,
            ws.rec_cost,
            ws.rec_lam,
            ws.h,
            ws.consts[level],
            ws.running,
            ws.settings,
            level,
            count,
            count_next,
        )
        count.copy_to_host(ws.host_count)  # the round's one read-back: the pairs still running
        rounds.append((time.perf_counter() - t, running))
        running = int(ws.host_count[0])
        count, count_next = count_next, count
    wall = time.perf_counter() - t_level
    shape = ws.sizes[level]
    return {
        "level": level,
        "shape": shape,
        "n_points": n_points,
        "rounds": rounds,
        "wall": wall,
        "preparation": t_rounds - t_level,
    }


def _robust_scales(ws: Workspace, problem: _Pipeline, level: int, n_points: np.ndarray) -> None:
    """The pairs' robust scales at the level's start, from their residual samples (exact selections).

    ``ws.scales[level]``: the photometric scales (unless ``loss_scale`` fixed them at the level
    start); with the depth residual also ``ws.kernel_scales[level]``, each pair's
    ``(scale, depth scale, depth weight)`` as ``ModelProblem.depth_scales`` makes them.
    """
    B, lm, scale = ws.shape.pairs, problem.lm, ws.scales[level]
    starts, steps, counts = ws.sample_columns
    samples = ws.samples[:, : _sample_width(n_points)]  # no blocks for entries no pair uses
    if problem.loss_scale is None:
        problem.module.residual_sample(ws.hres, ws.points, ws.iref, ws.stacks[level], starts, steps, counts, samples)
        mad.mad_batch(samples, counts, ws.sigma)
        lm.scale[_grid(B, PAIR_THREADS), PAIR_THREADS](ws.sigma, problem.loss_scale_factor, scale)
    if not lm.depth:
        return
    if problem.depth_loss_scale is None:
        stack = ws.depth_stacks[level]
        problem.module.residual_sample_depth(ws.hdepth, ws.points, stack, starts, steps, counts, samples)
        mad.mad_batch(samples, counts, ws.sigma_depth)
    fixed = float(problem.depth_loss_scale) if problem.depth_loss_scale is not None else 0.0
    args = (scale, ws.sigma_depth, problem.loss_scale_factor, fixed, float(problem.depth_weight))
    depth_scale[_grid(B, PAIR_THREADS), PAIR_THREADS](*args, ws.kernel_scales[level])


def _fused_inputs(ws: Workspace, depth: bool, level: int) -> tuple[tuple, object]:
    """What the level's fused kernel reads after ``iref``, and its scales: the target stacks (and depth stacks)."""
    if depth:
        return (ws.stacks[level], ws.depth_stacks[level]), ws.kernel_scales[level]
    return (ws.stacks[level],), ws.scales[level]


def _results(ws: Workspace, problem: _Pipeline, levels: list[dict], start: float) -> list[tuple[AlignResult, float]]:
    """Every pair's result and initial cost, from the records read back once."""
    rows, last = ws.rows.copy_to_host(), ws.last.copy_to_host()
    rec_int, rec_cost, rec_lam = ws.rec_int.copy_to_host(), ws.rec_cost.copy_to_host(), ws.rec_lam.copy_to_host()
    scales = ws.scales.copy_to_host()
    shape, spec = problem.lm.shape, problem.spec
    out = []
    for b in range(ws.shape.pairs):
        reports, solved, initial = [], False, float("nan")
        for run in levels:
            level = run["level"]
            counters = rec_int[b, level]
            status, accepted = Status(int(counters[STATUS])), int(counters[ACCEPTED])
            nfev = int(counters[NFEV])
            evaluation = sum(t / n for t, n in run["rounds"][:nfev])
            reports.append(
                LevelReport(
                    level=level,
                    shape=run["shape"],
                    n_points=int(run["n_points"][b]),
                    iterations=int(counters[ITER]),
                    status=status,
                    cost_history=[float(c) for c in rec_cost[b, level, : accepted + 1]],
                    loss_scale=float(scales[level, b]),
                    wall_time=run["wall"],
                    lambda_history=[float(v) for v in rec_lam[b, level, :accepted]],
                    nfev=nfev,
                    n_accepted=accepted,
                    n_rejected=int(counters[REJECTED]),
                    time_evaluation=evaluation,
                    time_solve=0.0,
                )
            )
            if status not in FAILED_LEVEL:
                solved, initial = True, float(rec_cost[b, level, 0])
        ne = unpack(last[b], problem.lm.layout) if solved else None  # the finest level that did not fail
        row = rows[0, b]
        pose = np.eye(4)
        pose[:3, :4] = row[:POSE].reshape(3, 4)
        params = spec.params_from_pose(pose) if problem.compositional else row[POSE : POSE + shape.params].copy()
        state = State(pose, params, row[shape.ab : shape.ab + 2].copy())
        out.append((problem.result(state, ne, reports, reports[-1].status, start), initial))
    return out


__all__ = ["align_batch_device", "device_supported"]
