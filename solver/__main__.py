"""Command line: ``python -m solver demo | align REF TGT ... | torus | evaluate GT EST | odometry DIR ...``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from jacgen import DEFAULT_MODEL, models

from . import lie
from .align import align


def _summary(result) -> str:
    lines = [f"status: {result.status.name} ({result.message})", f"success: {result.success}"]
    lines.append(f"cost per point: {result.cost:.4g}   valid points: {result.n_valid}")
    for lvl in result.levels:
        lines.append(
            f"  level {lvl.level} {lvl.shape[1]}x{lvl.shape[0]}: {lvl.n_points} points, {lvl.iterations} iterations,"
            f" {lvl.status.name}, {lvl.wall_time * 1e3:.1f} ms"
        )
    lines.append(f"total: {result.nit} iterations, {result.wall_time * 1e3:.1f} ms")
    return "\n".join(lines)


def _tum_line(T: np.ndarray) -> str:
    q = lie.quaternion_from_matrix(T[:3, :3])
    return " ".join(f"{v:.6f}" for v in (*T[:3, 3], *q))


def demo(args) -> int:
    """Render a synthetic scene with known motion, align it, print estimate vs truth."""
    from .synthetic import make_scene

    motion = (0.03, -0.02, 0.04, 2.0, -3.0, 1.5)
    scene = make_scene(motion, noise=args.noise)
    print(f"synthetic room, 640x480, true motion: t = {motion[:3]} m, rotation vector = {motion[3:]} deg")
    result = align(scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics, model=args.model)
    first = result.wall_time
    result = align(scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics, model=args.model)
    t_err, r_err = lie.pose_error(result.pose, scene.pose)
    np.set_printoptions(precision=6, suppress=True)
    print(f"true T_tgt_from_ref (tx ty tz qx qy qz qw):      {_tum_line(scene.pose)}")
    print(f"estimated T_tgt_from_ref (tx ty tz qx qy qz qw): {_tum_line(result.pose)}")
    print(f"error: {t_err * 1e3:.4f} mm, {r_err:.5f} deg")
    print(_summary(result))
    print(f"(first call, including kernel compilation or cache load: {first:.2f} s)")
    return 0 if result.success and t_err < 1e-3 and r_err < 0.05 else 1


def align_files(args) -> int:
    """Align two frames from disk and print the TUM pose line and a summary."""
    from .io import read_depth, read_image

    try:
        K = [float(v) for v in args.intrinsics.split(",")]
    except ValueError:
        print(f"--intrinsics must be fx,fy,cx,cy, got {args.intrinsics!r}", file=sys.stderr)
        return 2
    ref, tgt = read_image(args.ref_rgb), read_image(args.tgt_rgb)
    depth = read_depth(args.ref_depth, args.depth_scale)
    result = align(ref, depth, tgt, K, model=args.model, brightness=args.brightness)
    print(_tum_line(result.pose))
    print(_summary(result), file=sys.stderr)
    return 0 if result.success else 1


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    parser = argparse.ArgumentParser(prog="python -m solver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="align a synthetic scene with exact ground truth (no download)")
    d.add_argument("--model", default=DEFAULT_MODEL, choices=models())
    d.add_argument("--noise", type=float, default=0.0, help="intensity noise sigma (images in [0, 1])")
    a = sub.add_parser("align", help="align REF (rgb + depth) to TGT rgb; prints tx ty tz qx qy qz qw")
    a.add_argument("ref_rgb")
    a.add_argument("ref_depth")
    a.add_argument("tgt_rgb")
    a.add_argument("--intrinsics", required=True, help="fx,fy,cx,cy")
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
    o = sub.add_parser("odometry", help="visual odometry of TUM sequence folders (several: on Dask)")
    o.add_argument("folders", type=Path, nargs="+", help="TUM RGB-D sequence folders")
    o.add_argument("--out", type=Path, help="trajectory file (a folder for several sequences)")
    o.add_argument("--plot", type=Path, help="PNG against the ground truth (a folder for several; needs .[plot])")
    o.add_argument("--scheduler", help="Dask scheduler address (default: a LocalCluster for several sequences)")
    o.add_argument("--chunk-size", type=int, help="cut sequences into chunks of this many frames (Dask tasks)")
    o.add_argument("--intrinsics", help="fx,fy,cx,cy (default: the TUM camera the folder name tells)")
    args = parser.parse_args(argv)
    if args.command == "odometry":
        from .odometry_cli import run as run_odometry

        K = None if args.intrinsics is None else tuple(float(v) for v in args.intrinsics.split(","))
        return run_odometry(args.folders, args.out, args.plot, args.scheduler, args.chunk_size, K)
    if args.command == "evaluate":
        from .evaluate import evaluate_files

        return evaluate_files(
            args.gt, args.est, plot=args.plot, align=args.align, max_dt=args.max_dt, interpolate=args.interpolate
        )
    if args.command == "torus":
        from .torus_demo import run

        return run(args.rx, args.rz, args.axis, args.offset, args.out)
    return demo(args) if args.command == "demo" else align_files(args)


if __name__ == "__main__":
    sys.exit(main())
