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
