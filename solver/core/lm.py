"""Levenberg-Marquardt / Gauss-Newton iterations on one pyramid level."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass

import numpy as np
from numba import njit

from solver.core.model import NormalEquations
from solver.result import Status

MIN_POINTS = 12


@dataclass
class LMOptions:
    """Stopping and damping settings (flat, as in ``scipy.optimize``)."""

    method: str = "lm"
    max_iters: int = 30
    xtol: float = 1e-6
    ftol: float = 1e-6
    lambda_init: float = 1e-4
    lambda_max: float = 1e10
    min_points: int = MIN_POINTS
    floor_factor: float = 10.0
    """A rejected step that moves the cost by less than ``floor_factor * ftol`` (relative) ends the level."""


@dataclass
class LMOutcome:
    """State and history of one level's run."""

    state: object
    ne: NormalEquations
    status: Status
    iterations: int
    cost_history: list[float]
    lambda_history: list[float]
    nfev: int = 0
    """Normal equations received (the start's included); ``n_accepted + n_rejected == nfev - 1``."""
    n_accepted: int = 0
    n_rejected: int = 0
    time_evaluation: float = 0.0
    """Seconds in ``evaluate`` (set by the driver: :func:`run_lm`, or the batched one)."""
    time_solve: float = 0.0
    """Seconds in the iterations' own work: linear solves, tests, updates, callbacks."""


def solve_damped(H: np.ndarray, g: np.ndarray, lam: float) -> np.ndarray | None:
    """``(H + lam diag(H)) d = -g`` by Cholesky; ``None`` if not positive definite or not finite."""
    d = np.empty(g.size)
    H = np.ascontiguousarray(H, dtype=np.float64)
    if not _cholesky_solve_damped(H, np.asarray(g, dtype=np.float64), lam, np.zeros((g.size, g.size)), d):
        return None
    return d


def cholesky_solve_body(H, g, lam, n, L, out) -> bool:
    """Solve ``(H + lam diag(H)) out = -g`` for the leading ``n`` x ``n`` block; False if not positive definite.

    Plain Python on scalars and preallocated arrays (``L``: n x n scratch, lower triangle written),
    compiled for the host (:func:`_cholesky_solve_damped`) and as a CUDA device function by the
    device LM (:mod:`solver.device_batch.lm_device`): both targets run the same operations in the same order.
    """
    for i in range(n):
        for j in range(i + 1):
            acc = H[i, j] + (lam * H[i, i] if i == j else 0.0)
            for k in range(j):
                acc -= L[i, k] * L[j, k]
            if i == j:
                if not (acc > 0.0) or not math.isfinite(acc):
                    return False
                L[i, i] = math.sqrt(acc)
            else:
                L[i, j] = acc / L[j, j]
    for i in range(n):  # L y = -g
        acc = -g[i]
        for k in range(i):
            acc -= L[i, k] * out[k]
        out[i] = acc / L[i, i]
    for i in range(n - 1, -1, -1):  # L^T d = y
        acc = out[i]
        for k in range(i + 1, n):
            acc -= L[k, i] * out[k]
        out[i] = acc / L[i, i]
    for i in range(n):
        if not math.isfinite(out[i]):
            return False
    return True


_cholesky_body = njit(cache=True, inline="always")(cholesky_solve_body)


@njit(cache=True)
def _cholesky_solve_damped(H, g, lam, L, out):
    """Solve ``(H + lam diag(H)) out = -g`` in place (``L``: n x n scratch); False if not positive definite.

    The systems are 1x1 to 8x8: a plain Cholesky is far cheaper here than a LAPACK call through NumPy.
    The scratch comes from the caller: an allocation here would compile ``np.zeros`` on a cold cache.
    """
    return _cholesky_body(H, g, lam, g.size, L, out)


def _gauss_newton_gain(H: np.ndarray, g: np.ndarray) -> float:
    """Cost decrease ``g^T H^-1 g / 2`` that the undamped quadratic model predicts (``inf`` if unsure)."""
    d = solve_damped(H, g, 0.0)
    return float("inf") if d is None else -0.5 * float(g @ d)


