"""The generated fused H, g, cost against a plain NumPy reference and against finite differences."""

import numpy as np
import pytest
from photometric_reference import bilinear, reference_normal_equations

from solver.arrays import images
from solver.core import lie
from solver.core.model import align_module, normal_equations, residuals

K = np.array([300.0, 310.0, 79.5, 59.5])
SHAPE = (120, 160)


def smooth_image(shape, seed=0):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(float)
    img = np.full(shape, 0.5)
    for _ in range(6):
        kx, ky = rng.uniform(0.02, 0.12, 2)
        img += 0.08 * np.sin(kx * x + ky * y + rng.uniform(0, 6.28))
    return img


def case(seed=1, n=3003):  # not a whole number of lane vectors: the last points take the tail path
    rng = np.random.default_rng(seed)
    points = np.column_stack([rng.uniform(-0.5, 0.5, (n, 2)), rng.uniform(1.0, 3.0, n)])
    iref = rng.uniform(0.2, 0.8, n)
    pose = lie.se3_exp(np.array([0.02, -0.03, 0.01, 0.05, -0.02, 0.04]))
    return points, iref, pose, smooth_image(SHAPE)


# Each (model, loss, brightness, dtype) is its own compiled CPU kernel (one emitted body, about 7 s
# to compile cold), so every loss is checked on se3 and every model with one loss; the loss and
# model code are shared by all combinations. float32 is checked where the solver tests use it.
BRIGHT = (0.1, -0.05)
CASES = [
    *[("se3", loss, None, loss == "huber") for loss in ("l2", "huber", "tukey", "cauchy")],
    ("se3", "huber", BRIGHT, True),
    *[(model, "l2", b, False) for model in ("rodrigues", "euler_xyz") for b in (None, BRIGHT)],
]


@pytest.mark.parametrize(("model", "loss", "brightness", "check_f32"), CASES)
def test_fused_matches_numpy_reference(model, loss, brightness, check_f32):
    points, iref, pose, tgt = case()
    params = lie.params_from_pose(model, pose)
    module = align_module(model)
    stack = images.stack_with_gradients(tgt, np.float64)
    if model == "se3":
        p, c = np.zeros(6), np.concatenate([K, pose[:3, :4].ravel()])
    else:
        p, c = params, K
    if brightness is not None:
        p = np.concatenate([p, brightness])
    k = 0.05
    ne = normal_equations(module, p, c, points, iref, stack, loss, k, brightness is not None)
    H, g, cost, n_used, _ = reference_normal_equations(model, params, pose, K, points, iref, tgt, loss, k, brightness)
    assert ne.n_used == n_used and ne.n_used + ne.n_behind + ne.n_outside == len(points)
    assert ne.n_outside > 0  # the case is built so that some points leave the image
    np.testing.assert_allclose(ne.H, H, rtol=1e-9, atol=1e-9 * np.abs(H).max())
    np.testing.assert_allclose(ne.g, g, rtol=1e-9, atol=1e-9 * np.abs(g).max())
    assert ne.cost == pytest.approx(cost, rel=1e-9)
    if not check_f32:
        return
    # float32 data, float64 accumulation
    ne32 = normal_equations(
        module,
        p,
        c,
        points.astype(np.float32),
        iref.astype(np.float32),
        stack.astype(np.float32),
        loss,
        k,
        brightness is not None,
    )
    np.testing.assert_allclose(ne32.H, H, rtol=2e-3, atol=2e-4 * np.abs(H).max())
    np.testing.assert_allclose(ne32.g, g, rtol=2e-3, atol=2e-3 * np.abs(g).max())


@pytest.mark.parametrize("model", ["rodrigues", "euler_xyz"])
def test_normal_equations_match_finite_differences_of_the_residual(model):
    """On a linear image (bilinear sampling and central differences exact), J from differences of
    the residual vector gives the same H = J^T J and g = J^T r as the fused kernel."""
    rng = np.random.default_rng(4)
    shape = (240, 320)
    Kf = np.array([400.0, 400.0, 159.5, 119.5])
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]].astype(float)
    tgt = 0.1 + 0.002 * x + 0.003 * y
    n = 2000
    points = np.column_stack([rng.uniform(-0.3, 0.3, (n, 2)), rng.uniform(1.5, 2.5, n)])
    iref = rng.uniform(0.3, 0.7, n)
    p0 = np.array([0.01, -0.02, 0.015, 0.02, 0.01, -0.03])
    module = align_module(model)
    stack = images.stack_with_gradients(tgt, np.float64)

    def resid(p):
        return residuals(module, np.concatenate([p, [0.0, 0.0]]), Kf, points, iref, stack)

    r0 = resid(p0)
    assert np.isfinite(r0).all()
    ne = normal_equations(module, p0, Kf, points, iref, stack, "l2", 1.0, False)
    eps = 1e-6
    J = np.column_stack([(resid(p0 + eps * e) - resid(p0 - eps * e)) / (2 * eps) for e in np.eye(6)])
    np.testing.assert_allclose(ne.g, J.T @ r0, rtol=1e-6, atol=1e-7 * np.abs(J.T @ r0).max())
    np.testing.assert_allclose(ne.H, J.T @ J, rtol=1e-6, atol=1e-7 * np.abs(J.T @ J).max())
    assert ne.cost == pytest.approx(0.5 * np.sum(r0**2), rel=1e-12)


def test_residual_kernel_matches_bilinear_sampling():
    points, iref, pose, tgt = case(seed=2, n=500)
    params = lie.params_from_pose("rodrigues", pose)
    stack = images.stack_with_gradients(tgt, np.float64)
    r = residuals(align_module("rodrigues"), np.concatenate([params, [0.0, 0.0]]), K, points, iref, stack)
    import jacgen

    uv, valid = jacgen.warp("rodrigues", params, points, K)
    u, v = uv[:, 0], uv[:, 1]
    inside = valid & (u >= -0.5) & (v >= -0.5) & (u <= SHAPE[1] - 0.5) & (v <= SHAPE[0] - 0.5)
    assert np.any(inside & ((u < 0) | (v < 0) | (u > SHAPE[1] - 1) | (v > SHAPE[0] - 1))), "border band not exercised"
    np.testing.assert_array_equal(np.isfinite(r), inside)
    np.testing.assert_allclose(r[inside], bilinear(tgt, uv[inside, 0], uv[inside, 1]) - iref[inside], rtol=1e-12)
