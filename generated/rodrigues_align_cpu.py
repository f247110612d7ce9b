# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cpu
# source model: rodrigues (symbolic hash 2f73fb7b06be3fb4)
#   R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection
# content hash: sha256:438f19c131c874f364492c7e04068607   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _normal_equations                               7221        330      257         73
#   _normal_equations_brightness                    7221        330      257         73
#   _residuals                                       286         58       33         25
#   _normal_equations_depth                        14133        353      254         99
#   _normal_equations_depth_brightness             14133        353      254         99
#   _residuals_depth                                 454         58       33         25
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``rodrigues`` model for the Numba CPU target.

Warp + bilinear sample + residual + robust weight + J^T W J / J^T W r into float64 sums
(forward additive).
"""

import math

import numpy as np
from numba import njit, prange

from jacgen.lanes import lane_corners, lane_f64, lane_rows, lane_select, lane_sum, lane_width, lane_zeros
from jacgen.runtime.launches import fused_batch, fused_batch_depth, fused_pair, fused_pair_depth
from jacgen.runtime.losses import robust_lanes
from jacgen.runtime.poses import invert_pose
from jacgen.runtime.sinc import phi

DESCRIPTION = {
    "model": "rodrigues",
    "target": "cpu",
    "params": ("r1", "r2", "r3", "t1", "t2", "t3"),
    "brightness_params": ("a", "b"),
    "point": ("X", "Y", "Z"),
    "constants": ("fx", "fy", "cx", "cy"),
    "positive_constants": ("fx", "fy"),
    "kernel_constants": ("fx", "fy", "cx", "cy"),
    "update": "additive",
    "parameterisation": "rotation_vector+translation",
    "losses": ("l2", "huber", "tukey", "cauchy"),
    "loss_scale_factors": (1.0, 1.345, 4.685, 2.385),
    "accumulators": {
        "normal_equations": {"H": 0, "g": 21, "cost": 27, "n_used": 28, "n_behind": 29, "n_outside": 30, "size": 31},
        "normal_equations_brightness": {
            "H": 0,
            "g": 36,
            "cost": 44,
            "n_used": 45,
            "n_behind": 46,
            "n_outside": 47,
            "size": 48,
        },
        "normal_equations_depth": {
            "H": 0,
            "g": 21,
            "cost": 27,
            "n_used": 28,
            "n_behind": 29,
            "n_outside": 30,
            "size": 33,
            "cost_depth": 31,
            "n_depth_used": 32,
        },
        "normal_equations_depth_brightness": {
            "H": 0,
            "g": 36,
            "cost": 44,
            "n_used": 45,
            "n_behind": 46,
            "n_outside": 47,
            "size": 50,
            "cost_depth": 48,
            "n_depth_used": 49,
        },
    },
    "hoisted_sizes": {
        "normal_equations": 31,
        "normal_equations_brightness": 33,
        "residuals": 18,
        "normal_equations_depth": 28,
        "normal_equations_depth_brightness": 30,
        "residuals_depth": 16,
    },
    "kernels": (
        "normal_equations",
        "normal_equations_batch",
        "normal_equations_brightness",
        "normal_equations_brightness_batch",
        "residuals",
        "normal_equations_depth",
        "normal_equations_depth_batch",
        "normal_equations_depth_brightness",
        "normal_equations_depth_brightness_batch",
        "residuals_depth",
    ),
}
FASTMATH = {"contract", "arcp", "nsz"}


@njit(cache=True)
def pose(params):
    """The 4 x 4 rigid motion ``[R t; 0 1]`` of the parameters (float64)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    x0 = r2 * r2
    x1 = r1 * r1
    x2 = r3 * r3
    x3 = x0 + x1 + x2
    x4 = phi(2, x3)
    x5 = x0 * x4
    x6 = x2 * x4 - 1.0
    x7 = phi(1, x3)
    x8 = r3 * x7
    x9 = r1 * x4
    x10 = r2 * x9
    x11 = r2 * x7
    x12 = r3 * x9
    x13 = x1 * x4
    x14 = r1 * x7
    out = np.empty((4, 4))
    out[0, 0] = -x5 - x6
    out[0, 1] = x10 - x8
    out[0, 2] = x11 + x12
    out[1, 0] = x10 + x8
    out[1, 1] = -x13 - x6
    out[1, 2] = r2 * r3 * x4 - x14
    out[2, 0] = -x11 + x12
    out[2, 1] = r2 * r3 * x4 + x14
    out[2, 2] = -x13 - x5 + 1.0
    out[0, 3] = t1
    out[1, 3] = t2
    out[2, 3] = t3
    out[3, 0] = 0.0
    out[3, 1] = 0.0
    out[3, 2] = 0.0
    out[3, 3] = 1.0
    return out


def params_from_pose(T):
    """Parameters whose ``pose`` is ``T`` (closed form where ``DESCRIPTION["parameterisation"]`` names one)."""
    return invert_pose(DESCRIPTION["parameterisation"], pose, T, len(DESCRIPTION["params"]))


@njit(cache=True)
def _hoist_normal_equations(params, constants):
    """What ``_normal_equations`` reads: its parameter-only values (float64, once per call)."""
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


@njit(inline="always")
def _normal_equations_values(h, pair, points):
    """The parameter-only values of pair ``pair`` (row of ``h``), in the float type of ``points``."""
    T = points.dtype.type
    return (
        T(h[pair, 0]),  # h8
        T(h[pair, 1]),  # h23
        T(h[pair, 2]),  # h30
        T(h[pair, 3]),  # h38
        T(h[pair, 4]),  # h46
        T(h[pair, 5]),  # h51
        T(h[pair, 6]),  # h53
        T(h[pair, 7]),  # h54
        T(h[pair, 8]),  # h55
        T(h[pair, 9]),  # h56
        T(h[pair, 10]),  # h61
        T(h[pair, 11]),  # h68
        T(h[pair, 12]),  # h83
        T(h[pair, 13]),  # h87
        T(h[pair, 14]),  # h88
        T(h[pair, 15]),  # h99
        T(h[pair, 16]),  # h103
        T(h[pair, 17]),  # h104
        T(h[pair, 18]),  # h105
        T(h[pair, 19]),  # h106
        T(h[pair, 20]),  # h107
        T(h[pair, 21]),  # h108
        T(h[pair, 22]),  # h109
        T(h[pair, 23]),  # h110
        T(h[pair, 24]),  # t1
        T(h[pair, 25]),  # t2
        T(h[pair, 26]),  # t3
        T(h[pair, 27]),  # fx
        T(h[pair, 28]),  # fy
        T(h[pair, 29]),  # cx
        T(h[pair, 30]),  # cy
    )


