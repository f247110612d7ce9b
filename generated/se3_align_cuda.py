# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: se3 (symbolic hash be1faa1dcc3e4234), composed with the current pose (forward compositional)
# fused: warp + bilinear sample + residual + robust weight + J^T W J / J^T W r, float64 accumulators
# content hash: sha256:cc9a5524277651e40dcc15dbed3b247f
# warp part (sympy count_ops): before cse 212, after cse 43, hoisted 0, per point 43
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``se3`` warp for the Numba CUDA target."""

import math

import numpy as np
from numba import cuda, float64, njit

MODEL = "se3"
TARGET = "cuda"
COMPOSITIONAL = True
PARAMS = ("r1", "r2", "r3", "t1", "t2", "t3")
CONSTANTS = ("fx", "fy", "cx", "cy", "m00", "m01", "m02", "m03", "m10", "m11", "m12", "m13", "m20", "m21", "m22", "m23")
LOSSES = ("l2", "huber", "tukey", "cauchy")
ACCUMULATORS_6 = {"H": 0, "g": 21, "cost": 27, "n_used": 28, "n_behind": 29, "n_outside": 30, "size": 31}
ACCUMULATORS_8 = {"H": 0, "g": 36, "cost": 44, "n_used": 45, "n_behind": 46, "n_outside": 47, "size": 48}
_F32 = np.float32
_F64 = np.float64
THREADS_PER_BLOCK = 256
MAX_BLOCKS = 4096


@cuda.jit(device=True, inline=True)
def _robust_l2(r, k):
    """IRLS weight and rho(r) of the l2 loss, scale k."""
    return 1.0, 0.5 * r * r


@cuda.jit(device=True, inline=True)
def _robust_huber(r, k):
    """IRLS weight and rho(r) of the huber loss, scale k."""
    a = abs(r)
    return k / max(a, k), 0.5 * r * r if a <= k else k * (a - 0.5 * k)


@cuda.jit(device=True, inline=True)
def _robust_tukey(r, k):
    """IRLS weight and rho(r) of the tukey loss, scale k."""
    u = max(1.0 - (r / k) * (r / k), 0.0)
    return u * u, k * k / 6.0 * (1.0 - u * u * u)


@cuda.jit(device=True, inline=True)
def _robust_cauchy(r, k):
    """IRLS weight and rho(r) of the cauchy loss, scale k."""
    z = (r / k) * (r / k)
    return 1.0 / (1.0 + z), 0.5 * k * k * math.log1p(z)


@cuda.jit(device=True, inline=True)
def _robust(r, loss_id, k):
    """IRLS weight and rho(r) of loss ``LOSSES[loss_id]`` ('l2', 'huber', 'tukey', 'cauchy'), scale k."""
    if loss_id == 0:
        return _robust_l2(r, k)
    if loss_id == 1:
        return _robust_huber(r, k)
    if loss_id == 2:
        return _robust_tukey(r, k)
    return _robust_cauchy(r, k)


@njit(cache=True)
def _hoist_normal_equations(params, constants):
    """Parameter-only terms of ``warp_jacobian_at_zero`` (float64, once per call)."""
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
    out = np.empty(16)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_f32(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    fx = _F32(h[0])
    fy = _F32(h[1])
    cx = _F32(h[2])
    cy = _F32(h[3])
    m00 = _F32(h[4])
    m01 = _F32(h[5])
    m02 = _F32(h[6])
    m03 = _F32(h[7])
    m10 = _F32(h[8])
    m11 = _F32(h[9])
    m12 = _F32(h[10])
    m13 = _F32(h[11])
    m20 = _F32(h[12])
    m21 = _F32(h[13])
    m22 = _F32(h[14])
    m23 = _F32(h[15])
    n = points.shape[0]
    height = tgt.shape[0]
    width = tgt.shape[1]
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    acc3 = 0.0
    acc4 = 0.0
    acc5 = 0.0
    acc6 = 0.0
    acc7 = 0.0
    acc8 = 0.0
    acc9 = 0.0
    acc10 = 0.0
    acc11 = 0.0
    acc12 = 0.0
    acc13 = 0.0
    acc14 = 0.0
    acc15 = 0.0
    acc16 = 0.0
    acc17 = 0.0
    acc18 = 0.0
    acc19 = 0.0
    acc20 = 0.0
    acc21 = 0.0
    acc22 = 0.0
    acc23 = 0.0
    acc24 = 0.0
    acc25 = 0.0
    acc26 = 0.0
    acc27 = 0.0
    acc28 = 0.0
    n_behind = 0
    n_outside = 0
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m00 + Y * m01 + Z * m02 + m03
        p1 = X * m20 + Y * m21 + Z * m22 + m23
        p2 = _F32(1.0) / p1
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
        if not (p1 > _F32(0.0) and math.isfinite(u) and math.isfinite(v)):
            n_behind += 1
            continue
        if not (u >= _F32(-0.5) and v >= _F32(-0.5) and u <= width - _F32(0.5) and v <= height - _F32(0.5)):
            n_outside += 1
            continue
        uc = min(max(u, _F32(0.0)), _F32(width - 1))
        vc = min(max(v, _F32(0.0)), _F32(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F32(x0)
        ay = vc - _F32(y0)
        w00 = (_F32(1.0) - ax) * (_F32(1.0) - ay)
        w01 = ax * (_F32(1.0) - ay)
        w10 = (_F32(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        g_x = w00 * tgt[y0, x0, 1] + w01 * tgt[y0, x0 + 1, 1]
        g_x += w10 * tgt[y0 + 1, x0, 1] + w11 * tgt[y0 + 1, x0 + 1, 1]
        g_y = w00 * tgt[y0, x0, 2] + w01 * tgt[y0, x0 + 1, 2]
        g_y += w10 * tgt[y0 + 1, x0, 2] + w11 * tgt[y0 + 1, x0 + 1, 2]
        I_ref = iref[i]
        res = -I_ref + I_t
        j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
        j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
        j2 = g_x * p3 * p6 + g_y * p0 * p5
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p9 - g_y * p10
        wt, rho = _robust(_F64(res), loss_id, loss_scale)
        wj0 = wt * _F64(j0)
        wj1 = wt * _F64(j1)
        wj2 = wt * _F64(j2)
        wj3 = wt * _F64(j3)
        wj4 = wt * _F64(j4)
        wj5 = wt * _F64(j5)
        acc0 += wj0 * _F64(j0)
        acc1 += wj0 * _F64(j1)
        acc2 += wj0 * _F64(j2)
        acc3 += wj0 * _F64(j3)
        acc4 += wj0 * _F64(j4)
        acc5 += wj0 * _F64(j5)
        acc6 += wj1 * _F64(j1)
        acc7 += wj1 * _F64(j2)
        acc8 += wj1 * _F64(j3)
        acc9 += wj1 * _F64(j4)
        acc10 += wj1 * _F64(j5)
        acc11 += wj2 * _F64(j2)
        acc12 += wj2 * _F64(j3)
        acc13 += wj2 * _F64(j4)
        acc14 += wj2 * _F64(j5)
        acc15 += wj3 * _F64(j3)
        acc16 += wj3 * _F64(j4)
        acc17 += wj3 * _F64(j5)
        acc18 += wj4 * _F64(j4)
        acc19 += wj4 * _F64(j5)
        acc20 += wj5 * _F64(j5)
        acc21 += wj0 * _F64(res)
        acc22 += wj1 * _F64(res)
        acc23 += wj2 * _F64(res)
        acc24 += wj3 * _F64(res)
        acc25 += wj4 * _F64(res)
        acc26 += wj5 * _F64(res)
        acc27 += rho
        acc28 += 1.0
    shared[0, tid] = acc0
    shared[1, tid] = acc1
    shared[2, tid] = acc2
    shared[3, tid] = acc3
    shared[4, tid] = acc4
    shared[5, tid] = acc5
    shared[6, tid] = acc6
    shared[7, tid] = acc7
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 0 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc8
    shared[1, tid] = acc9
    shared[2, tid] = acc10
    shared[3, tid] = acc11
    shared[4, tid] = acc12
    shared[5, tid] = acc13
    shared[6, tid] = acc14
    shared[7, tid] = acc15
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 8 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc16
    shared[1, tid] = acc17
    shared[2, tid] = acc18
    shared[3, tid] = acc19
    shared[4, tid] = acc20
    shared[5, tid] = acc21
    shared[6, tid] = acc22
    shared[7, tid] = acc23
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 16 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc24
    shared[1, tid] = acc25
    shared[2, tid] = acc26
    shared[3, tid] = acc27
    shared[4, tid] = acc28
    shared[5, tid] = _F64(n_behind)
    shared[6, tid] = _F64(n_outside)
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(7):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 7:
        cuda.atomic.add(out, 24 + tid, shared[tid, 0])
    cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_f64(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    fx = _F64(h[0])
    fy = _F64(h[1])
    cx = _F64(h[2])
    cy = _F64(h[3])
    m00 = _F64(h[4])
    m01 = _F64(h[5])
    m02 = _F64(h[6])
    m03 = _F64(h[7])
    m10 = _F64(h[8])
    m11 = _F64(h[9])
    m12 = _F64(h[10])
    m13 = _F64(h[11])
    m20 = _F64(h[12])
    m21 = _F64(h[13])
    m22 = _F64(h[14])
    m23 = _F64(h[15])
    n = points.shape[0]
    height = tgt.shape[0]
    width = tgt.shape[1]
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    acc3 = 0.0
    acc4 = 0.0
    acc5 = 0.0
    acc6 = 0.0
    acc7 = 0.0
    acc8 = 0.0
    acc9 = 0.0
    acc10 = 0.0
    acc11 = 0.0
    acc12 = 0.0
    acc13 = 0.0
    acc14 = 0.0
    acc15 = 0.0
    acc16 = 0.0
    acc17 = 0.0
    acc18 = 0.0
    acc19 = 0.0
    acc20 = 0.0
    acc21 = 0.0
    acc22 = 0.0
    acc23 = 0.0
    acc24 = 0.0
    acc25 = 0.0
    acc26 = 0.0
    acc27 = 0.0
    acc28 = 0.0
    n_behind = 0
    n_outside = 0
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m00 + Y * m01 + Z * m02 + m03
        p1 = X * m20 + Y * m21 + Z * m22 + m23
        p2 = _F64(1.0) / p1
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
        if not (p1 > _F64(0.0) and math.isfinite(u) and math.isfinite(v)):
            n_behind += 1
            continue
        if not (u >= _F64(-0.5) and v >= _F64(-0.5) and u <= width - _F64(0.5) and v <= height - _F64(0.5)):
            n_outside += 1
            continue
        uc = min(max(u, _F64(0.0)), _F64(width - 1))
        vc = min(max(v, _F64(0.0)), _F64(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F64(x0)
        ay = vc - _F64(y0)
        w00 = (_F64(1.0) - ax) * (_F64(1.0) - ay)
        w01 = ax * (_F64(1.0) - ay)
        w10 = (_F64(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        g_x = w00 * tgt[y0, x0, 1] + w01 * tgt[y0, x0 + 1, 1]
        g_x += w10 * tgt[y0 + 1, x0, 1] + w11 * tgt[y0 + 1, x0 + 1, 1]
        g_y = w00 * tgt[y0, x0, 2] + w01 * tgt[y0, x0 + 1, 2]
        g_y += w10 * tgt[y0 + 1, x0, 2] + w11 * tgt[y0 + 1, x0 + 1, 2]
        I_ref = iref[i]
        res = -I_ref + I_t
        j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
        j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
        j2 = g_x * p3 * p6 + g_y * p0 * p5
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p9 - g_y * p10
        wt, rho = _robust(_F64(res), loss_id, loss_scale)
        wj0 = wt * _F64(j0)
        wj1 = wt * _F64(j1)
        wj2 = wt * _F64(j2)
        wj3 = wt * _F64(j3)
        wj4 = wt * _F64(j4)
        wj5 = wt * _F64(j5)
        acc0 += wj0 * _F64(j0)
        acc1 += wj0 * _F64(j1)
        acc2 += wj0 * _F64(j2)
        acc3 += wj0 * _F64(j3)
        acc4 += wj0 * _F64(j4)
        acc5 += wj0 * _F64(j5)
        acc6 += wj1 * _F64(j1)
        acc7 += wj1 * _F64(j2)
        acc8 += wj1 * _F64(j3)
        acc9 += wj1 * _F64(j4)
        acc10 += wj1 * _F64(j5)
        acc11 += wj2 * _F64(j2)
        acc12 += wj2 * _F64(j3)
        acc13 += wj2 * _F64(j4)
        acc14 += wj2 * _F64(j5)
        acc15 += wj3 * _F64(j3)
        acc16 += wj3 * _F64(j4)
        acc17 += wj3 * _F64(j5)
        acc18 += wj4 * _F64(j4)
        acc19 += wj4 * _F64(j5)
        acc20 += wj5 * _F64(j5)
        acc21 += wj0 * _F64(res)
        acc22 += wj1 * _F64(res)
        acc23 += wj2 * _F64(res)
        acc24 += wj3 * _F64(res)
        acc25 += wj4 * _F64(res)
        acc26 += wj5 * _F64(res)
        acc27 += rho
        acc28 += 1.0
    shared[0, tid] = acc0
    shared[1, tid] = acc1
    shared[2, tid] = acc2
    shared[3, tid] = acc3
    shared[4, tid] = acc4
    shared[5, tid] = acc5
    shared[6, tid] = acc6
    shared[7, tid] = acc7
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 0 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc8
    shared[1, tid] = acc9
    shared[2, tid] = acc10
    shared[3, tid] = acc11
    shared[4, tid] = acc12
    shared[5, tid] = acc13
    shared[6, tid] = acc14
    shared[7, tid] = acc15
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 8 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc16
    shared[1, tid] = acc17
    shared[2, tid] = acc18
    shared[3, tid] = acc19
    shared[4, tid] = acc20
    shared[5, tid] = acc21
    shared[6, tid] = acc22
    shared[7, tid] = acc23
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 16 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc24
    shared[1, tid] = acc25
    shared[2, tid] = acc26
    shared[3, tid] = acc27
    shared[4, tid] = acc28
    shared[5, tid] = _F64(n_behind)
    shared[6, tid] = _F64(n_outside)
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(7):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 7:
        cuda.atomic.add(out, 24 + tid, shared[tid, 0])
    cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_batch_f32(h, points, iref, tgt, tiles, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        img = tgt[pair]
        scale = loss_scale[pair]
        fx = _F32(h[pair, 0])
        fy = _F32(h[pair, 1])
        cx = _F32(h[pair, 2])
        cy = _F32(h[pair, 3])
        m00 = _F32(h[pair, 4])
        m01 = _F32(h[pair, 5])
        m02 = _F32(h[pair, 6])
        m03 = _F32(h[pair, 7])
        m10 = _F32(h[pair, 8])
        m11 = _F32(h[pair, 9])
        m12 = _F32(h[pair, 10])
        m13 = _F32(h[pair, 11])
        m20 = _F32(h[pair, 12])
        m21 = _F32(h[pair, 13])
        m22 = _F32(h[pair, 14])
        m23 = _F32(h[pair, 15])
        acc0 = 0.0
        acc1 = 0.0
        acc2 = 0.0
        acc3 = 0.0
        acc4 = 0.0
        acc5 = 0.0
        acc6 = 0.0
        acc7 = 0.0
        acc8 = 0.0
        acc9 = 0.0
        acc10 = 0.0
        acc11 = 0.0
        acc12 = 0.0
        acc13 = 0.0
        acc14 = 0.0
        acc15 = 0.0
        acc16 = 0.0
        acc17 = 0.0
        acc18 = 0.0
        acc19 = 0.0
        acc20 = 0.0
        acc21 = 0.0
        acc22 = 0.0
        acc23 = 0.0
        acc24 = 0.0
        acc25 = 0.0
        acc26 = 0.0
        acc27 = 0.0
        acc28 = 0.0
        n_behind = 0
        n_outside = 0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = _F32(1.0) / p1
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
            if not (p1 > _F32(0.0) and math.isfinite(u) and math.isfinite(v)):
                n_behind += 1
                continue
            if not (u >= _F32(-0.5) and v >= _F32(-0.5) and u <= width - _F32(0.5) and v <= height - _F32(0.5)):
                n_outside += 1
                continue
            uc = min(max(u, _F32(0.0)), _F32(width - 1))
            vc = min(max(v, _F32(0.0)), _F32(height - 1))
            x0 = min(int(uc), width - 2)
            y0 = min(int(vc), height - 2)
            ax = uc - _F32(x0)
            ay = vc - _F32(y0)
            w00 = (_F32(1.0) - ax) * (_F32(1.0) - ay)
            w01 = ax * (_F32(1.0) - ay)
            w10 = (_F32(1.0) - ax) * ay
            w11 = ax * ay
            I_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
            I_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            res = -I_ref + I_t
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p9 - g_y * p10
            wt, rho = _robust(_F64(res), loss_id, scale)
            wj0 = wt * _F64(j0)
            wj1 = wt * _F64(j1)
            wj2 = wt * _F64(j2)
            wj3 = wt * _F64(j3)
            wj4 = wt * _F64(j4)
            wj5 = wt * _F64(j5)
            acc0 += wj0 * _F64(j0)
            acc1 += wj0 * _F64(j1)
            acc2 += wj0 * _F64(j2)
            acc3 += wj0 * _F64(j3)
            acc4 += wj0 * _F64(j4)
            acc5 += wj0 * _F64(j5)
            acc6 += wj1 * _F64(j1)
            acc7 += wj1 * _F64(j2)
            acc8 += wj1 * _F64(j3)
            acc9 += wj1 * _F64(j4)
            acc10 += wj1 * _F64(j5)
            acc11 += wj2 * _F64(j2)
            acc12 += wj2 * _F64(j3)
            acc13 += wj2 * _F64(j4)
            acc14 += wj2 * _F64(j5)
            acc15 += wj3 * _F64(j3)
            acc16 += wj3 * _F64(j4)
            acc17 += wj3 * _F64(j5)
            acc18 += wj4 * _F64(j4)
            acc19 += wj4 * _F64(j5)
            acc20 += wj5 * _F64(j5)
            acc21 += wj0 * _F64(res)
            acc22 += wj1 * _F64(res)
            acc23 += wj2 * _F64(res)
            acc24 += wj3 * _F64(res)
            acc25 += wj4 * _F64(res)
            acc26 += wj5 * _F64(res)
            acc27 += rho
            acc28 += 1.0
        shared[0, tid] = acc0
        shared[1, tid] = acc1
        shared[2, tid] = acc2
        shared[3, tid] = acc3
        shared[4, tid] = acc4
        shared[5, tid] = acc5
        shared[6, tid] = acc6
        shared[7, tid] = acc7
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 0 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc8
        shared[1, tid] = acc9
        shared[2, tid] = acc10
        shared[3, tid] = acc11
        shared[4, tid] = acc12
        shared[5, tid] = acc13
        shared[6, tid] = acc14
        shared[7, tid] = acc15
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 8 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc16
        shared[1, tid] = acc17
        shared[2, tid] = acc18
        shared[3, tid] = acc19
        shared[4, tid] = acc20
        shared[5, tid] = acc21
        shared[6, tid] = acc22
        shared[7, tid] = acc23
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 16 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc24
        shared[1, tid] = acc25
        shared[2, tid] = acc26
        shared[3, tid] = acc27
        shared[4, tid] = acc28
        shared[5, tid] = _F64(n_behind)
        shared[6, tid] = _F64(n_outside)
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(7):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 7:
            cuda.atomic.add(out, (pair, 24 + tid), shared[tid, 0])
        cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_batch_f64(h, points, iref, tgt, tiles, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        img = tgt[pair]
        scale = loss_scale[pair]
        fx = _F64(h[pair, 0])
        fy = _F64(h[pair, 1])
        cx = _F64(h[pair, 2])
        cy = _F64(h[pair, 3])
        m00 = _F64(h[pair, 4])
        m01 = _F64(h[pair, 5])
        m02 = _F64(h[pair, 6])
        m03 = _F64(h[pair, 7])
        m10 = _F64(h[pair, 8])
        m11 = _F64(h[pair, 9])
        m12 = _F64(h[pair, 10])
        m13 = _F64(h[pair, 11])
        m20 = _F64(h[pair, 12])
        m21 = _F64(h[pair, 13])
        m22 = _F64(h[pair, 14])
        m23 = _F64(h[pair, 15])
        acc0 = 0.0
        acc1 = 0.0
        acc2 = 0.0
        acc3 = 0.0
        acc4 = 0.0
        acc5 = 0.0
        acc6 = 0.0
        acc7 = 0.0
        acc8 = 0.0
        acc9 = 0.0
        acc10 = 0.0
        acc11 = 0.0
        acc12 = 0.0
        acc13 = 0.0
        acc14 = 0.0
        acc15 = 0.0
        acc16 = 0.0
        acc17 = 0.0
        acc18 = 0.0
        acc19 = 0.0
        acc20 = 0.0
        acc21 = 0.0
        acc22 = 0.0
        acc23 = 0.0
        acc24 = 0.0
        acc25 = 0.0
        acc26 = 0.0
        acc27 = 0.0
        acc28 = 0.0
        n_behind = 0
        n_outside = 0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = _F64(1.0) / p1
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
            if not (p1 > _F64(0.0) and math.isfinite(u) and math.isfinite(v)):
                n_behind += 1
                continue
            if not (u >= _F64(-0.5) and v >= _F64(-0.5) and u <= width - _F64(0.5) and v <= height - _F64(0.5)):
                n_outside += 1
                continue
            uc = min(max(u, _F64(0.0)), _F64(width - 1))
            vc = min(max(v, _F64(0.0)), _F64(height - 1))
            x0 = min(int(uc), width - 2)
            y0 = min(int(vc), height - 2)
            ax = uc - _F64(x0)
            ay = vc - _F64(y0)
            w00 = (_F64(1.0) - ax) * (_F64(1.0) - ay)
            w01 = ax * (_F64(1.0) - ay)
            w10 = (_F64(1.0) - ax) * ay
            w11 = ax * ay
            I_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
            I_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            res = -I_ref + I_t
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p9 - g_y * p10
            wt, rho = _robust(_F64(res), loss_id, scale)
            wj0 = wt * _F64(j0)
            wj1 = wt * _F64(j1)
            wj2 = wt * _F64(j2)
            wj3 = wt * _F64(j3)
            wj4 = wt * _F64(j4)
            wj5 = wt * _F64(j5)
            acc0 += wj0 * _F64(j0)
            acc1 += wj0 * _F64(j1)
            acc2 += wj0 * _F64(j2)
            acc3 += wj0 * _F64(j3)
            acc4 += wj0 * _F64(j4)
            acc5 += wj0 * _F64(j5)
            acc6 += wj1 * _F64(j1)
            acc7 += wj1 * _F64(j2)
            acc8 += wj1 * _F64(j3)
            acc9 += wj1 * _F64(j4)
            acc10 += wj1 * _F64(j5)
            acc11 += wj2 * _F64(j2)
            acc12 += wj2 * _F64(j3)
            acc13 += wj2 * _F64(j4)
            acc14 += wj2 * _F64(j5)
            acc15 += wj3 * _F64(j3)
            acc16 += wj3 * _F64(j4)
            acc17 += wj3 * _F64(j5)
            acc18 += wj4 * _F64(j4)
            acc19 += wj4 * _F64(j5)
            acc20 += wj5 * _F64(j5)
            acc21 += wj0 * _F64(res)
            acc22 += wj1 * _F64(res)
            acc23 += wj2 * _F64(res)
            acc24 += wj3 * _F64(res)
            acc25 += wj4 * _F64(res)
            acc26 += wj5 * _F64(res)
            acc27 += rho
            acc28 += 1.0
        shared[0, tid] = acc0
        shared[1, tid] = acc1
        shared[2, tid] = acc2
        shared[3, tid] = acc3
        shared[4, tid] = acc4
        shared[5, tid] = acc5
        shared[6, tid] = acc6
        shared[7, tid] = acc7
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 0 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc8
        shared[1, tid] = acc9
        shared[2, tid] = acc10
        shared[3, tid] = acc11
        shared[4, tid] = acc12
        shared[5, tid] = acc13
        shared[6, tid] = acc14
        shared[7, tid] = acc15
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 8 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc16
        shared[1, tid] = acc17
        shared[2, tid] = acc18
        shared[3, tid] = acc19
        shared[4, tid] = acc20
        shared[5, tid] = acc21
        shared[6, tid] = acc22
        shared[7, tid] = acc23
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 16 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc24
        shared[1, tid] = acc25
        shared[2, tid] = acc26
        shared[3, tid] = acc27
        shared[4, tid] = acc28
        shared[5, tid] = _F64(n_behind)
        shared[6, tid] = _F64(n_outside)
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(7):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 7:
            cuda.atomic.add(out, (pair, 24 + tid), shared[tid, 0])
        cuda.syncthreads()


@njit(cache=True)
def _hoist_normal_equations_brightness(params, constants):
    """Parameter-only terms of ``warp_jacobian_at_zero`` (float64, once per call)."""
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
    a = params[6]
    b = params[7]
    q0 = -math.exp(a)
    q1 = -b
    out = np.empty(18)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness_f32(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    fx = _F32(h[0])
    fy = _F32(h[1])
    cx = _F32(h[2])
    cy = _F32(h[3])
    m00 = _F32(h[4])
    m01 = _F32(h[5])
    m02 = _F32(h[6])
    m03 = _F32(h[7])
    m10 = _F32(h[8])
    m11 = _F32(h[9])
    m12 = _F32(h[10])
    m13 = _F32(h[11])
    m20 = _F32(h[12])
    m21 = _F32(h[13])
    m22 = _F32(h[14])
    m23 = _F32(h[15])
    q0 = _F32(h[16])
    q1 = _F32(h[17])
    n = points.shape[0]
    height = tgt.shape[0]
    width = tgt.shape[1]
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    acc3 = 0.0
    acc4 = 0.0
    acc5 = 0.0
    acc6 = 0.0
    acc7 = 0.0
    acc8 = 0.0
    acc9 = 0.0
    acc10 = 0.0
    acc11 = 0.0
    acc12 = 0.0
    acc13 = 0.0
    acc14 = 0.0
    acc15 = 0.0
    acc16 = 0.0
    acc17 = 0.0
    acc18 = 0.0
    acc19 = 0.0
    acc20 = 0.0
    acc21 = 0.0
    acc22 = 0.0
    acc23 = 0.0
    acc24 = 0.0
    acc25 = 0.0
    acc26 = 0.0
    acc27 = 0.0
    acc28 = 0.0
    acc29 = 0.0
    acc30 = 0.0
    acc31 = 0.0
    acc32 = 0.0
    acc33 = 0.0
    acc34 = 0.0
    acc35 = 0.0
    acc36 = 0.0
    acc37 = 0.0
    acc38 = 0.0
    acc39 = 0.0
    acc40 = 0.0
    acc41 = 0.0
    acc42 = 0.0
    acc43 = 0.0
    acc44 = 0.0
    acc45 = 0.0
    n_behind = 0
    n_outside = 0
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m00 + Y * m01 + Z * m02 + m03
        p1 = X * m20 + Y * m21 + Z * m22 + m23
        p2 = _F32(1.0) / p1
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
        if not (p1 > _F32(0.0) and math.isfinite(u) and math.isfinite(v)):
            n_behind += 1
            continue
        if not (u >= _F32(-0.5) and v >= _F32(-0.5) and u <= width - _F32(0.5) and v <= height - _F32(0.5)):
            n_outside += 1
            continue
        uc = min(max(u, _F32(0.0)), _F32(width - 1))
        vc = min(max(v, _F32(0.0)), _F32(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F32(x0)
        ay = vc - _F32(y0)
        w00 = (_F32(1.0) - ax) * (_F32(1.0) - ay)
        w01 = ax * (_F32(1.0) - ay)
        w10 = (_F32(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        g_x = w00 * tgt[y0, x0, 1] + w01 * tgt[y0, x0 + 1, 1]
        g_x += w10 * tgt[y0 + 1, x0, 1] + w11 * tgt[y0 + 1, x0 + 1, 1]
        g_y = w00 * tgt[y0, x0, 2] + w01 * tgt[y0, x0 + 1, 2]
        g_y += w10 * tgt[y0 + 1, x0, 2] + w11 * tgt[y0 + 1, x0 + 1, 2]
        I_ref = iref[i]
        res = I_ref * q0 + I_t + q1
        j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
        j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
        j2 = g_x * p3 * p6 + g_y * p0 * p5
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p9 - g_y * p10
        j6 = I_ref * q0
        j7 = _F32(-1.0)
        wt, rho = _robust(_F64(res), loss_id, loss_scale)
        wj0 = wt * _F64(j0)
        wj1 = wt * _F64(j1)
        wj2 = wt * _F64(j2)
        wj3 = wt * _F64(j3)
        wj4 = wt * _F64(j4)
        wj5 = wt * _F64(j5)
        wj6 = wt * _F64(j6)
        wj7 = wt * _F64(j7)
        acc0 += wj0 * _F64(j0)
        acc1 += wj0 * _F64(j1)
        acc2 += wj0 * _F64(j2)
        acc3 += wj0 * _F64(j3)
        acc4 += wj0 * _F64(j4)
        acc5 += wj0 * _F64(j5)
        acc6 += wj0 * _F64(j6)
        acc7 += wj0 * _F64(j7)
        acc8 += wj1 * _F64(j1)
        acc9 += wj1 * _F64(j2)
        acc10 += wj1 * _F64(j3)
        acc11 += wj1 * _F64(j4)
        acc12 += wj1 * _F64(j5)
        acc13 += wj1 * _F64(j6)
        acc14 += wj1 * _F64(j7)
        acc15 += wj2 * _F64(j2)
        acc16 += wj2 * _F64(j3)
        acc17 += wj2 * _F64(j4)
        acc18 += wj2 * _F64(j5)
        acc19 += wj2 * _F64(j6)
        acc20 += wj2 * _F64(j7)
        acc21 += wj3 * _F64(j3)
        acc22 += wj3 * _F64(j4)
        acc23 += wj3 * _F64(j5)
        acc24 += wj3 * _F64(j6)
        acc25 += wj3 * _F64(j7)
        acc26 += wj4 * _F64(j4)
        acc27 += wj4 * _F64(j5)
        acc28 += wj4 * _F64(j6)
        acc29 += wj4 * _F64(j7)
        acc30 += wj5 * _F64(j5)
        acc31 += wj5 * _F64(j6)
        acc32 += wj5 * _F64(j7)
        acc33 += wj6 * _F64(j6)
        acc34 += wj6 * _F64(j7)
        acc35 += wj7 * _F64(j7)
        acc36 += wj0 * _F64(res)
        acc37 += wj1 * _F64(res)
        acc38 += wj2 * _F64(res)
        acc39 += wj3 * _F64(res)
        acc40 += wj4 * _F64(res)
        acc41 += wj5 * _F64(res)
        acc42 += wj6 * _F64(res)
        acc43 += wj7 * _F64(res)
        acc44 += rho
        acc45 += 1.0
    shared[0, tid] = acc0
    shared[1, tid] = acc1
    shared[2, tid] = acc2
    shared[3, tid] = acc3
    shared[4, tid] = acc4
    shared[5, tid] = acc5
    shared[6, tid] = acc6
    shared[7, tid] = acc7
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 0 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc8
    shared[1, tid] = acc9
    shared[2, tid] = acc10
    shared[3, tid] = acc11
    shared[4, tid] = acc12
    shared[5, tid] = acc13
    shared[6, tid] = acc14
    shared[7, tid] = acc15
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 8 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc16
    shared[1, tid] = acc17
    shared[2, tid] = acc18
    shared[3, tid] = acc19
    shared[4, tid] = acc20
    shared[5, tid] = acc21
    shared[6, tid] = acc22
    shared[7, tid] = acc23
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 16 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc24
    shared[1, tid] = acc25
    shared[2, tid] = acc26
    shared[3, tid] = acc27
    shared[4, tid] = acc28
    shared[5, tid] = acc29
    shared[6, tid] = acc30
    shared[7, tid] = acc31
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 24 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc32
    shared[1, tid] = acc33
    shared[2, tid] = acc34
    shared[3, tid] = acc35
    shared[4, tid] = acc36
    shared[5, tid] = acc37
    shared[6, tid] = acc38
    shared[7, tid] = acc39
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 32 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc40
    shared[1, tid] = acc41
    shared[2, tid] = acc42
    shared[3, tid] = acc43
    shared[4, tid] = acc44
    shared[5, tid] = acc45
    shared[6, tid] = _F64(n_behind)
    shared[7, tid] = _F64(n_outside)
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 40 + tid, shared[tid, 0])
    cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness_f64(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    fx = _F64(h[0])
    fy = _F64(h[1])
    cx = _F64(h[2])
    cy = _F64(h[3])
    m00 = _F64(h[4])
    m01 = _F64(h[5])
    m02 = _F64(h[6])
    m03 = _F64(h[7])
    m10 = _F64(h[8])
    m11 = _F64(h[9])
    m12 = _F64(h[10])
    m13 = _F64(h[11])
    m20 = _F64(h[12])
    m21 = _F64(h[13])
    m22 = _F64(h[14])
    m23 = _F64(h[15])
    q0 = _F64(h[16])
    q1 = _F64(h[17])
    n = points.shape[0]
    height = tgt.shape[0]
    width = tgt.shape[1]
    acc0 = 0.0
    acc1 = 0.0
    acc2 = 0.0
    acc3 = 0.0
    acc4 = 0.0
    acc5 = 0.0
    acc6 = 0.0
    acc7 = 0.0
    acc8 = 0.0
    acc9 = 0.0
    acc10 = 0.0
    acc11 = 0.0
    acc12 = 0.0
    acc13 = 0.0
    acc14 = 0.0
    acc15 = 0.0
    acc16 = 0.0
    acc17 = 0.0
    acc18 = 0.0
    acc19 = 0.0
    acc20 = 0.0
    acc21 = 0.0
    acc22 = 0.0
    acc23 = 0.0
    acc24 = 0.0
    acc25 = 0.0
    acc26 = 0.0
    acc27 = 0.0
    acc28 = 0.0
    acc29 = 0.0
    acc30 = 0.0
    acc31 = 0.0
    acc32 = 0.0
    acc33 = 0.0
    acc34 = 0.0
    acc35 = 0.0
    acc36 = 0.0
    acc37 = 0.0
    acc38 = 0.0
    acc39 = 0.0
    acc40 = 0.0
    acc41 = 0.0
    acc42 = 0.0
    acc43 = 0.0
    acc44 = 0.0
    acc45 = 0.0
    n_behind = 0
    n_outside = 0
    for i in range(cuda.grid(1), n, cuda.gridsize(1)):
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m00 + Y * m01 + Z * m02 + m03
        p1 = X * m20 + Y * m21 + Z * m22 + m23
        p2 = _F64(1.0) / p1
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
        if not (p1 > _F64(0.0) and math.isfinite(u) and math.isfinite(v)):
            n_behind += 1
            continue
        if not (u >= _F64(-0.5) and v >= _F64(-0.5) and u <= width - _F64(0.5) and v <= height - _F64(0.5)):
            n_outside += 1
            continue
        uc = min(max(u, _F64(0.0)), _F64(width - 1))
        vc = min(max(v, _F64(0.0)), _F64(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F64(x0)
        ay = vc - _F64(y0)
        w00 = (_F64(1.0) - ax) * (_F64(1.0) - ay)
        w01 = ax * (_F64(1.0) - ay)
        w10 = (_F64(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        g_x = w00 * tgt[y0, x0, 1] + w01 * tgt[y0, x0 + 1, 1]
        g_x += w10 * tgt[y0 + 1, x0, 1] + w11 * tgt[y0 + 1, x0 + 1, 1]
        g_y = w00 * tgt[y0, x0, 2] + w01 * tgt[y0, x0 + 1, 2]
        g_y += w10 * tgt[y0 + 1, x0, 2] + w11 * tgt[y0 + 1, x0 + 1, 2]
        I_ref = iref[i]
        res = I_ref * q0 + I_t + q1
        j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
        j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
        j2 = g_x * p3 * p6 + g_y * p0 * p5
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p9 - g_y * p10
        j6 = I_ref * q0
        j7 = _F64(-1.0)
        wt, rho = _robust(_F64(res), loss_id, loss_scale)
        wj0 = wt * _F64(j0)
        wj1 = wt * _F64(j1)
        wj2 = wt * _F64(j2)
        wj3 = wt * _F64(j3)
        wj4 = wt * _F64(j4)
        wj5 = wt * _F64(j5)
        wj6 = wt * _F64(j6)
        wj7 = wt * _F64(j7)
        acc0 += wj0 * _F64(j0)
        acc1 += wj0 * _F64(j1)
        acc2 += wj0 * _F64(j2)
        acc3 += wj0 * _F64(j3)
        acc4 += wj0 * _F64(j4)
        acc5 += wj0 * _F64(j5)
        acc6 += wj0 * _F64(j6)
        acc7 += wj0 * _F64(j7)
        acc8 += wj1 * _F64(j1)
        acc9 += wj1 * _F64(j2)
        acc10 += wj1 * _F64(j3)
        acc11 += wj1 * _F64(j4)
        acc12 += wj1 * _F64(j5)
        acc13 += wj1 * _F64(j6)
        acc14 += wj1 * _F64(j7)
        acc15 += wj2 * _F64(j2)
        acc16 += wj2 * _F64(j3)
        acc17 += wj2 * _F64(j4)
        acc18 += wj2 * _F64(j5)
        acc19 += wj2 * _F64(j6)
        acc20 += wj2 * _F64(j7)
        acc21 += wj3 * _F64(j3)
        acc22 += wj3 * _F64(j4)
        acc23 += wj3 * _F64(j5)
        acc24 += wj3 * _F64(j6)
        acc25 += wj3 * _F64(j7)
        acc26 += wj4 * _F64(j4)
        acc27 += wj4 * _F64(j5)
        acc28 += wj4 * _F64(j6)
        acc29 += wj4 * _F64(j7)
        acc30 += wj5 * _F64(j5)
        acc31 += wj5 * _F64(j6)
        acc32 += wj5 * _F64(j7)
        acc33 += wj6 * _F64(j6)
        acc34 += wj6 * _F64(j7)
        acc35 += wj7 * _F64(j7)
        acc36 += wj0 * _F64(res)
        acc37 += wj1 * _F64(res)
        acc38 += wj2 * _F64(res)
        acc39 += wj3 * _F64(res)
        acc40 += wj4 * _F64(res)
        acc41 += wj5 * _F64(res)
        acc42 += wj6 * _F64(res)
        acc43 += wj7 * _F64(res)
        acc44 += rho
        acc45 += 1.0
    shared[0, tid] = acc0
    shared[1, tid] = acc1
    shared[2, tid] = acc2
    shared[3, tid] = acc3
    shared[4, tid] = acc4
    shared[5, tid] = acc5
    shared[6, tid] = acc6
    shared[7, tid] = acc7
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 0 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc8
    shared[1, tid] = acc9
    shared[2, tid] = acc10
    shared[3, tid] = acc11
    shared[4, tid] = acc12
    shared[5, tid] = acc13
    shared[6, tid] = acc14
    shared[7, tid] = acc15
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 8 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc16
    shared[1, tid] = acc17
    shared[2, tid] = acc18
    shared[3, tid] = acc19
    shared[4, tid] = acc20
    shared[5, tid] = acc21
    shared[6, tid] = acc22
    shared[7, tid] = acc23
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 16 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc24
    shared[1, tid] = acc25
    shared[2, tid] = acc26
    shared[3, tid] = acc27
    shared[4, tid] = acc28
    shared[5, tid] = acc29
    shared[6, tid] = acc30
    shared[7, tid] = acc31
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 24 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc32
    shared[1, tid] = acc33
    shared[2, tid] = acc34
    shared[3, tid] = acc35
    shared[4, tid] = acc36
    shared[5, tid] = acc37
    shared[6, tid] = acc38
    shared[7, tid] = acc39
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 32 + tid, shared[tid, 0])
    cuda.syncthreads()
    shared[0, tid] = acc40
    shared[1, tid] = acc41
    shared[2, tid] = acc42
    shared[3, tid] = acc43
    shared[4, tid] = acc44
    shared[5, tid] = acc45
    shared[6, tid] = _F64(n_behind)
    shared[7, tid] = _F64(n_outside)
    cuda.syncthreads()
    step = THREADS_PER_BLOCK // 2
    while step > 0:
        if tid < step:
            for k in range(8):
                shared[k, tid] += shared[k, tid + step]
        cuda.syncthreads()
        step //= 2
    if tid < 8:
        cuda.atomic.add(out, 40 + tid, shared[tid, 0])
    cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness_batch_f32(h, points, iref, tgt, tiles, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        img = tgt[pair]
        scale = loss_scale[pair]
        fx = _F32(h[pair, 0])
        fy = _F32(h[pair, 1])
        cx = _F32(h[pair, 2])
        cy = _F32(h[pair, 3])
        m00 = _F32(h[pair, 4])
        m01 = _F32(h[pair, 5])
        m02 = _F32(h[pair, 6])
        m03 = _F32(h[pair, 7])
        m10 = _F32(h[pair, 8])
        m11 = _F32(h[pair, 9])
        m12 = _F32(h[pair, 10])
        m13 = _F32(h[pair, 11])
        m20 = _F32(h[pair, 12])
        m21 = _F32(h[pair, 13])
        m22 = _F32(h[pair, 14])
        m23 = _F32(h[pair, 15])
        q0 = _F32(h[pair, 16])
        q1 = _F32(h[pair, 17])
        acc0 = 0.0
        acc1 = 0.0
        acc2 = 0.0
        acc3 = 0.0
        acc4 = 0.0
        acc5 = 0.0
        acc6 = 0.0
        acc7 = 0.0
        acc8 = 0.0
        acc9 = 0.0
        acc10 = 0.0
        acc11 = 0.0
        acc12 = 0.0
        acc13 = 0.0
        acc14 = 0.0
        acc15 = 0.0
        acc16 = 0.0
        acc17 = 0.0
        acc18 = 0.0
        acc19 = 0.0
        acc20 = 0.0
        acc21 = 0.0
        acc22 = 0.0
        acc23 = 0.0
        acc24 = 0.0
        acc25 = 0.0
        acc26 = 0.0
        acc27 = 0.0
        acc28 = 0.0
        acc29 = 0.0
        acc30 = 0.0
        acc31 = 0.0
        acc32 = 0.0
        acc33 = 0.0
        acc34 = 0.0
        acc35 = 0.0
        acc36 = 0.0
        acc37 = 0.0
        acc38 = 0.0
        acc39 = 0.0
        acc40 = 0.0
        acc41 = 0.0
        acc42 = 0.0
        acc43 = 0.0
        acc44 = 0.0
        acc45 = 0.0
        n_behind = 0
        n_outside = 0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = _F32(1.0) / p1
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
            if not (p1 > _F32(0.0) and math.isfinite(u) and math.isfinite(v)):
                n_behind += 1
                continue
            if not (u >= _F32(-0.5) and v >= _F32(-0.5) and u <= width - _F32(0.5) and v <= height - _F32(0.5)):
                n_outside += 1
                continue
            uc = min(max(u, _F32(0.0)), _F32(width - 1))
            vc = min(max(v, _F32(0.0)), _F32(height - 1))
            x0 = min(int(uc), width - 2)
            y0 = min(int(vc), height - 2)
            ax = uc - _F32(x0)
            ay = vc - _F32(y0)
            w00 = (_F32(1.0) - ax) * (_F32(1.0) - ay)
            w01 = ax * (_F32(1.0) - ay)
            w10 = (_F32(1.0) - ax) * ay
            w11 = ax * ay
            I_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
            I_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            res = I_ref * q0 + I_t + q1
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p9 - g_y * p10
            j6 = I_ref * q0
            j7 = _F32(-1.0)
            wt, rho = _robust(_F64(res), loss_id, scale)
            wj0 = wt * _F64(j0)
            wj1 = wt * _F64(j1)
            wj2 = wt * _F64(j2)
            wj3 = wt * _F64(j3)
            wj4 = wt * _F64(j4)
            wj5 = wt * _F64(j5)
            wj6 = wt * _F64(j6)
            wj7 = wt * _F64(j7)
            acc0 += wj0 * _F64(j0)
            acc1 += wj0 * _F64(j1)
            acc2 += wj0 * _F64(j2)
            acc3 += wj0 * _F64(j3)
            acc4 += wj0 * _F64(j4)
            acc5 += wj0 * _F64(j5)
            acc6 += wj0 * _F64(j6)
            acc7 += wj0 * _F64(j7)
            acc8 += wj1 * _F64(j1)
            acc9 += wj1 * _F64(j2)
            acc10 += wj1 * _F64(j3)
            acc11 += wj1 * _F64(j4)
            acc12 += wj1 * _F64(j5)
            acc13 += wj1 * _F64(j6)
            acc14 += wj1 * _F64(j7)
            acc15 += wj2 * _F64(j2)
            acc16 += wj2 * _F64(j3)
            acc17 += wj2 * _F64(j4)
            acc18 += wj2 * _F64(j5)
            acc19 += wj2 * _F64(j6)
            acc20 += wj2 * _F64(j7)
            acc21 += wj3 * _F64(j3)
            acc22 += wj3 * _F64(j4)
            acc23 += wj3 * _F64(j5)
            acc24 += wj3 * _F64(j6)
            acc25 += wj3 * _F64(j7)
            acc26 += wj4 * _F64(j4)
            acc27 += wj4 * _F64(j5)
            acc28 += wj4 * _F64(j6)
            acc29 += wj4 * _F64(j7)
            acc30 += wj5 * _F64(j5)
            acc31 += wj5 * _F64(j6)
            acc32 += wj5 * _F64(j7)
            acc33 += wj6 * _F64(j6)
            acc34 += wj6 * _F64(j7)
            acc35 += wj7 * _F64(j7)
            acc36 += wj0 * _F64(res)
            acc37 += wj1 * _F64(res)
            acc38 += wj2 * _F64(res)
            acc39 += wj3 * _F64(res)
            acc40 += wj4 * _F64(res)
            acc41 += wj5 * _F64(res)
            acc42 += wj6 * _F64(res)
            acc43 += wj7 * _F64(res)
            acc44 += rho
            acc45 += 1.0
        shared[0, tid] = acc0
        shared[1, tid] = acc1
        shared[2, tid] = acc2
        shared[3, tid] = acc3
        shared[4, tid] = acc4
        shared[5, tid] = acc5
        shared[6, tid] = acc6
        shared[7, tid] = acc7
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 0 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc8
        shared[1, tid] = acc9
        shared[2, tid] = acc10
        shared[3, tid] = acc11
        shared[4, tid] = acc12
        shared[5, tid] = acc13
        shared[6, tid] = acc14
        shared[7, tid] = acc15
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 8 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc16
        shared[1, tid] = acc17
        shared[2, tid] = acc18
        shared[3, tid] = acc19
        shared[4, tid] = acc20
        shared[5, tid] = acc21
        shared[6, tid] = acc22
        shared[7, tid] = acc23
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 16 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc24
        shared[1, tid] = acc25
        shared[2, tid] = acc26
        shared[3, tid] = acc27
        shared[4, tid] = acc28
        shared[5, tid] = acc29
        shared[6, tid] = acc30
        shared[7, tid] = acc31
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 24 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc32
        shared[1, tid] = acc33
        shared[2, tid] = acc34
        shared[3, tid] = acc35
        shared[4, tid] = acc36
        shared[5, tid] = acc37
        shared[6, tid] = acc38
        shared[7, tid] = acc39
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 32 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc40
        shared[1, tid] = acc41
        shared[2, tid] = acc42
        shared[3, tid] = acc43
        shared[4, tid] = acc44
        shared[5, tid] = acc45
        shared[6, tid] = _F64(n_behind)
        shared[7, tid] = _F64(n_outside)
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 40 + tid), shared[tid, 0])
        cuda.syncthreads()


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness_batch_f64(h, points, iref, tgt, tiles, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    height = tgt.shape[1]
    width = tgt.shape[2]
    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):
        pair = tiles[tile, 0]
        img = tgt[pair]
        scale = loss_scale[pair]
        fx = _F64(h[pair, 0])
        fy = _F64(h[pair, 1])
        cx = _F64(h[pair, 2])
        cy = _F64(h[pair, 3])
        m00 = _F64(h[pair, 4])
        m01 = _F64(h[pair, 5])
        m02 = _F64(h[pair, 6])
        m03 = _F64(h[pair, 7])
        m10 = _F64(h[pair, 8])
        m11 = _F64(h[pair, 9])
        m12 = _F64(h[pair, 10])
        m13 = _F64(h[pair, 11])
        m20 = _F64(h[pair, 12])
        m21 = _F64(h[pair, 13])
        m22 = _F64(h[pair, 14])
        m23 = _F64(h[pair, 15])
        q0 = _F64(h[pair, 16])
        q1 = _F64(h[pair, 17])
        acc0 = 0.0
        acc1 = 0.0
        acc2 = 0.0
        acc3 = 0.0
        acc4 = 0.0
        acc5 = 0.0
        acc6 = 0.0
        acc7 = 0.0
        acc8 = 0.0
        acc9 = 0.0
        acc10 = 0.0
        acc11 = 0.0
        acc12 = 0.0
        acc13 = 0.0
        acc14 = 0.0
        acc15 = 0.0
        acc16 = 0.0
        acc17 = 0.0
        acc18 = 0.0
        acc19 = 0.0
        acc20 = 0.0
        acc21 = 0.0
        acc22 = 0.0
        acc23 = 0.0
        acc24 = 0.0
        acc25 = 0.0
        acc26 = 0.0
        acc27 = 0.0
        acc28 = 0.0
        acc29 = 0.0
        acc30 = 0.0
        acc31 = 0.0
        acc32 = 0.0
        acc33 = 0.0
        acc34 = 0.0
        acc35 = 0.0
        acc36 = 0.0
        acc37 = 0.0
        acc38 = 0.0
        acc39 = 0.0
        acc40 = 0.0
        acc41 = 0.0
        acc42 = 0.0
        acc43 = 0.0
        acc44 = 0.0
        acc45 = 0.0
        n_behind = 0
        n_outside = 0
        for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * m00 + Y * m01 + Z * m02 + m03
            p1 = X * m20 + Y * m21 + Z * m22 + m23
            p2 = _F64(1.0) / p1
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
            if not (p1 > _F64(0.0) and math.isfinite(u) and math.isfinite(v)):
                n_behind += 1
                continue
            if not (u >= _F64(-0.5) and v >= _F64(-0.5) and u <= width - _F64(0.5) and v <= height - _F64(0.5)):
                n_outside += 1
                continue
            uc = min(max(u, _F64(0.0)), _F64(width - 1))
            vc = min(max(v, _F64(0.0)), _F64(height - 1))
            x0 = min(int(uc), width - 2)
            y0 = min(int(vc), height - 2)
            ax = uc - _F64(x0)
            ay = vc - _F64(y0)
            w00 = (_F64(1.0) - ax) * (_F64(1.0) - ay)
            w01 = ax * (_F64(1.0) - ay)
            w10 = (_F64(1.0) - ax) * ay
            w11 = ax * ay
            I_t = w00 * img[y0, x0, 0] + w01 * img[y0, x0 + 1, 0]
            I_t += w10 * img[y0 + 1, x0, 0] + w11 * img[y0 + 1, x0 + 1, 0]
            g_x = w00 * img[y0, x0, 1] + w01 * img[y0, x0 + 1, 1]
            g_x += w10 * img[y0 + 1, x0, 1] + w11 * img[y0 + 1, x0 + 1, 1]
            g_y = w00 * img[y0, x0, 2] + w01 * img[y0, x0 + 1, 2]
            g_y += w10 * img[y0 + 1, x0, 2] + w11 * img[y0 + 1, x0 + 1, 2]
            I_ref = iref[i]
            res = I_ref * q0 + I_t + q1
            j0 = g_x * p6 * p9 + g_y * (-p1 * p5 + p10 * p6)
            j1 = g_x * (fx + (p0 * p0) * p8) + g_y * p0 * p10
            j2 = g_x * p3 * p6 + g_y * p0 * p5
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p9 - g_y * p10
            j6 = I_ref * q0
            j7 = _F64(-1.0)
            wt, rho = _robust(_F64(res), loss_id, scale)
            wj0 = wt * _F64(j0)
            wj1 = wt * _F64(j1)
            wj2 = wt * _F64(j2)
            wj3 = wt * _F64(j3)
            wj4 = wt * _F64(j4)
            wj5 = wt * _F64(j5)
            wj6 = wt * _F64(j6)
            wj7 = wt * _F64(j7)
            acc0 += wj0 * _F64(j0)
            acc1 += wj0 * _F64(j1)
            acc2 += wj0 * _F64(j2)
            acc3 += wj0 * _F64(j3)
            acc4 += wj0 * _F64(j4)
            acc5 += wj0 * _F64(j5)
            acc6 += wj0 * _F64(j6)
            acc7 += wj0 * _F64(j7)
            acc8 += wj1 * _F64(j1)
            acc9 += wj1 * _F64(j2)
            acc10 += wj1 * _F64(j3)
            acc11 += wj1 * _F64(j4)
            acc12 += wj1 * _F64(j5)
            acc13 += wj1 * _F64(j6)
            acc14 += wj1 * _F64(j7)
            acc15 += wj2 * _F64(j2)
            acc16 += wj2 * _F64(j3)
            acc17 += wj2 * _F64(j4)
            acc18 += wj2 * _F64(j5)
            acc19 += wj2 * _F64(j6)
            acc20 += wj2 * _F64(j7)
            acc21 += wj3 * _F64(j3)
            acc22 += wj3 * _F64(j4)
            acc23 += wj3 * _F64(j5)
            acc24 += wj3 * _F64(j6)
            acc25 += wj3 * _F64(j7)
            acc26 += wj4 * _F64(j4)
            acc27 += wj4 * _F64(j5)
            acc28 += wj4 * _F64(j6)
            acc29 += wj4 * _F64(j7)
            acc30 += wj5 * _F64(j5)
            acc31 += wj5 * _F64(j6)
            acc32 += wj5 * _F64(j7)
            acc33 += wj6 * _F64(j6)
            acc34 += wj6 * _F64(j7)
            acc35 += wj7 * _F64(j7)
            acc36 += wj0 * _F64(res)
            acc37 += wj1 * _F64(res)
            acc38 += wj2 * _F64(res)
            acc39 += wj3 * _F64(res)
            acc40 += wj4 * _F64(res)
            acc41 += wj5 * _F64(res)
            acc42 += wj6 * _F64(res)
            acc43 += wj7 * _F64(res)
            acc44 += rho
            acc45 += 1.0
        shared[0, tid] = acc0
        shared[1, tid] = acc1
        shared[2, tid] = acc2
        shared[3, tid] = acc3
        shared[4, tid] = acc4
        shared[5, tid] = acc5
        shared[6, tid] = acc6
        shared[7, tid] = acc7
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 0 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc8
        shared[1, tid] = acc9
        shared[2, tid] = acc10
        shared[3, tid] = acc11
        shared[4, tid] = acc12
        shared[5, tid] = acc13
        shared[6, tid] = acc14
        shared[7, tid] = acc15
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 8 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc16
        shared[1, tid] = acc17
        shared[2, tid] = acc18
        shared[3, tid] = acc19
        shared[4, tid] = acc20
        shared[5, tid] = acc21
        shared[6, tid] = acc22
        shared[7, tid] = acc23
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 16 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc24
        shared[1, tid] = acc25
        shared[2, tid] = acc26
        shared[3, tid] = acc27
        shared[4, tid] = acc28
        shared[5, tid] = acc29
        shared[6, tid] = acc30
        shared[7, tid] = acc31
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 24 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc32
        shared[1, tid] = acc33
        shared[2, tid] = acc34
        shared[3, tid] = acc35
        shared[4, tid] = acc36
        shared[5, tid] = acc37
        shared[6, tid] = acc38
        shared[7, tid] = acc39
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 32 + tid), shared[tid, 0])
        cuda.syncthreads()
        shared[0, tid] = acc40
        shared[1, tid] = acc41
        shared[2, tid] = acc42
        shared[3, tid] = acc43
        shared[4, tid] = acc44
        shared[5, tid] = acc45
        shared[6, tid] = _F64(n_behind)
        shared[7, tid] = _F64(n_outside)
        cuda.syncthreads()
        step = THREADS_PER_BLOCK // 2
        while step > 0:
            if tid < step:
                for k in range(8):
                    shared[k, tid] += shared[k, tid + step]
            cuda.syncthreads()
            step //= 2
        if tid < 8:
            cuda.atomic.add(out, (pair, 40 + tid), shared[tid, 0])
        cuda.syncthreads()


@njit(cache=True)
def _hoist_residuals(params, constants):
    """Parameter-only terms of ``warp_at_zero`` (float64, once per call)."""
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
    a = params[6]
    b = params[7]
    q0 = -math.exp(a)
    q1 = -b
    out = np.empty(18)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _residuals_f32(h, points, iref, tgt, resid):
    fx = _F32(h[0])
    fy = _F32(h[1])
    cx = _F32(h[2])
    cy = _F32(h[3])
    m00 = _F32(h[4])
    m01 = _F32(h[5])
    m02 = _F32(h[6])
    m03 = _F32(h[7])
    m10 = _F32(h[8])
    m11 = _F32(h[9])
    m12 = _F32(h[10])
    m13 = _F32(h[11])
    m20 = _F32(h[12])
    m21 = _F32(h[13])
    m22 = _F32(h[14])
    m23 = _F32(h[15])
    q0 = _F32(h[16])
    q1 = _F32(h[17])
    height = tgt.shape[0]
    width = tgt.shape[1]
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m20 + Y * m21 + Z * m22 + m23
        p1 = _F32(1.0) / p0
        u = cx + fx * p1 * (X * m00 + Y * m01 + Z * m02 + m03)
        v = cy + fy * p1 * (X * m10 + Y * m11 + Z * m12 + m13)
        if not (p0 > _F32(0.0) and math.isfinite(u) and math.isfinite(v)):
            continue
        if not (u >= _F32(-0.5) and v >= _F32(-0.5) and u <= width - _F32(0.5) and v <= height - _F32(0.5)):
            continue
        uc = min(max(u, _F32(0.0)), _F32(width - 1))
        vc = min(max(v, _F32(0.0)), _F32(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F32(x0)
        ay = vc - _F32(y0)
        w00 = (_F32(1.0) - ax) * (_F32(1.0) - ay)
        w01 = ax * (_F32(1.0) - ay)
        w10 = (_F32(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        I_ref = iref[i]
        res = I_ref * q0 + I_t + q1
        resid[i] = res


@cuda.jit(cache=True, fastmath=True)
def _residuals_f64(h, points, iref, tgt, resid):
    fx = _F64(h[0])
    fy = _F64(h[1])
    cx = _F64(h[2])
    cy = _F64(h[3])
    m00 = _F64(h[4])
    m01 = _F64(h[5])
    m02 = _F64(h[6])
    m03 = _F64(h[7])
    m10 = _F64(h[8])
    m11 = _F64(h[9])
    m12 = _F64(h[10])
    m13 = _F64(h[11])
    m20 = _F64(h[12])
    m21 = _F64(h[13])
    m22 = _F64(h[14])
    m23 = _F64(h[15])
    q0 = _F64(h[16])
    q1 = _F64(h[17])
    height = tgt.shape[0]
    width = tgt.shape[1]
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * m20 + Y * m21 + Z * m22 + m23
        p1 = _F64(1.0) / p0
        u = cx + fx * p1 * (X * m00 + Y * m01 + Z * m02 + m03)
        v = cy + fy * p1 * (X * m10 + Y * m11 + Z * m12 + m13)
        if not (p0 > _F64(0.0) and math.isfinite(u) and math.isfinite(v)):
            continue
        if not (u >= _F64(-0.5) and v >= _F64(-0.5) and u <= width - _F64(0.5) and v <= height - _F64(0.5)):
            continue
        uc = min(max(u, _F64(0.0)), _F64(width - 1))
        vc = min(max(v, _F64(0.0)), _F64(height - 1))
        x0 = min(int(uc), width - 2)
        y0 = min(int(vc), height - 2)
        ax = uc - _F64(x0)
        ay = vc - _F64(y0)
        w00 = (_F64(1.0) - ax) * (_F64(1.0) - ay)
        w01 = ax * (_F64(1.0) - ay)
        w10 = (_F64(1.0) - ax) * ay
        w11 = ax * ay
        I_t = w00 * tgt[y0, x0, 0] + w01 * tgt[y0, x0 + 1, 0]
        I_t += w10 * tgt[y0 + 1, x0, 0] + w11 * tgt[y0 + 1, x0 + 1, 0]
        I_ref = iref[i]
        res = I_ref * q0 + I_t + q1
        resid[i] = res


def _grid(n):
    return max(1, min((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK, MAX_BLOCKS))


def _launch(kernel32, kernel64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream):
    acc = cuda.to_device(np.zeros(size), stream=stream) if out is None else out
    kernel = kernel32 if points.dtype == np.float32 else kernel64
    kernel[_grid(points.shape[0]), THREADS_PER_BLOCK, stream](h, points, iref, tgt, loss_id, loss_scale, acc)
    return acc.copy_to_host(stream=stream) if out is None else acc


def normal_equations(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector (see ACCUMULATORS_6); with ``out`` (zeroed device array) it stays on the device."""
    h = cuda.to_device(_hoist_normal_equations(params, constants), stream=stream)
    size = ACCUMULATORS_6["size"]
    k32, k64 = _normal_equations_f32, _normal_equations_f64
    return _launch(k32, k64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream)


