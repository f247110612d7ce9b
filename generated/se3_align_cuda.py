# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: se3 (symbolic hash be1faa1dcc3e4234)
#   T = exp(xi^), xi = (omega, v) = (r1, r2, r3, t1, t2, t3); pinhole projection
# content hash: sha256:016431841e8e7cb5f694a88115085c5e   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _normal_equations                                212         43        0         43
#   _normal_equations_brightness                     212         43        0         43
#   _residuals                                        36         25        0         25
#   _normal_equations_depth                          269         45        0         45
#   _normal_equations_depth_brightness               269         45        0         45
#   _residuals_depth                                  54         25        0         25
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``se3`` model for the Numba CUDA target.

Warp + bilinear sample + residual + robust weight + J^T W J / J^T W r into float64 sums
(forward compositional, T <- pose(delta) T).
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
    "model": "se3",
    "target": "cuda",
    "params": ("r1", "r2", "r3", "t1", "t2", "t3"),
    "brightness_params": ("a", "b"),
    "point": ("X", "Y", "Z"),
    "constants": ("fx", "fy", "cx", "cy"),
    "positive_constants": ("fx", "fy"),
    "kernel_constants": (
        "fx",
        "fy",
        "cx",
        "cy",
        "m00",
        "m01",
        "m02",
        "m03",
        "m10",
        "m11",
        "m12",
        "m13",
        "m20",
        "m21",
        "m22",
        "m23",
    ),
    "update": "compositional",
    "parameterisation": "twist",
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
        "normal_equations": 16,
        "normal_equations_brightness": 18,
        "residuals": 18,
        "normal_equations_depth": 16,
        "normal_equations_depth_brightness": 18,
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
    x9 = r2 * x4
    x10 = r1 * x9
    x11 = r2 * x7
    x12 = r3 * x4
    x13 = r1 * x12
    x14 = x1 * x4
    x15 = r1 * x7
    x16 = phi(3, x3)
    x17 = x0 * x16
    x18 = x16 * x2 - 1.0
    x19 = r1 * x16
    x20 = r2 * x19
    x21 = r3 * x19
    x22 = x1 * x16
    x23 = r1 * x4
    out = np.empty((4, 4))
    out[0, 0] = -x5 - x6
    out[0, 1] = x10 - x8
    out[0, 2] = x11 + x13
    out[1, 0] = x10 + x8
    out[1, 1] = -x14 - x6
    out[1, 2] = r2 * r3 * x4 - x15
    out[2, 0] = -x11 + x13
    out[2, 1] = r2 * x12 + x15
    out[2, 2] = -x14 - x5 + 1.0
    out[0, 3] = t1 * (-x17 - x18) + t2 * (-x12 + x20) + t3 * (x21 + x9)
    out[1, 3] = t1 * (x12 + x20) + t2 * (-x18 - x22) + t3 * (r2 * r3 * x16 - x23)
    out[2, 3] = t1 * (x21 - x9) + t2 * (r2 * r3 * x16 + x23) + t3 * (-x17 - x22 + 1.0)
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
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23])


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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
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
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = X * m10 + Y * m11 + Z * m12 + m13
            p5 = fy * p2
            p6 = -p4
            p7 = p2 * p2
            p8 = fx * p7
            p9 = p0 * p8
            p10 = fy * p4 * p7
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
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p9 - g_y * p10
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
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23, q0, q1])


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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
        q0 = T(h[pair, 16])  # -math.exp(a)
        q1 = T(h[pair, 17])  # -b
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
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = X * m10 + Y * m11 + Z * m12 + m13
            p5 = fy * p2
            p6 = -p4
            p7 = p2 * p2
            p8 = fx * p7
            p9 = p0 * p8
            p10 = fy * p4 * p7
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
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p9 - g_y * p10
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
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23, q0, q1])


