"""Access to the shared TUM RGB-D pairs (../shared/data beside the repository)."""

import csv
from pathlib import Path

import numpy as np

from solver.core import lie
from solver.sequences.io import read_depth, read_image

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
INTRINSICS = (517.3, 516.5, 318.6, 255.3)


def datasets() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/pairs.csv")) if DATA.exists() else []


def pairs(folder: Path):
    """Yield (ref_rgb, ref_depth, tgt_rgb, T_true, gap) for every row of pairs.csv."""
    with open(folder / "pairs.csv") as f:
        for row in csv.DictReader(f):
            T = np.eye(4)
            T[:3, :3] = lie.matrix_from_quaternion([float(row[k]) for k in ("qx", "qy", "qz", "qw")])
            T[:3, 3] = [float(row[k]) for k in ("tx", "ty", "tz")]
            yield (
                read_image(folder / row["ref_rgb"]),
                read_depth(folder / row["ref_depth"]),
                read_image(folder / row["tgt_rgb"]),
                T,
                int(row["gap"]),
            )
