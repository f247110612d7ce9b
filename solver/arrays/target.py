"""The solver's one choice of target: :func:`arrays_for` checks ``target`` and gives that target's arrays.

The host (:class:`~solver.arrays.host.HostArrays`) and the device (:class:`~solver.arrays.device.DeviceArrays`)
prepare a problem's arrays through the one interface :class:`Arrays`, so the problems, the batch and
the model adapter call its methods instead of comparing target names. CUDA code is imported on the
CUDA path only: a CPU user never loads ``numba.cuda``.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Protocol, TypeVar

import numpy as np

from jacgen.cuda_support import require_cuda
from solver.arrays.host import HostArrays

T = TypeVar("T")


class Arrays(Protocol):
    """A problem's arrays on one target: images, pyramids, level data, kernel inputs (host or device arrays)."""

    name: str
    """``"cpu"`` or ``"cuda"``: the target of the generated modules (``GeneratedModel.align_module(name)``)."""

    def gray(self, image, name: str):
        """(H, W) float64 intensities of a gray or RGB(A) image; ``ValueError`` naming ``name`` if invalid."""

    def depth(self, depth, shape: tuple[int, int], name: str = "ref_depth"):
        """(H, W) float64 depth in metres of the reference image's ``shape``, 0 where missing (NaN, inf).

        ``ValueError`` naming ``name`` (``"ref_depth"``, ``"tgt_depth"``) for a depth that is not a
        real-valued (H, W) array of that shape.
        """

    def pyramid(self, img, levels: int) -> list:
        """``[level 0 (full), level 1, ...]`` by 2x2 block means."""

    def depth_pyramid(self, depth, levels: int) -> list:
        """Depth pyramid by 2x2 means of the valid depths (0 across depth edges)."""

    def level_points(self, image, depth, intrinsics, depth_range, max_points, dtype) -> tuple:
        """Reference points (N, 3) and intensities (N,) of one level (see ``reference_points``)."""

    def gradient_stack(self, img, dtype):
        """(H, W, 3) stack of intensity and its gradients ``d/du``, ``d/dv`` in ``dtype``."""

    def depth_stack(self, depth, dtype):
        """(H, W, 3) target depth stack ``(D, dD/du, dD/dv)``, NaN where missing or across depth edges.

        ``depth``: a level of :meth:`depth_pyramid` (metres, 0 where missing); the host's rules
        (:func:`solver.arrays.images.depth_stack`) on either target.
        """

    def depth_residual_sample(self, module: ModuleType, params, constants, points, stack, step: int) -> np.ndarray:
        """On the host: the depth residuals of every ``step``-th point (``params``: the warp's only)."""

    def residual_sample(self, module: ModuleType, params, constants, points, iref, stack, step: int) -> np.ndarray:
        """On the host: the residuals of every ``step``-th point (``module``: the align module, brightness included)."""

    def join(self, points: list, irefs: list, stacks: list, offsets: np.ndarray) -> tuple:
        """The batched kernels' ``(points, iref, stacks)`` of many pairs (pair ``b``: ``offsets[b]:offsets[b + 1]``)."""

    def upload(self, a: np.ndarray):
        """``a`` where this target's kernels read it (a host array stays as it is)."""

    def choose(self, cpu: Callable[[], T], cuda: Callable[[], T]) -> T:
        """The result of this target's loader: ``cpu()`` or ``cuda()`` (import CUDA code inside ``cuda``)."""

    def release(self) -> None:
        """Give scratch memory back; the arrays must no longer be used."""


def arrays_for(target: str) -> Callable[[], Arrays]:
    """The class of one problem's arrays on ``target`` (``"cpu"`` or ``"cuda"``).

    ``ValueError`` for another target; for ``"cuda"``, ``CudaUnavailableError`` naming the cause
    when CUDA cannot run (before anything imports ``numba.cuda``).
    """
    if target == "cpu":
        return HostArrays
    if target == "cuda":
        require_cuda()
        from solver.arrays.device import DeviceArrays

        return DeviceArrays
    raise ValueError(f"target must be 'cpu' or 'cuda', got {target!r}")
