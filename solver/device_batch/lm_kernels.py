"""The device LM's kernels for one align module: level start, robust scale, and one LM step of every pair.

Every pair's estimate is a row ``[pose (3 x 4, row-major) | params | brightness pair]`` of
``rows[0]``; ``rows[1]`` holds its level-start copy, ``rows[2]`` the pending candidate. A level
starts with ``level_start``; each round the host launches the fused normal equations (per-tile
partial sums) and ``step``, which adds each running pair's partial rows in tile order and advances
that pair's Levenberg-Marquardt by one evaluation exactly as :func:`solver.core.lm.lm_iterations`
does (the same tests in the same order), writes the hoisted row of its next candidate and counts
the pairs still running. What depends on the model (pose from parameters, parameters from a pose,
the hoisted per-call values) comes from the device functions jacgen emits into the align module.
With the target's depth (RGB-D) the fused kernel is the photometric + depth one, whose cost is the
photometric sum plus the depth part (``cost_depth``), as :func:`solver.core.model.unpack` adds them;
the level start also writes the hoisted row of the depth residual's sample, and ``depth_scale``
turns the depth residuals' spread into each pair's row of kernel scales.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from types import ModuleType

from numba import float64

from jacgen.cuda_support import require_cuda
from solver.core.problem import DEPTH_SIGMA_FLOOR
from solver.device_batch import lm_device
from solver.result import Status

cuda = require_cuda()

POSE = 12
"""Entries of the 3 x 4 pose at the start of a row."""
STATUS, ITER, NFEV, ACCEPTED, REJECTED, PHASE = range(6)
"""Columns of the integer LM state; the first five are also a level's record."""
COUNTERS = 6
RECORD = 5
LAM, NU = range(2)
"""Columns of the float LM state."""
RUNNING = 99
"""Status of a pair whose level is not finished."""
PHASE_START, PHASE_CANDIDATE = 0, 1
"""What a pair's next evaluation is: its level-start estimate, or the candidate of its last step."""
STEP_THREADS = 32
"""Threads of a step block (one block per pair); they add the pair's partial rows, one accumulator each."""
PAIR_THREADS = 64
"""Threads per block of the per-pair kernels (level start, scale)."""
MAX_SOLVED = 12
"""Most solved parameters (warp and brightness) the device LM takes; larger models keep the host LM."""
MAX_ACCUMULATORS = 128
MAX_CONSTANTS = 48

FTOL, XTOL, LAMBDA_INIT, LAMBDA_MAX, FLOOR_FACTOR, MIN_POINTS, MAX_ITERS, N_FREE, FREE = range(9)
"""Columns of a level's settings row (``FREE`` onwards: the free parameters' indices)."""
SETTINGS = FREE + MAX_SOLVED

# the statuses as plain integers, which kernels compare with
_CONVERGED_COST = int(Status.CONVERGED_COST)
_CONVERGED_DAMPED_GAIN = int(Status.CONVERGED_DAMPED_GAIN)
_CONVERGED_DAMPING = int(Status.CONVERGED_DAMPING)
_CONVERGED_DECREASE = int(Status.CONVERGED_DECREASE)
_CONVERGED_NOISE_FLOOR = int(Status.CONVERGED_NOISE_FLOOR)
_CONVERGED_STEP = int(Status.CONVERGED_STEP)
_DIVERGED = int(Status.DIVERGED)
_MAX_ITERATIONS = int(Status.MAX_ITERATIONS)
_SINGULAR = int(Status.SINGULAR)
_TOO_FEW_POINTS = int(Status.TOO_FEW_POINTS)
FAILED = (_TOO_FEW_POINTS, _SINGULAR, _DIVERGED)
KC_SIZE = MAX_CONSTANTS + POSE
"""Entries of a kernel-constants vector: the model's constants and the pose."""
DELTA_POSE = POSE + MAX_SOLVED
"""Entries of the update's scratch vector (a 3 x 4 pose, or the parameters)."""


_device = cuda.jit(device=True)
_free_block = lm_device.free_block
_is_singular = lm_device.is_singular
_gain = lm_device.gauss_newton_gain
_solve = lm_device.cholesky_solve
_predicted = lm_device.predicted_decrease
_norm = lm_device.norm


