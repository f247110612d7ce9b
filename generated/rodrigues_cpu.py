# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: rodrigues (symbolic hash ea53b14e4f74f7f9)
#   R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection
# params: r1, r2, r3, t1, t2, t3   point: X, Y, Z   constants: fx, fy, cx, cy
# content hash: sha256:a24f1857fe86c6dc628e540e054b552b
# operation counts (sympy count_ops):
#   kernel                    before cse   after cse   hoisted   per point
#   warp                             286          58        33          25
#   warp_jacobian                   3340         222       126          96
# --------------------------------------------------------------------------------------------------
"""Kernels of the ``rodrigues`` warp for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.streaming import store_fence, stream_store

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
        tile = np.empty(2 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
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
        tile = np.empty(2 * STREAM_TILE, dtype=points.dtype)
        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):
            count = min(STREAM_TILE, n - start)
            for j in range(count):
                ju = np.uint64(j)
                iu = np.uint64(start) + ju
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
    h12 = h4 * r3
    h13 = h12 * r1
    h14 = -h5 - h6
    h15 = h10 - h8
    h16 = h11 + h13
    h17 = h7 * r1
    h18 = h1 * h4
    h19 = -h11 + h13
    h20 = h17 + h9 * r3
    h21 = -h18 - h6
    h22 = h10 + h8
    h23 = -h18 - h5 + 1.0
    h24 = -h17 + h4 * r2 * r3
    h25 = (0.5) * _phi3(h3)
    h26 = -h25 + _phi4(h3)
    h27 = 2.0 * h26
    h28 = h27 * r1
    h29 = h2 * h28
    h30 = h0 * h28
    h31 = 2.0 * h25 - h4
    h32 = h31 * r1
    h33 = h32 * r3
    h34 = -h33
    h35 = h1 * h27
    h36 = h35 * r2
    h37 = h36 + h9
    h38 = h32 * r2
    h39 = h35 * r3
    h40 = h12 + h39
    h41 = -h38
    h42 = h1 * h31
    h43 = r2 * r3
    h44 = h28 * h43 + h7
    h45 = h4 * r1
    h46 = h27 * r1 * r1 * r1 + 2.0 * h45
    h47 = -h40 - h41
    h48 = -h42 - h44
    h49 = h29 + h46
    h50 = h0 * h27 * r2
    h51 = h27 * r2 * r2 * r2 + 2.0 * h9
    h52 = h31 * h43
    h53 = h45 - h52
    h54 = h2 * h31
    h55 = -2.0 * h26 * r1 * r2 * r3 + h7
    h56 = h2 * h27 * r3
    h57 = h12 + h56
    h58 = h54 + h55
    h59 = -h38 - h57
    h60 = h36 + h51
    h61 = 2.0 * h12 + h27 * r3 * r3 * r3
    h62 = h0 * h31
    h63 = h45 + h52
    h64 = h50 + h9
    h65 = -h30 - h53
    h66 = -h33 - h64
    h67 = h39 + h56
    h68 = -h29 - h30
    h69 = h34 + h37
    h70 = h38 + h40
    h71 = -h50 - h51
    h72 = h29 + h53
    h73 = h44 + h54
    h74 = -h56 - h61
    h75 = -h55 - h62
    h76 = h30 + h63
    h77 = h33 + h37
    h78 = -h30 - h46
    h79 = -h42 - h55
    h80 = h29 + h63
    h81 = -h36 - h50
    h82 = h41 + h57
    h83 = h44 + h62
    h84 = -h39 - h61
    h85 = h34 + h64
    out = np.empty(43)
    out[0] = h14
    out[1] = h15
    out[2] = h16
    out[3] = h19
    out[4] = h20
    out[5] = h21
    out[6] = h22
    out[7] = h23
    out[8] = h24
    out[9] = h47
    out[10] = h48
    out[11] = h49
    out[12] = h58
    out[13] = h59
    out[14] = h60
    out[15] = h65
    out[16] = h66
    out[17] = h67
    out[18] = h68
    out[19] = h69
    out[20] = h70
    out[21] = h71
    out[22] = h72
    out[23] = h73
    out[24] = h74
    out[25] = h75
    out[26] = h76
    out[27] = h77
    out[28] = h78
    out[29] = h79
    out[30] = h80
    out[31] = h81
    out[32] = h82
    out[33] = h83
    out[34] = h84
    out[35] = h85
    out[36] = t1
    out[37] = t2
    out[38] = t3
    out[39] = fx
    out[40] = fy
    out[41] = cx
    out[42] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f32(h, points, uv, jac, valid):
    h14 = _F32(h[0])
    h15 = _F32(h[1])
    h16 = _F32(h[2])
    h19 = _F32(h[3])
    h20 = _F32(h[4])
    h21 = _F32(h[5])
    h22 = _F32(h[6])
    h23 = _F32(h[7])
    h24 = _F32(h[8])
    h47 = _F32(h[9])
    h48 = _F32(h[10])
    h49 = _F32(h[11])
    h58 = _F32(h[12])
    h59 = _F32(h[13])
    h60 = _F32(h[14])
    h65 = _F32(h[15])
    h66 = _F32(h[16])
    h67 = _F32(h[17])
    h68 = _F32(h[18])
    h69 = _F32(h[19])
    h70 = _F32(h[20])
    h71 = _F32(h[21])
    h72 = _F32(h[22])
    h73 = _F32(h[23])
    h74 = _F32(h[24])
    h75 = _F32(h[25])
    h76 = _F32(h[26])
    h77 = _F32(h[27])
    h78 = _F32(h[28])
    h79 = _F32(h[29])
    h80 = _F32(h[30])
    h81 = _F32(h[31])
    h82 = _F32(h[32])
    h83 = _F32(h[33])
    h84 = _F32(h[34])
    h85 = _F32(h[35])
    t1 = _F32(h[36])
    t2 = _F32(h[37])
    t3 = _F32(h[38])
    fx = _F32(h[39])
    fy = _F32(h[40])
    cx = _F32(h[41])
    cy = _F32(h[42])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h14 + Y * h15 + Z * h16 + t1
        p1 = X * h19 + Y * h20 + Z * h21 + t3
        p2 = _F32(1.0) / p1
        p3 = fx * p2
        p4 = X * h22 + Y * h23 + Z * h24 + t2
        p5 = fy * p2
        p6 = X * h47 + Y * h48 + Z * h49
        p7 = _F32(1.0) / (p1 * p1)
        p8 = fx * p0 * p7
        p9 = X * h58 + Y * h59 + Z * h60
        p10 = X * h65 + Y * h66 + Z * h67
        p11 = fy * p4 * p7
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p3 * (X * h68 + Y * h69 + Z * h70) + p6 * p8
            jac[i, 0, 1] = p3 * (X * h71 + Y * h72 + Z * h73) + p8 * p9
            jac[i, 0, 2] = p10 * p8 + p3 * (X * h74 + Y * h75 + Z * h76)
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = _F32(0.0)
            jac[i, 0, 5] = -p8
            jac[i, 1, 0] = p11 * p6 + p5 * (X * h77 + Y * h78 + Z * h79)
            jac[i, 1, 1] = p11 * p9 + p5 * (X * h80 + Y * h81 + Z * h82)
            jac[i, 1, 2] = p10 * p11 + p5 * (X * h83 + Y * h84 + Z * h85)
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
    h14 = _F64(h[0])
    h15 = _F64(h[1])
    h16 = _F64(h[2])
    h19 = _F64(h[3])
    h20 = _F64(h[4])
    h21 = _F64(h[5])
    h22 = _F64(h[6])
    h23 = _F64(h[7])
    h24 = _F64(h[8])
    h47 = _F64(h[9])
    h48 = _F64(h[10])
    h49 = _F64(h[11])
    h58 = _F64(h[12])
    h59 = _F64(h[13])
    h60 = _F64(h[14])
    h65 = _F64(h[15])
    h66 = _F64(h[16])
    h67 = _F64(h[17])
    h68 = _F64(h[18])
    h69 = _F64(h[19])
    h70 = _F64(h[20])
    h71 = _F64(h[21])
    h72 = _F64(h[22])
    h73 = _F64(h[23])
    h74 = _F64(h[24])
    h75 = _F64(h[25])
    h76 = _F64(h[26])
    h77 = _F64(h[27])
    h78 = _F64(h[28])
    h79 = _F64(h[29])
    h80 = _F64(h[30])
    h81 = _F64(h[31])
    h82 = _F64(h[32])
    h83 = _F64(h[33])
    h84 = _F64(h[34])
    h85 = _F64(h[35])
    t1 = _F64(h[36])
    t2 = _F64(h[37])
    t3 = _F64(h[38])
    fx = _F64(h[39])
    fy = _F64(h[40])
    cx = _F64(h[41])
    cy = _F64(h[42])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h14 + Y * h15 + Z * h16 + t1
        p1 = X * h19 + Y * h20 + Z * h21 + t3
        p2 = _F64(1.0) / p1
        p3 = fx * p2
        p4 = X * h22 + Y * h23 + Z * h24 + t2
        p5 = fy * p2
        p6 = X * h47 + Y * h48 + Z * h49
        p7 = _F64(1.0) / (p1 * p1)
        p8 = fx * p0 * p7
        p9 = X * h58 + Y * h59 + Z * h60
        p10 = X * h65 + Y * h66 + Z * h67
        p11 = fy * p4 * p7
        o0 = cx + p0 * p3
        o1 = cy + p4 * p5
        if p1 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p3 * (X * h68 + Y * h69 + Z * h70) + p6 * p8
            jac[i, 0, 1] = p3 * (X * h71 + Y * h72 + Z * h73) + p8 * p9
            jac[i, 0, 2] = p10 * p8 + p3 * (X * h74 + Y * h75 + Z * h76)
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = _F64(0.0)
            jac[i, 0, 5] = -p8
            jac[i, 1, 0] = p11 * p6 + p5 * (X * h77 + Y * h78 + Z * h79)
            jac[i, 1, 1] = p11 * p9 + p5 * (X * h80 + Y * h81 + Z * h82)
            jac[i, 1, 2] = p10 * p11 + p5 * (X * h83 + Y * h84 + Z * h85)
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
    h14 = _F32(h[0])
    h15 = _F32(h[1])
    h16 = _F32(h[2])
    h19 = _F32(h[3])
    h20 = _F32(h[4])
    h21 = _F32(h[5])
    h22 = _F32(h[6])
    h23 = _F32(h[7])
    h24 = _F32(h[8])
    h47 = _F32(h[9])
    h48 = _F32(h[10])
    h49 = _F32(h[11])
    h58 = _F32(h[12])
    h59 = _F32(h[13])
    h60 = _F32(h[14])
    h65 = _F32(h[15])
    h66 = _F32(h[16])
    h67 = _F32(h[17])
    h68 = _F32(h[18])
    h69 = _F32(h[19])
    h70 = _F32(h[20])
    h71 = _F32(h[21])
    h72 = _F32(h[22])
    h73 = _F32(h[23])
    h74 = _F32(h[24])
    h75 = _F32(h[25])
    h76 = _F32(h[26])
    h77 = _F32(h[27])
    h78 = _F32(h[28])
    h79 = _F32(h[29])
    h80 = _F32(h[30])
    h81 = _F32(h[31])
    h82 = _F32(h[32])
    h83 = _F32(h[33])
    h84 = _F32(h[34])
    h85 = _F32(h[35])
    t1 = _F32(h[36])
    t2 = _F32(h[37])
    t3 = _F32(h[38])
    fx = _F32(h[39])
    fy = _F32(h[40])
    cx = _F32(h[41])
    cy = _F32(h[42])
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
                p0 = X * h14 + Y * h15 + Z * h16 + t1
                p1 = X * h19 + Y * h20 + Z * h21 + t3
                p2 = _F32(1.0) / p1
                p3 = fx * p2
                p4 = X * h22 + Y * h23 + Z * h24 + t2
                p5 = fy * p2
                p6 = X * h47 + Y * h48 + Z * h49
                p7 = _F32(1.0) / (p1 * p1)
                p8 = fx * p0 * p7
                p9 = X * h58 + Y * h59 + Z * h60
                p10 = X * h65 + Y * h66 + Z * h67
                p11 = fy * p4 * p7
                o0 = cx + p0 * p3
                o1 = cy + p4 * p5
                ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
                d0 = p3 * (X * h68 + Y * h69 + Z * h70) + p6 * p8
                d1 = p3 * (X * h71 + Y * h72 + Z * h73) + p8 * p9
                d2 = p10 * p8 + p3 * (X * h74 + Y * h75 + Z * h76)
                d5 = -p8
                d6 = p11 * p6 + p5 * (X * h77 + Y * h78 + Z * h79)
                d7 = p11 * p9 + p5 * (X * h80 + Y * h81 + Z * h82)
                d8 = p10 * p11 + p5 * (X * h83 + Y * h84 + Z * h85)
                d11 = -p11
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p3 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p5 + nan_unless_ok
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
    h14 = _F64(h[0])
    h15 = _F64(h[1])
    h16 = _F64(h[2])
    h19 = _F64(h[3])
    h20 = _F64(h[4])
    h21 = _F64(h[5])
    h22 = _F64(h[6])
    h23 = _F64(h[7])
    h24 = _F64(h[8])
    h47 = _F64(h[9])
    h48 = _F64(h[10])
    h49 = _F64(h[11])
    h58 = _F64(h[12])
    h59 = _F64(h[13])
    h60 = _F64(h[14])
    h65 = _F64(h[15])
    h66 = _F64(h[16])
    h67 = _F64(h[17])
    h68 = _F64(h[18])
    h69 = _F64(h[19])
    h70 = _F64(h[20])
    h71 = _F64(h[21])
    h72 = _F64(h[22])
    h73 = _F64(h[23])
    h74 = _F64(h[24])
    h75 = _F64(h[25])
    h76 = _F64(h[26])
    h77 = _F64(h[27])
    h78 = _F64(h[28])
    h79 = _F64(h[29])
    h80 = _F64(h[30])
    h81 = _F64(h[31])
    h82 = _F64(h[32])
    h83 = _F64(h[33])
    h84 = _F64(h[34])
    h85 = _F64(h[35])
    t1 = _F64(h[36])
    t2 = _F64(h[37])
    t3 = _F64(h[38])
    fx = _F64(h[39])
    fy = _F64(h[40])
    cx = _F64(h[41])
    cy = _F64(h[42])
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
                p0 = X * h14 + Y * h15 + Z * h16 + t1
                p1 = X * h19 + Y * h20 + Z * h21 + t3
                p2 = _F64(1.0) / p1
                p3 = fx * p2
                p4 = X * h22 + Y * h23 + Z * h24 + t2
                p5 = fy * p2
                p6 = X * h47 + Y * h48 + Z * h49
                p7 = _F64(1.0) / (p1 * p1)
                p8 = fx * p0 * p7
                p9 = X * h58 + Y * h59 + Z * h60
                p10 = X * h65 + Y * h66 + Z * h67
                p11 = fy * p4 * p7
                o0 = cx + p0 * p3
                o1 = cy + p4 * p5
                ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
                d0 = p3 * (X * h68 + Y * h69 + Z * h70) + p6 * p8
                d1 = p3 * (X * h71 + Y * h72 + Z * h73) + p8 * p9
                d2 = p10 * p8 + p3 * (X * h74 + Y * h75 + Z * h76)
                d5 = -p8
                d6 = p11 * p6 + p5 * (X * h77 + Y * h78 + Z * h79)
                d7 = p11 * p9 + p5 * (X * h80 + Y * h81 + Z * h82)
                d8 = p10 * p11 + p5 * (X * h83 + Y * h84 + Z * h85)
                d11 = -p11
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p3 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p5 + nan_unless_ok
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
