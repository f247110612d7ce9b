"""The coarse-to-fine driver: the LM on every pyramid level of a problem, coarsest first.

A problem has ``levels``, ``initial`` (the starting state), ``failed`` (the statuses after which a
level hands on the state it started from), ``prepare(level, state, callback) -> LevelRun``,
``finish(DriverOutcome) -> AlignResult`` and ``release()``: :class:`~solver.core.problem.ModelProblem`
(photometric pairs, point sets) and the render-and-compare problem of :func:`solver.fit_render`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from solver.core.lm import LMOutcome, run_lm
from solver.core.problem import DriverOutcome, LevelRun
from solver.result import AlignResult, LevelReport, Status


def coarse_to_fine(problem, start: float, callback: Callable | None = None) -> AlignResult:
    """Run the LM on every level of ``problem``, coarsest first; the result of the finest level that did not fail.

    A level that fails (a status in ``problem.failed``: too few points, singular, diverged) keeps
    the estimate for the finer ones. ``start``: ``time.perf_counter()`` at the call's start
    (``wall_time``, preparation time); ``callback`` is handed to ``problem.prepare``. Releases the
    problem's scratch arrays.
    """
    preparation = time.perf_counter() - start  # input checks, pyramids, scratch
    try:
        state, last, status, initial_cost = problem.initial, None, Status.TOO_FEW_POINTS, float("nan")
        reports: list[LevelReport] = []
        for level in reversed(range(problem.levels)):
            t_level = time.perf_counter()
            run = problem.prepare(level, state, callback)
            state = run.start
            preparation += time.perf_counter() - t_level - run.time_evaluation  # level data, robust scale
            if run.unsolvable is not None:
                reports.append(unsolved_report(run, time.perf_counter() - t_level))
                status = run.unsolvable
                continue
            outcome = run_lm(state, run.evaluate, run.update, run.free, run.norm, run.options, run.callback)
            outcome.time_evaluation += run.time_evaluation
            reports.append(level_report(run, outcome, run.loss_scale, time.perf_counter() - t_level))
            status = outcome.status
            if outcome.status in problem.failed:
                # a coarse level may lack points or texture: keep the estimate and refine on finer levels
                continue
            state, last, initial_cost = outcome.state, outcome.ne, outcome.cost_history[0]
        return problem.finish(DriverOutcome(state, last, reports, status, initial_cost, start, preparation))
    finally:  # the scratch arrays go back to the pool
        problem.release()


def level_report(level: LevelRun, outcome: LMOutcome, scale: float, wall_time: float) -> LevelReport:
    """The :class:`LevelReport` of one level's LM run (``level``: a :class:`LevelRun` or level data)."""
    return LevelReport(
        level=level.level,
        shape=level.shape,
        n_points=level.n_points,
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


def unsolved_report(run: LevelRun, wall_time: float) -> LevelReport:
    """The report of a level with nothing to solve: one evaluation, no iteration."""
    outcome = LMOutcome(
        run.start, None, run.unsolvable, 0, [run.start_cost], [], nfev=1, time_evaluation=run.time_evaluation
    )
    return level_report(run, outcome, run.loss_scale, wall_time)
