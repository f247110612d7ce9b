"""Access to the shared TUM RGB-D pairs (../shared/data beside the repository)."""

import csv
from pathlib import Path

from solver.sequences.io import read_depth, read_image
from solver.sequences.tum import pose_from_tum

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
INTRINSICS = (517.3, 516.5, 318.6, 255.3)


def datasets() -> list[Path]:
    return sorted(p.parent for p in DATA.glob("*/pairs.csv")) if DATA.exists() else []


def pairs(folder: Path):
    """Yield (ref_rgb, ref_depth, tgt_rgb, T_true, gap) for every row of pairs.csv."""
    with open(folder / "pairs.csv") as f:
        for row in csv.DictReader(f):
            T = pose_from_tum([float(row[k]) for k in ("tx", "ty", "tz", "qx", "qy", "qz", "qw")])
            yield (
                read_image(folder / row["ref_rgb"]),
                read_depth(folder / row["ref_depth"]),
                read_image(folder / row["tgt_rgb"]),
                T,
                int(row["gap"]),
            )


def rgbd_pairs(folder: Path):
    """Yield (ref_rgb, ref_depth, tgt_rgb, tgt_depth, T_true, gap) for every row of pairs.csv."""
    with open(folder / "pairs.csv") as f:
        for row in csv.DictReader(f):
            T = pose_from_tum([float(row[k]) for k in ("tx", "ty", "tz", "qx", "qy", "qz", "qw")])
            images = [read_image(folder / row[k]) for k in ("ref_rgb", "tgt_rgb")]
            depths = [read_depth(folder / row[k]) for k in ("ref_depth", "tgt_depth")]
            yield images[0], depths[0], images[1], depths[1], T, int(row["gap"])
