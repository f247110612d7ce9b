"""The RGB-D depth residual ``r_D = s_D (D_tgt(u, v) - Z')``: its generated Jacobian, missing depth, and ``align``.

``s_D = 1 / (|n| Z'^2)``, ``n = (dpi/dq)^T grad D_tgt - e_z`` (jacgen/photometric.py): the depth error
as a distance to the target's tangent plane, over the depth noise's growth with ``Z^2``.
"""

import numpy as np
import pytest

import solver
from jacgen.runtime.losses import LOSSES
from solver.arrays import images
from solver.core import lie
from solver.core.model import align_module, normal_equations, normal_equations_depth, residuals_depth, unpack
from solver.core.problem import DEPTH_SIGMA_FLOOR, mad_step
from solver.options import DEFAULT_LOSS, DEPTH_LOSS, AlignOptions
from solver.photometric.problem import Problem
from solver.synthetic import make_scene

K = np.array([400.0, 400.0, 159.5, 119.5])
SHAPE = (240, 320)
AXIS = np.array([0.1, -0.1, 1.0]) / np.linalg.norm([0.1, -0.1, 1.0])  # mostly roll: points stay in view


def linear_case(angle: float, seed: int = 4, n: int = 2003):
    """Points, a pose rotating by ``angle`` (rad), a linear target depth and a flat target image.

    Bilinear sampling and central differences are exact on a linear image, so finite differences of
    the residual give the Jacobian the kernel chains; the flat image (and ``I_ref`` equal to it)
    makes the photometric terms vanish, leaving the depth terms alone in ``H``, ``g`` and the cost.
    """
    rng = np.random.default_rng(seed)
    points = np.column_stack([rng.uniform(-0.25, 0.25, (n, 2)), rng.uniform(1.5, 2.5, n)])
    pose = lie.se3_exp(np.concatenate([angle * AXIS, [0.02, 0.01, -0.03]]))
    y, x = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]].astype(float)
    depth = 2.0 + 0.002 * x - 0.003 * y
    gray = np.full(SHAPE, 0.4)
    return points, np.full(n, 0.4), pose, depth, gray


def kernel_inputs(model: str, pose: np.ndarray, p_offset=None):
    """``(params, constants)`` of ``model``'s kernels at ``pose`` (se3: about the pose; others: its parameters)."""
    if model == "se3":
        return np.zeros(6), np.concatenate([K, pose[:3, :4].ravel()])
    return lie.params_from_pose(model, pose), K


GRADIENT = np.array([0.002, -0.003])  # of linear_case's target depth, per pixel (u, v)


def normaliser(q: np.ndarray) -> np.ndarray:
    """``s_D`` of moved points ``q`` on linear_case's depth (independent of the generated code)."""
    X, Y, Z = q.T
    gu, gv = GRADIENT
    n = np.column_stack([gu * K[0] / Z, gv * K[1] / Z, -(gu * K[0] * X + gv * K[1] * Y) / Z**2 - 1.0])
    return 1.0 / (np.linalg.norm(n, axis=1) * Z**2)


def moved(model, pose, delta, points):
    """The points moved by the pose of :func:`depth_resid`'s ``delta``."""
    T = (
        lie.se3_exp(delta) @ pose
        if model == "se3"
        else lie.pose_from_params(model, lie.params_from_pose(model, pose) + delta)
    )
    return points @ T[:3, :3].T + T[:3, 3]


def depth_resid(model, module, pose, delta, points, stack):
    """Depth residuals at the pose moved by ``delta`` (se3: ``exp(delta) T``; others: ``params + delta``)."""
    if model == "se3":
        moved = (lie.se3_exp(delta) @ pose)[:3, :4].ravel()
        return residuals_depth(module, np.zeros(6), np.concatenate([K, moved]), points, stack)
    return residuals_depth(module, lie.params_from_pose(model, pose) + delta, K, points, stack)


