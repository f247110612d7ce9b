"""The second compiling process of a cold first ``align`` (see :mod:`solver.photometric.compile_ahead`).

:func:`start` is what :func:`solver.align` calls: when the call's fused kernel has no cache index
(and the machine has a second core), it launches ``python -m solver.photometric.compile_ahead
--fused SET`` for the call's :class:`KernelSet` and returns the :class:`Background` handle whose
:meth:`~Background.join` compiles the caller's share and waits for the child.
``JACGEN_COMPILE_AHEAD=0`` keeps everything in the calling process.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from dataclasses import asdict, dataclass

import numpy as np

SWITCH = "JACGEN_COMPILE_AHEAD"
"""Environment variable: ``0`` disables the background compile of a cold first call."""

WAIT_S = 120.0
"""Longest wait for the child; past it the caller compiles what is still missing itself."""


@dataclass(frozen=True)
class KernelSet:
    """What decides which kernels an ``align`` call compiles (images, sizes and values do not)."""

    model: str = "se3"
    directory: str | None = None
    """Folder of a user model's generated modules (:func:`jacgen.build_model`); None for a built-in."""
    loss: str = "huber"
    dtype: str = "float32"
    brightness: bool = False
    depth: bool = False
    """With the target depth (``tgt_depth``): the photometric + depth kernels."""
    method: str = "lm"
    fixed_scale: bool = False
    """A given ``loss_scale``: no residual sample for the robust scale."""

    @property
    def label(self) -> str:
        """``model/loss/dtype[/brightness][/depth]``."""
        return "/".join([self.model, self.loss, self.dtype] + ["brightness"] * self.brightness + ["depth"] * self.depth)

    def handle(self):
        """The model as :func:`solver.align` takes it."""
        from jacgen.handles import load_model

        return self.model if self.directory is None else load_model(self.model, self.directory)

    def to_json(self) -> str:
        """One-line JSON of the fields (the child's argument)."""
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> KernelSet:
        """Inverse of :meth:`to_json`."""
        return cls(**json.loads(text))


def kernel_set(options, depth: bool) -> KernelSet:
    """The :class:`KernelSet` of validated align options (:class:`solver.options.ValidAlignOptions`)."""
    model = options.model
    directory = getattr(model, "directory", None)
    return KernelSet(
        model=getattr(model, "name", model),
        directory=None if directory is None else str(directory),
        loss=options.loss,
        dtype=np.dtype(options.dtype).name,
        brightness=bool(options.brightness),
        depth=depth,
        method=options.method,
        fixed_scale=options.loss_scale is not None,
    )


_KNOWN_CACHED: set[int] = set()
"""``id`` of the dispatchers found cached in this process (a cache index, once written, stays)."""


def _cached(dispatcher) -> bool:
    """Whether Numba's cache has an index for ``dispatcher`` (any signature); True when it cannot tell."""
    if id(dispatcher) in _KNOWN_CACHED:
        return True
    try:
        cached = os.path.exists(dispatcher._cache._cache_file._index_path)
    except AttributeError:  # not cached, or another Numba's internals: do not start a process
        cached = True
    if cached:
        _KNOWN_CACHED.add(id(dispatcher))
    return cached


def is_cold(options, depth: bool) -> bool:
    """Whether the fused kernel of this call (model, loss, brightness, depth) was never cached here."""
    from solver.core.model import ACCUMULATOR_KERNELS, DEPTH_KERNELS

    name = (DEPTH_KERNELS if depth else ACCUMULATOR_KERNELS)[bool(options.brightness)]
    kernel = getattr(options.spec.module("cpu"), f"_{name}_{options.loss}", None)
    return kernel is not None and not _cached(kernel)


def _child_environment() -> dict[str, str]:
    """The caller's environment, quiet, with this project importable as the caller imports it."""
    env = dict(os.environ, JACGEN_QUIET="1", **{SWITCH: "0"})
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
    return env


def spawn(args: list[str]) -> subprocess.Popen:
    """``python -m solver.photometric.compile_ahead ARGS``, output discarded."""
    command = [sys.executable, "-m", "solver.photometric.compile_ahead", *args]
    return subprocess.Popen(command, env=_child_environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Background:
    """The child compiling a cold call's fused kernels (:func:`start`)."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.process = process
        self.started = time.perf_counter()

    def join(self, problem) -> None:
        """Compile ``problem``'s helpers and the LM's small functions here, then wait for the child.

        The helpers compile by preparing the coarsest level (built and dropped); the pose update
        and the damped solve by one call each. The child compiles the fused kernels meanwhile and
        finds these in the cache when its tiny call reaches them.
        """
        from solver.core.lm import solve_damped

        problem.level_data(problem.levels - 1)
        problem.spec.pose(np.zeros(len(problem.spec.params)))
        solve_damped(np.eye(2), np.ones(2), 0.0)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=max(WAIT_S - (time.perf_counter() - self.started), 0.0))


def start(options, depth: bool) -> Background | None:
    """The background compile of a cold host call (None: switched off, one core, cached, or not on the host)."""
    if os.environ.get(SWITCH, "1") == "0" or (os.cpu_count() or 1) < 2 or os.environ.get("NUMBA_DISABLE_JIT"):
        return None
    if not is_cold(options, depth) or not options.arrays().choose(cpu=lambda: True, cuda=lambda: False):
        return None
    try:
        return Background(spawn(["--fused", kernel_set(options, depth).to_json()]))
    except OSError:  # no process to spare: compile everything here
        return None
