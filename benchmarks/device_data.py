"""Copy a few TUM pairs into a folder that can travel to a lent GPU machine (the ``../shared`` data does not).

``python -m benchmarks.device_data [--src DIR] [--dest DIR] [--pairs N]``: for every ``<src>/*/pairs.csv``
(default ``../shared/data``), ``N`` pairs spread over the file (default 4) with their four images go to
``<dest>/<dataset>/`` (default ``.device_data`` in the repository root, about 7 MB), with a ``pairs.csv``
of those rows. Ignore the folder (``echo /.device_data/ >> .git/info/exclude``) and name it in the
device tool's ``carry``; ``benchmarks/device_oneshot.sh`` reads it when present.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
from pathlib import Path

from .harness import DEFAULT_DATA, REPO_ROOT

IMAGES = ("ref_rgb", "ref_depth", "tgt_rgb", "tgt_depth")


def copy_pairs(src: Path, dest: Path, n: int) -> list[str]:
    """Copy ``n`` pairs of every dataset under ``src`` into ``dest``; returns one line per dataset."""
    lines = []
    for csv_path in sorted(Path(src).glob("*/pairs.csv")):
        with open(csv_path, newline="") as fh:
            reader = csv.DictReader(fh)
            fields, rows = reader.fieldnames or [], list(reader)
        picked = [rows[round(i * (len(rows) - 1) / max(n - 1, 1))] for i in range(min(n, len(rows)))]
        out = dest / csv_path.parent.name
        for row in picked:
            for key in IMAGES:
                target = out / row[key]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(csv_path.parent / row[key], target)
        with open(out / "pairs.csv", "w", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields)
            writer.writeheader()
            writer.writerows(picked)
        size = sum(f.stat().st_size for f in out.rglob("*") if f.is_file())
        lines.append(f"{csv_path.parent.name}: {len(picked)} of {len(rows)} pairs, {size / 1e6:.1f} MB -> {out}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Entry point."""
    ap = argparse.ArgumentParser(prog="python -m benchmarks.device_data", description=__doc__.split("\n\n")[0])
    ap.add_argument("--src", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--dest", type=Path, default=REPO_ROOT / ".device_data")
    ap.add_argument("--pairs", type=int, default=4)
    args = ap.parse_args(argv)
    lines = copy_pairs(args.src, args.dest, args.pairs)
    print("\n".join(lines) if lines else f"no */pairs.csv under {args.src}: nothing copied")
    return 0 if lines else 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