@pytest.mark.parametrize("angle", [0.0, 1e-6, 0.5])
@pytest.mark.parametrize("model", ["se3", "rodrigues"])
def test_depth_jacobian_matches_finite_differences(model, angle):
    points, iref, pose, depth, gray = linear_case(angle)
    module = align_module(model)
    stack, dstack = images.stack_with_gradients(gray, np.float64), images.depth_stack(depth, np.float64)
    p, c = kernel_inputs(model, pose)
    r0 = depth_resid(model, module, pose, np.zeros(6), points, dstack)
    assert np.isfinite(r0).all()
    # independent evaluation of the residual: the linear depth at the projected moved point, minus its
    # depth, times the normaliser (the depth gradient and the pinhole projection's, in NumPy)
    q = points @ pose[:3, :3].T + pose[:3, 3]
    u, v = K[0] * q[:, 0] / q[:, 2] + K[2], K[1] * q[:, 1] / q[:, 2] + K[3]
    s0 = normaliser(q)
    np.testing.assert_allclose(r0, s0 * (2.0 + 0.002 * u - 0.003 * v - q[:, 2]), rtol=1e-9, atol=1e-12)
    eps = 1e-6

    def diff(e):
        """Central differences of the depth error ``r / s_D``; the row holds ``s_D`` at the point."""
        plus, minus = (
            depth_resid(model, module, pose, s * eps * e, points, dstack)
            / normaliser(moved(model, pose, s * eps * e, points))
            for s in (1.0, -1.0)
        )
        return s0 * (plus - minus) / (2 * eps)

    J = np.column_stack([diff(e) for e in np.eye(6)])
    weight = 2.5
    ne = normal_equations_depth(module, p, c, points, iref, stack, dstack, "l2", (1.0, 1.0, weight), False)
    assert ne.n_used == ne.n_depth_used == len(points)
    np.testing.assert_allclose(ne.g, weight * J.T @ r0, rtol=1e-6, atol=1e-7 * np.abs(J.T @ r0).max())
    np.testing.assert_allclose(ne.H, weight * J.T @ J, rtol=1e-6, atol=1e-7 * np.abs(J.T @ J).max())
    assert ne.cost == pytest.approx(ne.cost_depth) and ne.cost_depth == pytest.approx(0.5 * weight * np.sum(r0**2))


def test_depth_rows_of_the_brightness_pair_are_zero():
    """With brightness, the depth residual adds nothing to the ``a``, ``b`` rows of ``H`` and ``g``."""
    points, iref, pose, depth, _ = linear_case(0.1)
    rng = np.random.default_rng(0)
    gray = images.pyramid(rng.uniform(0.2, 0.8, SHAPE), 1)[0]
    # (the model and loss of the CUDA depth check's and the fused test's kernels: each variant compiles once)
    module = align_module("rodrigues")
    stack, dstack = images.stack_with_gradients(gray, np.float64), images.depth_stack(depth, np.float64)
    p, c = kernel_inputs("rodrigues", pose)
    p = np.concatenate([p, [0.1, -0.05]])
    with_depth = normal_equations_depth(module, p, c, points, iref, stack, dstack, "l2", (0.05, 0.01, 3.0), True)
    photometric = normal_equations(module, p, c, points, iref, stack, "l2", 0.05, True)
    np.testing.assert_allclose(with_depth.H[6:, 6:], photometric.H[6:, 6:], rtol=1e-12)
    np.testing.assert_allclose(with_depth.g[6:], photometric.g[6:], rtol=1e-12)
    assert not np.allclose(with_depth.H[:6, :6], photometric.H[:6, :6])


