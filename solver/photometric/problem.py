"""The photometric problem of one reference/target pair: validated inputs, pyramids and per-level data."""

from __future__ import annotations

import numpy as np

from solver.arrays import images
from solver.core.checks import check_intrinsics, check_pose
from solver.core.lm import LMOptions
from solver.core.model import FusedKernels
from solver.core.problem import LevelData, ModelProblem, State
from solver.options import ValidAlignOptions


class Problem(ModelProblem):
    """Validated inputs of one reference/target pair (see :func:`solver.align`) under validated options."""

    def __init__(
        self, ref_image, ref_depth, tgt_image, intrinsics, init, options: ValidAlignOptions, tgt_depth=None
    ) -> None:
        """Check the pair's images, intrinsics and ``init``, and build the pyramids on the options' target.

        ``options``: :meth:`solver.options.AlignOptions.validated` (one for all pairs of a batch).
        ``tgt_depth``: the target's depth (metres, 0 / NaN missing) for the depth residual, or None.
        """
        self.K = check_intrinsics(intrinsics)
        T0 = check_pose(init)
        arrays = options.arrays()
        ref = arrays.gray(ref_image, "ref_image")
        tgt = arrays.gray(tgt_image, "tgt_image")
        depth = arrays.depth(ref_depth, ref.shape)
        images.check_shape("tgt_image", tgt.shape, ref.shape)
        schedule = options.schedule(ref.shape)
        self.levels = schedule.levels
        spec = options.spec
        self.set_model(
            spec,
            model=options.model,
            loss=options.loss,
            loss_scale=options.loss_scale,
            brightness=options.brightness,
            extra=options.extra,
            free=options.free,
            iters=schedule.max_iters,
            ftols=schedule.ftols,
            options=LMOptions(method=options.method, xtol=options.xtol),
            arrays=arrays,
            dtype=options.dtype,
        )
        self.max_points, self.depth_range = options.max_points, options.depth_range
        self.ref_pyr = arrays.pyramid(ref, self.levels)
        self.tgt_pyr = arrays.pyramid(tgt, self.levels)
        self.depth_pyr = arrays.depth_pyramid(depth, self.levels)
        self.initial = State(T0, spec.params_from_pose(T0), np.zeros(len(spec.brightness_params)))
        self.tgt_depth_pyr = None if tgt_depth is None else self.target_depth(tgt_depth, ref.shape, options)

    def target_depth(self, tgt_depth, shape: tuple[int, int], options: ValidAlignOptions) -> list:
        """The target depth's pyramid (checked as the reference depth), and the depth kernels chosen.

        On the options' target: with ``target="cuda"`` the depth (a host array, copied once, or a
        device array), its pyramid and, per level, its depth stack (:meth:`level_data`) are built on
        the device by the host's rules, and the photometric + depth kernels run there.
        ``ValueError`` for a model whose align module for the target has no photometric + depth
        kernels, or a depth that is not a real-valued array of the reference image's shape.
        """
        if not self.spec.has_depth(self.arrays.name):
            raise ValueError(
                f"tgt_depth: model {self.spec.name!r} has no depth kernels for target {self.arrays.name!r} "
                "(an align module generated before them: regenerate it)"
            )
        depth = self.arrays.depth(tgt_depth, shape, "tgt_depth")
        self.depth_weight, self.depth_loss_scale = options.depth_weight, options.depth_loss_scale
        self.depth_kernels = FusedKernels.of(self.module, self.loss, self.brightness, depth=True)
        return self.arrays.depth_pyramid(depth, self.levels)

    def level_data(self, level: int) -> LevelData:
        """Arrays of ``level`` (0 = full resolution), on the device for ``target="cuda"``."""
        Kl = images.intrinsics_at_level(self.K, level)
        ref, depth = self.ref_pyr[level], self.depth_pyr[level]
        points, iref = self.arrays.level_points(ref, depth, Kl, self.depth_range, self.max_points, self.dtype)
        stack = self.arrays.gradient_stack(self.tgt_pyr[level], self.dtype)
        if self.tgt_depth_pyr is None:
            return LevelData(level, tuple(ref.shape), Kl, points, iref, stack)
        depth_stack = self.arrays.depth_stack(self.tgt_depth_pyr[level], self.dtype)
        return LevelData(level, tuple(ref.shape), Kl, points, iref, stack, depth_stack)