@dataclass(frozen=True)
class Shape:
    """Sizes of one model and brightness setting."""

    params: int
    brightness: int
    """Solved brightness parameters: 2 or 0."""
    constants: int

    @property
    def solved(self) -> int:
        """Solved parameters: the warp's and the brightness pair's."""
        return self.params + self.brightness

    @property
    def ab(self) -> int:
        """Offset of the brightness pair in a row."""
        return POSE + self.params

    @property
    def width(self) -> int:
        """Entries of a row."""
        return POSE + self.params + 2


@dataclass(frozen=True, eq=False)
class LMKernels:
    """The compiled kernels of one module and brightness setting, and the sizes the workspace needs.

    Compared and hashed by identity (:func:`lm_kernels` makes one per module and setting), so a
    workspace's key names it.
    """

    level_start: object
    scale: object
    step: object
    shape: Shape
    hoisted: int
    hoisted_residuals: int
    layout: dict
    depth: bool = False
    """Whether the fused kernel is the photometric + depth one (RGB-D)."""
    hoisted_depth: int = 0
    """Entries of a row of the depth residual's hoisted values (0 without the depth residual)."""


def kind(brightness: bool, depth: bool = False) -> str:
    """The fused kernel's name (and that of its accumulator layout)."""
    return "normal_equations" + ("_depth" if depth else "") + ("_brightness" if brightness else "")


DEPTH_FUNCTIONS = ("_hoist_residuals_depth_device", "residual_sample_depth")
"""What the device LM calls on an align module besides the fused kernel's hoist, with the depth residual."""


def supports(module: ModuleType, brightness: bool, depth: bool = False) -> bool:
    """Whether the device LM can run ``module``'s model (else the batch keeps the host LM).

    ``depth``: with the depth residual (the photometric + depth kernel, its hoists and the depth sample).
    """
    d = module.DESCRIPTION
    n = len(d["params"]) + (2 if brightness else 0)
    name = kind(brightness, depth)
    needed = ("pose_device", "_hoist_residuals_device", f"_hoist_{name}_device", "residual_sample")
    needed += DEPTH_FUNCTIONS if depth else ()
    has = all(callable(getattr(module, f, None)) for f in needed) and "hoisted_sizes" in d
    inverse = d["update"] != "compositional" or callable(getattr(module, "params_from_pose_device", None))
    sizes = n <= MAX_SOLVED and len(d["constants"]) <= MAX_CONSTANTS and len(d["brightness_params"]) == 2
    layout = d["accumulators"].get(name, {})
    return has and inverse and sizes and layout.get("size", MAX_ACCUMULATORS + 1) <= MAX_ACCUMULATORS


@functools.cache
def lm_kernels(module: ModuleType, brightness: bool, depth: bool = False) -> LMKernels:
    """The :class:`LMKernels` of ``module`` (``supports(module, brightness, depth)`` must hold)."""
    d = module.DESCRIPTION
    name = kind(brightness, depth)
    layout = d["accumulators"][name]
    shape = Shape(len(d["params"]), 2 if brightness else 0, len(d["constants"]))
    compositional = d["update"] == "compositional"
    inverse = module.params_from_pose_device if compositional else None
    hoist = getattr(module, f"_hoist_{name}_device")
    hoist_depth = module._hoist_residuals_depth_device if depth else _no_hoist
    inputs = _inputs_function(shape, compositional)
    update = _update_function(shape, compositional, module.pose_device, inverse)
    start = _level_start_kernel(shape, inputs, hoist, module._hoist_residuals_device, hoist_depth)
    advance = _advance_function(shape, layout, inputs, update, hoist)
    sizes = d["hoisted_sizes"]
    step = _step_kernel(layout["size"], advance)
    hoisted_depth = sizes["residuals_depth"] if depth else 0
    return LMKernels(start, _scale_kernel, step, shape, sizes[name], sizes["residuals"], layout, depth, hoisted_depth)


@cuda.jit(device=True)
def _no_hoist(params, constants, out):
    """The level start's depth hoist without the depth residual: nothing."""


def _inputs_function(shape: Shape, compositional: bool):
    """``inputs(row, consts, kp, kc, residual)``: a row's kernel parameters and constants (as ``kernel_inputs``)."""
    P, NB, NC, AB = shape.params, shape.brightness, shape.constants, shape.ab

    def inputs(row, consts, kp, kc, residual):
        for k in range(NC):
            kc[k] = consts[k]
        nb = 2 if residual else NB  # the residual kernel always takes the brightness pair
        for k in range(P):
            kp[k] = 0.0 if compositional else row[POSE + k]
        for k in range(nb):
            kp[P + k] = row[AB + k]
        if compositional:
            for k in range(POSE):
                kc[NC + k] = row[k]

    return _device(inputs)


