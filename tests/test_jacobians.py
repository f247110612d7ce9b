"""Generated Jacobians against mpmath central differences at small and large rotations."""

import numpy as np
import pytest
from reference import jacobian_fd

import jacgen

K = (525.0, 520.0, 319.5, 239.5)
MAGNITUDES = [0.0, 1e-12, 1e-6, 1e-3, 0.5, 3.1]
N_POINTS = 12


def random_case(magnitude: float, seed: int):
    rng = np.random.default_rng(seed)
    axis = rng.normal(size=3)
    axis /= np.linalg.norm(axis)
    params = np.concatenate([axis * magnitude, rng.uniform(-0.2, 0.2, 3)])
    xy = rng.uniform(-2.0, 2.0, (N_POINTS, 2))
    z = rng.uniform(0.5, 10.0, (N_POINTS, 1))
    points = np.hstack([xy * z / 3.0, z])
    # keep depth positive after the motion: for large rotations pick points near the axis of view
    return params, points


def reference(model, params, points):
    uvs, Js = zip(*(jacobian_fd(model, params, X, K) for X in points), strict=True)
    return np.array(uvs), np.array(Js)


@pytest.mark.parametrize("model", ["rodrigues", "euler_xyz", "se3"])
@pytest.mark.parametrize("magnitude", MAGNITUDES)
def test_jacobian_matches_mpmath(model, magnitude):
    params, points = random_case(magnitude, seed=int(magnitude * 1e3) + len(model))
    uv_ref, J_ref = reference(model, params, points)
    valid_ref = np.isfinite(uv_ref).all(axis=1)
    for dtype, tol in ((np.float64, 1e-10), (np.float32, 1e-4)):
        uv, J, valid = jacgen.warp_jacobian(model, params, points.astype(dtype), K)
        assert uv.dtype == dtype and J.dtype == dtype and J.shape == (N_POINTS, 2, 6)
        assert valid.dtype == np.bool_
        assert not np.isnan(J[valid]).any()
        # validity is depth > 0 after the motion; compare against the reference depth sign
        for i in np.flatnonzero(valid):
            scale = np.abs(J_ref[i]).max()
            err = np.abs(J[i] - J_ref[i]).max() / scale
            assert err <= tol, f"{model} |r|={magnitude} {dtype.__name__} point {i}: rel err {err:.3g}"
            uv_err = np.abs(uv[i] - uv_ref[i]).max() / max(1.0, np.abs(uv_ref[i]).max())
            assert uv_err <= tol
        assert valid.sum() >= N_POINTS // 2 or magnitude > 1
        assert valid_ref.all()


@pytest.mark.parametrize("model", ["rodrigues", "euler_xyz", "se3"])
def test_exactly_zero_rotation_is_finite_and_matches_closed_form(model):
    points = np.array([[0.3, -0.2, 2.0], [0.0, 0.0, 1.0], [-1.0, 0.5, 4.0]])
    uv, J, valid = jacgen.warp_jacobian(model, np.zeros(6), points, K)
    assert valid.all() and np.isfinite(J).all()
    fx, fy, cx, cy = K
    X, Y, Z = points.T
    np.testing.assert_allclose(uv[:, 0], fx * X / Z + cx, rtol=1e-15)
    # at zero every model's rotation derivative is the cross-product generator: d(w x X)/dw = -[X]_x
    np.testing.assert_allclose(J[:, 0, 3], fx / Z, rtol=1e-15)
    np.testing.assert_allclose(J[:, 0, 5], -fx * X / Z**2, rtol=1e-15)
    np.testing.assert_allclose(J[:, 1, 0], -fy * (1 + Y**2 / Z**2), rtol=1e-14)


def test_se3_at_zero_kernel_equals_full_kernel_at_zero():
    rng = np.random.default_rng(3)
    points = np.column_stack([rng.uniform(-1, 1, (50, 2)), rng.uniform(0.5, 10, 50)])
    uv0, J0, v0 = jacgen.warp_jacobian("se3", np.zeros(6), points, K)
    uv1, J1, v1 = jacgen.warp_jacobian_at_zero("se3", points, K)
    np.testing.assert_array_equal(v0, v1)
    np.testing.assert_allclose(J1, J0, rtol=1e-13, atol=1e-12)
    np.testing.assert_allclose(uv1, uv0, rtol=1e-14)


def test_points_behind_camera_are_invalid_and_nan():
    points = np.array([[0.0, 0.0, -1.0], [0.0, 0.0, 0.0], [np.nan, 0.0, 1.0], [0.1, 0.2, 3.0]])
    uv, J, valid = jacgen.warp_jacobian("rodrigues", np.zeros(6), points, K)
    assert valid.tolist() == [False, False, False, True]
    assert np.isnan(uv[:3]).all() and np.isnan(J[:3]).all()
    uv2, valid2 = jacgen.warp("rodrigues", np.zeros(6), points, K)
    np.testing.assert_array_equal(valid2, valid)
    np.testing.assert_array_equal(uv2[3], uv[3])


@pytest.mark.parametrize("model", ["rodrigues", "euler_xyz", "se3"])
def test_warp_agrees_with_warp_jacobian(model):
    rng = np.random.default_rng(1)
    points = np.column_stack([rng.uniform(-1, 1, (100, 2)), rng.uniform(0.5, 10, 100)])
    params = np.array([0.1, -0.2, 0.3, 0.01, 0.02, -0.03])
    uv, valid = jacgen.warp(model, params, points, K)
    uv2, _, valid2 = jacgen.warp_jacobian(model, params, points, K)
    np.testing.assert_array_equal(valid, valid2)
    np.testing.assert_allclose(uv, uv2, rtol=1e-13, atol=1e-10)


def test_empty_point_set():
    uv, J, valid = jacgen.warp_jacobian("rodrigues", np.zeros(6), np.empty((0, 3)), K)
    assert uv.shape == (0, 2) and J.shape == (0, 2, 6) and valid.shape == (0,)
