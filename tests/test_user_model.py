"""A user-defined warp (2-D homography) built into a temporary folder and run on CPU and simulated CUDA."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import jacgen


def homography_model():
    def outputs(h, X, c):
        x, y = X
        w = h[6] * x + h[7] * y + 1
        return ((1 + h[0]) * x + h[1] * y + h[2]) / w, (h[3] * x + (1 + h[4]) * y + h[5]) / w

    def denominator(h, X, c):
        return h[6] * X[0] + h[7] * X[1] + 1

    return jacgen.define_model(
        "homography_test",
        params="h0 h1 h2 h3 h4 h5 h6 h7",
        point="x y",
        outputs=outputs,
        valid=denominator,
        description="8-parameter homography around the identity",
        output_names=("u", "v"),
    )


def homography_numpy(h, pts):
    H = np.array([[1 + h[0], h[1], h[2]], [h[3], 1 + h[4], h[5]], [h[6], h[7], 1.0]])
    q = np.c_[pts, np.ones(len(pts))] @ H.T
    return q[:, :2] / q[:, 2:]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("user_kernels")
    return jacgen.build_model(homography_model(), out), out


def test_user_model_matches_numpy_and_finite_differences(built):
    handle, out = built
    assert (out / "homography_test_cpu.py").exists() and (out / "homography_test_cuda.py").exists()
    rng = np.random.default_rng(5)
    pts = rng.uniform(-1, 1, (200, 2))
    h = rng.uniform(-0.1, 0.1, 8)
    uv, J, valid = jacgen.warp_jacobian(handle, h, pts, ())
    assert J.shape == (200, 2, 8) and valid.all()
    np.testing.assert_allclose(uv, homography_numpy(h, pts), rtol=1e-13)
    eps = 1e-6
    for j in range(8):
        dp = np.zeros(8)
        dp[j] = eps
        fd = (homography_numpy(h + dp, pts) - homography_numpy(h - dp, pts)) / (2 * eps)
        np.testing.assert_allclose(J[:, :, j], fd, rtol=1e-6, atol=1e-8)


def test_user_model_invalid_where_denominator_not_positive(built):
    handle, _ = built
    h = np.zeros(8)
    h[6] = -2.0  # w = 1 - 2x <= 0 for x >= 0.5
    uv, valid = jacgen.warp(handle, h, np.array([[0.0, 0.0], [0.75, 0.0]]), ())
    assert valid.tolist() == [True, False] and np.isnan(uv[1]).all()


def test_user_model_cuda_under_simulator(built):
    _, out = built
    script = Path(__file__).with_name("cuda_sim_check.py")
    env = dict(os.environ, NUMBA_ENABLE_CUDASIM="1")
    proc = subprocess.run(
        [sys.executable, str(script), str(out), "homography_test", "8", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok user model" in proc.stdout


def test_unbuilt_model_object_is_rejected():
    with pytest.raises(ValueError, match="build_model"):
        jacgen.warp(homography_model(), np.zeros(8), np.zeros((1, 2)), ())
