"""``solver.align_batch``: many pairs in lockstep give exactly what one-by-one alignment gives."""

import numpy as np
import pytest

import solver
from solver.core import lie
from solver.synthetic import make_scene

MOTIONS = [
    (0.02, -0.01, 0.03, 2.0, -1.5, 3.0),
    (0.0, 0.03, 0.0, -3.0, 0.0, 1.0),
    (-0.03, 0.0, 0.01, 0.5, 2.5, 0.0),
]


@pytest.fixture(scope="module")
def scenes():
    return [make_scene(m, shape=(120, 160), seed=k) for k, m in enumerate(MOTIONS)]


def _stack(scenes, name):
    return [getattr(s, name) for s in scenes]


@pytest.mark.parametrize("options", [{}, {"model": "rodrigues", "brightness": True, "fixed": ("b",)}])
def test_batch_equals_one_by_one(scenes, options):
    refs, depths, tgts = _stack(scenes, "ref_image"), _stack(scenes, "ref_depth"), _stack(scenes, "tgt_image")
    K = scenes[0].intrinsics
    batch = solver.align_batch(refs, depths, tgts, K, levels=3, **options)
    assert len(batch) == len(scenes)
    for res, s, r, d, t in zip(batch, scenes, refs, depths, tgts, strict=True):
        one = solver.align(r, d, t, K, levels=3, **options)
        np.testing.assert_allclose(res.pose, one.pose, atol=1e-12)
        assert res.status == one.status and res.nit == one.nit
        assert [lvl.iterations for lvl in res.levels] == [lvl.iterations for lvl in one.levels]
        t_err, r_err = lie.pose_error(res.pose, s.pose)
        assert res.success and t_err < 1e-3 and r_err < 1e-2, (t_err, r_err)


def test_per_pair_init_and_intrinsics(scenes):
    s = scenes[0]
    near = lie.se3_exp(lie.se3_log(s.pose) * 0.9)
    inits = np.stack([np.eye(4), near])
    Ks = np.stack([s.intrinsics, s.intrinsics])
    res = solver.align_batch([s.ref_image] * 2, [s.ref_depth] * 2, [s.tgt_image] * 2, Ks, init=inits, levels=3)
    for r in res:
        t_err, r_err = lie.pose_error(r.pose, s.pose)
        assert r.success and t_err < 1e-3 and r_err < 1e-2
    assert res[1].nit <= res[0].nit  # a closer start needs no more iterations


def test_bad_batches_raise(scenes):
    s = scenes[0]
    one = ([s.ref_image], [s.ref_depth], [s.tgt_image])
    with pytest.raises(ValueError, match="B >= 1"):
        solver.align_batch([], [], [], s.intrinsics)
    with pytest.raises(ValueError, match="as many"):
        solver.align_batch([s.ref_image] * 2, [s.ref_depth], [s.tgt_image] * 2, s.intrinsics)
    with pytest.raises(ValueError, match="callback"):
        solver.align_batch(*one, s.intrinsics, callback=print)
    with pytest.raises(ValueError, match="init must have shape"):
        solver.align_batch(*one, s.intrinsics, init=np.eye(3))
    with pytest.raises(ValueError, match="intrinsics must have shape"):
        solver.align_batch(*one, np.ones((2, 4)))
    small = make_scene(MOTIONS[0], shape=(60, 80))
    with pytest.raises(ValueError, match="same image shape"):
        solver.align_batch(
            [s.ref_image, small.ref_image], [s.ref_depth, small.ref_depth], [s.tgt_image, small.tgt_image], s.intrinsics
        )


@pytest.mark.parametrize(
    "options",
    [{}, {"depth_weight": 0.5, "depth_loss_scale": 0.01}, {"model": "rodrigues", "brightness": True, "fixed": ("b",)}],
)
def test_batch_with_target_depths_equals_one_by_one(scenes, options):
    """RGB-D in lockstep: each pair exactly as ``align(..., tgt_depth=...)`` (own depth scales per level)."""
    refs, depths, tgts = _stack(scenes, "ref_image"), _stack(scenes, "ref_depth"), _stack(scenes, "tgt_image")
    tgt_depths = np.stack(_stack(scenes, "tgt_depth"))  # (B, H, W) as well as a list
    K = scenes[0].intrinsics
    batch = solver.align_batch(refs, depths, tgts, K, tgt_depths=tgt_depths, levels=3, **options)
    assert len(batch) == len(scenes)
    for res, s, r, d, t in zip(batch, scenes, refs, depths, tgts, strict=True):
        one = solver.align(r, d, t, K, tgt_depth=s.tgt_depth, levels=3, **options)
        np.testing.assert_allclose(res.pose, one.pose, atol=1e-12)
        assert res.status == one.status and res.nit == one.nit
        assert [lvl.iterations for lvl in res.levels] == [lvl.iterations for lvl in one.levels]
        assert [lvl.loss_scale for lvl in res.levels] == [lvl.loss_scale for lvl in one.levels]
        assert res.n_depth_valid == one.n_depth_valid > 0
        assert res.cost_depth == pytest.approx(one.cost_depth, rel=1e-12, abs=1e-15)
        t_err, r_err = lie.pose_error(res.pose, s.pose)
        assert res.success and t_err < 1e-3 and r_err < 1e-2, (t_err, r_err)


def test_bad_target_depths_raise(scenes):
    s = scenes[0]
    two = ([s.ref_image] * 2, [s.ref_depth] * 2, [s.tgt_image] * 2, s.intrinsics)
    with pytest.raises(ValueError, match="tgt_depths must hold one depth per pair"):
        solver.align_batch(*two, tgt_depths=[s.tgt_depth])
    with pytest.raises(ValueError, match="tgt_depths must hold one depth per pair"):
        solver.align_batch(*two, tgt_depths=s.tgt_depth[None])
    with pytest.raises(ValueError, match="tgt_depth shape"):
        solver.align_batch(*two, tgt_depths=[s.tgt_depth, s.tgt_depth[:-1]])
    with pytest.raises(ValueError, match="tgt_depths must be"):
        solver.align_batch(*two, tgt_depths=3.0)


def test_target_depths_on_cuda_without_depth_kernels_raise_before_device_work(monkeypatch, scenes):
    """``target="cuda"`` with ``tgt_depths`` for a model whose CUDA align module has no depth kernels (one generated
    before them): a ValueError from the model's capability once the options are valid, before any array is made."""
    import solver.options
    from solver.core.model import AlignModel

    made = []

    class Device:
        name = "cuda"

        def __getattr__(self, attr):
            made.append(attr)  # any device work (images, pyramids, joins) would land here
            raise AssertionError(attr)

        def choose(self, cpu, cuda):
            return cuda()

    monkeypatch.setattr(solver.options, "arrays_for", lambda target: Device)  # no GPU needed
    monkeypatch.setattr(AlignModel, "has_depth", lambda self, target="cpu": target == "cpu")
    s = scenes[0]
    with pytest.raises(ValueError, match="tgt_depths: .*no depth kernels for target 'cuda'"):
        solver.align_batch(
            [s.ref_image], [s.ref_depth], [s.tgt_image], s.intrinsics, tgt_depths=[s.tgt_depth], target="cuda"
        )
    assert made == []
