"""``align_batch``: many reference/target pairs of one image size aligned in lockstep.

Every pair runs its own Levenberg-Marquardt (own damping, own stopping); per pyramid level and
round, one call of the generated batched kernel evaluates the pending estimate of every pair that
is still running, so finished pairs cost nothing. With the targets' depths (RGB-D), that call
is the batched photometric + depth kernel, each pair with its own scales (on the CPU here; with
``target="cuda"`` in the device-resident pipeline).
"""

from __future__ import annotations

import time

import numpy as np

from jacgen.cuda_support import interface_shape_dtype, is_device_array
from solver.core.checks import check_intrinsics, check_pose
from solver.core.driver import level_report
from solver.core.lm import lm_iterations
from solver.core.problem import LevelData
from solver.options import AlignOptions
from solver.photometric.problem import Problem
from solver.result import AlignResult, LevelReport, Status, add_summary


def align_batch(
    ref_images,
    ref_depths,
    tgt_images,
    intrinsics,
    *,
    tgt_depths=None,
    init=None,
    target: str = AlignOptions.target,
    **align_options,
) -> list[AlignResult]:
    """Align ``B`` pairs of the same image size at once; returns ``B`` results.

    Parameters
    ----------
    ref_images, ref_depths, tgt_images : sequences of B arrays, or arrays with a leading B axis
        As for :func:`solver.align`; all pairs have the same image shape.
    intrinsics : (fx, fy, cx, cy) or array (B, 4)
        Shared, or one row per pair.
    tgt_depths : None, sequence of B arrays (H, W) or array (B, H, W)
        The targets' depths (metres; 0 or NaN = missing), one per pair: every pair then also has
        the depth residual, exactly as :func:`solver.align` with ``tgt_depth`` (its own depth scale
        per level, ``depth_weight`` / ``depth_loss_scale`` shared), and each round's one call is the
        batched photometric + depth kernel. With ``target="cuda"`` they may be ``(B, H, W)`` device
        arrays too, and the device-resident pipeline runs them; a ``ValueError`` is raised before
        any work on the device where it cannot (a model whose CUDA align module has no depth
        kernels, ``method="gn"``, ``max_points``, or a model without the device functions).
    init : None, ndarray (4, 4) or (B, 4, 4)
        Initial ``T_tgt_from_ref``: identity, shared, or one per pair.
    target : {"cpu", "cuda"}
        CPU: one ``prange`` over tiles of all running pairs' points per round, each pair's LM on the
        host. CUDA: the device-resident pipeline (:mod:`solver.device_batch`): one workspace per
        batch shape, batched preparation, every pair's LM on the device, two launches and one
        8-byte read-back per round whatever B is; the inputs may also be ``(B, H, W[, C])`` device
        arrays (any ``__cuda_array_interface__`` object), used without a copy. With
        ``method="gn"``, ``max_points`` or a model without the device functions, CUDA evaluates
        the normal equations and the host runs each pair's LM.
    **align_options
        Any keyword of :func:`solver.align` except ``callback`` and ``tgt_depth`` (same defaults; an
        unknown one raises ``TypeError``), checked once for the whole batch.

    Returns
    -------
    list of AlignResult
        Per pair, as :func:`solver.align` returns; ``levels[i].wall_time`` and ``wall_time`` are
        those of the whole batch, the time parts each pair's share (a launch's time split evenly
        among the pairs it evaluated, preparation evenly among all pairs, each pair's own solve).
    """
    start = time.perf_counter()
    if "callback" in align_options:
        raise ValueError("align_batch does not take a callback; run solver.align per pair to observe iterations")
    n = _count(ref_images, "ref_images")
    if n == 0 or _count(ref_depths, "ref_depths") != n or _count(tgt_images, "tgt_images") != n:
        raise ValueError(
            f"need B >= 1 pairs with as many depths and targets, got {n}, {_count(ref_depths, 'ref_depths')}, "
            f"{_count(tgt_images, 'tgt_images')}"
        )
    if tgt_depths is not None and _count(tgt_depths, "tgt_depths") != n:
        raise ValueError(f"tgt_depths must hold one depth per pair (B = {n}), got {_count(tgt_depths, 'tgt_depths')}")
    Ks = _per_pair(intrinsics, n, (4,), "intrinsics")
    inits = [None] * n if init is None else _per_pair(init, n, (4, 4), "init")
    options = AlignOptions(target=target, **align_options).validated(depth=tgt_depths is not None)
    device = options.arrays().choose(cpu=lambda: None, cuda=lambda: _device_pipeline(options, tgt_depths))
    if device is not None:
        Ks, inits = [check_intrinsics(k) for k in Ks], [check_pose(T) for T in inits]
        return device(ref_images, ref_depths, tgt_images, Ks, inits, options, start, tgt_depths)
    refs, depths, tgts = list(ref_images), list(ref_depths), list(tgt_images)
    tgt_ds = [None] * n if tgt_depths is None else list(tgt_depths)
    problems = [Problem(refs[b], depths[b], tgts[b], Ks[b], inits[b], options, tgt_ds[b]) for b in range(n)]
    preparation = time.perf_counter() - start  # the whole batch's; split evenly among the pairs
    try:
        shapes = {p.ref_pyr[0].shape for p in problems}
        if len(shapes) > 1:
            raise ValueError(f"all pairs must have the same image shape, got {sorted(shapes)}")
        first = problems[0]
        states = [p.initial for p in problems]
        lasts: list = [None] * n
        statuses = [Status.TOO_FEW_POINTS] * n
        initial_costs = [float("nan")] * n
        reports: list[list[LevelReport]] = [[] for _ in range(n)]
        for level in reversed(range(first.levels)):
            t_level = time.perf_counter()
            datas = [p.level_data(level) for p in problems]
            scales = np.array([p.robust_scale(d, s) for p, d, s in zip(problems, datas, states, strict=True)])
            kernel_scales = scales if tgt_depths is None else _depth_scales(problems, datas, states, scales)
            preparation += time.perf_counter() - t_level
            outcomes, joining = _solve_level(problems, datas, states, kernel_scales, level)
            preparation += joining
            wall = time.perf_counter() - t_level
            for b, outcome in enumerate(outcomes):
                reports[b].append(level_report(datas[b], outcome, scales[b], wall))
                statuses[b] = outcome.status
                if outcome.status not in problems[b].failed:
                    states[b], lasts[b] = outcome.state, outcome.ne
                    initial_costs[b] = outcome.cost_history[0]
        t_result = time.perf_counter()
        results = [p.result(states[b], lasts[b], reports[b], statuses[b], start) for b, p in enumerate(problems)]
        preparation += time.perf_counter() - t_result
        return [add_summary(r, initial_costs[b], preparation / n) for b, r in enumerate(results)]
    finally:  # scratch arrays back to the pool
        for p in problems:
            p.release()


