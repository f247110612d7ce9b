"""The host's preparation of one problem's arrays (``target="cpu"``): NumPy arrays from a :class:`Scratch`.

:class:`HostArrays` has the interface :class:`solver.arrays.target.Arrays`; :func:`solver.arrays.target.arrays_for`
chooses it.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import TypeVar

import numpy as np

from solver.arrays import images
from solver.arrays.backprojection import reference_points
from solver.arrays.scratch import Scratch
from solver.core.model import residuals, residuals_depth

T = TypeVar("T")


class HostArrays:
    """Host arrays of one problem, allocated from its own :class:`Scratch` until :meth:`release`."""

    name = "cpu"
    """The target's name, as jacgen's generated modules are keyed."""

    def __init__(self) -> None:
        self.scratch = Scratch()

    def gray(self, image, name: str) -> np.ndarray:
        """:func:`solver.arrays.images.to_gray` into scratch memory."""
        return images.to_gray(image, name, self.scratch.empty)

    def depth(self, depth, shape: tuple[int, int], name: str = "ref_depth") -> np.ndarray:
        """:func:`solver.arrays.images.to_depth` (errors naming ``name``), then NaN and inf set to 0 (missing)."""
        return images.finite_or_zero(images.to_depth(depth, shape, name), self.scratch.empty)

    def pyramid(self, img: np.ndarray, levels: int) -> list[np.ndarray]:
        """:func:`solver.arrays.images.pyramid` into scratch memory."""
        return images.pyramid(img, levels, self.scratch.empty)

    def depth_pyramid(self, depth: np.ndarray, levels: int) -> list[np.ndarray]:
        """:func:`solver.arrays.images.depth_pyramid` into scratch memory."""
        return images.depth_pyramid(depth, levels, self.scratch.empty)

    def level_points(self, image, depth, intrinsics, depth_range, max_points, dtype) -> tuple[np.ndarray, np.ndarray]:
        """:func:`solver.arrays.backprojection.reference_points` into scratch memory."""
        return reference_points(image, depth, intrinsics, depth_range, max_points, dtype, self.scratch.empty)

    def gradient_stack(self, img: np.ndarray, dtype) -> np.ndarray:
        """:func:`solver.arrays.images.stack_with_gradients` into scratch memory."""
        return images.stack_with_gradients(img, dtype, self.scratch.empty)

    def depth_stack(self, depth: np.ndarray, dtype) -> np.ndarray:
        """:func:`solver.arrays.images.depth_stack` into scratch memory."""
        return images.depth_stack(depth, dtype, self.scratch.empty)

    def depth_residual_sample(self, module: ModuleType, params, constants, points, stack, step: int) -> np.ndarray:
        """Depth residuals of every ``step``-th point (NaN where a point has none); warp ``params`` only."""
        points = np.ascontiguousarray(points[::step])
        return residuals_depth(module, params, constants, points, stack)

    def residual_sample(self, module: ModuleType, params, constants, points, iref, stack, step: int) -> np.ndarray:
        """Residuals of every ``step``-th point, evaluated for those points alone."""
        points, iref = (np.ascontiguousarray(a[::step]) for a in (points, iref))
        return residuals(module, params, constants, points, iref, stack)

    def join(self, points: list, irefs: list, stacks: list, offsets: np.ndarray) -> tuple:
        """The pairs' points and intensities concatenated, their stacks stacked."""
        return np.concatenate(points), np.concatenate(irefs), np.stack(stacks)

    def upload(self, a: np.ndarray) -> np.ndarray:
        """``a`` itself: the host kernels read host memory."""
        return a

    def choose(self, cpu: Callable[[], T], cuda: Callable[[], T]) -> T:
        """``cpu()``."""
        return cpu()

    def release(self) -> None:
        """Give the scratch memory back; nothing allocated here may be used afterwards."""
        self.scratch.release()
