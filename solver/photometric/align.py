"""``align``: coarse-to-fine photometric alignment of a reference RGB-D frame to a target image."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from jacgen.handles import GeneratedModel
from solver.core.driver import coarse_to_fine
from solver.options import AlignOptions
from solver.photometric import background_compile
from solver.photometric.problem import Problem
from solver.result import AlignResult


def align(
    ref_image,
    ref_depth,
    tgt_image,
    intrinsics,
    *,
    init=None,
    model: str | GeneratedModel = AlignOptions.model,
    method: str = AlignOptions.method,
    loss: str | None = AlignOptions.loss,
    loss_scale: float | None = AlignOptions.loss_scale,
    levels: int = AlignOptions.levels,
    max_iters: int | Sequence[int] | None = AlignOptions.max_iters,
    fixed: Sequence[str] = AlignOptions.fixed,
    brightness: bool = AlignOptions.brightness,
    max_points: int | None = AlignOptions.max_points,
    depth_range: tuple[float, float] = AlignOptions.depth_range,
    dtype: str = AlignOptions.dtype,
    target: str = AlignOptions.target,
    callback: Callable | None = None,
    xtol: float = AlignOptions.xtol,
    ftol: float | Sequence[float] | None = AlignOptions.ftol,
    constants=AlignOptions.constants,
    tgt_depth=None,
    depth_weight: float = AlignOptions.depth_weight,
    depth_loss_scale: float | None = AlignOptions.depth_loss_scale,
) -> AlignResult:
    """Estimate the camera motion ``T_tgt_from_ref`` between an RGB-D reference and a target image.

    Minimises ``sum rho(I_tgt(pi(T X_i)) - I_ref_i)`` over reference pixels ``i`` with depth, by
    Levenberg-Marquardt (or Gauss-Newton) on generated fused kernels, coarse to fine. With
    ``tgt_depth`` (RGB-D), each point also has DVO-SLAM's depth residual, the depth error
    ``D_tgt(pi(T X_i)) - Z'_i`` (``Z'`` the moved point's depth) over its first-order spread
    (:mod:`jacgen.photometric`), with its own robust scale ``s_D``; the photometric residual has
    ``s_I``. Both residuals of a point take one robust weight, of their joint norm
    ``e_i = sqrt(r_I**2 + depth_weight * (s_I / s_D)**2 * r_D**2)`` (DVO-SLAM's bivariate weighting):
    ``sum rho(e_i)``, so a point that is an outlier in one residual (an occlusion) loses both.

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
    model : str or jacgen.GeneratedModel
        A built-in name (:func:`jacgen.models`, default :data:`jacgen.DEFAULT_MODEL`) or the handle
        :func:`jacgen.build_model` returns for a user-defined rigid-motion model. Its generated
        module says how it steps: forward compositional, left increment ``T <- pose(d) T`` (e.g.
        ``se3``), or forward additive on its parameters (e.g. ``rodrigues``, ``euler_xyz``).
    method : {"lm", "gn"}
        Levenberg-Marquardt with Nielsen's damping update, or undamped Gauss-Newton with the same
        acceptance test (a step that raises the cost is never applied).
    loss : str, optional
        Robust loss, one of the model's (``DESCRIPTION["losses"]``: l2, huber, tukey, cauchy),
        applied as IRLS weights in both ``H`` and ``g`` (with ``tgt_depth``, one weight per point of
        both residuals' joint norm, see above);
        default :data:`solver.options.DEFAULT_LOSS` (huber), and with ``tgt_depth``
        :data:`solver.options.DEPTH_LOSS` (tukey: a redescending loss drops occluded points).
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
        Default 1e-4, and 5e-4 at the finest level (see ``solver.options.FTOL_FINEST``). A level
        stops when the Gauss-Newton model or an accepted step gains less than ``ftol`` of the
        cost, or a rejected step moves it by less than ``10 * ftol``.
    constants : dict or sequence, optional
        The model's constants beyond ``intrinsics`` (a user model's distortion ``k1``, say): a dict
        by name, or values in the order of ``DESCRIPTION["constants"]`` without fx, fy, cx, cy.
        Required when the model has such constants. Unlike the intrinsics they are not scaled on
        coarser pyramid levels (right for constants in normalised coordinates, such as a radial
        distortion coefficient). The reference pixels are back-projected with the pinhole
        ``intrinsics``: the model's projection applies to the target image only.
    tgt_depth : ndarray (H, W), optional
        The target's depth (metres, as ``ref_depth``; 0 or NaN = missing), for the depth residual,
        on either target (``"cuda"``: a host array, copied once, or a device array; its pyramid
        and depth stacks are built on the device by the host's rules). A point whose bilinear
        neighbourhood in the target depth has a missing value, or whose depth gradient there
        crosses a depth edge (neighbours differing by more than 10 %), drops its depth residual
        and keeps its photometric one.
    depth_weight : float
        Weight of the depth terms, ``>= 0``, relative to the photometric ones after both are
        normalised by their robust scales (default 1: equal weight). Used with ``tgt_depth`` only.
    depth_loss_scale : float, optional
        Robust scale of the depth residual, in its unit (the depth error over ``|n| Z'**2``, 1/m:
        metres at 1 m on a fronto-parallel surface; :mod:`jacgen.photometric`); default
        ``factor * 1.4826 * MAD`` of the depth residuals at the start of each level (sigma at least
        :data:`~solver.core.problem.DEPTH_SIGMA_FLOOR`), as for ``loss_scale``.

    Returns
    -------
    AlignResult
        With ``pose``, ``params``, ``success``, ``status``, ``message``, ``cost``, ``n_valid``,
        ``covariance``, per-level history and wall times, and a Ceres-style summary (``nfev``,
        ``n_accepted``, ``n_rejected``, ``initial_cost``, ``time_preparation`` / ``_evaluation`` /
        ``_solve``, ``brief_report()``). The best iterate seen is returned.

    Raises
    ------
    ValueError
        Naming the argument, for anything that is not as documented here (shapes, dtypes, NaN or
        inf pixels, non-rigid ``init``, unknown names, non-integer counts, negative tolerances).
        Inputs that are valid but hopeless (no depth, no texture, every point off the image) give
        a result with ``success`` False and the reason in ``status``.
    """
    start = time.perf_counter()
    options = AlignOptions(
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
        constants=constants,
        depth_weight=depth_weight,
        depth_loss_scale=depth_loss_scale,
    )
    valid = options.validated(depth=tgt_depth is not None)
    ahead = background_compile.start(valid, tgt_depth is not None)  # a cold cache's second process, or None
    problem = Problem(ref_image, ref_depth, tgt_image, intrinsics, init, valid, tgt_depth)
    if ahead is not None:
        ahead.join(problem)
    return coarse_to_fine(problem, start, callback)
