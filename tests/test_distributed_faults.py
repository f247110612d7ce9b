"""``solver.distributed.odometry_many`` keeps its promise when a worker dies under a task.

A 2-worker ``LocalCluster`` (worker processes under nannies) runs the chunks of two synthetic
sequences. The first chunk task to start, on either worker, claims a marker file (atomically,
across processes) and holds its worker there; the test kills that worker process with SIGKILL
while it is known to be executing the task, then checks that Dask rescheduled the lost task, the
nanny started a new worker, and the result is complete and bit-equal to the serial run.

The hold is a wrapper around ``solver.distributed._run_chunk`` installed in each worker process
before the run (the function travels to the workers by reference, so the workers' tasks call the
wrapper); it calls the real function for every task but the claimed one, and the restarted
worker, a fresh process, runs the real function. Every wait has a deadline, so a failure to kill,
retry or restart fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest

from solver import odometry
from solver.sequences.tum import read_sequence
from solver.synthetic import make_sequence, write_tum_sequence

distributed = pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install -e '.[test]')")

HOLD_S = 60.0  # the claimed task's hold: it raises if its worker was not killed by then
DEADLINE_S = 120.0  # for each wait of the test (claim, run, worker restart)


def _install_hold(claim: str) -> int:
    """Run on a worker: wrap ``_run_chunk`` so that the first task of the cluster holds its worker.

    The first call anywhere links a file with this process's id to ``claim`` (``os.link`` fails
    where ``claim`` exists, so exactly one task wins) and sleeps; every other call runs the chunk.
    """
    import solver.distributed as module

    run_chunk = module._run_chunk

    def held(*args, **kwargs):
        mine = f"{claim}.{os.getpid()}"
        with open(mine, "w") as f:
            f.write(str(os.getpid()))
        try:
            os.link(mine, claim)
        except FileExistsError:
            return run_chunk(*args, **kwargs)
        time.sleep(HOLD_S)
        raise RuntimeError("the worker holding this task was not killed")

    module._run_chunk = held
    return os.getpid()


def _executing(dask_worker) -> list[str]:
    """Run on a worker: the keys of the tasks it is executing now."""
    return [str(ts.key) for ts in dask_worker.state.executing]


class TaskLog(distributed.diagnostics.plugin.SchedulerPlugin):
    """Records, per task key, each worker it went to processing on and the worker that finished it."""

    def __init__(self, scheduler):
        self.scheduler = scheduler
        self.processing: dict[str, list[str]] = {}
        self.finished: dict[str, str] = {}

    def transition(self, key, start, finish, *args, **kwargs) -> None:
        if finish == "processing":
            ts = self.scheduler.tasks[key]
            self.processing.setdefault(str(key), []).append(ts.processing_on.address)
        elif start == "processing" and finish == "memory":
            self.finished[str(key)] = kwargs.get("worker")


def _wait_for(predicate, what: str, deadline_s: float = DEADLINE_S):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise TimeoutError(f"no {what} within {deadline_s:.0f} s")


def _in_background(fn, *args, **kwargs):
    """Start ``fn(*args, **kwargs)`` on a daemon thread (a hung run cannot hold the test process);
    returns ``result(timeout)``, which re-raises ``fn``'s exception."""
    outcome: dict[str, object] = {}

    def target():
        try:
            outcome["value"] = fn(*args, **kwargs)
        except BaseException as error:  # noqa: BLE001 (re-raised by result)
            outcome["error"] = error

    thread = threading.Thread(target=target, daemon=True)
    thread.start()

    def result(timeout: float):
        thread.join(timeout)
        if thread.is_alive():
            raise TimeoutError(f"{fn.__name__} did not finish within {timeout:.0f} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["value"]

    return result


def _sequences(tmp_path):
    folders = []
    for seed in (0, 1):
        folder = tmp_path / f"seq{seed}"
        write_tum_sequence(make_sequence(9, shape=(120, 160), seed=seed), folder)
        folders.append(folder)
    return folders, make_sequence(1, shape=(120, 160)).intrinsics


def _kill_the_holder(client, claim, pids: dict[str, int]) -> tuple[str, str]:
    """Wait for the claimed task, check its worker is executing it, SIGKILL that worker process."""
    pid = int(_wait_for(lambda: claim.exists() and claim.read_text(), "task claiming the hold"))
    (address,) = [a for a, p in pids.items() if p == pid]
    (key,) = client.run(_executing, workers=[address])[address]
    os.kill(pid, signal.SIGKILL)
    return address, key


def test_killed_worker_task_is_retried_and_result_equals_serial(tmp_path):
    from distributed import Client, LocalCluster

    from solver.distributed import odometry_many

    folders, K = _sequences(tmp_path)
    claim = tmp_path / "claim"
    started = time.monotonic()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        log = TaskLog(cluster.scheduler)
        cluster.scheduler.add_plugin(log)
        pids = client.run(_install_hold, str(claim))
        result = _in_background(odometry_many, folders, intrinsics=K, scheduler=cluster.scheduler_address, chunk_size=3)
        killed, key = _kill_the_holder(client, claim, pids)
        results = result(DEADLINE_S)
        workers = _wait_for(
            lambda: len(client.scheduler_info()["workers"]) == 2 and set(client.scheduler_info()["workers"]),
            "restarted worker",
        )
        print(f"\nkilled {killed} under {key}; run and restart {time.monotonic() - started:.1f} s")
    assert killed not in workers and len(set(pids) - workers) == 1  # the nanny started a new worker
    assert log.processing[key][0] == killed and len(log.processing[key]) == 2  # rescheduled once
    assert log.finished[key] != killed
    assert len(log.finished) == 8 and all(log.finished.values())  # 2 sequences x 4 chunks, all done
    for folder, res in zip(folders, results, strict=True):
        serial = odometry(read_sequence(folder), K, chunk_size=3)
        assert len(res) == len(serial) == 9
        np.testing.assert_array_equal(res.timestamps, serial.timestamps)
        np.testing.assert_array_equal(res.poses, serial.poses)
        assert res.keyframes == serial.keyframes and res.failures == serial.failures
        assert res.unreadable == serial.unreadable
        for a, b in zip(res.results, serial.results, strict=True):
            assert (a is None) == (b is None)
            if a is not None:
                np.testing.assert_array_equal(a.pose, b.pose)
                np.testing.assert_array_equal(a.params, b.params)
                assert a.status == b.status and a.nit == b.nit and a.cost == b.cost
