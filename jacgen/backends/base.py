"""Backend configuration: what differs between Numba CPU and Numba CUDA output."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Backend:
    """Everything target-specific about an emitted kernel module.

    Attributes
    ----------
    name
        Target name (``"cpu"`` or ``"cuda"``); also the module suffix.
    imports
        Import lines of the module.
    kernel_decorator
        Decorator line of a per-point kernel.
    device_decorator
        Decorator of scalar helpers called from a kernel.
    loop_header
        Lines opening the per-point loop; ``i`` is the point index afterwards.
    loop_indent
        Indentation of the loop body.
    launcher
        Template of the Python-level launcher (``str.format`` fields: ``name``, ``kernel``,
        ``hoist``, ``hoist_args``, ``arrays``).
    streaming
        Also emit ``_<kind>_stream_<dtype>`` kernels (lane-vector groups of points, each stored
        with non-temporal stores as soon as it is computed; see :mod:`jacgen.stream_codegen`) for
        outputs larger than the caches.
    """

    name: str
    imports: str
    kernel_decorator: str
    device_decorator: str
    loop_header: str
    loop_indent: str
    launcher: str
    streaming: bool = False
