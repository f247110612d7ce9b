# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: euler_xyz (symbolic hash 7c5c559112db1602)
#   R = Rx(r1) Ry(r2) Rz(r3), t = (t1, t2, t3); pinhole projection
# content hash: sha256:688fe6ebd35d90e40f000e7835ab895b   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _normal_equations                               1256        206      132         74
#   _normal_equations_brightness                    1256        206      132         74
#   _residuals                                       127         49       23         26
#   _normal_equations_depth                         2304        229      129        100
#   _normal_equations_depth_brightness              2304        229      129        100
#   _residuals_depth                                 194         49       23         26
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``euler_xyz`` model for the Numba CUDA target.

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
    pose_params_device,
    robust,
)
from jacgen.runtime.poses import invert_pose

DESCRIPTION = {
    "model": "euler_xyz",
    "target": "cuda",
    "params": ("r1", "r2", "r3", "t1", "t2", "t3"),
    "brightness_params": ("a", "b"),
    "point": ("X", "Y", "Z"),
    "constants": ("fx", "fy", "cx", "cy"),
    "positive_constants": ("fx", "fy"),
    "kernel_constants": ("fx", "fy", "cx", "cy"),
    "update": "additive",
    "parameterisation": "euler_xyz+translation",
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
        "normal_equations": 32,
        "normal_equations_brightness": 34,
        "residuals": 19,
        "normal_equations_depth": 29,
        "normal_equations_depth_brightness": 31,
        "residuals_depth": 17,
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
    x0 = math.cos(r2)
    x1 = math.cos(r3)
    x2 = math.sin(r3)
    x3 = math.sin(r2)
    x4 = math.cos(r1)
    x5 = x2 * x4
    x6 = math.sin(r1)
    x7 = x1 * x6
    x8 = x2 * x6
    out = np.empty((4, 4))
    out[0, 0] = x0 * x1
    out[0, 1] = -x0 * x2
    out[0, 2] = x3
    out[1, 0] = x3 * x7 + x5
    out[1, 1] = x1 * x4 - x3 * x8
    out[1, 2] = -x0 * x6
    out[2, 0] = -x1 * x3 * x4 + x8
    out[2, 1] = x3 * x5 + x7
    out[2, 2] = x0 * x4
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
        h0 = T(h[pair, 0])  # math.cos(r1)
        h2 = T(h[pair, 1])  # math.sin(r2)
        h6 = T(h[pair, 2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
        h8 = T(h[pair, 3])  # math.cos(r2)
        h12 = T(h[pair, 4])  # h8 * math.cos(r3)
        h15 = T(h[pair, 5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
        h17 = T(h[pair, 6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
        h18 = T(h[pair, 7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h21 = T(h[pair, 8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h23 = T(h[pair, 9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
        h27 = T(h[pair, 10])
        h34 = T(h[pair, 11])
        h36 = T(h[pair, 12])
        h37 = T(h[pair, 13])
        h38 = T(h[pair, 14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
        h40 = T(h[pair, 15])  # h12 * h6 + h15 * h8 * math.sin(r3)
        h41 = T(h[pair, 16])  # h15 * h18 - h21 * h6
        h42 = T(h[pair, 17])  # -h23
        h43 = T(h[pair, 18])  # -h27
        h44 = T(h[pair, 19])  # -h36
        h45 = T(h[pair, 20])  # -h37
        h46 = T(h[pair, 21])  # -h40
        h47 = T(h[pair, 22])  # -h41
        h48 = T(h[pair, 23])  # -h8 * math.sin(r3)
        h49 = T(h[pair, 24])  # -math.sin(r1)
        t1 = T(h[pair, 25])
        t2 = T(h[pair, 26])
        t3 = T(h[pair, 27])
        fx = T(h[pair, 28])
        fy = T(h[pair, 29])
        cx = T(h[pair, 30])
        cy = T(h[pair, 31])
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
            j0 = g_x * (h17 * p8 + h42 * p9 + h43 * p10) + g_y * (h17 * p14 + h23 * p13 + h27 * p12)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h34 * p8 + h44 * p9 + h45 * p10) + g_y * (h34 * p14 + h36 * p13 + h37 * p12)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h38 * p8 + h46 * p9 + h47 * p10) + g_y * (h38 * p14 + h40 * p13 + h41 * p12)
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
    q0 = -math.exp(a)
    q1 = -b
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
        h0 = T(h[pair, 0])  # math.cos(r1)
        h2 = T(h[pair, 1])  # math.sin(r2)
        h6 = T(h[pair, 2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
        h8 = T(h[pair, 3])  # math.cos(r2)
        h12 = T(h[pair, 4])  # h8 * math.cos(r3)
        h15 = T(h[pair, 5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
        h17 = T(h[pair, 6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
        h18 = T(h[pair, 7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h21 = T(h[pair, 8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h23 = T(h[pair, 9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
        h27 = T(h[pair, 10])
        h34 = T(h[pair, 11])
        h36 = T(h[pair, 12])
        h37 = T(h[pair, 13])
        h38 = T(h[pair, 14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
        h40 = T(h[pair, 15])  # h12 * h6 + h15 * h8 * math.sin(r3)
        h41 = T(h[pair, 16])  # h15 * h18 - h21 * h6
        h42 = T(h[pair, 17])  # -h23
        h43 = T(h[pair, 18])  # -h27
        h44 = T(h[pair, 19])  # -h36
        h45 = T(h[pair, 20])  # -h37
        h46 = T(h[pair, 21])  # -h40
        h47 = T(h[pair, 22])  # -h41
        h48 = T(h[pair, 23])  # -h8 * math.sin(r3)
        h49 = T(h[pair, 24])  # -math.sin(r1)
        t1 = T(h[pair, 25])
        t2 = T(h[pair, 26])
        t3 = T(h[pair, 27])
        fx = T(h[pair, 28])
        fy = T(h[pair, 29])
        cx = T(h[pair, 30])
        cy = T(h[pair, 31])
        q0 = T(h[pair, 32])  # -math.exp(a)
        q1 = T(h[pair, 33])  # -b
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
            j0 = g_x * (h17 * p8 + h42 * p9 + h43 * p10) + g_y * (h17 * p14 + h23 * p13 + h27 * p12)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h34 * p8 + h44 * p9 + h45 * p10) + g_y * (h34 * p14 + h36 * p13 + h37 * p12)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h38 * p8 + h46 * p9 + h47 * p10) + g_y * (h38 * p14 + h40 * p13 + h41 * p12)
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
    q0 = -math.exp(a)
    q1 = -b
    return np.array([h3, h4, h8, h9, h10, h11, h12, h13, h14, h15, t1, t2, t3, fx, fy, cx, cy, q0, q1])


@cuda.jit(cache=True, fastmath=True)
def _residuals(h, points, iref, tgt, resid):
    """Residual of every point (float type of ``points``), NaN behind the camera or outside ``tgt``."""
    T = points.dtype.type
    img = tgt
    height = tgt.shape[0]
    width = tgt.shape[1]
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
    q0 = T(h[17])  # -math.exp(a)
    q1 = T(h[18])  # -b
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h8
        p1 = X * h9 + Y * h10 + h4 * p0 + t3
        p2 = T(1.0) / p1
        u = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
        v = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
        if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
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
        h3 = T(h[pair, 0])  # math.sin(r2)
        h4 = T(h[pair, 1])  # math.cos(r1)
        h8 = T(h[pair, 2])  # math.cos(r2)
        h9 = T(h[pair, 3])  # -h3 * h4 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h10 = T(h[pair, 4])  # h3 * h4 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h11 = T(h[pair, 5])  # h8 * math.cos(r3)
        h12 = T(h[pair, 6])  # -h8 * math.sin(r3)
        h13 = T(h[pair, 7])  # h3 * math.sin(r1) * math.cos(r3) + h4 * math.sin(r3)
        h14 = T(h[pair, 8])  # -h3 * math.sin(r1) * math.sin(r3) + h4 * math.cos(r3)
        h15 = T(h[pair, 9])  # -math.sin(r1)
        t1 = T(h[pair, 10])
        t2 = T(h[pair, 11])
        t3 = T(h[pair, 12])
        fx = T(h[pair, 13])
        fy = T(h[pair, 14])
        cx = T(h[pair, 15])
        cy = T(h[pair, 16])
        q0 = T(h[pair, 17])  # -math.exp(a)
        q1 = T(h[pair, 18])  # -b
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = Z * h8
            p1 = X * h9 + Y * h10 + h4 * p0 + t3
            p2 = T(1.0) / p1
            u = cx + fx * p2 * (X * h11 + Y * h12 + Z * h3 + t1)
            v = cy + fy * p2 * (X * h13 + Y * h14 + h15 * p0 + t2)
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
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
    x0 = math.cos(r2)
    x1 = math.cos(r3)
    x2 = math.sin(r3)
    x3 = math.sin(r2)
    x4 = math.cos(r1)
    x5 = x2 * x4
    x6 = math.sin(r1)
    x7 = x1 * x6
    x8 = x2 * x6
    out[0] = x0 * x1
    out[1] = -x0 * x2
    out[2] = x3
    out[3] = t1
    out[4] = x3 * x7 + x5
    out[5] = x1 * x4 - x3 * x8
    out[6] = -x0 * x6
    out[7] = t2
    out[8] = -x1 * x3 * x4 + x8
    out[9] = x3 * x5 + x7
    out[10] = x0 * x4
    out[11] = t3


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_device(params, constants, out):
    """``_hoist_normal_equations(params, constants)`` into ``out[0:32]`` (device, float64)."""
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
    out[0] = h0
    out[1] = h2
    out[2] = h6
    out[3] = h8
    out[4] = h12
    out[5] = h15
    out[6] = h17
    out[7] = h18
    out[8] = h21
    out[9] = h23
    out[10] = h27
    out[11] = h34
    out[12] = h36
    out[13] = h37
    out[14] = h38
    out[15] = h40
    out[16] = h41
    out[17] = h42
    out[18] = h43
    out[19] = h44
    out[20] = h45
    out[21] = h46
    out[22] = h47
    out[23] = h48
    out[24] = h49
    out[25] = t1
    out[26] = t2
    out[27] = t3
    out[28] = fx
    out[29] = fy
    out[30] = cx
    out[31] = cy


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_brightness_device(params, constants, out):
    """``_hoist_normal_equations_brightness(params, constants)`` into ``out[0:34]`` (device, float64)."""
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
    q0 = -math.exp(a)
    q1 = -b
    out[0] = h0
    out[1] = h2
    out[2] = h6
    out[3] = h8
    out[4] = h12
    out[5] = h15
    out[6] = h17
    out[7] = h18
    out[8] = h21
    out[9] = h23
    out[10] = h27
    out[11] = h34
    out[12] = h36
    out[13] = h37
    out[14] = h38
    out[15] = h40
    out[16] = h41
    out[17] = h42
    out[18] = h43
    out[19] = h44
    out[20] = h45
    out[21] = h46
    out[22] = h47
    out[23] = h48
    out[24] = h49
    out[25] = t1
    out[26] = t2
    out[27] = t3
    out[28] = fx
    out[29] = fy
    out[30] = cx
    out[31] = cy
    out[32] = q0
    out[33] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_device(params, constants, out):
    """``_hoist_residuals(params, constants)`` into ``out[0:19]`` (device, float64)."""
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
    q0 = -math.exp(a)
    q1 = -b
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
    out[17] = q0
    out[18] = q1


@cuda.jit(device=True, inline=True)
def params_from_pose_device(T, out):
    """Parameters (euler_xyz+translation) of the pose ``T`` (3 x 4 ``[R t]`` row-major) into ``out``."""
    pose_params_device(2, T, out)


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
    h42 = -h27
    h43 = -h37
    h44 = -h41
    h45 = -h9
    h46 = -h3
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
        h0 = T(h[pair, 0])  # math.cos(r1)
        h2 = T(h[pair, 1])  # math.sin(r2)
        h6 = T(h[pair, 2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
        h8 = T(h[pair, 3])  # math.cos(r2)
        h12 = T(h[pair, 4])  # h8 * math.cos(r3)
        h15 = T(h[pair, 5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
        h17 = T(h[pair, 6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
        h18 = T(h[pair, 7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h21 = T(h[pair, 8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h23 = T(h[pair, 9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
        h27 = T(h[pair, 10])
        h34 = T(h[pair, 11])
        h36 = T(h[pair, 12])
        h37 = T(h[pair, 13])
        h38 = T(h[pair, 14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
        h40 = T(h[pair, 15])  # h12 * h6 + h15 * h8 * math.sin(r3)
        h41 = T(h[pair, 16])  # h15 * h18 - h21 * h6
        h42 = T(h[pair, 17])  # -h27
        h43 = T(h[pair, 18])  # -h37
        h44 = T(h[pair, 19])  # -h41
        h45 = T(h[pair, 20])  # -h8 * math.sin(r3)
        h46 = T(h[pair, 21])  # -math.sin(r1)
        t1 = T(h[pair, 22])
        t2 = T(h[pair, 23])
        t3 = T(h[pair, 24])
        fx = T(h[pair, 25])
        fy = T(h[pair, 26])
        cx = T(h[pair, 27])
        cy = T(h[pair, 28])
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
            rx0 = X * h12 + Y * h45 + Z * h2
            p0 = rx0 + t1
            p14 = h23 * rx0
            p15 = h17 * rx0
            p16 = h36 * rx0
            p17 = h34 * rx0
            p18 = h40 * rx0
            p19 = h38 * rx0
            p20 = Z * h8
            rx1 = X * h15 + Y * h6 + h46 * p20
            rx2 = X * h21 + Y * h18 + h0 * p20
            p1 = rx2 + t3
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = h23 * rx1
            p10 = h36 * rx1
            p11 = h40 * rx1
            p12 = fy * p4 * p6
            p13 = -p12 * rx1 - p5 * rx2
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
            j0 = g_x * (h17 * p8 + h42 * p7 * rx1 - p3 * p9) + g_y * (h27 * p13 + p12 * p15 + p14 * p5)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h34 * p8 + h43 * p7 * rx1 - p10 * p3) + g_y * (h37 * p13 + p12 * p17 + p16 * p5)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h38 * p8 + h44 * p7 * rx1 - p11 * p3) + g_y * (h41 * p13 + p12 * p19 + p18 * p5)
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
            jd0_b_a = gd_x * (h17 * p8 + h42 * p7 * rx1 - p3 * p9) + p15
            jd0_b_b = gd_y * (h27 * p13 + p12 * p15 + p14 * p5) - h27 * rx1
            jd0_b = jd0_b_a + jd0_b_b
            jd0 = jd0_a * jd0_b
            jd0_64 = float(jd0) if okd else 0.0
            jd1_a = s_D
            jd1_b_a = gd_x * (h34 * p8 + h43 * p7 * rx1 - p10 * p3) + p17
            jd1_b_b = gd_y * (h37 * p13 + p12 * p17 + p16 * p5) - h37 * rx1
            jd1_b = jd1_b_a + jd1_b_b
            jd1 = jd1_a * jd1_b
            jd1_64 = float(jd1) if okd else 0.0
            jd2_a = s_D
            jd2_b_a = gd_x * (h38 * p8 + h44 * p7 * rx1 - p11 * p3) + p19
            jd2_b_b = gd_y * (h41 * p13 + p12 * p19 + p18 * p5) - h41 * rx1
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
    h42 = -h27
    h43 = -h37
    h44 = -h41
    h45 = -h9
    h46 = -h3
    q0 = -math.exp(a)
    q1 = -b
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
        h0 = T(h[pair, 0])  # math.cos(r1)
        h2 = T(h[pair, 1])  # math.sin(r2)
        h6 = T(h[pair, 2])  # h0 * math.cos(r3) - h2 * math.sin(r1) * math.sin(r3)
        h8 = T(h[pair, 3])  # math.cos(r2)
        h12 = T(h[pair, 4])  # h8 * math.cos(r3)
        h15 = T(h[pair, 5])  # h0 * math.sin(r3) + h2 * math.sin(r1) * math.cos(r3)
        h17 = T(h[pair, 6])  # -0.5 * h12 * h15 + (0.5) * h2 * h8 * math.sin(r1) + (0.5) * h6 * h8 * math.sin(r3)
        h18 = T(h[pair, 7])  # h0 * h2 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h21 = T(h[pair, 8])  # -h0 * h2 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h23 = T(h[pair, 9])  # -0.5 * h0 * h2 * h8 + (0.5) * h18 * h8 * math.sin(r3) - 0.5 * h21 * h8 * math.cos(r3)
        h27 = T(h[pair, 10])
        h34 = T(h[pair, 11])
        h36 = T(h[pair, 12])
        h37 = T(h[pair, 13])
        h38 = T(h[pair, 14])  # -h12 * h18 - h21 * h8 * math.sin(r3)
        h40 = T(h[pair, 15])  # h12 * h6 + h15 * h8 * math.sin(r3)
        h41 = T(h[pair, 16])  # h15 * h18 - h21 * h6
        h42 = T(h[pair, 17])  # -h27
        h43 = T(h[pair, 18])  # -h37
        h44 = T(h[pair, 19])  # -h41
        h45 = T(h[pair, 20])  # -h8 * math.sin(r3)
        h46 = T(h[pair, 21])  # -math.sin(r1)
        t1 = T(h[pair, 22])
        t2 = T(h[pair, 23])
        t3 = T(h[pair, 24])
        fx = T(h[pair, 25])
        fy = T(h[pair, 26])
        cx = T(h[pair, 27])
        cy = T(h[pair, 28])
        q0 = T(h[pair, 29])  # -math.exp(a)
        q1 = T(h[pair, 30])  # -b
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
            rx0 = X * h12 + Y * h45 + Z * h2
            p0 = rx0 + t1
            p14 = h23 * rx0
            p15 = h17 * rx0
            p16 = h36 * rx0
            p17 = h34 * rx0
            p18 = h40 * rx0
            p19 = h38 * rx0
            p20 = Z * h8
            rx1 = X * h15 + Y * h6 + h46 * p20
            rx2 = X * h21 + Y * h18 + h0 * p20
            p1 = rx2 + t3
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = rx1 + t2
            p5 = fy * p2
            p6 = p2 * p2
            p7 = fx * p0 * p6
            p8 = p3 * rx2 + p7 * rx0
            p9 = h23 * rx1
            p10 = h36 * rx1
            p11 = h40 * rx1
            p12 = fy * p4 * p6
            p13 = -p12 * rx1 - p5 * rx2
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
            j0 = g_x * (h17 * p8 + h42 * p7 * rx1 - p3 * p9) + g_y * (h27 * p13 + p12 * p15 + p14 * p5)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (h34 * p8 + h43 * p7 * rx1 - p10 * p3) + g_y * (h37 * p13 + p12 * p17 + p16 * p5)
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * (h38 * p8 + h44 * p7 * rx1 - p11 * p3) + g_y * (h41 * p13 + p12 * p19 + p18 * p5)
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
            jd0_b_a = gd_x * (h17 * p8 + h42 * p7 * rx1 - p3 * p9) + p15
            jd0_b_b = gd_y * (h27 * p13 + p12 * p15 + p14 * p5) - h27 * rx1
            jd0_b = jd0_b_a + jd0_b_b
            jd0 = jd0_a * jd0_b
            jd0_64 = float(jd0) if okd else 0.0
            jd1_a = s_D
            jd1_b_a = gd_x * (h34 * p8 + h43 * p7 * rx1 - p10 * p3) + p17
            jd1_b_b = gd_y * (h37 * p13 + p12 * p17 + p16 * p5) - h37 * rx1
            jd1_b = jd1_b_a + jd1_b_b
            jd1 = jd1_a * jd1_b
            jd1_64 = float(jd1) if okd else 0.0
            jd2_a = s_D
            jd2_b_a = gd_x * (h38 * p8 + h44 * p7 * rx1 - p11 * p3) + p19
            jd2_b_b = gd_y * (h41 * p13 + p12 * p19 + p18 * p5) - h41 * rx1
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


@cuda.jit(cache=True, fastmath=True)
def _residuals_depth(h, points, depth, resid):
    """Depth residual ``D_t - Z'`` of every point (float type of ``points``), NaN where none."""
    T = points.dtype.type
    img = depth
    height = depth.shape[0]
    width = depth.shape[1]
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
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = Z * h8
        p1 = X * h9 + Y * h10 + h4 * p0 + t3
        p2 = T(1.0) / p1
        p3 = X * h11 + Y * h12 + Z * h3 + t1
        p4 = X * h13 + Y * h14 + h15 * p0 + t2
        u = cx + fx * p2 * p3
        v = cy + fy * p2 * p4
        if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
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
        n_D_a = (fx * gd_x * p3 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p3 + fy * gd_y * p4 + p1 * p1)
        n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
        n_D = n_D_a + n_D_b
        s_D = T(1.0) / math.sqrt(n_D)
        resid[i] = s_D * (D_t - p1)


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
        h3 = T(h[pair, 0])  # math.sin(r2)
        h4 = T(h[pair, 1])  # math.cos(r1)
        h8 = T(h[pair, 2])  # math.cos(r2)
        h9 = T(h[pair, 3])  # -h3 * h4 * math.cos(r3) + math.sin(r1) * math.sin(r3)
        h10 = T(h[pair, 4])  # h3 * h4 * math.sin(r3) + math.sin(r1) * math.cos(r3)
        h11 = T(h[pair, 5])  # h8 * math.cos(r3)
        h12 = T(h[pair, 6])  # -h8 * math.sin(r3)
        h13 = T(h[pair, 7])  # h3 * math.sin(r1) * math.cos(r3) + h4 * math.sin(r3)
        h14 = T(h[pair, 8])  # -h3 * math.sin(r1) * math.sin(r3) + h4 * math.cos(r3)
        h15 = T(h[pair, 9])  # -math.sin(r1)
        t1 = T(h[pair, 10])
        t2 = T(h[pair, 11])
        t3 = T(h[pair, 12])
        fx = T(h[pair, 13])
        fy = T(h[pair, 14])
        cx = T(h[pair, 15])
        cy = T(h[pair, 16])
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = Z * h8
            p1 = X * h9 + Y * h10 + h4 * p0 + t3
            p2 = T(1.0) / p1
            p3 = X * h11 + Y * h12 + Z * h3 + t1
            p4 = X * h13 + Y * h14 + h15 * p0 + t2
            u = cx + fx * p2 * p3
            v = cy + fy * p2 * p4
            if not (p1 > T(0.0) and math.isfinite(u) and math.isfinite(v)):
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
            n_D_a = (fx * gd_x * p3 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p3 + fy * gd_y * p4 + p1 * p1)
            n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
            n_D = n_D_a + n_D_b
            s_D = T(1.0) / math.sqrt(n_D)
            out[pair, _k] = s_D * (D_t - p1)


def residual_sample_depth(h, points, depth, starts, steps, counts, out, stream=0):
    """Depth residuals of a strided sample of every pair's points into ``out`` (device arrays; nothing copied).

    As ``residual_sample``, with ``h`` (B, n) rows of ``_hoist_residuals_depth`` (warp parameters
    only) and ``depth`` (B, H, W, 3) the targets' depth stacks; NaN where a point has no depth residual.
    """
    launch_sample(_residual_sample_depth, (h, points, depth, starts, steps, counts, out), stream)


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_depth_device(params, constants, out):
    """``_hoist_normal_equations_depth(params, constants)`` into ``out[0:29]`` (device, float64)."""
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
    h42 = -h27
    h43 = -h37
    h44 = -h41
    h45 = -h9
    h46 = -h3
    out[0] = h0
    out[1] = h2
    out[2] = h6
    out[3] = h8
    out[4] = h12
    out[5] = h15
    out[6] = h17
    out[7] = h18
    out[8] = h21
    out[9] = h23
    out[10] = h27
    out[11] = h34
    out[12] = h36
    out[13] = h37
    out[14] = h38
    out[15] = h40
    out[16] = h41
    out[17] = h42
    out[18] = h43
    out[19] = h44
    out[20] = h45
    out[21] = h46
    out[22] = t1
    out[23] = t2
    out[24] = t3
    out[25] = fx
    out[26] = fy
    out[27] = cx
    out[28] = cy


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_depth_brightness_device(params, constants, out):
    """``_hoist_normal_equations_depth_brightness(params, constants)`` into ``out[0:31]`` (device, float64)."""
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
    h42 = -h27
    h43 = -h37
    h44 = -h41
    h45 = -h9
    h46 = -h3
    q0 = -math.exp(a)
    q1 = -b
    out[0] = h0
    out[1] = h2
    out[2] = h6
    out[3] = h8
    out[4] = h12
    out[5] = h15
    out[6] = h17
    out[7] = h18
    out[8] = h21
    out[9] = h23
    out[10] = h27
    out[11] = h34
    out[12] = h36
    out[13] = h37
    out[14] = h38
    out[15] = h40
    out[16] = h41
    out[17] = h42
    out[18] = h43
    out[19] = h44
    out[20] = h45
    out[21] = h46
    out[22] = t1
    out[23] = t2
    out[24] = t3
    out[25] = fx
    out[26] = fy
    out[27] = cx
    out[28] = cy
    out[29] = q0
    out[30] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_depth_device(params, constants, out):
    """``_hoist_residuals_depth(params, constants)`` into ``out[0:17]`` (device, float64)."""
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