def _count(images, name: str) -> int:
    """How many pairs a sequence of arrays, or an array with a leading B axis (host or device), holds."""
    shape = interface_shape_dtype(images)[0] if is_device_array(images) else getattr(images, "shape", None)
    if shape is not None:
        return int(shape[0]) if len(shape) else 0
    try:
        return len(images)
    except TypeError:
        raise ValueError(f"{name} must be a sequence of B arrays or an array with a leading B axis") from None


def _device_pipeline(options, tgt_depths=None):
    """The device-resident pipeline when it runs these options, else None (the lockstep host LM below).

    With ``tgt_depths``, ``ValueError`` before any device work where the model's CUDA align module
    has no depth kernels (:meth:`~solver.core.model.AlignModel.has_depth`) or the pipeline cannot
    run these options: the lockstep host LM takes the depth residual on the CPU only.
    """
    depth = tgt_depths is not None
    if depth and not options.spec.has_depth("cuda"):
        raise ValueError(
            f"tgt_depths: model {options.spec.name!r} has no depth kernels for target 'cuda' (an align module "
            "generated before them: regenerate it, or run align_batch(..., target='cpu') with tgt_depths)"
        )
    from solver.device_batch.pipeline import align_batch_device, device_supported

    if device_supported(options, depth):
        return align_batch_device
    if depth:
        raise ValueError(
            "tgt_depths with target='cuda' runs in the device-resident pipeline, which takes method='lm' without "
            f"max_points and a model with the device functions (got method={options.method!r}, "
            f"max_points={options.max_points!r}, model {options.spec.name!r}); run target='cpu' otherwise"
        )
    return None


