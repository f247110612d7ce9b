# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: euler_xyz (symbolic hash 48b17aea5a9a526b)
#   R = Rx(r1) Ry(r2) Rz(r3), t = (t1, t2, t3); pinhole projection
# params: r1, r2, r3, t1, t2, t3   point: X, Y, Z   constants: fx, fy, cx, cy
# content hash: sha256:47a1c4eeec5b9fdff9666522978dded3
# operation counts (sympy count_ops):
#   kernel                    before cse   after cse   hoisted   per point
#   warp                             127          49        23          26
#   warp_jacobian                    962         112        30          82
# --------------------------------------------------------------------------------------------------
"""Kernels of the ``euler_xyz`` warp for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.streaming import store_fence, stream_store

MODEL = "euler_xyz"
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
    h0 = math.sin(r1)
    h1 = math.sin(r3)
    h2 = h0 * h1
    h3 = math.sin(r2)
    h4 = math.cos(r1)
    h5 = math.cos(r3)
    h6 = h0 * h5
    h7 = h1 * h4
    h8 = math.cos(r2)
    h9 = h2 - h3 * h4 * h5
    h10 = h3 * h7 + h6
    h11 = h5 * h8
    h12 = -h1 * h8
    h13 = h3 * h6 + h7
    h14 = -h2 * h3 + h4 * h5
    h15 = -h0
    out = np.empty(17)
    out[0] = h3
    out[1] = h4
    out[2] = h8
    out[3] = h9
    out[4] = h10
    out[5] = h11
    out[6] = h12
    out[7] = h13
    out[8] = h14
    out[9] = h15
    out[10] = t1
    out[11] = t2
    out[12] = t3
    out[13] = fx
    out[14] = fy
    out[15] = cx
    out[16] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_f32(h, points, uv, valid):
    h3 = _F32(h[0])
    h4 = _F32(h[1])
    h8 = _F32(h[2])
    h9 = _F32(h[3])
    h10 = _F32(h[4])
    h11 = _F32(h[5])
    h12 = _F32(h[6])
    h13 = _F32(h[7])
    h14 = _F32(h[8])
    h15 = _F32(h[9])
    t1 = _F32(h[10])
    t2 = _F32(h[11])
    t3 = _F32(h[12])
    fx = _F32(h[13])
    fy = _F32(h[14])
    cx = _F32(h[15])
    cy = _F32(h[16])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h8
        p1 = X * h9 + Y * h10 + h4 * p0 + t3
        p2 = _F32(1.0) / p1
        o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
        o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
        if p1 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_f64(h, points, uv, valid):
    h3 = _F64(h[0])
    h4 = _F64(h[1])
    h8 = _F64(h[2])
    h9 = _F64(h[3])
    h10 = _F64(h[4])
    h11 = _F64(h[5])
    h12 = _F64(h[6])
    h13 = _F64(h[7])
    h14 = _F64(h[8])
    h15 = _F64(h[9])
    t1 = _F64(h[10])
    t2 = _F64(h[11])
    t3 = _F64(h[12])
    fx = _F64(h[13])
    fy = _F64(h[14])
    cx = _F64(h[15])
    cy = _F64(h[16])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h8
        p1 = X * h9 + Y * h10 + h4 * p0 + t3
        p2 = _F64(1.0) / p1
        o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
        o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
        if p1 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_stream_f32(h, points, uv, valid):
    h3 = _F32(h[0])
    h4 = _F32(h[1])
    h8 = _F32(h[2])
    h9 = _F32(h[3])
    h10 = _F32(h[4])
    h11 = _F32(h[5])
    h12 = _F32(h[6])
    h13 = _F32(h[7])
    h14 = _F32(h[8])
    h15 = _F32(h[9])
    t1 = _F32(h[10])
    t2 = _F32(h[11])
    t3 = _F32(h[12])
    fx = _F32(h[13])
    fy = _F32(h[14])
    cx = _F32(h[15])
    cy = _F32(h[16])
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
                p0 = Z * h8
                p1 = X * h9 + Y * h10 + h4 * p0 + t3
                p2 = _F32(1.0) / p1
                o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
                o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
                ok = (p1 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
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
    h3 = _F64(h[0])
    h4 = _F64(h[1])
    h8 = _F64(h[2])
    h9 = _F64(h[3])
    h10 = _F64(h[4])
    h11 = _F64(h[5])
    h12 = _F64(h[6])
    h13 = _F64(h[7])
    h14 = _F64(h[8])
    h15 = _F64(h[9])
    t1 = _F64(h[10])
    t2 = _F64(h[11])
    t3 = _F64(h[12])
    fx = _F64(h[13])
    fy = _F64(h[14])
    cx = _F64(h[15])
    cy = _F64(h[16])
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
                p0 = Z * h8
                p1 = X * h9 + Y * h10 + h4 * p0 + t3
                p2 = _F64(1.0) / p1
                o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
                o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
                ok = (p1 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
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
    h0 = math.sin(r2)
    h1 = math.cos(r2)
    h2 = math.cos(r3)
    h3 = math.sin(r3)
    h4 = -h1
    h5 = math.sin(r1)
    h6 = h3 * h5
    h7 = math.cos(r1)
    h8 = h2 * h7
    h9 = -h0 * h8 + h6
    h10 = h2 * h5
    h11 = h3 * h7
    h12 = h0 * h11 + h10
    h13 = h0 * h10 + h11
    h14 = -h0 * h6 + h2 * h7
    h15 = -h5
    h16 = -h11
    h17 = -h9
    h18 = -h12
    h19 = -h17
    h20 = -h0
    h21 = -h2
    h22 = -h3
    h23 = -h6
    h24 = -h13
    out = np.empty(30)
    out[0] = h0
    out[1] = h1
    out[2] = h2
    out[3] = h3
    out[4] = h4
    out[5] = h5
    out[6] = h7
    out[7] = h8
    out[8] = h9
    out[9] = h10
    out[10] = h12
    out[11] = h13
    out[12] = h14
    out[13] = h15
    out[14] = h16
    out[15] = h17
    out[16] = h18
    out[17] = h19
    out[18] = h20
    out[19] = h21
    out[20] = h22
    out[21] = h23
    out[22] = h24
    out[23] = t1
    out[24] = t2
    out[25] = t3
    out[26] = fx
    out[27] = fy
    out[28] = cx
    out[29] = cy
    return out


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f32(h, points, uv, jac, valid):
    h0 = _F32(h[0])
    h1 = _F32(h[1])
    h2 = _F32(h[2])
    h3 = _F32(h[3])
    h4 = _F32(h[4])
    h5 = _F32(h[5])
    h7 = _F32(h[6])
    h8 = _F32(h[7])
    h9 = _F32(h[8])
    h10 = _F32(h[9])
    h12 = _F32(h[10])
    h13 = _F32(h[11])
    h14 = _F32(h[12])
    h15 = _F32(h[13])
    h16 = _F32(h[14])
    h17 = _F32(h[15])
    h18 = _F32(h[16])
    h19 = _F32(h[17])
    h20 = _F32(h[18])
    h21 = _F32(h[19])
    h22 = _F32(h[20])
    h23 = _F32(h[21])
    h24 = _F32(h[22])
    t1 = _F32(h[23])
    t2 = _F32(h[24])
    t3 = _F32(h[25])
    fx = _F32(h[26])
    fy = _F32(h[27])
    cx = _F32(h[28])
    cy = _F32(h[29])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h0
        p1 = X * h2
        p2 = Y * h3
        p3 = h1 * p1 + h4 * p2 + p0 + t1
        p4 = Z * h1
        p5 = h7 * p4
        p6 = X * h9 + Y * h12 + p5 + t3
        p7 = _F32(1.0) / p6
        p8 = fx * p7
        p9 = X * h13 + Y * h14 + h15 * p4
        p10 = p9 + t2
        p11 = fy * p7
        p12 = -p9
        p13 = _F32(1.0) / (p6 * p6)
        p14 = fx * p13 * p3
        p15 = X * h1
        p16 = Y * h1
        p17 = h16 * p16 + h7 * p0 + h8 * p15
        p18 = X * h18 + Y * h19
        p19 = fy * p10 * p13
        o0 = cx + p3 * p8
        o1 = cy + p10 * p11
        if p6 > _F32(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p12 * p14
            jac[i, 0, 1] = p14 * p17 + p8 * (h0 * p2 + h20 * p1 + p4)
            jac[i, 0, 2] = p14 * p18 + p8 * (h21 * p16 + h22 * p15)
            jac[i, 0, 3] = p8
            jac[i, 0, 4] = _F32(0.0)
            jac[i, 0, 5] = -p14
            jac[i, 1, 0] = p11 * (X * h17 + Y * h18 - p5) + p12 * p19
            jac[i, 1, 1] = p11 * (h10 * p15 + h23 * p16 + h5 * p0) + p17 * p19
            jac[i, 1, 2] = p11 * (X * h14 + Y * h24) + p18 * p19
            jac[i, 1, 3] = _F32(0.0)
            jac[i, 1, 4] = p11
            jac[i, 1, 5] = -p19
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_f64(h, points, uv, jac, valid):
    h0 = _F64(h[0])
    h1 = _F64(h[1])
    h2 = _F64(h[2])
    h3 = _F64(h[3])
    h4 = _F64(h[4])
    h5 = _F64(h[5])
    h7 = _F64(h[6])
    h8 = _F64(h[7])
    h9 = _F64(h[8])
    h10 = _F64(h[9])
    h12 = _F64(h[10])
    h13 = _F64(h[11])
    h14 = _F64(h[12])
    h15 = _F64(h[13])
    h16 = _F64(h[14])
    h17 = _F64(h[15])
    h18 = _F64(h[16])
    h19 = _F64(h[17])
    h20 = _F64(h[18])
    h21 = _F64(h[19])
    h22 = _F64(h[20])
    h23 = _F64(h[21])
    h24 = _F64(h[22])
    t1 = _F64(h[23])
    t2 = _F64(h[24])
    t3 = _F64(h[25])
    fx = _F64(h[26])
    fy = _F64(h[27])
    cx = _F64(h[28])
    cy = _F64(h[29])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h0
        p1 = X * h2
        p2 = Y * h3
        p3 = h1 * p1 + h4 * p2 + p0 + t1
        p4 = Z * h1
        p5 = h7 * p4
        p6 = X * h9 + Y * h12 + p5 + t3
        p7 = _F64(1.0) / p6
        p8 = fx * p7
        p9 = X * h13 + Y * h14 + h15 * p4
        p10 = p9 + t2
        p11 = fy * p7
        p12 = -p9
        p13 = _F64(1.0) / (p6 * p6)
        p14 = fx * p13 * p3
        p15 = X * h1
        p16 = Y * h1
        p17 = h16 * p16 + h7 * p0 + h8 * p15
        p18 = X * h18 + Y * h19
        p19 = fy * p10 * p13
        o0 = cx + p3 * p8
        o1 = cy + p10 * p11
        if p6 > _F64(0.0) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = p12 * p14
            jac[i, 0, 1] = p14 * p17 + p8 * (h0 * p2 + h20 * p1 + p4)
            jac[i, 0, 2] = p14 * p18 + p8 * (h21 * p16 + h22 * p15)
            jac[i, 0, 3] = p8
            jac[i, 0, 4] = _F64(0.0)
            jac[i, 0, 5] = -p14
            jac[i, 1, 0] = p11 * (X * h17 + Y * h18 - p5) + p12 * p19
            jac[i, 1, 1] = p11 * (h10 * p15 + h23 * p16 + h5 * p0) + p17 * p19
            jac[i, 1, 2] = p11 * (X * h14 + Y * h24) + p18 * p19
            jac[i, 1, 3] = _F64(0.0)
            jac[i, 1, 4] = p11
            jac[i, 1, 5] = -p19
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan
            for r in range(2):
                for c in range(6):
                    jac[i, r, c] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian_stream_f32(h, points, uv, jac, valid):
    h0 = _F32(h[0])
    h1 = _F32(h[1])
    h2 = _F32(h[2])
    h3 = _F32(h[3])
    h4 = _F32(h[4])
    h5 = _F32(h[5])
    h7 = _F32(h[6])
    h8 = _F32(h[7])
    h9 = _F32(h[8])
    h10 = _F32(h[9])
    h12 = _F32(h[10])
    h13 = _F32(h[11])
    h14 = _F32(h[12])
    h15 = _F32(h[13])
    h16 = _F32(h[14])
    h17 = _F32(h[15])
    h18 = _F32(h[16])
    h19 = _F32(h[17])
    h20 = _F32(h[18])
    h21 = _F32(h[19])
    h22 = _F32(h[20])
    h23 = _F32(h[21])
    h24 = _F32(h[22])
    t1 = _F32(h[23])
    t2 = _F32(h[24])
    t3 = _F32(h[25])
    fx = _F32(h[26])
    fy = _F32(h[27])
    cx = _F32(h[28])
    cy = _F32(h[29])
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
                p0 = Z * h0
                p1 = X * h2
                p2 = Y * h3
                p3 = h1 * p1 + h4 * p2 + p0 + t1
                p4 = Z * h1
                p5 = h7 * p4
                p6 = X * h9 + Y * h12 + p5 + t3
                p7 = _F32(1.0) / p6
                p8 = fx * p7
                p9 = X * h13 + Y * h14 + h15 * p4
                p10 = p9 + t2
                p11 = fy * p7
                p12 = -p9
                p13 = _F32(1.0) / (p6 * p6)
                p14 = fx * p13 * p3
                p15 = X * h1
                p16 = Y * h1
                p17 = h16 * p16 + h7 * p0 + h8 * p15
                p18 = X * h18 + Y * h19
                p19 = fy * p10 * p13
                o0 = cx + p3 * p8
                o1 = cy + p10 * p11
                ok = (p6 > _F32(0.0)) & (abs(o0) < _F32(math.inf)) & (abs(o1) < _F32(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F32(0.0) if ok else _F32(math.nan)
                d0 = p12 * p14
                d1 = p14 * p17 + p8 * (h0 * p2 + h20 * p1 + p4)
                d2 = p14 * p18 + p8 * (h21 * p16 + h22 * p15)
                d5 = -p14
                d6 = p11 * (X * h17 + Y * h18 - p5) + p12 * p19
                d7 = p11 * (h10 * p15 + h23 * p16 + h5 * p0) + p17 * p19
                d8 = p11 * (X * h14 + Y * h24) + p18 * p19
                d11 = -p19
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p8 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F32(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p11 + nan_unless_ok
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
    h0 = _F64(h[0])
    h1 = _F64(h[1])
    h2 = _F64(h[2])
    h3 = _F64(h[3])
    h4 = _F64(h[4])
    h5 = _F64(h[5])
    h7 = _F64(h[6])
    h8 = _F64(h[7])
    h9 = _F64(h[8])
    h10 = _F64(h[9])
    h12 = _F64(h[10])
    h13 = _F64(h[11])
    h14 = _F64(h[12])
    h15 = _F64(h[13])
    h16 = _F64(h[14])
    h17 = _F64(h[15])
    h18 = _F64(h[16])
    h19 = _F64(h[17])
    h20 = _F64(h[18])
    h21 = _F64(h[19])
    h22 = _F64(h[20])
    h23 = _F64(h[21])
    h24 = _F64(h[22])
    t1 = _F64(h[23])
    t2 = _F64(h[24])
    t3 = _F64(h[25])
    fx = _F64(h[26])
    fy = _F64(h[27])
    cx = _F64(h[28])
    cy = _F64(h[29])
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
                p0 = Z * h0
                p1 = X * h2
                p2 = Y * h3
                p3 = h1 * p1 + h4 * p2 + p0 + t1
                p4 = Z * h1
                p5 = h7 * p4
                p6 = X * h9 + Y * h12 + p5 + t3
                p7 = _F64(1.0) / p6
                p8 = fx * p7
                p9 = X * h13 + Y * h14 + h15 * p4
                p10 = p9 + t2
                p11 = fy * p7
                p12 = -p9
                p13 = _F64(1.0) / (p6 * p6)
                p14 = fx * p13 * p3
                p15 = X * h1
                p16 = Y * h1
                p17 = h16 * p16 + h7 * p0 + h8 * p15
                p18 = X * h18 + Y * h19
                p19 = fy * p10 * p13
                o0 = cx + p3 * p8
                o1 = cy + p10 * p11
                ok = (p6 > _F64(0.0)) & (abs(o0) < _F64(math.inf)) & (abs(o1) < _F64(math.inf))
                valid[iu] = ok
                nan_unless_ok = _F64(0.0) if ok else _F64(math.nan)
                d0 = p12 * p14
                d1 = p14 * p17 + p8 * (h0 * p2 + h20 * p1 + p4)
                d2 = p14 * p18 + p8 * (h21 * p16 + h22 * p15)
                d5 = -p14
                d6 = p11 * (X * h17 + Y * h18 - p5) + p12 * p19
                d7 = p11 * (h10 * p15 + h23 * p16 + h5 * p0) + p17 * p19
                d8 = p11 * (X * h14 + Y * h24) + p18 * p19
                d11 = -p19
                tile[ju] = o0 + nan_unless_ok
                tile[np.uint64(1 * STREAM_TILE) + ju] = o1 + nan_unless_ok
                tile[np.uint64(2 * STREAM_TILE) + ju] = d0 + nan_unless_ok
                tile[np.uint64(3 * STREAM_TILE) + ju] = d1 + nan_unless_ok
                tile[np.uint64(4 * STREAM_TILE) + ju] = d2 + nan_unless_ok
                tile[np.uint64(5 * STREAM_TILE) + ju] = p8 + nan_unless_ok
                tile[np.uint64(6 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(7 * STREAM_TILE) + ju] = d5 + nan_unless_ok
                tile[np.uint64(8 * STREAM_TILE) + ju] = d6 + nan_unless_ok
                tile[np.uint64(9 * STREAM_TILE) + ju] = d7 + nan_unless_ok
                tile[np.uint64(10 * STREAM_TILE) + ju] = d8 + nan_unless_ok
                tile[np.uint64(11 * STREAM_TILE) + ju] = _F64(0.0) + nan_unless_ok
                tile[np.uint64(12 * STREAM_TILE) + ju] = p11 + nan_unless_ok
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
