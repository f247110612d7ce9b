# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: rodrigues (symbolic hash 2f73fb7b06be3fb4)
#   R = Rodrigues(r1, r2, r3), t = (t1, t2, t3); pinhole projection
# content hash: sha256:7bddd58f73c865e79369d81271b77e69   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _normal_equations                               7221        330      257         73
#   _normal_equations_brightness                    7221        330      257         73
#   _residuals                                       286         58       33         25
#   _normal_equations_depth                        14133        353      254         99
#   _normal_equations_depth_brightness             14133        353      254         99
#   _residuals_depth                                 454         58       33         25
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``rodrigues`` model for the Numba CUDA target.

Warp + bilinear sample + residual + robust weight + J^T W J / J^T W r into float64 sums
(forward additive).
"""

import math

import numpy as np
from numba import float64, njit

from jacgen.backends.cuda_runtime import (
    THREADS_PER_BLOCK,
    cuda,
    fused_batch,
    fused_batch_depth,
    fused_pair,
    fused_pair_depth,
    launch_points,
    launch_sample,
    phi_device,
    pose_params_device,
    robust,
)
from jacgen.runtime.poses import invert_pose
from jacgen.runtime.sinc import phi

DESCRIPTION = {
    "model": "rodrigues",
    "target": "cuda",
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
        "residual_sample",
        "normal_equations_depth",
        "normal_equations_depth_batch",
        "normal_equations_depth_brightness",
        "normal_equations_depth_brightness_batch",
        "residuals_depth",
        "residual_sample_depth",
    ),
    "device_functions": (
        "pose_device",
        "_hoist_normal_equations_device",
        "_hoist_normal_equations_brightness_device",
        "_hoist_residuals_device",
        "_hoist_normal_equations_depth_device",
        "_hoist_normal_equations_depth_brightness_device",
        "_hoist_residuals_depth_device",
        "params_from_pose_device",
    ),
}


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


@cuda.jit(cache=True, fastmath=True)
def _normal_equations(h, points, iref, tgt, tiles, running, loss_id, loss_scale, out):
    """Sums of each tile ``(pair, first, end)`` of points into ``out[tile]`` (running pairs only)."""
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        if running[pair] == 0:
            continue
        img = tgt[pair]
        scale = loss_scale[pair]
        h8 = T(h[pair, 0])
        h23 = T(h[pair, 1])
        h30 = T(h[pair, 2])
        h38 = T(h[pair, 3])
        h46 = T(h[pair, 4])
        h51 = T(h[pair, 5])
        h53 = T(h[pair, 6])
        h54 = T(h[pair, 7])
        h55 = T(h[pair, 8])
        h56 = T(h[pair, 9])
        h61 = T(h[pair, 10])
        h68 = T(h[pair, 11])
        h83 = T(h[pair, 12])
        h87 = T(h[pair, 13])
        h88 = T(h[pair, 14])
        h99 = T(h[pair, 15])
        h103 = T(h[pair, 16])
        h104 = T(h[pair, 17])
        h105 = T(h[pair, 18])  # -h61
        h106 = T(h[pair, 19])  # -h68
        h107 = T(h[pair, 20])  # -h87
        h108 = T(h[pair, 21])  # -h88
        h109 = T(h[pair, 22])  # -h103
        h110 = T(h[pair, 23])  # -h104
        t1 = T(h[pair, 24])
        t2 = T(h[pair, 25])
        t3 = T(h[pair, 26])
        fx = T(h[pair, 27])
        fy = T(h[pair, 28])
        cx = T(h[pair, 29])
        cy = T(h[pair, 30])
        acc_H_r1_r1 = 0.0
        acc_H_r1_r2 = 0.0
        acc_H_r1_r3 = 0.0
        acc_H_r1_t1 = 0.0
        acc_H_r1_t2 = 0.0
        acc_H_r1_t3 = 0.0
        acc_H_r2_r2 = 0.0
        acc_H_r2_r3 = 0.0
        acc_H_r2_t1 = 0.0
        acc_H_r2_t2 = 0.0
        acc_H_r2_t3 = 0.0
        acc_H_r3_r3 = 0.0
        acc_H_r3_t1 = 0.0
        acc_H_r3_t2 = 0.0
        acc_H_r3_t3 = 0.0
        acc_H_t1_t1 = 0.0
        acc_H_t1_t2 = 0.0
        acc_H_t1_t3 = 0.0
        acc_H_t2_t2 = 0.0
        acc_H_t2_t3 = 0.0
        acc_H_t3_t3 = 0.0
        acc_g_r1 = 0.0
        acc_g_r2 = 0.0
        acc_g_r3 = 0.0
        acc_g_t1 = 0.0
        acc_g_t2 = 0.0
        acc_g_t3 = 0.0
        acc_cost = 0.0
        acc_used = 0.0
        acc_behind = 0.0
        acc_outside = 0.0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
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
            u = cx + p0 * p3
            v = cy + p4 * p5
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
                acc_behind += 1.0
                continue
            if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
                acc_outside += 1.0
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
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            ok = True
            res = -I_ref + I_t
            r64 = float(res) if ok else 0.0
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p7 - g_y * p11
            j5_64 = float(j5) if ok else 0.0
            wt, rho = robust(r64, loss_id, scale)
            wt = wt if ok else 0.0
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
            acc_used = acc_used + (1.0 if ok else 0.0)
        shared[0, tid] = acc_H_r1_r1
        shared[1, tid] = acc_H_r1_r2
        shared[2, tid] = acc_H_r1_r3
        shared[3, tid] = acc_H_r1_t1
        shared[4, tid] = acc_H_r1_t2
        shared[5, tid] = acc_H_r1_t3
        shared[6, tid] = acc_H_r2_r2
        shared[7, tid] = acc_H_r2_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 0 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r2_t1
        shared[1, tid] = acc_H_r2_t2
        shared[2, tid] = acc_H_r2_t3
        shared[3, tid] = acc_H_r3_r3
        shared[4, tid] = acc_H_r3_t1
        shared[5, tid] = acc_H_r3_t2
        shared[6, tid] = acc_H_r3_t3
        shared[7, tid] = acc_H_t1_t1
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 8 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t1_t2
        shared[1, tid] = acc_H_t1_t3
        shared[2, tid] = acc_H_t2_t2
        shared[3, tid] = acc_H_t2_t3
        shared[4, tid] = acc_H_t3_t3
        shared[5, tid] = acc_g_r1
        shared[6, tid] = acc_g_r2
        shared[7, tid] = acc_g_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 16 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_g_t1
        shared[1, tid] = acc_g_t2
        shared[2, tid] = acc_g_t3
        shared[3, tid] = acc_cost
        shared[4, tid] = acc_used
        shared[5, tid] = acc_behind
        shared[6, tid] = acc_outside
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(7):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 7:
            out[tile, 24 + tid] = shared[tid, 0]
        cuda.syncthreads()


def normal_equations(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["normal_equations"]``).

    The tiles' partial sums are added on the host in tile order; with ``out`` (a device array of
    31) they are added into ``out``, which is returned.
    """
    h = _hoist_normal_equations(params, constants)
    return fused_pair(_normal_equations, h, 31, points, iref, tgt, loss_id, loss_scale, out, stream)


