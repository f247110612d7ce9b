"""Let Numba's CUDA simulator wait for its threads without holding the GIL (test harness only).

The simulator runs a block's CUDA threads as Python threads and its ``BlockManager.run`` polls them
in a loop that never blocks: it holds the GIL for whole switch intervals while the threads it waits
for are runnable, and the cProfile of ``cuda_sim_check.py pipeline`` spent 52 of its 116 s in that
loop's ``Thread.is_alive``. :func:`install` replaces ``run`` with the same loop (the same thread
creation, ``syncthreads`` release and exception handling, line for line) plus one ``time.sleep`` per
poll, which releases the GIL. It installs only over the upstream ``run`` it was copied from
(checked by a hash of its source): another numba-cuda version keeps its own scheduler and the checks
are only slower.
"""

from __future__ import annotations

import hashlib
import inspect
import sys
import time

import numpy as np
from numba.cuda.simulator import kernel as simulator_kernel

UPSTREAM_RUN_SHA256 = "54626c6819f55d514a598517b1467ed1cc2e7c3bf1f3b9814e13ef2a4ba3541f"
"""SHA-256 of ``inspect.getsource(BlockManager.run)`` in numba-cuda 0.30.4, the version copied below."""

POLL_SLEEP_S = 2e-5
"""Seconds each poll sleeps (releasing the GIL); 2e-5 and 0 gave the same check times."""


def _run(self, grid_point, *args):
    """``BlockManager.run`` of numba-cuda 0.30.4 with a GIL-releasing sleep per poll."""
    threads = set()
    livethreads = set()
    blockedthreads = set()
    for block_point in np.ndindex(*self._block_dim):

        def target():
            self._f(*args)

        t = simulator_kernel.BlockThread(target, self, grid_point, block_point, self._debug)
        t.start()
        threads.add(t)
        livethreads.add(t)
    while livethreads:
        for t in livethreads:
            if t.syncthreads_blocked:
                blockedthreads.add(t)
            elif t.exception:
                for t_other in threads:
                    t_other.abort = True
                    t_other.syncthreads_blocked = False
                    t_other.syncthreads_event.set()
                raise t.exception[0].with_traceback(t.exception[1])
        if livethreads == blockedthreads:
            for t in blockedthreads:
                t.syncthreads_blocked = False
                t.syncthreads_event.set()
            blockedthreads = set()
        livethreads = {t for t in livethreads if t.is_alive()}
        time.sleep(POLL_SLEEP_S)
    for t in threads:
        if t.exception:
            raise t.exception[0].with_traceback(t.exception[1])


def upstream_hash() -> str:
    """SHA-256 of the installed simulator's ``BlockManager.run`` source."""
    return hashlib.sha256(inspect.getsource(simulator_kernel.BlockManager.run).encode()).hexdigest()


def install() -> bool:
    """Replace the simulator's block scheduler by :func:`_run`; False (and a note on stderr) if the
    installed numba-cuda's differs from the one it was copied from."""
    if simulator_kernel.BlockManager.run is _run:
        return True
    if upstream_hash() != UPSTREAM_RUN_SHA256:
        print("fast_simulator: numba-cuda's BlockManager.run changed; keeping its own", file=sys.stderr)
        return False
    simulator_kernel.BlockManager.run = _run
    return True
