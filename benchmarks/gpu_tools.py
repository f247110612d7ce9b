"""Helpers of the ``gpu`` suite: a time budget, timers, a kernel-launch counter, kernel attributes and variants.

Nothing here changes what the measured code does: :class:`LaunchCounter` wraps the one method every
configured Numba CUDA launch ends in (``_Kernel.launch``; on the simulator ``FakeCUDAKernel.__call__``),
counts the call and hands it on unchanged. Everything that needs ``numba.cuda`` imports it when called.
"""

from __future__ import annotations

import math
import os
import statistics
import time
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

BUDGET_ENV = "BENCH_GPU_BUDGET_S"
"""Environment variable: seconds the whole suite may take (sections that would overrun are skipped)."""
DEFAULT_BUDGET_S = 1800.0


class Budget:
    """Wall-clock budget of the suite; sections and rows ask it before they start."""

    def __init__(self, seconds: float | None = None) -> None:
        if seconds is None:
            seconds = float(os.environ.get(BUDGET_ENV, DEFAULT_BUDGET_S))
        self.seconds = float(seconds)
        self.end = time.perf_counter() + self.seconds

    def left(self) -> float:
        """Seconds left."""
        return self.end - time.perf_counter()

    def allows(self, need_s: float) -> bool:
        """Whether ``need_s`` more seconds fit."""
        return self.left() >= need_s

    def reason(self, need_s: float) -> str:
        """Skip note of a step that needs ``need_s`` seconds."""
        return f"time budget: needs ~{need_s:.0f} s, {max(self.left(), 0):.0f} s left of {self.seconds:.0f} s"


def sync() -> None:
    """Wait for the device."""
    from numba import cuda

    cuda.synchronize()


def wall_time(fn: Callable[[], object], repeats: int, warm: bool = True) -> dict:
    """Median / min / max wall time of ``fn`` with a device synchronisation around each call."""
    if warm:
        fn()
        sync()
    times = []
    for _ in range(max(1, repeats)):
        sync()
        t = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - t)
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "repeats": len(times)}


def event_time(fn: Callable[[], object], repeats: int) -> dict:
    """Device time of ``fn`` (one launch, say) between two CUDA events; wall time where events do not work."""
    from numba import cuda

    fn()
    sync()
    times = []
    try:
        for _ in range(max(1, repeats)):
            start, stop = cuda.event(timing=True), cuda.event(timing=True)
            start.record()
            fn()
            stop.record()
            stop.synchronize()
            times.append(start.elapsed_time(stop) / 1e3)
    except Exception:  # the simulator's events do not time
        return {**wall_time(fn, repeats, warm=False), "timer": "wall (synchronised)"}
    return {"median_s": statistics.median(times), "min_s": min(times), "max_s": max(times), "timer": "CUDA events"}


# ----------------------------------------------------------------------------------------------------------------------
# launches


@dataclass
class Launch:
    """One recorded launch: enough to launch the same kernel on the same arguments again."""

    name: str
    kernel: object
    """numba-cuda ``_Kernel`` (the compiled overload), or the simulator's ``FakeCUDAKernel``."""
    args: tuple
    griddim: tuple
    blockdim: tuple
    stream: object = 0
    sharedmem: int = 0

    def replay(self, args: tuple | None = None) -> None:
        """Launch the recorded kernel again (on ``args`` if given)."""
        args = self.args if args is None else tuple(args)
        if hasattr(self.kernel, "launch"):
            self.kernel.launch(args, self.griddim, self.blockdim, self.stream, self.sharedmem)
        else:
            self.kernel[self.griddim, self.blockdim](*args)

    @property
    def py_func(self):
        """The kernel's Python function."""
        return getattr(self.kernel, "py_func", None) or self.kernel.fn


