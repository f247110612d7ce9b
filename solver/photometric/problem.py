"""The photometric problem of one reference/target pair: validated inputs, pyramids and per-level data."""

from __future__ import annotations

import inspect

import numpy as np

from jacgen.cuda_support import require_cuda
from solver.arrays import images
from solver.arrays.backprojection import reference_points
from solver.arrays.scratch import Scratch
from solver.core.checks import (
    check_depth_range,
    check_dtype,
    check_int,
    check_intrinsics,
    check_iterations,
    check_number,
    check_pose,
    free_mask,
)
from solver.core.lm import LMOptions
from solver.core.model import align_model
from solver.core.problem import LevelData, ModelProblem, State, per_level_ftol

PROBLEM_OPTIONS = (
    "init model method loss loss_scale levels max_iters fixed brightness max_points depth_range dtype target xtol ftol"
    " constants"
).split()
"""The keywords of :func:`solver.align` that define a :class:`Problem`, in the order it reads them."""


def align_options(options: dict, names) -> list:
    """The values of ``names`` among :func:`solver.align`'s keywords: ``options``, else align's defaults.

    ``align``'s signature is the one list of the options and their defaults; an unknown keyword
    raises ``TypeError`` as a call of ``align`` would.
    """
    from solver.photometric.align import align  # (align imports this module)

    bound = inspect.signature(align).bind(None, None, None, None, **options)
    bound.apply_defaults()
    return [bound.arguments[name] for name in names]


class Problem(ModelProblem):
    """Validated inputs and options of one reference/target pair (see :func:`solver.align`)."""

    def __init__(self, ref_image, ref_depth, tgt_image, intrinsics, **options) -> None:
        """``options``: the keywords of :func:`solver.align` but ``callback`` (its signature has the defaults)."""
        (
            init,
            model,
            method,
            loss,
            loss_scale,
            levels,
            max_iters,
            fixed,
            brightness,
            max_points,
            depth_range,
            dtype,
            target,
            xtol,
            ftol,
            constants,
        ) = align_options(options, PROBLEM_OPTIONS)
        spec = align_model(model)
        if method not in ("lm", "gn"):
            raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
        spec.loss_id(loss)
        if loss_scale is not None:
            loss_scale = check_number("loss_scale", loss_scale, positive=True)
        dtype = check_dtype(dtype)
        if target not in ("cpu", "cuda"):
            raise ValueError(f"target must be 'cpu' or 'cuda', got {target!r}")
        levels = check_int("levels", levels, 1)
        if max_points is not None:
            max_points = check_int("max_points", max_points, 1)
        lo, hi = check_depth_range(depth_range)
        xtol = check_number("xtol", xtol)
        if not isinstance(brightness, bool | np.bool_):
            raise ValueError(f"brightness must be True or False, got {brightness!r}")
        self.K = check_intrinsics(intrinsics)
        extra = spec.check_constants(constants)
        T0 = check_pose(init)
        if target == "cuda":
            require_cuda()  # CudaUnavailableError naming the cause, before anything imports numba.cuda
            from solver.arrays import device

            self._device = device
            ref = device.gray(ref_image, "ref_image")
            tgt = device.gray(tgt_image, "tgt_image")
            depth = device.depth_metres(ref_depth)
        else:
            self.scratch = Scratch()
            empty = self.scratch.empty
            ref = images.to_gray(ref_image, "ref_image", empty)
            tgt = images.to_gray(tgt_image, "tgt_image", empty)
            depth = images.to_depth(ref_depth, ref.shape)
        if tuple(depth.shape) != tuple(ref.shape):
            raise ValueError(f"ref_depth shape {tuple(depth.shape)} differs from ref_image shape {tuple(ref.shape)}")
        if tuple(tgt.shape) != tuple(ref.shape):
            raise ValueError(f"tgt_image shape {tuple(tgt.shape)} differs from ref_image shape {tuple(ref.shape)}")
        if target != "cuda":
            depth = images.finite_or_zero(depth, self.scratch.empty)
        free = free_mask(spec.names(brightness), fixed)
        max_levels = int(np.floor(np.log2(min(ref.shape) / 8))) + 1
        self.levels = min(levels, max(1, max_levels))
        self.set_model(
            spec,
            model=model,
            loss=loss,
            loss_scale=loss_scale,
            brightness=brightness,
            extra=extra,
            free=free,
            iters=check_iterations(max_iters, self.levels, 30),
            ftols=per_level_ftol(ftol, self.levels),
            options=LMOptions(method=method, xtol=xtol),
            target=target,
            dtype=dtype,
        )
        self.max_points, self.depth_range = max_points, (lo, hi)
        if target == "cuda":
            self.ref_pyr = self._device.pyramid(ref, self.levels)
            self.tgt_pyr = self._device.pyramid(tgt, self.levels)
            self.depth_pyr = self._device.depth_pyramid(depth, self.levels)
        else:
            self.ref_pyr = images.pyramid(ref, self.levels, self.scratch.empty)
            self.tgt_pyr = images.pyramid(tgt, self.levels, self.scratch.empty)
            self.depth_pyr = images.depth_pyramid(depth, self.levels, self.scratch.empty)
        self.initial = State(T0, spec.params_from_pose(T0), np.zeros(len(spec.brightness_params)))

    def level_data(self, level: int) -> LevelData:
        """Arrays of ``level`` (0 = full resolution), on the device for ``target="cuda"``."""
        Kl = images.intrinsics_at_level(self.K, level)
        ref, depth = self.ref_pyr[level], self.depth_pyr[level]
        shape = tuple(ref.shape)
        if self.target != "cuda":
            empty = self.scratch.empty
            points, iref = reference_points(ref, depth, Kl, self.depth_range, self.max_points, self.dtype, empty)
            stack = images.stack_with_gradients(self.tgt_pyr[level], self.dtype, empty)
            return LevelData(level, shape, Kl, points, iref, stack)
        device = self._device
        if self.max_points is None:
            points, iref = device.all_points(ref, depth, Kl, self.depth_range, self.dtype)
        else:  # the spread-out top-gradient selection runs on the host, once per level
            host = reference_points(
                ref.copy_to_host(), depth.copy_to_host(), Kl, self.depth_range, self.max_points, self.dtype
            )
            points, iref = (device.as_device(a) for a in host)
        stack = device.stack_with_gradients(self.tgt_pyr[level], self.dtype)
        return LevelData(level, shape, Kl, points, iref, stack)

    def release(self) -> None:
        """Give the host scratch arrays back (CPU target); the level data must no longer be used."""
        if self.target != "cuda":
            self.scratch.release()
