# --------------------------------------------------------------------------------------------------
# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.
# generator: jacgen 0.1.0   target: cuda
# source model: se3 (symbolic hash be1faa1dcc3e4234)
#   T = exp(xi^), xi = (omega, v) = (r1, r2, r3, t1, t2, t3); pinhole projection
# content hash: sha256:b6fd1da2108cd0a31b4106d1d9b491dd   runtime: sha256:5582cdf80967bbc2
# operation counts (sympy count_ops) per kernel function:
#   function                                  before cse  after cse  hoisted  per point
#   _warp                                            561         98       73         25
#   _warp_jacobian                                 13490        549      435        114
#   _warp_jacobian_at_zero                            41         27        1         26
# --------------------------------------------------------------------------------------------------
"""Warp and Jacobian kernels of the ``se3`` model for the Numba CUDA target."""

import math

import numpy as np
from numba import float64, njit

from jacgen.backends.cuda_runtime import THREADS_PER_BLOCK, cuda, launch_points
from jacgen.runtime.sinc import phi

DESCRIPTION = {
    "model": "se3",
    "target": "cuda",
    "params": ("r1", "r2", "r3", "t1", "t2", "t3"),
    "point": ("X", "Y", "Z"),
    "constants": ("fx", "fy", "cx", "cy"),
    "positive_constants": ("fx", "fy"),
    "outputs": ("u", "v"),
    "has_validity": True,
    "kernels": ("warp", "warp_jacobian", "warp_jacobian_at_zero"),
}


ZERO_PARAMS = np.zeros(6)


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
    h7 = h6 * r1
    h8 = h7 * r3
    h9 = h4 * r1
    h10 = h6 * r2
    h11 = h0 * h6
    h12 = h1 * h6 - 1.0
    h13 = phi(3, h3)
    h14 = h13 * r3
    h15 = h14 * r1
    h16 = h0 * h13
    h17 = h1 * h13 - 1.0
    h18 = -h5 + h8
    h19 = h10 * r3 + h9
    h20 = -h11 - h12
    h21 = t1 * (-h10 + h15) + t2 * (h14 * r2 + h7) + t3 * (-h16 - h17)
    h22 = h2 * h6
    h23 = h4 * r3
    h24 = h10 * r1
    h25 = h13 * h2
    h26 = h6 * r3
    h27 = h13 * r1 * r2
    h28 = -h12 - h22
    h29 = -h23 + h24
    h30 = h5 + h8
    h31 = t1 * (-h17 - h25) + t2 * (-h26 + h27) + t3 * (h10 + h15)
    h32 = h23 + h24
    h33 = -h11 - h22 + 1.0
    h34 = h6 * r2 * r3 - h9
    h35 = t1 * (h26 + h27) + t2 * (-h16 - h25 + 1.0) + t3 * (h13 * r2 * r3 - h7)
    return np.array([h18, h19, h20, h21, h28, h29, h30, h31, h32, h33, h34, h35, fx, fy, cx, cy])


