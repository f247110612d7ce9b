"""What every generated kernel module shares (CPU target): the hand-written half of the kernels.

Generated modules import from here what does not depend on a model: ``phi_n`` (the smooth
sinc family of :mod:`jacgen.special`), the robust losses, the closed-form inverses of the rotation
parameterisations, and the launch helpers (tiles of points, per-tile partial sums). The CUDA
counterparts (device functions compiled from the same plain-Python bodies, launches) live in
:mod:`jacgen.backends.cuda_runtime`, so that nothing here loads ``numba.cuda``.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

from .lanes import LANE_BYTES, lane_broadcast, lane_log1p, lane_select
from .special import SERIES_TERMS, SERIES_THRESHOLD, phi_series_coefficients

PHI_MAX_ORDER = 7
"""Highest ``phi_n`` order the runtime evaluates (derivatives of the SE(3) exponential use up to 5)."""

PHI_COEFFICIENTS = np.array([phi_series_coefficients(n) for n in range(PHI_MAX_ORDER + 1)])
"""Row ``n``: Taylor coefficients of ``phi_n`` in ``s``, lowest order first."""

INVERSE_FACTORIALS = np.array([1.0 / math.factorial(k) for k in range(PHI_MAX_ORDER + 1)])


def phi_body(n, s):
    """``phi_n(s)``, ``s = t**2``: Taylor series (Horner) for ``s <= SERIES_THRESHOLD``, else closed form.

    Plain Python, compiled for each target (``n`` is a constant at every call site, so the loops
    unroll and the coefficients become immediates).
    """
    if s <= SERIES_THRESHOLD:
        acc = 0.0
        for k in range(SERIES_TERMS - 1, -1, -1):
            acc = acc * s + PHI_COEFFICIENTS[n, k]
        return acc
    t = math.sqrt(s)
    value = math.cos(t) if n % 2 == 0 else math.sin(t) / t
    for k in range(n % 2, n - 1, 2):
        value = (INVERSE_FACTORIALS[k] - value) / s
    return value


phi = njit(cache=True, inline="always")(phi_body)


LOSSES = ("l2", "huber", "tukey", "cauchy")
"""Robust losses by id (the kernels' ``loss_id``)."""

LOSS_SCALE_FACTORS = (1.0, 1.345, 4.685, 2.385)
"""Default scale of each loss in units of the residuals' robust sigma (95 % efficiency for Gaussian noise)."""


def robust_body(r, loss_id, k):
    """IRLS weight and ``rho(r)`` of loss ``LOSSES[loss_id]`` with scale ``k`` (scalars; plain Python)."""
    if loss_id == 1:
        a = abs(r)
        return k / max(a, k), 0.5 * r * r if a <= k else k * (a - 0.5 * k)
    if loss_id == 2:
        u = max(1.0 - (r / k) * (r / k), 0.0)
        return u * u, k * k / 6.0 * (1.0 - u * u * u)
    if loss_id == 3:
        z = (r / k) * (r / k)
        return 1.0 / (1.0 + z), 0.5 * k * k * math.log1p(z)
    return 1.0, 0.5 * r * r


@njit(cache=True, inline="always")
def robust_lanes(r, loss_id, k):
    """:func:`robust_body` on float64 lane vectors (the same formulas, selects instead of branches)."""
    if loss_id == 1:
        a = abs(r)
        return k / lane_select(a > k, a, k), lane_select(a <= k, 0.5 * r * r, k * (a - 0.5 * k))
    if loss_id == 2:
        u = 1.0 - (r / k) * (r / k)
        u = lane_select(u > 0.0, u, 0.0)
        return u * u, k * k / 6.0 * (1.0 - u * u * u)
    if loss_id == 3:
        z = (r / k) * (r / k)
        return 1.0 / (1.0 + z), 0.5 * k * k * lane_log1p(z)
    return lane_broadcast(1.0, r), 0.5 * r * r


def accumulator_layout(n: int) -> dict:
    """Where each sum sits in the accumulator vector of a fused kernel with ``n`` unknowns.

    ``H`` upper triangle row-major, then ``g``, the cost, the used / behind / outside point
    counts; ``"size"`` the length.
    """
    n_h = n * (n + 1) // 2
    return {
        "H": 0,
        "g": n_h,
        "cost": n_h + n,
        "n_used": n_h + n + 1,
        "n_behind": n_h + n + 2,
        "n_outside": n_h + n + 3,
        "size": n_h + n + 4,
    }


# --- launch helpers (host side) ------------------------------------------------------------------

CHUNK = 4096
"""Points per tile of a single pair: the tile count is a function of the point count alone, so
sums do not depend on the number of threads."""

BATCH_TILE = 4096
"""Points per tile of a batch of pairs."""

GROUP_ALIGN = 8
"""Tiles start on multiples of this many points (from their pair's first), a multiple of every
lane width: only a pair's last tile can end in a partial lane vector (see :func:`tails`)."""


@functools.lru_cache(maxsize=64)
def pair_tiles(n: int, tile: int = CHUNK) -> np.ndarray:
    """Rows ``(0, first, end)``: ``n // tile + 1`` near-equal tiles of ``n`` points (cached: do not modify)."""
    count = n // tile + 1
    bounds = np.arange(count + 1, dtype=np.int64) * n // count // GROUP_ALIGN * GROUP_ALIGN
    bounds[-1] = n
    return np.column_stack([np.zeros(count, dtype=np.int64), bounds[:-1], bounds[1:]])


def batch_tiles(offsets, active, tile: int = BATCH_TILE) -> np.ndarray:
    """Rows ``(pair, first, end)`` covering the points of every active pair, grouped by pair."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sizes = np.diff(offsets)
    counts = np.where(np.asarray(active, dtype=bool), (sizes + tile - 1) // tile, 0)
    pair = np.repeat(np.arange(sizes.size), counts)
    k = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    start = offsets[pair] + k * tile
    return np.column_stack([pair, start, np.minimum(start + tile, offsets[pair + 1])])


def tails(tiles: np.ndarray, points: np.ndarray, iref: np.ndarray):
    """Each tile's last ``< lanes`` points as a tile of their own: ``(tiles, points, iref, padding)``.

    The fused CPU kernels take whole lane vectors only (``lanes`` = 32 bytes of the points' float
    type); this copies the rest of every tile into one lane vector each, padded with NaN points
    (rejected as behind the camera: ``padding[k]`` of them in tail tile ``k``, for the caller to
    take off that count) and zero intensities.
    """
    lanes = LANE_BYTES // points.dtype.itemsize
    rest = (tiles[:, 2] - tiles[:, 1]) % lanes
    which = np.flatnonzero(rest)
    lane = np.arange(lanes)
    used = lane[None, :] < rest[which, None]
    rows = np.where(used, tiles[which, 2, None] - rest[which, None] + lane[None, :], 0)
    tail_points = np.where(used[..., None], points[rows], np.nan).astype(points.dtype).reshape(-1, points.shape[1])
    tail_iref = np.where(used, iref[rows], 0).astype(iref.dtype).ravel()
    first = np.arange(which.size, dtype=np.int64) * lanes
    tail_tiles = np.column_stack([tiles[which, 0], first, first + lanes])
    return tail_tiles, tail_points, tail_iref, lanes - rest[which]


def hoist_rows(hoist, params, constants, active) -> np.ndarray:
    """``hoist(params[b], constants[b])`` of every active pair as rows (zeros for the others)."""
    rows = [hoist(p, c) if a else None for p, c, a in zip(params, constants, active, strict=True)]
    width = next((r.size for r in rows if r is not None), 1)
    return np.stack([np.zeros(width) if r is None else r for r in rows])


def sum_tiles(partial: np.ndarray, tiles: np.ndarray, n_pairs: int) -> np.ndarray:
    """Per-pair sums of the tiles' partial rows (in tile order), zero rows for pairs without tiles."""
    out = np.zeros((n_pairs, partial.shape[1]))
    if tiles.shape[0]:
        starts = np.ones(tiles.shape[0], dtype=bool)
        starts[1:] = tiles[1:, 0] != tiles[:-1, 0]
        first = np.flatnonzero(starts)
        out[tiles[first, 0]] = np.add.reduceat(partial, first, axis=0)
    return out


def _run_tiles(kernel, h, points, iref, tgt, tiles, scale, layout, n_pairs: int) -> np.ndarray:
    """Per-pair sums of ``kernel`` over ``tiles``: whole lane vectors, then the tiles' tails."""
    tail_tiles, tail_points, tail_iref, padding = tails(tiles, points, iref)
    sums = np.zeros((n_pairs, layout["size"]))
    for run_tiles, run_points, run_iref in ((tiles, points, iref), (tail_tiles, tail_points, tail_iref)):
        if run_tiles.shape[0]:
            partial = np.empty((run_tiles.shape[0], layout["size"]))
            kernel(h, run_points, run_iref, tgt, run_tiles, scale, partial)
            sums += sum_tiles(partial, run_tiles, n_pairs)
    np.subtract.at(sums[:, layout["n_behind"]], tail_tiles[:, 0], padding)
    return sums


def fused_pair(kernel, hoisted, layout, points, iref, tgt, loss_scale) -> np.ndarray:
    """Run a fused kernel (the one of the chosen loss) on one pair: its accumulator vector (``layout``).

    Tiles start on multiples of :data:`GROUP_ALIGN`, so only the last can end in a partial lane
    vector: its last ``n % lanes`` points run again as a tile of their own (see :func:`tails`).
    """
    points, iref, tgt = (np.ascontiguousarray(a) for a in (points, iref, tgt))
    n, size = points.shape[0], layout["size"]
    tiles = pair_tiles(n)
    h, stack, scale = hoisted[None, :], tgt[None], np.array([loss_scale], dtype=np.float64)
    partial = np.empty((tiles.shape[0], size))
    kernel(h, points, iref, stack, tiles, scale, partial)
    sums = partial.sum(axis=0)
    lanes = LANE_BYTES // points.dtype.itemsize
    rest = n % lanes
    if rest:
        tail_points = np.full((lanes, points.shape[1]), np.nan, dtype=points.dtype)
        tail_points[:rest] = points[n - rest :]
        tail_iref = np.zeros(lanes, dtype=iref.dtype)
        tail_iref[:rest] = iref[n - rest :]
        tail = np.empty((1, size))
        kernel(h, tail_points, tail_iref, stack, np.array([[0, 0, lanes]], dtype=np.int64), scale, tail)
        sums += tail[0]
        sums[layout["n_behind"]] -= lanes - rest
    return sums


def fused_batch(kernels, hoist, layout, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """Run a fused kernel on B pairs at once: ``(B, size)`` accumulators (zero rows where not active).

    ``kernels``: the fused kernel of each loss, by loss id.
    """
    h = hoist_rows(hoist, params, constants, active)
    tiles = batch_tiles(offsets, active)
    scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
    points, iref, tgt = (np.ascontiguousarray(a) for a in (points, iref, tgt))
    return _run_tiles(kernels[loss_id], h, points, iref, tgt, tiles, scale, layout, h.shape[0])


# --- streaming (warp kernels with outputs larger than the caches) -----------------------------

STREAM_CHUNK = 4096
"""Points per streaming chunk: one fence per chunk orders its non-temporal stores."""

STREAM_TILE = 128
"""Points per tile of a tile kernel: the tile's outputs (14 rows of 128 float64 for
``warp_jacobian``, 14 KB) stay in L1 between the compute loop and the store loop."""

STREAM_MIN_POINTS = 65536
"""From this many points on, launchers pick the streaming kernels: outputs of 4 MB (float32) or
7 MB (float64) and more no longer fit the caches, so skipping write-allocate wins; below it,
the plain kernels' normal stores leave the outputs in cache for the caller (and one
``STREAM_CHUNK`` per thread would leave threads idle)."""


# --- rotation parameterisations ------------------------------------------------------------------


@njit(cache=True)
def skew(w):
    """Cross-product matrix ``[w]_x``."""
    K = np.zeros((3, 3))
    K[0, 1], K[0, 2], K[1, 2] = -w[2], w[1], -w[0]
    K[1, 0], K[2, 0], K[2, 1] = w[2], -w[1], w[0]
    return K


@njit(cache=True)
def exp_parts(w):
    """``R = exp([w]_x)`` (Rodrigues) and the SE(3) left Jacobian ``V``, exact at ``w = 0``."""
    s = w[0] * w[0] + w[1] * w[1] + w[2] * w[2]
    K = skew(w)
    K2 = K @ K
    eye = np.eye(3)
    R = eye + phi(1, s) * K + phi(2, s) * K2
    V = eye + phi(2, s) * K + phi(3, s) * K2
    return R, V


@njit(cache=True)
def rotation_vector(R):
    """Rotation vector of ``R`` (angle in [0, pi]): the inverse of Rodrigues' formula."""
    cos_t = min(max((R[0, 0] + R[1, 1] + R[2, 2] - 1.0) / 2.0, -1.0), 1.0)
    t = np.arccos(cos_t)
    w = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]])
    if t < 1e-4:
        return 0.5 * (1.0 + t * t / 6.0) * w
    if np.pi - t < 1e-4:
        # near pi: axis from the symmetric part
        B = (R + np.eye(3)) / 2.0
        axis = np.sqrt(np.maximum(np.diag(B).copy(), 0.0))
        k = int(np.argmax(axis))
        axis = B[k].copy() / max(axis[k], 1e-300)
        axis /= np.sqrt(np.sum(axis * axis))
        if np.sum(axis * w) < 0:
            axis = -axis
        return t * axis
    return t / (2.0 * np.sin(t)) * w


