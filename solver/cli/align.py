"""``python -m solver align REF_RGB REF_DEPTH TGT_RGB``: align two frames from disk, print the TUM pose line."""

from __future__ import annotations

import sys

from solver.cli.report import summary, tum_line
from solver.photometric.align import align
from solver.sequences.io import read_depth, read_image


def run(args) -> int:
    """Align two frames from disk and print the TUM pose line and a summary."""
    try:
        K = [float(v) for v in args.intrinsics.split(",")]
    except ValueError:
        print(f"--intrinsics must be fx,fy,cx,cy, got {args.intrinsics!r}", file=sys.stderr)
        return 2
    ref, tgt = read_image(args.ref_rgb), read_image(args.tgt_rgb)
    depth = read_depth(args.ref_depth, args.depth_scale)
    result = align(ref, depth, tgt, K, model=args.model, brightness=args.brightness)
    print(tum_line(result.pose))
    print(summary(result), file=sys.stderr)
    return 0 if result.success else 1
