"""The model-independent pieces of the device LM: the free block of an accumulator row, its tests and solves.

CUDA device functions on scalars and preallocated (local) arrays, used by
:mod:`solver.device_batch.lm_kernels`; each mirrors one piece of :mod:`solver.core.lm` (the damped
Cholesky is the host's own body, :func:`solver.core.lm.cholesky_solve_body`, compiled here).
"""

from __future__ import annotations

import math

from jacgen.cuda_support import require_cuda
from solver.core.lm import cholesky_solve_body

cuda = require_cuda()
device = cuda.jit(device=True)
cholesky_solve = device(cholesky_solve_body)

JACOBI_SWEEPS = 30
"""Most cyclic Jacobi sweeps of the singularity test (a symmetric 8 x 8 converges in well under 10)."""
NEGLIGIBLE = 1e-18
"""An off-diagonal entry below this fraction of its diagonal pair's geometric mean is not rotated away
(it moves the eigenvalues by less than their rounding)."""
SINGULAR_RATIO = 1e-12
"""As :func:`solver.core.lm.is_singular`: singular when the scaled matrix's smallest eigenvalue is at most
this fraction of its largest."""


@device
def upper_index(n, p, q):
    """Offset of ``H[p, q]`` (``p <= q``) in the row-major upper triangle of an ``n`` x ``n`` matrix."""
    return p * n - p * (p - 1) // 2 + (q - p)


@device
def free_block(acc, h0, g0, n_solved, free, nf, Hf, gf):
    """``H`` and ``g`` of the free parameters (indices ``free[:nf]``, integral values) from an accumulator row."""
    for i in range(nf):
        p = int(free[i])
        gf[i] = acc[g0 + p]
        for j in range(nf):
            q = int(free[j])
            a, c = (p, q) if p <= q else (q, p)
            Hf[i, j] = acc[h0 + upper_index(n_solved, a, c)]


@device
def _jacobi_extremes(S, nf):
    """Smallest and largest eigenvalue of the symmetric ``S[:nf, :nf]`` (overwritten) by cyclic Jacobi."""
    for _ in range(JACOBI_SWEEPS):
        rotated = False
        for p in range(nf):
            for q in range(p + 1, nf):
                apq = S[p, q]
                if abs(apq) <= NEGLIGIBLE * math.sqrt(abs(S[p, p] * S[q, q])) or apq == 0.0:
                    continue  # below rounding of the diagonal: no effect on the eigenvalues
                rotated = True
                theta = (S[q, q] - S[p, p]) / (2.0 * apq)
                if abs(theta) > 1e150:  # theta**2 would overflow: t = 1 / (2 theta) to full precision
                    t = 0.5 / theta
                else:
                    t = (1.0 if theta >= 0.0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(nf):
                    skp, skq = S[k, p], S[k, q]
                    S[k, p], S[k, q] = c * skp - s * skq, s * skp + c * skq
                for k in range(nf):
                    spk, sqk = S[p, k], S[q, k]
                    S[p, k], S[q, k] = c * spk - s * sqk, s * spk + c * sqk
        if not rotated:
            break
    lo, hi = S[0, 0], S[0, 0]
    for i in range(1, nf):
        lo, hi = min(lo, S[i, i]), max(hi, S[i, i])
    return lo, hi


@device
def is_singular(Hf, nf, S):
    """As :func:`solver.core.lm.is_singular` (``S``: scratch): non-finite, a zero diagonal, or ill-conditioned."""
    for i in range(nf):
        for j in range(nf):
            if not math.isfinite(Hf[i, j]):
                return True
    for i in range(nf):
        if not Hf[i, i] > 0.0:
            return True
    for i in range(nf):
        for j in range(nf):
            S[i, j] = Hf[i, j] / (math.sqrt(Hf[i, i]) * math.sqrt(Hf[j, j]))
    lo, hi = _jacobi_extremes(S, nf)
    return lo <= SINGULAR_RATIO * hi


@device
def gauss_newton_gain(Hf, gf, nf, L, d):
    """``g^T H^-1 g / 2``, the undamped model's decrease (``inf`` when the solve fails), as the host's."""
    if not cholesky_solve(Hf, gf, 0.0, nf, L, d):
        return math.inf
    dot = 0.0
    for i in range(nf):
        dot += gf[i] * d[i]
    return -0.5 * dot


@device
def predicted_decrease(Hf, gf, d, lam, nf):
    """``d^T (lam D d - g) / 2``: the damped model's decrease of the summed cost at step ``d``."""
    total = 0.0
    for i in range(nf):
        total += d[i] * (lam * Hf[i, i] * d[i] - gf[i])
    return 0.5 * total


@device
def norm(values, first, count):
    """Euclidean norm of ``values[first:first + count]``."""
    total = 0.0
    for i in range(first, first + count):
        total += values[i] * values[i]
    return math.sqrt(total)