@cuda.jit(cache=True, fastmath=True)
def _residuals(h, points, iref, tgt, resid):
    """Residual of every point (float type of ``points``), NaN behind the camera or outside ``tgt``."""
    T = points.dtype.type
    img = tgt
    height = tgt.shape[0]
    width = tgt.shape[1]
    fx = T(h[0])
    fy = T(h[1])
    cx = T(h[2])
    cy = T(h[3])
    m00 = T(h[4])
    m01 = T(h[5])
    m02 = T(h[6])
    m03 = T(h[7])
    m10 = T(h[8])
    m11 = T(h[9])
    m12 = T(h[10])
    m13 = T(h[11])
    m20 = T(h[12])
    m21 = T(h[13])
    m22 = T(h[14])
    m23 = T(h[15])
    q0 = T(h[16])  # -math.exp(a)
    q1 = T(h[17])  # -b
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m20 + Y * m21 + Z * m22 + m23
        p1 = T(1.0) / p0
        u = cx + fx * p1 * (X * m00 + Y * m01 + Z * m02 + m03)
        v = cy + fy * p1 * (X * m10 + Y * m11 + Z * m12 + m13)
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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
        q0 = T(h[pair, 16])  # -math.exp(a)
        q1 = T(h[pair, 17])  # -b
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m20 + Y * m21 + Z * m22 + m23
            p1 = T(1.0) / p0
            u = cx + fx * p1 * (X * m00 + Y * m01 + Z * m02 + m03)
            v = cy + fy * p1 * (X * m10 + Y * m11 + Z * m12 + m13)
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
    x9 = r2 * x4
    x10 = r1 * x9
    x11 = r2 * x7
    x12 = r3 * x4
    x13 = r1 * x12
    x14 = x1 * x4
    x15 = r1 * x7
    x16 = phi_device(3, x3)
    x17 = x0 * x16
    x18 = x16 * x2 - 1.0
    x19 = r1 * x16
    x20 = r2 * x19
    x21 = r3 * x19
    x22 = x1 * x16
    x23 = r1 * x4
    out[0] = -x5 - x6
    out[1] = x10 - x8
    out[2] = x11 + x13
    out[3] = t1 * (-x17 - x18) + t2 * (-x12 + x20) + t3 * (x21 + x9)
    out[4] = x10 + x8
    out[5] = -x14 - x6
    out[6] = r2 * r3 * x4 - x15
    out[7] = t1 * (x12 + x20) + t2 * (-x18 - x22) + t3 * (r2 * r3 * x16 - x23)
    out[8] = -x11 + x13
    out[9] = r2 * x12 + x15
    out[10] = -x14 - x5 + 1.0
    out[11] = t1 * (x21 - x9) + t2 * (r2 * r3 * x16 + x23) + t3 * (-x17 - x22 + 1.0)


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_device(params, constants, out):
    """``_hoist_normal_equations(params, constants)`` into ``out[0:16]`` (device, float64)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_brightness_device(params, constants, out):
    """``_hoist_normal_equations_brightness(params, constants)`` into ``out[0:18]`` (device, float64)."""
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23
    out[16] = q0
    out[17] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_device(params, constants, out):
    """``_hoist_residuals(params, constants)`` into ``out[0:18]`` (device, float64)."""
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23
    out[16] = q0
    out[17] = q1


@cuda.jit(device=True, inline=True)
def params_from_pose_device(T, out):
    """Parameters (twist) of the pose ``T`` (3 x 4 ``[R t]`` row-major) into ``out``."""
    pose_params_device(0, T, out)


@njit(cache=True)
def _hoist_normal_equations_depth(params, constants):
    """What ``_normal_equations_depth`` reads: its parameter-only values (float64, once per call)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23])


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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
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
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = X * m10 + Y * m11 + Z * m12 + m13
            p5 = fy * p2
            p6 = -p4
            p7 = p2 * p2
            p8 = fx * p7
            p9 = p0 * p8
            p10 = -p1
            p11 = fy * p4 * p7
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
            j0 = g_x * p6 * p9 + g_y * (p10 * p5 + p11 * p6)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p11
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p9 - g_y * p11
            j5_64 = float(j5) if ok else 0.0
            n_D_a = (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1) * (fx * gd_x * p0 + fy * gd_y * p4 + p1 * p1)
            n_D_b = (fx * fx) * (gd_x * gd_x) * (p1 * p1) + (fy * fy) * (gd_y * gd_y) * (p1 * p1)
            n_D = n_D_a + n_D_b
            s_D = T(1.0) / math.sqrt(n_D)
            resd = s_D * (D_t - p1)
            rd64 = float(resd) if okd else 0.0
            jd0 = s_D * (gd_x * p6 * p9 + gd_y * (p10 * p5 + p11 * p6) - p4)
            jd0_64 = float(jd0) if okd else 0.0
            jd1 = s_D * (gd_x * (fx + (p0 * p0) * p8) + gd_y * p0 * p11 + p0)
            jd1_64 = float(jd1) if okd else 0.0
            jd2 = s_D * (gd_x * p3 * p6 + gd_y * p0 * p5)
            jd2_64 = float(jd2) if okd else 0.0
            jd3 = gd_x * p3 * s_D
            jd3_64 = float(jd3) if okd else 0.0
            jd4 = gd_y * p5 * s_D
            jd4_64 = float(jd4) if okd else 0.0
            jd5 = s_D * (-gd_x * p9 - gd_y * p11 + T(-1.0))
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
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23, q0, q1])


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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
        q0 = T(h[pair, 16])  # -math.exp(a)
        q1 = T(h[pair, 17])  # -b
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
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = X * m10 + Y * m11 + Z * m12 + m13
            p5 = fy * p2
            p6 = -p4
            p7 = p2 * p2
            p8 = fx * p7
            p9 = p0 * p8
            p10 = -p1
            p11 = fy * p4 * p7
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
            j0 = g_x * p6 * p9 + g_y * (p10 * p5 + p11 * p6)
            j0_64 = float(j0) if ok else 0.0
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p11
            j1_64 = float(j1) if ok else 0.0
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j2_64 = float(j2) if ok else 0.0
            j3 = g_x * p3
            j3_64 = float(j3) if ok else 0.0
            j4 = g_y * p5
            j4_64 = float(j4) if ok else 0.0
            j5 = -g_x * p9 - g_y * p11
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
            jd0 = s_D * (gd_x * p6 * p9 + gd_y * (p10 * p5 + p11 * p6) - p4)
            jd0_64 = float(jd0) if okd else 0.0
            jd1 = s_D * (gd_x * (fx + (p0 * p0) * p8) + gd_y * p0 * p11 + p0)
            jd1_64 = float(jd1) if okd else 0.0
            jd2 = s_D * (gd_x * p3 * p6 + gd_y * p0 * p5)
            jd2_64 = float(jd2) if okd else 0.0
            jd3 = gd_x * p3 * s_D
            jd3_64 = float(jd3) if okd else 0.0
            jd4 = gd_y * p5 * s_D
            jd4_64 = float(jd4) if okd else 0.0
            jd5 = s_D * (-gd_x * p9 - gd_y * p11 + T(-1.0))
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
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    return np.array([fx, fy, cx, cy, m00, m01, m02, m03, m10, m11, m12, m13, m20, m21, m22, m23])


