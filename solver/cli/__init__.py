"""Command line: ``python -m solver demo | align REF TGT ... | torus | evaluate GT EST | odometry DIR ...``.

One module per command, each with a ``run(args)``; this module builds the parser and dispatches
(a command's module is imported only when it runs).
"""

from __future__ import annotations

import argparse
import math
import sys
from importlib import import_module
from pathlib import Path

from jacgen import DEFAULT_MODEL, models


def intrinsics(text: str) -> tuple[float, float, float, float]:
    """``--intrinsics fx,fy,cx,cy``: four finite numbers, ``fx`` and ``fy`` > 0 (an argparse ``type``)."""
    try:
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        values = ()
    if len(values) != 4 or not all(map(math.isfinite, values)) or min(values[:2]) <= 0:
        raise argparse.ArgumentTypeError(f"expected fx,fy,cx,cy (four finite numbers, fx and fy > 0), got {text!r}")
    return values


def build_parser() -> argparse.ArgumentParser:
    """The ``python -m solver`` parser: one subcommand per module of :mod:`solver.cli`."""
    p = argparse.ArgumentParser(prog="python -m solver", description=__doc__.splitlines()[0])
    p.add_argument("--debug", action="store_true", help="show the traceback of an error instead of one line")
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="align a synthetic scene with exact ground truth (no download)")
    d.add_argument("--model", default=DEFAULT_MODEL, choices=models())
    d.add_argument("--noise", type=float, default=0.0, help="intensity noise sigma (images in [0, 1])")
    a = sub.add_parser("align", help="align REF (rgb + depth) to TGT rgb; prints tx ty tz qx qy qz qw")
    a.add_argument("ref_rgb")
    a.add_argument("ref_depth")
    a.add_argument("tgt_rgb")
    a.add_argument("--intrinsics", type=intrinsics, required=True, help="fx,fy,cx,cy")
    a.add_argument("--depth-scale", type=float, default=5000.0, help="depth units per metre (TUM: 5000)")
    a.add_argument("--model", default=DEFAULT_MODEL, choices=models())
    a.add_argument("--brightness", action="store_true", help="also estimate gain and bias")
    t = sub.add_parser("torus", help="the forum's torus: recover two angles by render and compare, draw it")
    t.add_argument("--rx", type=float, default=35.0, help="true rotation about x, degrees")
    t.add_argument("--rz", type=float, default=20.0, help="true rotation about z, degrees")
    t.add_argument("--axis", default="y", choices=("y", "z"), help="torus axis (z: Rz spins it about itself)")
    t.add_argument("--offset", type=float, default=10.0, help="start this many degrees off on both angles")
    t.add_argument("--out", type=Path, default=Path("torus.png"), help="picture to write")
    e = sub.add_parser("evaluate", help="ATE and RPE of an estimated TUM trajectory against ground truth")
    e.add_argument("gt", type=Path, help="ground truth (TUM trajectory file, or a sequence folder)")
    e.add_argument("est", type=Path, help="estimate (timestamp tx ty tz qx qy qz qw lines)")
    e.add_argument("--plot", type=Path, help="write a PNG (top view, error over time; needs .[plot])")
    e.add_argument("--align", default="rigid", choices=("rigid", "similarity", "none"))
    e.add_argument("--max-dt", type=float, default=0.02, help="timestamp association threshold, seconds")
    e.add_argument("--interpolate", action="store_true", help="interpolate the ground truth at the estimate's times")
    e.add_argument("--delta", metavar="N", help="RPE over N frames or seconds (default: 1 frame and 1 s)")
    e.add_argument("--delta-unit", metavar="f|s", help="f: frames (default), s: seconds (the pose nearest t + N)")
    e.add_argument(
        "--rpe-convention", metavar="evo|tum", default="evo", help="RPE error inv(Qi^-1 Qj) Pi^-1 Pj (evo) or TUM's"
    )
    e.add_argument("--json", action="store_true", help="print one JSON object (metres, degrees) instead of the table")
    o = sub.add_parser("odometry", help="visual odometry of TUM sequence folders (several: on Dask)")
    o.add_argument("folders", type=Path, nargs="+", help="TUM RGB-D sequence folders")
    o.add_argument("--out", type=Path, help="trajectory file (a folder for several sequences)")
    o.add_argument("--plot", type=Path, help="PNG against the ground truth (a folder for several; needs .[plot])")
    o.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster for several sequences)")
    o.add_argument("--chunk-size", type=int, help="cut sequences into chunks of this many frames (Dask tasks)")
    o.add_argument("--intrinsics", type=intrinsics, help="fx,fy,cx,cy (default: the TUM camera the folder name tells)")
    o.add_argument(
        "--photometric-only",
        action="store_true",
        help="align on intensities alone (default: each frame's depth too, DVO-SLAM's depth residual)",
    )
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point: parse ``argv`` and run the command's module; its exit status.

    Bad input (a missing or unreadable file, a value the solver rejects, CUDA that cannot run) ends
    in one line on stderr naming it and exit status 2; ``--debug`` shows the traceback instead.
    """
    args = build_parser().parse_args(argv)
    try:
        return import_module(f"solver.cli.{args.command}").run(args)
    except (OSError, ValueError, ImportError) as error:  # ImportError: CudaUnavailableError, a missing extra
        if args.debug:
            raise
        print(f"python -m solver {args.command}: error: {_one_line(error)}", file=sys.stderr)
        return 2


def _one_line(error: BaseException) -> str:
    """The error's message on one line (an ``OSError`` with its file name: ``[Errno 2] No such file ...: 'x'``)."""
    text = str(error) or type(error).__name__
    return " ".join(text.split())
