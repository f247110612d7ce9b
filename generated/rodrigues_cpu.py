# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: rodrigues (symbolic hash 2f73fb7b06be3fb4)
#   R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection
# content hash: sha256:0a3c3505c21f74b0e3631ca9b47eb3c2   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _warp                                            286         58       33         25
#   _warp_jacobian                                  7221        330      257         73
# --------------------------------------------------------------------------------------------------
"""Warp and Jacobian kernels of the ``rodrigues`` model for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.lanes import lane_rows, lane_select, lane_store_mask, lane_stream_rows, lane_width
from jacgen.runtime.sinc import phi
from jacgen.streaming import STREAM_CHUNK, STREAM_MIN_POINTS, pair_aligned, store_fence

DESCRIPTION = {
    "model": "rodrigues",
    "target": "cpu",
    "params": ("r1", "r2", "r3", "t1", "t2", "t3"),
    "point": ("X", "Y", "Z"),
    "constants": ("fx", "fy", "cx", "cy"),
    "positive_constants": ("fx", "fy"),
    "outputs": ("u", "v"),
    "has_validity": True,
    "kernels": ("warp", "warp_jacobian"),
}
FASTMATH = {"contract", "arcp", "nsz"}


@njit(cache=True)
def _hoist_warp(params, constants):
    """What ``_warp`` reads: its parameter-only values (float64, once per call)."""
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
    h4 = phi(1, h3)
    h5 = h4 * r2
    h6 = phi(2, h3)
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
    return np.array([h12, h13, h14, h18, h19, h20, h21, h22, h23, t1, t2, t3, fx, fy, cx, cy])


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp(h, points, uv, valid):
    """Outputs of ``warp`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    h12 = T(h[0])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h13 = T(h[1])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h14 = T(h[2])
    h18 = T(h[3])
    h19 = T(h[4])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h20 = T(h[5])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h21 = T(h[6])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h22 = T(h[7])
    h23 = T(h[8])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    t1 = T(h[9])
    t2 = T(h[10])
    t3 = T(h[11])
    fx = T(h[12])
    fy = T(h[13])
    cx = T(h[14])
    cy = T(h[15])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = T(1.0) / p0
        o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
        if (p0 > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
        else:
            valid[i] = False
            uv[i, 0] = math.nan
            uv[i, 1] = math.nan


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_stream(h, points, uv, valid):
    """``_warp`` with non-temporal stores, for outputs larger than the caches."""
    T = points.dtype.type
    h12 = T(h[0])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h13 = T(h[1])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h14 = T(h[2])
    h18 = T(h[3])
    h19 = T(h[4])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h20 = T(h[5])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h21 = T(h[6])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h22 = T(h[7])
    h23 = T(h[8])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    t1 = T(h[9])
    t2 = T(h[10])
    t3 = T(h[11])
    fx = T(h[12])
    fy = T(h[13])
    cx = T(h[14])
    cy = T(h[15])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    lanes = lane_width(points_flat)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % lanes
        for start in range(chunk_first, lanes_end, lanes):
            iu = np.uint64(start)
            X = lane_rows(points_flat, iu, 3, 0)
            Y = lane_rows(points_flat, iu, 3, 1)
            Z = lane_rows(points_flat, iu, 3, 2)
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = T(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
            ok = (p0 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, T(0.0), T(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = X * h12 + Y * h13 + Z * h14 + t3
            p1 = T(1.0) / p0
            o0 = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
            o1 = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
            ok = (p0 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
            valid[iu] = ok
            nan_unless_ok = T(0.0) if ok else T(math.nan)
            uv_flat[iu * np.uint64(2) + np.uint64(0)] = o0 + nan_unless_ok
            uv_flat[iu * np.uint64(2) + np.uint64(1)] = o1 + nan_unless_ok
        store_fence()


def warp(params, points, constants, uv, valid):
    """Run ``_warp`` over all points into preallocated outputs (no validation: see jacgen.api).

    From ``STREAM_MIN_POINTS`` points on, outputs aligned to two items take ``_warp_stream``.
    """
    h = _hoist_warp(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned(uv)
    (_warp_stream if stream else _warp)(h, points, uv, valid)


@njit(cache=True)
def _hoist_warp_jacobian(params, constants):
    """What ``_warp_jacobian`` reads: its parameter-only values (float64, once per call)."""
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
    h4 = phi(1, h3)
    h5 = h4 * r1
    h6 = phi(2, h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * phi(3, h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + phi(4, h3)
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
    return np.array(
        [
            h8,
            h23,
            h30,
            h38,
            h46,
            h51,
            h53,
            h54,
            h55,
            h56,
            h61,
            h68,
            h83,
            h87,
            h88,
            h99,
            h103,
            h104,
            h105,
            h106,
            h107,
            h108,
            h109,
            h110,
            t1,
            t2,
            t3,
            fx,
            fy,
            cx,
            cy,
        ]
    )


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp_jacobian(h, points, uv, jac, valid):
    """Outputs of ``warp_jacobian`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    h8 = T(h[0])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h23 = T(h[1])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h30 = T(h[2])
    h38 = T(h[3])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h46 = T(h[4])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h51 = T(h[5])
    h53 = T(h[6])
    h54 = T(h[7])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h55 = T(h[8])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h56 = T(h[9])
    h61 = T(h[10])
    h68 = T(h[11])
    h83 = T(h[12])
    h87 = T(h[13])
    h88 = T(h[14])
    h99 = T(h[15])
    h103 = T(h[16])
    h104 = T(h[17])
    h105 = T(h[18])  # -h61
    h106 = T(h[19])  # -h68
    h107 = T(h[20])  # -h87
    h108 = T(h[21])  # -h88
    h109 = T(h[22])  # -h103
    h110 = T(h[23])  # -h104
    t1 = T(h[24])
    t2 = T(h[25])
    t3 = T(h[26])
    fx = T(h[27])
    fy = T(h[28])
    cx = T(h[29])
    cy = T(h[30])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = T(1.0) / p1
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
        if (p1 > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
            valid[i] = True
            uv[i, 0] = o0
            uv[i, 1] = o1
            jac[i, 0, 0] = h105 * p9 + h106 * p10 + h53 * p8
            jac[i, 0, 1] = h107 * p9 + h108 * p10 + h83 * p8
            jac[i, 0, 2] = h109 * p9 + h110 * p10 + h99 * p8
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = T(0.0)
            jac[i, 0, 5] = -p7
            jac[i, 1, 0] = h53 * p14 + h61 * p13 + h68 * p12
            jac[i, 1, 1] = h83 * p14 + h87 * p13 + h88 * p12
            jac[i, 1, 2] = h103 * p13 + h104 * p12 + h99 * p14
            jac[i, 1, 3] = T(0.0)
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
def _warp_jacobian_stream(h, points, uv, jac, valid):
    """``_warp_jacobian`` with non-temporal stores, for outputs larger than the caches."""
    T = points.dtype.type
    h8 = T(h[0])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h23 = T(h[1])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h30 = T(h[2])
    h38 = T(h[3])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h46 = T(h[4])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h51 = T(h[5])
    h53 = T(h[6])
    h54 = T(h[7])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h55 = T(h[8])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h56 = T(h[9])
    h61 = T(h[10])
    h68 = T(h[11])
    h83 = T(h[12])
    h87 = T(h[13])
    h88 = T(h[14])
    h99 = T(h[15])
    h103 = T(h[16])
    h104 = T(h[17])
    h105 = T(h[18])  # -h61
    h106 = T(h[19])  # -h68
    h107 = T(h[20])  # -h87
    h108 = T(h[21])  # -h88
    h109 = T(h[22])  # -h103
    h110 = T(h[23])  # -h104
    t1 = T(h[24])
    t2 = T(h[25])
    t3 = T(h[26])
    fx = T(h[27])
    fy = T(h[28])
    cx = T(h[29])
    cy = T(h[30])
    n = points.shape[0]
    points_flat = points.reshape(-1)
    uv_flat = uv.reshape(-1)
    jac_flat = jac.reshape(-1)
    lanes = lane_width(points_flat)
    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):
        chunk_first = chunk * STREAM_CHUNK
        chunk_end = min(n, chunk_first + STREAM_CHUNK)
        lanes_end = chunk_end - (chunk_end - chunk_first) % lanes
        for start in range(chunk_first, lanes_end, lanes):
            iu = np.uint64(start)
            X = lane_rows(points_flat, iu, 3, 0)
            Y = lane_rows(points_flat, iu, 3, 1)
            Z = lane_rows(points_flat, iu, 3, 2)
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = T(1.0) / p1
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
            ok = (p1 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, T(0.0), T(math.nan))
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
                    T(0.0) + nan_unless_ok,
                    d5 + nan_unless_ok,
                    d6 + nan_unless_ok,
                    d7 + nan_unless_ok,
                    d8 + nan_unless_ok,
                    T(0.0) + nan_unless_ok,
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
            p2 = T(1.0) / p1
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
            ok = (p1 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
            valid[iu] = ok
            nan_unless_ok = T(0.0) if ok else T(math.nan)
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
            jac_flat[iu * np.uint64(12) + np.uint64(4)] = T(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(5)] = d5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(6)] = d6 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(7)] = d7 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(8)] = d8 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(9)] = T(0.0) + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(10)] = p5 + nan_unless_ok
            jac_flat[iu * np.uint64(12) + np.uint64(11)] = d11 + nan_unless_ok
        store_fence()


def warp_jacobian(params, points, constants, uv, jac, valid):
    """Run ``_warp_jacobian`` over all points into preallocated outputs (no validation: see jacgen.api).

    From ``STREAM_MIN_POINTS`` points on, outputs aligned to two items take ``_warp_jacobian_stream``.
    """
    h = _hoist_warp_jacobian(params, constants)
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned(uv, jac)
    (_warp_jacobian_stream if stream else _warp_jacobian)(h, points, uv, jac, valid)
