"""The non-temporal-store kernels (picked for large N) give the plain kernels' outputs.

Not bit for bit: the kernels are compiled separately and LLVM may fuse multiply-adds
differently (fastmath ``contract``, ``reassoc``): a few ulp, up to 1e-13 of the largest entry
where terms cancel. ``n`` is no multiple of the lane count, so each
test also covers the last points that the lane kernels compute one at a time.
"""

import numpy as np
import pytest

import jacgen
from generated import rodrigues_cpu

K = (517.3, 516.5, 318.6, 255.3)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_large_outputs_match_plain_kernels(dtype):
    """From STREAM_MIN_POINTS on, the launchers take the streaming kernels (lanes, NaN by select)."""
    n = rodrigues_cpu.STREAM_MIN_POINTS + 1234  # not a multiple of the chunk size
    rng = np.random.default_rng(3)
    points = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(0.5, 10, n)]).astype(dtype)
    points[::101, 2] = -1.0  # behind the camera: NaN rows, valid False
    params = np.array([0.3, -0.2, 0.1, 0.05, -0.02, 0.1])
    uv, J, valid = jacgen.warp_jacobian("rodrigues", params, points, K)  # n >= STREAM_MIN_POINTS: streaming
    h = rodrigues_cpu._hoist_warp_jacobian(params, np.array(K))
    uv0, J0, valid0 = np.empty_like(uv), np.empty_like(J), np.empty_like(valid)
    plain = rodrigues_cpu._warp_jacobian  # one body, compiled for the dtype of the points
    plain(h, points, uv0, J0, valid0)
    assert uv.dtype == J.dtype == dtype
    assert not valid[::101].any() and valid.sum() == n - len(points[::101])
    np.testing.assert_array_equal(valid, valid0)
    rtol = 1e-14 if dtype == np.float64 else 1e-6
    scale = np.nanmax(np.abs(uv0))
    np.testing.assert_allclose(uv, uv0, rtol=rtol, atol=rtol * scale)  # NaN rows must match too
    np.testing.assert_allclose(J, J0, rtol=rtol, atol=rtol * np.nanmax(np.abs(J0)))
    uv_w, valid_w = jacgen.warp("rodrigues", params, points, K)
    np.testing.assert_allclose(uv_w, uv0, rtol=rtol, atol=rtol * scale)
    np.testing.assert_array_equal(valid_w, valid0)


@pytest.mark.parametrize("model", ["euler_xyz", "se3"])
def test_other_models_streaming_kernels_match_plain(model):
    """Every built-in model's streaming kernels (warp_jacobian and, for se3, the at-zero kernel)."""
    import importlib

    mod = importlib.import_module(f"generated.{model}_cpu")
    n = mod.STREAM_MIN_POINTS + 77
    rng = np.random.default_rng(5)
    points = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(0.5, 10, n)])
    points[::97, 2] = -2.0
    params = np.array([0.4, 0.3, -0.2, 0.05, -0.02, 0.1])
    c = np.array(K)
    kinds = [("warp_jacobian", (params, c))] + (
        [("warp_jacobian_at_zero", (mod.ZERO_PARAMS, c))] if model == "se3" else []
    )
    for kind, hoist_args in kinds:
        h = getattr(mod, f"_hoist_{kind}")(*hoist_args)
        outs = [(np.empty((n, 2)), np.empty((n, 2, 6)), np.empty(n, np.bool_)) for _ in range(2)]
        getattr(mod, f"_{kind}")(h, points, *outs[0])
        getattr(mod, f"_{kind}_stream")(h, points, *outs[1])
        np.testing.assert_array_equal(outs[1][2], outs[0][2])
        assert not outs[1][2][::97].any()
        for a, b in zip(outs[1][:2], outs[0][:2], strict=True):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-13 * np.nanmax(np.abs(b)))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_outputs_not_aligned_to_two_items_take_the_plain_kernel(dtype):
    """Streaming kernels store two values at once (declared aligned); other outputs must not reach them."""
    from jacgen.streaming import pair_aligned

    n = rodrigues_cpu.STREAM_MIN_POINTS + 5
    rng = np.random.default_rng(8)
    points = np.column_stack([rng.uniform(-1, 1, (n, 2)), rng.uniform(0.5, 10, n)]).astype(dtype)
    params = np.array([0.3, -0.2, 0.1, 0.05, -0.02, 0.1])
    buffer = np.empty(n * 14 + 1, dtype)
    uv, jac = buffer[1 : 1 + 2 * n].reshape(n, 2), buffer[1 + 2 * n :].reshape(n, 2, 6)  # one item off
    assert not pair_aligned(uv, jac)
    valid = np.empty(n, np.bool_)
    rodrigues_cpu.warp_jacobian(params, points, np.array(K), uv, jac, valid)
    uv0, J0, valid0 = jacgen.warp_jacobian("rodrigues", params, points, K)
    assert pair_aligned(uv0, J0)
    rtol = 1e-14 if dtype == np.float64 else 1e-6
    np.testing.assert_array_equal(valid, valid0)
    np.testing.assert_allclose(uv, uv0, rtol=rtol, atol=rtol * np.abs(uv0).max())
    np.testing.assert_allclose(jac, J0, rtol=rtol, atol=rtol * np.abs(J0).max())


