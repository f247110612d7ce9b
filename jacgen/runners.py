"""Running generated modules: what the public API does on each target besides calling the kernel.

The emitters of a target are its :class:`~jacgen.backends.base.Backend` (code generation, Sympy);
its :class:`Runner` is the run-time side: whether the target can run, where outputs are
allocated and how they come back. Nothing here imports Sympy or, until a CUDA call, ``numba.cuda``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .aligned_memory import empty_aligned
from .cuda_support import require_cuda


@dataclass(frozen=True)
class Runner:
    """How the public API reaches one target's generated modules (the CPU behaviour by default).

    Attributes
    ----------
    name
        Target name, as the generated modules' suffix (``"cpu"``, ``"cuda"``).
    accepts_device_arrays
        Whether inputs may already live on the target's device (CUDA array interface objects).
    """

    name: str
    accepts_device_arrays: bool = False

    def load(self) -> None:
        """Make sure the target can run (raise a clear error before its generated modules import)."""

    def output_arrays(self, shapes, dtype, n: int) -> list:
        """Outputs of ``shapes`` (float ``dtype``) and a validity array of ``n`` booleans, on the target."""
        return [empty_aligned(shape, dtype) for shape in shapes] + [np.empty(n, dtype=np.bool_)]

    def results(self, arrays, device_input: bool) -> tuple:
        """``arrays`` as the caller gets them (host arrays unless the inputs were on the device)."""
        return tuple(arrays)


@dataclass(frozen=True)
class CUDARunner(Runner):
    """The CUDA target: device outputs, copied to the host unless the inputs were device arrays."""

    accepts_device_arrays: bool = True

    def load(self) -> None:  # noqa: D102
        require_cuda()  # a clear CudaUnavailableError before a generated CUDA module imports numba.cuda

    def output_arrays(self, shapes, dtype, n: int) -> list:  # noqa: D102
        cuda = require_cuda()
        return [cuda.device_array(shape, dtype=dtype) for shape in shapes] + [cuda.device_array(n, dtype=bool)]

    def results(self, arrays, device_input: bool) -> tuple:  # noqa: D102
        return tuple(arrays) if device_input else tuple(a.copy_to_host() for a in arrays)


RUNNERS: dict[str, Runner] = {r.name: r for r in (Runner("cpu"), CUDARunner("cuda"))}
"""The runner of each target, by name (the same names as :data:`jacgen.backends.BACKENDS`)."""

__all__ = ["CUDARunner", "RUNNERS", "Runner"]
