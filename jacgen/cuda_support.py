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


def interface_shape_dtype(a: object) -> tuple[tuple[int, ...], np.dtype]:
    """Shape and dtype of a device array, read from its ``__cuda_array_interface__`` (``shape``, ``typestr``).

    Libraries' own ``dtype`` attributes need not be NumPy's (PyTorch's is ``torch.float64``); objects
    without the interface (simulator device arrays) give their ``shape`` and ``dtype``.
    """
    interface = getattr(a, "__cuda_array_interface__", None)
    if interface is None:
        return tuple(a.shape), np.dtype(a.dtype)
    return tuple(int(n) for n in interface["shape"]), np.dtype(interface["typestr"])


def _host_view(interface: dict) -> np.ndarray:
    """A NumPy view of the memory an interface describes (simulator: device memory is host memory)."""
    import ctypes

    shape = tuple(int(n) for n in interface["shape"])
    dtype = np.dtype(interface["typestr"])
    pointer = int(interface["data"][0])
    strides = interface.get("strides")
    strides = tuple(int(s) for s in strides) if strides is not None else None
    if pointer == 0 or 0 in shape:
        return np.empty(shape, dtype=dtype)
    steps = strides if strides is not None else np.empty(shape, dtype=dtype).strides
    low = sum(min(0, (n - 1) * s) for n, s in zip(shape, steps, strict=True))
    high = sum(max(0, (n - 1) * s) for n, s in zip(shape, steps, strict=True)) + dtype.itemsize
    buffer = (ctypes.c_char * (high - low)).from_address(pointer + low)
    return np.ndarray(shape, dtype=dtype, buffer=buffer, offset=-low, strides=strides)


def as_device_array(obj: object) -> object:
    """A Numba device array viewing ``obj``'s device memory, without a copy.

    Numba device arrays (simulator ones included) are returned as they are; any other object with a
    ``__cuda_array_interface__`` (CuPy, PyTorch) is wrapped: by ``cuda.as_cuda_array`` on a GPU,
    and under the simulator (which has no ``as_cuda_array``) as a simulator device array over a
    NumPy view of the interface's data pointer (``typestr``, ``shape`` and ``strides`` honoured).

    Raises
    ------
    CudaUnavailableError
        As :func:`require_cuda`.
    TypeError
        ``obj`` is neither a Numba device array nor has a ``__cuda_array_interface__``.
    """
    cuda = require_cuda()
    if hasattr(obj, "copy_to_host"):
        return obj
    interface = getattr(obj, "__cuda_array_interface__", None)
    if interface is None:
        raise TypeError(f"not a device array: {type(obj).__name__} has no __cuda_array_interface__")
    if not _simulated():
        return cuda.as_cuda_array(obj)
    from numba.cuda.simulator.cudadrv.devicearray import FakeCUDAArray

    return FakeCUDAArray(_host_view(interface))


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
