"""Run the checks that need fresh processes in the background while the rest of the suite runs.

The CUDA-simulator checks (``NUMBA_ENABLE_CUDASIM=1`` must be set before Numba loads), the
cold/warm cache reproducibility check (kernels compiled into an empty cache, then loaded from it)
and the benchmark command-line smoke runs (``python -m benchmarks SUITE ...``) are separate
processes that spend their time in Numba compiles and the simulator's Python threads:
single-threaded work that would otherwise keep one of the machine's cores idle. When any of their
tests is selected, the checks start right after collection, one at a time, on a background thread;
those tests are moved to the end of the run and wait for their check's output, running the
checks that have not started yet meanwhile.

Tests marked ``late`` run a fresh process on the shared kernel cache whose result does not depend
on what is cached: they run after the other in-process tests, so that process loads the kernels
those compiled instead of compiling them again (the cold path is the reproducibility check's).
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

# The suite's own processes and the background checks share the machine's cores: an OpenMP worker
# that spin-waits after each parallel region (libgomp's default) takes CPU the other process needs.
# Results do not depend on it (the benchmarks set the same for their contenders).
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
# A cold ``align`` launches a process that compiles its fused kernels while the caller compiles the
# preparation helpers (solver.photometric.background_compile): a gain once per process, which the
# suite's process has after its first align, while each launch costs an interpreter start and the
# other core is busy with the background checks. The checks of that path set the switch themselves.
os.environ.setdefault("JACGEN_COMPILE_AHEAD", "0")

HERE = Path(__file__).resolve().parent
REPRODUCIBILITY = "reproducibility"
BENCHMARKS = "benchmarks "
"""Prefix of a mode ``"benchmarks SUITE OPTIONS"``: ``python -m benchmarks SUITE OPTIONS --out DIR``."""
_outputs = tempfile.TemporaryDirectory(prefix="jacgen-tests-")


def run_simulated(*args: str) -> subprocess.CompletedProcess:
    """``tests/cuda_sim_check.py ARGS`` in a fresh process under the CUDA simulator."""
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    return subprocess.run(
        [sys.executable, str(HERE / "cuda_sim_check.py"), *args], env=env, capture_output=True, text=True, timeout=1200
    )


def run_reproducibility() -> tuple[subprocess.CompletedProcess, ...]:
    """``tests/reproducibility_check.py`` twice on one new ``NUMBA_CACHE_DIR`` (cold, then warm), then
    its ``--first-align`` on another with the compile ahead on (a background process compiles)."""
    command = [sys.executable, str(HERE / "reproducibility_check.py")]
    runs = []
    for args, ahead, times in (([], "0", 2), (["--first-align"], "1", 1)):
        with tempfile.TemporaryDirectory() as cache:
            env = dict(os.environ, NUMBA_CACHE_DIR=cache, JACGEN_COMPILE_AHEAD=ahead)
            runs += [
                subprocess.run([*command, *args], env=env, capture_output=True, text=True, timeout=1200, check=False)
                for _ in range(times)
            ]
    return tuple(runs)


def run_benchmarks(suite: str, *options: str) -> tuple[subprocess.CompletedProcess, Path]:
    """``python -m benchmarks SUITE OPTIONS --out DIR``: the process and ``DIR`` (removed after the session)."""
    out = Path(tempfile.mkdtemp(prefix=f"{suite}-", dir=_outputs.name))
    command = [sys.executable, "-m", "benchmarks", suite, *options, "--out", str(out)]
    return subprocess.run(command, cwd=HERE.parent, capture_output=True, text=True, timeout=1200), out


def _run(mode: str):
    if mode == REPRODUCIBILITY:
        return run_reproducibility()
    if mode.startswith(BENCHMARKS):
        return run_benchmarks(*shlex.split(mode[len(BENCHMARKS) :]))
    return run_simulated(*([mode] if mode else []))


class BackgroundChecks:
    """Runs the modes' checks, in order, on one background thread; a test that waits for one helps.

    A waiting test (the foreground, once the rest of the suite is done) runs a check that has not
    started yet itself, its own first, so both cores stay busy until the last check ends.
    """

    def __init__(self, modes: list[str]):
        self.pending = list(modes)
        self.lock = threading.Lock()
        self.results: dict[str, object] = {}
        self.done = {mode: threading.Event() for mode in modes}
        self.thread = threading.Thread(target=self._run_all, daemon=True)

    def start(self) -> None:
        self.thread.start()

    def _take(self, preferred: str | None = None) -> str | None:
        """The next mode to run (``preferred`` if it has not started), removed from the pending ones."""
        with self.lock:
            if preferred in self.pending:
                self.pending.remove(preferred)
                return preferred
            return self.pending.pop(0) if self.pending else None

    def _run_one(self, mode: str) -> None:
        try:
            self.results[mode] = _run(mode)
        except Exception as error:  # noqa: BLE001 (reported by the waiting test)
            self.results[mode] = subprocess.CompletedProcess([mode], 1, "", repr(error))
        self.done[mode].set()

    def _run_all(self) -> None:
        while (mode := self._take()) is not None:
            self._run_one(mode)

    def result(self, mode: str):
        """The finished check of ``mode``: runs pending checks here (``mode`` first) while it is not done."""
        while not self.done[mode].is_set() and (other := self._take(mode)) is not None:
            self._run_one(other)
        if not self.done[mode].wait(timeout=1800):
            raise TimeoutError(f"background check {mode!r} did not finish in 30 min")
        return self.results[mode]


_checks: BackgroundChecks | None = None


@pytest.hookimpl(trylast=True)  # after -k / -m deselection
def pytest_collection_modifyitems(session, config, items) -> None:
    """Move the ``late`` tests, then the background-checked ones, last, and start their checks now."""
    global _checks
    late = [item for item in items if item.get_closest_marker("late") is not None]
    waiting = [item for item in items if item.get_closest_marker("background_check") is not None]
    items[:] = [item for item in items if item not in late and item not in waiting] + late + waiting
    if not waiting:
        return
    modes = list(dict.fromkeys(item.get_closest_marker("background_check").args[0] for item in waiting))
    longest_first = (REPRODUCIBILITY, "pipeline")  # the longest checks first: the short ones fill the end
    modes.sort(key=lambda mode: longest_first.index(mode) if mode in longest_first else len(longest_first))
    _checks = BackgroundChecks(modes)
    _checks.start()


@pytest.fixture
def background_result(request):
    """Output of the background check named by the test's ``background_check`` mark."""
    mode = request.node.get_closest_marker("background_check").args[0]
    if _checks is None or mode not in _checks.done:
        return _run(mode)
    return _checks.result(mode)


def pytest_unconfigure(config) -> None:
    _outputs.cleanup()


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "background_check(mode): output of a fresh-process check run in the background (conftest.py)"
    )
    config.addinivalue_line(
        "markers",
        "late: runs after the other in-process tests: a fresh process on the shared kernel cache, which then"
        " loads what they compiled (conftest.py)",
    )
