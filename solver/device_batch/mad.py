"""Exact robust scale on the device: ``1.4826 * median(|r - median(r)|)`` of every pair's sample, bit for bit.

:func:`mad_batch` gives each pair one block of :data:`MAD_THREADS` threads. The order statistics
are found by a radix select (most significant byte first, :data:`BINS` bins) on order-preserving
64-bit integer keys of the float64 values: per byte, a histogram in shared memory (integer atomics,
so the result does not depend on thread order), then one thread finds the byte holding the wanted
rank. The median of the finite entries takes one select (two ranks for an even count: the second
is the first's key again when tied, else the least key above it); the median absolute deviation
takes one more over ``|r - med|``, computed on the fly. Numba's ``np.median`` (the host's
``_mad_scale``) returns the same order statistics and ``(a + b) / 2`` of an even count's two.
"""

from __future__ import annotations

import math

import numpy as np

from jacgen.backends.cuda_runtime import SIMULATOR_THREADS, THREADS_PER_BLOCK
from jacgen.cuda_support import require_cuda

cuda = require_cuda()

MAD_THREADS = 256 if THREADS_PER_BLOCK > SIMULATOR_THREADS else SIMULATOR_THREADS
"""Threads per block (one block per pair): 256 on a GPU, fewer under the simulator (as the generated kernels)."""
BINS = 256
"""Histogram bins: one byte of the key per pass, 8 passes per select."""
GROUP = 16
"""Bins per group of the two-level histogram scan."""
GROUPS = 16
"""``BINS // GROUP`` (a literal: shared array shapes must be constants)."""
KEY_MAX = 0x7FFFFFFFFFFFFFFF

_libdevice = getattr(cuda, "libdevice", None)  # (absent from the simulator)
if _libdevice is not None:
    _bits = _libdevice.double_as_longlong
    _float = _libdevice.longlong_as_double
else:

    def _bits(x):
        return np.float64(x).view(np.int64)

    def _float(k):
        return np.int64(k).view(np.float64)


@cuda.jit(device=True, inline=True)
def _key(x):
    """Signed 64-bit key of float64 ``x``: keys compare as the values do (-0.0 just below +0.0)."""
    k = _bits(x)
    return k if k >= 0 else k ^ KEY_MAX


@cuda.jit(device=True, inline=True)
def _value(k):
    """The float64 of key ``k`` (the inverse of :func:`_key`)."""
    return _float(k if k >= 0 else k ^ KEY_MAX)


@cuda.jit(device=True, inline=True)
def _entry_key(v, centre, deviations):
    return _key(abs(v - centre)) if deviations else _key(v)


@cuda.jit(device=True)
def _count_finite(samples, b, n, hist, cell):
    """Number of finite entries of ``samples[b, :n]`` (every thread gets it); zeroes ``hist[0]`` too."""
    t, nt = cuda.threadIdx.x, cuda.blockDim.x
    if t == 0:
        cell[0] = 0
    for j in range(t, BINS, nt):
        hist[0, j] = 0
    cuda.syncthreads()
    c = 0
    for i in range(t, n, nt):
        if math.isfinite(samples[b, i]):
            c += 1
    cuda.atomic.add(cell, 0, c)
    cuda.syncthreads()
    return cell[0]


@cuda.jit(device=True)
def _pick(hist, part, k, prefix, shift, state):
    """The bin of ``hist`` holding rank ``k`` (one thread): ``state`` = new prefix, rank in the bin, ties from it."""
    cum = 0
    g = 0
    while cum + part[g] <= k:
        cum += part[g]
        g += 1
    d = g * GROUP
    while cum + hist[d] <= k:
        cum += hist[d]
        d += 1
    state[0] = ((d - 128) << 56) if shift == 56 else prefix | (d << shift)
    state[1] = k - cum
    state[2] = hist[d] - (k - cum)


@cuda.jit(device=True)
def _histogram(samples, b, n, centre, deviations, prefix, shift, hist):
    """Add to ``hist`` key byte ``shift`` of the finite entries with ``prefix``'s higher bytes."""
    t, nt = cuda.threadIdx.x, cuda.blockDim.x
    for i in range(t, n, nt):
        v = samples[b, i]
        if math.isfinite(v):
            key = _entry_key(v, centre, deviations)
            if shift == 56 or (key >> (shift + 8)) == (prefix >> (shift + 8)):
                d = (key >> shift) & 0xFF
                cuda.atomic.add(hist, d ^ 0x80 if shift == 56 else d, 1)  # (the sign bit flipped: unsigned order)


