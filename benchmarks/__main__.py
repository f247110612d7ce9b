"""``python -m benchmarks <suite> [--quick | --smoke] [--out DIR] [--data DIR] [--threads N] [--settle S]``.

Suites: ``jacobian``, ``normal_equations``, ``align``, ``odometry``, ``torus``, ``gpu`` (or ``all``). Each writes
``<suite>.md``, ``<suite>.json`` and ``<suite>.png`` into ``--out`` (default ``benchmarks/results/``)
and prints the Markdown on stdout.
"""

from __future__ import annotations

import argparse
import importlib
import math
import os
import shlex
import sys
from pathlib import Path

from . import harness

SUITES = {
    "jacobian": ("jacobian", "Warp Jacobian of the rodrigues model (N x 2 x 6)"),
    "normal_equations": ("normal_equations", "Fused photometric normal equations, one VGA frame"),
    "align": ("align_suite", "RGB-D frame-to-frame alignment on TUM pairs"),
    "odometry": ("odometry", "Visual odometry on TUM sequences (trajectory vs ground truth)"),
    "torus": ("torus", "Torus point-set problem (recover x/z rotations)"),
    "gpu": ("gpu", "Generated CUDA kernels and the device aligner on a real GPU"),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    ap.add_argument("suite", choices=[*SUITES, "all"])
    ap.add_argument("--quick", action="store_true", help="reduced sizes (< 2 minutes per suite; used by CI)")
    ap.add_argument("--smoke", action="store_true", help="tiny sizes, seconds per suite (the CI smoke test)")
    ap.add_argument("--out", type=Path, default=harness.DEFAULT_OUT, help="output folder (default %(default)s)")
    ap.add_argument(
        "--data", type=Path, default=harness.DEFAULT_DATA, help="folder of */pairs.csv datasets (default %(default)s)"
    )
    ap.add_argument(
        "--threads", type=int, default=None, help="threads for every contender (default: all CPUs of this process)"
    )
    ap.add_argument(
        "--settle",
        type=float,
        default=None,
        metavar="S",
        help=f"seconds slept before each timed call (default {harness.SETTLE_S}; 0 with --smoke)",
    )
    args = ap.parse_args(argv)
    if args.settle is not None and not (math.isfinite(args.settle) and args.settle >= 0):
        ap.error(f"--settle must be a finite number >= 0, got {args.settle}")
    return args


def run_suite(suite: str, args: argparse.Namespace, threads: int, command: str) -> dict:
    """Run one suite, print its Markdown and write the report files; return the paths written."""
    module_name, title = SUITES[suite]
    mod = importlib.import_module(f"benchmarks.{module_name}")
    lib_threads = harness.apply_library_threads(threads)
    env = harness.environment(threads)
    env["library_threads"] = lib_threads

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    res = mod.run(harness.Mode(quick=args.quick, smoke=args.smoke, data=args.data, log=log))
    md = mod.markdown(res, harness.report_header(suite, title, command, env, args.quick or args.smoke))
    written = harness.write_report(
        suite, args.out, md, {"environment": env, **mod.strip_private(res)}, lambda path: mod.plot(res, path)
    )
    print(md)
    print(f"written: {', '.join(f'{k}={v}' for k, v in written.items())}", file=sys.stderr)
    return written


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    args = parse_args(argv)
    threads = harness.configure_threads(args.threads or len(os.sched_getaffinity(0)))
    harness.set_settle(args.settle if args.settle is not None else 0.0 if args.smoke else harness.SETTLE_S)
    command = "python -m benchmarks " + " ".join(shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv))
    for suite in SUITES if args.suite == "all" else [args.suite]:
        run_suite(suite, args, threads, command)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