class LaunchCounter:
    """Context manager counting every CUDA kernel launch; keeps the last launch of the kernels named in ``keep``.

    Real GPU: wraps ``numba.cuda.dispatcher._Kernel.launch``, which every ``kernel[grid, block](...)``
    call reaches once (after argument typing and overload selection). Simulator:
    ``FakeCUDAKernel.__call__``. The wrapper records and then calls the original with the same
    arguments.
    """

    def __init__(self, keep: tuple[str, ...] = ("_normal_equations",)) -> None:
        self.keep = keep
        self.total = 0
        self.by_name: Counter[str] = Counter()
        self.last: dict[str, Launch] = {}
        self._restore: Callable[[], None] | None = None

    def _record(self, launch_name: str, make: Callable[[], Launch]) -> None:
        self.total += 1
        self.by_name[launch_name] += 1
        if launch_name.startswith(self.keep):
            self.last[launch_name] = make()

    def __enter__(self) -> LaunchCounter:
        from numba import config

        counter = self
        if config.ENABLE_CUDASIM:
            from numba.cuda.simulator import kernel as sim

            cls, attr = sim.FakeCUDAKernel, "__call__"
            original = cls.__call__

            def wrapped(kern, *args):
                if not kern._device:  # the simulator calls device functions through __call__ too
                    make = lambda: Launch(kern.fn.__name__, kern, args, kern.grid_dim, kern.block_dim)  # noqa: E731
                    counter._record(kern.fn.__name__, make)
                return original(kern, *args)
        else:
            from numba.cuda import dispatcher

            cls, attr = dispatcher._Kernel, "launch"
            original = cls.launch

            def wrapped(kern, args, griddim, blockdim, stream=0, sharedmem=0):
                name = kern.py_func.__name__
                make = lambda: Launch(name, kern, tuple(args), griddim, blockdim, stream, sharedmem)  # noqa: E731
                counter._record(name, make)
                return original(kern, args, griddim, blockdim, stream, sharedmem)

        setattr(cls, attr, wrapped)
        self._restore = lambda: setattr(cls, attr, original)
        return self

    def __exit__(self, *exc) -> None:
        if self._restore is not None:
            self._restore()
            self._restore = None

    def count(self, prefix: str) -> int:
        """Launches of kernels whose name starts with ``prefix``."""
        return sum(n for name, n in self.by_name.items() if name.startswith(prefix))


# ----------------------------------------------------------------------------------------------------------------------
# kernel attributes and variants


def _occupancy_estimate(regs: int, shared: int, threads: int) -> tuple[int, str]:
    """Resident blocks per SM of a compute-capability 9.0 chip from registers, shared memory and threads."""
    warps = math.ceil(threads / 32)
    regs_per_warp = math.ceil(max(regs, 1) * 32 / 256) * 256
    by_regs = 65536 // (regs_per_warp * warps)
    by_shared = (233472 // shared) if shared else 32
    by_threads = 2048 // threads
    return max(0, min(by_regs, by_shared, by_threads, 32)), "estimated from registers/shared memory (sm_90 limits)"


def kernel_info(kernel, threads: int) -> dict:
    """Registers per thread, local (spill) memory, static shared memory and theoretical occupancy of a ``_Kernel``."""
    from numba import cuda

    regs, local, shared = (
        int(kernel.regs_per_thread),
        int(kernel.local_mem_per_thread),
        int(kernel.shared_mem_per_block),
    )
    dev = cuda.get_current_device()
    per_sm = int(getattr(dev, "MAX_THREADS_PER_MULTIPROCESSOR", 2048))
    try:
        cufunc = kernel._codelibrary.get_cufunc()
        blocks = int(cuda.current_context().get_active_blocks_per_multiprocessor(cufunc, threads, 0))
        source = "cuOccupancyMaxActiveBlocksPerMultiprocessor"
    except Exception:  # private attribute moved: estimate instead
        blocks, source = _occupancy_estimate(regs, shared, threads)
    return {
        "registers": regs,
        "local_bytes": local,
        "shared_bytes": shared,
        "blocks_per_sm": blocks,
        "occupancy": blocks * threads / per_sm,
        "occupancy_source": source,
    }


def rebound(py_func, **names) -> types.FunctionType:
    """A copy of ``py_func`` whose module globals ``names`` are rebound (e.g. ``THREADS_PER_BLOCK``)."""
    glob = dict(py_func.__globals__)
    glob.update(names)
    return types.FunctionType(py_func.__code__, glob, py_func.__name__, py_func.__defaults__, py_func.__closure__)


def compile_variant(py_func, max_registers: int | None, threads: int, module_threads: int | None):
    """``cuda.jit(max_registers=..., fastmath=True)`` of ``py_func`` (its block-size constant rebound if needed)."""
    from numba import cuda

    fn = py_func if threads == module_threads else rebound(py_func, THREADS_PER_BLOCK=threads)
    options = {"fastmath": True}
    if max_registers is not None:
        options["max_registers"] = max_registers
    return cuda.jit(**options)(fn)


def error_note(exc: BaseException) -> str:
    """``Type: first line of the message`` (at most 200 characters), for a table cell."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"


def to_host(a) -> np.ndarray:
    """A device array (Numba, CuPy, PyTorch) or host array as a NumPy array."""
    if isinstance(a, np.ndarray):
        return a
    if hasattr(a, "copy_to_host"):
        return a.copy_to_host()
    if hasattr(a, "detach"):
        return a.detach().cpu().numpy()
    if hasattr(a, "get"):
        return a.get()
    return np.asarray(a)


def device_pointer(a) -> int | None:
    """Device address in ``a.__cuda_array_interface__`` (None without one)."""
    cai = getattr(a, "__cuda_array_interface__", None)
    return None if cai is None else int(cai["data"][0])
