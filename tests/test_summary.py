"""The Ceres-style summary of the aligners' results: stopping tests, counters, initial cost, time split."""

import math

import numpy as np
import pytest

import solver
from solver.core.lm import LMOptions, run_lm
from solver.core.model import FusedKernels, NormalEquations
from solver.pointset.scenes import fov_intrinsics
from solver.synthetic import make_scene

SHAPE = (120, 160)
MOTION = (0.02, -0.01, 0.03, 2.0, -1.5, 3.0)


@pytest.fixture(scope="module")
def scene():
    return make_scene(MOTION, shape=SHAPE)


def align(s, **kwargs):
    return solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, **kwargs)


def check_counts(res):
    """Counters of ``res`` agree with its levels and with each other."""
    assert res.nfev == sum(lvl.nfev for lvl in res.levels)
    assert res.n_accepted == sum(lvl.n_accepted for lvl in res.levels)
    assert res.n_rejected == sum(lvl.n_rejected for lvl in res.levels)
    assert res.nfev >= res.nit and res.n_accepted <= res.nit
    for lvl in res.levels:
        # the first evaluation is the level's start; every later one is a step, accepted or rejected
        assert lvl.n_accepted + lvl.n_rejected == lvl.nfev - 1, lvl
        assert lvl.n_accepted == len(lvl.cost_history) - 1, lvl  # each accepted step adds a cost
        assert lvl.time_evaluation >= 0 and lvl.time_solve >= 0


def check_times(res, slack=2e-3):
    parts = (res.time_preparation, res.time_evaluation, res.time_solve)
    assert all(t >= 0 for t in parts), parts
    assert res.time_evaluation > 0 and res.time_solve > 0
    assert sum(parts) <= res.wall_time + slack, (parts, res.wall_time)
    assert sum(parts) >= 0.8 * res.wall_time, (parts, res.wall_time)


def check_report(res):
    line = res.brief_report()
    assert line.startswith("jacgen Solver Report: ") and "\n" not in line
    for piece in (
        f"Iterations: {res.nit},",
        f"Evaluations: {res.nfev},",
        f"Accepted steps: {res.n_accepted},",
        f"Rejected steps: {res.n_rejected},",
        f"Initial cost: {res.initial_cost:.6e},",
        f"Final cost: {res.cost:.6e},",
        f"Termination: {res.status.name},",
        f"Time: {res.wall_time:.6f} s",
        f"preparation {res.time_preparation:.6f}",
        f"evaluation {res.time_evaluation:.6f}",
        f"solve {res.time_solve:.6f}",
    ):
        assert piece in line, (piece, line)
    assert res.message.endswith(f"({res.status.test})"), res.message
    for name in ("nfev", "n_accepted", "n_rejected", "initial_cost", "preparation"):
        assert name in repr(res)


def test_converged_run_summary(scene, monkeypatch):
    # count the kernel calls and accepted steps independently of the solver's own counters
    calls, accepted = [], []
    kernel = FusedKernels.normal_equations  # the fused-kernel evaluation of align's levels
    monkeypatch.setattr(FusedKernels, "normal_equations", lambda *a: calls.append(1) or kernel(*a))
    res = align(scene, levels=3, callback=lambda level, T, cost: accepted.append(level))
    assert res.success, res.message
    assert res.nfev == len(calls) > res.nit > 0
    assert res.n_accepted == len(accepted) > 0
    check_counts(res)
    check_times(res)
    check_report(res)
    # the finest level's start, with the finest level's points and loss scale
    assert res.initial_cost == res.levels[-1].cost_history[0]
    assert res.initial_cost >= res.cost == res.levels[-1].cost_history[-1]
    assert math.isfinite(res.cost) and res.cost < res.initial_cost


def test_single_level_initial_cost_is_the_cost_at_init(scene):
    res = align(scene, levels=1, max_iters=3)
    ref = align(scene, levels=1, max_iters=0)  # no step: the cost at init
    assert ref.status == solver.Status.MAX_ITERATIONS and ref.nfev == 1 and ref.nit == 0
    assert res.initial_cost == ref.initial_cost == ref.cost > res.cost
    check_counts(res)
    check_report(ref)