def test_one_robust_weight_of_both_residuals_per_point():
    """Each point's terms are its l2 terms times ``w(e)``, ``e**2 = r**2 + weight_depth * r_D**2`` (DVO-SLAM's rule).

    Point by point (one-point kernels): the l2 kernel gives ``r**2`` and ``weight_depth * r_D**2`` (its
    two costs) and the unweighted ``H``, ``g``; the Tukey kernel's must be ``w(e)`` times those, its
    costs ``rho(e)`` split by the shares of ``e**2``. A point whose depth residual alone is past the
    scale (a target occluded in depth, not in brightness) loses both residuals.
    """
    points, _, pose, depth, _ = linear_case(0.1, n=40)
    rng = np.random.default_rng(5)
    y, x = np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]].astype(float)
    gray = 0.5 + 0.2 * np.sin(0.05 * x + 0.03 * y)
    stack, dstack = images.stack_with_gradients(gray, np.float64), images.depth_stack(depth, np.float64)
    iref = 0.5 + rng.normal(0.0, 0.02, len(points))
    points = points * np.where(rng.uniform(size=len(points)) < 0.3, 1.03, 1.0)[:, None]  # a third off the surface
    module = align_module("se3")
    p, c = kernel_inputs("se3", pose)
    k, scales = 0.05, (0.05, 0.01, 2.0)
    joint_weights = []
    for i in range(len(points)):
        one = (points[i : i + 1], iref[i : i + 1], stack, dstack)
        l2 = normal_equations_depth(module, p, c, *one, "l2", scales, False)
        tukey = normal_equations_depth(module, p, c, *one, DEPTH_LOSS, scales, False)
        wd2 = 2.0 * l2.cost_depth  # weight_depth * r_D**2 (``cost`` is the total: both residuals')
        r2 = 2.0 * l2.cost - wd2
        e2 = r2 + wd2
        u = max(1.0 - e2 / k**2, 0.0)
        w, rho = u * u, k * k / 6.0 * (1.0 - u**3)
        joint_weights.append((w, r2 / k**2 < 1.0))
        np.testing.assert_allclose(tukey.H, w * l2.H, rtol=1e-12, atol=1e-300)
        np.testing.assert_allclose(tukey.g, w * l2.g, rtol=1e-12, atol=1e-300)
        share = r2 / e2 if e2 > 0 else 0.0
        assert tukey.cost == pytest.approx(rho, rel=1e-12, abs=1e-300)
        assert tukey.cost_depth == pytest.approx(rho * (1.0 - share), rel=1e-12, abs=1e-300)
    dropped_by_depth = [w == 0.0 and photometric_inlier for w, photometric_inlier in joint_weights]
    assert 0 < sum(dropped_by_depth) < len(points)
    assert any(w > 0.0 for w, _ in joint_weights)


def test_missing_or_edge_target_depth_drops_only_the_depth_residual():
    points, iref, pose, depth, _ = linear_case(0.05)
    gray = 0.5 + 0.1 * np.sin(np.mgrid[0 : SHAPE[0], 0 : SHAPE[1]][1] * 0.1)
    depth = depth.copy()
    depth[100:130, 120:150] = 0.0  # missing
    depth[140:160, 170:190] = np.nan  # missing (NaN)
    depth[:, 200:] += 0.8  # a depth edge at column 200
    module = align_module("se3")
    stack = images.stack_with_gradients(gray, np.float64)
    dstack = images.depth_stack(images.finite_or_zero(depth), np.float64)
    p, c = kernel_inputs("se3", pose)
    ne = normal_equations_depth(module, p, c, points, iref, stack, dstack, "tukey", (0.05, 0.01, 0.0), False)
    photometric = normal_equations(module, p, c, points, iref, stack, "tukey", 0.05, False)
    # depth weight 0: exactly the photometric system, and the same used points
    counts = [(e.n_used, e.n_behind, e.n_outside) for e in (ne, photometric)]
    assert counts[0] == counts[1]
    np.testing.assert_allclose(ne.H, photometric.H, rtol=1e-12)
    np.testing.assert_allclose(ne.g, photometric.g, rtol=1e-12)
    assert ne.cost == photometric.cost and ne.cost_depth == 0.0
    # the depth residual is dropped where the bilinear neighbourhood touches a missing pixel or the edge
    r = residuals_depth(module, p, c, points, dstack)
    q = points @ pose[:3, :3].T + pose[:3, 3]
    u, v = K[0] * q[:, 0] / q[:, 2] + K[2], K[1] * q[:, 1] / q[:, 2] + K[3]
    x0, y0 = np.floor(u).astype(int), np.floor(v).astype(int)
    missing = ~(depth > 0)
    bad = missing.copy()  # missing pixels and those whose gradient stencil holds one
    bad[1:] |= missing[:-1]
    bad[:-1] |= missing[1:]
    bad[:, 1:] |= missing[:, :-1]
    bad[:, :-1] |= missing[:, 1:]
    bad[:, 199:201] = True  # gradients across the edge
    near = bad[y0, x0] | bad[y0 + 1, x0] | bad[y0, x0 + 1] | bad[y0 + 1, x0 + 1]
    assert near.sum() > 100 and (~near).sum() > 1000
    np.testing.assert_array_equal(np.isfinite(r), ~near)
    assert ne.n_depth_used == int(np.isfinite(r).sum())


