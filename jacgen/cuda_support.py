"""The one gate to Numba's CUDA target: ``numba.cuda`` is loaded here, on the ``target="cuda"`` path only.

``import jacgen``, ``import solver`` and every ``target="cpu"`` call never import ``numba.cuda``, so a
broken CUDA stack (numba-cuda with a NumPy it does not support, a missing driver) cannot break CPU
users; ``target="cuda"`` calls :func:`require_cuda` first and get a :class:`CudaUnavailableError`
that names the cause.
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

_cuda: ModuleType | None = None

ROW_STACK_HINT = (
    "numba-cuda <= 0.30.4 uses np.row_stack, which NumPy 2.5 removed: install numpy<2.5 "
    "(pip install 'numpy<2.5'), as jacgen's pyproject.toml requires"
)
NO_GPU_HINT = (
    "use target='cpu', or set NUMBA_ENABLE_CUDASIM=1 before Numba is imported to run the CUDA kernels in "
    "Numba's (slow) CUDA simulator"
)


class CudaUnavailableError(ImportError):
    """``target="cuda"`` cannot run: ``numba.cuda`` failed to load, or no CUDA driver/GPU was found.

    An :class:`ImportError`, like Numba's own ``CudaSupportError``, so ``except ImportError`` guards
    around optional GPU use keep working; the original exception, if any, is its ``__cause__``.
    """


def is_device_array(a) -> bool:
    """CUDA array interface objects (CuPy, PyTorch, Numba) and Numba (simulator) device arrays.

    Decided from attributes alone, without importing ``numba.cuda`` (the CPU path asks it too).
    """
    if isinstance(a, np.ndarray):
        return False
    return hasattr(a, "__cuda_array_interface__") or hasattr(a, "copy_to_host")


def _versions() -> str:
    from importlib import metadata

    found = []
    for dist in ("numpy", "numba", "numba-cuda"):
        try:
            found.append(f"{dist} {metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            found.append(f"{dist} not installed")
    return ", ".join(found)


def _simulated() -> bool:
    """Whether Numba runs CUDA kernels in its simulator (``NUMBA_ENABLE_CUDASIM=1``)."""
    try:
        from numba.cuda.core import config  # numba-cuda (>= 0.20 at least) keeps its own copy of the setting
    except ImportError:
        from numba.core import config
    return bool(config.ENABLE_CUDASIM)


def _load_target() -> None:
    """Load the CUDA target's lowering registries now, as the first kernel compile would.

    numba-cuda imports its NumPy support only here (not at ``import numba.cuda``), so this is where
    an unsupported NumPy fails (issue 14: ``np.row_stack``). It needs no driver or GPU.
    """
    try:
        from numba.cuda.descriptor import cuda_target
    except ImportError:  # another numba-cuda layout: the first kernel compile will report any failure
        return
    cuda_target.target_context.refresh()


def require_cuda() -> ModuleType:
    """``numba.cuda``, checked to be usable for ``target="cuda"``; every CUDA path calls this first.

    The first successful call imports ``numba.cuda``, loads its target (outside the simulator) and
    checks for a CUDA driver and GPU; later calls return the module at once. Under the CUDA
    simulator (``NUMBA_ENABLE_CUDASIM=1``) no GPU is needed.

    Returns
    -------
    module
        ``numba.cuda``.

    Raises
    ------
    CudaUnavailableError
        ``numba.cuda`` failed to import or to load its target (message: the original exception, a
        hint for known causes, the installed versions; chained with ``from``), or no CUDA
        driver/GPU was found (message: Numba's driver error).
    """
    global _cuda
    if _cuda is not None:
        return _cuda
    try:
        from numba import cuda

        simulated = _simulated()
        if not simulated:
            _load_target()
    except Exception as exc:
        cause = f"{type(exc).__name__}: {exc}"
        hint = f"; {ROW_STACK_HINT}" if "row_stack" in str(exc) else ""
        raise CudaUnavailableError(
            f"target='cuda' is unavailable: numba.cuda failed to load ({cause}){hint} [{_versions()}]"
        ) from exc
    if not simulated and not cuda.is_available():
        error = getattr(cuda, "cuda_error", lambda: None)()
        cause = (
            f"no CUDA driver/GPU was found ({' '.join(str(error).split())})"
            if error
            else "the CUDA driver loaded but libNVVM (the CUDA compiler library) was not found, or no GPU is visible"
        )
        raise CudaUnavailableError(f"target='cuda' is unavailable: {cause}; {NO_GPU_HINT}")
    _cuda = cuda
    return cuda