def test_iteration_limit_reports_its_test(scene):
    res = align(scene, levels=1, max_iters=1)
    assert res.status == solver.Status.MAX_ITERATIONS and not res.success
    assert res.nit == 1 and res.nfev == 2 and res.n_accepted + res.n_rejected == 1
    assert res.status.test == "iterations >= max_iters"
    assert res.message == res.status.reason
    assert res.message.startswith("stopped: iteration limit") and "(iterations >= max_iters)" in res.message
    assert "Termination: MAX_ITERATIONS" in res.brief_report()
    check_counts(res)


def test_too_few_points_reports_its_test(scene):
    s = scene
    res = solver.align(s.ref_image, np.zeros_like(s.ref_depth), s.tgt_image, s.intrinsics, levels=2)
    assert res.status == solver.Status.TOO_FEW_POINTS and not res.success
    assert "too few" in res.message and "(n < min_points)" in res.message
    assert res.nfev == 2 and res.n_accepted == res.n_rejected == res.nit == 0  # one look per level
    assert math.isnan(res.initial_cost) and math.isnan(res.cost)
    assert "Initial cost: nan" in res.brief_report() and "Termination: TOO_FEW_POINTS" in res.brief_report()
    check_counts(res)


def test_gauss_newton_counts(scene):
    res = align(scene, levels=2, method="gn")
    assert res.success, res.message
    check_counts(res)
    check_times(res)


def test_batch_summary(scene):
    other = make_scene((0.0, 0.03, 0.0, -3.0, 0.0, 1.0), shape=SHAPE, seed=1)
    pairs = [scene, other]
    batch = solver.align_batch(
        [s.ref_image for s in pairs],
        [s.ref_depth for s in pairs],
        [s.tgt_image for s in pairs],
        scene.intrinsics,
        levels=2,
    )
    for res, s in zip(batch, pairs, strict=True):
        one = align(s, levels=2)
        assert (res.nfev, res.n_accepted, res.n_rejected) == (one.nfev, one.n_accepted, one.n_rejected)
        assert res.initial_cost == pytest.approx(one.initial_cost, rel=1e-12)
        check_counts(res)
        check_report(res)
    # each pair's parts are its share of the batch: summed over the pairs they make the batch's time
    total = sum(r.time_preparation + r.time_evaluation + r.time_solve for r in batch)
    assert 0.8 * batch[0].wall_time <= total <= batch[0].wall_time + 2e-3


def test_point_set_and_render_fit_summaries():
    points = solver.torus_points()
    K = fov_intrinsics((64, 64), 90.0)
    true = np.array([math.radians(30.0), 0.0, math.radians(40.0), 0.0, 0.0, 2.0])
    image = solver.render_points(points, true, K, (64, 64), sigma=2.0)
    init = true + np.radians([5.0, 0.0, -5.0, 0.0, 0.0, 0.0])
    fixed = ("r2", "t1", "t2", "t3")
    res = solver.align_points(points, image, K, init=init, fixed=fixed, levels=2, upsample=2)
    check_counts(res)
    check_times(res)
    check_report(res)
    assert res.initial_cost >= res.cost
    fit = solver.fit_render(points, image, K, sigma=2.0, init=init, fixed=fixed, levels=2)
    assert fit.nfev == sum(lvl.nfev for lvl in fit.levels) + 1  # and the final evaluation
    assert fit.n_accepted == sum(lvl.n_accepted for lvl in fit.levels)
    assert fit.initial_cost == fit.levels[-1].cost_history[0] >= fit.cost
    check_times(fit)
    assert f"Evaluations: {fit.nfev}," in fit.brief_report()


def test_every_status_has_its_own_test():
    tests = {s: s.test for s in solver.Status}
    assert all(isinstance(t, str) and t for t in tests.values())
    assert len(set(tests.values())) == len(tests), "one stopping test per status"
    for s in solver.Status:
        assert s.reason == f"{s.description} ({s.test})"
        assert s.converged == s.name.startswith("CONVERGED_")
    assert solver.Status.CONVERGED_STEP.test == "|dx| <= xtol * (|x| + xtol)"
    assert solver.Status.CONVERGED_COST.test.startswith("g' H^-1 g / 2 <= ftol * F")
    # the numbers users and other tests rely on
    assert [int(solver.Status[n]) for n in ("CONVERGED_STEP", "CONVERGED_COST", "MAX_ITERATIONS")] == [1, 2, 0]
    assert [int(solver.Status[n]) for n in ("TOO_FEW_POINTS", "SINGULAR", "DIVERGED")] == [-1, -2, -3]