def test_depth_stack_marks_missing_and_edges():
    depth = np.full((10, 12), 2.0)
    depth[4, 5] = 0.0
    depth[:, 9:] = 3.0
    st = images.depth_stack(depth, np.float64)
    assert np.isnan(st[4, 5, 0]) and np.isnan(st[4, 4, 1]) and np.isnan(st[3, 5, 2]) and np.isfinite(st[4, 4, 2])
    assert np.isnan(st[0, 8, 1]) and np.isnan(st[0, 9, 1]) and np.isfinite(st[0, 8, 2])
    assert st[0, 0, 1] == 0.0 and st[0, 0, 0] == 2.0


def test_scales_rule_normalises_each_residual_by_its_own_scale():
    """``(s_I, s_D, depth_weight * (s_I / s_D)**2)``, ``s_D`` from the MAD of the depth residuals (floored)."""
    sc = make_scene(shape=(60, 80), motion=(0.01, 0.0, 0.02, 1.0, 0.0, 0.5))
    options = AlignOptions(depth_weight=0.7, levels=1).validated()
    problem = Problem(sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics, None, options, sc.tgt_depth)
    try:
        data = problem.level_data(0)
        s_i, s_d, weight = problem.depth_scales(data, problem.initial, 0.02)
        p, c = problem.kernel_inputs(problem.initial, data.intrinsics)
        r = residuals_depth(problem.module, p[:6], c, data.points[:: mad_step(data.n_points)], data.depth_stack)
        r = r[np.isfinite(r)]
        sigma = max(1.4826 * np.median(np.abs(r - np.median(r))), DEPTH_SIGMA_FLOOR)
        assert s_i == 0.02 and s_d == pytest.approx(1.345 * sigma, rel=1e-5)
        assert weight == pytest.approx(0.7 * (0.02 / s_d) ** 2)
        problem.depth_loss_scale = 0.05
        assert problem.depth_scales(data, problem.initial, 0.02) == (0.02, 0.05, pytest.approx(0.7 * 0.4**2))
    finally:
        problem.release()


def test_align_with_target_depth_recovers_the_pose():
    """Exact depth: the pose to float precision, and at least as good as photometric alone in translation."""
    sc = make_scene(shape=(120, 160))
    photometric = solver.align(sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics, dtype="float64")
    args = (sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics)
    rgbd = solver.align(*args, dtype="float64", tgt_depth=sc.tgt_depth)
    t_photo, _ = lie.pose_error(photometric.pose, sc.pose)
    t_rgbd, r_rgbd = lie.pose_error(rgbd.pose, sc.pose)
    assert rgbd.success and rgbd.n_depth_valid > 0.8 * rgbd.n_valid
    assert t_rgbd <= t_photo and t_rgbd < 2e-4 and r_rgbd < 0.01
    assert np.isnan(photometric.cost_depth) and 0 <= rgbd.cost_depth <= rgbd.cost


def test_align_with_target_depth_converges_from_a_wider_start():
    """A larger translation than photometric alone handles on this scene is recovered with the depth."""
    motion = (0.12, -0.06, 0.15, 3.0, -2.0, 4.0)
    sc = make_scene(motion=motion, shape=(120, 160))
    rgbd = solver.align(sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics, tgt_depth=sc.tgt_depth)
    photometric = solver.align(sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics)
    t_rgbd, r_rgbd = lie.pose_error(rgbd.pose, sc.pose)
    t_photo, _ = lie.pose_error(photometric.pose, sc.pose)
    assert t_rgbd < 2e-3 and r_rgbd < 0.1 and t_rgbd <= t_photo


def test_loss_defaults_to_tukey_with_target_depth_only():
    """With ``tgt_depth`` (``tgt_depths``) the loss defaults to :data:`DEPTH_LOSS`; without, to :data:`DEFAULT_LOSS`."""
    assert (DEFAULT_LOSS, DEPTH_LOSS) == ("huber", "tukey")
    assert AlignOptions().validated().loss == "huber" and AlignOptions().validated(depth=True).loss == "tukey"
    assert AlignOptions(loss="cauchy").validated(depth=True).loss == "cauchy"  # a given loss is kept
    sc = make_scene(shape=(120, 160), noise=0.01)
    args = (sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics)
    rgbd = solver.align(*args, tgt_depth=sc.tgt_depth)
    np.testing.assert_array_equal(rgbd.pose, solver.align(*args, tgt_depth=sc.tgt_depth, loss="tukey").pose)
    assert not np.array_equal(rgbd.pose, solver.align(*args, tgt_depth=sc.tgt_depth, loss="huber").pose)
    np.testing.assert_array_equal(solver.align(*args).pose, solver.align(*args, loss="huber").pose)
    batch = [[a] for a in args[:3]]
    default, tukey = (
        solver.align_batch(*batch, sc.intrinsics, tgt_depths=[sc.tgt_depth], **o)[0] for o in ({}, {"loss": "tukey"})
    )
    np.testing.assert_array_equal(default.pose, tukey.pose)


