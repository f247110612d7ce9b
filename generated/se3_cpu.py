# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: se3 (symbolic hash be1faa1dcc3e4234)
#   T = exp(xi^), xi = (omega, v) = (r1, r2, r3, t1, t2, t3); pinhole projection
# params: r1, r2, r3, t1, t2, t3   point: X, Y, Z   constants: fx, fy, cx, cy
# content hash: sha256:a050ec07f9173428d88acfb4eca5dbc9
# operation counts (sympy count_ops):
#   kernel                    before cse   after cse   hoisted   per point
#   warp                             561          98        73          25
#   warp_jacobian                  13490         549       435         114
#   warp_jacobian_at_zero             41          27         1          26
# --------------------------------------------------------------------------------------------------
"""Kernels of the ``se3`` warp for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.lanes import lane_load, lane_select, lane_store_mask, lane_stream_rows
from jacgen.streaming import pair_aligned, store_fence

MODEL = "se3"
TARGET = "cpu"
PARAMS = ("r1", "r2", "r3", "t1", "t2", "t3")
POINT = ("X", "Y", "Z")
CONSTANTS = ("fx", "fy", "cx", "cy")
OUTPUTS = ("u", "v")
POSITIVE_CONSTANTS = ("fx", "fy")
HAS_VALIDITY = True
KERNELS = ("warp", "warp_jacobian", "warp_jacobian_at_zero")
ZERO_PARAMS = np.zeros(6)
_F32 = np.float32
_F64 = np.float64
FASTMATH = {"contract", "arcp", "nsz"}
STREAM_CHUNK = 4096
STREAM_MIN_POINTS = 65536


_phi1_COEFFS = (
    -1.216125041553518e-34,
    1.1309962886447716e-31,
    -9.183689863795546e-29,
    6.446950284384474e-26,
    -3.868170170630684e-23,
    1.9572941063391263e-20,
    -8.22063524662433e-18,
    2.8114572543455206e-15,
    -7.647163731819816e-13,
    1.6059043836821613e-10,
    -2.505210838544172e-08,
    2.7557319223985893e-06,
    -0.0001984126984126984,
    0.008333333333333333,
    -0.16666666666666666,
    1.0,
)


@njit(cache=True)
def _phi1(s):
    """phi_1(s), s = t**2: Taylor series for s <= 4.0, closed form above."""
    if s <= 4.0:
        acc = 0.0
        for c in _phi1_COEFFS:
            acc = acc * s + c
        return acc
    t = math.sqrt(s)
    value = math.sin(t) / t
    return value


_phi2_COEFFS = (
    -3.8003907548547434e-36,
    3.7699876288159054e-33,
    -3.279889237069838e-30,
    2.4795962632247976e-27,
    -1.6117375710961184e-24,
    8.896791392450574e-22,
    -4.110317623312165e-19,
    1.5619206968586225e-16,
    -4.779477332387385e-14,
    1.1470745597729725e-11,
    -2.08767569878681e-09,
    2.755731922398589e-07,
    -2.48015873015873e-05,
    0.001388888888888889,
    -0.041666666666666664,
    0.5,
)


@njit(cache=True)
def _phi2(s):
    """phi_2(s), s = t**2: Taylor series for s <= 4.0, closed form above."""
    if s <= 4.0:
        acc = 0.0
        for c in _phi2_COEFFS:
            acc = acc * s + c
        return acc
    t = math.sqrt(s)
    value = math.cos(t)
    value = (1.0 - value) / s
    return value


_phi3_COEFFS = (
    -1.151633562077195e-37,
    1.216125041553518e-34,
    -1.1309962886447716e-31,
    9.183689863795546e-29,
    -6.446950284384474e-26,
    3.868170170630684e-23,
    -1.9572941063391263e-20,
    8.22063524662433e-18,
    -2.8114572543455206e-15,
    7.647163731819816e-13,
    -1.6059043836821613e-10,
    2.505210838544172e-08,
    -2.7557319223985893e-06,
    0.0001984126984126984,
    -0.008333333333333333,
    0.16666666666666666,
)


@njit(cache=True)
def _phi3(s):
    """phi_3(s), s = t**2: Taylor series for s <= 4.0, closed form above."""
    if s <= 4.0:
        acc = 0.0
        for c in _phi3_COEFFS:
            acc = acc * s + c
        return acc
    t = math.sqrt(s)
    value = math.sin(t) / t
    value = (1.0 - value) / s
    return value


_phi4_COEFFS = (
    -3.387157535521162e-39,
    3.8003907548547434e-36,
    -3.7699876288159054e-33,
    3.279889237069838e-30,
    -2.4795962632247976e-27,
    1.6117375710961184e-24,
    -8.896791392450574e-22,
    4.110317623312165e-19,
    -1.5619206968586225e-16,
    4.779477332387385e-14,
    -1.1470745597729725e-11,
    2.08767569878681e-09,
    -2.755731922398589e-07,
    2.48015873015873e-05,
    -0.001388888888888889,
    0.041666666666666664,
)


@njit(cache=True)
def _phi4(s):
    """phi_4(s), s = t**2: Taylor series for s <= 4.0, closed form above."""
    if s <= 4.0:
        acc = 0.0
        for c in _phi4_COEFFS:
            acc = acc * s + c
        return acc
    t = math.sqrt(s)
    value = math.cos(t)
    value = (1.0 - value) / s
    value = (0.5 - value) / s
    return value


_phi5_COEFFS = (
    -9.67759295863189e-41,
    1.151633562077195e-37,
    -1.216125041553518e-34,
    1.1309962886447716e-31,
    -9.183689863795546e-29,
    6.446950284384474e-26,
    -3.868170170630684e-23,
    1.9572941063391263e-20,
    -8.22063524662433e-18,
    2.8114572543455206e-15,
    -7.647163731819816e-13,
    1.6059043836821613e-10,
    -2.505210838544172e-08,
    2.7557319223985893e-06,
    -0.0001984126984126984,
    0.008333333333333333,
)


@njit(cache=True)
def _phi5(s):
    """phi_5(s), s = t**2: Taylor series for s <= 4.0, closed form above."""
    if s <= 4.0:
        acc = 0.0
        for c in _phi5_COEFFS:
            acc = acc * s + c
        return acc
    t = math.sqrt(s)
    value = math.sin(t) / t
    value = (1.0 - value) / s
    value = (0.16666666666666666 - value) / s
    return value


@njit(cache=True)
def _hoist_warp(params, constants):
    """Parameter-only terms of ``warp`` (float64, once per call)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    h0 = r1 * r1
    h1 = r2 * r2
    h2 = r3 * r3
    h3 = h0 + h1 + h2
    h4 = _phi1(h3)
    h5 = h4 * r2
    h6 = _phi2(h3)
    h7 = h6 * r1
    h8 = h7 * r3
    h9 = h4 * r1
    h10 = h6 * r2
    h11 = h0 * h6
    h12 = h1 * h6 - 1.0
    h13 = _phi3(h3)
    h14 = h13 * r3
    h15 = h14 * r1
    h16 = h0 * h13
    h17 = h1 * h13 - 1.0
    h18 = -h5 + h8
    h19 = h10 * r3 + h9
    h20 = -h11 - h12
    h21 = t1 * (-h10 + h15) + t2 * (h14 * r2 + h7) + t3 * (-h16 - h17)
    h22 = h2 * h6
    h23 = h4 * r3
    h24 = h10 * r1
    h25 = h13 * h2
    h26 = h6 * r3
    h27 = h13 * r1 * r2
    h28 = -h12 - h22
    h29 = -h23 + h24
    h30 = h5 + h8
    h31 = t1 * (-h17 - h25) + t2 * (-h26 + h27) + t3 * (h10 + h15)
    h32 = h23 + h24
    h33 = -h11 - h22 + 1.0
    h34 = h6 * r2 * r3 - h9
    h35 = t1 * (h26 + h27) + t2 * (-h16 - h25 + 1.0) + t3 * (h13 * r2 * r3 - h7)
    out = np.empty(16)
    out[0] = h18
    out[1] = h19
    out[2] = h20
    out[3] = h21
    out[4] = h28
    out[5] = h29
    out[6] = h30
    out[7] = h31
    out[8] = h32
    out[9] = h33
    out[10] = h34
    out[11] = h35
    out[12] = fx
    out[13] = fy
    out[14] = cx
    out[15] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_f32(h, points, uv, valid):
    h18 = _F32(h[0])
    h19 = _F32(h[1])
    h20 = _F32(h[2])
    h21 = _F32(h[3])
    h28 = _F32(h[4])
    h29 = _F32(h[5])
    h30 = _F32(h[6])
    h31 = _F32(h[7])
    h32 = _F32(h[8])
    h33 = _F32(h[9])
    h34 = _F32(h[10])
    h35 = _F32(h[11])
    fx = _F32(h[12])
    fy = _F32(h[13])
    cx = _F32(h[14])
    cy = _F32(h[15])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h18 + Y * h19 + Z * h20 + h21
        p1 = _F32(1.0) / p0
        o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
        o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
        if p0 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_f64(h, points, uv, valid):
    h18 = _F64(h[0])
    h19 = _F64(h[1])
    h20 = _F64(h[2])
    h21 = _F64(h[3])
    h28 = _F64(h[4])
    h29 = _F64(h[5])
    h30 = _F64(h[6])
    h31 = _F64(h[7])
    h32 = _F64(h[8])
    h33 = _F64(h[9])
    h34 = _F64(h[10])
    h35 = _F64(h[11])
    fx = _F64(h[12])
    fy = _F64(h[13])
    cx = _F64(h[14])
    cy = _F64(h[15])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h18 + Y * h19 + Z * h20 + h21
        p1 = _F64(1.0) / p0
        o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
        o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
        if p0 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_stream_f32(h, points, uv, valid):
    h18 = _F32(h[0])
    h19 = _F32(h[1])
    h20 = _F32(h[2])
    h21 = _F32(h[3])
    h28 = _F32(h[4])
    h29 = _F32(h[5])
    h30 = _F32(h[6])
    h31 = _F32(h[7])
    h32 = _F32(h[8])
    h33 = _F32(h[9])
    h34 = _F32(h[10])
    h35 = _F32(h[11])
    fx = _F32(h[12])
    fy = _F32(h[13])
    cx = _F32(h[14])
    cy = _F32(h[15])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 8
        for start in range(chunk_first, lanes_end, 8):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 8, 3, 0)
            Y = lane_load(points_flat, iu, 8, 3, 1)
            Z = lane_load(points_flat, iu, 8, 3, 2)
            p0 = X * h18 + Y * h19 + Z * h20 + h21
            p1 = _F32(1.0) / p0
            o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
            o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
            ok = (p0 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F32(0.0), _F32(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = X * h18 + Y * h19 + Z * h20 + h21
            p1 = _F32(1.0) / p0
            o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
            o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
            ok = (p0 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_stream_f64(h, points, uv, valid):
    h18 = _F64(h[0])
    h19 = _F64(h[1])
    h20 = _F64(h[2])
    h21 = _F64(h[3])
    h28 = _F64(h[4])
    h29 = _F64(h[5])
    h30 = _F64(h[6])
    h31 = _F64(h[7])
    h32 = _F64(h[8])
    h33 = _F64(h[9])
    h34 = _F64(h[10])
    h35 = _F64(h[11])
    fx = _F64(h[12])
    fy = _F64(h[13])
    cx = _F64(h[14])
    cy = _F64(h[15])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 4
        for start in range(chunk_first, lanes_end, 4):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 4, 3, 0)
            Y = lane_load(points_flat, iu, 4, 3, 1)
            Z = lane_load(points_flat, iu, 4, 3, 2)
            p0 = X * h18 + Y * h19 + Z * h20 + h21
            p1 = _F64(1.0) / p0
            o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
            o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
            ok = (p0 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F64(0.0), _F64(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = X * h18 + Y * h19 + Z * h20 + h21
            p1 = _F64(1.0) / p0
            o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
            o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
            ok = (p0 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
        store_fence()


def warp(params, points, constants, uv, valid):
    """Run ``warp`` over all points into preallocated outputs (no validation: see jacgen.api).

    Large outputs whose data is not aligned to two items take the plain kernel.
    """
    h = _hoist_warp(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned(uv)
    if points.dtype == np.float32:
        (_warp_stream_f32 if stream else _warp_f32)(h, points, uv, valid)
    else:
        (_warp_stream_f64 if stream else _warp_f64)(h, points, uv, valid)


@njit(cache=True)
def _hoist_warp_jacobian(params, constants):
    """Parameter-only terms of ``warp_jacobian`` (float64, once per call)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    h0 = r3 * r3
    h1 = r1 * r1
    h2 = r2 * r2
    h3 = h0 + h1 + h2
    h4 = _phi3(h3)
    h5 = h0 * h4
    h6 = h2 * h4 - 1.0
    h7 = -h5 - h6
    h8 = _phi2(h3)
    h9 = h8 * r3
    h10 = h4 * r2
    h11 = h10 * r1
    h12 = h11 - h9
    h13 = h8 * r2
    h14 = h4 * r3
    h15 = h14 * r1
    h16 = h13 + h15
    h17 = h12 * t2 + h16 * t3 + h7 * t1
    h18 = -h13 + h15
    h19 = h8 * r1
    h20 = h10 * r3 + h19
    h21 = h1 * h4
    h22 = -h21 - h6
    h23 = h18 * t1 + h20 * t2 + h22 * t3
    h24 = h11 + h9
    h25 = -h21 - h5 + 1.0
    h26 = -h19 + h4 * r2 * r3
    h27 = h24 * t1 + h25 * t2 + h26 * t3
    h28 = _phi1(h3)
    h29 = h28 * r1
    h30 = h13 * r3 + h29
    h31 = (0.5) * h4
    h32 = 2.0 * h31 - h8
    h33 = h32 * r1
    h34 = h33 * r3
    h35 = -h34
    h36 = _phi4(h3)
    h37 = -h31 + h36
    h38 = 2.0 * h37
    h39 = h1 * h38
    h40 = h39 * r2
    h41 = h13 + h40
    h42 = (0.5) * h35 + (0.5) * h41
    h43 = h28 * r2
    h44 = h19 * r3
    h45 = -h43 + h44
    h46 = h2 * h38
    h47 = h46 * r1
    h48 = h0 * h38
    h49 = h48 * r1
    h50 = -0.5 * h47 - 0.5 * h49
    h51 = h1 * h8
    h52 = h2 * h8 - 1.0
    h53 = -h51 - h52
    h54 = h33 * r2
    h55 = h39 * r3
    h56 = h55 + h9
    h57 = (0.5) * h54 + (0.5) * h56
    h58 = r1 * r1 * r1
    h59 = 2.0 * h19 + h38 * h58
    h60 = -h47 - h59
    h61 = h43 + h44
    h62 = (0.5) * h61
    h63 = h38 * r1
    h64 = h63 * r3
    h65 = h64 * r2
    h66 = h1 * h32 + h28
    h67 = h65 + h66
    h68 = h28 * r3
    h69 = h13 * r1
    h70 = -h68 + h69
    h71 = (0.5) * h70
    h72 = -h54
    h73 = h56 + h72
    h74 = h0 * h8
    h75 = -h52 - h74
    h76 = (0.5) * h75
    h77 = h30 * h42 + h45 * h50 + h53 * h57 - h60 * h62 - h67 * h71 - h73 * h76
    h78 = -0.5 * h36 + (1.5) * _phi5(h3)
    h79 = 2.0 * h78
    h80 = h79 * r1
    h81 = h2 * h80
    h82 = h0 * h80
    h83 = -h64
    h84 = h1 * h79
    h85 = h84 * r2
    h86 = h10 + h85
    h87 = h63 * r2
    h88 = h84 * r3
    h89 = h14 + h88
    h90 = h68 + h69
    h91 = -h29 + h8 * r2 * r3
    h92 = -h51 - h74 + 1.0
    h93 = -2.0 * h37 * r1 * r2 * r3
    h94 = -h66 - h93
    h95 = -h49 - h59
    h96 = h34 + h41
    h97 = -h42 * h92 - h50 * h90 - h57 * h91 + (0.5) * h61 * h94 + (0.5) * h70 * h95 + (0.5) * h75 * h96
    h98 = -h87
    h99 = r2 * r3
    h100 = h8 + h80 * h99
    h101 = h4 * r1
    h102 = 2.0 * h101 + h58 * h79
    h103 = t1 * (h89 + h98) + t2 * (h100 + h39) + t3 * (-h102 - h81)
    h104 = (0.5) * h90
    h105 = (0.5) * h91
    h106 = (0.5) * h92
    h107 = (0.5) * h30
    h108 = (0.5) * h45
    h109 = (0.5) * h53
    h110 = h104 * h73 + h105 * h60 + h106 * h67 - h107 * h95 - h108 * h96 - h109 * h94
    h111 = h32 * h99
    h112 = -h111
    h113 = h19 + h47
    h114 = h112 + h113
    h115 = h48 * r2
    h116 = r2 * r2 * r2
    h117 = h116 * h38 + 2.0 * h13
    h118 = -h115 - h117
    h119 = h2 * h32 + h28
    h120 = h119 + h65
    h121 = -h117 - h40
    h122 = h46 * r3
    h123 = h122 + h9
    h124 = h123 + h54
    h125 = -h119 - h93
    h126 = h107 * h114 + h108 * h118 + h109 * h120 - h121 * h62 - h124 * h71 - h125 * h76
    h127 = h0 * h79 * r2
    h128 = 2.0 * h10 + h116 * h79
    h129 = h38 * h99
    h130 = h101 - h129
    h131 = h123 + h72
    h132 = -h115 - h40
    h133 = h111 + h113
    h134 = -h104 * h118 - h105 * h120 - h106 * h114 + (0.5) * h131 * h61 + (0.5) * h132 * h70 + (0.5) * h133 * h75
    h135 = -2.0 * h78 * r1 * r2 * r3 + h8
    h136 = h2 * h79 * r3
    h137 = h136 + h14
    h138 = t1 * (-h135 - h46) + t2 * (h137 + h87) + t3 * (-h128 - h85)
    h139 = h104 * h125 + h105 * h121 + h106 * h124 - h107 * h132 - h108 * h133 - h109 * h131
    h140 = h0 * h32 + h28
    h141 = -h140 - h93
    h142 = r3 * r3 * r3
    h143 = h142 * h38 + 2.0 * h9
    h144 = -h122 - h143
    h145 = h19 + h49
    h146 = h111 + h145
    h147 = -h122 - h55
    h148 = h115 + h13
    h149 = h148 + h34
    h150 = h112 + h145
    h151 = h107 * h141 + h108 * h144 + h109 * h146 - h147 * h62 - h149 * h71 - h150 * h76
    h152 = 2.0 * h14 + h142 * h79
    h153 = h101 + h129
    h154 = h148 + h35
    h155 = -h143 - h55
    h156 = h140 + h65
    h157 = -h104 * h144 - h105 * h146 - h106 * h141 + (0.5) * h154 * h61 + (0.5) * h155 * h70 + (0.5) * h156 * h75
    h158 = h10 + h127
    h159 = t1 * (h130 + h82) + t2 * (h158 + h64) + t3 * (-h136 - h88)
    h160 = h104 * h150 + h105 * h147 + h106 * h149 - h107 * h155 - h108 * h156 - h109 * h154
    h161 = -h103
    h162 = -h110
    h163 = -h97
    h164 = fx * (t1 * (-h81 - h82) + t2 * (h83 + h86) + t3 * (h87 + h89))
    h165 = -h134
    h166 = -h138
    h167 = -h139
    h168 = fx * (t1 * (-h127 - h128) + t2 * (h130 + h81) + t3 * (h100 + h46))
    h169 = -h157
    h170 = -h159
    h171 = -h160
    h172 = fx * (t1 * (-h136 - h152) + t2 * (-h135 - h48) + t3 * (h153 + h82))
    h173 = -h18
    h174 = fx * h7
    h175 = -h20
    h176 = fx * h12
    h177 = -h22
    h178 = t1 * (h64 + h86) + t2 * (-h102 - h82) + t3 * (-h135 - h39)
    h179 = t1 * (h153 + h81) + t2 * (-h127 - h85) + t3 * (h137 + h98)
    h180 = t1 * (h100 + h48) + t2 * (-h152 - h88) + t3 * (h158 + h83)
    h181 = fy * h25
    out = np.empty(49)
    out[0] = h16
    out[1] = h17
    out[2] = h23
    out[3] = h24
    out[4] = h26
    out[5] = h27
    out[6] = h30
    out[7] = h45
    out[8] = h53
    out[9] = h61
    out[10] = h70
    out[11] = h75
    out[12] = h77
    out[13] = h90
    out[14] = h91
    out[15] = h92
    out[16] = h97
    out[17] = h110
    out[18] = h126
    out[19] = h134
    out[20] = h139
    out[21] = h151
    out[22] = h157
    out[23] = h160
    out[24] = h161
    out[25] = h162
    out[26] = h163
    out[27] = h164
    out[28] = h165
    out[29] = h166
    out[30] = h167
    out[31] = h168
    out[32] = h169
    out[33] = h170
    out[34] = h171
    out[35] = h172
    out[36] = h173
    out[37] = h174
    out[38] = h175
    out[39] = h176
    out[40] = h177
    out[41] = h178
    out[42] = h179
    out[43] = h180
    out[44] = h181
    out[45] = fx
    out[46] = fy
    out[47] = cx
    out[48] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f32(h, points, uv, jac, valid):
    h16 = _F32(h[0])
    h17 = _F32(h[1])
    h23 = _F32(h[2])
    h24 = _F32(h[3])
    h26 = _F32(h[4])
    h27 = _F32(h[5])
    h30 = _F32(h[6])
    h45 = _F32(h[7])
    h53 = _F32(h[8])
    h61 = _F32(h[9])
    h70 = _F32(h[10])
    h75 = _F32(h[11])
    h77 = _F32(h[12])
    h90 = _F32(h[13])
    h91 = _F32(h[14])
    h92 = _F32(h[15])
    h97 = _F32(h[16])
    h110 = _F32(h[17])
    h126 = _F32(h[18])
    h134 = _F32(h[19])
    h139 = _F32(h[20])
    h151 = _F32(h[21])
    h157 = _F32(h[22])
    h160 = _F32(h[23])
    h161 = _F32(h[24])
    h162 = _F32(h[25])
    h163 = _F32(h[26])
    h164 = _F32(h[27])
    h165 = _F32(h[28])
    h166 = _F32(h[29])
    h167 = _F32(h[30])
    h168 = _F32(h[31])
    h169 = _F32(h[32])
    h170 = _F32(h[33])
    h171 = _F32(h[34])
    h172 = _F32(h[35])
    h173 = _F32(h[36])
    h174 = _F32(h[37])
    h175 = _F32(h[38])
    h176 = _F32(h[39])
    h177 = _F32(h[40])
    h178 = _F32(h[41])
    h179 = _F32(h[42])
    h180 = _F32(h[43])
    h181 = _F32(h[44])
    fx = _F32(h[45])
    fy = _F32(h[46])
    cx = _F32(h[47])
    cy = _F32(h[48])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h75 + Y * h70 + Z * h61
        rx1 = X * h90 + Y * h92 + Z * h91
        rx2 = X * h45 + Y * h30 + Z * h53
        p0 = h17 + rx0
        p1 = h23 + rx2
        p2 = _F32(1.0) / p1
        p3 = fx * p2
        p4 = h27 + rx1
        p5 = fy * p2
        p6 = p2 * p2
        p7 = p6 * rx0
        p8 = fx * p0
        p9 = p3 * rx2 + p7 * p8
        p10 = p3 * rx1
        p11 = p6 * p8
        p12 = p11 * rx1
        p13 = fy * p4
        p14 = p13 * p6
        p15 = -p14 * rx1 - p5 * rx2
        p16 = p5 * rx0
        p17 = p13 * p7
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            jac[i, 0, 1] = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            jac[i, 0, 2] = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            jac[i, 0, 3] = h173 * p11 + h174 * p2
            jac[i, 0, 4] = h175 * p11 + h176 * p2
            jac[i, 0, 5] = h16 * p3 + h177 * p11
            jac[i, 1, 0] = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            jac[i, 1, 1] = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            jac[i, 1, 2] = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            jac[i, 1, 3] = h173 * p14 + h24 * p5
            jac[i, 1, 4] = h175 * p14 + h181 * p2
            jac[i, 1, 5] = h177 * p14 + h26 * p5
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f64(h, points, uv, jac, valid):
    h16 = _F64(h[0])
    h17 = _F64(h[1])
    h23 = _F64(h[2])
    h24 = _F64(h[3])
    h26 = _F64(h[4])
    h27 = _F64(h[5])
    h30 = _F64(h[6])
    h45 = _F64(h[7])
    h53 = _F64(h[8])
    h61 = _F64(h[9])
    h70 = _F64(h[10])
    h75 = _F64(h[11])
    h77 = _F64(h[12])
    h90 = _F64(h[13])
    h91 = _F64(h[14])
    h92 = _F64(h[15])
    h97 = _F64(h[16])
    h110 = _F64(h[17])
    h126 = _F64(h[18])
    h134 = _F64(h[19])
    h139 = _F64(h[20])
    h151 = _F64(h[21])
    h157 = _F64(h[22])
    h160 = _F64(h[23])
    h161 = _F64(h[24])
    h162 = _F64(h[25])
    h163 = _F64(h[26])
    h164 = _F64(h[27])
    h165 = _F64(h[28])
    h166 = _F64(h[29])
    h167 = _F64(h[30])
    h168 = _F64(h[31])
    h169 = _F64(h[32])
    h170 = _F64(h[33])
    h171 = _F64(h[34])
    h172 = _F64(h[35])
    h173 = _F64(h[36])
    h174 = _F64(h[37])
    h175 = _F64(h[38])
    h176 = _F64(h[39])
    h177 = _F64(h[40])
    h178 = _F64(h[41])
    h179 = _F64(h[42])
    h180 = _F64(h[43])
    h181 = _F64(h[44])
    fx = _F64(h[45])
    fy = _F64(h[46])
    cx = _F64(h[47])
    cy = _F64(h[48])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h75 + Y * h70 + Z * h61
        rx1 = X * h90 + Y * h92 + Z * h91
        rx2 = X * h45 + Y * h30 + Z * h53
        p0 = h17 + rx0
        p1 = h23 + rx2
        p2 = _F64(1.0) / p1
        p3 = fx * p2
        p4 = h27 + rx1
        p5 = fy * p2
        p6 = p2 * p2
        p7 = p6 * rx0
        p8 = fx * p0
        p9 = p3 * rx2 + p7 * p8
        p10 = p3 * rx1
        p11 = p6 * p8
        p12 = p11 * rx1
        p13 = fy * p4
        p14 = p13 * p6
        p15 = -p14 * rx1 - p5 * rx2
        p16 = p5 * rx0
        p17 = p13 * p7
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            jac[i, 0, 1] = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            jac[i, 0, 2] = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            jac[i, 0, 3] = h173 * p11 + h174 * p2
            jac[i, 0, 4] = h175 * p11 + h176 * p2
            jac[i, 0, 5] = h16 * p3 + h177 * p11
            jac[i, 1, 0] = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            jac[i, 1, 1] = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            jac[i, 1, 2] = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            jac[i, 1, 3] = h173 * p14 + h24 * p5
            jac[i, 1, 4] = h175 * p14 + h181 * p2
            jac[i, 1, 5] = h177 * p14 + h26 * p5
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f32(h, points, uv, jac, valid):
    h16 = _F32(h[0])
    h17 = _F32(h[1])
    h23 = _F32(h[2])
    h24 = _F32(h[3])
    h26 = _F32(h[4])
    h27 = _F32(h[5])
    h30 = _F32(h[6])
    h45 = _F32(h[7])
    h53 = _F32(h[8])
    h61 = _F32(h[9])
    h70 = _F32(h[10])
    h75 = _F32(h[11])
    h77 = _F32(h[12])
    h90 = _F32(h[13])
    h91 = _F32(h[14])
    h92 = _F32(h[15])
    h97 = _F32(h[16])
    h110 = _F32(h[17])
    h126 = _F32(h[18])
    h134 = _F32(h[19])
    h139 = _F32(h[20])
    h151 = _F32(h[21])
    h157 = _F32(h[22])
    h160 = _F32(h[23])
    h161 = _F32(h[24])
    h162 = _F32(h[25])
    h163 = _F32(h[26])
    h164 = _F32(h[27])
    h165 = _F32(h[28])
    h166 = _F32(h[29])
    h167 = _F32(h[30])
    h168 = _F32(h[31])
    h169 = _F32(h[32])
    h170 = _F32(h[33])
    h171 = _F32(h[34])
    h172 = _F32(h[35])
    h173 = _F32(h[36])
    h174 = _F32(h[37])
    h175 = _F32(h[38])
    h176 = _F32(h[39])
    h177 = _F32(h[40])
    h178 = _F32(h[41])
    h179 = _F32(h[42])
    h180 = _F32(h[43])
    h181 = _F32(h[44])
    fx = _F32(h[45])
    fy = _F32(h[46])
    cx = _F32(h[47])
    cy = _F32(h[48])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 8
        for start in range(chunk_first, lanes_end, 8):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 8, 3, 0)
            Y = lane_load(points_flat, iu, 8, 3, 1)
            Z = lane_load(points_flat, iu, 8, 3, 2)
            rx0 = X * h75 + Y * h70 + Z * h61
            rx1 = X * h90 + Y * h92 + Z * h91
            rx2 = X * h45 + Y * h30 + Z * h53
            p0 = h17 + rx0
            p1 = h23 + rx2
            p2 = _F32(1.0) / p1
            p3 = fx * p2
            p4 = h27 + rx1
            p5 = fy * p2
            p6 = p2 * p2
            p7 = p6 * rx0
            p8 = fx * p0
            p9 = p3 * rx2 + p7 * p8
            p10 = p3 * rx1
            p11 = p6 * p8
            p12 = p11 * rx1
            p13 = fy * p4
            p14 = p13 * p6
            p15 = -p14 * rx1 - p5 * rx2
            p16 = p5 * rx0
            p17 = p13 * p7
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F32(0.0), _F32(math.nan))
            d0 = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            d1 = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            d2 = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            d3 = h173 * p11 + h174 * p2
            d4 = h175 * p11 + h176 * p2
            d5 = h16 * p3 + h177 * p11
            d6 = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            d7 = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            d8 = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            d9 = h173 * p14 + h24 * p5
            d10 = h175 * p14 + h181 * p2
            d11 = h177 * p14 + h26 * p5
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    d3 + nan_unless_ok,
                    d4 + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    d9 + nan_unless_ok,
                    d10 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            rx0 = X * h75 + Y * h70 + Z * h61
            rx1 = X * h90 + Y * h92 + Z * h91
            rx2 = X * h45 + Y * h30 + Z * h53
            p0 = h17 + rx0
            p1 = h23 + rx2
            p2 = _F32(1.0) / p1
            p3 = fx * p2
            p4 = h27 + rx1
            p5 = fy * p2
            p6 = p2 * p2
            p7 = p6 * rx0
            p8 = fx * p0
            p9 = p3 * rx2 + p7 * p8
            p10 = p3 * rx1
            p11 = p6 * p8
            p12 = p11 * rx1
            p13 = fy * p4
            p14 = p13 * p6
            p15 = -p14 * rx1 - p5 * rx2
            p16 = p5 * rx0
            p17 = p13 * p7
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
            d0 = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            d1 = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            d2 = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            d3 = h173 * p11 + h174 * p2
            d4 = h175 * p11 + h176 * p2
            d5 = h16 * p3 + h177 * p11
            d6 = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            d7 = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            d8 = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            d9 = h173 * p14 + h24 * p5
            d10 = h175 * p14 + h181 * p2
            d11 = h177 * p14 + h26 * p5
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = d3 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = d4 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = d9 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = d10 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f64(h, points, uv, jac, valid):
    h16 = _F64(h[0])
    h17 = _F64(h[1])
    h23 = _F64(h[2])
    h24 = _F64(h[3])
    h26 = _F64(h[4])
    h27 = _F64(h[5])
    h30 = _F64(h[6])
    h45 = _F64(h[7])
    h53 = _F64(h[8])
    h61 = _F64(h[9])
    h70 = _F64(h[10])
    h75 = _F64(h[11])
    h77 = _F64(h[12])
    h90 = _F64(h[13])
    h91 = _F64(h[14])
    h92 = _F64(h[15])
    h97 = _F64(h[16])
    h110 = _F64(h[17])
    h126 = _F64(h[18])
    h134 = _F64(h[19])
    h139 = _F64(h[20])
    h151 = _F64(h[21])
    h157 = _F64(h[22])
    h160 = _F64(h[23])
    h161 = _F64(h[24])
    h162 = _F64(h[25])
    h163 = _F64(h[26])
    h164 = _F64(h[27])
    h165 = _F64(h[28])
    h166 = _F64(h[29])
    h167 = _F64(h[30])
    h168 = _F64(h[31])
    h169 = _F64(h[32])
    h170 = _F64(h[33])
    h171 = _F64(h[34])
    h172 = _F64(h[35])
    h173 = _F64(h[36])
    h174 = _F64(h[37])
    h175 = _F64(h[38])
    h176 = _F64(h[39])
    h177 = _F64(h[40])
    h178 = _F64(h[41])
    h179 = _F64(h[42])
    h180 = _F64(h[43])
    h181 = _F64(h[44])
    fx = _F64(h[45])
    fy = _F64(h[46])
    cx = _F64(h[47])
    cy = _F64(h[48])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 4
        for start in range(chunk_first, lanes_end, 4):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 4, 3, 0)
            Y = lane_load(points_flat, iu, 4, 3, 1)
            Z = lane_load(points_flat, iu, 4, 3, 2)
            rx0 = X * h75 + Y * h70 + Z * h61
            rx1 = X * h90 + Y * h92 + Z * h91
            rx2 = X * h45 + Y * h30 + Z * h53
            p0 = h17 + rx0
            p1 = h23 + rx2
            p2 = _F64(1.0) / p1
            p3 = fx * p2
            p4 = h27 + rx1
            p5 = fy * p2
            p6 = p2 * p2
            p7 = p6 * rx0
            p8 = fx * p0
            p9 = p3 * rx2 + p7 * p8
            p10 = p3 * rx1
            p11 = p6 * p8
            p12 = p11 * rx1
            p13 = fy * p4
            p14 = p13 * p6
            p15 = -p14 * rx1 - p5 * rx2
            p16 = p5 * rx0
            p17 = p13 * p7
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F64(0.0), _F64(math.nan))
            d0 = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            d1 = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            d2 = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            d3 = h173 * p11 + h174 * p2
            d4 = h175 * p11 + h176 * p2
            d5 = h16 * p3 + h177 * p11
            d6 = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            d7 = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            d8 = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            d9 = h173 * p14 + h24 * p5
            d10 = h175 * p14 + h181 * p2
            d11 = h177 * p14 + h26 * p5
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    d3 + nan_unless_ok,
                    d4 + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    d9 + nan_unless_ok,
                    d10 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            rx0 = X * h75 + Y * h70 + Z * h61
            rx1 = X * h90 + Y * h92 + Z * h91
            rx2 = X * h45 + Y * h30 + Z * h53
            p0 = h17 + rx0
            p1 = h23 + rx2
            p2 = _F64(1.0) / p1
            p3 = fx * p2
            p4 = h27 + rx1
            p5 = fy * p2
            p6 = p2 * p2
            p7 = p6 * rx0
            p8 = fx * p0
            p9 = p3 * rx2 + p7 * p8
            p10 = p3 * rx1
            p11 = p6 * p8
            p12 = p11 * rx1
            p13 = fy * p4
            p14 = p13 * p6
            p15 = -p14 * rx1 - p5 * rx2
            p16 = p5 * rx0
            p17 = p13 * p7
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
            d0 = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
            d1 = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
            d2 = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
            d3 = h173 * p11 + h174 * p2
            d4 = h175 * p11 + h176 * p2
            d5 = h16 * p3 + h177 * p11
            d6 = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
            d7 = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
            d8 = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
            d9 = h173 * p14 + h24 * p5
            d10 = h175 * p14 + h181 * p2
            d11 = h177 * p14 + h26 * p5
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = d3 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = d4 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = d9 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = d10 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


def warp_jacobian(params, points, constants, uv, jac, valid):
    """Run ``warp_jacobian`` over all points into preallocated outputs (no validation: see jacgen.api).

    Large outputs whose data is not aligned to two items take the plain kernel.
    """
    h = _hoist_warp_jacobian(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned(uv, jac)
    if points.dtype == np.float32:
        (_warp_jacobian_stream_f32 if stream else _warp_jacobian_f32)(h, points, uv, jac, valid)
    else:
        (_warp_jacobian_stream_f64 if stream else _warp_jacobian_f64)(h, points, uv, jac, valid)


@njit(cache=True)
def _hoist_warp_jacobian_at_zero(params, constants):
    """Parameter-only terms of ``warp_jacobian_at_zero`` (float64, once per call)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    h0 = -fy
    out = np.empty(5)
    out[0] = h0
    out[1] = fx
    out[2] = fy
    out[3] = cx
    out[4] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_at_zero_f32(h, points, uv, jac, valid):
    h0 = _F32(h[0])
    fx = _F32(h[1])
    fy = _F32(h[2])
    cx = _F32(h[3])
    cy = _F32(h[4])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = _F32(1.0) / Z
        p1 = fx * p0
        p2 = fy * p0
        p3 = p0 * p0
        p4 = fx * p3
        p5 = X * p4
        p6 = fy * p3
        p7 = Y * p6
        o0 = X * p1 + cx
        o1 = Y * p2 + cy
        if Z > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = -Y * p5
            jac[i, 0, 1] = (X * X) * p4 + fx
            jac[i, 0, 2] = -Y * p1
            jac[i, 0, 3] = p1
            jac[i, 0, 4] = _F32(0.0)
            jac[i, 0, 5] = -p5
            jac[i, 1, 0] = -(Y * Y) * p6 + h0
            jac[i, 1, 1] = X * p7
            jac[i, 1, 2] = X * p2
            jac[i, 1, 3] = _F32(0.0)
            jac[i, 1, 4] = p2
            jac[i, 1, 5] = -p7
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_at_zero_f64(h, points, uv, jac, valid):
    h0 = _F64(h[0])
    fx = _F64(h[1])
    fy = _F64(h[2])
    cx = _F64(h[3])
    cy = _F64(h[4])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = _F64(1.0) / Z
        p1 = fx * p0
        p2 = fy * p0
        p3 = p0 * p0
        p4 = fx * p3
        p5 = X * p4
        p6 = fy * p3
        p7 = Y * p6
        o0 = X * p1 + cx
        o1 = Y * p2 + cy
        if Z > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = -Y * p5
            jac[i, 0, 1] = (X * X) * p4 + fx
            jac[i, 0, 2] = -Y * p1
            jac[i, 0, 3] = p1
            jac[i, 0, 4] = _F64(0.0)
            jac[i, 0, 5] = -p5
            jac[i, 1, 0] = -(Y * Y) * p6 + h0
            jac[i, 1, 1] = X * p7
            jac[i, 1, 2] = X * p2
            jac[i, 1, 3] = _F64(0.0)
            jac[i, 1, 4] = p2
            jac[i, 1, 5] = -p7
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_at_zero_stream_f32(h, points, uv, jac, valid):
    h0 = _F32(h[0])
    fx = _F32(h[1])
    fy = _F32(h[2])
    cx = _F32(h[3])
    cy = _F32(h[4])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 8
        for start in range(chunk_first, lanes_end, 8):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 8, 3, 0)
            Y = lane_load(points_flat, iu, 8, 3, 1)
            Z = lane_load(points_flat, iu, 8, 3, 2)
            p0 = _F32(1.0) / Z
            p1 = fx * p0
            p2 = fy * p0
            p3 = p0 * p0
            p4 = fx * p3
            p5 = X * p4
            p6 = fy * p3
            p7 = Y * p6
            o0 = X * p1 + cx
            o1 = Y * p2 + cy
            ok = (Z > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F32(0.0), _F32(math.nan))
            d0 = -Y * p5
            d1 = (X * X) * p4 + fx
            d2 = -Y * p1
            d5 = -p5
            d6 = -(Y * Y) * p6 + h0
            d7 = X * p7
            d8 = X * p2
            d11 = -p7
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    p1 + nan_unless_ok,
                    _F32(0.0) + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    _F32(0.0) + nan_unless_ok,
                    p2 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = _F32(1.0) / Z
            p1 = fx * p0
            p2 = fy * p0
            p3 = p0 * p0
            p4 = fx * p3
            p5 = X * p4
            p6 = fy * p3
            p7 = Y * p6
            o0 = X * p1 + cx
            o1 = Y * p2 + cy
            ok = (Z > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
            d0 = -Y * p5
            d1 = (X * X) * p4 + fx
            d2 = -Y * p1
            d5 = -p5
            d6 = -(Y * Y) * p6 + h0
            d7 = X * p7
            d8 = X * p2
            d11 = -p7
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = p1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = _F32(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = _F32(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = p2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_at_zero_stream_f64(h, points, uv, jac, valid):
    h0 = _F64(h[0])
    fx = _F64(h[1])
    fy = _F64(h[2])
    cx = _F64(h[3])
    cy = _F64(h[4])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % 4
        for start in range(chunk_first, lanes_end, 4):
            iu = np.uint64(start)
            X = lane_load(points_flat, iu, 4, 3, 0)
            Y = lane_load(points_flat, iu, 4, 3, 1)
            Z = lane_load(points_flat, iu, 4, 3, 2)
            p0 = _F64(1.0) / Z
            p1 = fx * p0
            p2 = fy * p0
            p3 = p0 * p0
            p4 = fx * p3
            p5 = X * p4
            p6 = fy * p3
            p7 = Y * p6
            o0 = X * p1 + cx
            o1 = Y * p2 + cy
            ok = (Z > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F64(0.0), _F64(math.nan))
            d0 = -Y * p5
            d1 = (X * X) * p4 + fx
            d2 = -Y * p1
            d5 = -p5
            d6 = -(Y * Y) * p6 + h0
            d7 = X * p7
            d8 = X * p2
            d11 = -p7
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    p1 + nan_unless_ok,
                    _F64(0.0) + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    _F64(0.0) + nan_unless_ok,
                    p2 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = _F64(1.0) / Z
            p1 = fx * p0
            p2 = fy * p0
            p3 = p0 * p0
            p4 = fx * p3
            p5 = X * p4
            p6 = fy * p3
            p7 = Y * p6
            o0 = X * p1 + cx
            o1 = Y * p2 + cy
            ok = (Z > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
            d0 = -Y * p5
            d1 = (X * X) * p4 + fx
            d2 = -Y * p1
            d5 = -p5
            d6 = -(Y * Y) * p6 + h0
            d7 = X * p7
            d8 = X * p2
            d11 = -p7
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = p1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = _F64(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = _F64(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = p2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


def warp_jacobian_at_zero(points, constants, uv, jac, valid):
    """Run ``warp_jacobian_at_zero`` over all points into preallocated outputs (no validation: see jacgen.api).

    Large outputs whose data is not aligned to two items take the plain kernel.
    """
    h = _hoist_warp_jacobian_at_zero(ZERO_PARAMS, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned(uv, jac)
    if points.dtype == np.float32:
        (_warp_jacobian_at_zero_stream_f32 if stream else _warp_jacobian_at_zero_f32)(h, points, uv, jac, valid)
    else:
        (_warp_jacobian_at_zero_stream_f64 if stream else _warp_jacobian_at_zero_f64)(h, points, uv, jac, valid)
