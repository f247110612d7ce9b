"""Compile an ``align`` call's kernels ahead: in a second process on a cold cache, or all of them on request.

Numba compiles a kernel on its first call and caches it on disk. A cold first ``align`` compiles
two independent sets one after the other: the preparation helpers of :mod:`solver.arrays`
(pyramids, gradient stacks, reference points) and the generated fused kernels with the LM's own
small functions. When the call finds its fused kernel missing from the cache (and the machine has
a second core), :func:`start` launches ``python -m solver.photometric.compile_ahead`` for the
call's :class:`KernelSet`: the child aligns a tiny synthetic pair with the same options while
its preparation helpers run as the plain Python they are written in (so it compiles only the
second set), and the caller compiles the first set meanwhile, by preparing its coarsest level,
then waits for the child (:meth:`Background.join`) and loads the second set from the cache. The
machine code is the same whichever process compiled it, so the results are the same bits.
``JACGEN_COMPILE_AHEAD=0`` keeps everything in the calling process.

:func:`warm` (``python -m jacgen warm``) compiles whole sets ahead of time, in parallel processes.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numba.core.registry import CPUDispatcher

SWITCH = "JACGEN_COMPILE_AHEAD"
"""Environment variable: ``0`` disables the background compile of a cold first call."""

HELPER_MODULES = ("solver.arrays.images", "solver.arrays.backprojection")
"""Modules whose compiled helpers the child runs as Python (the caller compiles them)."""

TINY_SHAPE = (48, 64)
"""Image size of the child's synthetic pair: every kernel is reached, the Python helpers take milliseconds."""

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


def align_tiny(kernels: KernelSet) -> None:
    """Align a tiny synthetic pair with ``kernels``' options: compiles (or loads) what such a call runs."""
    from solver.photometric.align import align
    from solver.synthetic import make_scene

    scene = make_scene(shape=TINY_SHAPE)
    align(
        scene.ref_image,
        scene.ref_depth,
        scene.tgt_image,
        scene.intrinsics,
        model=kernels.handle(),
        loss=kernels.loss,
        loss_scale=0.05 if kernels.fixed_scale else None,
        dtype=kernels.dtype,
        brightness=kernels.brightness,
        method=kernels.method,
        tgt_depth=scene.tgt_depth if kernels.depth else None,
    )


@contextlib.contextmanager
def helpers_in_python() -> Iterator[None]:
    """Within: the compiled helpers of :data:`HELPER_MODULES` are their Python functions (tiny images only)."""
    import importlib

    saved = []
    for name in HELPER_MODULES:
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, CPUDispatcher):
                saved.append((module, attr, value))
    try:
        for module, attr, value in saved:
            setattr(module, attr, value.py_func)
        yield
    finally:
        for module, attr, value in saved:
            setattr(module, attr, value)


def _cached(dispatcher) -> bool:
    """Whether Numba's cache has an index for ``dispatcher`` (any signature); True when it cannot tell."""
    try:
        return os.path.exists(dispatcher._cache._cache_file._index_path)
    except AttributeError:  # not cached, or another Numba's internals: do not start a process
        return True


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


def _spawn(args: list[str]) -> subprocess.Popen:
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
    on_host = options.arrays().choose(cpu=lambda: True, cuda=lambda: False)
    if not on_host or not is_cold(options, depth):
        return None
    try:
        return Background(_spawn(["--fused", kernel_set(options, depth).to_json()]))
    except OSError:  # no process to spare: compile everything here
        return None


def warm_sets(
    models: Sequence[str] | None = None,
    losses: Sequence[str] = ("huber",),
    dtypes: Sequence[str] = ("float32",),
    depth: Sequence[bool] = (False, True),
    brightness: Sequence[bool] = (False,),
) -> list[KernelSet]:
    """Every :class:`KernelSet` of the given options (``models``: the built-in ones when None)."""
    from jacgen.handles import builtin_names
    from solver.core.model import align_model

    names = list(models) if models else builtin_names()
    for name in names:
        spec = align_model(name)  # ValueError naming an unknown model
        unknown = [loss for loss in losses if loss not in spec.module("cpu").DESCRIPTION["losses"]]
        if unknown:
            raise ValueError(
                f"unknown loss {unknown[0]!r}; model {name!r} has {', '.join(spec.module().DESCRIPTION['losses'])}"
            )
    bad = [d for d in dtypes if d not in ("float32", "float64")]
    if bad:
        raise ValueError(f"dtype must be float32 or float64, got {bad[0]!r}")
    return [
        KernelSet(model=m, loss=loss, dtype=d, depth=z, brightness=b)
        for m in names
        for loss in losses
        for d in dtypes
        for z in depth
        for b in brightness
    ]


def warm(sets: Sequence[KernelSet], jobs: int | None = None) -> float:
    """Compile ``sets`` into the cache, in ``jobs`` processes (default: the cores, at most one per set); seconds taken.

    Each process aligns tiny pairs with its share of the sets, so it compiles exactly what those
    calls compile; ``RuntimeError`` naming the sets of a process that failed.
    """
    t0 = time.perf_counter()
    if not sets:
        return 0.0
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(sets)))
    shares = [list(sets[k::jobs]) for k in range(jobs)]
    children = [_spawn(["--full", *(s.to_json() for s in share)]) for share in shares]
    failed = [share for share, child in zip(shares, children, strict=True) if child.wait() != 0]
    if failed:
        names = ", ".join(s.label for share in failed for s in share)
        raise RuntimeError(f"compiling ahead failed for {names} (run them in one process to see why)")
    return time.perf_counter() - t0


def main(argv: Sequence[str]) -> int:
    """Child entry: ``--fused SET`` (fused kernels only, helpers as Python) or ``--full SET...``."""
    mode, *sets = argv
    for kernels in map(KernelSet.from_json, sets):
        if mode == "--fused":
            with helpers_in_python():
                align_tiny(kernels)
        else:
            align_tiny(kernels)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
