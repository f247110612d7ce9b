"""Batched device preparation kernels and the exact device MAD (solver.device_batch) under the CUDA simulator.

The check (tests/device_batch_check.py, through ``cuda_sim_check.py prep``) runs in the background
from the start of the session (see conftest.py).
"""

import pytest

EXPECTED = {
    "ok mad ": 16,
    "ok gray ": 2 * 6 + 2,
    "ok depth ": 2 * 2,
    "ok pyramid ": 2 + 1,
    "ok stack ": (3 + 2) * 2,
    "ok layout ": 3 + 2 + 1,
    "ok points ": (3 + 2) * 2,
}


@pytest.mark.background_check("prep")
def test_batched_preparation_and_mad_match_host_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("ok ")]
    for prefix, count in EXPECTED.items():
        assert sum(line.startswith(prefix) for line in lines) == count, (prefix, proc.stdout[-3000:])
    assert len(lines) == sum(EXPECTED.values())