def normal_equations_brightness(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector (see ACCUMULATORS_8) with the gain/bias pair ``(a, b)`` as params 7-8."""
    h = cuda.to_device(_hoist_normal_equations_brightness(params, constants), stream=stream)
    size = ACCUMULATORS_8["size"]
    k32, k64 = _normal_equations_brightness_f32, _normal_equations_brightness_f64
    return _launch(k32, k64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream)


def residuals(params, constants, points, iref, tgt, resid, stream=0):
    """Per-point residual into ``resid`` (NaN where rejected); params include ``(a, b)``."""
    h = cuda.to_device(_hoist_residuals(params, constants), stream=stream)
    kernel = _residuals_f32 if points.dtype == np.float32 else _residuals_f64
    kernel[_grid(points.shape[0]), THREADS_PER_BLOCK, stream](h, points, iref, tgt, resid)


BATCH_TILE = 16 * THREADS_PER_BLOCK


def _tiles(offsets, active):
    """Rows ``(pair, start, stop)`` covering the points of every active pair, grouped by pair."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sizes = np.diff(offsets)
    counts = np.where(np.asarray(active, dtype=bool), (sizes + BATCH_TILE - 1) // BATCH_TILE, 0)
    pair = np.repeat(np.arange(sizes.size), counts)
    k = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    start = offsets[pair] + k * BATCH_TILE
    return np.column_stack([pair, start, np.minimum(start + BATCH_TILE, offsets[pair + 1])])


def _hoist_batch(hoist, params, constants, active):
    rows = [hoist(p, c) if a else None for p, c, a in zip(params, constants, active, strict=True)]
    width = next((r.size for r in rows if r is not None), 1)
    return np.stack([np.zeros(width) if r is None else r for r in rows])


def _batch(hoist, k32, k64, size, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream):
    h = _hoist_batch(hoist, params, constants, active)
    tiles = _tiles(offsets, active)
    out = cuda.to_device(np.zeros((h.shape[0], size)), stream=stream)
    if tiles.shape[0]:
        scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
        dh, dtiles, dscale = (cuda.to_device(a, stream=stream) for a in (h, tiles, scale))
        kernel = k32 if points.dtype == np.float32 else k64
        blocks = min(tiles.shape[0], MAX_BLOCKS)
        kernel[blocks, THREADS_PER_BLOCK, stream](dh, points, iref, tgt, dtiles, loss_id, dscale, out)
    return out.copy_to_host(stream=stream)


def normal_equations_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0):
    """(B, ACCUMULATORS_6["size"]) accumulators of B pairs in one launch (zero rows where not ``active``).

    ``params`` (B, 6) and ``constants`` (B, C) per pair on the host; the pairs' points and
    intensities concatenated on the device with pair ``b`` at ``offsets[b]:offsets[b + 1]``,
    ``tgt`` (B, H, W, 3) on the device, a robust scale per pair.
    """
    k32, k64 = _normal_equations_batch_f32, _normal_equations_batch_f64
    size = ACCUMULATORS_6["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return _batch(_hoist_normal_equations, k32, k64, size, *args)


def normal_equations_brightness_batch(
    params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0
):
    """:func:`normal_equations_batch` with the gain/bias pair: (B, ACCUMULATORS_8["size"]), params (B, 8)."""
    k32, k64 = _normal_equations_brightness_batch_f32, _normal_equations_brightness_batch_f64
    size = ACCUMULATORS_8["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return _batch(_hoist_normal_equations_brightness, k32, k64, size, *args)
