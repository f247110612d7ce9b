"""``python -m solver align REF_RGB REF_DEPTH TGT_RGB``: align two frames from disk, print the TUM pose line."""

from __future__ import annotations

import argparse
import sys

from solver.cli.report import summary
from solver.photometric.align import align
from solver.sequences.io import read_depth, read_image
from solver.sequences.tum import tum_line


def run(args: argparse.Namespace) -> int:
    """Align two frames from disk; print the pose line ``tx ty tz qx qy qz qw`` (6 decimals) and a summary."""
    ref, tgt = read_image(args.ref_rgb), read_image(args.tgt_rgb)
    depth = read_depth(args.ref_depth, args.depth_scale)
    result = align(ref, depth, tgt, args.intrinsics, model=args.model, brightness=args.brightness)
    print(tum_line(result.pose, decimals=6))
    print(summary(result), file=sys.stderr)
    return 0 if result.success else 1
