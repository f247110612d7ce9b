"""``python -m solver odometry DIR [DIR ...]``: trajectories of TUM sequences, evaluated when ground truth exists."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from solver.sequences.metrics import ate, report, rpe
from solver.sequences.tum import read_sequence, write_trajectory
from solver.sequences.visual_odometry import OdometryResult, odometry


class ProgressBar:
    """``[#####.....] done/total label`` on one terminal line (only when stderr is a terminal)."""

    def __init__(self, total: int, label: str, stream=sys.stderr, width: int = 30):
        self.total, self.label, self.stream, self.width = total, label, stream, width
        self.active = total > 1 and stream.isatty()
        self.start = time.perf_counter()

    def __call__(self, done: int, total: int | None = None) -> None:
        """Show ``done`` of ``total`` (default: the total given at construction)."""
        if not self.active:
            return
        total = total or self.total
        filled = self.width * done // max(total, 1)
        rate = done / max(time.perf_counter() - self.start, 1e-9)
        self.stream.write(f"\r[{'#' * filled}{'.' * (self.width - filled)}] {done}/{total} {self.label} {rate:.1f}/s")
        self.stream.flush()
        if done >= total:
            self.stream.write("\n")


def _summary(name: str, seq, res: OdometryResult, seconds: float | None) -> str:
    lines = [
        f"{name}: {len(res)} frames, {len(res.keyframes)} keyframes, {len(res.failures)} failed"
        + (f" (frames {res.failures})" if res.failures else "")
        + ("" if seconds is None else f", {seconds:.1f} s")
    ]
    if seq.groundtruth is not None:
        est = (res.timestamps, res.poses)
        per_second = rpe(seq.groundtruth, est, delta=1.0, unit="seconds", interpolate=True) if len(res) > 30 else None
        rows = {"1 frame": rpe(seq.groundtruth, est, delta=1, interpolate=True)}
        rows["1 s"] = per_second if per_second is not None else "sequence shorter than 1 s"
        lines.append(report(ate(seq.groundtruth, est, interpolate=True), rows))
    return "\n".join(lines)


def _outputs(path: Path | None, folders: list[Path], suffix: str) -> list[Path | None]:
    """One output file per sequence: ``path`` itself for one sequence, ``path/<name><suffix>`` for several."""
    if path is None:
        return [None] * len(folders)
    if len(folders) == 1:
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    return [path / f"{f.resolve().name}{suffix}" for f in folders]


def run(
    folders: list[Path],
    out: Path | None,
    plot: Path | None,
    scheduler: str | None,
    chunk_size: int | None,
    intrinsics: tuple[float, float, float, float] | None = None,
) -> int:
    """Run the odometry (Dask for several sequences or a scheduler address), write, print, evaluate."""
    sequences = [read_sequence(f, intrinsics=intrinsics) for f in folders]
    for seq in sequences:
        print(seq.describe(), file=sys.stderr)
        if seq.intrinsics is None:
            print(f"{seq.folder}: unknown camera (no freiburgN in its name): give --intrinsics", file=sys.stderr)
            return 2
    start = time.perf_counter()
    if len(folders) > 1 or scheduler is not None:
        from solver.distributed import odometry_many

        bar = ProgressBar(len(folders), "tasks")
        results = odometry_many(
            folders, intrinsics=intrinsics, scheduler=scheduler, chunk_size=chunk_size, progress=bar
        )
        print(f"{len(folders)} sequences on Dask in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        seconds = [None] * len(folders)
    else:
        bar = ProgressBar(len(sequences[0]) - 1, "frames")
        results = [odometry(sequences[0], sequences[0].intrinsics, chunk_size=chunk_size, progress=bar)]
        seconds = [time.perf_counter() - start]
    status = 0
    outs, plots = _outputs(out, folders, ".txt"), _outputs(plot, folders, ".png")
    for folder, seq, res, sec, path, png in zip(folders, sequences, results, seconds, outs, plots, strict=True):
        print(_summary(folder.resolve().name, seq, res, sec))
        if path is not None:
            write_trajectory(path, res.timestamps, res.poses)
            print(f"wrote {path}")
        if png is not None and seq.groundtruth is not None:
            try:
                from solver.sequences.plot import plot_evaluation
            except ImportError:
                print('plots need matplotlib: pip install -e ".[plot]"', file=sys.stderr)
            else:
                aligned = ate(seq.groundtruth, (res.timestamps, res.poses), interpolate=True)
                plot_evaluation(png, seq.groundtruth, aligned)
                print(f"wrote {png}")
        status = max(status, 1 if res.failures else 0)
    return status
