"""The forum's torus problem: recover rotations about x and z of a Gaussian-splatted torus."""

import math

import numpy as np
import pytest

import solver
from solver.pointset.scenes import fov_intrinsics


@pytest.mark.parametrize("start", [(10, 10), (-10, 10), (10, -10), (-10, -10)])
def test_torus_rotation_recovery(start):
    points = solver.torus_points()
    K = fov_intrinsics((128, 128), 90.0)
    true = np.array([math.radians(30.0), 0.0, math.radians(40.0), 0.0, 0.0, 2.0])
    image = solver.render_points(points, true, K, (128, 128), sigma=2.5)
    assert image.shape == (128, 128) and image.min() >= 0.0 and 0.95 < image.max() <= 1.0
    init = true + np.radians([start[0], 0.0, start[1], 0.0, 0.0, 0.0])
    res = solver.align_points(points, image, K, model="euler_xyz", init=init, fixed=("r2", "t1", "t2", "t3"))
    err = np.degrees(res.params - true)
    assert res.success, res.message
    assert abs(err[0]) < 0.05 and abs(err[2]) < 0.05, err
    np.testing.assert_array_equal(res.params[[1, 3, 4, 5]], true[[1, 3, 4, 5]])
    assert res.pose.shape == (4, 4)


def test_render_points_rejects_bad_sigma():
    with pytest.raises(ValueError, match="sigma"):
        solver.render_points(solver.torus_points(), np.zeros(6), (64, 64, 63.5, 63.5), (128, 128), sigma=0)


def test_align_points_validates_points():
    with pytest.raises(ValueError, match=r"\(N, 3\)"):
        solver.align_points(np.zeros((5, 2)), np.zeros((32, 32)), (32, 32, 15.5, 15.5))
