"""The options of the solver's entry points, each declared once with its default.

An entry point's options are one frozen dataclass whose fields are the options and their
defaults (the entry point's signature takes its defaults from there). Its ``validated()`` checks
every option in one place, as Ceres' ``Solver::Options::IsValid`` does, and returns the
normalised values a problem reads; what depends on the images (the pyramid levels an image size
allows, and so the per-level iteration limits and tolerances) is a second, per-problem step.

- Defaults shared by several entry points: the losses and the point-set model.
- Photometric alignment (:func:`solver.align`, :func:`solver.align_batch`): :class:`AlignOptions`.
- Point sets: :class:`PointSetOptions` (:func:`solver.align_points`), :class:`RenderFitOptions`
  (:func:`solver.fit_render`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from jacgen.handles import DEFAULT_MODEL, GeneratedModel
from solver.arrays.target import Arrays, arrays_for
from solver.core.checks import (
    check_bool,
    check_depth_range,
    check_dtype,
    check_int,
    check_method,
    check_number,
    check_per_level,
    free_mask,
)
from solver.core.model import AlignModel, align_model
from solver.core.problem import usable_levels

# ------------------------------------------------------------------------------------------------
# Defaults shared by several entry points

DEFAULT_LOSS = "huber"
"""Robust loss of :func:`solver.align` (and :func:`solver.align_batch`) when none is given, photometric
alignment (no target depth)."""

DEPTH_LOSS = "tukey"
"""Robust loss of both residuals of :func:`solver.align` / :func:`solver.align_batch` with the target's
depth (``tgt_depth`` / ``tgt_depths``), and so of :func:`solver.odometry`, when none is given; applied
to each point's joint norm of its two normalised residuals (one weight for both).