def _update_function(shape: Shape, compositional: bool, pose_device, inverse):
    """``update(row, delta, out, D)``: ``T <- pose(delta) T`` (params from the pose) or ``params += delta``."""
    P, NB, AB = shape.params, shape.brightness, shape.ab

    def update(row, delta, out, D):
        for k in range(2):
            out[AB + k] = row[AB + k] + delta[P + k] if k < NB else row[AB + k]
        if compositional:
            pose_device(delta, D)
            for r in range(3):
                for c in range(4):
                    v = D[4 * r + 3] if c == 3 else 0.0
                    for k in range(3):
                        v += D[4 * r + k] * row[4 * k + c]
                    out[4 * r + c] = v
            inverse(out, D)
            for k in range(P):
                out[POSE + k] = D[k]
        else:
            for k in range(P):
                out[POSE + k] = row[POSE + k] + delta[k]
                D[k] = out[POSE + k]
            pose_device(D, out)

    return _device(update)


def _level_start_kernel(shape: Shape, inputs, hoist, hoist_residuals, hoist_depth):
    W = shape.width

    def level_start(rows, lmi, lmf, running, h, hres, hdepth, consts, scale, fixed_scale, count):
        """Every pair starts the level from its estimate (kept as the level-start row); counters reset.

        The hoisted rows: the fused kernel's (``h``), the residual sample's (``hres``, with the
        brightness pair) and the depth residual sample's (``hdepth``, warp parameters only).
        """
        b = cuda.grid(1)
        if b == 0:
            count[0] = 0
        if b >= rows.shape[1]:
            return
        for k in range(W):
            rows[1, b, k] = rows[0, b, k]
        for k in range(COUNTERS):
            lmi[b, k] = 0
        lmi[b, STATUS] = RUNNING
        lmf[b, LAM] = 0.0
        lmf[b, NU] = 2.0
        running[b] = 1
        kp = cuda.local.array(MAX_SOLVED, dtype=float64)
        kc = cuda.local.array(KC_SIZE, dtype=float64)
        inputs(rows[0, b], consts[b], kp, kc, False)
        hoist(kp, kc, h[b])
        hoist_depth(kp, kc, hdepth[b])  # (reads the warp parameters only)
        inputs(rows[0, b], consts[b], kp, kc, True)
        hoist_residuals(kp, kc, hres[b])
        if fixed_scale > 0.0:
            scale[b] = fixed_scale

    return cuda.jit(level_start)


@cuda.jit
def _scale_kernel(sigma, factor, scale):
    """``scale = factor * sigma`` (``1e-3`` where the residuals' spread is zero), as ``robust_scale``."""
    b = cuda.grid(1)
    if b < sigma.shape[0]:
        scale[b] = factor * sigma[b] if sigma[b] > 0 else 1e-3


@cuda.jit
def _depth_scale_kernel(scale, sigma, factor, fixed, weight, out):
    """Each pair's kernel scales ``(scale, depth scale, depth weight)``, as ``ModelProblem.depth_scales``.

    The depth scale is ``fixed`` where positive (``depth_loss_scale``), else ``factor`` times the depth
    residuals' sigma, at least :data:`~solver.core.problem.DEPTH_SIGMA_FLOOR`; the weight is
    ``weight * (scale / depth scale) ** 2``.
    """
    b = cuda.grid(1)
    if b < scale.shape[0]:
        s = scale[b]
        d = fixed if fixed > 0.0 else factor * max(sigma[b], DEPTH_SIGMA_FLOOR)
        out[b, 0] = s
        out[b, 1] = d
        out[b, 2] = weight * (s / d) ** 2


depth_scale = _depth_scale_kernel
"""``depth_scale[blocks, threads](scale, sigma, factor, fixed, weight, out)``: see :func:`_depth_scale_kernel`."""