def normal_equations_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0):
    """``(B, 31)`` accumulators of B pairs in one launch (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair on the host; the pairs' points and intensities
    concatenated on the device (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3).
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return fused_batch(_normal_equations, _hoist_normal_equations, 31, *args)


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


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness(h, points, iref, tgt, tiles, running, loss_id, loss_scale, out):
    """Sums of each tile ``(pair, first, end)`` of points into ``out[tile]`` (running pairs only)."""
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        if running[pair] == 0:
            continue
        img = tgt[pair]
        scale = loss_scale[pair]
        h8 = T(h[pair, 0])
        h23 = T(h[pair, 1])
        h30 = T(h[pair, 2])
        h38 = T(h[pair, 3])
        h46 = T(h[pair, 4])
        h51 = T(h[pair, 5])
        h53 = T(h[pair, 6])
        h54 = T(h[pair, 7])
        h55 = T(h[pair, 8])
        h56 = T(h[pair, 9])
        h61 = T(h[pair, 10])
        h68 = T(h[pair, 11])
        h83 = T(h[pair, 12])
        h87 = T(h[pair, 13])
        h88 = T(h[pair, 14])
        h99 = T(h[pair, 15])
        h103 = T(h[pair, 16])
        h104 = T(h[pair, 17])
        h105 = T(h[pair, 18])  # -h61
        h106 = T(h[pair, 19])  # -h68
        h107 = T(h[pair, 20])  # -h87
        h108 = T(h[pair, 21])  # -h88
        h109 = T(h[pair, 22])  # -h103
        h110 = T(h[pair, 23])  # -h104
        t1 = T(h[pair, 24])
        t2 = T(h[pair, 25])
        t3 = T(h[pair, 26])
        fx = T(h[pair, 27])
        fy = T(h[pair, 28])
        cx = T(h[pair, 29])
        cy = T(h[pair, 30])
        q0 = T(h[pair, 31])  # -math.exp(a)
        q1 = T(h[pair, 32])  # -b
        acc_H_r1_r1 = 0.0
        acc_H_r1_r2 = 0.0
        acc_H_r1_r3 = 0.0
        acc_H_r1_t1 = 0.0
        acc_H_r1_t2 = 0.0
        acc_H_r1_t3 = 0.0
        acc_H_r1_a = 0.0
        acc_H_r1_b = 0.0
        acc_H_r2_r2 = 0.0
        acc_H_r2_r3 = 0.0
        acc_H_r2_t1 = 0.0
        acc_H_r2_t2 = 0.0
        acc_H_r2_t3 = 0.0
        acc_H_r2_a = 0.0
        acc_H_r2_b = 0.0
        acc_H_r3_r3 = 0.0
        acc_H_r3_t1 = 0.0
        acc_H_r3_t2 = 0.0
        acc_H_r3_t3 = 0.0
        acc_H_r3_a = 0.0
        acc_H_r3_b = 0.0
        acc_H_t1_t1 = 0.0
        acc_H_t1_t2 = 0.0
        acc_H_t1_t3 = 0.0
        acc_H_t1_a = 0.0
        acc_H_t1_b = 0.0
        acc_H_t2_t2 = 0.0
        acc_H_t2_t3 = 0.0
        acc_H_t2_a = 0.0
        acc_H_t2_b = 0.0
        acc_H_t3_t3 = 0.0
        acc_H_t3_a = 0.0
        acc_H_t3_b = 0.0
        acc_H_a_a = 0.0
        acc_H_a_b = 0.0
        acc_H_b_b = 0.0
        acc_g_r1 = 0.0
        acc_g_r2 = 0.0
        acc_g_r3 = 0.0
        acc_g_t1 = 0.0
        acc_g_t2 = 0.0
        acc_g_t3 = 0.0
        acc_g_a = 0.0
        acc_g_b = 0.0
        acc_cost = 0.0
        acc_used = 0.0
        acc_behind = 0.0
        acc_outside = 0.0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
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
            u = cx + p0 * p3
            v = cy + p4 * p5
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
                acc_behind += 1.0
                continue
            if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
                acc_outside += 1.0
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
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            ok = True
            res = I_ref * q0 + I_t + q1
            r64 = float(res) if ok else 0.0
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p7 - g_y * p11
            j5_64 = float(j5) if ok else 0.0
            j6 = I_ref * q0
            j6_64 = float(j6) if ok else 0.0
            j7 = T(-1.0)
            j7_64 = float(j7) if ok else 0.0
            wt, rho = robust(r64, loss_id, scale)
            wt = wt if ok else 0.0
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
            acc_used = acc_used + (1.0 if ok else 0.0)
        shared[0, tid] = acc_H_r1_r1
        shared[1, tid] = acc_H_r1_r2
        shared[2, tid] = acc_H_r1_r3
        shared[3, tid] = acc_H_r1_t1
        shared[4, tid] = acc_H_r1_t2
        shared[5, tid] = acc_H_r1_t3
        shared[6, tid] = acc_H_r1_a
        shared[7, tid] = acc_H_r1_b
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 0 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r2_r2
        shared[1, tid] = acc_H_r2_r3
        shared[2, tid] = acc_H_r2_t1
        shared[3, tid] = acc_H_r2_t2
        shared[4, tid] = acc_H_r2_t3
        shared[5, tid] = acc_H_r2_a
        shared[6, tid] = acc_H_r2_b
        shared[7, tid] = acc_H_r3_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 8 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r3_t1
        shared[1, tid] = acc_H_r3_t2
        shared[2, tid] = acc_H_r3_t3
        shared[3, tid] = acc_H_r3_a
        shared[4, tid] = acc_H_r3_b
        shared[5, tid] = acc_H_t1_t1
        shared[6, tid] = acc_H_t1_t2
        shared[7, tid] = acc_H_t1_t3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 16 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t1_a
        shared[1, tid] = acc_H_t1_b
        shared[2, tid] = acc_H_t2_t2
        shared[3, tid] = acc_H_t2_t3
        shared[4, tid] = acc_H_t2_a
        shared[5, tid] = acc_H_t2_b
        shared[6, tid] = acc_H_t3_t3
        shared[7, tid] = acc_H_t3_a
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 24 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t3_b
        shared[1, tid] = acc_H_a_a
        shared[2, tid] = acc_H_a_b
        shared[3, tid] = acc_H_b_b
        shared[4, tid] = acc_g_r1
        shared[5, tid] = acc_g_r2
        shared[6, tid] = acc_g_r3
        shared[7, tid] = acc_g_t1
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 32 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_g_t2
        shared[1, tid] = acc_g_t3
        shared[2, tid] = acc_g_a
        shared[3, tid] = acc_g_b
        shared[4, tid] = acc_cost
        shared[5, tid] = acc_used
        shared[6, tid] = acc_behind
        shared[7, tid] = acc_outside
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 40 + tid] = shared[tid, 0]
        cuda.syncthreads()


def normal_equations_brightness(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["normal_equations_brightness"]``).

    The tiles' partial sums are added on the host in tile order; with ``out`` (a device array of
    48) they are added into ``out``, which is returned.
    """
    h = _hoist_normal_equations_brightness(params, constants)
    return fused_pair(_normal_equations_brightness, h, 48, points, iref, tgt, loss_id, loss_scale, out, stream)