Redescending, as DVO-SLAM's t-distribution weights: a depth residual at an occlusion or
disocclusion is metres where the noise is millimetres, and a loss whose influence does not vanish
(Huber's stays ``k``) lets such points pull the pose; Tukey's gives them weight 0. Measured against
Huber (README: Align images): better median translation and rotation at every gap of the TUM
pairs (e.g. gap 2 0.58 cm / 0.46 deg against 0.68 / 0.49), 0.03-0.04 cm instead of 0.36-0.44 cm on
synthetic pairs with an occluding box, equal without one, and a wider basin on synthetic pairs."""

LEAST_SQUARES_LOSS = "l2"
"""The plain (non-robust) loss: the default of :func:`solver.align_points`."""

ODOMETRY_LOSS = "cauchy"
"""Robust loss of photometric-only :func:`solver.odometry` (``photometric_only=True``) when none is given
(measured on TUM fr1_rpy, README: Sequences); with the frames' depth it is :data:`DEPTH_LOSS`."""

POINTSET_MODEL = "euler_xyz"
"""Model of :func:`solver.align_points`, :func:`solver.fit_render` and :func:`solver.render_points` when none
is given (angles about fixed axes, as the forum's torus is posed)."""

# ------------------------------------------------------------------------------------------------
# Photometric alignment: solver.align, solver.align_batch

MAX_ITERS = 30
"""Default iteration limit of every pyramid level."""

FTOL_COARSE = 1e-4
"""Default relative cost tolerance of every level but the finest."""

FTOL_FINEST = 5e-4
"""Default at full resolution, which starts within a fraction of a pixel of its optimum and whose
IRLS steps then shrink only linearly on real images (ratio 0.6-0.9 per iteration on the TUM pairs):
iterating it down to 1e-4 cost a third more time per pair; the 133 pairs' median errors per gap
moved by at most 0.012 cm / 0.021 deg at gaps 1-2 (better on desk, worse on rpy) and by 0.11 cm /
0.06 deg on rpy gap 4 (1.55 / 1.15 -> 1.66 / 1.21)."""


@dataclass(frozen=True)
class AlignOptions:
    """The options of :func:`solver.align` and :func:`solver.align_batch`, with their defaults (documented there).

    ``init`` (one per pair in a batch) and ``callback`` (:func:`solver.align` only) are arguments
    of a call, not options.
    """

    model: str | GeneratedModel = DEFAULT_MODEL
    method: str = "lm"
    loss: str | None = None
    """None: :data:`DEFAULT_LOSS`, or :data:`DEPTH_LOSS` with the target's depth (see :meth:`validated`)."""
    loss_scale: float | None = None
    levels: int = 4
    max_iters: int | Sequence[int] | None = None
    fixed: str | Sequence[str] = ()
    brightness: bool = False
    max_points: int | None = None
    depth_range: tuple[float, float] = (0.1, 10.0)
    dtype: str = "float32"
    target: str = "cpu"
    xtol: float = 1e-6
    ftol: float | Sequence[float] | None = None
    constants: dict | Sequence[float] | None = None
    depth_weight: float = 1.0
    depth_loss_scale: float | None = None

    def validated(self, depth: bool = False) -> ValidAlignOptions:
        """Every option checked, and normalised; ``ValueError`` naming the first that is not as documented.

        ``depth``: the call has the target's depth (the depth residual), which decides the loss
        when none is given (:data:`DEPTH_LOSS`, else :data:`DEFAULT_LOSS`). ``target="cuda"``
        raises ``CudaUnavailableError`` (naming the cause) when CUDA cannot run.
        """
        spec = align_model(self.model)
        method = check_method(self.method)
        loss = self.loss if self.loss is not None else DEPTH_LOSS if depth else DEFAULT_LOSS
        spec.loss_id(loss)
        loss_scale = None if self.loss_scale is None else check_number("loss_scale", self.loss_scale, positive=True)
        dtype = check_dtype(self.dtype)
        levels = check_int("levels", self.levels, 1)
        max_points = None if self.max_points is None else check_int("max_points", self.max_points, 1)
        depth_range = check_depth_range(self.depth_range)
        xtol = check_number("xtol", self.xtol)
        brightness = check_bool("brightness", self.brightness)
        extra = spec.check_constants(self.constants)
        free = free_mask(spec.names(brightness), self.fixed)
        max_iters = check_per_level("max_iters", self.max_iters, partial(check_int, minimum=0))
        ftol = check_per_level("ftol", self.ftol, check_number)
        depth_weight = check_number("depth_weight", self.depth_weight)
        depth_loss_scale = (
            None if self.depth_loss_scale is None else check_number("depth_loss_scale", self.depth_loss_scale, True)
        )
        arrays = arrays_for(self.target)  # last: CUDA's availability once everything else is valid
        for a in (extra, free):
            a.flags.writeable = False  # shared by the problems of a batch
        return ValidAlignOptions(
            spec=spec,
            model=self.model,
            method=method,
            loss=loss,
            loss_scale=loss_scale,
            levels=levels,
            max_iters=max_iters,
            ftol=ftol,
            brightness=brightness,
            free=free,
            max_points=max_points,
            depth_range=depth_range,
            dtype=dtype,
            xtol=xtol,
            extra=extra,
            arrays=arrays,
            depth_weight=depth_weight,
            depth_loss_scale=depth_loss_scale,
        )


@dataclass(frozen=True)
class LevelSchedule:
    """The per-level settings of one problem, coarse to fine."""

    levels: int
    """Pyramid levels of the problem's image size (:func:`solver.core.problem.usable_levels`)."""
    max_iters: list[int]
    ftols: list[float]


@dataclass(frozen=True)
class ValidAlignOptions:
    """:class:`AlignOptions` checked and normalised: what a :class:`solver.photometric.problem.Problem` reads."""

    spec: AlignModel
    model: str | GeneratedModel
    method: str
    loss: str
    loss_scale: float | None
    levels: int
    """Pyramid levels asked for; an image gets at most :func:`solver.core.problem.usable_levels` of them."""
    max_iters: int | tuple[int, ...] | None
    ftol: float | tuple[float, ...] | None
    brightness: bool
    free: np.ndarray = field(repr=False)
    """Mask of the solved parameters (the model's, then the brightness pair)."""
    max_points: int | None
    depth_range: tuple[float, float]
    dtype: np.dtype
    xtol: float
    extra: np.ndarray = field(repr=False)
    """The model's constants beyond the intrinsics."""
    arrays: Callable[[], Arrays] = field(repr=False)
    """Makes one problem's arrays on the target (:func:`solver.arrays.target.arrays_for`)."""
    depth_weight: float = 1.0
    """Weight of the depth residual's terms (with ``tgt_depth``), times ``(s_I / s_D)**2``."""
    depth_loss_scale: float | None = None
    """Robust scale of the depth residual, in its unit (depth error over ``|n| Z'**2``); None: from its MAD."""

    def schedule(self, shape: tuple[int, ...]) -> LevelSchedule:
        """The levels, iteration limits and cost tolerances for images of ``shape``.

        ``ValueError`` when ``max_iters`` or ``ftol`` has one entry per level, but not as many as the levels.
        """
        levels = usable_levels(shape, self.levels)
        ftols = [FTOL_COARSE] * (levels - 1) + [FTOL_FINEST]
        return LevelSchedule(
            levels,
            _per_level("max_iters", self.max_iters, levels, [MAX_ITERS] * levels),
            _per_level("ftol", self.ftol, levels, ftols),
        )


def _per_level(name: str, value, levels: int, default: list) -> list:
    """``value`` (see :func:`solver.core.checks.check_per_level`) as one entry per level; ``default`` for None."""
    if value is None:
        return default
    if not isinstance(value, tuple):
        return [value] * levels
    if len(value) != levels:
        raise ValueError(f"{name} has {len(value)} entries for {levels} levels")
    return list(value)


# ------------------------------------------------------------------------------------------------
# Point sets: solver.align_points, solver.fit_render

POINTSET_MIN_POINTS = 6
"""Fewest points (align_points) or pixels (fit_render) in view for a level to be solved."""


@dataclass(frozen=True)
class PointSetOptions:
    """The options of :func:`solver.align_points`, with their defaults (documented there).

    ``init`` and ``intensities`` are arguments of a call (data), not options.
    """

    model: str | GeneratedModel = POINTSET_MODEL
    fixed: str | Sequence[str] = ()
    loss: str = LEAST_SQUARES_LOSS
    loss_scale: float = 1.0
    levels: int = 5
    upsample: int = 4
    max_iters: int = 50
    method: str = "lm"
    dtype: str = "float64"
    xtol: float = 1e-8
    ftol: float = 1e-10
    constants: dict | Sequence[float] | None = None

    def validated(self) -> ValidPointSetOptions:
        """Every option checked and normalised; ``ValueError`` naming the first that is not as documented."""
        spec = align_model(self.model)
        spec.loss_id(self.loss)
        return ValidPointSetOptions(
            spec=spec,
            model=self.model,
            free=free_mask(spec.params, self.fixed),
            loss=self.loss,
            loss_scale=check_number("loss_scale", self.loss_scale, positive=True),
            levels=check_int("levels", self.levels, 1),
            upsample=check_int("upsample", self.upsample, 1),
            max_iters=check_int("max_iters", self.max_iters, 0),
            method=check_method(self.method),
            dtype=check_dtype(self.dtype),
            xtol=check_number("xtol", self.xtol),
            ftol=check_number("ftol", self.ftol),
            extra=spec.check_constants(self.constants),
        )


@dataclass(frozen=True)
class ValidPointSetOptions:
    """:class:`PointSetOptions` checked and normalised: what the point-set problem reads."""

    spec: AlignModel
    model: str | GeneratedModel
    free: np.ndarray = field(repr=False)
    loss: str
    loss_scale: float
    levels: int
    upsample: int
    max_iters: int
    method: str
    dtype: np.dtype
    xtol: float
    ftol: float
    extra: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class RenderFitOptions:
    """The options of :func:`solver.fit_render`, with their defaults (documented there).

    ``sigma`` (the splat width, a property of the image), ``init``, ``intensities`` and ``callback``
    are arguments of a call, not options.
    """

    model: str | GeneratedModel = POINTSET_MODEL
    fixed: str | Sequence[str] = ()
    clip: bool = True
    fit_sigma: bool = False
    brightness: bool = False
    levels: int = 3
    max_iters: int = 50
    method: str = "lm"
    xtol: float = 1e-10
    ftol: float = 1e-12
    observability_tol: float = 1e-4
    target: str = "cpu"

    def validated(self) -> ValidRenderFitOptions:
        """Every option checked and normalised; ``ValueError`` naming the first that is not as documented.

        ``target="cuda"`` raises ``CudaUnavailableError`` (naming the cause) when CUDA cannot run.
        """
        spec = align_model(self.model)
        return ValidRenderFitOptions(
            spec=spec,
            model=self.model,
            free=free_mask(spec.params, self.fixed),
            clip=check_bool("clip", self.clip),
            fit_sigma=check_bool("fit_sigma", self.fit_sigma),
            brightness=check_bool("brightness", self.brightness),
            levels=check_int("levels", self.levels, 1),
            max_iters=check_int("max_iters", self.max_iters, 0),
            method=check_method(self.method),
            xtol=check_number("xtol", self.xtol),
            ftol=check_number("ftol", self.ftol),
            observability_tol=check_number("observability_tol", self.observability_tol),
            arrays=arrays_for(self.target),  # last: CUDA's availability once everything else is valid
        )


@dataclass(frozen=True)
class ValidRenderFitOptions:
    """:class:`RenderFitOptions` checked and normalised: what the render-and-compare problem reads."""

    spec: AlignModel
    model: str | GeneratedModel
    free: np.ndarray = field(repr=False)
    """Mask of the solved model parameters."""
    clip: bool
    fit_sigma: bool
    brightness: bool
    levels: int
    max_iters: int
    method: str
    xtol: float
    ftol: float
    observability_tol: float
    arrays: Callable[[], Arrays] = field(repr=False)
    """Makes the problem's arrays on the target (:func:`solver.arrays.target.arrays_for`)."""
