"""Render and compare: the pose of a known point set from its Gaussian-splat image.

The residual of pixel ``x`` is ``render(points moved by p)(x) - image(x)`` over the whole image
(:mod:`solver.splat`), so overlapping and saturated splats are modelled instead of assumed away
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
import scipy.ndimage

import jacgen
from jacgen.handles import POINTSET_MODEL, GeneratedModel
from solver.arrays import images
from solver.core import lie
from solver.core.checks import check_int, check_intrinsics, check_number, free_mask
from solver.core.lm import LMOptions, run_lm
from solver.core.model import NormalEquations, align_model
from solver.pointset import observability, splat
from solver.pointset.points import check_point_set
from solver.result import AlignResult, LevelReport, Status, add_summary


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


def _check_inputs(points, image, intrinsics, sigma, init, intensities, model):
    spec = align_model(model)  # ValueError for an unknown name, listing the models
    pts, p0, amp = check_point_set(points, init, intensities, nonnegative=True, n_params=len(spec.params))
    img = images.to_gray(image, "image")
    K = check_intrinsics(intrinsics)
    return spec, pts, img, K, check_number("sigma", sigma, positive=True), p0, amp


def fit_render(
    points,
    image,
    intrinsics,
    *,
    sigma: float,
    model: str | GeneratedModel = POINTSET_MODEL,
    init=None,
    fixed: Sequence[str] = (),
    intensities=1.0,
    clip: bool = True,
    fit_sigma: bool = False,
    brightness: bool = False,
    levels: int = 3,
    max_iters: int = 50,
    method: str = "lm",
    xtol: float = 1e-10,
    ftol: float = 1e-12,
    observability_tol: float = 1e-4,
    target: str = "cpu",
    callback: Callable | None = None,
) -> AlignResult:
    """Find the pose of ``points`` whose rendered Gaussian splats best match ``image``.

    Minimises ``sum_x (gain * clip(S_p(x)) + offset - image(x))^2 / 2`` over the pixels ``x``,
    ``S_p`` the sum of the splats of the points moved by the model's parameters ``p``
    (:mod:`solver.splat`; the renderer of :func:`solver.render_points`).

    Parameters
    ----------
    points, image, intrinsics
        As ``points``, ``tgt_image``, ``intrinsics`` of :func:`solver.align_points`.
    sigma : float
        Splat standard deviation in pixels (the start value with ``fit_sigma``).
    model : str or jacgen.GeneratedModel
        Warp model: a built-in name (:func:`jacgen.models`; default
        :data:`jacgen.handles.POINTSET_MODEL`) or a :func:`jacgen.build_model` handle; its
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
        Where the fused per-pixel kernel runs (:mod:`solver.splat`, :mod:`solver.splat_cuda`); the
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
    spec, pts, img, K, sigma, p0, amp = _check_inputs(points, image, intrinsics, sigma, init, intensities, model)
    all_names = spec.params + splat.EXTRA_NAMES  # the fit's parameters, in the order of result.covariance
    n = len(spec.params)  # warp parameters; then sigma, gain, offset
    levels = check_int("levels", levels, 1)
    if target not in ("cpu", "cuda"):
        raise ValueError(f"target must be 'cpu' or 'cuda', got {target!r}")
    kernel, upload = splat.splat_normal_equations, None
    if target == "cuda":
        from jacgen.cuda_support import require_cuda
        from solver.pointset import splat_cuda

        kernel, upload = splat_cuda.splat_normal_equations, require_cuda().to_device
    options = LMOptions(
        method=method, max_iters=check_int("max_iters", max_iters, 0), xtol=xtol, ftol=ftol, min_points=6
    )
    if method not in ("lm", "gn"):
        raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
    model_free = free_mask(spec.params, fixed)
    state = np.concatenate([p0, [sigma, 1.0, 0.0]])
    levels = min(levels, int(math.log2(min(img.shape) / 8)) + 1)
    reports: list[LevelReport] = []
    status, ne, obs, free, prev_free, total = Status.TOO_FEW_POINTS, None, None, None, None, 0
    preparation = time.perf_counter() - start  # input checks; below: level images, observability, covariance
    for level in reversed(range(levels)):
        t0 = time.perf_counter()
        finest = level == 0
        observed, K_l = _level_image(img, sigma, level), images.intrinsics_at_level(K, level)
        kernel_image = observed if upload is None else upload(np.ascontiguousarray(observed))  # once per level
        clip_l = clip and finest
        state = state.copy()
        if finest or prev_free is None:  # coarser levels pass their gain and offset on to the next coarse one
            state[n:] = (sigma, 1.0, 0.0)
        free = np.concatenate([model_free, [fit_sigma and finest, brightness or not finest, brightness or not finest]])

        def evaluate(s: np.ndarray, image=kernel_image, clip_l=clip_l, K_l=K_l) -> tuple[NormalEquations, np.ndarray]:
            """Normal equations at ``s`` and the reference curvature of the observability test."""
            uv, duv, valid = jacgen.warp_jacobian(model, s[:n], pts, K_l)
            duv = np.where(valid[:, None, None], duv, 0.0)
            ne = kernel(uv, duv, valid, amp, image, s[n], s[n + 1], s[n + 2], clip_l)
            return ne, splat.motion_reference(duv, valid, amp, s[n + 1], ne.H)

        t_first = time.perf_counter()
        preparation += t_first - t0
        ne0, G0 = evaluate(state)  # the level's first evaluation: the analysis's and the LM's
        first_evaluation = time.perf_counter() - t_first
        t_analysis = time.perf_counter()
        names = tuple(np.array(all_names)[free])
        known = None if obs is None else _carried_null(obs, prev_free, free)
        obs = observability.analyse(ne0.H[np.ix_(free, free)], G0[np.ix_(free, free)], names, observability_tol, known)
        prev_free = free
        B = obs.basis

        def reduced_evaluate(s: np.ndarray, B=B, free=free, evaluate=evaluate, start=(state, ne0)) -> NormalEquations:
            """The LM's normal equations; its first request is the state just evaluated for the analysis."""
            return _reduced(start[1] if s is start[0] else evaluate(s)[0], B, free)

        def update(s: np.ndarray, d: np.ndarray, B=B, free=free) -> np.ndarray:
            out = s.copy()
            out[free] += B @ d
            out[n] = max(out[n], 0.05 * s[n])  # a splat width stays positive
            return out

        preparation += time.perf_counter() - t_analysis
        if B.shape[1] == 0:  # nothing observable (no point in view, say): nothing to solve here
            reports.append(
                LevelReport(
                    level,
                    observed.shape,
                    pts.shape[0],
                    0,
                    Status.SINGULAR,
                    [ne0.mean_cost],
                    1.0,
                    time.perf_counter() - t0,
                    nfev=1,
                    time_evaluation=first_evaluation,
                )
            )
            status = Status.SINGULAR
            continue
        outcome = run_lm(
            state,
            reduced_evaluate,
            update,
            np.ones(B.shape[1], dtype=bool),
            lambda s, free=free: float(np.linalg.norm(s[free])),
            options,
            callback,
        )
        total += outcome.iterations
        reports.append(
            LevelReport(
                level,
                observed.shape,
                pts.shape[0],
                outcome.iterations,
                outcome.status,
                outcome.cost_history,
                1.0,  # l2 loss: no robust scale
                time.perf_counter() - t0,
                outcome.lambda_history,
                nfev=outcome.nfev,  # its first evaluation is ne0 (made above, timed as first_evaluation)
                n_accepted=outcome.n_accepted,
                n_rejected=outcome.n_rejected,
                time_evaluation=outcome.time_evaluation + first_evaluation,
                time_solve=outcome.time_solve,
            )
        )
        status = outcome.status
        if status in (Status.TOO_FEW_POINTS, Status.DIVERGED):
            continue
        state = outcome.state
    t_final = time.perf_counter()
    ne, G = evaluate(state)
    final_evaluation = time.perf_counter() - t_final
    t_covariance = time.perf_counter()
    Hf = ne.H[np.ix_(free, free)]
    obs = observability.analyse(Hf, G[np.ix_(free, free)], names, observability_tol, obs.null)
    cov = np.zeros((len(all_names), len(all_names)))
    cov[np.ix_(free, free)] = observability.covariance(Hf, ne.cost, ne.n_used, obs)
    message = status.reason
    if obs.names:
        message += "; the image does not determine " + ", ".join(obs.names) + " (variance inf)"
    preparation += time.perf_counter() - t_covariance
    result = AlignResult(
        pose=lie.pose_from_params(model, state[:n]),
        params=state[:n].copy(),
        success=bool(status.converged),
        status=status,
        message=message,
        cost=ne.mean_cost,
        n_valid=ne.n_used,
        n_behind=ne.n_behind,
        n_outside=ne.n_outside,
        covariance=cov,
        levels=reports,
        nit=total,
        wall_time=time.perf_counter() - start,
        brightness=state[n + 1 :].copy() if brightness else None,
        unobservable=obs.names,
        param_names=all_names,
        sigma=float(state[n]),
    )
    # the finest level's start: the same image and, after a failed level, the same state as ``cost``
    return add_summary(result, reports[-1].cost_history[0], preparation, nfev=1, time_evaluation=final_evaluation)