# ------------------------------------------------------------------------------------------------
# run_lm on a one-parameter toy: each stopping test reached on purpose

N = 20


def toy(cost, grad, hess=lambda x: 1.0, n_used=N):
    """``evaluate`` with mean cost ``cost(x)``, gradient ``grad(x)`` and curvature ``hess(x)`` per point."""

    def evaluate(x):
        return NormalEquations(np.array([[N * hess(x)]]), np.array([N * grad(x)]), N * cost(x), n_used, 0, 0)

    return evaluate


def lm(evaluate, x0=1.0, **options):
    outcome = run_lm(x0, evaluate, lambda x, d: x + float(d[0]), np.ones(1, bool), abs, LMOptions(**options))
    assert outcome.n_accepted + outcome.n_rejected == outcome.nfev - 1
    assert outcome.n_accepted == len(outcome.cost_history) - 1
    assert outcome.time_evaluation >= 0 and outcome.time_solve >= 0
    return outcome


QUADRATIC = {"cost": lambda x: 0.5 * (x * x + 1.0), "grad": lambda x: x}
UPHILL = {"cost": lambda x: 0.5 * (x * x + 1.0), "grad": lambda x: -x}  # the gradient lies: every step goes up


@pytest.mark.parametrize(
    ("evaluate", "options", "status"),
    [
        (toy(**QUADRATIC), {"ftol": 1e-3}, solver.Status.CONVERGED_COST),
        (toy(**QUADRATIC), {"xtol": 1.0}, solver.Status.CONVERGED_STEP),
        (toy(lambda x: 1.0 - 1e-6 * (x - 1.0), lambda x: -1.0), {"ftol": 1e-3}, solver.Status.CONVERGED_DECREASE),
        (toy(**UPHILL), {"ftol": 1e-3, "floor_factor": 0.0}, solver.Status.CONVERGED_DAMPED_GAIN),
        (toy(**UPHILL), {"ftol": 1e-3}, solver.Status.CONVERGED_NOISE_FLOOR),
        (
            toy(lambda x: 1.0 + 1e-6 * (x - 1.0) ** 2, lambda x: -1.0),
            {"ftol": 1e-3},
            solver.Status.CONVERGED_NOISE_FLOOR,
        ),
        (toy(**UPHILL), {"ftol": 0.0, "xtol": 0.0, "max_iters": 100}, solver.Status.CONVERGED_DAMPING),
        (toy(**UPHILL), {"method": "gn"}, solver.Status.CONVERGED_LINE_SEARCH),
        (toy(**QUADRATIC), {"max_iters": 0}, solver.Status.MAX_ITERATIONS),
        (toy(**QUADRATIC, n_used=5), {}, solver.Status.TOO_FEW_POINTS),
        (toy(**QUADRATIC, hess=lambda x: 0.0), {}, solver.Status.SINGULAR),
        (toy(lambda x: math.inf, lambda x: x), {}, solver.Status.DIVERGED),
        # no Cholesky factor after an accepted step (the start's H was fine)
        (toy(**QUADRATIC, hess=lambda x: 1.0 if x == 1.0 else -1.0), {"method": "gn"}, solver.Status.SINGULAR),
    ],
)
def test_each_stopping_test(evaluate, options, status):
    out = lm(evaluate, **options)
    assert out.status == status, (out.status, out)


def test_toy_counts():
    out = lm(toy(**UPHILL), ftol=0.0, xtol=0.0, max_iters=100)
    # lam = 1e-4 * 2^(1 + 2 + ... + k) passes lambda_max = 1e10 at the 10th rejection
    assert (out.nfev, out.n_accepted, out.n_rejected, out.iterations) == (11, 0, 10, 10)
    out = lm(toy(**UPHILL), method="gn")
    # the full step, then t = 1/2 ... 1/512: ten rejected steps in one iteration
    assert (out.nfev, out.n_accepted, out.n_rejected, out.iterations) == (11, 0, 10, 1)
