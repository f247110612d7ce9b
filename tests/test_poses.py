"""Pose inverses (jacgen.runtime.poses): Euler angles through SciPy, against the closed form they replaced."""

import math
import warnings

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

import jacgen
from jacgen.runtime.poses import PARAMETERISATIONS, invert_pose
from jacgen.runtime.rotations import euler_xyz_angles


def closed_form(R):
    """The former ``euler_xyz_angles``: ``asin`` of ``R[0, 2]``, ``atan2`` of the first row and last column."""
    b = math.asin(float(np.clip(R[0, 2], -1.0, 1.0)))
    return np.array([math.atan2(-R[1, 2], R[2, 2]), b, math.atan2(-R[0, 1], R[0, 0])])


def matrix(angles):
    """``Rx(a) Ry(b) Rz(c)``."""
    return Rotation.from_euler("XYZ", angles).as_matrix()


def test_euler_angles_agree_with_the_closed_form():
    rotations = Rotation.random(2000, random_state=4).as_matrix()
    angles = np.array([euler_xyz_angles(R) for R in rotations])
    reference = np.array([closed_form(R) for R in rotations])
    generic = np.abs(reference[:, 1]) < np.pi / 2 - 0.1  # the closed form loses digits towards gimbal lock
    assert generic.sum() > 1500
    assert np.abs(angles - reference)[generic].max() <= 4e-15
    assert max(np.abs(matrix(e) - R).max() for e, R in zip(angles, rotations, strict=True)) <= 2e-15


@pytest.mark.parametrize("distance", [1e-1, 1e-3, 1e-5, 1e-7, 1e-9, 1e-12, 0.0])
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_euler_angles_near_gimbal_lock_reproduce_the_rotation(distance, sign):
    """Well conditioned up to the lock; within 1e-7 of it SciPy sets ``c = 0`` (about 2 x distance off)."""
    rng = np.random.default_rng(5)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the gimbal-lock warning is silenced, nothing else
        for _ in range(50):
            a, c = rng.uniform(-np.pi, np.pi, 2)
            R = matrix([a, sign * (np.pi / 2 - distance * rng.uniform(1.0, 9.9)), c])
            angles = euler_xyz_angles(R)
            assert abs(angles[1]) <= np.pi / 2
            error = np.abs(matrix(angles) - R).max()
            assert error <= (2e-15 if distance >= 1e-7 else 2e-15 + 20 * distance), (distance, error)


@pytest.mark.parametrize("model", ["rodrigues", "euler_xyz", "se3"])
def test_params_from_pose_inverts_pose(model):
    module = jacgen.GeneratedModel(model).align_module("cpu")
    name = module.DESCRIPTION["parameterisation"]
    assert name in PARAMETERISATIONS
    rng = np.random.default_rng(7)
    for _ in range(20):
        params = np.concatenate([rng.uniform(-1.2, 1.2, 3), rng.normal(size=3)])
        pose = module.pose(params)
        np.testing.assert_allclose(module.params_from_pose(pose), params, rtol=0, atol=1e-13)
        fitted = invert_pose(None, module.pose, pose, 6)  # the numerical inverse of unrecognised motions
        np.testing.assert_allclose(module.pose(fitted), pose, rtol=0, atol=1e-9)