@njit(cache=True)
def twist(T):
    """Twist ``(omega, v)`` with ``exp(xi^) = T``: the SE(3) logarithm."""
    w = rotation_vector(T[:3, :3].copy())
    _, V = exp_parts(w)
    out = np.empty(6)
    out[:3] = w
    out[3:] = np.linalg.solve(V, T[:3, 3].copy())
    return out


def euler_xyz_angles(R) -> np.ndarray:
    """Angles ``(a, b, c)`` with ``Rx(a) Ry(b) Rz(c) = R`` (``b`` in [-pi/2, pi/2])."""
    b = math.asin(float(np.clip(R[0, 2], -1.0, 1.0)))
    a = math.atan2(-R[1, 2], R[2, 2])
    c = math.atan2(-R[0, 1], R[0, 0])
    return np.array([a, b, c])


def _rotation_vector_translation(T):
    return np.concatenate([rotation_vector(np.ascontiguousarray(T[:3, :3])), T[:3, 3]])


def _euler_xyz_translation(T):
    return np.concatenate([euler_xyz_angles(T[:3, :3]), T[:3, 3]])


PARAMETERISATIONS = {
    "twist": lambda T: twist(np.ascontiguousarray(T, dtype=np.float64)),
    "rotation_vector+translation": _rotation_vector_translation,
    "euler_xyz+translation": _euler_xyz_translation,
}
"""Closed-form ``params_from_pose`` of the rigid-motion parameterisations jacgen recognises
(:func:`jacgen.parameterisation.recognise`), by the name a generated module's description gives."""


