# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: se3 (symbolic hash 52ebfa74638af41c)
#   T = exp(xi^), xi = (omega, v) = (r1, r2, r3, t1, t2, t3); pinhole projection
# params: r1, r2, r3, t1, t2, t3   point: X, Y, Z   constants: fx, fy, cx, cy
# content hash: sha256:f106a56839eb776a041425307c5b2c46
# operation counts (sympy count_ops):
#   kernel                    before cse   after cse   hoisted   per point
#   warp                             561          98        73          25
#   warp_jacobian                   8237         423       301         122
#   warp_jacobian_at_zero             41          28         1          27
# --------------------------------------------------------------------------------------------------
"""Kernels of the ``se3`` warp for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.streaming import store_fence, stream_store

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
FASTMATH = {"contract", "arcp", "nsz", "reassoc"}
STREAM_CHUNK = 4096
STREAM_TILE = 128
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
        tile = np.empty(2 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
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
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
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
        tile = np.empty(2 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
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
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
        store_fence()


def warp(params, points, constants, uv, valid):
    """Run ``warp`` over all points into preallocated outputs (no validation: see jacgen.api)."""
    h = _hoist_warp(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS
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
    h4 = _phi2(h3)
    h5 = h0 * h4
    h6 = h2 * h4 - 1.0
    h7 = _phi1(h3)
    h8 = h7 * r3
    h9 = h4 * r2
    h10 = h9 * r1
    h11 = h7 * r2
    h12 = h4 * r1
    h13 = h12 * r3
    h14 = _phi3(h3)
    h15 = h0 * h14
    h16 = h14 * h2 - 1.0
    h17 = -h15 - h16
    h18 = h4 * r3
    h19 = h14 * r2
    h20 = h19 * r1
    h21 = -h18 + h20
    h22 = h14 * r3
    h23 = h22 * r1
    h24 = h23 + h9
    h25 = -h5 - h6
    h26 = h10 - h8
    h27 = h11 + h13
    h28 = h17 * t1 + h21 * t2 + h24 * t3
    h29 = h7 * r1
    h30 = h1 * h4
    h31 = h23 - h9
    h32 = h19 * r3
    h33 = h12 + h32
    h34 = h1 * h14
    h35 = h16 + h34
    h36 = -h11 + h13
    h37 = h29 + h9 * r3
    h38 = -h30 - h6
    h39 = h31 * t1 + h33 * t2 - h35 * t3
    h40 = h18 + h20
    h41 = -h15 - h34 + 1.0
    h42 = -h12 + h32
    h43 = h10 + h8
    h44 = -h30 - h5 + 1.0
    h45 = -h29 + h4 * r2 * r3
    h46 = h40 * t1 + h41 * t2 + h42 * t3
    h47 = (0.5) * h14
    h48 = _phi4(h3)
    h49 = -h47 + h48
    h50 = 2.0 * h2
    h51 = h49 * h50
    h52 = h51 * r1
    h53 = 2.0 * h0
    h54 = h49 * h53
    h55 = h54 * r1
    h56 = -0.5 * h4 + h47
    h57 = 2.0 * r1
    h58 = h56 * h57
    h59 = h58 * r3
    h60 = -h59
    h61 = 2.0 * h1
    h62 = h49 * h61
    h63 = h62 * r2
    h64 = h63 + h9
    h65 = h58 * r2
    h66 = h62 * r3
    h67 = h18 + h66
    h68 = -0.5 * h48 + (1.5) * _phi5(h3)
    h69 = h68 * r1
    h70 = h50 * h69
    h71 = h53 * h69
    h72 = h49 * h57
    h73 = h72 * r3
    h74 = -h73
    h75 = h61 * h68
    h76 = h75 * r2
    h77 = h19 + h76
    h78 = h72 * r2
    h79 = h75 * r3
    h80 = h22 + h79
    h81 = -h65
    h82 = h56 * h61
    h83 = h7 + h73 * r2
    h84 = 2.0 * r1 * r1 * r1
    h85 = 2.0 * h12 + h49 * h84
    h86 = -h78
    h87 = r2 * r3
    h88 = h4 + h57 * h68 * h87
    h89 = h14 * r1
    h90 = h68 * h84 + 2.0 * h89
    h91 = -h67 - h81
    h92 = -h82 - h83
    h93 = h52 + h85
    h94 = -t1 * (h80 + h86) - t2 * (h62 + h88) - t3 * (-h70 - h90)
    h95 = h54 * r2
    h96 = 2.0 * r2 * r2 * r2
    h97 = h49 * h96 + 2.0 * h9
    h98 = 2.0 * h87
    h99 = h56 * h98
    h100 = h12 - h99
    h101 = h50 * h56
    h102 = h53 * h68 * r2
    h103 = 2.0 * h19 + h68 * h96
    h104 = h49 * h98
    h105 = -h104 + h89
    h106 = -2.0 * h49 * r1 * r2 * r3 + h7
    h107 = h51 * r3
    h108 = h107 + h18
    h109 = h4 - 2.0 * h68 * r1 * r2 * r3
    h110 = h50 * h68 * r3
    h111 = h110 + h22
    h112 = h101 + h106
    h113 = -h108 - h65
    h114 = h63 + h97
    h115 = -t1 * (-h109 - h51) - t2 * (h111 + h78) - t3 * (-h103 - h76)
    h116 = 2.0 * r3 * r3 * r3
    h117 = h116 * h49 + 2.0 * h18
    h118 = h53 * h56
    h119 = h12 + h99
    h120 = h116 * h68 + 2.0 * h22
    h121 = h104 + h89
    h122 = h9 + h95
    h123 = h102 + h19
    h124 = -h100 - h55
    h125 = -h122 - h59
    h126 = h107 + h66
    h127 = -t1 * (h105 + h71) - t2 * (h123 + h73) - t3 * (-h110 - h79)
    h128 = -h31
    h129 = -h33
    h130 = -h52 - h55
    h131 = h60 + h64
    h132 = h65 + h67
    h133 = t1 * (-h70 - h71) + t2 * (h74 + h77) + t3 * (h78 + h80)
    h134 = -h95 - h97
    h135 = h100 + h52
    h136 = h101 + h83
    h137 = t1 * (-h102 - h103) + t2 * (h105 + h70) + t3 * (h51 + h88)
    h138 = -h107 - h117
    h139 = -h106 - h118
    h140 = h119 + h55
    h141 = t1 * (-h110 - h120) + t2 * (-h109 - h54) + t3 * (h121 + h71)
    h142 = h59 + h64
    h143 = -h55 - h85
    h144 = -h106 - h82
    h145 = t1 * (h73 + h77) + t2 * (-h71 - h90) + t3 * (-h109 - h62)
    h146 = h119 + h52
    h147 = -h63 - h95
    h148 = h108 + h81
    h149 = t1 * (h121 + h70) + t2 * (-h102 - h76) + t3 * (h111 + h86)
    h150 = h118 + h83
    h151 = -h117 - h66
    h152 = h122 + h60
    h153 = t1 * (h54 + h88) + t2 * (-h120 - h79) + t3 * (h123 + h74)
    out = np.empty(61)
    out[0] = h17
    out[1] = h21
    out[2] = h24
    out[3] = h25
    out[4] = h26
    out[5] = h27
    out[6] = h28
    out[7] = h35
    out[8] = h36
    out[9] = h37
    out[10] = h38
    out[11] = h39
    out[12] = h40
    out[13] = h41
    out[14] = h42
    out[15] = h43
    out[16] = h44
    out[17] = h45
    out[18] = h46
    out[19] = h91
    out[20] = h92
    out[21] = h93
    out[22] = h94
    out[23] = h112
    out[24] = h113
    out[25] = h114
    out[26] = h115
    out[27] = h124
    out[28] = h125
    out[29] = h126
    out[30] = h127
    out[31] = h128
    out[32] = h129
    out[33] = h130
    out[34] = h131
    out[35] = h132
    out[36] = h133
    out[37] = h134
    out[38] = h135
    out[39] = h136
    out[40] = h137
    out[41] = h138
    out[42] = h139
    out[43] = h140
    out[44] = h141
    out[45] = h142
    out[46] = h143
    out[47] = h144
    out[48] = h145
    out[49] = h146
    out[50] = h147
    out[51] = h148
    out[52] = h149
    out[53] = h150
    out[54] = h151
    out[55] = h152
    out[56] = h153
    out[57] = fx
    out[58] = fy
    out[59] = cx
    out[60] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f32(h, points, uv, jac, valid):
    h17 = _F32(h[0])
    h21 = _F32(h[1])
    h24 = _F32(h[2])
    h25 = _F32(h[3])
    h26 = _F32(h[4])
    h27 = _F32(h[5])
    h28 = _F32(h[6])
    h35 = _F32(h[7])
    h36 = _F32(h[8])
    h37 = _F32(h[9])
    h38 = _F32(h[10])
    h39 = _F32(h[11])
    h40 = _F32(h[12])
    h41 = _F32(h[13])
    h42 = _F32(h[14])
    h43 = _F32(h[15])
    h44 = _F32(h[16])
    h45 = _F32(h[17])
    h46 = _F32(h[18])
    h91 = _F32(h[19])
    h92 = _F32(h[20])
    h93 = _F32(h[21])
    h94 = _F32(h[22])
    h112 = _F32(h[23])
    h113 = _F32(h[24])
    h114 = _F32(h[25])
    h115 = _F32(h[26])
    h124 = _F32(h[27])
    h125 = _F32(h[28])
    h126 = _F32(h[29])
    h127 = _F32(h[30])
    h128 = _F32(h[31])
    h129 = _F32(h[32])
    h130 = _F32(h[33])
    h131 = _F32(h[34])
    h132 = _F32(h[35])
    h133 = _F32(h[36])
    h134 = _F32(h[37])
    h135 = _F32(h[38])
    h136 = _F32(h[39])
    h137 = _F32(h[40])
    h138 = _F32(h[41])
    h139 = _F32(h[42])
    h140 = _F32(h[43])
    h141 = _F32(h[44])
    h142 = _F32(h[45])
    h143 = _F32(h[46])
    h144 = _F32(h[47])
    h145 = _F32(h[48])
    h146 = _F32(h[49])
    h147 = _F32(h[50])
    h148 = _F32(h[51])
    h149 = _F32(h[52])
    h150 = _F32(h[53])
    h151 = _F32(h[54])
    h152 = _F32(h[55])
    h153 = _F32(h[56])
    fx = _F32(h[57])
    fy = _F32(h[58])
    cx = _F32(h[59])
    cy = _F32(h[60])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h25 + Y * h26 + Z * h27 + h28
        p1 = X * h36 + Y * h37 + Z * h38 + h39
        p2 = _F32(1.0) / p1
        p3 = fx * p2
        p4 = X * h43 + Y * h44 + Z * h45 + h46
        p5 = fy * p2
        p6 = _F32(1.0) / (p1 * p1)
        p7 = p6 * (X * h91 + Y * h92 + Z * h93 + h94)
        p8 = fx * p0
        p9 = X * h112 + Y * h113 + Z * h114 + h115
        p10 = p6 * p8
        p11 = X * h124 + Y * h125 + Z * h126 + h127
        p12 = fy * p4
        p13 = p12 * p6
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p3 * (X * h130 + Y * h131 + Z * h132 + h133) + p7 * p8
            jac[i, 0, 1] = p10 * p9 + p3 * (X * h134 + Y * h135 + Z * h136 + h137)
            jac[i, 0, 2] = p10 * p11 + p3 * (X * h138 + Y * h139 + Z * h140 + h141)
            jac[i, 0, 3] = h128 * p10 + h17 * p3
            jac[i, 0, 4] = h129 * p10 + h21 * p3
            jac[i, 0, 5] = h24 * p3 + h35 * p10
            jac[i, 1, 0] = p12 * p7 + p5 * (X * h142 + Y * h143 + Z * h144 + h145)
            jac[i, 1, 1] = p13 * p9 + p5 * (X * h146 + Y * h147 + Z * h148 + h149)
            jac[i, 1, 2] = p11 * p13 + p5 * (X * h150 + Y * h151 + Z * h152 + h153)
            jac[i, 1, 3] = h128 * p13 + h40 * p5
            jac[i, 1, 4] = h129 * p13 + h41 * p5
            jac[i, 1, 5] = h35 * p13 + h42 * p5
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f64(h, points, uv, jac, valid):
    h17 = _F64(h[0])
    h21 = _F64(h[1])
    h24 = _F64(h[2])
    h25 = _F64(h[3])
    h26 = _F64(h[4])
    h27 = _F64(h[5])
    h28 = _F64(h[6])
    h35 = _F64(h[7])
    h36 = _F64(h[8])
    h37 = _F64(h[9])
    h38 = _F64(h[10])
    h39 = _F64(h[11])
    h40 = _F64(h[12])
    h41 = _F64(h[13])
    h42 = _F64(h[14])
    h43 = _F64(h[15])
    h44 = _F64(h[16])
    h45 = _F64(h[17])
    h46 = _F64(h[18])
    h91 = _F64(h[19])
    h92 = _F64(h[20])
    h93 = _F64(h[21])
    h94 = _F64(h[22])
    h112 = _F64(h[23])
    h113 = _F64(h[24])
    h114 = _F64(h[25])
    h115 = _F64(h[26])
    h124 = _F64(h[27])
    h125 = _F64(h[28])
    h126 = _F64(h[29])
    h127 = _F64(h[30])
    h128 = _F64(h[31])
    h129 = _F64(h[32])
    h130 = _F64(h[33])
    h131 = _F64(h[34])
    h132 = _F64(h[35])
    h133 = _F64(h[36])
    h134 = _F64(h[37])
    h135 = _F64(h[38])
    h136 = _F64(h[39])
    h137 = _F64(h[40])
    h138 = _F64(h[41])
    h139 = _F64(h[42])
    h140 = _F64(h[43])
    h141 = _F64(h[44])
    h142 = _F64(h[45])
    h143 = _F64(h[46])
    h144 = _F64(h[47])
    h145 = _F64(h[48])
    h146 = _F64(h[49])
    h147 = _F64(h[50])
    h148 = _F64(h[51])
    h149 = _F64(h[52])
    h150 = _F64(h[53])
    h151 = _F64(h[54])
    h152 = _F64(h[55])
    h153 = _F64(h[56])
    fx = _F64(h[57])
    fy = _F64(h[58])
    cx = _F64(h[59])
    cy = _F64(h[60])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h25 + Y * h26 + Z * h27 + h28
        p1 = X * h36 + Y * h37 + Z * h38 + h39
        p2 = _F64(1.0) / p1
        p3 = fx * p2
        p4 = X * h43 + Y * h44 + Z * h45 + h46
        p5 = fy * p2
        p6 = _F64(1.0) / (p1 * p1)
        p7 = p6 * (X * h91 + Y * h92 + Z * h93 + h94)
        p8 = fx * p0
        p9 = X * h112 + Y * h113 + Z * h114 + h115
        p10 = p6 * p8
        p11 = X * h124 + Y * h125 + Z * h126 + h127
        p12 = fy * p4
        p13 = p12 * p6
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p3 * (X * h130 + Y * h131 + Z * h132 + h133) + p7 * p8
            jac[i, 0, 1] = p10 * p9 + p3 * (X * h134 + Y * h135 + Z * h136 + h137)
            jac[i, 0, 2] = p10 * p11 + p3 * (X * h138 + Y * h139 + Z * h140 + h141)
            jac[i, 0, 3] = h128 * p10 + h17 * p3
            jac[i, 0, 4] = h129 * p10 + h21 * p3
            jac[i, 0, 5] = h24 * p3 + h35 * p10
            jac[i, 1, 0] = p12 * p7 + p5 * (X * h142 + Y * h143 + Z * h144 + h145)
            jac[i, 1, 1] = p13 * p9 + p5 * (X * h146 + Y * h147 + Z * h148 + h149)
            jac[i, 1, 2] = p11 * p13 + p5 * (X * h150 + Y * h151 + Z * h152 + h153)
            jac[i, 1, 3] = h128 * p13 + h40 * p5
            jac[i, 1, 4] = h129 * p13 + h41 * p5
            jac[i, 1, 5] = h35 * p13 + h42 * p5
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f32(h, points, uv, jac, valid):
    h17 = _F32(h[0])
    h21 = _F32(h[1])
    h24 = _F32(h[2])
    h25 = _F32(h[3])
    h26 = _F32(h[4])
    h27 = _F32(h[5])
    h28 = _F32(h[6])
    h35 = _F32(h[7])
    h36 = _F32(h[8])
    h37 = _F32(h[9])
    h38 = _F32(h[10])
    h39 = _F32(h[11])
    h40 = _F32(h[12])
    h41 = _F32(h[13])
    h42 = _F32(h[14])
    h43 = _F32(h[15])
    h44 = _F32(h[16])
    h45 = _F32(h[17])
    h46 = _F32(h[18])
    h91 = _F32(h[19])
    h92 = _F32(h[20])
    h93 = _F32(h[21])
    h94 = _F32(h[22])
    h112 = _F32(h[23])
    h113 = _F32(h[24])
    h114 = _F32(h[25])
    h115 = _F32(h[26])
    h124 = _F32(h[27])
    h125 = _F32(h[28])
    h126 = _F32(h[29])
    h127 = _F32(h[30])
    h128 = _F32(h[31])
    h129 = _F32(h[32])
    h130 = _F32(h[33])
    h131 = _F32(h[34])
    h132 = _F32(h[35])
    h133 = _F32(h[36])
    h134 = _F32(h[37])
    h135 = _F32(h[38])
    h136 = _F32(h[39])
    h137 = _F32(h[40])
    h138 = _F32(h[41])
    h139 = _F32(h[42])
    h140 = _F32(h[43])
    h141 = _F32(h[44])
    h142 = _F32(h[45])
    h143 = _F32(h[46])
    h144 = _F32(h[47])
    h145 = _F32(h[48])
    h146 = _F32(h[49])
    h147 = _F32(h[50])
    h148 = _F32(h[51])
    h149 = _F32(h[52])
    h150 = _F32(h[53])
    h151 = _F32(h[54])
    h152 = _F32(h[55])
    h153 = _F32(h[56])
    fx = _F32(h[57])
    fy = _F32(h[58])
    cx = _F32(h[59])
    cy = _F32(h[60])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        tile = np.empty(14 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                X = points_flat[iu * np.uint64(3) + np.uint64(0)]
                Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
                Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
                p0 = X * h25 + Y * h26 + Z * h27 + h28
                p1 = X * h36 + Y * h37 + Z * h38 + h39
                p2 = _F32(1.0) / p1
                p3 = fx * p2
                p4 = X * h43 + Y * h44 + Z * h45 + h46
                p5 = fy * p2
                p6 = _F32(1.0) / (p1 * p1)
                p7 = p6 * (X * h91 + Y * h92 + Z * h93 + h94)
                p8 = fx * p0
                p9 = X * h112 + Y * h113 + Z * h114 + h115
                p10 = p6 * p8
                p11 = X * h124 + Y * h125 + Z * h126 + h127
                p12 = fy * p4
                p13 = p12 * p6
                o0 = cx + p0 * p3
                o1 = cy + p4 * p5
                ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
                d0 = p3 * (X * h130 + Y * h131 + Z * h132 + h133) + p7 * p8
                d1 = p10 * p9 + p3 * (X * h134 + Y * h135 + Z * h136 + h137)
                d2 = p10 * p11 + p3 * (X * h138 + Y * h139 + Z * h140 + h141)
                d3 = h128 * p10 + h17 * p3
                d4 = h129 * p10 + h21 * p3
                d5 = h24 * p3 + h35 * p10
                d6 = p12 * p7 + p5 * (X * h142 + Y * h143 + Z * h144 + h145)
                d7 = p13 * p9 + p5 * (X * h146 + Y * h147 + Z * h148 + h149)
                d8 = p11 * p13 + p5 * (X * h150 + Y * h151 + Z * h152 + h153)
                d9 = h128 * p13 + h40 * p5
                d10 = h129 * p13 + h41 * p5
                d11 = h35 * p13 + h42 * p5
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = d3 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = d4 + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = d9 + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = d10 + nan_unless_ok
                tile[np.uint64(13 * STREAM_TILE) + ju] = d11 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(0), tile[np.uint64(2 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(1), tile[np.uint64(3 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(2), tile[np.uint64(4 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(3), tile[np.uint64(5 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(4), tile[np.uint64(6 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(5), tile[np.uint64(7 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(6), tile[np.uint64(8 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(7), tile[np.uint64(9 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(8), tile[np.uint64(10 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(9), tile[np.uint64(11 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(10), tile[np.uint64(12 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(11), tile[np.uint64(13 * STREAM_TILE) + ju])
        store_fence()


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f64(h, points, uv, jac, valid):
    h17 = _F64(h[0])
    h21 = _F64(h[1])
    h24 = _F64(h[2])
    h25 = _F64(h[3])
    h26 = _F64(h[4])
    h27 = _F64(h[5])
    h28 = _F64(h[6])
    h35 = _F64(h[7])
    h36 = _F64(h[8])
    h37 = _F64(h[9])
    h38 = _F64(h[10])
    h39 = _F64(h[11])
    h40 = _F64(h[12])
    h41 = _F64(h[13])
    h42 = _F64(h[14])
    h43 = _F64(h[15])
    h44 = _F64(h[16])
    h45 = _F64(h[17])
    h46 = _F64(h[18])
    h91 = _F64(h[19])
    h92 = _F64(h[20])
    h93 = _F64(h[21])
    h94 = _F64(h[22])
    h112 = _F64(h[23])
    h113 = _F64(h[24])
    h114 = _F64(h[25])
    h115 = _F64(h[26])
    h124 = _F64(h[27])
    h125 = _F64(h[28])
    h126 = _F64(h[29])
    h127 = _F64(h[30])
    h128 = _F64(h[31])
    h129 = _F64(h[32])
    h130 = _F64(h[33])
    h131 = _F64(h[34])
    h132 = _F64(h[35])
    h133 = _F64(h[36])
    h134 = _F64(h[37])
    h135 = _F64(h[38])
    h136 = _F64(h[39])
    h137 = _F64(h[40])
    h138 = _F64(h[41])
    h139 = _F64(h[42])
    h140 = _F64(h[43])
    h141 = _F64(h[44])
    h142 = _F64(h[45])
    h143 = _F64(h[46])
    h144 = _F64(h[47])
    h145 = _F64(h[48])
    h146 = _F64(h[49])
    h147 = _F64(h[50])
    h148 = _F64(h[51])
    h149 = _F64(h[52])
    h150 = _F64(h[53])
    h151 = _F64(h[54])
    h152 = _F64(h[55])
    h153 = _F64(h[56])
    fx = _F64(h[57])
    fy = _F64(h[58])
    cx = _F64(h[59])
    cy = _F64(h[60])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        tile = np.empty(14 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                X = points_flat[iu * np.uint64(3) + np.uint64(0)]
                Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
                Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
                p0 = X * h25 + Y * h26 + Z * h27 + h28
                p1 = X * h36 + Y * h37 + Z * h38 + h39
                p2 = _F64(1.0) / p1
                p3 = fx * p2
                p4 = X * h43 + Y * h44 + Z * h45 + h46
                p5 = fy * p2
                p6 = _F64(1.0) / (p1 * p1)
                p7 = p6 * (X * h91 + Y * h92 + Z * h93 + h94)
                p8 = fx * p0
                p9 = X * h112 + Y * h113 + Z * h114 + h115
                p10 = p6 * p8
                p11 = X * h124 + Y * h125 + Z * h126 + h127
                p12 = fy * p4
                p13 = p12 * p6
                o0 = cx + p0 * p3
                o1 = cy + p4 * p5
                ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
                d0 = p3 * (X * h130 + Y * h131 + Z * h132 + h133) + p7 * p8
                d1 = p10 * p9 + p3 * (X * h134 + Y * h135 + Z * h136 + h137)
                d2 = p10 * p11 + p3 * (X * h138 + Y * h139 + Z * h140 + h141)
                d3 = h128 * p10 + h17 * p3
                d4 = h129 * p10 + h21 * p3
                d5 = h24 * p3 + h35 * p10
                d6 = p12 * p7 + p5 * (X * h142 + Y * h143 + Z * h144 + h145)
                d7 = p13 * p9 + p5 * (X * h146 + Y * h147 + Z * h148 + h149)
                d8 = p11 * p13 + p5 * (X * h150 + Y * h151 + Z * h152 + h153)
                d9 = h128 * p13 + h40 * p5
                d10 = h129 * p13 + h41 * p5
                d11 = h35 * p13 + h42 * p5
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = d3 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = d4 + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = d9 + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = d10 + nan_unless_ok
                tile[np.uint64(13 * STREAM_TILE) + ju] = d11 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(0), tile[np.uint64(2 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(1), tile[np.uint64(3 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(2), tile[np.uint64(4 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(3), tile[np.uint64(5 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(4), tile[np.uint64(6 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(5), tile[np.uint64(7 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(6), tile[np.uint64(8 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(7), tile[np.uint64(9 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(8), tile[np.uint64(10 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(9), tile[np.uint64(11 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(10), tile[np.uint64(12 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(11), tile[np.uint64(13 * STREAM_TILE) + ju])
        store_fence()


def warp_jacobian(params, points, constants, uv, jac, valid):
    """Run ``warp_jacobian`` over all points into preallocated outputs (no validation: see jacgen.api)."""
    h = _hoist_warp_jacobian(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS
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
        p3 = _F32(1.0) / (Z * Z)
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
            jac[i, 0, 1] = X * X * p4 + fx
            jac[i, 0, 2] = -Y * p1
            jac[i, 0, 3] = p1
            jac[i, 0, 4] = _F32(0.0)
            jac[i, 0, 5] = -p5
            jac[i, 1, 0] = -Y * Y * p6 + h0
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
        p3 = _F64(1.0) / (Z * Z)
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
            jac[i, 0, 1] = X * X * p4 + fx
            jac[i, 0, 2] = -Y * p1
            jac[i, 0, 3] = p1
            jac[i, 0, 4] = _F64(0.0)
            jac[i, 0, 5] = -p5
            jac[i, 1, 0] = -Y * Y * p6 + h0
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
        tile = np.empty(14 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                X = points_flat[iu * np.uint64(3) + np.uint64(0)]
                Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
                Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
                p0 = _F32(1.0) / Z
                p1 = fx * p0
                p2 = fy * p0
                p3 = _F32(1.0) / (Z * Z)
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
                d1 = X * X * p4 + fx
                d2 = -Y * p1
                d5 = -p5
                d6 = -Y * Y * p6 + h0
                d7 = X * p7
                d8 = X * p2
                d11 = -p7
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p1 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p2 + nan_unless_ok
                tile[np.uint64(13 * STREAM_TILE) + ju] = d11 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(0), tile[np.uint64(2 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(1), tile[np.uint64(3 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(2), tile[np.uint64(4 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(3), tile[np.uint64(5 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(4), tile[np.uint64(6 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(5), tile[np.uint64(7 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(6), tile[np.uint64(8 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(7), tile[np.uint64(9 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(8), tile[np.uint64(10 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(9), tile[np.uint64(11 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(10), tile[np.uint64(12 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(11), tile[np.uint64(13 * STREAM_TILE) + ju])
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
        tile = np.empty(14 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                X = points_flat[iu * np.uint64(3) + np.uint64(0)]
                Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
                Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
                p0 = _F64(1.0) / Z
                p1 = fx * p0
                p2 = fy * p0
                p3 = _F64(1.0) / (Z * Z)
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
                d1 = X * X * p4 + fx
                d2 = -Y * p1
                d5 = -p5
                d6 = -Y * Y * p6 + h0
                d7 = X * p7
                d8 = X * p2
                d11 = -p7
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p1 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p2 + nan_unless_ok
                tile[np.uint64(13 * STREAM_TILE) + ju] = d11 + nan_unless_ok
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(0), tile[ju])
                stream_store(uv_flat, iu * np.uint64(2) + np.uint64(1), tile[np.uint64(1 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(0), tile[np.uint64(2 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(1), tile[np.uint64(3 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(2), tile[np.uint64(4 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(3), tile[np.uint64(5 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(4), tile[np.uint64(6 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(5), tile[np.uint64(7 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(6), tile[np.uint64(8 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(7), tile[np.uint64(9 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(8), tile[np.uint64(10 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(9), tile[np.uint64(11 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(10), tile[np.uint64(12 * STREAM_TILE) + ju])
                stream_store(jac_flat, iu * np.uint64(12) + np.uint64(11), tile[np.uint64(13 * STREAM_TILE) + ju])
        store_fence()


def warp_jacobian_at_zero(points, constants, uv, jac, valid):
    """Run ``warp_jacobian_at_zero`` over all points into preallocated outputs (no validation: see jacgen.api)."""
    h = _hoist_warp_jacobian_at_zero(ZERO_PARAMS, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS
    if points.dtype == np.float32:
        (_warp_jacobian_at_zero_stream_f32 if stream else _warp_jacobian_at_zero_f32)(h, points, uv, jac, valid)
    else:
        (_warp_jacobian_at_zero_stream_f64 if stream else _warp_jacobian_at_zero_f64)(h, points, uv, jac, valid)
