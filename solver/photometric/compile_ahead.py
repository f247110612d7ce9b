"""Compile an ``align`` call's kernels ahead: in a second process on a cold cache, or all of them on request.

Numba compiles a kernel on its first call and caches it on disk. A cold first ``align`` compiles
two independent sets one after the other: the preparation helpers of :mod:`solver.arrays`
(pyramids, gradient stacks, reference points) and the generated fused kernels with the LM's own
small functions. When the call finds its fused kernel missing from the cache (and the machine has
a second core), :func:`solver.photometric.background_compile.start` launches this module
(``--fused SET``, a :class:`KernelSet` as JSON): the child aligns a tiny synthetic pair with the
same options while its preparation helpers run as the plain Python they are written in (so it
compiles only the second set), and the caller compiles the first set meanwhile, by preparing its
coarsest level, then waits for the child (``Background.join``) and loads the second set from the
cache. The machine code is the same whichever process compiled it, so the results are the same
bits. ``JACGEN_COMPILE_AHEAD=0`` keeps everything in the calling process.

:func:`warm` (``python -m jacgen warm``) compiles whole sets ahead of time, in parallel processes.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator, Sequence

from numba.core.registry import CPUDispatcher

from solver.photometric.background_compile import KernelSet, spawn

HELPER_MODULES = ("solver.arrays.images", "solver.arrays.backprojection")
"""Modules whose compiled helpers the child runs as Python (the caller compiles them)."""

TINY_SHAPE = (48, 64)
"""Image size of the child's synthetic pair: every kernel is reached, the Python helpers take milliseconds."""


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


def warm_sets(
    models: Sequence[str] | None = None,
    losses: Sequence[str] | None = None,
    dtypes: Sequence[str] = ("float32",),
    depth: Sequence[bool] = (False, True),
    brightness: Sequence[bool] = (False,),
) -> list[KernelSet]:
    """Every :class:`KernelSet` of the given options (``models``: the built-in ones when None).

    ``losses`` None: each call's default, :data:`solver.options.DEFAULT_LOSS` photometric and
    :data:`solver.options.DEPTH_LOSS` with the target's depth (what ``align`` and ``odometry`` run).
    """
    from jacgen.handles import builtin_names
    from solver.core.model import align_model
    from solver.options import DEFAULT_LOSS, DEPTH_LOSS

    names = list(models) if models else builtin_names()
    for name in names:
        known = align_model(name).module("cpu").DESCRIPTION["losses"]  # ValueError naming an unknown model
        unknown = [loss for loss in losses or () if loss not in known]
        if unknown:
            raise ValueError(f"unknown loss {unknown[0]!r}; model {name!r} has {', '.join(known)}")
    bad = [d for d in dtypes if d not in ("float32", "float64")]
    if bad:
        raise ValueError(f"dtype must be float32 or float64, got {bad[0]!r}")
    return [
        KernelSet(model=m, loss=loss, dtype=d, depth=z, brightness=b)
        for m in names
        for z in depth
        for loss in (losses or ((DEPTH_LOSS,) if z else (DEFAULT_LOSS,)))
        for d in dtypes
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
    children = [spawn(["--full", *(s.to_json() for s in share)]) for share in shares]
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
