"""Render and compare (solver.fit_render) on the forum's dense torus, and what the image cannot tell."""

import math

import numpy as np
import pytest

import solver
from solver.pointset import observability
from solver.pointset.scenes import fov_intrinsics

K = fov_intrinsics((128, 128), 90.0)
TRUE = np.array([math.radians(35.0), 0.0, math.radians(20.0), 0.0, 0.0, 2.0])
FIXED = ("r2", "t1", "t2", "t3")
STARTS = [(10, 10), (-10, 10), (10, -10), (-10, -10)]


def _start(start):
    return TRUE + np.radians([start[0], 0.0, start[1], 0.0, 0.0, 0.0])


@pytest.fixture(scope="module")
def scenes():
    out = {}
    for axis in ("y", "z"):
        points = solver.grid_torus(axis=axis)
        out[axis] = points, solver.render_points(points, TRUE, K, (128, 128), sigma=2.5)
    return out


@pytest.mark.parametrize("start", STARTS)
def test_dense_torus_both_angles(scenes, start):
    points, image = scenes["y"]
    res = solver.fit_render(points, image, K, sigma=2.5, init=_start(start), fixed=FIXED)
    err = np.degrees(res.params - TRUE)
    assert res.success, res.message
    assert abs(err[0]) < 0.05 and abs(err[2]) < 0.05, err
    assert res.unobservable == ()
    np.testing.assert_array_equal(res.params[[1, 3, 4, 5]], TRUE[[1, 3, 4, 5]])


@pytest.mark.parametrize("start", STARTS)
def test_torus_spun_about_its_axis_is_reported(scenes, start):
    points, image = scenes["z"]
    init = _start(start)
    res = solver.fit_render(points, image, K, sigma=2.5, init=init, fixed=FIXED)
    assert res.success, res.message
    assert abs(math.degrees(res.params[0] - TRUE[0])) < 0.05
    assert res.unobservable == ("r3",) and "r3" in res.message
    assert res.covariance[2, 2] == np.inf and np.isfinite(res.covariance[0, 0])
    assert res.params[2] == init[2]  # never moved: the image cannot tell it


@pytest.mark.parametrize("axis", ["y", "z"])
def test_reported_deviation_is_honest_with_noise(scenes, axis):
    points, clean = scenes[axis]
    rng = np.random.default_rng(3)
    image = clean + rng.normal(0.0, 0.05, clean.shape)
    for start in STARTS:
        res = solver.fit_render(points, image, K, sigma=2.5, init=_start(start), fixed=FIXED)
        std = np.sqrt(np.diag(res.covariance))
        observed = [0, 2] if axis == "y" else [0]
        err = np.abs(res.params - TRUE)[observed]
        assert res.success and np.all(err <= 3.0 * std[observed]), (np.degrees(err), np.degrees(std[observed]))
        assert np.all(np.degrees(std[observed]) < 0.05)


def test_sparse_point_set_no_worse_than_align_points():
    points = solver.torus_points()
    true = np.array([math.radians(30.0), 0.0, math.radians(40.0), 0.0, 0.0, 2.0])
    image = solver.render_points(points, true, K, (128, 128), sigma=2.5)
    for start in STARTS:
        init = true + np.radians([start[0], 0.0, start[1], 0.0, 0.0, 0.0])
        old = solver.align_points(points, image, K, init=init, fixed=FIXED)
        new = solver.fit_render(points, image, K, sigma=2.5, init=init, fixed=FIXED)
        err_old, err_new = (np.abs(np.degrees(r.params - true))[[0, 2]].max() for r in (old, new))
        assert new.success and err_new <= max(err_old, 1e-6), (err_old, err_new)


def test_width_gain_and_offset_are_recovered(scenes):
    points, _ = scenes["y"]
    image = 0.8 * solver.render_points(points, TRUE, K, (128, 128), sigma=2.8) + 0.1
    res = solver.fit_render(
        points, image, K, sigma=2.5, init=_start((5, -5)), fixed=FIXED, fit_sigma=True, brightness=True
    )
    assert res.success, res.message
    assert abs(res.sigma - 2.8) < 1e-6
    np.testing.assert_allclose(res.brightness, [0.8, 0.1], atol=1e-6)
    assert np.abs(np.degrees(res.params - TRUE)).max() < 1e-4
    assert res.param_names == ("r1", "r2", "r3", "t1", "t2", "t3", "sigma", "gain", "offset")


def test_observability_names_a_combination():
    # r1 and r3 enter only through their sum: H sees r1 + r3, the reference sees both
    J = np.array([[1.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    H = J.T @ J
    G = np.eye(3)
    obs = observability.analyse(H, G, ("r1", "r2", "r3"), 1e-6)
    assert obs.names == ("0.71 r1 - 0.71 r2",)
    cov = observability.covariance(H, 1.0, 100, obs)
    assert np.isinf(cov[0, 0]) and np.isinf(cov[1, 1]) and np.isfinite(cov[2, 2])


def test_blank_image_says_nothing_is_determined(scenes):
    points, image = scenes["y"]
    res = solver.fit_render(points, np.zeros_like(image), K, sigma=2.5, init=_start((10, 10)), fixed=("r2",))
    assert not res.success and res.status == solver.Status.SINGULAR
    assert res.unobservable == ("r1", "r3", "t1", "t2", "t3")
    assert np.isfinite(res.pose).all() and np.isinf(np.diag(res.covariance)[[0, 2, 3, 4, 5]]).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"sigma": 0.0}, "sigma"),
        ({"sigma": 2.5, "intensities": -1.0}, "intensities"),
        ({"sigma": 2.5, "target": "gpu"}, "target"),
        ({"sigma": 2.5, "fixed": ("r9",)}, "unknown"),
        ({"sigma": 2.5, "init": np.zeros(5)}, "init"),
    ],
)
def test_bad_input_raises(scenes, kwargs, match):
    points, image = scenes["y"]
    with pytest.raises(ValueError, match=match):
        solver.fit_render(points, image, K, **kwargs)
