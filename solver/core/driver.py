"""The coarse-to-fine driver: the LM on every pyramid level of a :class:`~solver.core.problem.ModelProblem`."""

from __future__ import annotations

import time
from collections.abc import Callable

from solver.core.lm import run_lm
from solver.core.model import normal_equations
from solver.core.problem import FAILED_LEVEL, LevelData, ModelProblem, State
from solver.result import AlignResult, LevelReport, Status, add_summary


def coarse_to_fine(problem: ModelProblem, start: float, callback: Callable | None = None) -> AlignResult:
    """Run the LM on every level of ``problem``, coarsest first; the result of the finest level that did not fail.

    A level that fails (too few points, singular, diverged) keeps the estimate for the finer ones.
    ``start``: ``time.perf_counter()`` at the call's start (``wall_time``, preparation time);
    ``callback(level, pose, cost)`` after every accepted step. Releases the problem's scratch arrays.
    """
    preparation = time.perf_counter() - start  # input checks, pyramids, scratch
    try:
        state, last, status, initial_cost = problem.initial, None, Status.TOO_FEW_POINTS, float("nan")
        reports: list[LevelReport] = []
        for level in reversed(range(problem.levels)):
            t_level = time.perf_counter()
            data = problem.level_data(level)
            scale = problem.robust_scale(data, state)
            arrays = (data.points, data.iref, data.tgt_stack)  # device arrays for target="cuda"
            preparation += time.perf_counter() - t_level  # point selection, gradients, robust scale

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
            state, last, initial_cost = outcome.state, outcome.ne, outcome.cost_history[0]
        t_result = time.perf_counter()
        result = problem.result(state, last, reports, status, start)
        return add_summary(result, initial_cost, preparation + time.perf_counter() - t_result)
    finally:  # the scratch arrays go back to the pool
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
        nfev=outcome.nfev,
        n_accepted=outcome.n_accepted,
        n_rejected=outcome.n_rejected,
        time_evaluation=outcome.time_evaluation,
        time_solve=outcome.time_solve,
    )
