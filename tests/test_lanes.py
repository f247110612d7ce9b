"""Lane vectors (jacgen.lanes) against NumPy, and which models get lane kernels."""

import math

import numpy as np
import pytest
from numba import njit

import jacgen
from jacgen.backends.cpu_stream import lane_ready
from jacgen.builtin import builtin_models
from jacgen.derive import derive
from jacgen.lanes import (
    FASTMATH_FLAGS,
    lane_corners,
    lane_f64,
    lane_log1p,
    lane_rows,
    lane_select,
    lane_store_mask,
    lane_stream_rows,
    lane_sum,
    lane_width,
    lane_zeros,
)
from jacgen.streaming import store_fence


@njit(fastmath={"contract", "arcp", "nsz", "reassoc"})
def _lanes4(points, two, odd, valid):
    """Rows (a, b) and (c, d, e) of every point from lane arithmetic, a lane vector of points per step."""
    flat, two_flat, odd_flat = points.reshape(-1), two.reshape(-1), odd.reshape(-1)
    lanes = lane_width(flat)
    for start in range(0, points.shape[0] - points.shape[0] % lanes, lanes):
        iu = np.uint64(start)
        x = lane_rows(flat, iu, 3, 0)
        y = lane_rows(flat, iu, 3, 1)
        z = lane_rows(flat, iu, 3, 2)
        a = 2.0 * x - y / z + 1.0
        b = -(x * x) + abs(y) * 0.5 - math.sqrt(abs(z))
        ok = ((z > 0.0) & (x <= 0.75)) | (y >= 0.9) & (points.shape[0] > 0)  # a scalar operand too
        lane_store_mask(valid, iu, ok)
        nan_unless_ok = lane_select(ok, x - x, math.nan)  # a lane vector of the points' dtype
        c = lane_select(x < y, x, y)
        lane_stream_rows(two_flat, iu, (a + nan_unless_ok, b + nan_unless_ok))
        lane_stream_rows(odd_flat, iu, (c, z - 1.0, 3.0 - x))
    store_fence()


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_lane_arithmetic_and_stores_match_numpy(dtype):
    n = 8 * 37
    rng = np.random.default_rng(4)
    points = rng.uniform(-1, 1, (n, 3)).astype(dtype)
    points[::5, 2] = -points[::5, 2]
    two, odd = np.full((n, 2), 7.0, dtype), np.full((n, 3), 7.0, dtype)
    valid = np.zeros(n, np.bool_)
    _lanes4(points, two, odd, valid)
    x, y, z = points.T.astype(np.float64)
    ok = ((z > 0) & (x <= 0.75)) | (y >= 0.9)
    np.testing.assert_array_equal(valid, ok)
    nan = np.where(ok, 0.0, np.nan)
    rtol = 1e-14 if dtype == np.float64 else 2e-6
    a, b = 2 * x - y / z + 1, -(x * x) + np.abs(y) * 0.5 - np.sqrt(np.abs(z))
    np.testing.assert_allclose(two, np.c_[a + nan, b + nan], rtol=rtol, atol=rtol * np.nanmax(np.abs(a)))
    np.testing.assert_allclose(odd, np.c_[np.minimum(x, y), z - 1, 3 - x], rtol=rtol, atol=rtol)


def test_builtin_kernels_are_lane_ready_and_transcendental_per_point_code_is_not():
    for model in builtin_models().values():
        for kind in ("warp", "warp_jacobian"):
            assert lane_ready(derive(model, kind)), (model.name, kind)
    wave = jacgen.define_model("wave_test", params="a b k", point="x y", outputs=lambda p, X, c: (p[0] * X[0],))
    assert lane_ready(derive(wave, "warp_jacobian"))
    import sympy as sp

    wave = jacgen.define_model(
        "wave_test", params="a b k", point="x y", outputs=lambda p, X, c: (p[0] * sp.sin(X[0]) + p[1] * X[1] + p[2],)
    )
    assert not lane_ready(derive(wave, "warp_jacobian"))
    constant = jacgen.define_model("constant_test", params="a", point="x y", outputs=lambda p, X, c: (2 * p[0],))
    assert not lane_ready(derive(constant, "warp_jacobian"))  # its validity would not be per lane


@pytest.mark.parametrize("name", ["lanes_end", "chunk_first", "lane_rows", "nan_unless_ok", "acc_H_r1_r1", "j3_64"])
def test_names_of_the_streaming_templates_are_reserved(name):
    with pytest.raises(ValueError, match="reserved"):
        jacgen.define_model("clash_test", params=f"a {name}", point="x", outputs=lambda p, X, c: (p[0] * X[0] + p[1],))


@njit(fastmath=set(FASTMATH_FLAGS))
def _fused_pieces(values, image, xs, ys, out):
    """The fused kernels' lane helpers on one lane vector of points: sums, widening, log1p, bilinear corners."""
    first = np.uint64(0)
    x = lane_rows(values, first, 1, 0)
    total = lane_zeros(values)
    for _ in range(3):
        total = total + lane_f64(x)
    out[0] = lane_sum(total)
    out[1] = lane_sum(lane_log1p(lane_f64(abs(x))))
    row = np.uint64(3 * image.shape[1])
    corner = lane_corners(image.reshape(-1), first, row, lane_rows(xs, first, 1, 0), lane_rows(ys, first, 1, 0), 2)
    out[2] = lane_sum(lane_f64(corner[0])) + lane_sum(lane_f64(corner[3]))
    out[3] = lane_f64(np.float32(0.5))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_fused_lane_helpers_match_numpy(dtype):
    lanes = 8 if dtype == np.float32 else 4  # one 256-bit vector
    values = np.array([1e16, 1.0, -1e16, 3.0, 0.0, 0.0, 0.0, 0.0][:lanes], dtype=dtype)
    image = np.arange(5 * 6 * 3, dtype=dtype).reshape(5, 6, 3)
    xs = np.array([0.0, 4.0, 2.0, 1.0, 0.0, 0.0, 0.0, 0.0][:lanes], dtype=dtype)
    ys = np.array([0.0, 3.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0][:lanes], dtype=dtype)
    out = np.zeros(4)
    _fused_pieces(values, image, xs, ys, out)
    wide = values.astype(np.float64)
    # lanes added in order, never reassociated: 3 v1 is lost to rounding next to 3e16
    assert out[0] == ((3 * wide[0] + 3 * wide[1]) + 3 * wide[2]) + 3 * wide[3]
    assert out[1] == pytest.approx(np.log1p(np.abs(wide)).sum(), rel=1e-15)
    ix, iy = xs.astype(int), ys.astype(int)
    assert out[2] == image[iy, ix, 2].astype(np.float64).sum() + image[iy + 1, ix + 1, 2].astype(np.float64).sum()
    assert out[3] == 0.5