def free_block(ne: NormalEquations, free: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``H`` and ``g`` restricted to the free parameters (the arrays themselves when all are free)."""
    if free.all():
        return ne.H, ne.g
    return ne.H[np.ix_(free, free)], ne.g[free]


def is_singular(H: np.ndarray) -> bool:
    """Numerically rank-deficient (scaled condition number above 1e12) or non-finite."""
    if not np.all(np.isfinite(H)):
        return True
    d = np.sqrt(np.clip(np.diag(H), 0.0, None))
    if np.any(d <= 0.0):
        return True
    S = H / np.outer(d, d)
    w = np.linalg.eigvalsh(S)
    return w[0] <= 1e-12 * w[-1]


def run_lm(
    state,
    evaluate: Callable[[object], NormalEquations],
    update: Callable[[object, np.ndarray], object],
    free: np.ndarray,
    norm: Callable[[object], float],
    options: LMOptions,
    callback: Callable | None = None,
) -> LMOutcome:
    """Minimise the robust photometric cost from ``state``.

    ``evaluate(state)`` runs the fused kernel, ``update(state, delta)`` applies a full-length
    step (zeros at fixed parameters), ``free`` is the boolean mask of solved parameters and
    ``norm(state)`` the size of the estimate for the relative step test. A step that raises the
    mean cost is rejected and never applied; the best state seen is returned.
    """
    steps = lm_iterations(state, update, free, norm, options, callback)
    request = next(steps)
    evaluation = 0.0
    while True:
        t = time.perf_counter()
        ne = evaluate(request)
        evaluation += time.perf_counter() - t
        try:
            request = steps.send(ne)
        except StopIteration as done:
            done.value.time_evaluation = evaluation
            return done.value


def lm_iterations(*problem, **keywords) -> Generator[object, NormalEquations, LMOutcome]:
    """:func:`run_lm` as a generator: yields each state to evaluate and is sent its normal equations.

    Takes the arguments of :func:`_lm_steps` (those of :func:`run_lm` but ``evaluate``).

    Lets a batched driver advance many independent solvers in lockstep, evaluating all their
    pending states in one kernel launch; the :class:`LMOutcome` is the generator's return value,
    with ``time_solve`` the seconds spent in the generator (``time_evaluation`` is the driver's).
    """
    steps = _lm_steps(*problem, **keywords)
    solve, t = 0.0, time.perf_counter()
    try:
        request = next(steps)
        while True:
            solve += time.perf_counter() - t
            ne = yield request
            t = time.perf_counter()
            request = steps.send(ne)
    except StopIteration as done:
        done.value.time_solve = solve + time.perf_counter() - t
        return done.value


def _lm_steps(
    state,
    update: Callable[[object, np.ndarray], object],
    free: np.ndarray,
    norm: Callable[[object], float],
    options: LMOptions,
    callback: Callable | None = None,
) -> Generator[object, NormalEquations, LMOutcome]:
    """The iterations of :func:`lm_iterations`, untimed; each return is one :class:`Status`'s test."""
    ne = yield state
    history, lambdas = [ne.mean_cost], []
    nfev, accepted, rejected, it = 1, 0, 0, 0

    def outcome(status: Status) -> LMOutcome:
        return LMOutcome(state, ne, status, it, history, lambdas, nfev, accepted, rejected)

    if ne.n_used < options.min_points:
        return outcome(Status.TOO_FEW_POINTS)
    if not math.isfinite(ne.cost):
        return outcome(Status.DIVERGED)
    Hf, gf = free_block(ne, free)
    if is_singular(Hf):
        return outcome(Status.SINGULAR)
    gn = options.method == "gn"
    lam, nu = (0.0 if gn else options.lambda_init), 2.0
    status = Status.MAX_ITERATIONS
    while it < options.max_iters:
        if _gauss_newton_gain(Hf, gf) <= options.ftol * ne.cost:
            # the undamped quadratic model promises less than ftol of the cost: nothing left to gain
            status = Status.CONVERGED_COST
            break
        it += 1
        d = solve_damped(Hf, gf, lam)
        if d is None:
            if gn:
                status = Status.SINGULAR
                break
            lam, nu = max(lam, 1e-8) * nu, nu * 2.0
            if lam > options.lambda_max:
                status = Status.SINGULAR
                break
            continue
        delta = np.zeros(free.size)
        delta[free] = d
        candidate = update(state, delta)
        ne_new = yield candidate
        nfev += 1
        predicted_total = 0.5 * float(d @ (lam * np.diag(Hf) * d - gf))
        n_ok = ne_new.n_used >= max(options.min_points, ne.n_used // 4)
        new_cost = ne_new.mean_cost
        if n_ok and math.isfinite(new_cost) and new_cost <= ne.mean_cost:
            predicted = predicted_total / max(ne.n_used, 1)
            actual = ne.mean_cost - new_cost
            rho = actual / predicted if predicted > 0 else 0.0
            rel_change = actual / max(ne.mean_cost, 1e-300)
            step_small = np.linalg.norm(d) <= options.xtol * (options.xtol + norm(state))
            state, ne = candidate, ne_new
            accepted += 1
            history.append(new_cost)
            lambdas.append(lam)
            if callback is not None:
                callback(state, ne)
            if not gn:
                lam *= max(1.0 / 3.0, 1.0 - (2.0 * rho - 1.0) ** 3)
                nu = 2.0
            Hf, gf = free_block(ne, free)
            if step_small:
                status = Status.CONVERGED_STEP
                break
            if rel_change < options.ftol:
                status = Status.CONVERGED_DECREASE
                break
        else:
            rejected += 1
            if gn:
                # undamped GN: halve the step until it is accepted or negligible
                shrink = 0.5
                while shrink > 1e-3:
                    cand = update(state, delta * shrink)
                    ne_try = yield cand
                    nfev += 1
                    if ne_try.n_used >= options.min_points and ne_try.mean_cost <= ne.mean_cost:
                        state, ne = cand, ne_try
                        accepted += 1
                        history.append(ne.mean_cost)
                        Hf, gf = free_block(ne, free)
                        break
                    rejected += 1
                    shrink *= 0.5
                else:
                    status = Status.CONVERGED_LINE_SEARCH
                    break
                continue
            lam, nu = max(lam, 1e-8) * nu, nu * 2.0
            if lam > options.lambda_max:
                status = Status.CONVERGED_DAMPING
                break
            # a rejected step that promised less than ftol of the cost, or whose cost moved by less
            # than floor_factor * ftol: the cost is at the floor set by interpolation noise
            if predicted_total <= options.ftol * ne.cost:
                status = Status.CONVERGED_DAMPED_GAIN
                break
            if n_ok and abs(new_cost - ne.mean_cost) <= options.floor_factor * options.ftol * ne.mean_cost:
                status = Status.CONVERGED_NOISE_FLOOR
                break
            if np.linalg.norm(d) <= options.xtol * (options.xtol + norm(state)):
                status = Status.CONVERGED_STEP
                break
    return outcome(status)