@njit(cache=True, inline="always")
def _normal_equations(values, points, iref, tgt, tiles, tile, pair, loss_id, scale, partial):
    """Normal equations of the points of tile ``tiles[tile]`` (of pair ``pair``) into ``partial[tile]``.

    Lane ``l`` of each sum takes the points ``first + l``, ``first + l + lanes``, ...; the lanes
    are added in order at the end (layout: ``DESCRIPTION["accumulators"]``). Whole lane vectors
    only: the launcher passes a tile's last ``< lanes`` points again as a tile of their own, padded
    with NaN points. Inlined into one kernel per loss, where ``loss_id`` is a constant, so the
    loss's branches fold away.
    """
    (
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
    ) = values
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    row = np.uint64(3 * width)
    image = np.uint64(pair) * np.uint64(height) * row
    points_flat = points.reshape(-1)
    tgt_flat = tgt.reshape(-1)
    lanes = lane_width(points_flat)
    start = tiles[tile, 1]
    end = tiles[tile, 2]
    groups = (end - start) // lanes
    acc_H_r1_r1 = lane_zeros(points_flat)
    acc_H_r1_r2 = lane_zeros(points_flat)
    acc_H_r1_r3 = lane_zeros(points_flat)
    acc_H_r1_t1 = lane_zeros(points_flat)
    acc_H_r1_t2 = lane_zeros(points_flat)
    acc_H_r1_t3 = lane_zeros(points_flat)
    acc_H_r2_r2 = lane_zeros(points_flat)
    acc_H_r2_r3 = lane_zeros(points_flat)
    acc_H_r2_t1 = lane_zeros(points_flat)
    acc_H_r2_t2 = lane_zeros(points_flat)
    acc_H_r2_t3 = lane_zeros(points_flat)
    acc_H_r3_r3 = lane_zeros(points_flat)
    acc_H_r3_t1 = lane_zeros(points_flat)
    acc_H_r3_t2 = lane_zeros(points_flat)
    acc_H_r3_t3 = lane_zeros(points_flat)
    acc_H_t1_t1 = lane_zeros(points_flat)
    acc_H_t1_t2 = lane_zeros(points_flat)
    acc_H_t1_t3 = lane_zeros(points_flat)
    acc_H_t2_t2 = lane_zeros(points_flat)
    acc_H_t2_t3 = lane_zeros(points_flat)
    acc_H_t3_t3 = lane_zeros(points_flat)
    acc_g_r1 = lane_zeros(points_flat)
    acc_g_r2 = lane_zeros(points_flat)
    acc_g_r3 = lane_zeros(points_flat)
    acc_g_t1 = lane_zeros(points_flat)
    acc_g_t2 = lane_zeros(points_flat)
    acc_g_t3 = lane_zeros(points_flat)
    acc_cost = lane_zeros(points_flat)
    acc_used = lane_zeros(points_flat)
    acc_behind = lane_zeros(points_flat)
    acc_outside = lane_zeros(points_flat)
    for group in range(groups):
        first = start + group * lanes
        X = lane_rows(points_flat, first, 3, 0)
        Y = lane_rows(points_flat, first, 3, 1)
        Z = lane_rows(points_flat, first, 3, 2)
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
        u = cx + p0 * p3
        v = cy + p4 * p5
        front = (p1 > T(0.0)) & (abs(u) < T(math.inf)) & (abs(v) < T(math.inf))
        inside = (u >= T(-0.5)) & (v >= T(-0.5)) & (u <= width - T(0.5)) & (v <= height - T(0.5))
        ok = front & inside
        acc_behind = acc_behind + lane_select(front, 0.0, 1.0)
        acc_outside = acc_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)
        uc = lane_select(ok, u, T(0.0))
        uc = lane_select(uc > T(0.0), uc, T(0.0))
        uc = lane_select(uc < T(width - 1), uc, T(width - 1))
        vc = lane_select(ok, v, T(0.0))
        vc = lane_select(vc > T(0.0), vc, T(0.0))
        vc = lane_select(vc < T(height - 1), vc, T(height - 1))
        x0 = math.floor(uc)
        x0 = lane_select(x0 < T(width - 2), x0, T(width - 2))
        y0 = math.floor(vc)
        y0 = lane_select(y0 < T(height - 2), y0, T(height - 2))
        ax = uc - x0
        ay = vc - y0
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        corner = lane_corners(tgt_flat, image, row, x0, y0, 0)
        I_t = w00 * corner[0] + w01 * corner[1]
        I_t = I_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 1)
        g_x = w00 * corner[0] + w01 * corner[1]
        g_x = g_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 2)
        g_y = w00 * corner[0] + w01 * corner[1]
        g_y = g_y + (w10 * corner[2] + w11 * corner[3])
        I_ref = lane_rows(iref, first, 1, 0)
        res = -I_ref + I_t
        r64 = lane_select(ok, lane_f64(res), 0.0)
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j0_64 = lane_select(ok, lane_f64(j0), 0.0)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j1_64 = lane_select(ok, lane_f64(j1), 0.0)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j2_64 = lane_select(ok, lane_f64(j2), 0.0)
        j3 = g_x * p3
        j3_64 = lane_select(ok, lane_f64(j3), 0.0)
        j4 = g_y * p5
        j4_64 = lane_select(ok, lane_f64(j4), 0.0)
        j5 = -g_x * p7 - g_y * p11
        j5_64 = lane_select(ok, lane_f64(j5), 0.0)
        wt, rho = robust_lanes(r64, loss_id, scale)
        wt = lane_select(ok, wt, 0.0)
        wj0 = wt * j0_64
        wj1 = wt * j1_64
        wj2 = wt * j2_64
        wj3 = wt * j3_64
        wj4 = wt * j4_64
        wj5 = wt * j5_64
        acc_H_r1_r1 = acc_H_r1_r1 + wj0 * j0_64
        acc_H_r1_r2 = acc_H_r1_r2 + wj0 * j1_64
        acc_H_r1_r3 = acc_H_r1_r3 + wj0 * j2_64
        acc_H_r1_t1 = acc_H_r1_t1 + wj0 * j3_64
        acc_H_r1_t2 = acc_H_r1_t2 + wj0 * j4_64
        acc_H_r1_t3 = acc_H_r1_t3 + wj0 * j5_64
        acc_H_r2_r2 = acc_H_r2_r2 + wj1 * j1_64
        acc_H_r2_r3 = acc_H_r2_r3 + wj1 * j2_64
        acc_H_r2_t1 = acc_H_r2_t1 + wj1 * j3_64
        acc_H_r2_t2 = acc_H_r2_t2 + wj1 * j4_64
        acc_H_r2_t3 = acc_H_r2_t3 + wj1 * j5_64
        acc_H_r3_r3 = acc_H_r3_r3 + wj2 * j2_64
        acc_H_r3_t1 = acc_H_r3_t1 + wj2 * j3_64
        acc_H_r3_t2 = acc_H_r3_t2 + wj2 * j4_64
        acc_H_r3_t3 = acc_H_r3_t3 + wj2 * j5_64
        acc_H_t1_t1 = acc_H_t1_t1 + wj3 * j3_64
        acc_H_t1_t2 = acc_H_t1_t2 + wj3 * j4_64
        acc_H_t1_t3 = acc_H_t1_t3 + wj3 * j5_64
        acc_H_t2_t2 = acc_H_t2_t2 + wj4 * j4_64
        acc_H_t2_t3 = acc_H_t2_t3 + wj4 * j5_64
        acc_H_t3_t3 = acc_H_t3_t3 + wj5 * j5_64
        acc_g_r1 = acc_g_r1 + wj0 * r64
        acc_g_r2 = acc_g_r2 + wj1 * r64
        acc_g_r3 = acc_g_r3 + wj2 * r64
        acc_g_t1 = acc_g_t1 + wj3 * r64
        acc_g_t2 = acc_g_t2 + wj4 * r64
        acc_g_t3 = acc_g_t3 + wj5 * r64
        acc_cost = acc_cost + rho
        acc_used = acc_used + lane_select(ok, 1.0, 0.0)
    partial[tile, 0] = lane_sum(acc_H_r1_r1)
    partial[tile, 1] = lane_sum(acc_H_r1_r2)
    partial[tile, 2] = lane_sum(acc_H_r1_r3)
    partial[tile, 3] = lane_sum(acc_H_r1_t1)
    partial[tile, 4] = lane_sum(acc_H_r1_t2)
    partial[tile, 5] = lane_sum(acc_H_r1_t3)
    partial[tile, 6] = lane_sum(acc_H_r2_r2)
    partial[tile, 7] = lane_sum(acc_H_r2_r3)
    partial[tile, 8] = lane_sum(acc_H_r2_t1)
    partial[tile, 9] = lane_sum(acc_H_r2_t2)
    partial[tile, 10] = lane_sum(acc_H_r2_t3)
    partial[tile, 11] = lane_sum(acc_H_r3_r3)
    partial[tile, 12] = lane_sum(acc_H_r3_t1)
    partial[tile, 13] = lane_sum(acc_H_r3_t2)
    partial[tile, 14] = lane_sum(acc_H_r3_t3)
    partial[tile, 15] = lane_sum(acc_H_t1_t1)
    partial[tile, 16] = lane_sum(acc_H_t1_t2)
    partial[tile, 17] = lane_sum(acc_H_t1_t3)
    partial[tile, 18] = lane_sum(acc_H_t2_t2)
    partial[tile, 19] = lane_sum(acc_H_t2_t3)
    partial[tile, 20] = lane_sum(acc_H_t3_t3)
    partial[tile, 21] = lane_sum(acc_g_r1)
    partial[tile, 22] = lane_sum(acc_g_r2)
    partial[tile, 23] = lane_sum(acc_g_r3)
    partial[tile, 24] = lane_sum(acc_g_t1)
    partial[tile, 25] = lane_sum(acc_g_t2)
    partial[tile, 26] = lane_sum(acc_g_t3)
    partial[tile, 27] = lane_sum(acc_cost)
    partial[tile, 28] = lane_sum(acc_used)
    partial[tile, 29] = lane_sum(acc_behind)
    partial[tile, 30] = lane_sum(acc_outside)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_l2(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of one pair (row 0 of ``h`` and ``tgt``), l2 loss."""
    values = _normal_equations_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations(values, points, iref, tgt, tiles, tile, 0, 0, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_huber(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of one pair (row 0 of ``h`` and ``tgt``), huber loss."""
    values = _normal_equations_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations(values, points, iref, tgt, tiles, tile, 0, 1, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_tukey(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of one pair (row 0 of ``h`` and ``tgt``), tukey loss."""
    values = _normal_equations_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations(values, points, iref, tgt, tiles, tile, 0, 2, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_cauchy(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of one pair (row 0 of ``h`` and ``tgt``), cauchy loss."""
    values = _normal_equations_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations(values, points, iref, tgt, tiles, tile, 0, 3, loss_scale[0], partial)


_NORMAL_EQUATIONS = (  # by loss id
    _normal_equations_l2,
    _normal_equations_huber,
    _normal_equations_tukey,
    _normal_equations_cauchy,
)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_batch_l2(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of many pairs (each tile names its pair), l2 loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_values(h, pair, points)
        _normal_equations(values, points, iref, tgt, tiles, tile, pair, 0, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_batch_huber(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of many pairs (each tile names its pair), huber loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_values(h, pair, points)
        _normal_equations(values, points, iref, tgt, tiles, tile, pair, 1, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_batch_tukey(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of many pairs (each tile names its pair), tukey loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_values(h, pair, points)
        _normal_equations(values, points, iref, tgt, tiles, tile, pair, 2, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_batch_cauchy(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations`` of many pairs (each tile names its pair), cauchy loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_values(h, pair, points)
        _normal_equations(values, points, iref, tgt, tiles, tile, pair, 3, loss_scale[pair], partial)


_NORMAL_EQUATIONS_BATCH = (  # by loss id
    _normal_equations_batch_l2,
    _normal_equations_batch_huber,
    _normal_equations_batch_tukey,
    _normal_equations_batch_cauchy,
)


def normal_equations(params, constants, points, iref, tgt, loss_id, loss_scale):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["normal_equations"]``)."""
    h = _hoist_normal_equations(params, constants)
    layout = DESCRIPTION["accumulators"]["normal_equations"]
    return fused_pair(_NORMAL_EQUATIONS[loss_id], h, layout, points, iref, tgt, loss_scale)


def normal_equations_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """``(B, 31)`` accumulators of B pairs in one call (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair, the pairs' points and intensities concatenated
    (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3), a robust scale per pair.
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale)
    layout = DESCRIPTION["accumulators"]["normal_equations"]
    return fused_batch(_NORMAL_EQUATIONS_BATCH, _hoist_normal_equations, layout, *args)


@njit(cache=True)
def _hoist_normal_equations_brightness(params, constants):
    """What ``_normal_equations_brightness`` reads: its parameter-only values (float64, once per call)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    a = params[6]
    b = params[7]
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
    q0 = -math.exp(a)
    q1 = -b
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
            q0,
            q1,
        ]
    )


@njit(inline="always")
def _normal_equations_brightness_values(h, pair, points):
    """The parameter-only values of pair ``pair`` (row of ``h``), in the float type of ``points``."""
    T = points.dtype.type
    return (
        T(h[pair, 0]),  # h8
        T(h[pair, 1]),  # h23
        T(h[pair, 2]),  # h30
        T(h[pair, 3]),  # h38
        T(h[pair, 4]),  # h46
        T(h[pair, 5]),  # h51
        T(h[pair, 6]),  # h53
        T(h[pair, 7]),  # h54
        T(h[pair, 8]),  # h55
        T(h[pair, 9]),  # h56
        T(h[pair, 10]),  # h61
        T(h[pair, 11]),  # h68
        T(h[pair, 12]),  # h83
        T(h[pair, 13]),  # h87
        T(h[pair, 14]),  # h88
        T(h[pair, 15]),  # h99
        T(h[pair, 16]),  # h103
        T(h[pair, 17]),  # h104
        T(h[pair, 18]),  # h105
        T(h[pair, 19]),  # h106
        T(h[pair, 20]),  # h107
        T(h[pair, 21]),  # h108
        T(h[pair, 22]),  # h109
        T(h[pair, 23]),  # h110
        T(h[pair, 24]),  # t1
        T(h[pair, 25]),  # t2
        T(h[pair, 26]),  # t3
        T(h[pair, 27]),  # fx
        T(h[pair, 28]),  # fy
        T(h[pair, 29]),  # cx
        T(h[pair, 30]),  # cy
        T(h[pair, 31]),  # q0 = -math.exp(a)
        T(h[pair, 32]),  # q1 = -b
    )


@njit(cache=True, inline="always")
def _normal_equations_brightness(values, points, iref, tgt, tiles, tile, pair, loss_id, scale, partial):
    """Normal equations of the points of tile ``tiles[tile]`` (of pair ``pair``) into ``partial[tile]``.

    Lane ``l`` of each sum takes the points ``first + l``, ``first + l + lanes``, ...; the lanes
    are added in order at the end (layout: ``DESCRIPTION["accumulators"]``). Whole lane vectors
    only: the launcher passes a tile's last ``< lanes`` points again as a tile of their own, padded
    with NaN points. Inlined into one kernel per loss, where ``loss_id`` is a constant, so the
    loss's branches fold away.
    """
    (
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
        q0,
        q1,
    ) = values
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    row = np.uint64(3 * width)
    image = np.uint64(pair) * np.uint64(height) * row
    points_flat = points.reshape(-1)
    tgt_flat = tgt.reshape(-1)
    lanes = lane_width(points_flat)
    start = tiles[tile, 1]
    end = tiles[tile, 2]
    groups = (end - start) // lanes
    acc_H_r1_r1 = lane_zeros(points_flat)
    acc_H_r1_r2 = lane_zeros(points_flat)
    acc_H_r1_r3 = lane_zeros(points_flat)
    acc_H_r1_t1 = lane_zeros(points_flat)
    acc_H_r1_t2 = lane_zeros(points_flat)
    acc_H_r1_t3 = lane_zeros(points_flat)
    acc_H_r1_a = lane_zeros(points_flat)
    acc_H_r1_b = lane_zeros(points_flat)
    acc_H_r2_r2 = lane_zeros(points_flat)
    acc_H_r2_r3 = lane_zeros(points_flat)
    acc_H_r2_t1 = lane_zeros(points_flat)
    acc_H_r2_t2 = lane_zeros(points_flat)
    acc_H_r2_t3 = lane_zeros(points_flat)
    acc_H_r2_a = lane_zeros(points_flat)
    acc_H_r2_b = lane_zeros(points_flat)
    acc_H_r3_r3 = lane_zeros(points_flat)
    acc_H_r3_t1 = lane_zeros(points_flat)
    acc_H_r3_t2 = lane_zeros(points_flat)
    acc_H_r3_t3 = lane_zeros(points_flat)
    acc_H_r3_a = lane_zeros(points_flat)
    acc_H_r3_b = lane_zeros(points_flat)
    acc_H_t1_t1 = lane_zeros(points_flat)
    acc_H_t1_t2 = lane_zeros(points_flat)
    acc_H_t1_t3 = lane_zeros(points_flat)
    acc_H_t1_a = lane_zeros(points_flat)
    acc_H_t1_b = lane_zeros(points_flat)
    acc_H_t2_t2 = lane_zeros(points_flat)
    acc_H_t2_t3 = lane_zeros(points_flat)
    acc_H_t2_a = lane_zeros(points_flat)
    acc_H_t2_b = lane_zeros(points_flat)
    acc_H_t3_t3 = lane_zeros(points_flat)
    acc_H_t3_a = lane_zeros(points_flat)
    acc_H_t3_b = lane_zeros(points_flat)
    acc_H_a_a = lane_zeros(points_flat)
    acc_H_a_b = lane_zeros(points_flat)
    acc_H_b_b = lane_zeros(points_flat)
    acc_g_r1 = lane_zeros(points_flat)
    acc_g_r2 = lane_zeros(points_flat)
    acc_g_r3 = lane_zeros(points_flat)
    acc_g_t1 = lane_zeros(points_flat)
    acc_g_t2 = lane_zeros(points_flat)
    acc_g_t3 = lane_zeros(points_flat)
    acc_g_a = lane_zeros(points_flat)
    acc_g_b = lane_zeros(points_flat)
    acc_cost = lane_zeros(points_flat)
    acc_used = lane_zeros(points_flat)
    acc_behind = lane_zeros(points_flat)
    acc_outside = lane_zeros(points_flat)
    for group in range(groups):
        first = start + group * lanes
        X = lane_rows(points_flat, first, 3, 0)
        Y = lane_rows(points_flat, first, 3, 1)
        Z = lane_rows(points_flat, first, 3, 2)
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
        u = cx + p0 * p3
        v = cy + p4 * p5
        front = (p1 > T(0.0)) & (abs(u) < T(math.inf)) & (abs(v) < T(math.inf))
        inside = (u >= T(-0.5)) & (v >= T(-0.5)) & (u <= width - T(0.5)) & (v <= height - T(0.5))
        ok = front & inside
        acc_behind = acc_behind + lane_select(front, 0.0, 1.0)
        acc_outside = acc_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)
        uc = lane_select(ok, u, T(0.0))
        uc = lane_select(uc > T(0.0), uc, T(0.0))
        uc = lane_select(uc < T(width - 1), uc, T(width - 1))
        vc = lane_select(ok, v, T(0.0))
        vc = lane_select(vc > T(0.0), vc, T(0.0))
        vc = lane_select(vc < T(height - 1), vc, T(height - 1))
        x0 = math.floor(uc)
        x0 = lane_select(x0 < T(width - 2), x0, T(width - 2))
        y0 = math.floor(vc)
        y0 = lane_select(y0 < T(height - 2), y0, T(height - 2))
        ax = uc - x0
        ay = vc - y0
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        corner = lane_corners(tgt_flat, image, row, x0, y0, 0)
        I_t = w00 * corner[0] + w01 * corner[1]
        I_t = I_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 1)
        g_x = w00 * corner[0] + w01 * corner[1]
        g_x = g_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 2)
        g_y = w00 * corner[0] + w01 * corner[1]
        g_y = g_y + (w10 * corner[2] + w11 * corner[3])
        I_ref = lane_rows(iref, first, 1, 0)
        res = I_ref * q0 + I_t + q1
        r64 = lane_select(ok, lane_f64(res), 0.0)
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j0_64 = lane_select(ok, lane_f64(j0), 0.0)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j1_64 = lane_select(ok, lane_f64(j1), 0.0)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j2_64 = lane_select(ok, lane_f64(j2), 0.0)
        j3 = g_x * p3
        j3_64 = lane_select(ok, lane_f64(j3), 0.0)
        j4 = g_y * p5
        j4_64 = lane_select(ok, lane_f64(j4), 0.0)
        j5 = -g_x * p7 - g_y * p11
        j5_64 = lane_select(ok, lane_f64(j5), 0.0)
        j6 = I_ref * q0
        j6_64 = lane_select(ok, lane_f64(j6), 0.0)
        j7 = T(-1.0)
        j7_64 = lane_select(ok, lane_f64(j7), 0.0)
        wt, rho = robust_lanes(r64, loss_id, scale)
        wt = lane_select(ok, wt, 0.0)
        wj0 = wt * j0_64
        wj1 = wt * j1_64
        wj2 = wt * j2_64
        wj3 = wt * j3_64
        wj4 = wt * j4_64
        wj5 = wt * j5_64
        wj6 = wt * j6_64
        wj7 = wt * j7_64
        acc_H_r1_r1 = acc_H_r1_r1 + wj0 * j0_64
        acc_H_r1_r2 = acc_H_r1_r2 + wj0 * j1_64
        acc_H_r1_r3 = acc_H_r1_r3 + wj0 * j2_64
        acc_H_r1_t1 = acc_H_r1_t1 + wj0 * j3_64
        acc_H_r1_t2 = acc_H_r1_t2 + wj0 * j4_64
        acc_H_r1_t3 = acc_H_r1_t3 + wj0 * j5_64
        acc_H_r1_a = acc_H_r1_a + wj0 * j6_64
        acc_H_r1_b = acc_H_r1_b + wj0 * j7_64
        acc_H_r2_r2 = acc_H_r2_r2 + wj1 * j1_64
        acc_H_r2_r3 = acc_H_r2_r3 + wj1 * j2_64
        acc_H_r2_t1 = acc_H_r2_t1 + wj1 * j3_64
        acc_H_r2_t2 = acc_H_r2_t2 + wj1 * j4_64
        acc_H_r2_t3 = acc_H_r2_t3 + wj1 * j5_64
        acc_H_r2_a = acc_H_r2_a + wj1 * j6_64
        acc_H_r2_b = acc_H_r2_b + wj1 * j7_64
        acc_H_r3_r3 = acc_H_r3_r3 + wj2 * j2_64
        acc_H_r3_t1 = acc_H_r3_t1 + wj2 * j3_64
        acc_H_r3_t2 = acc_H_r3_t2 + wj2 * j4_64
        acc_H_r3_t3 = acc_H_r3_t3 + wj2 * j5_64
        acc_H_r3_a = acc_H_r3_a + wj2 * j6_64
        acc_H_r3_b = acc_H_r3_b + wj2 * j7_64
        acc_H_t1_t1 = acc_H_t1_t1 + wj3 * j3_64
        acc_H_t1_t2 = acc_H_t1_t2 + wj3 * j4_64
        acc_H_t1_t3 = acc_H_t1_t3 + wj3 * j5_64
        acc_H_t1_a = acc_H_t1_a + wj3 * j6_64
        acc_H_t1_b = acc_H_t1_b + wj3 * j7_64
        acc_H_t2_t2 = acc_H_t2_t2 + wj4 * j4_64
        acc_H_t2_t3 = acc_H_t2_t3 + wj4 * j5_64
        acc_H_t2_a = acc_H_t2_a + wj4 * j6_64
        acc_H_t2_b = acc_H_t2_b + wj4 * j7_64
        acc_H_t3_t3 = acc_H_t3_t3 + wj5 * j5_64
        acc_H_t3_a = acc_H_t3_a + wj5 * j6_64
        acc_H_t3_b = acc_H_t3_b + wj5 * j7_64
        acc_H_a_a = acc_H_a_a + wj6 * j6_64
        acc_H_a_b = acc_H_a_b + wj6 * j7_64
        acc_H_b_b = acc_H_b_b + wj7 * j7_64
        acc_g_r1 = acc_g_r1 + wj0 * r64
        acc_g_r2 = acc_g_r2 + wj1 * r64
        acc_g_r3 = acc_g_r3 + wj2 * r64
        acc_g_t1 = acc_g_t1 + wj3 * r64
        acc_g_t2 = acc_g_t2 + wj4 * r64
        acc_g_t3 = acc_g_t3 + wj5 * r64
        acc_g_a = acc_g_a + wj6 * r64
        acc_g_b = acc_g_b + wj7 * r64
        acc_cost = acc_cost + rho
        acc_used = acc_used + lane_select(ok, 1.0, 0.0)
    partial[tile, 0] = lane_sum(acc_H_r1_r1)
    partial[tile, 1] = lane_sum(acc_H_r1_r2)
    partial[tile, 2] = lane_sum(acc_H_r1_r3)
    partial[tile, 3] = lane_sum(acc_H_r1_t1)
    partial[tile, 4] = lane_sum(acc_H_r1_t2)
    partial[tile, 5] = lane_sum(acc_H_r1_t3)
    partial[tile, 6] = lane_sum(acc_H_r1_a)
    partial[tile, 7] = lane_sum(acc_H_r1_b)
    partial[tile, 8] = lane_sum(acc_H_r2_r2)
    partial[tile, 9] = lane_sum(acc_H_r2_r3)
    partial[tile, 10] = lane_sum(acc_H_r2_t1)
    partial[tile, 11] = lane_sum(acc_H_r2_t2)
    partial[tile, 12] = lane_sum(acc_H_r2_t3)
    partial[tile, 13] = lane_sum(acc_H_r2_a)
    partial[tile, 14] = lane_sum(acc_H_r2_b)
    partial[tile, 15] = lane_sum(acc_H_r3_r3)
    partial[tile, 16] = lane_sum(acc_H_r3_t1)
    partial[tile, 17] = lane_sum(acc_H_r3_t2)
    partial[tile, 18] = lane_sum(acc_H_r3_t3)
    partial[tile, 19] = lane_sum(acc_H_r3_a)
    partial[tile, 20] = lane_sum(acc_H_r3_b)
    partial[tile, 21] = lane_sum(acc_H_t1_t1)
    partial[tile, 22] = lane_sum(acc_H_t1_t2)
    partial[tile, 23] = lane_sum(acc_H_t1_t3)
    partial[tile, 24] = lane_sum(acc_H_t1_a)
    partial[tile, 25] = lane_sum(acc_H_t1_b)
    partial[tile, 26] = lane_sum(acc_H_t2_t2)
    partial[tile, 27] = lane_sum(acc_H_t2_t3)
    partial[tile, 28] = lane_sum(acc_H_t2_a)
    partial[tile, 29] = lane_sum(acc_H_t2_b)
    partial[tile, 30] = lane_sum(acc_H_t3_t3)
    partial[tile, 31] = lane_sum(acc_H_t3_a)
    partial[tile, 32] = lane_sum(acc_H_t3_b)
    partial[tile, 33] = lane_sum(acc_H_a_a)
    partial[tile, 34] = lane_sum(acc_H_a_b)
    partial[tile, 35] = lane_sum(acc_H_b_b)
    partial[tile, 36] = lane_sum(acc_g_r1)
    partial[tile, 37] = lane_sum(acc_g_r2)
    partial[tile, 38] = lane_sum(acc_g_r3)
    partial[tile, 39] = lane_sum(acc_g_t1)
    partial[tile, 40] = lane_sum(acc_g_t2)
    partial[tile, 41] = lane_sum(acc_g_t3)
    partial[tile, 42] = lane_sum(acc_g_a)
    partial[tile, 43] = lane_sum(acc_g_b)
    partial[tile, 44] = lane_sum(acc_cost)
    partial[tile, 45] = lane_sum(acc_used)
    partial[tile, 46] = lane_sum(acc_behind)
    partial[tile, 47] = lane_sum(acc_outside)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_l2(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of one pair (row 0 of ``h`` and ``tgt``), l2 loss."""
    values = _normal_equations_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, 0, 0, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_huber(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of one pair (row 0 of ``h`` and ``tgt``), huber loss."""
    values = _normal_equations_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, 0, 1, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_tukey(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of one pair (row 0 of ``h`` and ``tgt``), tukey loss."""
    values = _normal_equations_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, 0, 2, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_cauchy(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of one pair (row 0 of ``h`` and ``tgt``), cauchy loss."""
    values = _normal_equations_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, 0, 3, loss_scale[0], partial)


_NORMAL_EQUATIONS_BRIGHTNESS = (  # by loss id
    _normal_equations_brightness_l2,
    _normal_equations_brightness_huber,
    _normal_equations_brightness_tukey,
    _normal_equations_brightness_cauchy,
)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_batch_l2(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of many pairs (each tile names its pair), l2 loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_brightness_values(h, pair, points)
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, pair, 0, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_batch_huber(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of many pairs (each tile names its pair), huber loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_brightness_values(h, pair, points)
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, pair, 1, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_batch_tukey(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of many pairs (each tile names its pair), tukey loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_brightness_values(h, pair, points)
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, pair, 2, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_brightness_batch_cauchy(h, points, iref, tgt, tiles, loss_scale, partial):
    """``_normal_equations_brightness`` of many pairs (each tile names its pair), cauchy loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_brightness_values(h, pair, points)
        _normal_equations_brightness(values, points, iref, tgt, tiles, tile, pair, 3, loss_scale[pair], partial)


_NORMAL_EQUATIONS_BRIGHTNESS_BATCH = (  # by loss id
    _normal_equations_brightness_batch_l2,
    _normal_equations_brightness_batch_huber,
    _normal_equations_brightness_batch_tukey,
    _normal_equations_brightness_batch_cauchy,
)


def normal_equations_brightness(params, constants, points, iref, tgt, loss_id, loss_scale):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["normal_equations_brightness"]``)."""
    h = _hoist_normal_equations_brightness(params, constants)
    layout = DESCRIPTION["accumulators"]["normal_equations_brightness"]
    return fused_pair(_NORMAL_EQUATIONS_BRIGHTNESS[loss_id], h, layout, points, iref, tgt, loss_scale)


def normal_equations_brightness_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """``(B, 48)`` accumulators of B pairs in one call (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair, the pairs' points and intensities concatenated
    (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3), a robust scale per pair.
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale)
    layout = DESCRIPTION["accumulators"]["normal_equations_brightness"]
    return fused_batch(_NORMAL_EQUATIONS_BRIGHTNESS_BATCH, _hoist_normal_equations_brightness, layout, *args)


@njit(cache=True)
def _hoist_residuals(params, constants):
    """What ``_residuals`` reads: its parameter-only values (float64, once per call)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    a = params[6]
    b = params[7]
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
    q0 = -math.exp(a)
    q1 = -b
    return np.array([h12, h13, h14, h18, h19, h20, h21, h22, h23, t1, t2, t3, fx, fy, cx, cy, q0, q1])


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _residuals(h, points, iref, tgt, resid):
    """Residual of every point (float type of ``points``), NaN behind the camera or outside ``tgt``."""
    T = points.dtype.type
    img = tgt
    height = tgt.shape[0]
    width = tgt.shape[1]
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
    q0 = T(h[16])  # -math.exp(a)
    q1 = T(h[17])  # -b
    for i in range(points.shape[0]):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = T(1.0) / p0
        u = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        v = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
        if not (p0 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
            continue
        if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
            continue
        uc = min(max(u, T(0.0)), T(width - 1))
        vc = min(max(v, T(0.0)), T(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - T(x0)
        ay = vc - T(y0)
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
        I_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
        I_ref = iref[i]
        res = I_ref * q0 + I_t + q1
        resid[i] = res


def residuals(params, constants, points, iref, tgt, resid):
    """Per-point residual into ``resid`` (NaN where rejected); ``params`` include ``(a, b)``."""
    _residuals(_hoist_residuals(params, constants), points, iref, tgt, resid)


@njit(cache=True)
def _hoist_normal_equations_depth(params, constants):
    """What ``_normal_equations_depth`` reads: its parameter-only values (float64, once per call)."""
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
    h105 = -h68
    h106 = -h88
    h107 = -h104
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
            t1,
            t2,
            t3,
            fx,
            fy,
            cx,
            cy,
        ]
    )


@njit(inline="always")
def _normal_equations_depth_values(h, pair, points):
    """The parameter-only values of pair ``pair`` (row of ``h``), in the float type of ``points``."""
    T = points.dtype.type
    return (
        T(h[pair, 0]),  # h8
        T(h[pair, 1]),  # h23
        T(h[pair, 2]),  # h30
        T(h[pair, 3]),  # h38
        T(h[pair, 4]),  # h46
        T(h[pair, 5]),  # h51
        T(h[pair, 6]),  # h53
        T(h[pair, 7]),  # h54
        T(h[pair, 8]),  # h55
        T(h[pair, 9]),  # h56
        T(h[pair, 10]),  # h61
        T(h[pair, 11]),  # h68
        T(h[pair, 12]),  # h83
        T(h[pair, 13]),  # h87
        T(h[pair, 14]),  # h88
        T(h[pair, 15]),  # h99
        T(h[pair, 16]),  # h103
        T(h[pair, 17]),  # h104
        T(h[pair, 18]),  # h105
        T(h[pair, 19]),  # h106
        T(h[pair, 20]),  # h107
        T(h[pair, 21]),  # t1
        T(h[pair, 22]),  # t2
        T(h[pair, 23]),  # t3
        T(h[pair, 24]),  # fx
        T(h[pair, 25]),  # fy
        T(h[pair, 26]),  # cx
        T(h[pair, 27]),  # cy
    )


@njit(cache=True, inline="always")
def _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, pair, loss_id, scales, partial):
    """Normal equations of the points of tile ``tiles[tile]`` (of pair ``pair``) into ``partial[tile]``.

    Lane ``l`` of each sum takes the points ``first + l``, ``first + l + lanes``, ...; the lanes
    are added in order at the end (layout: ``DESCRIPTION["accumulators"]``). Whole lane vectors
    only: the launcher passes a tile's last ``< lanes`` points again as a tile of their own, padded
    with NaN points. Inlined into one kernel per loss, where ``loss_id`` is a constant, so the
    loss's branches fold away.
    """
    (
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
        t1,
        t2,
        t3,
        fx,
        fy,
        cx,
        cy,
    ) = values
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    row = np.uint64(3 * width)
    image = np.uint64(pair) * np.uint64(height) * row
    points_flat = points.reshape(-1)
    tgt_flat = tgt.reshape(-1)
    depth_flat = depth.reshape(-1)
    scale = scales[0]
    weight_depth = scales[2]
    lanes = lane_width(points_flat)
    start = tiles[tile, 1]
    end = tiles[tile, 2]
    groups = (end - start) // lanes
    acc_H_r1_r1 = lane_zeros(points_flat)
    acc_H_r1_r2 = lane_zeros(points_flat)
    acc_H_r1_r3 = lane_zeros(points_flat)
    acc_H_r1_t1 = lane_zeros(points_flat)
    acc_H_r1_t2 = lane_zeros(points_flat)
    acc_H_r1_t3 = lane_zeros(points_flat)
    acc_H_r2_r2 = lane_zeros(points_flat)
    acc_H_r2_r3 = lane_zeros(points_flat)
    acc_H_r2_t1 = lane_zeros(points_flat)
    acc_H_r2_t2 = lane_zeros(points_flat)
    acc_H_r2_t3 = lane_zeros(points_flat)
    acc_H_r3_r3 = lane_zeros(points_flat)
    acc_H_r3_t1 = lane_zeros(points_flat)
    acc_H_r3_t2 = lane_zeros(points_flat)
    acc_H_r3_t3 = lane_zeros(points_flat)
    acc_H_t1_t1 = lane_zeros(points_flat)
    acc_H_t1_t2 = lane_zeros(points_flat)
    acc_H_t1_t3 = lane_zeros(points_flat)
    acc_H_t2_t2 = lane_zeros(points_flat)
    acc_H_t2_t3 = lane_zeros(points_flat)
    acc_H_t3_t3 = lane_zeros(points_flat)
    acc_g_r1 = lane_zeros(points_flat)
    acc_g_r2 = lane_zeros(points_flat)
    acc_g_r3 = lane_zeros(points_flat)
    acc_g_t1 = lane_zeros(points_flat)
    acc_g_t2 = lane_zeros(points_flat)
    acc_g_t3 = lane_zeros(points_flat)
    acc_cost = lane_zeros(points_flat)
    acc_used = lane_zeros(points_flat)
    acc_behind = lane_zeros(points_flat)
    acc_outside = lane_zeros(points_flat)
    acc_cost_depth = lane_zeros(points_flat)
    acc_used_depth = lane_zeros(points_flat)
    for group in range(groups):
        first = start + group * lanes
        X = lane_rows(points_flat, first, 3, 0)
        Y = lane_rows(points_flat, first, 3, 1)
        Z = lane_rows(points_flat, first, 3, 2)
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
        p9 = h61 * rx1
        p10 = h87 * rx1
        p11 = h103 * rx1
        p12 = fy * p4 * p6
        p13 = -p12 * rx1 - p5 * rx2
        p14 = h61 * rx0
        p15 = h53 * rx0
        p16 = h87 * rx0
        p17 = h83 * rx0
        p18 = h103 * rx0
        p19 = h99 * rx0
        u = cx + p0 * p3
        v = cy + p4 * p5
        front = (p1 > T(0.0)) & (abs(u) < T(math.inf)) & (abs(v) < T(math.inf))
        inside = (u >= T(-0.5)) & (v >= T(-0.5)) & (u <= width - T(0.5)) & (v <= height - T(0.5))
        ok = front & inside
        acc_behind = acc_behind + lane_select(front, 0.0, 1.0)
        acc_outside = acc_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)
        uc = lane_select(ok, u, T(0.0))
        uc = lane_select(uc > T(0.0), uc, T(0.0))
        uc = lane_select(uc < T(width - 1), uc, T(width - 1))
        vc = lane_select(ok, v, T(0.0))
        vc = lane_select(vc > T(0.0), vc, T(0.0))
        vc = lane_select(vc < T(height - 1), vc, T(height - 1))
        x0 = math.floor(uc)
        x0 = lane_select(x0 < T(width - 2), x0, T(width - 2))
        y0 = math.floor(vc)
        y0 = lane_select(y0 < T(height - 2), y0, T(height - 2))
        ax = uc - x0
        ay = vc - y0
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        corner = lane_corners(tgt_flat, image, row, x0, y0, 0)
        I_t = w00 * corner[0] + w01 * corner[1]
        I_t = I_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 1)
        g_x = w00 * corner[0] + w01 * corner[1]
        g_x = g_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 2)
        g_y = w00 * corner[0] + w01 * corner[1]
        g_y = g_y + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 0)
        D_t = w00 * corner[0] + w01 * corner[1]
        D_t = D_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 1)
        gd_x = w00 * corner[0] + w01 * corner[1]
        gd_x = gd_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 2)
        gd_y = w00 * corner[0] + w01 * corner[1]
        gd_y = gd_y + (w10 * corner[2] + w11 * corner[3])
        okd = ok & (abs(D_t) < T(math.inf)) & (abs(gd_x) < T(math.inf)) & (abs(gd_y) < T(math.inf))
        I_ref = lane_rows(iref, first, 1, 0)
        res = -I_ref + I_t
        r64 = lane_select(ok, lane_f64(res), 0.0)
        j0 = g_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + g_y * (h68 * p13 + p12 * p15 + p14 * p5)
        j0_64 = lane_select(ok, lane_f64(j0), 0.0)
        j1 = g_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + g_y * (h88 * p13 + p12 * p17 + p16 * p5)
        j1_64 = lane_select(ok, lane_f64(j1), 0.0)
        j2 = g_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + g_y * (h104 * p13 + p12 * p19 + p18 * p5)
        j2_64 = lane_select(ok, lane_f64(j2), 0.0)
        j3 = g_x * p3
        j3_64 = lane_select(ok, lane_f64(j3), 0.0)
        j4 = g_y * p5
        j4_64 = lane_select(ok, lane_f64(j4), 0.0)
        j5 = -g_x * p7 - g_y * p12
        j5_64 = lane_select(ok, lane_f64(j5), 0.0)
        n_D_a = (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1)
        n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
        n_D = n_D_a + n_D_b
        s_D = T(1.0) / math.sqrt(n_D)
        resd = s_D * (D_t - p1)
        rd64 = lane_select(okd, lane_f64(resd), 0.0)
        jd0_a = s_D
        jd0_b_a = gd_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + p15
        jd0_b_b = gd_y * (h68 * p13 + p12 * p15 + p14 * p5) - h68 * rx1
        jd0_b = jd0_b_a + jd0_b_b
        jd0 = jd0_a * jd0_b
        jd0_64 = lane_select(okd, lane_f64(jd0), 0.0)
        jd1_a = s_D
        jd1_b_a = gd_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + p17
        jd1_b_b = gd_y * (h88 * p13 + p12 * p17 + p16 * p5) - h88 * rx1
        jd1_b = jd1_b_a + jd1_b_b
        jd1 = jd1_a * jd1_b
        jd1_64 = lane_select(okd, lane_f64(jd1), 0.0)
        jd2_a = s_D
        jd2_b_a = gd_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + p19
        jd2_b_b = gd_y * (h104 * p13 + p12 * p19 + p18 * p5) - h104 * rx1
        jd2_b = jd2_b_a + jd2_b_b
        jd2 = jd2_a * jd2_b
        jd2_64 = lane_select(okd, lane_f64(jd2), 0.0)
        jd3 = gd_x * p3 * s_D
        jd3_64 = lane_select(okd, lane_f64(jd3), 0.0)
        jd4 = gd_y * p5 * s_D
        jd4_64 = lane_select(okd, lane_f64(jd4), 0.0)
        jd5 = s_D * (-gd_x * p7 - gd_y * p12 + T(-1.0))
        jd5_64 = lane_select(okd, lane_f64(jd5), 0.0)
        e2 = r64 * r64 + weight_depth * (rd64 * rd64)
        wt, rho_e = robust_lanes(math.sqrt(e2), loss_id, scale)
        wt = lane_select(ok, wt, 0.0)
        rhod = rho_e * (weight_depth * (rd64 * rd64)) / lane_select(e2 > 0.0, e2, 1.0)
        rho = rho_e - rhod
        wtd = wt * weight_depth
        wj0 = wt * j0_64
        wj1 = wt * j1_64
        wj2 = wt * j2_64
        wj3 = wt * j3_64
        wj4 = wt * j4_64
        wj5 = wt * j5_64
        wjd0 = wtd * jd0_64
        wjd1 = wtd * jd1_64
        wjd2 = wtd * jd2_64
        wjd3 = wtd * jd3_64
        wjd4 = wtd * jd4_64
        wjd5 = wtd * jd5_64
        acc_H_r1_r1 = acc_H_r1_r1 + wj0 * j0_64 + wjd0 * jd0_64
        acc_H_r1_r2 = acc_H_r1_r2 + wj0 * j1_64 + wjd0 * jd1_64
        acc_H_r1_r3 = acc_H_r1_r3 + wj0 * j2_64 + wjd0 * jd2_64
        acc_H_r1_t1 = acc_H_r1_t1 + wj0 * j3_64 + wjd0 * jd3_64
        acc_H_r1_t2 = acc_H_r1_t2 + wj0 * j4_64 + wjd0 * jd4_64
        acc_H_r1_t3 = acc_H_r1_t3 + wj0 * j5_64 + wjd0 * jd5_64
        acc_H_r2_r2 = acc_H_r2_r2 + wj1 * j1_64 + wjd1 * jd1_64
        acc_H_r2_r3 = acc_H_r2_r3 + wj1 * j2_64 + wjd1 * jd2_64
        acc_H_r2_t1 = acc_H_r2_t1 + wj1 * j3_64 + wjd1 * jd3_64
        acc_H_r2_t2 = acc_H_r2_t2 + wj1 * j4_64 + wjd1 * jd4_64
        acc_H_r2_t3 = acc_H_r2_t3 + wj1 * j5_64 + wjd1 * jd5_64
        acc_H_r3_r3 = acc_H_r3_r3 + wj2 * j2_64 + wjd2 * jd2_64
        acc_H_r3_t1 = acc_H_r3_t1 + wj2 * j3_64 + wjd2 * jd3_64
        acc_H_r3_t2 = acc_H_r3_t2 + wj2 * j4_64 + wjd2 * jd4_64
        acc_H_r3_t3 = acc_H_r3_t3 + wj2 * j5_64 + wjd2 * jd5_64
        acc_H_t1_t1 = acc_H_t1_t1 + wj3 * j3_64 + wjd3 * jd3_64
        acc_H_t1_t2 = acc_H_t1_t2 + wj3 * j4_64 + wjd3 * jd4_64
        acc_H_t1_t3 = acc_H_t1_t3 + wj3 * j5_64 + wjd3 * jd5_64
        acc_H_t2_t2 = acc_H_t2_t2 + wj4 * j4_64 + wjd4 * jd4_64
        acc_H_t2_t3 = acc_H_t2_t3 + wj4 * j5_64 + wjd4 * jd5_64
        acc_H_t3_t3 = acc_H_t3_t3 + wj5 * j5_64 + wjd5 * jd5_64
        acc_g_r1 = acc_g_r1 + wj0 * r64 + wjd0 * rd64
        acc_g_r2 = acc_g_r2 + wj1 * r64 + wjd1 * rd64
        acc_g_r3 = acc_g_r3 + wj2 * r64 + wjd2 * rd64
        acc_g_t1 = acc_g_t1 + wj3 * r64 + wjd3 * rd64
        acc_g_t2 = acc_g_t2 + wj4 * r64 + wjd4 * rd64
        acc_g_t3 = acc_g_t3 + wj5 * r64 + wjd5 * rd64
        acc_cost = acc_cost + rho
        acc_used = acc_used + lane_select(ok, 1.0, 0.0)
        acc_cost_depth = acc_cost_depth + rhod
        acc_used_depth = acc_used_depth + lane_select(okd, 1.0, 0.0)
    partial[tile, 0] = lane_sum(acc_H_r1_r1)
    partial[tile, 1] = lane_sum(acc_H_r1_r2)
    partial[tile, 2] = lane_sum(acc_H_r1_r3)
    partial[tile, 3] = lane_sum(acc_H_r1_t1)
    partial[tile, 4] = lane_sum(acc_H_r1_t2)
    partial[tile, 5] = lane_sum(acc_H_r1_t3)
    partial[tile, 6] = lane_sum(acc_H_r2_r2)
    partial[tile, 7] = lane_sum(acc_H_r2_r3)
    partial[tile, 8] = lane_sum(acc_H_r2_t1)
    partial[tile, 9] = lane_sum(acc_H_r2_t2)
    partial[tile, 10] = lane_sum(acc_H_r2_t3)
    partial[tile, 11] = lane_sum(acc_H_r3_r3)
    partial[tile, 12] = lane_sum(acc_H_r3_t1)
    partial[tile, 13] = lane_sum(acc_H_r3_t2)
    partial[tile, 14] = lane_sum(acc_H_r3_t3)
    partial[tile, 15] = lane_sum(acc_H_t1_t1)
    partial[tile, 16] = lane_sum(acc_H_t1_t2)
    partial[tile, 17] = lane_sum(acc_H_t1_t3)
    partial[tile, 18] = lane_sum(acc_H_t2_t2)
    partial[tile, 19] = lane_sum(acc_H_t2_t3)
    partial[tile, 20] = lane_sum(acc_H_t3_t3)
    partial[tile, 21] = lane_sum(acc_g_r1)
    partial[tile, 22] = lane_sum(acc_g_r2)
    partial[tile, 23] = lane_sum(acc_g_r3)
    partial[tile, 24] = lane_sum(acc_g_t1)
    partial[tile, 25] = lane_sum(acc_g_t2)
    partial[tile, 26] = lane_sum(acc_g_t3)
    partial[tile, 27] = lane_sum(acc_cost)
    partial[tile, 28] = lane_sum(acc_used)
    partial[tile, 29] = lane_sum(acc_behind)
    partial[tile, 30] = lane_sum(acc_outside)
    partial[tile, 31] = lane_sum(acc_cost_depth)
    partial[tile, 32] = lane_sum(acc_used_depth)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_l2(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of one pair (row 0 of ``h`` and ``tgt``), l2 loss."""
    values = _normal_equations_depth_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, 0, 0, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_huber(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of one pair (row 0 of ``h`` and ``tgt``), huber loss."""
    values = _normal_equations_depth_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, 0, 1, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_tukey(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of one pair (row 0 of ``h`` and ``tgt``), tukey loss."""
    values = _normal_equations_depth_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, 0, 2, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_cauchy(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of one pair (row 0 of ``h`` and ``tgt``), cauchy loss."""
    values = _normal_equations_depth_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, 0, 3, loss_scale[0], partial)


_NORMAL_EQUATIONS_DEPTH = (  # by loss id
    _normal_equations_depth_l2,
    _normal_equations_depth_huber,
    _normal_equations_depth_tukey,
    _normal_equations_depth_cauchy,
)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_batch_l2(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of many pairs (each tile names its pair), l2 loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_values(h, pair, points)
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, pair, 0, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_batch_huber(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of many pairs (each tile names its pair), huber loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_values(h, pair, points)
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, pair, 1, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_batch_tukey(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of many pairs (each tile names its pair), tukey loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_values(h, pair, points)
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, pair, 2, loss_scale[pair], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_batch_cauchy(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth`` of many pairs (each tile names its pair), cauchy loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_values(h, pair, points)
        _normal_equations_depth(values, points, iref, tgt, depth, tiles, tile, pair, 3, loss_scale[pair], partial)


_NORMAL_EQUATIONS_DEPTH_BATCH = (  # by loss id
    _normal_equations_depth_batch_l2,
    _normal_equations_depth_batch_huber,
    _normal_equations_depth_batch_tukey,
    _normal_equations_depth_batch_cauchy,
)


def normal_equations_depth(params, constants, points, iref, tgt, depth, loss_id, scales):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms in ``H``, ``g`` and the cost.
    """
    h = _hoist_normal_equations_depth(params, constants)
    layout = DESCRIPTION["accumulators"]["normal_equations_depth"]
    return fused_pair_depth(_NORMAL_EQUATIONS_DEPTH[loss_id], h, layout, points, iref, tgt, depth, scales)


def normal_equations_depth_batch(params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales):
    """``(B, 33)`` accumulators of B pairs in one call (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales)
    layout = DESCRIPTION["accumulators"]["normal_equations_depth"]
    kernels = _NORMAL_EQUATIONS_DEPTH_BATCH
    return fused_batch_depth(kernels, _hoist_normal_equations_depth, layout, *args)


@njit(cache=True)
def _hoist_normal_equations_depth_brightness(params, constants):
    """What ``_normal_equations_depth_brightness`` reads: its parameter-only values (float64, once per call)."""
    r1 = params[0]
    r2 = params[1]
    r3 = params[2]
    t1 = params[3]
    t2 = params[4]
    t3 = params[5]
    a = params[6]
    b = params[7]
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
    h105 = -h68
    h106 = -h88
    h107 = -h104
    q0 = -math.exp(a)
    q1 = -b
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
            t1,
            t2,
            t3,
            fx,
            fy,
            cx,
            cy,
            q0,
            q1,
        ]
    )


@njit(inline="always")
def _normal_equations_depth_brightness_values(h, pair, points):
    """The parameter-only values of pair ``pair`` (row of ``h``), in the float type of ``points``."""
    T = points.dtype.type
    return (
        T(h[pair, 0]),  # h8
        T(h[pair, 1]),  # h23
        T(h[pair, 2]),  # h30
        T(h[pair, 3]),  # h38
        T(h[pair, 4]),  # h46
        T(h[pair, 5]),  # h51
        T(h[pair, 6]),  # h53
        T(h[pair, 7]),  # h54
        T(h[pair, 8]),  # h55
        T(h[pair, 9]),  # h56
        T(h[pair, 10]),  # h61
        T(h[pair, 11]),  # h68
        T(h[pair, 12]),  # h83
        T(h[pair, 13]),  # h87
        T(h[pair, 14]),  # h88
        T(h[pair, 15]),  # h99
        T(h[pair, 16]),  # h103
        T(h[pair, 17]),  # h104
        T(h[pair, 18]),  # h105
        T(h[pair, 19]),  # h106
        T(h[pair, 20]),  # h107
        T(h[pair, 21]),  # t1
        T(h[pair, 22]),  # t2
        T(h[pair, 23]),  # t3
        T(h[pair, 24]),  # fx
        T(h[pair, 25]),  # fy
        T(h[pair, 26]),  # cx
        T(h[pair, 27]),  # cy
        T(h[pair, 28]),  # q0 = -math.exp(a)
        T(h[pair, 29]),  # q1 = -b
    )


@njit(cache=True, inline="always")
def _normal_equations_depth_brightness(values, points, iref, tgt, depth, tiles, tile, pair, loss_id, scales, partial):
    """Normal equations of the points of tile ``tiles[tile]`` (of pair ``pair``) into ``partial[tile]``.

    Lane ``l`` of each sum takes the points ``first + l``, ``first + l + lanes``, ...; the lanes
    are added in order at the end (layout: ``DESCRIPTION["accumulators"]``). Whole lane vectors
    only: the launcher passes a tile's last ``< lanes`` points again as a tile of their own, padded
    with NaN points. Inlined into one kernel per loss, where ``loss_id`` is a constant, so the
    loss's branches fold away.
    """
    (
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
        t1,
        t2,
        t3,
        fx,
        fy,
        cx,
        cy,
        q0,
        q1,
    ) = values
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    row = np.uint64(3 * width)
    image = np.uint64(pair) * np.uint64(height) * row
    points_flat = points.reshape(-1)
    tgt_flat = tgt.reshape(-1)
    depth_flat = depth.reshape(-1)
    scale = scales[0]
    weight_depth = scales[2]
    lanes = lane_width(points_flat)
    start = tiles[tile, 1]
    end = tiles[tile, 2]
    groups = (end - start) // lanes
    acc_H_r1_r1 = lane_zeros(points_flat)
    acc_H_r1_r2 = lane_zeros(points_flat)
    acc_H_r1_r3 = lane_zeros(points_flat)
    acc_H_r1_t1 = lane_zeros(points_flat)
    acc_H_r1_t2 = lane_zeros(points_flat)
    acc_H_r1_t3 = lane_zeros(points_flat)
    acc_H_r1_a = lane_zeros(points_flat)
    acc_H_r1_b = lane_zeros(points_flat)
    acc_H_r2_r2 = lane_zeros(points_flat)
    acc_H_r2_r3 = lane_zeros(points_flat)
    acc_H_r2_t1 = lane_zeros(points_flat)
    acc_H_r2_t2 = lane_zeros(points_flat)
    acc_H_r2_t3 = lane_zeros(points_flat)
    acc_H_r2_a = lane_zeros(points_flat)
    acc_H_r2_b = lane_zeros(points_flat)
    acc_H_r3_r3 = lane_zeros(points_flat)
    acc_H_r3_t1 = lane_zeros(points_flat)
    acc_H_r3_t2 = lane_zeros(points_flat)
    acc_H_r3_t3 = lane_zeros(points_flat)
    acc_H_r3_a = lane_zeros(points_flat)
    acc_H_r3_b = lane_zeros(points_flat)
    acc_H_t1_t1 = lane_zeros(points_flat)
    acc_H_t1_t2 = lane_zeros(points_flat)
    acc_H_t1_t3 = lane_zeros(points_flat)
    acc_H_t1_a = lane_zeros(points_flat)
    acc_H_t1_b = lane_zeros(points_flat)
    acc_H_t2_t2 = lane_zeros(points_flat)
    acc_H_t2_t3 = lane_zeros(points_flat)
    acc_H_t2_a = lane_zeros(points_flat)
    acc_H_t2_b = lane_zeros(points_flat)
    acc_H_t3_t3 = lane_zeros(points_flat)
    acc_H_t3_a = lane_zeros(points_flat)
    acc_H_t3_b = lane_zeros(points_flat)
    acc_H_a_a = lane_zeros(points_flat)
    acc_H_a_b = lane_zeros(points_flat)
    acc_H_b_b = lane_zeros(points_flat)
    acc_g_r1 = lane_zeros(points_flat)
    acc_g_r2 = lane_zeros(points_flat)
    acc_g_r3 = lane_zeros(points_flat)
    acc_g_t1 = lane_zeros(points_flat)
    acc_g_t2 = lane_zeros(points_flat)
    acc_g_t3 = lane_zeros(points_flat)
    acc_g_a = lane_zeros(points_flat)
    acc_g_b = lane_zeros(points_flat)
    acc_cost = lane_zeros(points_flat)
    acc_used = lane_zeros(points_flat)
    acc_behind = lane_zeros(points_flat)
    acc_outside = lane_zeros(points_flat)
    acc_cost_depth = lane_zeros(points_flat)
    acc_used_depth = lane_zeros(points_flat)
    for group in range(groups):
        first = start + group * lanes
        X = lane_rows(points_flat, first, 3, 0)
        Y = lane_rows(points_flat, first, 3, 1)
        Z = lane_rows(points_flat, first, 3, 2)
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
        p9 = h61 * rx1
        p10 = h87 * rx1
        p11 = h103 * rx1
        p12 = fy * p4 * p6
        p13 = -p12 * rx1 - p5 * rx2
        p14 = h61 * rx0
        p15 = h53 * rx0
        p16 = h87 * rx0
        p17 = h83 * rx0
        p18 = h103 * rx0
        p19 = h99 * rx0
        u = cx + p0 * p3
        v = cy + p4 * p5
        front = (p1 > T(0.0)) & (abs(u) < T(math.inf)) & (abs(v) < T(math.inf))
        inside = (u >= T(-0.5)) & (v >= T(-0.5)) & (u <= width - T(0.5)) & (v <= height - T(0.5))
        ok = front & inside
        acc_behind = acc_behind + lane_select(front, 0.0, 1.0)
        acc_outside = acc_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)
        uc = lane_select(ok, u, T(0.0))
        uc = lane_select(uc > T(0.0), uc, T(0.0))
        uc = lane_select(uc < T(width - 1), uc, T(width - 1))
        vc = lane_select(ok, v, T(0.0))
        vc = lane_select(vc > T(0.0), vc, T(0.0))
        vc = lane_select(vc < T(height - 1), vc, T(height - 1))
        x0 = math.floor(uc)
        x0 = lane_select(x0 < T(width - 2), x0, T(width - 2))
        y0 = math.floor(vc)
        y0 = lane_select(y0 < T(height - 2), y0, T(height - 2))
        ax = uc - x0
        ay = vc - y0
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        corner = lane_corners(tgt_flat, image, row, x0, y0, 0)
        I_t = w00 * corner[0] + w01 * corner[1]
        I_t = I_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 1)
        g_x = w00 * corner[0] + w01 * corner[1]
        g_x = g_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(tgt_flat, image, row, x0, y0, 2)
        g_y = w00 * corner[0] + w01 * corner[1]
        g_y = g_y + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 0)
        D_t = w00 * corner[0] + w01 * corner[1]
        D_t = D_t + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 1)
        gd_x = w00 * corner[0] + w01 * corner[1]
        gd_x = gd_x + (w10 * corner[2] + w11 * corner[3])
        corner = lane_corners(depth_flat, image, row, x0, y0, 2)
        gd_y = w00 * corner[0] + w01 * corner[1]
        gd_y = gd_y + (w10 * corner[2] + w11 * corner[3])
        okd = ok & (abs(D_t) < T(math.inf)) & (abs(gd_x) < T(math.inf)) & (abs(gd_y) < T(math.inf))
        I_ref = lane_rows(iref, first, 1, 0)
        res = I_ref * q0 + I_t + q1
        r64 = lane_select(ok, lane_f64(res), 0.0)
        j0 = g_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + g_y * (h68 * p13 + p12 * p15 + p14 * p5)
        j0_64 = lane_select(ok, lane_f64(j0), 0.0)
        j1 = g_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + g_y * (h88 * p13 + p12 * p17 + p16 * p5)
        j1_64 = lane_select(ok, lane_f64(j1), 0.0)
        j2 = g_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + g_y * (h104 * p13 + p12 * p19 + p18 * p5)
        j2_64 = lane_select(ok, lane_f64(j2), 0.0)
        j3 = g_x * p3
        j3_64 = lane_select(ok, lane_f64(j3), 0.0)
        j4 = g_y * p5
        j4_64 = lane_select(ok, lane_f64(j4), 0.0)
        j5 = -g_x * p7 - g_y * p12
        j5_64 = lane_select(ok, lane_f64(j5), 0.0)
        j6 = I_ref * q0
        j6_64 = lane_select(ok, lane_f64(j6), 0.0)
        j7 = T(-1.0)
        j7_64 = lane_select(ok, lane_f64(j7), 0.0)
        n_D_a = (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1)
        n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
        n_D = n_D_a + n_D_b
        s_D = T(1.0) / math.sqrt(n_D)
        resd = s_D * (D_t - p1)
        rd64 = lane_select(okd, lane_f64(resd), 0.0)
        jd0_a = s_D
        jd0_b_a = gd_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + p15
        jd0_b_b = gd_y * (h68 * p13 + p12 * p15 + p14 * p5) - h68 * rx1
        jd0_b = jd0_b_a + jd0_b_b
        jd0 = jd0_a * jd0_b
        jd0_64 = lane_select(okd, lane_f64(jd0), 0.0)
        jd1_a = s_D
        jd1_b_a = gd_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + p17
        jd1_b_b = gd_y * (h88 * p13 + p12 * p17 + p16 * p5) - h88 * rx1
        jd1_b = jd1_b_a + jd1_b_b
        jd1 = jd1_a * jd1_b
        jd1_64 = lane_select(okd, lane_f64(jd1), 0.0)
        jd2_a = s_D
        jd2_b_a = gd_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + p19
        jd2_b_b = gd_y * (h104 * p13 + p12 * p19 + p18 * p5) - h104 * rx1
        jd2_b = jd2_b_a + jd2_b_b
        jd2 = jd2_a * jd2_b
        jd2_64 = lane_select(okd, lane_f64(jd2), 0.0)
        jd3 = gd_x * p3 * s_D
        jd3_64 = lane_select(okd, lane_f64(jd3), 0.0)
        jd4 = gd_y * p5 * s_D
        jd4_64 = lane_select(okd, lane_f64(jd4), 0.0)
        jd5 = s_D * (-gd_x * p7 - gd_y * p12 + T(-1.0))
        jd5_64 = lane_select(okd, lane_f64(jd5), 0.0)
        e2 = r64 * r64 + weight_depth * (rd64 * rd64)
        wt, rho_e = robust_lanes(math.sqrt(e2), loss_id, scale)
        wt = lane_select(ok, wt, 0.0)
        rhod = rho_e * (weight_depth * (rd64 * rd64)) / lane_select(e2 > 0.0, e2, 1.0)
        rho = rho_e - rhod
        wtd = wt * weight_depth
        wj0 = wt * j0_64
        wj1 = wt * j1_64
        wj2 = wt * j2_64
        wj3 = wt * j3_64
        wj4 = wt * j4_64
        wj5 = wt * j5_64
        wj6 = wt * j6_64
        wj7 = wt * j7_64
        wjd0 = wtd * jd0_64
        wjd1 = wtd * jd1_64
        wjd2 = wtd * jd2_64
        wjd3 = wtd * jd3_64
        wjd4 = wtd * jd4_64
        wjd5 = wtd * jd5_64
        acc_H_r1_r1 = acc_H_r1_r1 + wj0 * j0_64 + wjd0 * jd0_64
        acc_H_r1_r2 = acc_H_r1_r2 + wj0 * j1_64 + wjd0 * jd1_64
        acc_H_r1_r3 = acc_H_r1_r3 + wj0 * j2_64 + wjd0 * jd2_64
        acc_H_r1_t1 = acc_H_r1_t1 + wj0 * j3_64 + wjd0 * jd3_64
        acc_H_r1_t2 = acc_H_r1_t2 + wj0 * j4_64 + wjd0 * jd4_64
        acc_H_r1_t3 = acc_H_r1_t3 + wj0 * j5_64 + wjd0 * jd5_64
        acc_H_r1_a = acc_H_r1_a + wj0 * j6_64
        acc_H_r1_b = acc_H_r1_b + wj0 * j7_64
        acc_H_r2_r2 = acc_H_r2_r2 + wj1 * j1_64 + wjd1 * jd1_64
        acc_H_r2_r3 = acc_H_r2_r3 + wj1 * j2_64 + wjd1 * jd2_64
        acc_H_r2_t1 = acc_H_r2_t1 + wj1 * j3_64 + wjd1 * jd3_64
        acc_H_r2_t2 = acc_H_r2_t2 + wj1 * j4_64 + wjd1 * jd4_64
        acc_H_r2_t3 = acc_H_r2_t3 + wj1 * j5_64 + wjd1 * jd5_64
        acc_H_r2_a = acc_H_r2_a + wj1 * j6_64
        acc_H_r2_b = acc_H_r2_b + wj1 * j7_64
        acc_H_r3_r3 = acc_H_r3_r3 + wj2 * j2_64 + wjd2 * jd2_64
        acc_H_r3_t1 = acc_H_r3_t1 + wj2 * j3_64 + wjd2 * jd3_64
        acc_H_r3_t2 = acc_H_r3_t2 + wj2 * j4_64 + wjd2 * jd4_64
        acc_H_r3_t3 = acc_H_r3_t3 + wj2 * j5_64 + wjd2 * jd5_64
        acc_H_r3_a = acc_H_r3_a + wj2 * j6_64
        acc_H_r3_b = acc_H_r3_b + wj2 * j7_64
        acc_H_t1_t1 = acc_H_t1_t1 + wj3 * j3_64 + wjd3 * jd3_64
        acc_H_t1_t2 = acc_H_t1_t2 + wj3 * j4_64 + wjd3 * jd4_64
        acc_H_t1_t3 = acc_H_t1_t3 + wj3 * j5_64 + wjd3 * jd5_64
        acc_H_t1_a = acc_H_t1_a + wj3 * j6_64
        acc_H_t1_b = acc_H_t1_b + wj3 * j7_64
        acc_H_t2_t2 = acc_H_t2_t2 + wj4 * j4_64 + wjd4 * jd4_64
        acc_H_t2_t3 = acc_H_t2_t3 + wj4 * j5_64 + wjd4 * jd5_64
        acc_H_t2_a = acc_H_t2_a + wj4 * j6_64
        acc_H_t2_b = acc_H_t2_b + wj4 * j7_64
        acc_H_t3_t3 = acc_H_t3_t3 + wj5 * j5_64 + wjd5 * jd5_64
        acc_H_t3_a = acc_H_t3_a + wj5 * j6_64
        acc_H_t3_b = acc_H_t3_b + wj5 * j7_64
        acc_H_a_a = acc_H_a_a + wj6 * j6_64
        acc_H_a_b = acc_H_a_b + wj6 * j7_64
        acc_H_b_b = acc_H_b_b + wj7 * j7_64
        acc_g_r1 = acc_g_r1 + wj0 * r64 + wjd0 * rd64
        acc_g_r2 = acc_g_r2 + wj1 * r64 + wjd1 * rd64
        acc_g_r3 = acc_g_r3 + wj2 * r64 + wjd2 * rd64
        acc_g_t1 = acc_g_t1 + wj3 * r64 + wjd3 * rd64
        acc_g_t2 = acc_g_t2 + wj4 * r64 + wjd4 * rd64
        acc_g_t3 = acc_g_t3 + wj5 * r64 + wjd5 * rd64
        acc_g_a = acc_g_a + wj6 * r64
        acc_g_b = acc_g_b + wj7 * r64
        acc_cost = acc_cost + rho
        acc_used = acc_used + lane_select(ok, 1.0, 0.0)
        acc_cost_depth = acc_cost_depth + rhod
        acc_used_depth = acc_used_depth + lane_select(okd, 1.0, 0.0)
    partial[tile, 0] = lane_sum(acc_H_r1_r1)
    partial[tile, 1] = lane_sum(acc_H_r1_r2)
    partial[tile, 2] = lane_sum(acc_H_r1_r3)
    partial[tile, 3] = lane_sum(acc_H_r1_t1)
    partial[tile, 4] = lane_sum(acc_H_r1_t2)
    partial[tile, 5] = lane_sum(acc_H_r1_t3)
    partial[tile, 6] = lane_sum(acc_H_r1_a)
    partial[tile, 7] = lane_sum(acc_H_r1_b)
    partial[tile, 8] = lane_sum(acc_H_r2_r2)
    partial[tile, 9] = lane_sum(acc_H_r2_r3)
    partial[tile, 10] = lane_sum(acc_H_r2_t1)
    partial[tile, 11] = lane_sum(acc_H_r2_t2)
    partial[tile, 12] = lane_sum(acc_H_r2_t3)
    partial[tile, 13] = lane_sum(acc_H_r2_a)
    partial[tile, 14] = lane_sum(acc_H_r2_b)
    partial[tile, 15] = lane_sum(acc_H_r3_r3)
    partial[tile, 16] = lane_sum(acc_H_r3_t1)
    partial[tile, 17] = lane_sum(acc_H_r3_t2)
    partial[tile, 18] = lane_sum(acc_H_r3_t3)
    partial[tile, 19] = lane_sum(acc_H_r3_a)
    partial[tile, 20] = lane_sum(acc_H_r3_b)
    partial[tile, 21] = lane_sum(acc_H_t1_t1)
    partial[tile, 22] = lane_sum(acc_H_t1_t2)
    partial[tile, 23] = lane_sum(acc_H_t1_t3)
    partial[tile, 24] = lane_sum(acc_H_t1_a)
    partial[tile, 25] = lane_sum(acc_H_t1_b)
    partial[tile, 26] = lane_sum(acc_H_t2_t2)
    partial[tile, 27] = lane_sum(acc_H_t2_t3)
    partial[tile, 28] = lane_sum(acc_H_t2_a)
    partial[tile, 29] = lane_sum(acc_H_t2_b)
    partial[tile, 30] = lane_sum(acc_H_t3_t3)
    partial[tile, 31] = lane_sum(acc_H_t3_a)
    partial[tile, 32] = lane_sum(acc_H_t3_b)
    partial[tile, 33] = lane_sum(acc_H_a_a)
    partial[tile, 34] = lane_sum(acc_H_a_b)
    partial[tile, 35] = lane_sum(acc_H_b_b)
    partial[tile, 36] = lane_sum(acc_g_r1)
    partial[tile, 37] = lane_sum(acc_g_r2)
    partial[tile, 38] = lane_sum(acc_g_r3)
    partial[tile, 39] = lane_sum(acc_g_t1)
    partial[tile, 40] = lane_sum(acc_g_t2)
    partial[tile, 41] = lane_sum(acc_g_t3)
    partial[tile, 42] = lane_sum(acc_g_a)
    partial[tile, 43] = lane_sum(acc_g_b)
    partial[tile, 44] = lane_sum(acc_cost)
    partial[tile, 45] = lane_sum(acc_used)
    partial[tile, 46] = lane_sum(acc_behind)
    partial[tile, 47] = lane_sum(acc_outside)
    partial[tile, 48] = lane_sum(acc_cost_depth)
    partial[tile, 49] = lane_sum(acc_used_depth)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_l2(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of one pair (row 0 of ``h`` and ``tgt``), l2 loss."""
    values = _normal_equations_depth_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth_brightness(values, points, iref, tgt, depth, tiles, tile, 0, 0, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_huber(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of one pair (row 0 of ``h`` and ``tgt``), huber loss."""
    values = _normal_equations_depth_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth_brightness(values, points, iref, tgt, depth, tiles, tile, 0, 1, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_tukey(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of one pair (row 0 of ``h`` and ``tgt``), tukey loss."""
    values = _normal_equations_depth_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth_brightness(values, points, iref, tgt, depth, tiles, tile, 0, 2, loss_scale[0], partial)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_cauchy(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of one pair (row 0 of ``h`` and ``tgt``), cauchy loss."""
    values = _normal_equations_depth_brightness_values(h, 0, points)  # once, outside the parallel loop
    for tile in prange(tiles.shape[0]):
        _normal_equations_depth_brightness(values, points, iref, tgt, depth, tiles, tile, 0, 3, loss_scale[0], partial)


_NORMAL_EQUATIONS_DEPTH_BRIGHTNESS = (  # by loss id
    _normal_equations_depth_brightness_l2,
    _normal_equations_depth_brightness_huber,
    _normal_equations_depth_brightness_tukey,
    _normal_equations_depth_brightness_cauchy,
)


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_batch_l2(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of many pairs (each tile names its pair), l2 loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_brightness_values(h, pair, points)
        _normal_equations_depth_brightness(
            values, points, iref, tgt, depth, tiles, tile, pair, 0, loss_scale[pair], partial
        )


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_batch_huber(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of many pairs (each tile names its pair), huber loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_brightness_values(h, pair, points)
        _normal_equations_depth_brightness(
            values, points, iref, tgt, depth, tiles, tile, pair, 1, loss_scale[pair], partial
        )


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_batch_tukey(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of many pairs (each tile names its pair), tukey loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_brightness_values(h, pair, points)
        _normal_equations_depth_brightness(
            values, points, iref, tgt, depth, tiles, tile, pair, 2, loss_scale[pair], partial
        )


@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")
def _normal_equations_depth_brightness_batch_cauchy(h, points, iref, tgt, depth, tiles, loss_scale, partial):
    """``_normal_equations_depth_brightness`` of many pairs (each tile names its pair), cauchy loss."""
    for tile in prange(tiles.shape[0]):
        pair = tiles[tile, 0]
        values = _normal_equations_depth_brightness_values(h, pair, points)
        _normal_equations_depth_brightness(
            values, points, iref, tgt, depth, tiles, tile, pair, 3, loss_scale[pair], partial
        )


_NORMAL_EQUATIONS_DEPTH_BRIGHTNESS_BATCH = (  # by loss id
    _normal_equations_depth_brightness_batch_l2,
    _normal_equations_depth_brightness_batch_huber,
    _normal_equations_depth_brightness_batch_tukey,
    _normal_equations_depth_brightness_batch_cauchy,
)


def normal_equations_depth_brightness(params, constants, points, iref, tgt, depth, loss_id, scales):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms in ``H``, ``g`` and the cost.
    """
    h = _hoist_normal_equations_depth_brightness(params, constants)
    layout = DESCRIPTION["accumulators"]["normal_equations_depth_brightness"]
    return fused_pair_depth(_NORMAL_EQUATIONS_DEPTH_BRIGHTNESS[loss_id], h, layout, points, iref, tgt, depth, scales)


def normal_equations_depth_brightness_batch(
    params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales
):
    """``(B, 50)`` accumulators of B pairs in one call (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales)
    layout = DESCRIPTION["accumulators"]["normal_equations_depth_brightness"]
    kernels = _NORMAL_EQUATIONS_DEPTH_BRIGHTNESS_BATCH
    return fused_batch_depth(kernels, _hoist_normal_equations_depth_brightness, layout, *args)


@njit(cache=True)
def _hoist_residuals_depth(params, constants):
    """What ``_residuals_depth`` reads: its parameter-only values (float64, once per call)."""
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


@njit(cache=True, fastmath=FASTMATH, error_model="numpy")
def _residuals_depth(h, points, depth, resid):
    """Depth residual ``D_t - Z'`` of every point (float type of ``points``), NaN where none."""
    T = points.dtype.type
    img = depth
    height = depth.shape[0]
    width = depth.shape[1]
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
    for i in range(points.shape[0]):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = T(1.0) / p0
        p2 = X * h18 + Y * h19 + Z * h20 + t1
        p3 = X * h21 + Y * h22 + Z * h23 + t2
        u = cx + fx * p1 * p2
        v = cy + fy * p1 * p3
        if not (p0 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
            continue
        if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
            continue
        uc = min(max(u, T(0.0)), T(width - 1))
        vc = min(max(v, T(0.0)), T(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - T(x0)
        ay = vc - T(y0)
        w00 = (T(1.0) - ax) * (T(1.0) - ay)
        w01 = ax * (T(1.0) - ay)
        w10 = (T(1.0) - ax) * ay
        w11 = ax * ay
        D_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
        D_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
        gd_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
        gd_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
        gd_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
        gd_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
        if not (math.isfinite(D_t) and math.isfinite(gd_x) and math.isfinite(gd_y)):
            continue
        n_D_a = (fx * gd_x * p2 + fy * gd_y * p3 + p0 * p0) * (fx * gd_x * p2 + fy * gd_y * p3 + p0 * p0)
        n_D_b = (fx * fx) * (gd_x * gd_x) * (p0 * p0) + (fy * fy) * (gd_y * gd_y) * (p0 * p0)
        n_D = n_D_a + n_D_b
        s_D = T(1.0) / math.sqrt(n_D)
        resid[i] = s_D * (D_t - p0)


def residuals_depth(params, constants, points, depth, resid):
    """Per-point depth residual ``s_D (D_t - Z')`` into ``resid`` (NaN where none); warp ``params`` only."""
    _residuals_depth(_hoist_residuals_depth(params, constants), points, depth, resid)
