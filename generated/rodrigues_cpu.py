# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: rodrigues (symbolic hash 2f73fb7b06be3fb4)
#   R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection
# params: r1, r2, r3, t1, t2, t3   point: X, Y, Z   constants: fx, fy, cx, cy
# content hash: sha256:60a52afe7eaeaca499c214436005ba06
# operation counts (sympy count_ops):
#   kernel                    before cse   after cse   hoisted   per point
#   warp                             286          58        33          25
#   warp_jacobian                   7221         330       257          73
# --------------------------------------------------------------------------------------------------
"""Kernels of the ``rodrigues`` warp for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.lanes import lane_load, lane_select, lane_store_mask, lane_stream_rows
from jacgen.streaming import pair_aligned, store_fence

MODEL = "rodrigues"
TARGET = "cpu"
PARAMS = ("r1", "r2", "r3", "t1", "t2", "t3")
POINT = ("X", "Y", "Z")
CONSTANTS = ("fx", "fy", "cx", "cy")
OUTPUTS = ("u", "v")
POSITIVE_CONSTANTS = ("fx", "fy")
HAS_VALIDITY = True
KERNELS = ("warp", "warp_jacobian")
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
    h7 = h6 * r3
    h8 = h7 * r1
    h9 = h4 * r1
    h10 = h0 * h6
    h11 = h1 * h6 - 1.0
    h12 = -h5 + h8
    h13 = h7 * r2 + h9
    h14 = -h10 - h11
    h15 = h2 * h6
    h16 = h4 * r3
    h17 = h6 * r1 * r2
    h18 = -h11 - h15
    h19 = -h16 + h17
    h20 = h5 + h8
    h21 = h16 + h17
    h22 = -h10 - h15 + 1.0
    h23 = h6 * r2 * r3 - h9
    out = np.empty(16)
    out[0] = h12
    out[1] = h13
    out[2] = h14
    out[3] = h18
    out[4] = h19
    out[5] = h20
    out[6] = h21
    out[7] = h22
    out[8] = h23
    out[9] = t1
    out[10] = t2
    out[11] = t3
    out[12] = fx
    out[13] = fy
    out[14] = cx
    out[15] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_f32(h, points, uv, valid):
    h12 = _F32(h[0])
    h13 = _F32(h[1])
    h14 = _F32(h[2])
    h18 = _F32(h[3])
    h19 = _F32(h[4])
    h20 = _F32(h[5])
    h21 = _F32(h[6])
    h22 = _F32(h[7])
    h23 = _F32(h[8])
    t1 = _F32(h[9])
    t2 = _F32(h[10])
    t3 = _F32(h[11])
    fx = _F32(h[12])
    fy = _F32(h[13])
    cx = _F32(h[14])
    cy = _F32(h[15])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = _F32(1.0) / p0
        o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
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
    h12 = _F64(h[0])
    h13 = _F64(h[1])
    h14 = _F64(h[2])
    h18 = _F64(h[3])
    h19 = _F64(h[4])
    h20 = _F64(h[5])
    h21 = _F64(h[6])
    h22 = _F64(h[7])
    h23 = _F64(h[8])
    t1 = _F64(h[9])
    t2 = _F64(h[10])
    t3 = _F64(h[11])
    fx = _F64(h[12])
    fy = _F64(h[13])
    cx = _F64(h[14])
    cy = _F64(h[15])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = _F64(1.0) / p0
        o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
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
    h12 = _F32(h[0])
    h13 = _F32(h[1])
    h14 = _F32(h[2])
    h18 = _F32(h[3])
    h19 = _F32(h[4])
    h20 = _F32(h[5])
    h21 = _F32(h[6])
    h22 = _F32(h[7])
    h23 = _F32(h[8])
    t1 = _F32(h[9])
    t2 = _F32(h[10])
    t3 = _F32(h[11])
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
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = _F32(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
            ok = (p0 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F32(0.0), _F32(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = _F32(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
            ok = (p0 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_stream_f64(h, points, uv, valid):
    h12 = _F64(h[0])
    h13 = _F64(h[1])
    h14 = _F64(h[2])
    h18 = _F64(h[3])
    h19 = _F64(h[4])
    h20 = _F64(h[5])
    h21 = _F64(h[6])
    h22 = _F64(h[7])
    h23 = _F64(h[8])
    t1 = _F64(h[9])
    t2 = _F64(h[10])
    t3 = _F64(h[11])
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
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = _F64(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
            ok = (p0 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F64(0.0), _F64(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = _F64(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
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
    h0 = r1 * r1
    h1 = r2 * r2
    h2 = r3 * r3
    h3 = h0 + h1 + h2
    h4 = _phi1(h3)
    h5 = h4 * r1
    h6 = _phi2(h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * _phi3(h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + _phi4(h3)
    h15 = 2.0 * h14
    h16 = h0 * h15
    h17 = h16 * r2
    h18 = h17 + h7
    h19 = (0.5) * h13 + (0.5) * h18
    h20 = h4 * r2
    h21 = h6 * r3
    h22 = h21 * r1
    h23 = -h20 + h22
    h24 = h15 * r1
    h25 = h1 * h24
    h26 = h2 * h24
    h27 = -0.5 * h25 - 0.5 * h26
    h28 = h0 * h6
    h29 = h1 * h6 - 1.0
    h30 = -h28 - h29
    h31 = h11 * r2
    h32 = h16 * r3
    h33 = h21 + h32
    h34 = (0.5) * h31 + (0.5) * h33
    h35 = h6 * r1
    h36 = h15 * (r1 * r1 * r1) + 2.0 * h35
    h37 = -h25 - h36
    h38 = h20 + h22
    h39 = (0.5) * h38
    h40 = r2 * r3
    h41 = h24 * h40
    h42 = h0 * h10 + h4
    h43 = h41 + h42
    h44 = h4 * r3
    h45 = h7 * r1
    h46 = -h44 + h45
    h47 = (0.5) * h46
    h48 = -h31
    h49 = h33 + h48
    h50 = h2 * h6
    h51 = -h29 - h50
    h52 = (0.5) * h51
    h53 = h19 * h8 + h23 * h27 + h30 * h34 - h37 * h39 - h43 * h47 - h49 * h52
    h54 = h44 + h45
    h55 = -h5 + h6 * r2 * r3
    h56 = -h28 - h50 + 1.0
    h57 = -2.0 * h14 * r1 * r2 * r3
    h58 = -h42 - h57
    h59 = -h26 - h36
    h60 = h12 + h18
    h61 = -h19 * h56 - h27 * h54 - h34 * h55 + (0.5) * h38 * h58 + (0.5) * h46 * h59 + (0.5) * h51 * h60
    h62 = (0.5) * h54
    h63 = (0.5) * h55
    h64 = (0.5) * h56
    h65 = (0.5) * h8
    h66 = (0.5) * h23
    h67 = (0.5) * h30
    h68 = h37 * h63 + h43 * h64 + h49 * h62 - h58 * h67 - h59 * h65 - h60 * h66
    h69 = h10 * h40
    h70 = -h69
    h71 = h25 + h35
    h72 = h70 + h71
    h73 = h15 * h2 * r2
    h74 = h15 * (r2 * r2 * r2) + 2.0 * h7
    h75 = -h73 - h74
    h76 = h1 * h10 + h4
    h77 = h41 + h76
    h78 = -h17 - h74
    h79 = h1 * h15 * r3
    h80 = h21 + h79
    h81 = h31 + h80
    h82 = -h57 - h76
    h83 = -h39 * h78 - h47 * h81 - h52 * h82 + h65 * h72 + h66 * h75 + h67 * h77
    h84 = h48 + h80
    h85 = -h17 - h73
    h86 = h69 + h71
    h87 = (0.5) * h38 * h84 + (0.5) * h46 * h85 + (0.5) * h51 * h86 - h62 * h75 - h63 * h77 - h64 * h72
    h88 = h62 * h82 + h63 * h78 + h64 * h81 - h65 * h85 - h66 * h86 - h67 * h84
    h89 = h10 * h2 + h4
    h90 = -h57 - h89
    h91 = h15 * (r3 * r3 * r3) + 2.0 * h21
    h92 = -h79 - h91
    h93 = h26 + h35
    h94 = h69 + h93
    h95 = -h32 - h79
    h96 = h7 + h73
    h97 = h12 + h96
    h98 = h70 + h93
    h99 = -h39 * h95 - h47 * h97 - h52 * h98 + h65 * h90 + h66 * h92 + h67 * h94
    h100 = h13 + h96
    h101 = -h32 - h91
    h102 = h41 + h89
    h103 = (0.5) * h100 * h38 + (0.5) * h101 * h46 + (0.5) * h102 * h51 - h62 * h92 - h63 * h94 - h64 * h90
    h104 = -h100 * h67 - h101 * h65 - h102 * h66 + h62 * h98 + h63 * h95 + h64 * h97
    h105 = -h61
    h106 = -h68
    h107 = -h87
    h108 = -h88
    h109 = -h103
    h110 = -h104
    out = np.empty(31)
    out[0] = h8
    out[1] = h23
    out[2] = h30
    out[3] = h38
    out[4] = h46
    out[5] = h51
    out[6] = h53
    out[7] = h54
    out[8] = h55
    out[9] = h56
    out[10] = h61
    out[11] = h68
    out[12] = h83
    out[13] = h87
    out[14] = h88
    out[15] = h99
    out[16] = h103
    out[17] = h104
    out[18] = h105
    out[19] = h106
    out[20] = h107
    out[21] = h108
    out[22] = h109
    out[23] = h110
    out[24] = t1
    out[25] = t2
    out[26] = t3
    out[27] = fx
    out[28] = fy
    out[29] = cx
    out[30] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f32(h, points, uv, jac, valid):
    h8 = _F32(h[0])
    h23 = _F32(h[1])
    h30 = _F32(h[2])
    h38 = _F32(h[3])
    h46 = _F32(h[4])
    h51 = _F32(h[5])
    h53 = _F32(h[6])
    h54 = _F32(h[7])
    h55 = _F32(h[8])
    h56 = _F32(h[9])
    h61 = _F32(h[10])
    h68 = _F32(h[11])
    h83 = _F32(h[12])
    h87 = _F32(h[13])
    h88 = _F32(h[14])
    h99 = _F32(h[15])
    h103 = _F32(h[16])
    h104 = _F32(h[17])
    h105 = _F32(h[18])
    h106 = _F32(h[19])
    h107 = _F32(h[20])
    h108 = _F32(h[21])
    h109 = _F32(h[22])
    h110 = _F32(h[23])
    t1 = _F32(h[24])
    t2 = _F32(h[25])
    t3 = _F32(h[26])
    fx = _F32(h[27])
    fy = _F32(h[28])
    cx = _F32(h[29])
    cy = _F32(h[30])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F32(1.0) / p1
        p3 = fx * p2
        p4 = rx1 + t2
        p5 = fy * p2
        p6 = p2 * p2
        p7 = fx * p0 * p6
        p8 = p3 * rx2 + p7 * rx0
        p9 = p3 * rx1
        p10 = p7 * rx1
        p11 = fy * p4 * p6
        p12 = -p11 * rx1 - p5 * rx2
        p13 = p5 * rx0
        p14 = p11 * rx0
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = h105 * p9 + h106 * p10 + h53 * p8
            jac[i, 0, 1] = h107 * p9 + h108 * p10 + h83 * p8
            jac[i, 0, 2] = h109 * p9 + h110 * p10 + h99 * p8
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = _F32(0.0)
            jac[i, 0, 5] = -p7
            jac[i, 1, 0] = h53 * p14 + h61 * p13 + h68 * p12
            jac[i, 1, 1] = h83 * p14 + h87 * p13 + h88 * p12
            jac[i, 1, 2] = h103 * p13 + h104 * p12 + h99 * p14
            jac[i, 1, 3] = _F32(0.0)
            jac[i, 1, 4] = p5
            jac[i, 1, 5] = -p11
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f64(h, points, uv, jac, valid):
    h8 = _F64(h[0])
    h23 = _F64(h[1])
    h30 = _F64(h[2])
    h38 = _F64(h[3])
    h46 = _F64(h[4])
    h51 = _F64(h[5])
    h53 = _F64(h[6])
    h54 = _F64(h[7])
    h55 = _F64(h[8])
    h56 = _F64(h[9])
    h61 = _F64(h[10])
    h68 = _F64(h[11])
    h83 = _F64(h[12])
    h87 = _F64(h[13])
    h88 = _F64(h[14])
    h99 = _F64(h[15])
    h103 = _F64(h[16])
    h104 = _F64(h[17])
    h105 = _F64(h[18])
    h106 = _F64(h[19])
    h107 = _F64(h[20])
    h108 = _F64(h[21])
    h109 = _F64(h[22])
    h110 = _F64(h[23])
    t1 = _F64(h[24])
    t2 = _F64(h[25])
    t3 = _F64(h[26])
    fx = _F64(h[27])
    fy = _F64(h[28])
    cx = _F64(h[29])
    cy = _F64(h[30])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F64(1.0) / p1
        p3 = fx * p2
        p4 = rx1 + t2
        p5 = fy * p2
        p6 = p2 * p2
        p7 = fx * p0 * p6
        p8 = p3 * rx2 + p7 * rx0
        p9 = p3 * rx1
        p10 = p7 * rx1
        p11 = fy * p4 * p6
        p12 = -p11 * rx1 - p5 * rx2
        p13 = p5 * rx0
        p14 = p11 * rx0
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = h105 * p9 + h106 * p10 + h53 * p8
            jac[i, 0, 1] = h107 * p9 + h108 * p10 + h83 * p8
            jac[i, 0, 2] = h109 * p9 + h110 * p10 + h99 * p8
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = _F64(0.0)
            jac[i, 0, 5] = -p7
            jac[i, 1, 0] = h53 * p14 + h61 * p13 + h68 * p12
            jac[i, 1, 1] = h83 * p14 + h87 * p13 + h88 * p12
            jac[i, 1, 2] = h103 * p13 + h104 * p12 + h99 * p14
            jac[i, 1, 3] = _F64(0.0)
            jac[i, 1, 4] = p5
            jac[i, 1, 5] = -p11
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f32(h, points, uv, jac, valid):
    h8 = _F32(h[0])
    h23 = _F32(h[1])
    h30 = _F32(h[2])
    h38 = _F32(h[3])
    h46 = _F32(h[4])
    h51 = _F32(h[5])
    h53 = _F32(h[6])
    h54 = _F32(h[7])
    h55 = _F32(h[8])
    h56 = _F32(h[9])
    h61 = _F32(h[10])
    h68 = _F32(h[11])
    h83 = _F32(h[12])
    h87 = _F32(h[13])
    h88 = _F32(h[14])
    h99 = _F32(h[15])
    h103 = _F32(h[16])
    h104 = _F32(h[17])
    h105 = _F32(h[18])
    h106 = _F32(h[19])
    h107 = _F32(h[20])
    h108 = _F32(h[21])
    h109 = _F32(h[22])
    h110 = _F32(h[23])
    t1 = _F32(h[24])
    t2 = _F32(h[25])
    t3 = _F32(h[26])
    fx = _F32(h[27])
    fy = _F32(h[28])
    cx = _F32(h[29])
    cy = _F32(h[30])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F32(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = p3 * rx1
            p10 = p7 * rx1
            p11 = fy * p4 * p6
            p12 = -p11 * rx1 - p5 * rx2
            p13 = p5 * rx0
            p14 = p11 * rx0
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F32(0.0), _F32(math.nan))
            d0 = h105 * p9 + h106 * p10 + h53 * p8
            d1 = h107 * p9 + h108 * p10 + h83 * p8
            d2 = h109 * p9 + h110 * p10 + h99 * p8
            d5 = -p7
            d6 = h53 * p14 + h61 * p13 + h68 * p12
            d7 = h83 * p14 + h87 * p13 + h88 * p12
            d8 = h103 * p13 + h104 * p12 + h99 * p14
            d11 = -p11
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    p3 + nan_unless_ok,
                    _F32(0.0) + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    _F32(0.0) + nan_unless_ok,
                    p5 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F32(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = p3 * rx1
            p10 = p7 * rx1
            p11 = fy * p4 * p6
            p12 = -p11 * rx1 - p5 * rx2
            p13 = p5 * rx0
            p14 = p11 * rx0
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
            d0 = h105 * p9 + h106 * p10 + h53 * p8
            d1 = h107 * p9 + h108 * p10 + h83 * p8
            d2 = h109 * p9 + h110 * p10 + h99 * p8
            d5 = -p7
            d6 = h53 * p14 + h61 * p13 + h68 * p12
            d7 = h83 * p14 + h87 * p13 + h88 * p12
            d8 = h103 * p13 + h104 * p12 + h99 * p14
            d11 = -p11
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = p3 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = _F32(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = _F32(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = p5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f64(h, points, uv, jac, valid):
    h8 = _F64(h[0])
    h23 = _F64(h[1])
    h30 = _F64(h[2])
    h38 = _F64(h[3])
    h46 = _F64(h[4])
    h51 = _F64(h[5])
    h53 = _F64(h[6])
    h54 = _F64(h[7])
    h55 = _F64(h[8])
    h56 = _F64(h[9])
    h61 = _F64(h[10])
    h68 = _F64(h[11])
    h83 = _F64(h[12])
    h87 = _F64(h[13])
    h88 = _F64(h[14])
    h99 = _F64(h[15])
    h103 = _F64(h[16])
    h104 = _F64(h[17])
    h105 = _F64(h[18])
    h106 = _F64(h[19])
    h107 = _F64(h[20])
    h108 = _F64(h[21])
    h109 = _F64(h[22])
    h110 = _F64(h[23])
    t1 = _F64(h[24])
    t2 = _F64(h[25])
    t3 = _F64(h[26])
    fx = _F64(h[27])
    fy = _F64(h[28])
    cx = _F64(h[29])
    cy = _F64(h[30])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F64(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = p3 * rx1
            p10 = p7 * rx1
            p11 = fy * p4 * p6
            p12 = -p11 * rx1 - p5 * rx2
            p13 = p5 * rx0
            p14 = p11 * rx0
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, _F64(0.0), _F64(math.nan))
            d0 = h105 * p9 + h106 * p10 + h53 * p8
            d1 = h107 * p9 + h108 * p10 + h83 * p8
            d2 = h109 * p9 + h110 * p10 + h99 * p8
            d5 = -p7
            d6 = h53 * p14 + h61 * p13 + h68 * p12
            d7 = h83 * p14 + h87 * p13 + h88 * p12
            d8 = h103 * p13 + h104 * p12 + h99 * p14
            d11 = -p11
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
            lane_stream_rows(
                jac_flat,
                iu,
                (
                    d0 + nan_unless_ok,
                    d1 + nan_unless_ok,
                    d2 + nan_unless_ok,
                    p3 + nan_unless_ok,
                    _F64(0.0) + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    _F64(0.0) + nan_unless_ok,
                    p5 + nan_unless_ok,
                    d11 + nan_unless_ok,
                ),
            )
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F64(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = p3 * rx1
            p10 = p7 * rx1
            p11 = fy * p4 * p6
            p12 = -p11 * rx1 - p5 * rx2
            p13 = p5 * rx0
            p14 = p11 * rx0
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
            valid[iu] = ok
            nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
            d0 = h105 * p9 + h106 * p10 + h53 * p8
            d1 = h107 * p9 + h108 * p10 + h83 * p8
            d2 = h109 * p9 + h110 * p10 + h99 * p8
            d5 = -p7
            d6 = h53 * p14 + h61 * p13 + h68 * p12
            d7 = h83 * p14 + h87 * p13 + h88 * p12
            d8 = h103 * p13 + h104 * p12 + h99 * p14
            d11 = -p11
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(0)] = d0 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(1)] = d1 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(2)] = d2 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(3)] = p3 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = _F64(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = _F64(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = p5 + nan_unless_ok
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
