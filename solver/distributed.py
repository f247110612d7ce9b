"""Many sequences (and chunks of long ones) as Dask distributed tasks.

Each task runs :func:`solver.sequences.visual_odometry.odometry_chunk` on one chunk of one sequence, reading its
frames on the worker; the client stitches the chunks of each sequence with
:func:`solver.sequences.visual_odometry.stitch`. The serial :func:`solver.odometry` with the same ``chunk_size``
runs the same chunks through the same function, so both give the same bits (the kernels' results
depend neither on the thread count nor on where they were compiled, README: Same bits).

Dask is an optional extra (``pip install -e ".[distributed]"``): this module imports it only when
called. Without a scheduler address a :class:`distributed.LocalCluster` is started for the call.

A worker lost under a task (killed, out of memory, its machine gone) costs no result: the
scheduler gives its tasks to the other workers (a ``LocalCluster``'s nanny also starts a new
worker) and the returned trajectories are complete and bit-equal to the serial run, since a task
is a pure function of its chunk (tests/test_distributed_faults.py kills a worker under a task). A
task is given up (``KilledWorker``) once more than ``distributed.scheduler.allowed-failures``
workers died under it (Dask's default 3; set it in the Dask config of the scheduler). ``submit(retries=...)``
is not used: it repeats tasks that raise, and a chunk that raises would raise again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from solver.sequences.visual_odometry import (
    FrameRange,
    KeyframePolicy,
    OdometryResult,
    check_align_options,
    chunk_bounds,
    odometry_chunk,
    stitch,
)


def _client(scheduler: str | None, n_workers: int):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise ImportError('odometry_many needs Dask distributed: pip install -e ".[distributed]"') from exc
    if scheduler is not None:
        return Client(scheduler), None
    cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None)
    return Client(cluster), cluster


def _run_chunk(
    folder: str, first: int, last: int, intrinsics, policy: KeyframePolicy, photometric_only: bool, options: dict
):
    """One task: the odometry of frames ``first .. last`` of the sequence in ``folder``."""
    from solver.sequences.tum import read_sequence

    frames = read_sequence(folder)
    K = intrinsics if intrinsics is not None else frames.intrinsics
    return odometry_chunk(
        FrameRange(frames, first, last), K, keyframe_policy=policy, photometric_only=photometric_only, **options
    )


def odometry_many(
    folders: Sequence[str | Path],
    *,
    intrinsics=None,
    scheduler: str | None = None,
    n_workers: int = 2,
    chunk_size: int | None = None,
    keyframe_policy: KeyframePolicy = KeyframePolicy(),
    photometric_only: bool = False,
    progress: Callable[[int, int], None] | None = None,
    **align_options,
) -> list[OdometryResult]:
    """Odometry of every TUM sequence folder in ``folders``, as Dask tasks.

    Parameters
    ----------
    folders : sequence of path
        TUM RGB-D sequence folders (:func:`solver.sequences.tum.read_sequence`), readable by every worker.
    intrinsics : (fx, fy, cx, cy), optional
        For every sequence; by default each sequence's own (from its camera, see ``solver.sequences.tum``).
    scheduler : str, optional
        Address of a running Dask scheduler (``tcp://host:8786``); by default a ``LocalCluster``
        of ``n_workers`` single-threaded worker processes is started and closed.
    chunk_size : int, optional
        Cut each sequence into chunks of this many frames (sharing their boundary frames), one
        task each; see :func:`solver.odometry`.
    keyframe_policy, photometric_only, **align_options
        As for :func:`solver.odometry` (by default each frame's depth is used too).
    progress : callable, optional
        ``progress(done, total)`` as tasks finish.

    Returns
    -------
    list of OdometryResult
        In the order of ``folders``; equal to ``solver.odometry(read_sequence(f), ..., chunk_size=...)``.
    """
    from distributed import as_completed

    from solver.sequences.tum import read_sequence

    check_align_options(align_options, photometric_only)  # on the client, before any task
    sequences = [read_sequence(f) for f in folders]
    client, cluster = _client(scheduler, n_workers)
    try:
        plan, futures = [], []
        for folder, seq in zip(folders, sequences, strict=True):
            bounds = chunk_bounds(len(seq), chunk_size)
            plan.append(bounds)
            for first, last in bounds:
                futures.append(
                    client.submit(
                        _run_chunk,
                        str(folder),
                        first,
                        last,
                        intrinsics,
                        keyframe_policy,
                        photometric_only,
                        align_options,
                        pure=False,
                    )
                )
        if progress is not None:
            for done, _ in enumerate(as_completed(futures), start=1):
                progress(done, len(futures))
        chunks = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    results, k = [], 0
    for seq, bounds in zip(sequences, plan, strict=True):
        results.append(stitch(seq.timestamps, chunks[k : k + len(bounds)], bounds))
        k += len(bounds)
    return results