@cuda.jit(cache=True, fastmath=True)
def _residuals_depth(h, points, depth, resid):
    """Depth residual ``D_t - Z'`` of every point (float type of ``points``), NaN where none."""
    T = points.dtype.type
    img = depth
    height = depth.shape[0]
    width = depth.shape[1]
    fx = T(h[0])
    fy = T(h[1])
    cx = T(h[2])
    cy = T(h[3])
    m00 = T(h[4])
    m01 = T(h[5])
    m02 = T(h[6])
    m03 = T(h[7])
    m10 = T(h[8])
    m11 = T(h[9])
    m12 = T(h[10])
    m13 = T(h[11])
    m20 = T(h[12])
    m21 = T(h[13])
    m22 = T(h[14])
    m23 = T(h[15])
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m20 + Y * m21 + Z * m22 + m23
        p1 = T(1.0) / p0
        p2 = X * m00 + Y * m01 + Z * m02 + m03
        p3 = X * m10 + Y * m11 + Z * m12 + m13
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
        fx = T(h[pair, 0])
        fy = T(h[pair, 1])
        cx = T(h[pair, 2])
        cy = T(h[pair, 3])
        m00 = T(h[pair, 4])
        m01 = T(h[pair, 5])
        m02 = T(h[pair, 6])
        m03 = T(h[pair, 7])
        m10 = T(h[pair, 8])
        m11 = T(h[pair, 9])
        m12 = T(h[pair, 10])
        m13 = T(h[pair, 11])
        m20 = T(h[pair, 12])
        m21 = T(h[pair, 13])
        m22 = T(h[pair, 14])
        m23 = T(h[pair, 15])
        _count = min(counts[pair], out.shape[1])
        for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):
            i = starts[pair] + _k * steps[pair]
            out[pair, _k] = math.nan
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m20 + Y * m21 + Z * m22 + m23
            p1 = T(1.0) / p0
            p2 = X * m00 + Y * m01 + Z * m02 + m03
            p3 = X * m10 + Y * m11 + Z * m12 + m13
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
    """``_hoist_normal_equations_depth(params, constants)`` into ``out[0:16]`` (device, float64)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23


@cuda.jit(device=True, inline=True)
def _hoist_normal_equations_depth_brightness_device(params, constants, out):
    """``_hoist_normal_equations_depth_brightness(params, constants)`` into ``out[0:18]`` (device, float64)."""
    a = params[6]
    b = params[7]
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    q0 = -math.exp(a)
    q1 = -b
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23
    out[16] = q0
    out[17] = q1


@cuda.jit(device=True, inline=True)
def _hoist_residuals_depth_device(params, constants, out):
    """``_hoist_residuals_depth(params, constants)`` into ``out[0:16]`` (device, float64)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    m00 = constants[4]
    m01 = constants[5]
    m02 = constants[6]
    m03 = constants[7]
    m10 = constants[8]
    m11 = constants[9]
    m12 = constants[10]
    m13 = constants[11]
    m20 = constants[12]
    m21 = constants[13]
    m22 = constants[14]
    m23 = constants[15]
    out[0] = fx
    out[1] = fy
    out[2] = cx
    out[3] = cy
    out[4] = m00
    out[5] = m01
    out[6] = m02
    out[7] = m03
    out[8] = m10
    out[9] = m11
    out[10] = m12
    out[11] = m13
    out[12] = m20
    out[13] = m21
    out[14] = m22
    out[15] = m23
