# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: rodrigues (symbolic hash 2f73fb7b06be3fb4)
# fused: warp + bilinear sample + residual + robust weight + J^T W J / J^T W r, float64 accumulators
# content hash: sha256:846d46ac1e4c172a98cc2658f738be3a
# warp part (sympy count_ops): before cse 7221, after cse 330, hoisted 257, per point 73
# --------------------------------------------------------------------------------------------------
"""Fused photometric kernels of the ``rodrigues`` warp for the Numba CUDA target."""

import math

import numpy as np
from numba import cuda, float64, njit

MODEL = "rodrigues"
TARGET = "cuda"
COMPOSITIONAL = False
PARAMS = ("r1", "r2", "r3", "t1", "t2", "t3")
CONSTANTS = ("fx", "fy", "cx", "cy")
LOSSES = ("l2", "huber", "tukey", "cauchy")
ACCUMULATORS_6 = {"H": 0, "g": 21, "cost": 27, "n_used": 28, "n_behind": 29, "n_outside": 30, "size": 31}
ACCUMULATORS_8 = {"H": 0, "g": 36, "cost": 44, "n_used": 45, "n_behind": 46, "n_outside": 47, "size": 48}
_F32 = np.float32
_F64 = np.float64
THREADS_PER_BLOCK = 256
MAX_BLOCKS = 4096


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
    h0 = r1 * r1
    h1 = r2 * r2
    h2 = r3 * r3
    h3 = h0 + h1 + h2
    h4 = _phi1(h3)
    h5 = h4 * r1
    h6 = _phi2(h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * _phi3(h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + _phi4(h3)
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
    out = np.empty(31)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_f32(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    h8 = _F32(h[0])
    h23 = _F32(h[1])
    h30 = _F32(h[2])
    h38 = _F32(h[3])
    h46 = _F32(h[4])
    h51 = _F32(h[5])
    h53 = _F32(h[6])
    h54 = _F32(h[7])
    h55 = _F32(h[8])
    h56 = _F32(h[9])
    h61 = _F32(h[10])
    h68 = _F32(h[11])
    h83 = _F32(h[12])
    h87 = _F32(h[13])
    h88 = _F32(h[14])
    h99 = _F32(h[15])
    h103 = _F32(h[16])
    h104 = _F32(h[17])
    h105 = _F32(h[18])
    h106 = _F32(h[19])
    h107 = _F32(h[20])
    h108 = _F32(h[21])
    h109 = _F32(h[22])
    h110 = _F32(h[23])
    t1 = _F32(h[24])
    t2 = _F32(h[25])
    t3 = _F32(h[26])
    fx = _F32(h[27])
    fy = _F32(h[28])
    cx = _F32(h[29])
    cy = _F32(h[30])
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
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F32(1.0) / p1
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
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p7 - g_y * p11
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
    h8 = _F64(h[0])
    h23 = _F64(h[1])
    h30 = _F64(h[2])
    h38 = _F64(h[3])
    h46 = _F64(h[4])
    h51 = _F64(h[5])
    h53 = _F64(h[6])
    h54 = _F64(h[7])
    h55 = _F64(h[8])
    h56 = _F64(h[9])
    h61 = _F64(h[10])
    h68 = _F64(h[11])
    h83 = _F64(h[12])
    h87 = _F64(h[13])
    h88 = _F64(h[14])
    h99 = _F64(h[15])
    h103 = _F64(h[16])
    h104 = _F64(h[17])
    h105 = _F64(h[18])
    h106 = _F64(h[19])
    h107 = _F64(h[20])
    h108 = _F64(h[21])
    h109 = _F64(h[22])
    h110 = _F64(h[23])
    t1 = _F64(h[24])
    t2 = _F64(h[25])
    t3 = _F64(h[26])
    fx = _F64(h[27])
    fy = _F64(h[28])
    cx = _F64(h[29])
    cy = _F64(h[30])
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
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F64(1.0) / p1
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
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p7 - g_y * p11
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
        h8 = _F32(h[pair, 0])
        h23 = _F32(h[pair, 1])
        h30 = _F32(h[pair, 2])
        h38 = _F32(h[pair, 3])
        h46 = _F32(h[pair, 4])
        h51 = _F32(h[pair, 5])
        h53 = _F32(h[pair, 6])
        h54 = _F32(h[pair, 7])
        h55 = _F32(h[pair, 8])
        h56 = _F32(h[pair, 9])
        h61 = _F32(h[pair, 10])
        h68 = _F32(h[pair, 11])
        h83 = _F32(h[pair, 12])
        h87 = _F32(h[pair, 13])
        h88 = _F32(h[pair, 14])
        h99 = _F32(h[pair, 15])
        h103 = _F32(h[pair, 16])
        h104 = _F32(h[pair, 17])
        h105 = _F32(h[pair, 18])
        h106 = _F32(h[pair, 19])
        h107 = _F32(h[pair, 20])
        h108 = _F32(h[pair, 21])
        h109 = _F32(h[pair, 22])
        h110 = _F32(h[pair, 23])
        t1 = _F32(h[pair, 24])
        t2 = _F32(h[pair, 25])
        t3 = _F32(h[pair, 26])
        fx = _F32(h[pair, 27])
        fy = _F32(h[pair, 28])
        cx = _F32(h[pair, 29])
        cy = _F32(h[pair, 30])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F32(1.0) / p1
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
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p7 - g_y * p11
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
        h8 = _F64(h[pair, 0])
        h23 = _F64(h[pair, 1])
        h30 = _F64(h[pair, 2])
        h38 = _F64(h[pair, 3])
        h46 = _F64(h[pair, 4])
        h51 = _F64(h[pair, 5])
        h53 = _F64(h[pair, 6])
        h54 = _F64(h[pair, 7])
        h55 = _F64(h[pair, 8])
        h56 = _F64(h[pair, 9])
        h61 = _F64(h[pair, 10])
        h68 = _F64(h[pair, 11])
        h83 = _F64(h[pair, 12])
        h87 = _F64(h[pair, 13])
        h88 = _F64(h[pair, 14])
        h99 = _F64(h[pair, 15])
        h103 = _F64(h[pair, 16])
        h104 = _F64(h[pair, 17])
        h105 = _F64(h[pair, 18])
        h106 = _F64(h[pair, 19])
        h107 = _F64(h[pair, 20])
        h108 = _F64(h[pair, 21])
        h109 = _F64(h[pair, 22])
        h110 = _F64(h[pair, 23])
        t1 = _F64(h[pair, 24])
        t2 = _F64(h[pair, 25])
        t3 = _F64(h[pair, 26])
        fx = _F64(h[pair, 27])
        fy = _F64(h[pair, 28])
        cx = _F64(h[pair, 29])
        cy = _F64(h[pair, 30])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F64(1.0) / p1
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
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p7 - g_y * p11
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
    h0 = r1 * r1
    h1 = r2 * r2
    h2 = r3 * r3
    h3 = h0 + h1 + h2
    h4 = _phi1(h3)
    h5 = h4 * r1
    h6 = _phi2(h3)
    h7 = h6 * r2
    h8 = h5 + h7 * r3
    h9 = (0.5) * _phi3(h3)
    h10 = -h6 + 2.0 * h9
    h11 = h10 * r1
    h12 = h11 * r3
    h13 = -h12
    h14 = -h9 + _phi4(h3)
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
    a = params[6]
    b = params[7]
    q0 = -math.exp(a)
    q1 = -b
    out = np.empty(33)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _normal_equations_brightness_f32(h, points, iref, tgt, loss_id, loss_scale, out):
    shared = cuda.shared.array((8, THREADS_PER_BLOCK), dtype=float64)
    tid = cuda.threadIdx.x
    h8 = _F32(h[0])
    h23 = _F32(h[1])
    h30 = _F32(h[2])
    h38 = _F32(h[3])
    h46 = _F32(h[4])
    h51 = _F32(h[5])
    h53 = _F32(h[6])
    h54 = _F32(h[7])
    h55 = _F32(h[8])
    h56 = _F32(h[9])
    h61 = _F32(h[10])
    h68 = _F32(h[11])
    h83 = _F32(h[12])
    h87 = _F32(h[13])
    h88 = _F32(h[14])
    h99 = _F32(h[15])
    h103 = _F32(h[16])
    h104 = _F32(h[17])
    h105 = _F32(h[18])
    h106 = _F32(h[19])
    h107 = _F32(h[20])
    h108 = _F32(h[21])
    h109 = _F32(h[22])
    h110 = _F32(h[23])
    t1 = _F32(h[24])
    t2 = _F32(h[25])
    t3 = _F32(h[26])
    fx = _F32(h[27])
    fy = _F32(h[28])
    cx = _F32(h[29])
    cy = _F32(h[30])
    q0 = _F32(h[31])
    q1 = _F32(h[32])
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
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F32(1.0) / p1
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
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p7 - g_y * p11
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
    h8 = _F64(h[0])
    h23 = _F64(h[1])
    h30 = _F64(h[2])
    h38 = _F64(h[3])
    h46 = _F64(h[4])
    h51 = _F64(h[5])
    h53 = _F64(h[6])
    h54 = _F64(h[7])
    h55 = _F64(h[8])
    h56 = _F64(h[9])
    h61 = _F64(h[10])
    h68 = _F64(h[11])
    h83 = _F64(h[12])
    h87 = _F64(h[13])
    h88 = _F64(h[14])
    h99 = _F64(h[15])
    h103 = _F64(h[16])
    h104 = _F64(h[17])
    h105 = _F64(h[18])
    h106 = _F64(h[19])
    h107 = _F64(h[20])
    h108 = _F64(h[21])
    h109 = _F64(h[22])
    h110 = _F64(h[23])
    t1 = _F64(h[24])
    t2 = _F64(h[25])
    t3 = _F64(h[26])
    fx = _F64(h[27])
    fy = _F64(h[28])
    cx = _F64(h[29])
    cy = _F64(h[30])
    q0 = _F64(h[31])
    q1 = _F64(h[32])
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
        rx0 = X * h51 + Y * h46 + Z * h38
        rx1 = X * h54 + Y * h56 + Z * h55
        rx2 = X * h23 + Y * h8 + Z * h30
        p0 = rx0 + t1
        p1 = rx2 + t3
        p2 = _F64(1.0) / p1
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
        j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
        j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
        j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
        j3 = g_x * p3
        j4 = g_y * p5
        j5 = -g_x * p7 - g_y * p11
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
        h8 = _F32(h[pair, 0])
        h23 = _F32(h[pair, 1])
        h30 = _F32(h[pair, 2])
        h38 = _F32(h[pair, 3])
        h46 = _F32(h[pair, 4])
        h51 = _F32(h[pair, 5])
        h53 = _F32(h[pair, 6])
        h54 = _F32(h[pair, 7])
        h55 = _F32(h[pair, 8])
        h56 = _F32(h[pair, 9])
        h61 = _F32(h[pair, 10])
        h68 = _F32(h[pair, 11])
        h83 = _F32(h[pair, 12])
        h87 = _F32(h[pair, 13])
        h88 = _F32(h[pair, 14])
        h99 = _F32(h[pair, 15])
        h103 = _F32(h[pair, 16])
        h104 = _F32(h[pair, 17])
        h105 = _F32(h[pair, 18])
        h106 = _F32(h[pair, 19])
        h107 = _F32(h[pair, 20])
        h108 = _F32(h[pair, 21])
        h109 = _F32(h[pair, 22])
        h110 = _F32(h[pair, 23])
        t1 = _F32(h[pair, 24])
        t2 = _F32(h[pair, 25])
        t3 = _F32(h[pair, 26])
        fx = _F32(h[pair, 27])
        fy = _F32(h[pair, 28])
        cx = _F32(h[pair, 29])
        cy = _F32(h[pair, 30])
        q0 = _F32(h[pair, 31])
        q1 = _F32(h[pair, 32])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F32(1.0) / p1
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
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p7 - g_y * p11
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
        h8 = _F64(h[pair, 0])
        h23 = _F64(h[pair, 1])
        h30 = _F64(h[pair, 2])
        h38 = _F64(h[pair, 3])
        h46 = _F64(h[pair, 4])
        h51 = _F64(h[pair, 5])
        h53 = _F64(h[pair, 6])
        h54 = _F64(h[pair, 7])
        h55 = _F64(h[pair, 8])
        h56 = _F64(h[pair, 9])
        h61 = _F64(h[pair, 10])
        h68 = _F64(h[pair, 11])
        h83 = _F64(h[pair, 12])
        h87 = _F64(h[pair, 13])
        h88 = _F64(h[pair, 14])
        h99 = _F64(h[pair, 15])
        h103 = _F64(h[pair, 16])
        h104 = _F64(h[pair, 17])
        h105 = _F64(h[pair, 18])
        h106 = _F64(h[pair, 19])
        h107 = _F64(h[pair, 20])
        h108 = _F64(h[pair, 21])
        h109 = _F64(h[pair, 22])
        h110 = _F64(h[pair, 23])
        t1 = _F64(h[pair, 24])
        t2 = _F64(h[pair, 25])
        t3 = _F64(h[pair, 26])
        fx = _F64(h[pair, 27])
        fy = _F64(h[pair, 28])
        cx = _F64(h[pair, 29])
        cy = _F64(h[pair, 30])
        q0 = _F64(h[pair, 31])
        q1 = _F64(h[pair, 32])
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
            rx0 = X * h51 + Y * h46 + Z * h38
            rx1 = X * h54 + Y * h56 + Z * h55
            rx2 = X * h23 + Y * h8 + Z * h30
            p0 = rx0 + t1
            p1 = rx2 + t3
            p2 = _F64(1.0) / p1
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
            j0 = g_x * (h105 * p9 + h106 * p10 + h53 * p8) + g_y * (h53 * p14 + h61 * p13 + h68 * p12)
            j1 = g_x * (h107 * p9 + h108 * p10 + h83 * p8) + g_y * (h83 * p14 + h87 * p13 + h88 * p12)
            j2 = g_x * (h109 * p9 + h110 * p10 + h99 * p8) + g_y * (h103 * p13 + h104 * p12 + h99 * p14)
            j3 = g_x * p3
            j4 = g_y * p5
            j5 = -g_x * p7 - g_y * p11
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
    a = params[6]
    b = params[7]
    q0 = -math.exp(a)
    q1 = -b
    out = np.empty(18)
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
    return out


@cuda.jit(cache=True, fastmath=True)
def _residuals_f32(h, points, iref, tgt, resid):
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
    q0 = _F32(h[16])
    q1 = _F32(h[17])
    height = tgt.shape[0]
    width = tgt.shape[1]
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = _F32(1.0) / p0
        u = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        v = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
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
    q0 = _F64(h[16])
    q1 = _F64(h[17])
    height = tgt.shape[0]
    width = tgt.shape[1]
    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):
        resid[i] = math.nan
        X = points[i, 0]
        Y = points[i, 1]
        Z = points[i, 2]
        p0 = X * h12 + Y * h13 + Z * h14 + t3
        p1 = _F64(1.0) / p0
        u = cx + fx * p1 * (X * h18 + Y * h19 + Z * h20 + t1)
        v = cy + fy * p1 * (X * h21 + Y * h22 + Z * h23 + t2)
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