def normal_equations_brightness_batch(
    params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0
):
    """``(B, 48)`` accumulators of B pairs in one launch (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair on the host; the pairs' points and intensities
    concatenated on the device (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3).
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return fused_batch(_normal_equations_brightness, _hoist_normal_equations_brightness, 48, *args)


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


@cuda.jit(cache=True, fastmath=True)
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
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
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


def residuals(params, constants, points, iref, tgt, resid, stream=0):
    """Per-point residual into ``resid`` (NaN where rejected); ``params`` include ``(a, b)``."""
    launch_points(_residuals, _hoist_residuals(params, constants), (points, iref, tgt, resid), stream)


@cuda.jit(cache=True, fastmath=True)
def _residual_sample(h, points, iref, tgt, starts, steps, counts, out):
    """Residual of point ``starts[b] + k * steps[b]`` into ``out[b, k]`` for ``k < counts[b]``."""
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    _start = cuda.blockIdx.x * THREADS_PER_BLOCK + cuda.threadIdx.x
    for pair in range(cuda.blockIdx.y, out.shape[0], cuda.gridDim.y):
        img = tgt[pair]
        h12 = T(h[pair, 0])
        h13 = T(h[pair, 1])
        h14 = T(h[pair, 2])
        h18 = T(h[pair, 3])
        h19 = T(h[pair, 4])
        h20 = T(h[pair, 5])
        h21 = T(h[pair, 6])
        h22 = T(h[pair, 7])
        h23 = T(h[pair, 8])
        t1 = T(h[pair, 9])
        t2 = T(h[pair, 10])
        t3 = T(h[pair, 11])
        fx = T(h[pair, 12])
        fy = T(h[pair, 13])
        cx = T(h[pair, 14])
        cy = T(h[pair, 15])
        q0 = T(h[pair, 16])  # -math.exp(a)
        q1 = T(h[pair, 17])  # -b
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
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
            out[pair, _k] = res


def residual_sample(h, points, iref, tgt, starts, steps, counts, out, stream=0):
    """Residuals of a strided sample of every pair's points into ``out`` (device arrays; nothing copied).

    ``h`` (B, n) rows of ``_hoist_residuals`` (with ``(a, b)``), ``points`` / ``iref`` all pairs'
    concatenated, ``tgt`` (B, H, W, 3), ``starts`` / ``steps`` / ``counts`` (B,) int64, ``out``
    (B, M) float64: ``out[b, k]`` is the residual of point ``starts[b] + k * steps[b]`` for
    ``k < counts[b]`` (NaN where rejected); the rest of ``out`` is left as it is.
    """
    launch_sample(_residual_sample, (h, points, iref, tgt, starts, steps, counts, out), stream)


@cuda.jit(device=True, inline=True)
def pose_device(params, out):
    """``pose(params)[:3, :4]`` row-major into ``out[0:12]`` (device, float64)."""
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
    x4 = phi_device(2, x3)
    x5 = x0 * x4
    x6 = x2 * x4 - 1.0
    x7 = phi_device(1, x3)
    x8 = r3 * x7
    x9 = r1 * x4
    x10 = r2 * x9
    x11 = r2 * x7
    x12 = r3 * x9
    x13 = x1 * x4
    x14 = r1 * x7
    out[0] = -x5 - x6
    out[1] = x10 - x8
    out[2] = x11 + x12
    out[3] = t1
    out[4] = x10 + x8
    out[5] = -x13 - x6
    out[6] = r2 * r3 * x4 - x14
    out[7] = t2
    out[8] = -x11 + x12
    out[9] = r2 * r3 * x4 + x14
    out[10] = -x13 - x5 + 1.0
    out[11] = t3


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_device(params, constants, out):
    """``_hoist_normal_equations(params, constants)`` into ``out[0:31]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r1
    h6 = phi_device(2, h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * phi_device(3, h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + phi_device(4, h3)
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


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_brightness_device(params, constants, out):
    """``_hoist_normal_equations_brightness(params, constants)`` into ``out[0:33]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r1
    h6 = phi_device(2, h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * phi_device(3, h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + phi_device(4, h3)
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
    out[31] = q0
    out[32] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_device(params, constants, out):
    """``_hoist_residuals(params, constants)`` into ``out[0:18]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r2
    h6 = phi_device(2, h3)
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
    out[16] = q0
    out[17] = q1


@cuda.jit(device=True, inline=True)
def params_from_pose_device(T, out):
    """Parameters (rotation_vector+translation) of the pose ``T`` (3 x 4 ``[R t]`` row-major) into ``out``."""
    pose_params_device(1, T, out)


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


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_depth(h, points, iref, tgt, depth, tiles, running, loss_id, loss_scales, out):
    """Sums of each tile ``(pair, first, end)`` of points into ``out[tile]`` (running pairs only)."""
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        if running[pair] == 0:
            continue
        img = tgt[pair]
        dimg = depth[pair]
        scale = loss_scales[pair, 0]
        weight_depth = loss_scales[pair, 2]
        h8 = T(h[pair, 0])
        h23 = T(h[pair, 1])
        h30 = T(h[pair, 2])
        h38 = T(h[pair, 3])
        h46 = T(h[pair, 4])
        h51 = T(h[pair, 5])
        h53 = T(h[pair, 6])
        h54 = T(h[pair, 7])
        h55 = T(h[pair, 8])
        h56 = T(h[pair, 9])
        h61 = T(h[pair, 10])
        h68 = T(h[pair, 11])
        h83 = T(h[pair, 12])
        h87 = T(h[pair, 13])
        h88 = T(h[pair, 14])
        h99 = T(h[pair, 15])
        h103 = T(h[pair, 16])
        h104 = T(h[pair, 17])
        h105 = T(h[pair, 18])  # -h68
        h106 = T(h[pair, 19])  # -h88
        h107 = T(h[pair, 20])  # -h104
        t1 = T(h[pair, 21])
        t2 = T(h[pair, 22])
        t3 = T(h[pair, 23])
        fx = T(h[pair, 24])
        fy = T(h[pair, 25])
        cx = T(h[pair, 26])
        cy = T(h[pair, 27])
        acc_H_r1_r1 = 0.0
        acc_H_r1_r2 = 0.0
        acc_H_r1_r3 = 0.0
        acc_H_r1_t1 = 0.0
        acc_H_r1_t2 = 0.0
        acc_H_r1_t3 = 0.0
        acc_H_r2_r2 = 0.0
        acc_H_r2_r3 = 0.0
        acc_H_r2_t1 = 0.0
        acc_H_r2_t2 = 0.0
        acc_H_r2_t3 = 0.0
        acc_H_r3_r3 = 0.0
        acc_H_r3_t1 = 0.0
        acc_H_r3_t2 = 0.0
        acc_H_r3_t3 = 0.0
        acc_H_t1_t1 = 0.0
        acc_H_t1_t2 = 0.0
        acc_H_t1_t3 = 0.0
        acc_H_t2_t2 = 0.0
        acc_H_t2_t3 = 0.0
        acc_H_t3_t3 = 0.0
        acc_g_r1 = 0.0
        acc_g_r2 = 0.0
        acc_g_r3 = 0.0
        acc_g_t1 = 0.0
        acc_g_t2 = 0.0
        acc_g_t3 = 0.0
        acc_cost = 0.0
        acc_used = 0.0
        acc_behind = 0.0
        acc_outside = 0.0
        acc_cost_depth = 0.0
        acc_used_depth = 0.0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
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
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
                acc_behind += 1.0
                continue
            if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
                acc_outside += 1.0
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
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            ok = True
            D_t = w00 * dimg[y0, x0, 0] + w01 * dimg[y0, x0 + 1, 0]
            D_t += w10 * dimg[y0 + 1, x0, 0] + w11 * dimg[y0 + 1, x0 + 1, 0]
            gd_x = w00 * dimg[y0, x0, 1] + w01 * dimg[y0, x0 + 1, 1]
            gd_x += w10 * dimg[y0 + 1, x0, 1] + w11 * dimg[y0 + 1, x0 + 1, 1]
            gd_y = w00 * dimg[y0, x0, 2] + w01 * dimg[y0, x0 + 1, 2]
            gd_y += w10 * dimg[y0 + 1, x0, 2] + w11 * dimg[y0 + 1, x0 + 1, 2]
            okd = math.isfinite(D_t) and math.isfinite(gd_x) and math.isfinite(gd_y)
            res = -I_ref + I_t
            r64 = float(res) if ok else 0.0
            j0 = g_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + g_y * (h68 * p13 + p12 * p15 + p14 * p5)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + g_y * (h88 * p13 + p12 * p17 + p16 * p5)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + g_y * (h104 * p13 + p12 * p19 + p18 * p5)
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p7 - g_y * p12
            j5_64 = float(j5) if ok else 0.0
            n_D_a = (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1)
            n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
            n_D = n_D_a + n_D_b
            s_D = T(1.0) / math.sqrt(n_D)
            resd = s_D * (D_t - p1)
            rd64 = float(resd) if okd else 0.0
            jd0_a = s_D
            jd0_b_a = gd_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + p15
            jd0_b_b = gd_y * (h68 * p13 + p12 * p15 + p14 * p5) - h68 * rx1
            jd0_b = jd0_b_a + jd0_b_b
            jd0 = jd0_a * jd0_b
            jd0_64 = float(jd0) if okd else 0.0
            jd1_a = s_D
            jd1_b_a = gd_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + p17
            jd1_b_b = gd_y * (h88 * p13 + p12 * p17 + p16 * p5) - h88 * rx1
            jd1_b = jd1_b_a + jd1_b_b
            jd1 = jd1_a * jd1_b
            jd1_64 = float(jd1) if okd else 0.0
            jd2_a = s_D
            jd2_b_a = gd_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + p19
            jd2_b_b = gd_y * (h104 * p13 + p12 * p19 + p18 * p5) - h104 * rx1
            jd2_b = jd2_b_a + jd2_b_b
            jd2 = jd2_a * jd2_b
            jd2_64 = float(jd2) if okd else 0.0
            jd3 = gd_x * p3 * s_D
            jd3_64 = float(jd3) if okd else 0.0
            jd4 = gd_y * p5 * s_D
            jd4_64 = float(jd4) if okd else 0.0
            jd5 = s_D * (-gd_x * p7 - gd_y * p12 + T(-1.0))
            jd5_64 = float(jd5) if okd else 0.0
            e2 = r64 * r64 + weight_depth * (rd64 * rd64)
            wt, rho_e = robust(math.sqrt(e2), loss_id, scale)
            wt = wt if ok else 0.0
            rhod = rho_e * (weight_depth * (rd64 * rd64)) / (e2 if e2 > 0.0 else 1.0)
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
            acc_used = acc_used + (1.0 if ok else 0.0)
            acc_cost_depth = acc_cost_depth + rhod
            acc_used_depth = acc_used_depth + (1.0 if okd else 0.0)
        shared[0, tid] = acc_H_r1_r1
        shared[1, tid] = acc_H_r1_r2
        shared[2, tid] = acc_H_r1_r3
        shared[3, tid] = acc_H_r1_t1
        shared[4, tid] = acc_H_r1_t2
        shared[5, tid] = acc_H_r1_t3
        shared[6, tid] = acc_H_r2_r2
        shared[7, tid] = acc_H_r2_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 0 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r2_t1
        shared[1, tid] = acc_H_r2_t2
        shared[2, tid] = acc_H_r2_t3
        shared[3, tid] = acc_H_r3_r3
        shared[4, tid] = acc_H_r3_t1
        shared[5, tid] = acc_H_r3_t2
        shared[6, tid] = acc_H_r3_t3
        shared[7, tid] = acc_H_t1_t1
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 8 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t1_t2
        shared[1, tid] = acc_H_t1_t3
        shared[2, tid] = acc_H_t2_t2
        shared[3, tid] = acc_H_t2_t3
        shared[4, tid] = acc_H_t3_t3
        shared[5, tid] = acc_g_r1
        shared[6, tid] = acc_g_r2
        shared[7, tid] = acc_g_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 16 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_g_t1
        shared[1, tid] = acc_g_t2
        shared[2, tid] = acc_g_t3
        shared[3, tid] = acc_cost
        shared[4, tid] = acc_used
        shared[5, tid] = acc_behind
        shared[6, tid] = acc_outside
        shared[7, tid] = acc_cost_depth
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 24 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_used_depth
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(1):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 1:
            out[tile, 32 + tid] = shared[tid, 0]
        cuda.syncthreads()


def normal_equations_depth(params, constants, points, iref, tgt, depth, loss_id, scales, out=None, stream=0):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms. The tiles' partial sums are added on the host in tile order;
    with ``out`` (a device array of 33) they are added into ``out``, which is returned.
    """
    h = _hoist_normal_equations_depth(params, constants)
    args = (points, iref, tgt, depth, loss_id, scales, out, stream)
    return fused_pair_depth(_normal_equations_depth, h, 33, *args)


def normal_equations_depth_batch(
    params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream=0
):
    """``(B, 33)`` accumulators of B pairs in one launch (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream)
    return fused_batch_depth(_normal_equations_depth, _hoist_normal_equations_depth, 33, *args)


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


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_depth_brightness(h, points, iref, tgt, depth, tiles, running, loss_id, loss_scales, out):
    """Sums of each tile ``(pair, first, end)`` of points into ``out[tile]`` (running pairs only)."""
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    T = points.dtype.type
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        if running[pair] == 0:
            continue
        img = tgt[pair]
        dimg = depth[pair]
        scale = loss_scales[pair, 0]
        weight_depth = loss_scales[pair, 2]
        h8 = T(h[pair, 0])
        h23 = T(h[pair, 1])
        h30 = T(h[pair, 2])
        h38 = T(h[pair, 3])
        h46 = T(h[pair, 4])
        h51 = T(h[pair, 5])
        h53 = T(h[pair, 6])
        h54 = T(h[pair, 7])
        h55 = T(h[pair, 8])
        h56 = T(h[pair, 9])
        h61 = T(h[pair, 10])
        h68 = T(h[pair, 11])
        h83 = T(h[pair, 12])
        h87 = T(h[pair, 13])
        h88 = T(h[pair, 14])
        h99 = T(h[pair, 15])
        h103 = T(h[pair, 16])
        h104 = T(h[pair, 17])
        h105 = T(h[pair, 18])  # -h68
        h106 = T(h[pair, 19])  # -h88
        h107 = T(h[pair, 20])  # -h104
        t1 = T(h[pair, 21])
        t2 = T(h[pair, 22])
        t3 = T(h[pair, 23])
        fx = T(h[pair, 24])
        fy = T(h[pair, 25])
        cx = T(h[pair, 26])
        cy = T(h[pair, 27])
        q0 = T(h[pair, 28])  # -math.exp(a)
        q1 = T(h[pair, 29])  # -b
        acc_H_r1_r1 = 0.0
        acc_H_r1_r2 = 0.0
        acc_H_r1_r3 = 0.0
        acc_H_r1_t1 = 0.0
        acc_H_r1_t2 = 0.0
        acc_H_r1_t3 = 0.0
        acc_H_r1_a = 0.0
        acc_H_r1_b = 0.0
        acc_H_r2_r2 = 0.0
        acc_H_r2_r3 = 0.0
        acc_H_r2_t1 = 0.0
        acc_H_r2_t2 = 0.0
        acc_H_r2_t3 = 0.0
        acc_H_r2_a = 0.0
        acc_H_r2_b = 0.0
        acc_H_r3_r3 = 0.0
        acc_H_r3_t1 = 0.0
        acc_H_r3_t2 = 0.0
        acc_H_r3_t3 = 0.0
        acc_H_r3_a = 0.0
        acc_H_r3_b = 0.0
        acc_H_t1_t1 = 0.0
        acc_H_t1_t2 = 0.0
        acc_H_t1_t3 = 0.0
        acc_H_t1_a = 0.0
        acc_H_t1_b = 0.0
        acc_H_t2_t2 = 0.0
        acc_H_t2_t3 = 0.0
        acc_H_t2_a = 0.0
        acc_H_t2_b = 0.0
        acc_H_t3_t3 = 0.0
        acc_H_t3_a = 0.0
        acc_H_t3_b = 0.0
        acc_H_a_a = 0.0
        acc_H_a_b = 0.0
        acc_H_b_b = 0.0
        acc_g_r1 = 0.0
        acc_g_r2 = 0.0
        acc_g_r3 = 0.0
        acc_g_t1 = 0.0
        acc_g_t2 = 0.0
        acc_g_t3 = 0.0
        acc_g_a = 0.0
        acc_g_b = 0.0
        acc_cost = 0.0
        acc_used = 0.0
        acc_behind = 0.0
        acc_outside = 0.0
        acc_cost_depth = 0.0
        acc_used_depth = 0.0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
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
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
                acc_behind += 1.0
                continue
            if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):
                acc_outside += 1.0
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
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            ok = True
            D_t = w00 * dimg[y0, x0, 0] + w01 * dimg[y0, x0 + 1, 0]
            D_t += w10 * dimg[y0 + 1, x0, 0] + w11 * dimg[y0 + 1, x0 + 1, 0]
            gd_x = w00 * dimg[y0, x0, 1] + w01 * dimg[y0, x0 + 1, 1]
            gd_x += w10 * dimg[y0 + 1, x0, 1] + w11 * dimg[y0 + 1, x0 + 1, 1]
            gd_y = w00 * dimg[y0, x0, 2] + w01 * dimg[y0, x0 + 1, 2]
            gd_y += w10 * dimg[y0 + 1, x0, 2] + w11 * dimg[y0 + 1, x0 + 1, 2]
            okd = math.isfinite(D_t) and math.isfinite(gd_x) and math.isfinite(gd_y)
            res = I_ref * q0 + I_t + q1
            r64 = float(res) if ok else 0.0
            j0 = g_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + g_y * (h68 * p13 + p12 * p15 + p14 * p5)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + g_y * (h88 * p13 + p12 * p17 + p16 * p5)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + g_y * (h104 * p13 + p12 * p19 + p18 * p5)
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p7 - g_y * p12
            j5_64 = float(j5) if ok else 0.0
            j6 = I_ref * q0
            j6_64 = float(j6) if ok else 0.0
            j7 = T(-1.0)
            j7_64 = float(j7) if ok else 0.0
            n_D_a = (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1)
            n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
            n_D = n_D_a + n_D_b
            s_D = T(1.0) / math.sqrt(n_D)
            resd = s_D * (D_t - p1)
            rd64 = float(resd) if okd else 0.0
            jd0_a = s_D
            jd0_b_a = gd_x * (h105 * p7 * rx1 + h53 * p8 - p3 * p9) + p15
            jd0_b_b = gd_y * (h68 * p13 + p12 * p15 + p14 * p5) - h68 * rx1
            jd0_b = jd0_b_a + jd0_b_b
            jd0 = jd0_a * jd0_b
            jd0_64 = float(jd0) if okd else 0.0
            jd1_a = s_D
            jd1_b_a = gd_x * (h106 * p7 * rx1 + h83 * p8 - p10 * p3) + p17
            jd1_b_b = gd_y * (h88 * p13 + p12 * p17 + p16 * p5) - h88 * rx1
            jd1_b = jd1_b_a + jd1_b_b
            jd1 = jd1_a * jd1_b
            jd1_64 = float(jd1) if okd else 0.0
            jd2_a = s_D
            jd2_b_a = gd_x * (h107 * p7 * rx1 + h99 * p8 - p11 * p3) + p19
            jd2_b_b = gd_y * (h104 * p13 + p12 * p19 + p18 * p5) - h104 * rx1
            jd2_b = jd2_b_a + jd2_b_b
            jd2 = jd2_a * jd2_b
            jd2_64 = float(jd2) if okd else 0.0
            jd3 = gd_x * p3 * s_D
            jd3_64 = float(jd3) if okd else 0.0
            jd4 = gd_y * p5 * s_D
            jd4_64 = float(jd4) if okd else 0.0
            jd5 = s_D * (-gd_x * p7 - gd_y * p12 + T(-1.0))
            jd5_64 = float(jd5) if okd else 0.0
            e2 = r64 * r64 + weight_depth * (rd64 * rd64)
            wt, rho_e = robust(math.sqrt(e2), loss_id, scale)
            wt = wt if ok else 0.0
            rhod = rho_e * (weight_depth * (rd64 * rd64)) / (e2 if e2 > 0.0 else 1.0)
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
            acc_used = acc_used + (1.0 if ok else 0.0)
            acc_cost_depth = acc_cost_depth + rhod
            acc_used_depth = acc_used_depth + (1.0 if okd else 0.0)
        shared[0, tid] = acc_H_r1_r1
        shared[1, tid] = acc_H_r1_r2
        shared[2, tid] = acc_H_r1_r3
        shared[3, tid] = acc_H_r1_t1
        shared[4, tid] = acc_H_r1_t2
        shared[5, tid] = acc_H_r1_t3
        shared[6, tid] = acc_H_r1_a
        shared[7, tid] = acc_H_r1_b
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 0 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r2_r2
        shared[1, tid] = acc_H_r2_r3
        shared[2, tid] = acc_H_r2_t1
        shared[3, tid] = acc_H_r2_t2
        shared[4, tid] = acc_H_r2_t3
        shared[5, tid] = acc_H_r2_a
        shared[6, tid] = acc_H_r2_b
        shared[7, tid] = acc_H_r3_r3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 8 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_r3_t1
        shared[1, tid] = acc_H_r3_t2
        shared[2, tid] = acc_H_r3_t3
        shared[3, tid] = acc_H_r3_a
        shared[4, tid] = acc_H_r3_b
        shared[5, tid] = acc_H_t1_t1
        shared[6, tid] = acc_H_t1_t2
        shared[7, tid] = acc_H_t1_t3
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 16 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t1_a
        shared[1, tid] = acc_H_t1_b
        shared[2, tid] = acc_H_t2_t2
        shared[3, tid] = acc_H_t2_t3
        shared[4, tid] = acc_H_t2_a
        shared[5, tid] = acc_H_t2_b
        shared[6, tid] = acc_H_t3_t3
        shared[7, tid] = acc_H_t3_a
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 24 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_H_t3_b
        shared[1, tid] = acc_H_a_a
        shared[2, tid] = acc_H_a_b
        shared[3, tid] = acc_H_b_b
        shared[4, tid] = acc_g_r1
        shared[5, tid] = acc_g_r2
        shared[6, tid] = acc_g_r3
        shared[7, tid] = acc_g_t1
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 32 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_g_t2
        shared[1, tid] = acc_g_t3
        shared[2, tid] = acc_g_a
        shared[3, tid] = acc_g_b
        shared[4, tid] = acc_cost
        shared[5, tid] = acc_used
        shared[6, tid] = acc_behind
        shared[7, tid] = acc_outside
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(8):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            out[tile, 40 + tid] = shared[tid, 0]
        cuda.syncthreads()
        shared[0, tid] = acc_cost_depth
        shared[1, tid] = acc_used_depth
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for _k in range(2):
                    shared[_k, tid] += shared[_k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 2:
            out[tile, 48 + tid] = shared[tid, 0]
        cuda.syncthreads()


def normal_equations_depth_brightness(params, constants, points, iref, tgt, depth, loss_id, scales, out=None, stream=0):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms. The tiles' partial sums are added on the host in tile order;
    with ``out`` (a device array of 50) they are added into ``out``, which is returned.
    """
    h = _hoist_normal_equations_depth_brightness(params, constants)
    args = (points, iref, tgt, depth, loss_id, scales, out, stream)
    return fused_pair_depth(_normal_equations_depth_brightness, h, 50, *args)


def normal_equations_depth_brightness_batch(
    params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream=0
):
    """``(B, 50)`` accumulators of B pairs in one launch (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream)
    return fused_batch_depth(_normal_equations_depth_brightness, _hoist_normal_equations_depth_brightness, 50, *args)


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


@cuda.jit(cache=True, fastmath=True)
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
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
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


def residuals_depth(params, constants, points, depth, resid, stream=0):
    """Per-point depth residual ``s_D (D_t - Z')`` into ``resid`` (NaN where none); warp ``params`` only."""
    launch_points(_residuals_depth, _hoist_residuals_depth(params, constants), (points, depth, resid), stream)


@cuda.jit(cache=True, fastmath=True)
def _residual_sample_depth(h, points, depth, starts, steps, counts, out):
    """Depth residual of point ``starts[b] + k * steps[b]`` into ``out[b, k]`` for ``k < counts[b]``."""
    T = points.dtype.type
    height = depth.shape[1]
    width = depth.shape[2]
    _start = cuda.blockIdx.x * THREADS_PER_BLOCK + cuda.threadIdx.x
    for pair in range(cuda.blockIdx.y, out.shape[0], cuda.gridDim.y):
        img = depth[pair]
        h12 = T(h[pair, 0])
        h13 = T(h[pair, 1])
        h14 = T(h[pair, 2])
        h18 = T(h[pair, 3])
        h19 = T(h[pair, 4])
        h20 = T(h[pair, 5])
        h21 = T(h[pair, 6])
        h22 = T(h[pair, 7])
        h23 = T(h[pair, 8])
        t1 = T(h[pair, 9])
        t2 = T(h[pair, 10])
        t3 = T(h[pair, 11])
        fx = T(h[pair, 12])
        fy = T(h[pair, 13])
        cx = T(h[pair, 14])
        cy = T(h[pair, 15])
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
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
            out[pair, _k] = s_D * (D_t - p0)


def residual_sample_depth(h, points, depth, starts, steps, counts, out, stream=0):
    """Depth residuals of a strided sample of every pair's points into ``out`` (device arrays; nothing copied).

    As ``residual_sample``, with ``h`` (B, n) rows of ``_hoist_residuals_depth`` (warp parameters
    only) and ``depth`` (B, H, W, 3) the targets' depth stacks; NaN where a point has no depth residual.
    """
    launch_sample(_residual_sample_depth, (h, points, depth, starts, steps, counts, out), stream)


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_depth_device(params, constants, out):
    """``_hoist_normal_equations_depth(params, constants)`` into ``out[0:28]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r1
    h6 = phi_device(2, h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * phi_device(3, h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + phi_device(4, h3)
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
    out[21] = t1
    out[22] = t2
    out[23] = t3
    out[24] = fx
    out[25] = fy
    out[26] = cx
    out[27] = cy


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_depth_brightness_device(params, constants, out):
    """``_hoist_normal_equations_depth_brightness(params, constants)`` into ``out[0:30]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r1
    h6 = phi_device(2, h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * phi_device(3, h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + phi_device(4, h3)
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
    out[21] = t1
    out[22] = t2
    out[23] = t3
    out[24] = fx
    out[25] = fy
    out[26] = cx
    out[27] = cy
    out[28] = q0
    out[29] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_depth_device(params, constants, out):
    """``_hoist_residuals_depth(params, constants)`` into ``out[0:16]`` (device, float64)."""
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
    h4 = phi_device(1, h3)
    h5 = h4 * r2
    h6 = phi_device(2, h3)
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
