"""``python -m solver odometry DIR [DIR ...]``: trajectories of TUM sequences, evaluated when ground truth exists."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tqdm import tqdm

from solver.cli.report import association, error_table
from solver.sequences.metrics import Evaluation, evaluate
from solver.sequences.tum import Sequence, read_sequence, write_trajectory
from solver.sequences.visual_odometry import OdometryResult, odometry


@contextmanager
def progress_bar(total: int, unit: str) -> Iterator[Callable[..., None]]:
    """A tqdm bar on stderr, shown only when stderr is a terminal, as a ``progress(done, total=None)`` callable.

    Each call counts one step (:func:`solver.odometry` calls it once per frame, with chunk-local
    indices; :func:`solver.distributed.odometry_many` once per finished task); a ``total`` given
    in the call replaces the bar's.
    """
    with tqdm(total=total, unit=unit, disable=None, file=sys.stderr) as bar:

        def progress(done: int, total: int | None = None) -> None:
            if total is not None:
                bar.total = total
            bar.update(1)

        yield progress


def _evaluation(seq: Sequence, res: OdometryResult) -> Evaluation | str | None:
    """What ``python -m solver evaluate`` prints for the trajectory written (its defaults), or why not; None: no GT."""
    if seq.groundtruth is None:
        return None
    try:
        return evaluate(seq.groundtruth, (res.timestamps, res.poses))
    except ValueError as error:
        return str(error)


def _summary(name: str, res: OdometryResult, seconds: float | None, ev: Evaluation | str | None) -> str:
    """Frames, keyframes, failures and time, then the error table against the ground truth if there is one."""
    lines = [
        f"{name}: {len(res)} frames, {len(res.keyframes)} keyframes, {len(res.failures)} failed"
        + (f" (frames {res.failures})" if res.failures else "")
        + ("" if seconds is None else f", {seconds:.1f} s")
    ]
    lines += [f"  frame {k} skipped, bridged like a failed alignment: {why}" for k, why in res.unreadable.items()]
    if isinstance(ev, str):
        lines.append(f"no evaluation against the ground truth: {ev}")
    elif ev is not None:
        lines += [association(ev), error_table(ev)]
    return "\n".join(lines)


def _outputs(path: Path | None, folders: list[Path], suffix: str) -> list[Path | None]:
    """One output file per sequence: ``path`` itself for one sequence, ``path/<name><suffix>`` for several."""
    if path is None:
        return [None] * len(folders)
    if len(folders) == 1:
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    return [path / f"{f.resolve().name}{suffix}" for f in folders]


def _estimate(args: argparse.Namespace, sequences: list[Sequence]) -> tuple[list[OdometryResult], list[float | None]]:
    """The trajectories (on Dask for several sequences or a scheduler address) and the serial run's seconds."""
    start = time.perf_counter()
    if len(sequences) > 1 or args.scheduler is not None:
        from solver.distributed import odometry_many

        with progress_bar(len(sequences), "task") as progress:
            results = odometry_many(
                args.folders,
                intrinsics=args.intrinsics,
                scheduler=args.scheduler,
                chunk_size=args.chunk_size,
                photometric_only=args.photometric_only,
                progress=progress,
            )
        print(f"{len(sequences)} sequences on Dask in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        return results, [None] * len(sequences)
    seq = sequences[0]
    with progress_bar(len(seq) - 1, "frame") as progress:
        result = odometry(
            seq, seq.intrinsics, chunk_size=args.chunk_size, photometric_only=args.photometric_only, progress=progress
        )
    return [result], [time.perf_counter() - start]


def _plot(png: Path, seq: Sequence, ev: Evaluation) -> None:
    """The trajectory against the ground truth (said on stderr when matplotlib is missing)."""
    try:
        from solver.sequences.plot import plot_evaluation
    except ImportError:
        print('plots need matplotlib: pip install -e ".[plot]"', file=sys.stderr)
        return
    plot_evaluation(png, seq.groundtruth, ev.ate)
    print(f"wrote {png}")


def run(args: argparse.Namespace) -> int:
    """Run the odometry of ``args.folders``, write ``args.out`` and ``args.plot``, print the evaluation.

    Each frame's depth is used beside its intensities unless ``args.photometric_only``.

    The evaluation is :func:`solver.sequences.metrics.evaluate` with its defaults, what ``python -m
    solver evaluate FOLDER OUT`` prints for the file written.

    Exit status 2 when a sequence's camera is unknown (no ``--intrinsics``), 1 when a frame failed, else 0.
    """
    sequences = [read_sequence(f, intrinsics=args.intrinsics) for f in args.folders]
    for seq in sequences:
        print(seq.describe(), file=sys.stderr)
        if seq.intrinsics is None:
            print(f"{seq.folder}: unknown camera (no freiburgN in its name): give --intrinsics", file=sys.stderr)
            return 2
    results, seconds = _estimate(args, sequences)
    outs, plots = _outputs(args.out, args.folders, ".txt"), _outputs(args.plot, args.folders, ".png")
    for folder, seq, res, sec, path, png in zip(args.folders, sequences, results, seconds, outs, plots, strict=True):
        ev = _evaluation(seq, res)
        print(_summary(folder.resolve().name, res, sec, ev))
        if path is not None:
            write_trajectory(path, res.timestamps, res.poses)
            print(f"wrote {path}")
        if png is not None and isinstance(ev, Evaluation):
            _plot(png, seq, ev)
    return 1 if any(res.failures for res in results) else 0
