"""Run the CUDA-simulator checks in the background while the rest of the suite runs.

Each check is a separate process (``NUMBA_ENABLE_CUDASIM=1`` must be set before Numba loads) that
spends its time in the simulator's Python threads and in Numba compiles: single-threaded work
that would otherwise keep one of the machine's cores idle. When any simulator test is selected,
the checks start right after collection, one at a time, on a background thread; the simulator
tests are moved to the end of the run and wait for their check's output.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SIMULATOR_MODULE = "test_cuda_simulator.py"


class SimulatorChecks:
    """Runs ``cuda_sim_check.py <mode>`` for each mode, in order, on one background thread."""

    def __init__(self, modes: list[str]):
        self.modes = modes
        self.results: dict[str, subprocess.CompletedProcess] = {}
        self.done = {mode: threading.Event() for mode in modes}
        self.thread = threading.Thread(target=self._run_all, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _run_all(self) -> None:
        for mode in self.modes:
            try:
                self.results[mode] = run_simulated(*([mode] if mode else []))
            except Exception as error:  # noqa: BLE001 (reported by the waiting test)
                self.results[mode] = subprocess.CompletedProcess([mode], 1, "", repr(error))
            self.done[mode].set()

    def result(self, mode: str) -> subprocess.CompletedProcess:
        """The finished check of ``mode`` (waits for it)."""
        if not self.done[mode].wait(timeout=1200):
            raise TimeoutError(f"simulator check {mode!r} did not finish in 20 min")
        return self.results[mode]


def run_simulated(*args: str) -> subprocess.CompletedProcess:
    """``tests/cuda_sim_check.py ARGS`` in a fresh process under the CUDA simulator."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    return subprocess.run(
        [sys.executable, str(HERE / "cuda_sim_check.py"), *args], env=env, capture_output=True, text=True, timeout=1200
    )


_checks: SimulatorChecks | None = None


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(session, config, items) -> None:
    """Move the simulator tests last and start their checks now."""
    global _checks
    simulated = [item for item in items if item.path.name == SIMULATOR_MODULE]
    if not simulated:
        return
    items[:] = [item for item in items if item.path.name != SIMULATOR_MODULE] + simulated
    modes = [mark.args[0] for item in simulated for mark in item.iter_markers("simulator_check")]
    _checks = SimulatorChecks(modes)
    _checks.start()


@pytest.fixture
def simulator_result(request) -> subprocess.CompletedProcess:
    """Output of the background simulator check named by the test's ``simulator_check`` mark."""
    mode = request.node.get_closest_marker("simulator_check").args[0]
    if _checks is None or mode not in _checks.done:
        return run_simulated(*([mode] if mode else []))
    return _checks.result(mode)


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "simulator_check(mode): output of `cuda_sim_check.py mode` (background run)")