def test_target_depth_default_drops_an_occluding_box():
    """A box in front of the scene in the target only (its own texture, 0.6 m): Huber's depth terms let it pull.

    The box's depth residuals are metres where the noise is none: Huber's influence stays ``k`` for
    them, the redescending default gives them weight 0 (why :data:`DEPTH_LOSS` is Tukey).
    """
    sc = make_scene(shape=(120, 160), noise=0.01)
    tgt, tgt_depth = sc.tgt_image.copy(), sc.tgt_depth.copy()
    box = (slice(30, 60), slice(53, 106))
    tgt[box] = 0.3 + 0.05 * np.random.default_rng(0).normal(size=tgt[box].shape)
    tgt_depth[box] = 0.6
    args = (sc.ref_image, sc.ref_depth, tgt, sc.intrinsics)
    t_default, r_default = lie.pose_error(solver.align(*args, tgt_depth=tgt_depth).pose, sc.pose)
    t_huber, _ = lie.pose_error(solver.align(*args, tgt_depth=tgt_depth, loss="huber").pose, sc.pose)
    assert t_default < 1e-4 < 2e-4 < t_huber and r_default < 0.005, (t_default, t_huber)


def test_target_depth_is_checked():
    sc = make_scene(shape=(40, 48))
    args = (sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics)
    with pytest.raises(ValueError, match="tgt_depth shape"):
        solver.align(*args, tgt_depth=sc.tgt_depth[:-1])
    with pytest.raises(ValueError, match="tgt_depth must be"):
        solver.align(*args, tgt_depth=np.full(sc.tgt_depth.shape, "x"))
    with pytest.raises(ValueError, match="depth_weight"):
        solver.align(*args, tgt_depth=sc.tgt_depth, depth_weight=-1.0)
    with pytest.raises(ValueError, match="depth_loss_scale"):
        solver.align(*args, tgt_depth=sc.tgt_depth, depth_loss_scale=0.0)


def test_batched_depth_kernel_matches_one_pair_at_a_time():
    # the depth default loss: the CUDA pipeline check compiles the same batch kernel
    cases = [linear_case(angle, seed=seed, n=n) for angle, seed, n in ((0.1, 1, 1001), (0.3, 2, 803))]
    module = align_module("se3")
    scales = np.array([[0.05, 0.01, 2.0], [0.03, 0.02, 0.5]])
    singles, params, constants, stacks, dstacks = [], [], [], [], []
    for (points, iref, pose, depth, _), s in zip(cases, scales, strict=True):
        gray = 0.5 + 0.1 * np.sin(0.07 * np.arange(SHAPE[1]))[None, :] * np.ones(SHAPE)
        stack, dstack = images.stack_with_gradients(gray, np.float64), images.depth_stack(depth, np.float64)
        p, c = kernel_inputs("se3", pose)
        singles.append(normal_equations_depth(module, p, c, points, iref, stack, dstack, DEPTH_LOSS, s, False))
        params.append(p), constants.append(c), stacks.append(stack), dstacks.append(dstack)
    offsets = np.cumsum([0, *(len(cs[0]) for cs in cases)])
    acc = module.normal_equations_depth_batch(
        np.array(params), np.array(constants), np.concatenate([cs[0] for cs in cases]),
        np.concatenate([cs[1] for cs in cases]), np.stack(stacks), np.stack(dstacks), offsets,
        np.array([True, True]), LOSSES.index(DEPTH_LOSS), scales,
    )  # fmt: skip
    layout = module.DESCRIPTION["accumulators"]["normal_equations_depth"]
    for row, single in zip(acc, singles, strict=True):
        ne = unpack(row, layout)
        assert (ne.n_used, ne.n_depth_used) == (single.n_used, single.n_depth_used)
        np.testing.assert_allclose(ne.H, single.H, rtol=1e-12)
        np.testing.assert_allclose(ne.g, single.g, rtol=1e-12)
        assert ne.cost == pytest.approx(single.cost, rel=1e-12)