@pytest.mark.parametrize("per_point", ["arithmetic", "sqrt", "sin"])
def test_odd_row_lengths_stream_one_value_per_store(tmp_path, per_point):
    """One output and three parameters: rows of odd length cannot be stored in pairs.

    Arithmetic per-point code (square roots and ``abs`` included) gets the lane kernel, ``sin`` of a
    coordinate the tile kernel.
    """
    import sympy as sp

    name = f"plane_{per_point}"
    first = {"arithmetic": lambda x: x, "sqrt": lambda x: sp.sqrt(1 + sp.Abs(x) ** 3), "sin": sp.sin}[per_point]
    plane = jacgen.define_model(
        name, params="a b k", point="x y", outputs=lambda p, X, c: (p[0] * first(X[0]) + p[1] * X[1] ** 2 + p[2],)
    )
    handle = jacgen.build_model(plane, tmp_path, ("cpu",))
    source = (tmp_path / f"{name}_cpu.py").read_text()
    kernel = "stream_store(" if per_point == "sin" else "lane_stream_rows("
    assert kernel in source and "stream_store_pair(" not in source
    n = rodrigues_cpu.STREAM_MIN_POINTS + 3
    xy = np.random.default_rng(2).uniform(-1, 1, (n, 2))
    p = np.array([0.5, -2.0, 0.25])
    uv, J, valid = jacgen.warp_jacobian(handle, p, xy, ())
    x = {"arithmetic": xy[:, 0], "sqrt": np.sqrt(1 + np.abs(xy[:, 0]) ** 3), "sin": np.sin(xy[:, 0])}[per_point]
    assert valid.all() and uv.shape == (n, 1) and J.shape == (n, 1, 3)
    np.testing.assert_allclose(uv[:, 0], p[0] * x + p[1] * xy[:, 1] ** 2 + p[2], rtol=1e-14, atol=1e-15)
    np.testing.assert_allclose(J[:, 0], np.c_[x, xy[:, 1] ** 2, np.ones(n)], rtol=1e-14, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_api_outputs_and_empty_aligned_start_on_a_cache_line(dtype):
    """Streaming kernels store cache line by cache line on 64-byte-aligned outputs (see empty_aligned)."""
    for shape in [(0, 2), (3,), (rodrigues_cpu.STREAM_MIN_POINTS, 2, 6)]:
        a = jacgen.empty_aligned(shape, dtype)
        assert a.shape == shape and a.dtype == dtype and a.flags.c_contiguous and a.flags.writeable
        assert a.size == 0 or a.__array_interface__["data"][0] % 64 == 0
    points = np.random.default_rng(1).uniform(0.5, 2.0, (rodrigues_cpu.STREAM_MIN_POINTS, 3)).astype(dtype)
    uv, J, valid = jacgen.warp_jacobian("rodrigues", np.zeros(6), points, K)
    assert uv.__array_interface__["data"][0] % 64 == 0 and J.__array_interface__["data"][0] % 64 == 0
    with pytest.raises(ValueError, match="alignment"):
        jacgen.empty_aligned((4,), dtype, alignment=3)
