"""``align_batch(target="cuda")``'s device-resident pipeline (solver.device_batch) under the CUDA simulator.

The check (tests/device_pipeline_check.py, through ``cuda_sim_check.py pipeline``) runs in the
background from the start of the session (see conftest.py): equality with ``target="cpu"`` on
four batches (pairs finishing at different rounds, too few points on a coarse level, a singular
pair, brightness with a fixed parameter, an additive model in float32) and two RGB-D batches
(``tgt_depths`` with missing depth; the depth scale estimated, or fixed with brightness), foreign
device arrays, and launches / copies / allocations that do not grow with the batch, with and
without the targets' depths.
"""

import pytest


@pytest.mark.background_check("pipeline")
def test_device_pipeline_matches_cpu_and_does_not_grow_with_batch(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = [line for line in proc.stdout.splitlines() if line.startswith("ok pipeline")]
    assert len(lines) == 4 + 2 + 1 + 2 * 2, proc.stdout[-3000:]
    assert sum(line.startswith("ok pipeline") and " rgbd " in line for line in lines) == 2 + 2, lines
    assert "ok pipeline rounds: two launches and one 8-byte read-back each" in lines
    assert "ok pipeline rgbd rounds: two launches and one 8-byte read-back each" in lines
