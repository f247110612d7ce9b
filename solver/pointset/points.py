"""Point-set alignment: find the pose of a known 3-D point set that produced a (blurred) image.

This is the problem of the forum thread the project grew from: a torus rendered as Gaussian splats,
rotated about x and z; recover the two angles. The residual of point ``X_i`` is
``I_tgt(W(X_i; p)) - intensity_i``, driven to zero by the same generated fused kernels and the same
coarse-to-fine driver as :func:`solver.align` (:func:`solver.core.driver.coarse_to_fine`; the target's own
intensities and gradients are sampled at the projections).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from jacgen.handles import GeneratedModel
from solver.arrays import images
from solver.arrays.host import HostArrays
from solver.core.checks import check_intrinsics
from solver.core.driver import coarse_to_fine
from solver.core.lm import LMOptions
from solver.core.problem import LevelData, ModelProblem, State, usable_levels
from solver.options import POINTSET_MIN_POINTS, PointSetOptions, ValidPointSetOptions
from solver.pointset.inputs import check_point_set
from solver.result import AlignResult


def align_points(
    points,
    tgt_image,
    intrinsics,
    *,
    model: str | GeneratedModel = PointSetOptions.model,
    init=None,
    fixed: Sequence[str] = PointSetOptions.fixed,
    intensities=1.0,
    loss: str = PointSetOptions.loss,
    loss_scale: float = PointSetOptions.loss_scale,
    levels: int = PointSetOptions.levels,
    upsample: int = PointSetOptions.upsample,
    max_iters: int = PointSetOptions.max_iters,
    method: str = PointSetOptions.method,
    dtype: str = PointSetOptions.dtype,
    xtol: float = PointSetOptions.xtol,
    ftol: float = PointSetOptions.ftol,
    constants=PointSetOptions.constants,
) -> AlignResult:
    """Find the parameters ``p`` of ``model`` that put ``points`` onto bright image content.

    Minimises ``sum rho(I_tgt(W(X_i; p)) - intensity_i)`` coarse to fine (``levels`` pyramid
    levels of the target) with the generated fused kernels and the driver of :func:`solver.align`.

    Parameters
    ----------
    points : (N, 3) array
        The known point set in its own frame.
    tgt_image : (H, W) array
        The observed image.
    intrinsics : (fx, fy, cx, cy)
    model : str or jacgen.GeneratedModel
        A built-in name (:func:`jacgen.models`; default :data:`solver.options.POINTSET_MODEL`, angles
        about fixed axes) or a :func:`jacgen.build_model` handle; compositional models step the
        pose, additive ones the parameters, as their generated module says.
    init : (P,) array, optional
        Initial parameter vector of ``model`` (zeros by default).
    fixed : sequence of str
        Parameter names held at ``init`` (e.g. ``("r2", "t1", "t2", "t3")``).
    intensities : float or (N,) array
        Expected image value at each projected point.
    upsample : int
        The target is first enlarged this many times by cubic B-spline interpolation: the
        kernels sample bilinearly, which pulls a sharp splat peak towards pixel centres (a bias of
        up to a few tenths of a pixel at sigma = 2.5 px); the bias falls with ``upsample**2``.
    loss, loss_scale, levels, max_iters, method, dtype, xtol, ftol, constants
        As in :func:`solver.align` (``levels`` counts from the upsampled image; the default loss is
        plain least squares); ``loss_scale`` is in intensity units.

    Returns
    -------
    AlignResult
        ``params`` is the model's parameter vector, ``pose`` the matching 4x4.
    """
    start = time.perf_counter()
    options = PointSetOptions(
        model=model,
        fixed=fixed,
        loss=loss,
        loss_scale=loss_scale,
        levels=levels,
        upsample=upsample,
        max_iters=max_iters,
        method=method,
        dtype=dtype,
        xtol=xtol,
        ftol=ftol,
        constants=constants,
    )
    problem = PointSetProblem(points, tgt_image, intrinsics, init, intensities, options.validated())
    return coarse_to_fine(problem, start)


class PointSetProblem(ModelProblem):
    """The inputs of :func:`solver.align_points`, validated: fixed points, the (upsampled) target's pyramid."""

    def __init__(self, points, tgt_image, intrinsics, init, intensities, options: ValidPointSetOptions) -> None:
        spec = options.spec
        pts, p0, iref = check_point_set(points, init, intensities, n_params=len(spec.params))
        K = check_intrinsics(intrinsics)
        tgt = images.to_gray(tgt_image, "tgt_image")
        upsample = options.upsample
        if upsample > 1:
            import scipy.ndimage  # here: loading it takes ~0.14 s of `import solver`

            tgt = scipy.ndimage.zoom(tgt, upsample, order=3, mode="nearest", grid_mode=True)
            K = np.array(
                [K[0] * upsample, K[1] * upsample, (K[2] + 0.5) * upsample - 0.5, (K[3] + 0.5) * upsample - 0.5]
            )
        self.levels = usable_levels(tgt.shape, options.levels)
        self.K = K
        self.pyramid = images.pyramid(tgt, self.levels)
        self.set_model(
            spec,
            model=options.model,
            loss=options.loss,
            loss_scale=options.loss_scale,
            brightness=False,
            extra=options.extra,
            free=options.free,
            iters=[options.max_iters] * self.levels,
            ftols=[options.ftol] * self.levels,
            options=LMOptions(method=options.method, xtol=options.xtol, min_points=POINTSET_MIN_POINTS),
            arrays=HostArrays(),
            dtype=options.dtype,
        )
        self.points = np.ascontiguousarray(pts, dtype=options.dtype)
        self.iref = np.ascontiguousarray(iref, dtype=options.dtype)
        self.initial = State(spec.pose(p0), p0.copy(), np.zeros(len(spec.brightness_params)))

    def level_data(self, level: int) -> LevelData:
        """The points, their intensities and the target level's stack ``(I, dI/du, dI/dv)``."""
        image = self.pyramid[level]
        stack = images.stack_with_gradients(image, self.dtype)
        return LevelData(level, image.shape, images.intrinsics_at_level(self.K, level), self.points, self.iref, stack)