def invert_pose(parameterisation, pose_function, T, n_params: int) -> np.ndarray:
    """Parameters ``p`` with ``pose_function(p) = T``.

    The closed form of ``parameterisation`` when there is one; otherwise (``None``) a
    Levenberg-Marquardt fit of the pose's 12 entries from ``p = 0`` (scipy), which raises
    ``ValueError`` if it cannot reproduce ``T`` to 1e-9.
    """
    T = np.asarray(T, dtype=np.float64)
    if parameterisation is not None:
        return np.asarray(PARAMETERISATIONS[parameterisation](T), dtype=np.float64)
    from scipy.optimize import least_squares

    def residual(p):
        return (pose_function(p) - T)[:3].ravel()

    fit = least_squares(residual, np.zeros(n_params), method="lm", xtol=1e-15, ftol=1e-15, gtol=1e-15)
    if not np.all(np.abs(residual(fit.x)) < 1e-9):
        raise ValueError("no parameter vector of this model reproduces the pose (numerical inverse failed)")
    return fit.x


__all__ = [
    "BATCH_TILE",
    "CHUNK",
    "GROUP_ALIGN",
    "LOSSES",
    "LOSS_SCALE_FACTORS",
    "STREAM_CHUNK",
    "STREAM_MIN_POINTS",
    "STREAM_TILE",
    "PARAMETERISATIONS",
    "accumulator_layout",
    "batch_tiles",
    "euler_xyz_angles",
    "exp_parts",
    "fused_batch",
    "fused_pair",
    "hoist_rows",
    "pair_tiles",
    "invert_pose",
    "phi",
    "phi_body",
    "robust_body",
    "robust_lanes",
    "rotation_vector",
    "skew",
    "sum_tiles",
    "tails",
    "twist",
]
