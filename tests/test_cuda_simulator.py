"""CUDA kernels under NUMBA_ENABLE_CUDASIM=1 (separate process) agree with the CPU kernels.

The checks run in the background from the start of the session (see conftest.py).
"""

import pytest


@pytest.mark.background_check("")
def test_builtin_cuda_kernels_match_cpu_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok ") >= 3 * 2 * 2 * 3 + 1


@pytest.mark.background_check("fused")
def test_fused_cuda_kernels_match_cpu_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok fused") == 11 and proc.stdout.count("ok residuals") == 6


@pytest.mark.background_check("batch")
def test_batched_cuda_kernels_match_cpu_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok batch") == 3 * 3 * 2
    assert proc.stdout.count("ok align_batch cuda") == 2


@pytest.mark.background_check("depth")
def test_depth_cuda_kernels_match_cpu_under_simulator(background_result):
    """The photometric + depth kernels (single pair: 3 built-in models and a user rigid-motion model; batched),
    ``residuals_depth``, the batched ``residual_sample_depth`` and its device hoist: CUDA equal to the CPU within
    1e-12 (float64) / 1e-5 (float32) of each output's largest entry, with points behind the camera, outside the
    image and without target depth (a hole, NaN, a depth edge); what the CUDA path does not run says so."""
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    single = [line for line in lines if line.startswith("ok depth ") and not line.startswith("ok depth batch")]
    assert len(single) == 5 + 1, single
    for name, count in (
        ("ok depth batch", 2 * 3 * 2),
        ("ok residuals_depth", 5 + 1),
        ("ok residual_sample_depth", 2 * 4),
        ("ok device hoist residuals_depth", 2),
    ):
        assert sum(line.startswith(name) for line in lines) == count, name
    assert "depth max rel differences" in proc.stdout and "ok cuda depth errors" in proc.stdout


@pytest.mark.background_check("depth")
def test_single_pair_rgbd_align_on_cuda_matches_cpu_under_simulator(background_result):
    """``align(target="cuda", tgt_depth=...)``: the device depth, depth pyramid and depth stacks equal the host's (NaN
    pattern identical, float64 within 1e-12), and se3 / rodrigues with brightness equal ``target="cpu"``: statuses,
    iterations, evaluations and points per level, n_valid and n_depth_valid; poses within 1e-9; costs, cost_depth,
    cost histories and robust scales within 1e-9 relative (the depth check's output)."""
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert sum(line.startswith("ok device depth stack 3 levels") for line in lines) == 1, lines
    assert sum(line.startswith("ok align depth ") for line in lines) == 2, lines
    assert "align depth max differences" in proc.stdout


@pytest.mark.background_check("device")
def test_device_preparation_and_align_match_cpu_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name, count in (("device gray", 1), ("device pyramid", 3), ("device stack", 6), ("device points", 6)):
        assert proc.stdout.count(f"ok {name}") == count, name
    assert "ok device NaN check" in proc.stdout and "ok align cuda" in proc.stdout


@pytest.mark.background_check("splat")
def test_splat_normal_equations_and_fit_render_match_cpu_under_simulator(background_result):
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok splat clip=") == 2 * 2
    assert "ok fit_render cuda" in proc.stdout


@pytest.mark.background_check("device_functions")
def test_device_functions_sample_partials_and_foreign_arrays_under_simulator(background_result):
    """Generated device functions, the batched residual sample, per-tile partial sums and foreign arrays."""
    proc = background_result
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name, count in (
        ("device pose", 3 * 4),
        ("device params_from_pose", 3 * 4),
        ("device hoist", 3 * 4 * 6),
        ("residual_sample", 4 * 3),
        ("tile partials", 1),
        ("foreign array", 2 * 2 + 1),
    ):
        assert proc.stdout.count(f"ok {name}") == count, name
