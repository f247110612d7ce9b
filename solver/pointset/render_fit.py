"""Render and compare: the pose of a known point set from its Gaussian-splat image.

The residual of pixel ``x`` is ``render(points moved by p)(x) - image(x)`` over the whole image
(:mod:`solver.pointset.splat`), so overlapping and saturated splats are modelled instead of assumed away
(:func:`solver.align_points` samples the image at the projected points and asks for a value, which
is flat where splats overlap and biased where they blur together). Each pixel's Jacobian row is the
splat's derivative chained with the generated warp Jacobian of the points.

Coarse to fine: level ``l`` compares splats ``2**l`` times wider (in full-resolution pixels) with
the image blurred to match and reduced to pyramid level ``l`` (:func:`_level_image`), so the splats
keep their width in the level's pixels and a coarse level costs ``4**-l`` of the finest. There the
model is not clipped and a gain and offset are always solved (the blurred image of clipped splats
is not a sum of wider splats; they absorb the difference), which widens the basin. The finest level
is the exact renderer.

After the last level :mod:`solver.observability` names what the image does not determine (the
angle that spins a symmetric torus about its own axis, say): such directions are left out of the
solve at every level, their variance is infinite, and ``success`` reports on the rest.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import numpy as np

import jacgen
from jacgen.handles import GeneratedModel
from solver.arrays import images
from solver.core import lie
from solver.core.checks import check_intrinsics, check_number
from solver.core.driver import coarse_to_fine
from solver.core.lm import LMOptions
from solver.core.model import NormalEquations
from solver.core.problem import DriverOutcome, LevelRun, usable_levels
from solver.options import POINTSET_MIN_POINTS, RenderFitOptions, ValidRenderFitOptions
from solver.pointset import observability, splat
from solver.pointset.inputs import check_point_set
from solver.result import AlignResult, Status, add_summary


def _reduced(ne: NormalEquations, B: np.ndarray, free: np.ndarray) -> NormalEquations:
    """``ne`` in the coordinates ``delta[free] = B d``."""
    H, g = ne.H[np.ix_(free, free)], ne.g[free]
    return NormalEquations(B.T @ H @ B, B.T @ g, ne.cost, ne.n_used, ne.n_behind, ne.n_outside)


def _level_image(img: np.ndarray, sigma: float, level: int) -> np.ndarray:
    """The image as splats ``2**level`` times wider would draw it, on pyramid level ``level``.

    Blurred by ``sigma * sqrt(4**level - 1)`` (full-resolution pixels), then 2x2 block means
    ``level`` times: splats of width ``sigma`` in the level's pixels.
    """
    if level == 0:
        return img
    import scipy.ndimage  # here, not at import: it costs `import solver` ~0.14 s

    blurred = scipy.ndimage.gaussian_filter(img, sigma * math.sqrt(4.0**level - 1.0), mode="constant")
    return images.pyramid(blurred, level + 1)[level]


def _carried_null(obs: observability.Observability, before: np.ndarray, now: np.ndarray) -> np.ndarray:
    """The unobservable directions of a coarser level (free set ``before``) in the free set ``now``.

    A direction the blurred image cannot tell is told on finer levels only by the point sampling
    (a grid's period, say), never by the shape: it stays out of the solve.
    """
    full = np.zeros((before.size, obs.null.shape[1]))
    full[before] = obs.null
    kept = full[now]
    keep = np.linalg.norm(kept, axis=0) > 0.5
    return kept[:, keep] / np.linalg.norm(kept[:, keep], axis=0)


def fit_render(
    points,
    image,
    intrinsics,
    *,
    sigma: float,
    model: str | GeneratedModel = RenderFitOptions.model,
    init=None,
    fixed: Sequence[str] = RenderFitOptions.fixed,
    intensities=1.0,
    clip: bool = RenderFitOptions.clip,
    fit_sigma: bool = RenderFitOptions.fit_sigma,
    brightness: bool = RenderFitOptions.brightness,
    levels: int = RenderFitOptions.levels,
    max_iters: int = RenderFitOptions.max_iters,
    method: str = RenderFitOptions.method,
    xtol: float = RenderFitOptions.xtol,
    ftol: float = RenderFitOptions.ftol,
    observability_tol: float = RenderFitOptions.observability_tol,
    target: str = RenderFitOptions.target,
    callback: Callable | None = None,
) -> AlignResult:
    """Find the pose of ``points`` whose rendered Gaussian splats best match ``image``.

    Minimises ``sum_x (gain * clip(S_p(x)) + offset - image(x))^2 / 2`` over the pixels ``x``,
    ``S_p`` the sum of the splats of the points moved by the model's parameters ``p``
    (:mod:`solver.pointset.splat`; the renderer of :func:`solver.render_points`).

    Parameters
    ----------
    points, image, intrinsics
        As ``points``, ``tgt_image``, ``intrinsics`` of :func:`solver.align_points`.
    sigma : float
        Splat standard deviation in pixels (the start value with ``fit_sigma``).
    model : str or jacgen.GeneratedModel
        Warp model: a built-in name (:func:`jacgen.models`; default
        :data:`solver.options.POINTSET_MODEL`) or a :func:`jacgen.build_model` handle; its
        parameters are updated additively.
    init : (6,) array, optional
        Initial parameters (zeros by default).
    fixed : sequence of str
        Model parameters held at ``init``, e.g. ``("r2", "t1", "t2", "t3")``.
    intensities : float or (N,) array
        Peak value of each point's splat (>= 0).
    clip : bool
        Clip the rendered sum to [0, 1], as the forum's renderer does (zero derivative where
        clipped).
    fit_sigma : bool
        Also solve the splat width on the finest level.
    brightness : bool
        Also solve ``gain`` and ``offset`` (start 1 and 0) on the finest level.
    levels : int
        Splat widths ``sigma * 2**l`` for ``l = levels - 1 .. 0``.
    max_iters, method, xtol, ftol
        Per-level iteration limit, ``"lm"`` or ``"gn"``, and the stopping tolerances of
        :func:`solver.align`.
    observability_tol : float
        A direction whose cost curvature is below this fraction of what the same motion of isolated
        splats would give is unobservable (:mod:`solver.observability`).
    target : {"cpu", "cuda"}
        Where the fused per-pixel kernel runs (:mod:`solver.pointset.splat`, :mod:`solver.pointset.splat_cuda`); the
        warp Jacobian of the points and the small solves stay on the host.
    callback : callable, optional
        ``callback(params, ne)`` after each accepted step (``params`` the full vector of ``param_names``,
        ``ne`` the normal equations in the level's observable coordinates).

    Returns
    -------
    AlignResult
        ``params``, ``pose`` and ``covariance`` as in :func:`solver.align_points` (the covariance
        over ``param_names``: the six model parameters, ``sigma``, ``gain``, ``offset``; zero for
        what was not solved, ``inf`` for ``unobservable`` directions); ``sigma`` and
        ``brightness = (gain, offset)``; ``n_valid`` counts pixels.
    """
    start = time.perf_counter()
    options = RenderFitOptions(
        model=model,
        fixed=fixed,
        clip=clip,
        fit_sigma=fit_sigma,
        brightness=brightness,
        levels=levels,
        max_iters=max_iters,
        method=method,
        xtol=xtol,
        ftol=ftol,
        observability_tol=observability_tol,
        target=target,
    )
    problem = RenderProblem(points, image, intrinsics, sigma, init, intensities, options.validated())
    return coarse_to_fine(problem, start, callback)


def _splat_cuda_kernel() -> Callable:
    """The CUDA splat normal-equation kernel (imported on the CUDA path only)."""
    from solver.pointset import splat_cuda

    return splat_cuda.splat_normal_equations


class RenderProblem:
    """The inputs of :func:`fit_render`, validated, and its levels for the coarse-to-fine driver.

    The state is the full parameter vector (the model's, then ``sigma``, ``gain``, ``offset``). Each
    level analyses what its image can tell at its start and solves the observable directions only;
    the finest level's analysis and covariance make the result.
    """

    failed = (Status.TOO_FEW_POINTS, Status.DIVERGED)
    """A singular level keeps its (unmoved) estimate like any other; these hand on the level's start."""

    def __init__(self, points, image, intrinsics, sigma, init, intensities, options: ValidRenderFitOptions) -> None:
        spec = self.spec = options.spec
        pts, p0, amp = check_point_set(points, init, intensities, nonnegative=True, n_params=len(spec.params))
        self.points, self.amplitude = pts, amp
        self.image = images.to_gray(image, "image")
        self.K = check_intrinsics(intrinsics)
        self.sigma = check_number("sigma", sigma, positive=True)
        self.model = options.model
        self.param_names = spec.params + splat.EXTRA_NAMES  # the order of result.covariance
        self.n = len(spec.params)  # warp parameters; then sigma, gain, offset
        self.arrays = options.arrays()
        self.kernel = self.arrays.choose(cpu=lambda: splat.splat_normal_equations, cuda=_splat_cuda_kernel)
        self.options = LMOptions(
            method=options.method,
            max_iters=options.max_iters,
            xtol=options.xtol,
            ftol=options.ftol,
            min_points=POINTSET_MIN_POINTS,
        )
        self.model_free = options.free
        self.clip, self.fit_sigma, self.brightness = options.clip, options.fit_sigma, options.brightness
        self.observability_tol = options.observability_tol
        self.initial = np.concatenate([p0, [self.sigma, 1.0, 0.0]])
        self.levels = usable_levels(self.image.shape, options.levels)
        self.obs: observability.Observability | None = None  # the latest level's analysis
        self.free: np.ndarray | None = None  # the latest level's solved parameters (full-vector mask)
        self.evaluate: Callable | None = None  # the latest level's full evaluation

    def _level_evaluation(self, level: int) -> tuple[Callable[[np.ndarray], tuple[NormalEquations, np.ndarray]], tuple]:
        """The evaluation of ``level`` and its image shape.

        The evaluation gives the normal equations and the observability test's reference curvature at a state.
        """
        n, finest = self.n, level == 0
        observed = _level_image(self.image, self.sigma, level)
        image = self.arrays.upload(observed)  # once per level
        K_l, clip = images.intrinsics_at_level(self.K, level), self.clip and finest

        def evaluate(s: np.ndarray) -> tuple[NormalEquations, np.ndarray]:
            uv, duv, valid = jacgen.warp_jacobian(self.model, s[:n], self.points, K_l)
            duv = np.where(valid[:, None, None], duv, 0.0)
            ne = self.kernel(uv, duv, valid, self.amplitude, image, s[n], s[n + 1], s[n + 2], clip)
            return ne, splat.motion_reference(duv, valid, self.amplitude, s[n + 1], ne.H)

        return evaluate, observed.shape

    def prepare(self, level: int, state: np.ndarray, callback: Callable | None = None) -> LevelRun:
        """Level ``level`` from ``state``: its image, its first evaluation and what it can tell."""
        n, finest = self.n, level == 0
        evaluate, shape = self._level_evaluation(level)
        state = state.copy()
        if finest or self.free is None:  # coarser levels pass their gain and offset on to the next coarse one
            state[n:] = (self.sigma, 1.0, 0.0)
        wide = self.brightness or not finest
        free = np.concatenate([self.model_free, [self.fit_sigma and finest, wide, wide]])
        t_first = time.perf_counter()
        ne0, G0 = evaluate(state)  # the level's first evaluation: the analysis's and the LM's
        first_evaluation = time.perf_counter() - t_first
        names = tuple(np.array(self.param_names)[free])
        known = None if self.obs is None else _carried_null(self.obs, self.free, free)
        obs = observability.analyse(
            ne0.H[np.ix_(free, free)], G0[np.ix_(free, free)], names, self.observability_tol, known
        )
        self.obs, self.free, self.evaluate = obs, free, evaluate
        B = obs.basis

        def reduced_evaluate(s: np.ndarray) -> NormalEquations:
            """The LM's normal equations; its first request is the state just evaluated for the analysis."""
            return _reduced(ne0 if s is state else evaluate(s)[0], B, free)

        def update(s: np.ndarray, d: np.ndarray) -> np.ndarray:
            out = s.copy()
            out[free] += B @ d
            out[n] = max(out[n], 0.05 * s[n])  # a splat width stays positive
            return out

        def norm(s: np.ndarray) -> float:
            return float(np.linalg.norm(s[free]))

        return LevelRun(
            level,
            shape,
            self.points.shape[0],
            state,
            reduced_evaluate,
            update,
            np.ones(B.shape[1], dtype=bool),
            norm,
            self.options,
            1.0,  # l2 loss: no robust scale
            callback,
            time_evaluation=first_evaluation,
            unsolvable=Status.SINGULAR if B.shape[1] == 0 else None,  # nothing observable (no point in view, say)
            start_cost=ne0.mean_cost,
        )

    def finish(self, outcome: DriverOutcome) -> AlignResult:
        """The result at the final state: a last evaluation, the finest analysis and the covariance."""
        state, status, n = outcome.state, outcome.status, self.n
        t_final = time.perf_counter()
        ne, G = self.evaluate(state)
        final_evaluation = time.perf_counter() - t_final
        t_covariance = time.perf_counter()
        free = self.free
        names = tuple(np.array(self.param_names)[free])
        Hf = ne.H[np.ix_(free, free)]
        obs = observability.analyse(Hf, G[np.ix_(free, free)], names, self.observability_tol, self.obs.null)
        cov = np.zeros((len(self.param_names), len(self.param_names)))
        cov[np.ix_(free, free)] = observability.covariance(Hf, ne.cost, ne.n_used, obs)
        message = status.reason
        if obs.names:
            message += "; the image does not determine " + ", ".join(obs.names) + " (variance inf)"
        result = AlignResult(
            pose=lie.pose_from_params(self.model, state[:n]),
            params=state[:n].copy(),
            success=bool(status.converged),
            status=status,
            message=message,
            cost=ne.mean_cost,
            n_valid=ne.n_used,
            n_behind=ne.n_behind,
            n_outside=ne.n_outside,
            covariance=cov,
            levels=outcome.reports,
            nit=sum(r.iterations for r in outcome.reports),
            wall_time=time.perf_counter() - outcome.start,
            brightness=state[n + 1 :].copy() if self.brightness else None,
            unobservable=obs.names,
            param_names=self.param_names,
            sigma=float(state[n]),
        )
        preparation = outcome.preparation + time.perf_counter() - t_covariance
        # the finest level's start: the same image and, after a failed level, the same state as ``cost``
        initial_cost = outcome.reports[-1].cost_history[0]
        return add_summary(result, initial_cost, preparation, nfev=1, time_evaluation=final_evaluation)

    def release(self) -> None:
        """Give the arrays' scratch memory back."""
        self.arrays.release()
