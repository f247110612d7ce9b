"""The aligner on synthetic scenes with exact ground truth."""

import numpy as np
import pytest

import solver
from solver.core import lie
from solver.synthetic import make_scene

MOTIONS = [
    (0.05, 0.0, 0.0, 0.0, 0.0, 0.0),
    (0.0, 0.0, 0.0, 0.0, 5.0, 0.0),
    (0.03, -0.03, 0.02, 2.9, -2.9, 2.9),
]


@pytest.fixture(scope="module")
def scenes():
    return {m: make_scene(m) for m in MOTIONS}


@pytest.mark.parametrize("model", ["se3", "rodrigues", "euler_xyz"])
@pytest.mark.parametrize("motion", MOTIONS)
def test_noise_free_recovery(scenes, model, motion):
    s = scenes[motion]
    res = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model=model)
    t_err, r_err = lie.pose_error(res.pose, s.pose)
    assert res.success, res.message
    assert t_err < 1e-4 and r_err < 1e-3, (t_err, r_err)
    np.testing.assert_allclose(lie.pose_from_params(model, res.params), res.pose, atol=1e-12)
    assert res.n_valid > 0.8 * s.ref_image.size
    assert len(res.levels) == 4 and [lvl.level for lvl in res.levels] == [3, 2, 1, 0]
    costs = res.levels[-1].cost_history
    assert all(b <= a for a, b in zip(costs, costs[1:], strict=False)), "accepted steps never raise the cost"


def test_noisy_recovery_and_covariance():
    s = make_scene((0.02, 0.01, -0.03, 1.0, 2.0, -1.5), noise=0.02, seed=3)
    res = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics)
    t_err, r_err = lie.pose_error(res.pose, s.pose)
    assert res.success and t_err < 1e-3 and r_err < 0.02, (t_err, r_err)
    assert res.covariance.shape == (6, 6)
    sd = np.sqrt(np.diag(res.covariance))
    assert np.all(sd > 0) and np.all(sd < 1e-2)


def test_gauss_newton_and_other_losses():
    s = make_scene(MOTIONS[2])
    # the other losses in float64: the kernels test_fused_kernels compiles (each is its own kernel)
    losses = ({"loss": loss, "dtype": "float64"} for loss in ("l2", "huber", "tukey", "cauchy"))
    for kwargs in ({"method": "gn"}, *losses):
        res = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, **kwargs)
        t_err, r_err = lie.pose_error(res.pose, s.pose)
        assert res.success and t_err < 2e-4 and r_err < 2e-3, (kwargs, t_err, r_err)


def test_brightness_change_is_estimated():
    s = make_scene(MOTIONS[2])
    a, b = 0.15, -0.05
    tgt = np.exp(a) * s.tgt_image + b
    plain = solver.align(s.ref_image, s.ref_depth, tgt, s.intrinsics)
    res = solver.align(s.ref_image, s.ref_depth, tgt, s.intrinsics, brightness=True)
    t_err, r_err = lie.pose_error(res.pose, s.pose)
    assert res.success and t_err < 1e-4 and r_err < 1e-3, (t_err, r_err)
    np.testing.assert_allclose(res.brightness, [a, b], atol=2e-3)
    assert lie.pose_error(plain.pose, s.pose)[0] > t_err


@pytest.mark.parametrize("model", ["se3", "euler_xyz"])
def test_fixed_parameters_stay_fixed(model):
    s = make_scene((0.0, 0.0, 0.0, 0.0, 3.0, 0.0))
    init = np.eye(4)
    res = solver.align(
        s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model=model, fixed=("r1", "r3", "t1", "t2", "t3")
    )
    if model == "euler_xyz":
        np.testing.assert_array_equal(res.params[[0, 2, 3, 4, 5]], 0.0)
    else:
        np.testing.assert_allclose(res.params[[0, 2, 3, 4, 5]], 0.0, atol=1e-12)
    assert abs(np.degrees(res.params[1]) - 3.0) < 1e-3
    assert res.covariance[0, 0] == 0 and res.covariance[1, 1] > 0
    del init


def test_result_reports_history_and_callback():
    s = make_scene(MOTIONS[0])
    seen = []
    res = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, callback=lambda lvl, T, c: seen.append(lvl))
    assert res.nit == sum(lvl.iterations for lvl in res.levels) and res.nit >= len(seen) > 0
    assert res.status in (solver.Status.CONVERGED_STEP, solver.Status.CONVERGED_COST)
    assert "AlignResult" in repr(res) and res.wall_time > 0
    assert all(lvl.wall_time > 0 and lvl.loss_scale > 0 for lvl in res.levels)