@cuda.jit(device=True)
def _select(samples, b, n, centre, deviations, rank, hist, part, state):
    """Key of the ``rank``-th smallest (0-based) finite entry, and how many entries share it from that rank on.

    Pass ``p`` fills ``hist[p % 2]`` (zero on entry: ``hist[0]`` must be) and zeroes the other, and
    writes ``state[p % 2]``: three barriers a pass. After the eight passes ``hist[0]`` is zero again.
    """
    t, nt = cuda.threadIdx.x, cuda.blockDim.x
    prefix = 0
    k = rank
    ties = 0
    for p in range(8):
        q = p & 1
        shift = 56 - 8 * p
        _histogram(samples, b, n, centre, deviations, prefix, shift, hist[q])
        for j in range(t, BINS, nt):
            hist[1 - q, j] = 0
        cuda.syncthreads()
        for g in range(t, GROUPS, nt):
            s = 0
            for j in range(g * GROUP, (g + 1) * GROUP):
                s += hist[q, j]
            part[g] = s
        cuda.syncthreads()
        if t == 0:
            _pick(hist[q], part, k, prefix, shift, state[q])
        cuda.syncthreads()
        prefix, k, ties = state[q, 0], state[q, 1], state[q, 2]
    return prefix, ties


@cuda.jit(device=True)
def _least_above(samples, b, n, centre, deviations, key, cell):
    """The least key above ``key`` among the finite entries."""
    t, nt = cuda.threadIdx.x, cuda.blockDim.x
    if t == 0:
        cell[0] = KEY_MAX
    cuda.syncthreads()
    best = KEY_MAX
    for i in range(t, n, nt):
        v = samples[b, i]
        if math.isfinite(v):
            k = _entry_key(v, centre, deviations)
            if k > key and k < best:
                best = k
    cuda.atomic.min(cell, 0, best)
    cuda.syncthreads()
    return cell[0]


@cuda.jit(device=True)
def _median(samples, b, n, centre, deviations, m, hist, part, state, cell):
    """Median of the ``m`` finite entries (or of their ``|v - centre|``), as Numba's ``np.median``."""
    lo = (m - 1) >> 1
    key, ties = _select(samples, b, n, centre, deviations, lo, hist, part, state)
    if m & 1:
        return _value(key)
    hi = key if ties >= 2 else _least_above(samples, b, n, centre, deviations, key, cell)
    return (_value(key) + _value(hi)) / 2


@cuda.jit
def _mad_kernel(samples, counts, out):
    b = cuda.blockIdx.x
    hist = cuda.shared.array((2, BINS), np.int32)
    part = cuda.shared.array(GROUPS, np.int32)
    state = cuda.shared.array((2, 3), np.int64)
    cell = cuda.shared.array(1, np.int64)
    n = min(counts[b], samples.shape[1])
    m = _count_finite(samples, b, n, hist, cell)
    scale = 0.0
    if m > 0:  # (the same for every thread of the block)
        med = _median(samples, b, n, 0.0, False, m, hist, part, state, cell)
        scale = 1.4826 * _median(samples, b, n, med, True, m, hist, part, state, cell)
    if cuda.threadIdx.x == 0:
        out[b] = scale


def mad_batch(samples, counts, out) -> None:
    """Robust scale of every pair's sample: ``out[b] == _mad_scale(samples[b, :counts[b]])`` bit for bit.

    ``solver.core.problem._mad_scale``: 1.4826 x the median absolute deviation of the finite
    entries, 0.0 when none is finite. One block per pair.

    Parameters
    ----------
    samples : device array
        (B, M) float64.
    counts : device array
        (B,) int64: the first ``counts[b]`` entries of row ``b`` are its sample (at most M are used).
    out : device array
        (B,) float64, written.
    """
    if out.shape[0]:
        _mad_kernel[out.shape[0], MAD_THREADS](samples, counts, out)


__all__ = ["BINS", "GROUP", "MAD_THREADS", "mad_batch"]
