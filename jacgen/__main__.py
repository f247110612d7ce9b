"""Command line: ``python -m jacgen build [--check] [--out DIR]``, ``list``, ``demo`` and ``warm``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m jacgen", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="regenerate the kernel modules in generated/")
    build.add_argument("--check", action="store_true", help="exit 1 and list files that differ; write nothing")
    build.add_argument("--out", type=Path, default=None, help="output folder (default: generated/)")
    sub.add_parser("list", help="print each built-in model with its operation counts")
    sub.add_parser("demo", help="evaluate a Rodrigues Jacobian on a synthetic point cloud and check it")
    _add_warm_parser(sub)
    args = parser.parse_args(argv)

    if args.command == "demo":
        return demo()
    if args.command == "warm":
        return warm(args)
    from .build import GENERATED_DIR, render_all, stale_files, write_modules  # Sympy: only to build or list
    from .builtin import builtin_models
    from .codegen import kernel_irs

    if args.command == "list":
        print(f"{'model':<12}{'kernel':<24}{'before cse':>12}{'after cse':>11}{'hoisted':>9}{'per point':>11}")
        for name, model in builtin_models().items():
            for ir in kernel_irs(model):
                o = ir.ops
                print(f"{name:<12}{ir.kind:<24}{o.before_cse:>12}{o.after_cse:>11}{o.hoisted:>9}{o.per_point:>11}")
            print(f"{'':<12}{model.description}")
        return 0

    args.out = args.out or GENERATED_DIR
    start = time.perf_counter()
    files = render_all()
    elapsed = time.perf_counter() - start
    if args.check:
        stale = stale_files(files, args.out)
        if stale:
            print(f"generated/ is stale: {len(stale)} file(s) differ from the generator:", file=sys.stderr)
            for name, diff in stale.items():
                print(f"--- {name}: {diff}", file=sys.stderr)
            print("run `python -m jacgen build` and commit the result", file=sys.stderr)
            return 1
        print(f"generated/ is up to date ({len(files)} files, derived in {elapsed:.1f} s)")
        return 0
    written = write_modules(files, args.out)
    for path in written:
        print(f"wrote {path}")
    print(f"{len(files)} files, {len(written)} changed, derived in {elapsed:.1f} s")
    return 0


def _add_warm_parser(sub) -> None:
    """``warm``: compile the aligner's kernels into Numba's cache ahead of the first call."""
    warm = sub.add_parser("warm", help="compile the aligner's kernels into Numba's on-disk cache ahead of time")
    warm.add_argument("--models", nargs="+", metavar="MODEL", help="built-in models (default: all)")
    warm.add_argument(
        "--losses", nargs="+", metavar="LOSS", help="robust losses (default: align's, huber; tukey with depth)"
    )
    warm.add_argument("--dtypes", nargs="+", default=["float32"], metavar="DTYPE", help="default: float32")
    warm.add_argument("--photometric-only", action="store_true", help="skip the RGB-D (depth residual) kernels")
    warm.add_argument("--brightness", action="store_true", help="also the gain/bias (brightness=True) kernels")
    warm.add_argument("--jobs", type=int, default=None, help="processes compiling in parallel (default: the cores)")
    warm.add_argument("--profile", action="store_true", help="compile one set in this process, timing each kernel")


def warm(args: argparse.Namespace) -> int:
    """Compile (or find cached) the kernels of every asked-for option set; one line per problem."""
    from solver.photometric import compile_ahead

    try:
        sets = compile_ahead.warm_sets(
            args.models,
            args.losses,
            args.dtypes,
            (False,) if args.photometric_only else (False, True),
            (False, True) if args.brightness else (False,),
        )
        if args.jobs is not None and args.jobs < 1:
            raise ValueError(f"--jobs must be at least 1, got {args.jobs}")
        if args.profile:
            from solver.photometric.compile_profile import print_profile

            return print_profile(sets[0])
        seconds = compile_ahead.warm(sets, args.jobs)
    except (ValueError, RuntimeError) as exc:
        print(f"python -m jacgen warm: {exc}", file=sys.stderr)
        return 2
    models = sorted({s.model for s in sets})
    print(f"kernels of {len(sets)} option sets ({', '.join(models)}) compiled or found cached in {seconds:.1f} s")
    return 0


def demo() -> int:
    """Evaluate the ``rodrigues`` Jacobian on a VGA-sized synthetic cloud; check it by differences."""
    import numpy as np

    from . import warp, warp_jacobian

    rng = np.random.default_rng(0)
    n = 640 * 480
    points = np.column_stack([rng.uniform(-1.5, 1.5, (n, 2)), rng.uniform(0.5, 10.0, n)])
    intrinsics = (525.0, 525.0, 319.5, 239.5)
    params = np.array([0.02, -0.01, 0.03, 0.01, -0.02, 0.05])
    start = time.perf_counter()
    uv, jac, valid = warp_jacobian("rodrigues", params, points, intrinsics)
    first = time.perf_counter() - start
    times = []
    for _ in range(5):
        start = time.perf_counter()
        warp_jacobian("rodrigues", params, points, intrinsics)
        times.append(time.perf_counter() - start)
    step, worst = 1e-6, 0.0
    for j in range(6):
        dp = np.zeros(6)
        dp[j] = step
        fd = (
            warp("rodrigues", params + dp, points[:1000], intrinsics)[0]
            - warp("rodrigues", params - dp, points[:1000], intrinsics)[0]
        ) / (2 * step)
        worst = max(worst, float(np.abs(fd - jac[:1000, :, j]).max() / np.abs(jac[:1000]).max()))
    print(f"rodrigues warp_jacobian on {n} points (float64): {valid.sum()} valid")
    print(f"  first call (compile or cache load): {first:.2f} s; steady state median {np.median(times) * 1e3:.1f} ms")
    print(f"  J[0] =\n{np.array2string(jac[0], precision=4)}")
    print(f"  max relative deviation from central differences (h = 1e-6): {worst:.2e}")
    return 0 if worst < 1e-6 else 1


if __name__ == "__main__":
    sys.exit(main())