@cuda.jit(cache=True, fastmath=True)
def _warp(h, points, uv, valid):
    """Outputs of ``warp`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    _s_uv = cuda.shared.array((THREADS_PER_BLOCK, 2), dtype=float64)
    _tid = cuda.threadIdx.x
    _n = points.shape[0]
    h18 = T(h[0])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h19 = T(h[1])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h20 = T(h[2])
    h21 = T(h[3])
    h28 = T(h[4])
    h29 = T(h[5])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h30 = T(h[6])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h31 = T(h[7])
    h32 = T(h[8])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h33 = T(h[9])
    h34 = T(h[10])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h35 = T(h[11])
    fx = T(h[12])
    fy = T(h[13])
    cx = T(h[14])
    cy = T(h[15])
    for _first in range(cuda.blockIdx.x * THREADS_PER_BLOCK, _n, cuda.gridDim.x * THREADS_PER_BLOCK):
        i = _first + _tid
        if i < _n:
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = X * h18 + Y * h19 + Z * h20 + h21
            p1 = T(1.0) / p0
            o0 = cx + fx * p1 * (X * h28 + Y * h29 + Z * h30 + h31)
            o1 = cy + fy * p1 * (X * h32 + Y * h33 + Z * h34 + h35)
            if (p0 > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
                valid[i] = True
                _s_uv[_tid, 0] = o0
                _s_uv[_tid, 1] = o1
            else:
                valid[i] = False
                _s_uv[_tid, 0] = math.nan
                _s_uv[_tid, 1] = math.nan
        cuda.syncthreads()
        _count = min(THREADS_PER_BLOCK, _n - _first)
        for _j in range(_tid, _count * 2, THREADS_PER_BLOCK):
            _q = _j // 2
            uv[_first + _q, _j - _q * 2] = T(_s_uv[_q, _j - _q * 2])
        cuda.syncthreads()


def warp(params, points, constants, uv, valid, stream=0):
    """Launch ``_warp`` (host or device arrays; outputs preallocated; no validation)."""
    h = _hoist_warp(params, constants)
    launch_points(_warp, h, (points, uv, valid), stream)


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
    h0 = r3 * r3
    h1 = r1 * r1
    h2 = r2 * r2
    h3 = h0 + h1 + h2
    h4 = phi(3, h3)
    h5 = h0 * h4
    h6 = h2 * h4 - 1.0
    h7 = -h5 - h6
    h8 = phi(2, h3)
    h9 = h8 * r3
    h10 = h4 * r2
    h11 = h10 * r1
    h12 = h11 - h9
    h13 = h8 * r2
    h14 = h4 * r3
    h15 = h14 * r1
    h16 = h13 + h15
    h17 = h12 * t2 + h16 * t3 + h7 * t1
    h18 = -h13 + h15
    h19 = h8 * r1
    h20 = h10 * r3 + h19
    h21 = h1 * h4
    h22 = -h21 - h6
    h23 = h18 * t1 + h20 * t2 + h22 * t3
    h24 = h11 + h9
    h25 = -h21 - h5 + 1.0
    h26 = -h19 + h4 * r2 * r3
    h27 = h24 * t1 + h25 * t2 + h26 * t3
    h28 = phi(1, h3)
    h29 = h28 * r1
    h30 = h13 * r3 + h29
    h31 = (0.5) * h4
    h32 = 2.0 * h31 - h8
    h33 = h32 * r1
    h34 = h33 * r3
    h35 = -h34
    h36 = phi(4, h3)
    h37 = -h31 + h36
    h38 = 2.0 * h37
    h39 = h1 * h38
    h40 = h39 * r2
    h41 = h13 + h40
    h42 = (0.5) * h35 + (0.5) * h41
    h43 = h28 * r2
    h44 = h19 * r3
    h45 = -h43 + h44
    h46 = h2 * h38
    h47 = h46 * r1
    h48 = h0 * h38
    h49 = h48 * r1
    h50 = -0.5 * h47 - 0.5 * h49
    h51 = h1 * h8
    h52 = h2 * h8 - 1.0
    h53 = -h51 - h52
    h54 = h33 * r2
    h55 = h39 * r3
    h56 = h55 + h9
    h57 = (0.5) * h54 + (0.5) * h56
    h58 = r1 * r1 * r1
    h59 = 2.0 * h19 + h38 * h58
    h60 = -h47 - h59
    h61 = h43 + h44
    h62 = (0.5) * h61
    h63 = h38 * r1
    h64 = h63 * r3
    h65 = h64 * r2
    h66 = h1 * h32 + h28
    h67 = h65 + h66
    h68 = h28 * r3
    h69 = h13 * r1
    h70 = -h68 + h69
    h71 = (0.5) * h70
    h72 = -h54
    h73 = h56 + h72
    h74 = h0 * h8
    h75 = -h52 - h74
    h76 = (0.5) * h75
    h77 = h30 * h42 + h45 * h50 + h53 * h57 - h60 * h62 - h67 * h71 - h73 * h76
    h78 = -0.5 * h36 + (1.5) * phi(5, h3)
    h79 = 2.0 * h78
    h80 = h79 * r1
    h81 = h2 * h80
    h82 = h0 * h80
    h83 = -h64
    h84 = h1 * h79
    h85 = h84 * r2
    h86 = h10 + h85
    h87 = h63 * r2
    h88 = h84 * r3
    h89 = h14 + h88
    h90 = h68 + h69
    h91 = -h29 + h8 * r2 * r3
    h92 = -h51 - h74 + 1.0
    h93 = -2.0 * h37 * r1 * r2 * r3
    h94 = -h66 - h93
    h95 = -h49 - h59
    h96 = h34 + h41
    h97 = -h42 * h92 - h50 * h90 - h57 * h91 + (0.5) * h61 * h94 + (0.5) * h70 * h95 + (0.5) * h75 * h96
    h98 = -h87
    h99 = r2 * r3
    h100 = h8 + h80 * h99
    h101 = h4 * r1
    h102 = 2.0 * h101 + h58 * h79
    h103 = t1 * (h89 + h98) + t2 * (h100 + h39) + t3 * (-h102 - h81)
    h104 = (0.5) * h90
    h105 = (0.5) * h91
    h106 = (0.5) * h92
    h107 = (0.5) * h30
    h108 = (0.5) * h45
    h109 = (0.5) * h53
    h110 = h104 * h73 + h105 * h60 + h106 * h67 - h107 * h95 - h108 * h96 - h109 * h94
    h111 = h32 * h99
    h112 = -h111
    h113 = h19 + h47
    h114 = h112 + h113
    h115 = h48 * r2
    h116 = r2 * r2 * r2
    h117 = h116 * h38 + 2.0 * h13
    h118 = -h115 - h117
    h119 = h2 * h32 + h28
    h120 = h119 + h65
    h121 = -h117 - h40
    h122 = h46 * r3
    h123 = h122 + h9
    h124 = h123 + h54
    h125 = -h119 - h93
    h126 = h107 * h114 + h108 * h118 + h109 * h120 - h121 * h62 - h124 * h71 - h125 * h76
    h127 = h0 * h79 * r2
    h128 = 2.0 * h10 + h116 * h79
    h129 = h38 * h99
    h130 = h101 - h129
    h131 = h123 + h72
    h132 = -h115 - h40
    h133 = h111 + h113
    h134 = -h104 * h118 - h105 * h120 - h106 * h114 + (0.5) * h131 * h61 + (0.5) * h132 * h70 + (0.5) * h133 * h75
    h135 = -2.0 * h78 * r1 * r2 * r3 + h8
    h136 = h2 * h79 * r3
    h137 = h136 + h14
    h138 = t1 * (-h135 - h46) + t2 * (h137 + h87) + t3 * (-h128 - h85)
    h139 = h104 * h125 + h105 * h121 + h106 * h124 - h107 * h132 - h108 * h133 - h109 * h131
    h140 = h0 * h32 + h28
    h141 = -h140 - h93
    h142 = r3 * r3 * r3
    h143 = h142 * h38 + 2.0 * h9
    h144 = -h122 - h143
    h145 = h19 + h49
    h146 = h111 + h145
    h147 = -h122 - h55
    h148 = h115 + h13
    h149 = h148 + h34
    h150 = h112 + h145
    h151 = h107 * h141 + h108 * h144 + h109 * h146 - h147 * h62 - h149 * h71 - h150 * h76
    h152 = 2.0 * h14 + h142 * h79
    h153 = h101 + h129
    h154 = h148 + h35
    h155 = -h143 - h55
    h156 = h140 + h65
    h157 = -h104 * h144 - h105 * h146 - h106 * h141 + (0.5) * h154 * h61 + (0.5) * h155 * h70 + (0.5) * h156 * h75
    h158 = h10 + h127
    h159 = t1 * (h130 + h82) + t2 * (h158 + h64) + t3 * (-h136 - h88)
    h160 = h104 * h150 + h105 * h147 + h106 * h149 - h107 * h155 - h108 * h156 - h109 * h154
    h161 = -h103
    h162 = -h110
    h163 = -h97
    h164 = fx * (t1 * (-h81 - h82) + t2 * (h83 + h86) + t3 * (h87 + h89))
    h165 = -h134
    h166 = -h138
    h167 = -h139
    h168 = fx * (t1 * (-h127 - h128) + t2 * (h130 + h81) + t3 * (h100 + h46))
    h169 = -h157
    h170 = -h159
    h171 = -h160
    h172 = fx * (t1 * (-h136 - h152) + t2 * (-h135 - h48) + t3 * (h153 + h82))
    h173 = -h18
    h174 = fx * h7
    h175 = -h20
    h176 = fx * h12
    h177 = -h22
    h178 = t1 * (h64 + h86) + t2 * (-h102 - h82) + t3 * (-h135 - h39)
    h179 = t1 * (h153 + h81) + t2 * (-h127 - h85) + t3 * (h137 + h98)
    h180 = t1 * (h100 + h48) + t2 * (-h152 - h88) + t3 * (h158 + h83)
    h181 = fy * h25
    return np.array(
        [
            h16,
            h17,
            h23,
            h24,
            h26,
            h27,
            h30,
            h45,
            h53,
            h61,
            h70,
            h75,
            h77,
            h90,
            h91,
            h92,
            h97,
            h110,
            h126,
            h134,
            h139,
            h151,
            h157,
            h160,
            h161,
            h162,
            h163,
            h164,
            h165,
            h166,
            h167,
            h168,
            h169,
            h170,
            h171,
            h172,
            h173,
            h174,
            h175,
            h176,
            h177,
            h178,
            h179,
            h180,
            h181,
            fx,
            fy,
            cx,
            cy,
        ]
    )


@cuda.jit(cache=True, fastmath=True)
def _warp_jacobian(h, points, uv, jac, valid):
    """Outputs of ``warp_jacobian`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    _s_uv = cuda.shared.array((THREADS_PER_BLOCK, 2), dtype=float64)
    _s_jac = cuda.shared.array((THREADS_PER_BLOCK, 12), dtype=float64)
    _tid = cuda.threadIdx.x
    _n = points.shape[0]
    h16 = T(h[0])  # r1 * r3 * phi(3, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h17 = T(h[1])
    h23 = T(h[2])
    h24 = T(h[3])  # r1 * r2 * phi(3, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h26 = T(h[4])  # -r1 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(3, r1 * r1 + r2 * r2 + r3 * r3)
    h27 = T(h[5])
    h30 = T(h[6])  # r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h45 = T(h[7])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h53 = T(h[8])
    h61 = T(h[9])  # r1 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h70 = T(h[10])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h75 = T(h[11])
    h77 = T(h[12])
    h90 = T(h[13])  # r1 * r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) + r3 * phi(1, r1 * r1 + r2 * r2 + r3 * r3)
    h91 = T(h[14])  # -r1 * phi(1, r1 * r1 + r2 * r2 + r3 * r3) + r2 * r3 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h92 = T(h[15])
    h97 = T(h[16])
    h110 = T(h[17])
    h126 = T(h[18])
    h134 = T(h[19])
    h139 = T(h[20])
    h151 = T(h[21])
    h157 = T(h[22])
    h160 = T(h[23])
    h161 = T(h[24])
    h162 = T(h[25])  # -h110
    h163 = T(h[26])  # -h97
    h164 = T(h[27])
    h165 = T(h[28])  # -h134
    h166 = T(h[29])
    h167 = T(h[30])  # -h139
    h168 = T(h[31])
    h169 = T(h[32])  # -h157
    h170 = T(h[33])
    h171 = T(h[34])  # -h160
    h172 = T(h[35])
    h173 = T(h[36])  # -r1 * r3 * phi(3, r1 * r1 + r2 * r2 + r3 * r3) + r2 * phi(2, r1 * r1 + r2 * r2 + r3 * r3)
    h174 = T(h[37])
    h175 = T(h[38])  # -r1 * phi(2, r1 * r1 + r2 * r2 + r3 * r3) - r2 * r3 * phi(3, r1 * r1 + r2 * r2 + r3 * r3)
    h176 = T(h[39])
    h177 = T(h[40])
    h178 = T(h[41])
    h179 = T(h[42])
    h180 = T(h[43])
    h181 = T(h[44])
    fx = T(h[45])
    fy = T(h[46])
    cx = T(h[47])
    cy = T(h[48])
    for _first in range(cuda.blockIdx.x * THREADS_PER_BLOCK, _n, cuda.gridDim.x * THREADS_PER_BLOCK):
        i = _first + _tid
        if i < _n:
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            rx0 = X * h75 + Y * h70 + Z * h61
            rx1 = X * h90 + Y * h92 + Z * h91
            rx2 = X * h45 + Y * h30 + Z * h53
            p0 = h17 + rx0
            p1 = h23 + rx2
            p2 = T(1.0) / p1
            p3 = fx * p2
            p4 = h27 + rx1
            p5 = fy * p2
            p6 = p2 * p2
            p7 = p6 * rx0
            p8 = fx * p0
            p9 = p3 * rx2 + p7 * p8
            p10 = p3 * rx1
            p11 = p6 * p8
            p12 = p11 * rx1
            p13 = fy * p4
            p14 = p13 * p6
            p15 = -p14 * rx1 - p5 * rx2
            p16 = p5 * rx0
            p17 = p13 * p7
            o0 = cx + p0 * p3
            o1 = cy + p4 * p5
            if (p1 > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
                valid[i] = True
                _s_uv[_tid, 0] = o0
                _s_uv[_tid, 1] = o1
                _s_jac[_tid, 0] = h161 * p11 + h162 * p12 + h163 * p10 + h164 * p2 + h77 * p9
                _s_jac[_tid, 1] = h126 * p9 + h165 * p10 + h166 * p11 + h167 * p12 + h168 * p2
                _s_jac[_tid, 2] = h151 * p9 + h169 * p10 + h170 * p11 + h171 * p12 + h172 * p2
                _s_jac[_tid, 3] = h173 * p11 + h174 * p2
                _s_jac[_tid, 4] = h175 * p11 + h176 * p2
                _s_jac[_tid, 5] = h16 * p3 + h177 * p11
                _s_jac[_tid, 6] = h110 * p15 + h161 * p14 + h178 * p5 + h77 * p17 + h97 * p16
                _s_jac[_tid, 7] = h126 * p17 + h134 * p16 + h139 * p15 + h166 * p14 + h179 * p5
                _s_jac[_tid, 8] = h151 * p17 + h157 * p16 + h160 * p15 + h170 * p14 + h180 * p5
                _s_jac[_tid, 9] = h173 * p14 + h24 * p5
                _s_jac[_tid, 10] = h175 * p14 + h181 * p2
                _s_jac[_tid, 11] = h177 * p14 + h26 * p5
            else:
                valid[i] = False
                _s_uv[_tid, 0] = math.nan
                _s_uv[_tid, 1] = math.nan
                for r in range(2):
                    for c in range(6):
                        _s_jac[_tid, r * 6 + c] = math.nan
        cuda.syncthreads()
        _count = min(THREADS_PER_BLOCK, _n - _first)
        for _j in range(_tid, _count * 2, THREADS_PER_BLOCK):
            _q = _j // 2
            uv[_first + _q, _j - _q * 2] = T(_s_uv[_q, _j - _q * 2])
        for _j in range(_tid, _count * 12, THREADS_PER_BLOCK):
            _q = _j // 12
            _e = _j - _q * 12
            _r = _e // 6
            jac[_first + _q, _r, _e - _r * 6] = T(_s_jac[_q, _e])
        cuda.syncthreads()


def warp_jacobian(params, points, constants, uv, jac, valid, stream=0):
    """Launch ``_warp_jacobian`` (host or device arrays; outputs preallocated; no validation)."""
    h = _hoist_warp_jacobian(params, constants)
    launch_points(_warp_jacobian, h, (points, uv, jac, valid), stream)


@njit(cache=True)
def _hoist_warp_jacobian_at_zero(params, constants):
    """What ``_warp_jacobian_at_zero`` reads: its parameter-only values (float64, once per call)."""
    fx = constants[0]
    fy = constants[1]
    cx = constants[2]
    cy = constants[3]
    h0 = -fy
    return np.array([h0, fx, fy, cx, cy])


@cuda.jit(cache=True, fastmath=True)
def _warp_jacobian_at_zero(h, points, uv, jac, valid):
    """Outputs of ``warp_jacobian_at_zero`` for every point (float type of ``points``); NaN where invalid."""
    T = points.dtype.type
    _s_uv = cuda.shared.array((THREADS_PER_BLOCK, 2), dtype=float64)
    _s_jac = cuda.shared.array((THREADS_PER_BLOCK, 12), dtype=float64)
    _tid = cuda.threadIdx.x
    _n = points.shape[0]
    h0 = T(h[0])  # -fy
    fx = T(h[1])
    fy = T(h[2])
    cx = T(h[3])
    cy = T(h[4])
    for _first in range(cuda.blockIdx.x * THREADS_PER_BLOCK, _n, cuda.gridDim.x * THREADS_PER_BLOCK):
        i = _first + _tid
        if i < _n:
            X = points[i, 0]
            Y = points[i, 1]
            Z = points[i, 2]
            p0 = T(1.0) / Z
            p1 = fx * p0
            p2 = fy * p0
            p3 = p0 * p0
            p4 = fx * p3
            p5 = X * p4
            p6 = fy * p3
            p7 = Y * p6
            o0 = X * p1 + cx
            o1 = Y * p2 + cy
            if (Z > T(0.0)) and math.isfinite(o0) and math.isfinite(o1):
                valid[i] = True
                _s_uv[_tid, 0] = o0
                _s_uv[_tid, 1] = o1
                _s_jac[_tid, 0] = -Y * p5
                _s_jac[_tid, 1] = (X * X) * p4 + fx
                _s_jac[_tid, 2] = -Y * p1
                _s_jac[_tid, 3] = p1
                _s_jac[_tid, 4] = T(0.0)
                _s_jac[_tid, 5] = -p5
                _s_jac[_tid, 6] = -(Y * Y) * p6 + h0
                _s_jac[_tid, 7] = X * p7
                _s_jac[_tid, 8] = X * p2
                _s_jac[_tid, 9] = T(0.0)
                _s_jac[_tid, 10] = p2
                _s_jac[_tid, 11] = -p7
            else:
                valid[i] = False
                _s_uv[_tid, 0] = math.nan
                _s_uv[_tid, 1] = math.nan
                for r in range(2):
                    for c in range(6):
                        _s_jac[_tid, r * 6 + c] = math.nan
        cuda.syncthreads()
        _count = min(THREADS_PER_BLOCK, _n - _first)
        for _j in range(_tid, _count * 2, THREADS_PER_BLOCK):
            _q = _j // 2
            uv[_first + _q, _j - _q * 2] = T(_s_uv[_q, _j - _q * 2])
        for _j in range(_tid, _count * 12, THREADS_PER_BLOCK):
            _q = _j // 12
            _e = _j - _q * 12
            _r = _e // 6
            jac[_first + _q, _r, _e - _r * 6] = T(_s_jac[_q, _e])
        cuda.syncthreads()


def warp_jacobian_at_zero(points, constants, uv, jac, valid, stream=0):
    """Launch ``_warp_jacobian_at_zero`` (host or device arrays; outputs preallocated; no validation)."""
    h = _hoist_warp_jacobian_at_zero(ZERO_PARAMS, constants)
    launch_points(_warp_jacobian_at_zero, h, (points, uv, jac, valid), stream)