def _step_kernel(size: int, advance):
    """The step kernel: one block per pair (see the module docstring)."""

    def step(
        partials,
        tile_offsets,
        rows,
        cur,
        last,
        steps,
        lmi,
        lmf,
        rec_int,
        rec_cost,
        rec_lam,
        h,
        consts,
        running,
        settings,
        level,
        count,
        count_next,
    ):
        """Add each running pair's partial rows in tile order, then advance its LM by one evaluation."""
        b = cuda.blockIdx.x
        tid = cuda.threadIdx.x
        if b == 0 and tid == 0:
            count_next[0] = 0  # the next round adds into it; this round into ``count``
        if running[b] == 0:
            return
        acc = cuda.shared.array(MAX_ACCUMULATORS, dtype=float64)
        for k in range(tid, size, STEP_THREADS):
            total = 0.0
            for t in range(tile_offsets[b], tile_offsets[b + 1]):
                total += partials[t, k]
            acc[k] = total
        cuda.syncthreads()
        if tid == 0:
            advance(
                b,
                acc,
                rows,
                cur,
                last,
                steps,
                lmi,
                lmf,
                rec_int,
                rec_cost,
                rec_lam,
                h,
                consts,
                running,
                settings[level],
                level,
            )
            if running[b]:
                cuda.atomic.add(count, 0, 1)

    return cuda.jit(step)


def _advance_function(shape: Shape, layout: dict, inputs, update, hoist):
    """``advance(b, acc, ...)``: pair ``b``'s LM after the evaluation ``acc`` (the host's tests, in order)."""
    n, NF_MAX, W = shape.solved, MAX_SOLVED, shape.width
    h0, g0, used_at, size = (layout[k] for k in ("H", "g", "n_used", "size"))
    x_count = shape.params + shape.brightness
    cost, mean_cost = _cost_functions(layout)
    start_tests = _start_tests_function(n, h0, g0, cost, used_at)
    judge = _judge_function(n, h0, g0, cost, mean_cost, used_at, size, W, x_count)
    propose = _propose_function(n, h0, g0, cost, W, inputs, update, hoist)

    def advance(
        b, acc, rows, cur, last, steps, lmi, lmf, rec_int, rec_cost, rec_lam, h, consts, running, settings, level
    ):
        Hf = cuda.local.array((NF_MAX, NF_MAX), dtype=float64)
        gf = cuda.local.array(NF_MAX, dtype=float64)
        L = cuda.local.array((NF_MAX, NF_MAX), dtype=float64)
        d = cuda.local.array(NF_MAX, dtype=float64)
        if lmi[b, PHASE] == PHASE_START:
            for k in range(size):
                cur[b, k] = acc[k]
            lmi[b, NFEV] = 1
            rec_cost[b, level, 0] = mean_cost(acc)
            status = start_tests(acc, Hf, gf, L, settings)
            lmf[b, LAM] = settings[LAMBDA_INIT]
            lmf[b, NU] = 2.0
        else:
            lmi[b, NFEV] += 1
            status = judge(b, acc, rows, cur, steps, lmi, lmf, rec_cost, rec_lam, Hf, gf, settings, level)
        if status == RUNNING:
            status = propose(b, rows, cur, steps, lmi, lmf, h, consts[b], Hf, gf, L, d, settings)
        if status == RUNNING:
            lmi[b, PHASE] = PHASE_CANDIDATE
            return
        lmi[b, STATUS] = status
        running[b] = 0
        for k in range(RECORD):
            rec_int[b, level, k] = lmi[b, k]
        failed = status == FAILED[0] or status == FAILED[1] or status == FAILED[2]
        for k in range(W if failed else 0):
            rows[0, b, k] = rows[1, b, k]  # a failed level hands on the estimate it started from
        for k in range(0 if failed else size):
            last[b, k] = cur[b, k]

    return _device(advance)


def _cost_functions(layout: dict):
    """``cost(acc)`` and ``mean_cost(acc)`` of an accumulator row, as ``NormalEquations`` has them.

    The cost is the photometric sum, plus the depth part (``cost_depth``) where the layout has one;
    the mean is per used point (``inf`` when none was used).
    """
    cost_at, used_at, depth_at = layout["cost"], layout["n_used"], layout.get("cost_depth")
    if depth_at is None:

        def cost(acc):
            return acc[cost_at]

    else:

        def cost(acc):
            return acc[cost_at] + acc[depth_at]

    cost = _device(cost)

    def mean_cost(acc):
        n = int(round(acc[used_at]))
        return cost(acc) / n if n else math.inf

    return cost, _device(mean_cost)


def _start_tests_function(n, h0, g0, cost, used_at):
    def start_tests(acc, Hf, gf, S, settings):
        nf = int(settings[N_FREE])
        if int(round(acc[used_at])) < int(settings[MIN_POINTS]):
            return _TOO_FEW_POINTS
        if not math.isfinite(cost(acc)):
            return _DIVERGED
        _free_block(acc, h0, g0, n, settings[FREE:], nf, Hf, gf)
        if _is_singular(Hf, nf, S):
            return _SINGULAR
        return RUNNING

    return _device(start_tests)


