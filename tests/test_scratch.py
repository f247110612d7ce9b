"""Scratch pool: buffers are reused after release, never shared while live, and never leak into results."""

import numpy as np

import solver
from solver.arrays import scratch
from solver.synthetic import make_scene


def test_empty_gives_contiguous_writable_arrays_of_the_asked_shape():
    s = scratch.Scratch()
    for shape, dtype in (((7, 5), np.float64), ((11, 3), np.float32), (13, np.bool_), ((0, 3), np.float32)):
        a = s.empty(shape, dtype)
        assert a.shape == (shape if isinstance(shape, tuple) else (shape,))
        assert a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
        a[...] = 1
    s.release()


def test_released_buffers_are_reused_and_live_ones_are_not_shared(monkeypatch):
    monkeypatch.setattr(scratch, "_free", [])  # an empty pool, whatever earlier tests left in it
    first = scratch.Scratch()
    a = first.empty((1000, 3), np.float32)
    b = first.empty((1000, 3), np.float32)
    assert not np.shares_memory(a, b)
    second = scratch.Scratch()
    c = second.empty((1000, 3), np.float32)
    assert not np.shares_memory(a, c) and not np.shares_memory(b, c)
    address = a.__array_interface__["data"][0]
    first.release()
    third = scratch.Scratch()
    reused = {third.empty((1000, 3), np.float32).__array_interface__["data"][0] for _ in range(2)}
    assert address in reused
    second.release()
    third.release()


def test_pool_is_bounded(monkeypatch):
    monkeypatch.setattr(scratch, "MAX_POOLED_BYTES", 1 << 20)
    s = scratch.Scratch()
    for _ in range(8):
        s.empty(300_000, np.uint8)
    s.release()
    assert scratch.pooled_bytes() <= 1 << 20


def test_results_do_not_alias_scratch_memory():
    motions = [(0.01, 0, 0, 1, 0, 0), (0, 0.01, 0, 0, 1, 0)]
    scenes = [make_scene(m, shape=(96, 128), seed=k) for k, m in enumerate(motions)]
    runs = []
    for sc in scenes + scenes:  # the second round reuses the first round's pages
        res = solver.align(sc.ref_image, sc.ref_depth, sc.tgt_image, sc.intrinsics, levels=2)
        runs.append((res, res.pose.copy(), res.covariance.copy()))
    for res, pose, cov in runs:
        np.testing.assert_array_equal(res.pose, pose)
        np.testing.assert_array_equal(res.covariance, cov)
    for (_r1, p1, _c1), (_r2, p2, _c2) in zip(runs[:2], runs[2:], strict=True):
        np.testing.assert_array_equal(p1, p2)  # reused memory gives the same answer