def _per_pair(value, n: int, shape: tuple[int, ...], name: str) -> list[np.ndarray]:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers of shape {shape} or {(n, *shape)}, got {value!r}") from None
    if arr.shape == shape:
        return [arr] * n
    if arr.shape == (n, *shape):
        return list(arr)
    raise ValueError(f"{name} must have shape {shape} or {(n, *shape)}, got {arr.shape}")


def _depth_scales(problems: list[Problem], datas: list[LevelData], states, scales: np.ndarray) -> np.ndarray:
    """(B, 3) rows ``(scale, depth scale, depth weight)`` of the pairs on a level (each pair's own, as ``align``)."""
    rows = [p.depth_scales(d, s, sc) for p, d, s, sc in zip(problems, datas, states, scales, strict=True)]
    return np.array(rows, dtype=np.float64)


def _solve_level(
    problems: list[Problem], datas: list[LevelData], states, scales: np.ndarray, level: int
) -> tuple[list, float]:
    """Run every pair's LM on one level in lockstep; returns their outcomes and the seconds joining arrays.

    ``scales``: the pairs' robust scales (B,), or with the depth residual their rows (B, 3) of
    :func:`_depth_scales`, for the batched photometric + depth kernel.

    Each outcome's ``time_evaluation`` is its share of the batched launches: a launch is one call
    whose cost per pair is not measured, so its time is split evenly among the pairs it evaluated.
    """
    t_join = time.perf_counter()
    first = problems[0]
    n = len(problems)
    offsets = np.r_[0, np.cumsum([d.n_points for d in datas])].astype(np.int64)
    arrays = first.arrays.join(
        [d.points for d in datas], [d.iref for d in datas], [d.tgt_stack for d in datas], offsets
    )
    kernels = first.kernels
    if first.depth_kernels is not None:  # RGB-D (host arrays only): the depth stacks stacked as the targets'
        kernels, arrays = first.depth_kernels, (*arrays, np.stack([d.depth_stack for d in datas]))
    joining = time.perf_counter() - t_join
    runs = []
    for p, s in zip(problems, states, strict=True):
        runs.append(lm_iterations(s, p.update, p.free, p.norm, p.level_options(level)))
    requests = [next(r) for r in runs]
    outcomes: list = [None] * n
    evaluation = np.zeros(n)
    active = np.ones(n, dtype=bool)
    while active.any():
        t = time.perf_counter()
        inputs = [p.kernel_inputs(r, d.intrinsics) for p, r, d in zip(problems, requests, datas, strict=True)]
        params = np.stack([i[0] for i in inputs])
        constants = np.stack([i[1] for i in inputs])
        nes = kernels.normal_equations_batch(params, constants, arrays, offsets, active.copy(), scales)
        evaluation[active] += (time.perf_counter() - t) / np.count_nonzero(active)  # an even split of the launch
        for b in np.flatnonzero(active):
            try:
                requests[b] = runs[b].send(nes[b])
            except StopIteration as done:
                outcomes[b] = done.value
                outcomes[b].time_evaluation = float(evaluation[b])
                active[b] = False
    return outcomes, joining
