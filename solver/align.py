"""``align``: coarse-to-fine photometric alignment of a reference RGB-D frame to a target image."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from .kernels import normal_equations
from .lm import run_lm
from .problem import FAILED_LEVEL, LevelData, Problem, State
from .result import AlignResult, LevelReport, Status


def align(
    ref_image,
    ref_depth,
    tgt_image,
    intrinsics,
    *,
    init=None,
    model: str = "se3",
    method: str = "lm",
    loss: str = "huber",
    loss_scale: float | None = None,
    levels: int = 4,
    max_iters: int | Sequence[int] | None = None,
    fixed: Sequence[str] = (),
    brightness: bool = False,
    max_points: int | None = None,
    depth_range: tuple[float, float] = (0.1, 10.0),
    dtype: str = "float32",
    target: str = "cpu",
    callback: Callable | None = None,
    xtol: float = 1e-6,
    ftol: float | Sequence[float] | None = None,
) -> AlignResult:
    """Estimate the camera motion ``T_tgt_from_ref`` between an RGB-D reference and a target image.

    Minimises ``sum rho(I_tgt(pi(T X_i)) - I_ref_i)`` over reference pixels ``i`` with depth, by
    Levenberg-Marquardt (or Gauss-Newton) on generated fused kernels, coarse to fine.

    Parameters
    ----------
    ref_image, tgt_image : ndarray (H, W) or (H, W, 3)
        Gray or colour; uint8 is scaled to [0, 1], float is used as is.
    ref_depth : ndarray (H, W)
        Metres; 0 or NaN means missing.
    intrinsics : (fx, fy, cx, cy)
        Pinhole intrinsics of both images (pixel centres at integer coordinates).
    init : ndarray (4, 4), optional
        Initial ``T_tgt_from_ref``; identity by default.
    model : {"se3", "rodrigues", "euler_xyz"}
        ``se3``: forward compositional, left increment ``T <- exp(d) T``; the others: forward
        additive on their parameters ``(r1, r2, r3, t1, t2, t3)``.
    method : {"lm", "gn"}
        Levenberg-Marquardt with Nielsen's damping update, or undamped Gauss-Newton with the same
        acceptance test (a step that raises the cost is never applied).
    loss : {"l2", "huber", "tukey", "cauchy"}
        Robust loss, applied as IRLS weights in both ``H`` and ``g``.
    loss_scale : float, optional
        Robust scale in intensity units; default ``factor * 1.4826 * MAD`` of the residuals at the
        start of each level (factor 1.345 huber, 4.685 tukey, 2.385 cauchy).
    levels : int
        Pyramid levels (2x2 block means); 1 = full resolution only.
    max_iters : int or sequence, optional
        Iteration limit per level (a sequence is given coarse to fine); default 30 per level.
    fixed : sequence of str, or str
        Parameter names held at their initial values (``r1 .. t3``, and ``a``, ``b`` with
        brightness; a plain string is one name); solved as the free sub-block of the normal
        equations.
    brightness : bool
        Also estimate ``(a, b)`` with ``I_tgt ~ exp(a) I_ref + b``.
    max_points : int, optional
        Use at most this many reference pixels per level: the highest-gradient ones, spread over
        the image. Default: every pixel with valid depth and non-zero gradient.
    depth_range : (float, float)
        Usable reference depths in metres.
    dtype : {"float32", "float64"}
        Precision of images, points and per-point arithmetic (accumulation is always float64).
    target : {"cpu", "cuda"}
        Where the fused kernels run.
    callback : callable, optional
        ``callback(level, pose, cost)`` after every accepted step.
    xtol : float
        Relative step-size tolerance (default 1e-6).
    ftol : float or sequence, optional
        Relative cost-decrease tolerance, one for all levels or one per level (coarse to fine).
        Default 1e-4, and 5e-4 at the finest level (see ``solver.problem.FTOL_FINEST``). A level
        stops when the Gauss-Newton model or an accepted step gains less than ``ftol`` of the
        cost, or a rejected step moves it by less than ``10 * ftol``.

    Returns
    -------
    AlignResult
        With ``pose``, ``params``, ``success``, ``status``, ``message``, ``cost``, ``n_valid``,
        ``covariance``, per-level history and wall times. The best iterate seen is returned.

    Raises
    ------
    ValueError
        Naming the argument, for anything that is not as documented here (shapes, dtypes, NaN or
        inf pixels, non-rigid ``init``, unknown names, non-integer counts, negative tolerances).
        Inputs that are valid but hopeless (no depth, no texture, every point off the image) give
        a result with ``success`` False and the reason in ``status``.
    """
    start = time.perf_counter()
    problem = Problem(
        ref_image,
        ref_depth,
        tgt_image,
        intrinsics,
        init=init,
        model=model,
        method=method,
        loss=loss,
        loss_scale=loss_scale,
        levels=levels,
        max_iters=max_iters,
        fixed=fixed,
        brightness=brightness,
        max_points=max_points,
        depth_range=depth_range,
        dtype=dtype,
        target=target,
        xtol=xtol,
        ftol=ftol,
    )
    try:
        state, last, status = problem.initial, None, Status.TOO_FEW_POINTS
        reports: list[LevelReport] = []
        for level in reversed(range(problem.levels)):
            t_level = time.perf_counter()
            data = problem.level_data(level)
            scale = problem.robust_scale(data, state)
            arrays = (data.points, data.iref, data.tgt_stack)  # device arrays for target="cuda"

            def evaluate(s: State, data: LevelData = data, arrays=arrays, scale: float = scale):
                p, c = problem.kernel_inputs(s, data.intrinsics)
                return normal_equations(problem.module, p, c, *arrays, problem.loss, scale, problem.brightness)

            cb = None
            if callback is not None:

                def cb(s, ne, level=level):
                    callback(level, s.pose.copy(), ne.mean_cost)

            options = problem.level_options(level)
            outcome = run_lm(state, evaluate, problem.update, problem.free, problem.norm, options, cb)
            reports.append(level_report(data, outcome, scale, time.perf_counter() - t_level))
            status = outcome.status
            if outcome.status in FAILED_LEVEL:
                # a coarse level may lack points or texture: keep the estimate and refine on finer levels
                continue
            state, last = outcome.state, outcome.ne
        return problem.result(state, last, reports, status, start)
    finally:  # the scratch arrays of this pair go back to the pool
        problem.release()


def level_report(data: LevelData, outcome, scale: float, wall_time: float) -> LevelReport:
    """The :class:`LevelReport` of one level's LM run."""
    return LevelReport(
        level=data.level,
        shape=data.shape,
        n_points=int(data.points.shape[0]),
        iterations=outcome.iterations,
        status=outcome.status,
        cost_history=outcome.cost_history,
        loss_scale=float(scale),
        wall_time=wall_time,
        lambda_history=outcome.lambda_history,
    )
