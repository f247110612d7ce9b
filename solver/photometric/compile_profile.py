"""Where a cold ``align`` call's compile time goes, per kernel: Numba's typing, its other passes, LLVM.

``python -m jacgen warm --profile`` runs :func:`print_profile`: a child process with an empty,
temporary Numba cache (the user's cache is neither read nor written) aligns a tiny synthetic
pair, in one process (no compile ahead), and prints one row per compiled function of this
project: seconds in all, in type inference, in LLVM (optimisation and machine code), and the
rest (Numba's rewrites, parfor passes and the lowering to LLVM IR, run in Python).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass

from numba.core import event

PACKAGES = ("jacgen", "generated", "solver", "jacgen_user_kernels")


@dataclass
class CompileRow:
    """One function's first compile in the profiled call."""

    name: str
    seconds: float
    typing: float
    llvm: float

    @property
    def other(self) -> float:
        """Seconds neither in type inference nor in LLVM."""
        return max(self.seconds - self.typing - self.llvm, 0.0)


class _Recorder(event.Listener):
    """Collects the outermost compiles of this project's functions."""

    def __init__(self) -> None:
        self.depth, self.dispatchers = 0, []

    def on_start(self, ev: event.Event) -> None:
        self.depth += 1
        dispatcher = (ev.data or {}).get("dispatcher")
        module = getattr(getattr(dispatcher, "py_func", None), "__module__", "") or ""
        if self.depth == 1 and module.split(".")[0] in PACKAGES:  # a nested compile's time is in its caller's
            self.dispatchers.append(dispatcher)

    def on_end(self, ev: event.Event) -> None:
        self.depth -= 1


def _row(dispatcher) -> CompileRow | None:
    """The compile times Numba kept in the metadata of ``dispatcher``'s first overload."""
    for cres in dispatcher.overloads.values():
        meta = cres.metadata or {}
        timers = meta.get("timers", {})
        passes = meta.get("pipeline_times", {}).get("nopython", {})
        typing = sum(t.init + t.run + t.finalize for name, t in passes.items() if "type_inference" in name)
        func = dispatcher.py_func
        name = f"{func.__module__}.{func.__qualname__}"
        return CompileRow(name, timers.get("compiler_lock", 0.0), typing, timers.get("llvm_lock", 0.0))
    return None


def profile(kernels) -> tuple[float, list[CompileRow]]:
    """Seconds of one tiny ``align`` with ``kernels`` (a ``background_compile.KernelSet``) and the compile rows.

    Meaningful on an empty cache only (functions loaded from the cache are not compiled).
    """
    from solver.photometric.compile_ahead import align_tiny

    recorder = _Recorder()
    event.register("numba:compile", recorder)
    try:
        start = time.perf_counter()
        align_tiny(kernels)
        seconds = time.perf_counter() - start
    finally:
        event.unregister("numba:compile", recorder)
    rows = [row for row in map(_row, dict.fromkeys(recorder.dispatchers)) if row is not None]
    return seconds, sorted(rows, key=lambda r: -r.seconds)


def format_profile(seconds: float, rows: Sequence[CompileRow]) -> str:
    """The table :func:`print_profile` prints."""
    lines = [f"{'function':<64}{'total s':>9}{'typing':>9}{'llvm':>9}{'other':>9}"]
    lines += [f"{r.name:<64}{r.seconds:>9.2f}{r.typing:>9.2f}{r.llvm:>9.2f}{r.other:>9.2f}" for r in rows]
    sums = [sum(getattr(r, k) for r in rows) for k in ("seconds", "typing", "llvm", "other")]
    lines.append(f"{'all (' + str(len(rows)) + ' functions)':<64}" + "".join(f"{v:>9.2f}" for v in sums))
    lines.append(f"first call of a tiny align, compiles included: {seconds:.2f} s")
    return "\n".join(lines)


def print_profile(kernels) -> int:
    """Profile ``kernels`` in a child process on a fresh temporary cache; print its table; its exit code."""
    with tempfile.TemporaryDirectory(prefix="jacgen-profile-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache, JACGEN_COMPILE_AHEAD="0", JACGEN_QUIET="1")
        command = [sys.executable, "-m", "solver.photometric.compile_profile", kernels.to_json()]
        return subprocess.run(command, env=env, check=False).returncode


def main(argv: Sequence[str]) -> int:
    """Child entry: profile the one kernel set given as JSON."""
    from solver.photometric.background_compile import KernelSet

    print(format_profile(*profile(KernelSet.from_json(argv[0]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
