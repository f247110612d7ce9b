"""Rigid models (``define_model(motion=..., projection=...)``): tangent-space Jacobians."""

import dataclasses

import numpy as np
import pytest
import sympy as sp
from scipy.spatial.transform import Rotation

import jacgen
from jacgen.builtin import builtin_models, rodrigues_matrix
from jacgen.derive import derive

K1 = -0.2  # radial distortion of the test camera


def distorted(q, c):
    """Pinhole projection with one radial distortion term: ``x (1 + k1 r^2)`` on the image plane."""
    fx, fy, cx, cy, k1 = c
    x, y = q[0] / q[2], q[1] / q[2]
    radial = 1 + k1 * (x * x + y * y)
    return fx * x * radial + cx, fy * y * radial + cy


def rigid_models():
    common = dict(params="r1 r2 r3 t1 t2 t3", point="X Y Z", constants="fx fy cx cy k1", output_names=("u", "v"))
    rigid = jacgen.define_model(
        "distorted_rigid",
        motion=lambda p: (rodrigues_matrix(p[:3]), p[3:]),
        projection=distorted,
        valid=lambda q, c: q[2],
        **common,
    )

    def outputs(p, X, c):
        q = rodrigues_matrix(p[:3]) * sp.Matrix(X) + sp.Matrix(p[3:])
        return distorted(q, c)

    plain = jacgen.define_model("distorted_plain", outputs=outputs, **common)
    return rigid, plain


def distorted_numpy(params, pts, intrinsics):
    q = Rotation.from_rotvec(params[:3]).apply(pts) + params[3:]
    fx, fy, cx, cy, k1 = intrinsics
    x, y = q[:, 0] / q[:, 2], q[:, 1] / q[:, 2]
    radial = 1 + k1 * (x * x + y * y)
    return np.c_[fx * x * radial + cx, fy * y * radial + cy]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("rigid_kernels")
    rigid, plain = rigid_models()
    return jacgen.build_model(rigid, out, ("cpu",)), jacgen.build_model(plain, out, ("cpu",))


@pytest.mark.parametrize("angle", [0.0, 1e-12, 1e-6, 0.5, 3.1])
def test_tangent_jacobian_matches_plain_derivation_and_finite_differences(built, angle):
    rigid, plain = built
    rng = np.random.default_rng(11)
    axis = rng.normal(size=3)
    params = np.r_[angle * axis / np.linalg.norm(axis), 0.1, -0.2, 0.3]
    pts = np.c_[rng.uniform(-1, 1, (100, 2)), rng.uniform(2, 5, 100)]
    intrinsics = (500.0, 480.0, 320.0, 240.0, K1)
    uv, J, valid = jacgen.warp_jacobian(rigid, params, pts, intrinsics)
    uv_plain, J_plain, valid_plain = jacgen.warp_jacobian(plain, params, pts, intrinsics)
    in_front = (Rotation.from_rotvec(params[:3]).apply(pts) + params[3:])[:, 2] > 0
    assert in_front.sum() >= 20 and valid.tolist() == in_front.tolist() and valid_plain.all()
    assert np.isnan(J[~valid]).all() and not np.isnan(J[valid]).any()
    uv, J, uv_plain, J_plain = uv[valid], J[valid], uv_plain[valid], J_plain[valid]
    np.testing.assert_allclose(uv, distorted_numpy(params, pts[valid], intrinsics), rtol=1e-13)
    np.testing.assert_allclose(uv, uv_plain, rtol=1e-12)
    assert np.abs(J - J_plain).max() <= 1e-12 * np.abs(J_plain).max()
    if angle >= 0.5:  # the rotation-vector parameterisation itself is smooth here: compare with central differences
        eps = 1e-6
        for k in range(6):
            step = np.zeros(6)
            step[k] = eps
            ahead, behind = (distorted_numpy(params + s, pts[valid], intrinsics) for s in (step, -step))
            fd = (ahead - behind) / (2 * eps)
            np.testing.assert_allclose(J[:, :, k], fd, rtol=1e-5, atol=1e-5 * np.abs(fd).max())


def test_builtin_models_use_the_tangent_form_and_save_per_point_operations():
    for model in builtin_models().values():
        assert model.motion is not None
        tangent = derive(model, "warp_jacobian").ops.per_point
        plain = derive(dataclasses.replace(model, motion=None), "warp_jacobian").ops.per_point
        assert tangent < plain, (model.name, tangent, plain)


def test_rigid_model_errors():
    rigid, _ = rigid_models()
    with pytest.raises(ValueError, match="motion.compose"):
        dataclasses.replace(rigid, outputs=rigid.outputs[::-1])

    def scaled(p):
        return 2 * rodrigues_matrix(p[:3]), p[3:]

    with pytest.raises(ValueError, match="not orthonormal"):
        jacgen.define_model(
            "scaled", params="r1 r2 r3 t1 t2 t3", point="X Y Z", motion=scaled, projection=lambda q, c: q[:2]
        )
    with pytest.raises(ValueError, match="either outputs, or motion and projection"):
        jacgen.define_model("both", params="a", point="X Y Z", outputs=lambda p, X, c: X[:1], motion=scaled)
    with pytest.raises(ValueError, match="3 coordinates"):
        jacgen.define_model(
            "flat", params="r1 r2 r3 t1 t2 t3", point="x y", motion=scaled, projection=lambda q, c: q[:2]
        )
