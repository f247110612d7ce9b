"""CUDA kernels under NUMBA_ENABLE_CUDASIM=1 (separate process) agree with the CPU kernels."""

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run_simulated(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    return subprocess.run(
        [sys.executable, str(HERE / "cuda_sim_check.py"), *args], env=env, capture_output=True, text=True, timeout=600
    )


def test_builtin_cuda_kernels_match_cpu_under_simulator():
    proc = run_simulated()
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok ") >= 3 * 2 * 2 * 3 + 1


def test_fused_cuda_kernels_match_cpu_under_simulator():
    proc = run_simulated("fused")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok fused") == 11 and proc.stdout.count("ok residuals") == 6


def test_batched_cuda_kernels_match_cpu_under_simulator():
    proc = run_simulated("batch")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert proc.stdout.count("ok batch") == 3 * 3 * 2
    assert proc.stdout.count("ok align_batch cuda") == 2


def test_device_preparation_and_align_match_cpu_under_simulator():
    proc = run_simulated("device")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for name, count in (("device gray", 1), ("device pyramid", 3), ("device stack", 6), ("device points", 6)):
        assert proc.stdout.count(f"ok {name}") == count, name
    assert "ok device NaN check" in proc.stdout and "ok align cuda" in proc.stdout
