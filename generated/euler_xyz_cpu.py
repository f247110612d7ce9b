# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: euler_xyz (symbolic hash 7c5c559112db1602)
#   R = Rx(r1) Ry(r2) Rz(r3), t = (t1, t2, t3); pinhole projection
# content hash: sha256:001a27f8999a5064878d61034865ff0a   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _warp                                            127         49       23         26
#   _warp_jacobian                                  1256        206      132         74
# --------------------------------------------------------------------------------------------------
"""Warp and Jacobian kernels of the ``euler_xyz`` model for the Numba CPU target."""

import math

import numpy as np
from numba import njit, prange

from jacgen.lanes import lane_rows, lane_select, lane_store_mask, lane_stream_rows, lane_width
from jacgen.streaming import STREAM_CHUNK, STREAM_MIN_POINTS, pair_aligned, store_fence

DESCRIPTION = {
    "model": "euler_xyz",
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
    return np.array([h3, h4, h8, h9, h10, h11, h12, h13, h14, h15, t1, t2, t3, fx, fy, cx, cy])


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _warp(h, points, uv, valid):
    """Outputs of ``warp`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    h3 = T(h[0])  # math.sin(r2)
    h4 = T(h[1])  # math.cos(r1)
    h8 = T(h[2])  # math.cos(r2)
    h9 = T(h[3])  # -h3 * h4 * math.cos(r3) + math.sin(r1) * math.sin(r3)
    h10 = T(h[4])  # h3 * h4 * math.sin(r3) + math.sin(r1) * math.cos(r3)
    h11 = T(h[5])  # h8 * math.cos(r3)
    h12 = T(h[6])  # -h8 * math.sin(r3)
    h13 = T(h[7])  # h3 * math.sin(r1) * math.cos(r3) + h4 * math.sin(r3)
    h14 = T(h[8])  # -h3 * math.sin(r1) * math.sin(r3) + h4 * math.cos(r3)
    h15 = T(h[9])  # -math.sin(r1)
    t1 = T(h[10])
    t2 = T(h[11])
    t3 = T(h[12])
    fx = T(h[13])
    fy = T(h[14])
    cx = T(h[15])
    cy = T(h[16])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h8
        p1 = X * h9 + Y * h10 + h4 * p0 + t3
        p2 = T(1.0) / p1
        o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
        o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
        if (p1 > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
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
    h3 = T(h[0])  # math.sin(r2)
    h4 = T(h[1])  # math.cos(r1)
    h8 = T(h[2])  # math.cos(r2)
    h9 = T(h[3])  # -h3 * h4 * math.cos(r3) + math.sin(r1) * math.sin(r3)
    h10 = T(h[4])  # h3 * h4 * math.sin(r3) + math.sin(r1) * math.cos(r3)
    h11 = T(h[5])  # h8 * math.cos(r3)
    h12 = T(h[6])  # -h8 * math.sin(r3)
    h13 = T(h[7])  # h3 * math.sin(r1) * math.cos(r3) + h4 * math.sin(r3)
    h14 = T(h[8])  # -h3 * math.sin(r1) * math.sin(r3) + h4 * math.cos(r3)
    h15 = T(h[9])  # -math.sin(r1)
    t1 = T(h[10])
    t2 = T(h[11])
    t3 = T(h[12])
    fx = T(h[13])
    fy = T(h[14])
    cx = T(h[15])
    cy = T(h[16])
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
            p0 = Z * h8
            p1 = X * h9 + Y * h10 + h4 * p0 + t3
            p2 = T(1.0) / p1
            o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
            o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
            ok = (p1 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
            lane_store_mask(valid, iu, ok)
            nan_unless_ok = lane_select(ok, T(0.0), T(math.nan))
            lane_stream_rows(uv_flat, iu, (o0 + nan_unless_ok, o1 + nan_unless_ok))
        for i in range(lanes_end, chunk_end):
            iu = np.uint64(i)
            X = points_flat[iu * np.uint64(3) + np.uint64(0)]
            Y = points_flat[iu * np.uint64(3) + np.uint64(1)]
            Z = points_flat[iu * np.uint64(3) + np.uint64(2)]
            p0 = Z * h8
            p1 = X * h9 + Y * h10 + h4 * p0 + t3
            p2 = T(1.0) / p1
            o0 = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
            o1 = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
            ok = (p1 > T(0.0)) & (abs(o0) < T(math.inf)) & (abs(o1) < T(math.inf))
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
    h0 = math.cos(r1)
    h1 = math.cos(r3)
    h2 = math.sin(r2)
    h3 = math.sin(r1)
    h4 = math.sin(r3)
    h5 = h3 * h4
    h6 = h0 * h1 - h2 * h5
    h7 = (0.5) * h6
    h8 = math.cos(r2)
    h9 = h4 * h8
    h10 = (0.5) * h2
    h11 = h10 * h8
    h12 = h1 * h8
    h13 = h0 * h4
    h14 = h1 * h3
    h15 = h13 + h14 * h2
    h16 = (0.5) * h15
    h17 = h11 * h3 - h12 * h16 + h7 * h9
    h18 = h13 * h2 + h14
    h19 = -h18
    h20 = (0.5) * h9
    h21 = -h0 * h1 * h2 + h5
    h22 = -h21
    h23 = -h0 * h11 + (0.5) * h1 * h22 * h8 - h19 * h20
    h24 = (0.5) * (h8 * h8)
    h25 = (0.5) * h18
    h26 = (0.5) * h22
    h27 = (h0 * h0) * h24 + (0.5) * (h15 * h15) - h19 * h25 - h21 * h26 + h24 * (h3 * h3) + (0.5) * (h6 * h6)
    h28 = h0 * h24
    h29 = (0.5) * (h2 * h2)
    h30 = h1 * h1
    h31 = h4 * h4
    h32 = h2 * h4
    h33 = h1 * h10
    h34 = h0 * h29 - h21 * h33 + h25 * h32 + h28 * h30 + h28 * h31 + h28
    h35 = h24 * h3
    h36 = h15 * h33 + h29 * h3 + h30 * h35 + h31 * h35 - h32 * h7 + h35
    h37 = -h0 * h1 * h16 * h8 + (0.5) * h0 * h4 * h6 * h8 - 0.5 * h14 * h21 * h8 + (0.5) * h18 * h3 * h4 * h8
    h38 = -h12 * h18 - h20 * h21 + (0.5) * h22 * h4 * h8
    h39 = -h15
    h40 = h12 * h6 + h16 * h9 - h20 * h39
    h41 = h15 * h25 - h21 * h7 - h25 * h39 + h26 * h6
    h42 = -h23
    h43 = -h27
    h44 = -h36
    h45 = -h37
    h46 = -h40
    h47 = -h41
    h48 = -h9
    h49 = -h3
    return np.array(
        [
            h0,
            h2,
            h6,
            h8,
            h12,
            h15,
            h17,
            h18,
            h21,
            h23,
            h27,
            h34,
            h36,
            h37,
            h38,
            h40,
            h41,
            h42,
            h43,
            h44,
            h45,
            h46,
            h47,
            h48,
            h49,
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
    h0 = T(h[0])  # math.cos(r1)
    h2 = T(h[1])  # math.sin(r2)
    h6 = T(h[2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
    h8 = T(h[3])  # math.cos(r2)
    h12 = T(h[4])  # h8 * math.cos(r3)
    h15 = T(h[5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
    h17 = T(h[6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
    h18 = T(h[7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
    h21 = T(h[8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
    h23 = T(h[9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
    h27 = T(h[10])
    h34 = T(h[11])
    h36 = T(h[12])
    h37 = T(h[13])
    h38 = T(h[14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
    h40 = T(h[15])  # h12 * h6 + h15 * h8 * math.sin(r3)
    h41 = T(h[16])  # h15 * h18 - h21 * h6
    h42 = T(h[17])  # -h23
    h43 = T(h[18])  # -h27
    h44 = T(h[19])  # -h36
    h45 = T(h[20])  # -h37
    h46 = T(h[21])  # -h40
    h47 = T(h[22])  # -h41
    h48 = T(h[23])  # -h8 * math.sin(r3)
    h49 = T(h[24])  # -math.sin(r1)
    t1 = T(h[25])
    t2 = T(h[26])
    t3 = T(h[27])
    fx = T(h[28])
    fy = T(h[29])
    cx = T(h[30])
    cy = T(h[31])
    for i in prange(points.shape[0]):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        rx0 = X * h12 + Y * h48 + Z * h2
        p0 = rx0 + t1
        p15 = Z * h8
        rx1 = X * h15 + Y * h6 + h49 * p15
        rx2 = X * h21 + Y * h18 + h0 * p15
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
            jac[i, 0, 0] = h17 * p8 + h42 * p9 + h43 * p10
            jac[i, 0, 1] = h34 * p8 + h44 * p9 + h45 * p10
            jac[i, 0, 2] = h38 * p8 + h46 * p9 + h47 * p10
            jac[i, 0, 3] = p3
            jac[i, 0, 4] = T(0.0)
            jac[i, 0, 5] = -p7
            jac[i, 1, 0] = h17 * p14 + h23 * p13 + h27 * p12
            jac[i, 1, 1] = h34 * p14 + h36 * p13 + h37 * p12
            jac[i, 1, 2] = h38 * p14 + h40 * p13 + h41 * p12
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
    h0 = T(h[0])  # math.cos(r1)
    h2 = T(h[1])  # math.sin(r2)
    h6 = T(h[2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
    h8 = T(h[3])  # math.cos(r2)
    h12 = T(h[4])  # h8 * math.cos(r3)
    h15 = T(h[5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
    h17 = T(h[6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
    h18 = T(h[7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
    h21 = T(h[8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
    h23 = T(h[9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
    h27 = T(h[10])
    h34 = T(h[11])
    h36 = T(h[12])
    h37 = T(h[13])
    h38 = T(h[14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
    h40 = T(h[15])  # h12 * h6 + h15 * h8 * math.sin(r3)
    h41 = T(h[16])  # h15 * h18 - h21 * h6
    h42 = T(h[17])  # -h23
    h43 = T(h[18])  # -h27
    h44 = T(h[19])  # -h36
    h45 = T(h[20])  # -h37
    h46 = T(h[21])  # -h40
    h47 = T(h[22])  # -h41
    h48 = T(h[23])  # -h8 * math.sin(r3)
    h49 = T(h[24])  # -math.sin(r1)
    t1 = T(h[25])
    t2 = T(h[26])
    t3 = T(h[27])
    fx = T(h[28])
    fy = T(h[29])
    cx = T(h[30])
    cy = T(h[31])
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
            rx0 = X * h12 + Y * h48 + Z * h2
            p0 = rx0 + t1
            p15 = Z * h8
            rx1 = X * h15 + Y * h6 + h49 * p15
            rx2 = X * h21 + Y * h18 + h0 * p15
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
            d0 = h17 * p8 + h42 * p9 + h43 * p10
            d1 = h34 * p8 + h44 * p9 + h45 * p10
            d2 = h38 * p8 + h46 * p9 + h47 * p10
            d5 = -p7
            d6 = h17 * p14 + h23 * p13 + h27 * p12
            d7 = h34 * p14 + h36 * p13 + h37 * p12
            d8 = h38 * p14 + h40 * p13 + h41 * p12
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
            rx0 = X * h12 + Y * h48 + Z * h2
            p0 = rx0 + t1
            p15 = Z * h8
            rx1 = X * h15 + Y * h6 + h49 * p15
            rx2 = X * h21 + Y * h18 + h0 * p15
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
            d0 = h17 * p8 + h42 * p9 + h43 * p10
            d1 = h34 * p8 + h44 * p9 + h45 * p10
            d2 = h38 * p8 + h46 * p9 + h47 * p10
            d5 = -p7
            d6 = h17 * p14 + h23 * p13 + h27 * p12
            d7 = h34 * p14 + h36 * p13 + h37 * p12
            d8 = h38 * p14 + h40 * p13 + h41 * p12
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