def _judge_function(n, h0, g0, cost, mean_cost, used_at, size, W, x_count):
    """``judge``: accept or reject the candidate just evaluated, then the tests of a tried step."""

    def judge(b, acc, rows, cur, steps, lmi, lmf, rec_cost, rec_lam, Hf, gf, settings, level):
        nf, ftol, xtol = int(settings[N_FREE]), settings[FTOL], settings[XTOL]
        _free_block(cur[b], h0, g0, n, settings[FREE:], nf, Hf, gf)
        lam, d = lmf[b, LAM], steps[b]
        predicted_total = _predicted(Hf, gf, d, lam, nf)
        n_cur = int(round(cur[b, used_at]))
        cost_cur, mean_cur = cost(cur[b]), mean_cost(cur[b])
        n_ok = int(round(acc[used_at])) >= max(int(settings[MIN_POINTS]), n_cur // 4)
        new_cost = mean_cost(acc)
        step_norm = _norm(d, 0, nf)
        small = step_norm <= xtol * (xtol + _norm(rows[0, b], POSE, x_count))
        if n_ok and math.isfinite(new_cost) and new_cost <= mean_cur:
            predicted = predicted_total / max(n_cur, 1)
            actual = mean_cur - new_cost
            rho = actual / predicted if predicted > 0 else 0.0
            rel_change = actual / max(mean_cur, 1e-300)
            for k in range(W):
                rows[0, b, k] = rows[2, b, k]
            for k in range(size):
                cur[b, k] = acc[k]
            lmi[b, ACCEPTED] += 1
            rec_cost[b, level, lmi[b, ACCEPTED]] = new_cost
            rec_lam[b, level, lmi[b, ACCEPTED] - 1] = lam
            lmf[b, LAM] = lam * max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
            lmf[b, NU] = 2.0
            if small:
                return _CONVERGED_STEP
            if rel_change < ftol:
                return _CONVERGED_DECREASE
            return RUNNING
        lmi[b, REJECTED] += 1
        nu = lmf[b, NU]
        lam = max(lam, 1e-8) * nu
        lmf[b, LAM] = lam
        lmf[b, NU] = nu * 2.0
        if lam > settings[LAMBDA_MAX]:
            return _CONVERGED_DAMPING
        if predicted_total <= ftol * cost_cur:
            return _CONVERGED_DAMPED_GAIN
        if n_ok and abs(new_cost - mean_cur) <= settings[FLOOR_FACTOR] * ftol * mean_cur:
            return _CONVERGED_NOISE_FLOOR
        if small:
            return _CONVERGED_STEP
        return RUNNING

    return _device(judge)


def _propose_function(n, h0, g0, cost_of, W, inputs, update, hoist):
    """``propose``: the loop head of the host LM, up to the next candidate (its hoisted row written)."""

    def propose(b, rows, cur, steps, lmi, lmf, h, consts, Hf, gf, L, d, settings):
        nf = int(settings[N_FREE])
        _free_block(cur[b], h0, g0, n, settings[FREE:], nf, Hf, gf)
        cost = cost_of(cur[b])
        while lmi[b, ITER] < int(settings[MAX_ITERS]):
            if _gain(Hf, gf, nf, L, d) <= settings[FTOL] * cost:
                return _CONVERGED_COST
            lmi[b, ITER] += 1
            lam = lmf[b, LAM]
            if not _solve(Hf, gf, lam, nf, L, d):
                nu = lmf[b, NU]
                lam = max(lam, 1e-8) * nu
                lmf[b, LAM] = lam
                lmf[b, NU] = nu * 2.0
                if lam > settings[LAMBDA_MAX]:
                    return _SINGULAR
                continue
            delta = cuda.local.array(MAX_SOLVED, dtype=float64)
            D = cuda.local.array(DELTA_POSE, dtype=float64)
            for k in range(MAX_SOLVED):
                delta[k] = 0.0
            for i in range(nf):
                delta[int(settings[FREE + i])] = d[i]
                steps[b, i] = d[i]
            update(rows[0, b], delta, rows[2, b], D)
            kp = cuda.local.array(MAX_SOLVED, dtype=float64)
            kc = cuda.local.array(KC_SIZE, dtype=float64)
            inputs(rows[2, b], consts, kp, kc, False)
            hoist(kp, kc, h[b])
            return RUNNING
        return _MAX_ITERATIONS

    return _device(propose)


__all__ = ["LMKernels", "Shape", "kind", "lm_kernels", "supports"]
