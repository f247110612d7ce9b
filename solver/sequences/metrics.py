"""Trajectory accuracy as the TUM RGB-D benchmark defines it: absolute trajectory error and relative pose error.

Trajectories are ``(timestamps (N,), poses (N, 4, 4))`` pairs of ``T_world_from_cam``, e.g. from
:func:`solver.sequences.tum.read_trajectory`. The estimate is matched to the ground truth by timestamp: the
nearest ground-truth sample within ``max_dt`` (``ate``: one-to-one, as ``associate.py``; ``rpe``:
nearest, as ``evaluate_rpe.py``), or with ``interpolate=True`` the ground truth interpolated at the
estimate's timestamps (:func:`solver.sequences.tum.interpolate_poses`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np

from solver.sequences.tum import Trajectory, associate, interpolate_poses


@dataclass(frozen=True)
class ErrorStats:
    """Summary of non-negative errors: RMSE, mean, median, standard deviation, min, max, count."""

    rmse: float
    mean: float
    median: float
    std: float
    min: float
    max: float
    n: int

    @classmethod
    def of(cls, errors: np.ndarray) -> ErrorStats:
        """Statistics of ``errors`` (NaN everywhere when empty)."""
        e = np.asarray(errors, dtype=np.float64)
        if e.size == 0:
            return cls(*(math.nan,) * 6, 0)
        return cls(
            float(np.sqrt(np.mean(e * e))),
            float(e.mean()),
            float(np.median(e)),
            float(e.std()),
            float(e.min()),
            float(e.max()),
            int(e.size),
        )


@dataclass(frozen=True)
class ATEResult:
    """Absolute trajectory error after aligning the estimate's positions to the ground truth's.

    Attributes
    ----------
    trans : ErrorStats
        Translational residuals ``|gt_xyz - est_xyz|`` in metres.
    errors, timestamps : ndarray
        (M,) per associated pose, and the estimate's timestamps of those poses.
    gt_xyz, est_xyz : ndarray
        (M, 3) matched ground-truth positions and the aligned estimated ones.
    rotation, translation, scale
        The alignment ``x -> scale * rotation @ x + translation`` applied to the estimate.
    aligned : Trajectory
        Every pose of the estimate, aligned (rotation applied to orientations too).
    align : str
        ``"rigid"``, ``"similarity"`` or ``"none"``.
    """

    trans: ErrorStats
    errors: np.ndarray
    timestamps: np.ndarray
    gt_xyz: np.ndarray
    est_xyz: np.ndarray
    rotation: np.ndarray
    translation: np.ndarray
    scale: float
    aligned: Trajectory
    align: str

    @property
    def transform(self) -> np.ndarray:
        """The alignment as a 4x4 matrix ``[[s R, t], [0, 1]]``."""
        S = np.eye(4)
        S[:3, :3] = self.scale * self.rotation
        S[:3, 3] = self.translation
        return S


@dataclass(frozen=True)
class RPEResult:
    """Relative pose error over pairs of estimated poses ``delta`` apart.

    Attributes
    ----------
    trans : ErrorStats
        Translational error in metres.
    rot : ErrorStats
        Rotational error in degrees.
    trans_errors, rot_errors : ndarray
        (K,) per pair (metres, degrees).
    pairs : ndarray
        (K, 2) indices ``(i, j)`` into the estimate.
    timestamps : ndarray
        (K, 2) the estimate's timestamps of each pair.
    delta : float
    unit : str
    """

    trans: ErrorStats
    rot: ErrorStats
    trans_errors: np.ndarray
    rot_errors: np.ndarray
    pairs: np.ndarray
    timestamps: np.ndarray
    delta: float
    unit: str


def umeyama(src: np.ndarray, dst: np.ndarray, *, with_scale: bool = False) -> tuple[np.ndarray, np.ndarray, float]:
    """Least-squares ``(R, t, s)`` minimising ``sum |dst - (s R src + t)|^2`` (Umeyama 1991; Horn's for s = 1).

    Parameters
    ----------
    src, dst : ndarray
        (N, 3) corresponding points, N >= 2. With collinear points the rotation about their line is
        not determined (one of the optimal ones is returned).
    with_scale : bool
        Also solve for the scale ``s`` (else 1).

    Returns
    -------
    R : ndarray
        (3, 3) rotation (det +1).
    t : ndarray
        (3,)
    s : float
    """
    src, dst = np.asarray(src, np.float64), np.asarray(dst, np.float64)
    if src.shape != dst.shape or src.ndim != 2 or src.shape[1] != 3 or len(src) < 2:
        raise ValueError(f"umeyama needs two (N, 3) point sets with N >= 2, got {src.shape} and {dst.shape}")
    mu_s, mu_d = src.mean(axis=0), dst.mean(axis=0)
    xs, xd = src - mu_s, dst - mu_d
    U, d, Vt = np.linalg.svd(xd.T @ xs / len(src))
    D = np.ones(3)
    if np.linalg.det(U) * np.linalg.det(Vt) < 0:
        D[2] = -1.0
    R = (U * D) @ Vt
    var_s = float(np.mean(np.sum(xs * xs, axis=1)))
    s = float(d @ D / var_s) if with_scale and var_s > 0 else 1.0
    return R, mu_d - s * R @ mu_s, s


def _as_trajectory(traj, name: str) -> Trajectory:
    t, P = (np.asarray(v, dtype=np.float64) for v in traj)
    if t.ndim != 1 or len(t) == 0 or P.shape != (len(t), 4, 4):
        raise ValueError(f"{name} must be (timestamps (N,), poses (N, 4, 4)), N >= 1, got {t.shape} and {P.shape}")
    if not (np.isfinite(t).all() and np.isfinite(P).all()):
        raise ValueError(f"{name} has non-finite timestamps or poses")
    order = np.argsort(t, kind="stable")
    return Trajectory(t[order], P[order])


def _nearest(sorted_values: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Index of the nearest entry of ``sorted_values`` for each query (the lower one on ties)."""
    n = len(sorted_values)
    k = np.searchsorted(sorted_values, query)
    lo, hi = np.clip(k - 1, 0, n - 1), np.clip(k, 0, n - 1)
    return np.where(np.abs(sorted_values[lo] - query) <= np.abs(sorted_values[hi] - query), lo, hi)


def _gt_for(gt: Trajectory, est_t: np.ndarray, max_dt: float, interpolate: bool, one_to_one: bool):
    """Indices into the estimate that have ground truth, and the ground-truth poses for them."""
    if interpolate:
        poses, valid = interpolate_poses(*gt, est_t, max_dt)
        return np.flatnonzero(valid), poses[valid]
    if one_to_one:
        i_gt, i_est = associate(gt.timestamps, est_t, max_dt)
        order = np.argsort(i_est, kind="stable")
        return i_est[order], gt.poses[i_gt[order]]
    idx = _nearest(gt.timestamps, est_t)
    ok = np.abs(gt.timestamps[idx] - est_t) < max_dt
    return np.flatnonzero(ok), gt.poses[idx[ok]]


def ate(
    gt,
    est,
    *,
    align: Literal["rigid", "similarity", "none"] = "rigid",
    max_dt: float = 0.02,
    interpolate: bool = False,
) -> ATEResult:
    """Absolute trajectory error (TUM ``evaluate_ate.py``; ``align="similarity"`` adds a scale).

    The estimate's timestamps are associated one-to-one with the ground truth's (``|dt| < max_dt``),
    the matched positions aligned by least squares (:func:`umeyama`), and the translational
    residuals summarised.

    Raises
    ------
    ValueError
        Bad shapes, an unknown ``align``, or fewer than 2 associated poses (1 for ``"none"``).
    """
    if align not in ("rigid", "similarity", "none"):
        raise ValueError(f"align must be 'rigid', 'similarity' or 'none', got {align!r}")
    gt, est = _as_trajectory(gt, "gt"), _as_trajectory(est, "est")
    idx, gt_poses = _gt_for(gt, est.timestamps, max_dt, interpolate, one_to_one=True)
    if len(idx) < (1 if align == "none" else 2):
        raise ValueError(
            f"only {len(idx)} of {len(est.timestamps)} estimated poses have ground truth within {max_dt} s"
            " (different sequences, or timestamps in other units?)"
        )
    gt_xyz = gt_poses[:, :3, 3]
    R, t, s = np.eye(3), np.zeros(3), 1.0
    if align != "none":
        R, t, s = umeyama(est.poses[idx, :3, 3], gt_xyz, with_scale=align == "similarity")
    aligned = est.poses.copy()
    aligned[:, :3, :3] = R @ est.poses[:, :3, :3]
    aligned[:, :3, 3] = s * est.poses[:, :3, 3] @ R.T + t
    est_xyz = aligned[idx, :3, 3]
    errors = np.linalg.norm(gt_xyz - est_xyz, axis=1)
    return ATEResult(
        trans=ErrorStats.of(errors),
        errors=errors,
        timestamps=est.timestamps[idx],
        gt_xyz=gt_xyz,
        est_xyz=est_xyz,
        rotation=R,
        translation=t,
        scale=s,
        aligned=Trajectory(est.timestamps, aligned),
        align=align,
    )


def rpe_pairs(index: np.ndarray, delta: float) -> np.ndarray:
    """Pairs ``(i, j)`` with ``index[j]`` nearest ``index[i] + delta``, the target inside the trajectory.

    ``index`` is increasing (frame numbers or timestamps). A target counts as inside when it is at
    most half the median spacing past the last entry; pairs with ``j == i`` are dropped.
    (``evaluate_rpe.py`` drops every pair ending on the last pose, including exact ones; kept here.)
    """
    index = np.asarray(index, dtype=np.float64)
    if len(index) < 2:
        return np.empty((0, 2), dtype=np.intp)
    target = index + delta
    j = _nearest(index, target)
    i = np.arange(len(index))
    keep = (target <= index[-1] + 0.5 * np.median(np.diff(index))) & (j > i)
    return np.stack([i[keep], j[keep]], axis=1)


def _relative_errors(gt_poses: np.ndarray, est_poses: np.ndarray, pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``E = inv(inv(P_j) P_i) inv(Q_j) Q_i`` per pair (``evaluate_rpe.py``): (|t(E)| m, angle(E) deg)."""
    inv = np.linalg.inv
    A = inv(est_poses[pairs[:, 1]]) @ est_poses[pairs[:, 0]]
    B = inv(gt_poses[pairs[:, 1]]) @ gt_poses[pairs[:, 0]]
    E = inv(A) @ B
    cos = np.clip((np.trace(E[:, :3, :3], axis1=1, axis2=2) - 1.0) / 2.0, -1.0, 1.0)
    return np.linalg.norm(E[:, :3, 3], axis=1), np.degrees(np.arccos(cos))


def rpe(
    gt,
    est,
    *,
    delta: float = 1,
    unit: Literal["frames", "seconds"] = "frames",
    max_dt: float = 0.02,
    interpolate: bool = False,
) -> RPEResult:
    """Relative pose error over pairs ``delta`` frames or seconds apart (TUM ``evaluate_rpe.py --fixed_delta``).

    For each pair ``(i, j)`` of estimated poses (:func:`rpe_pairs`) whose timestamps both have a
    ground-truth sample within ``max_dt`` (nearest; the script's default threshold is twice the
    ground-truth spacing, 0.02 s at 100 Hz), the error is ``E = inv(inv(P_j) P_i) @ inv(Q_j) Q_i``
    (``P`` estimate, ``Q`` ground truth): ``|t(E)|`` in metres and the angle of ``R(E)`` in degrees.

    Raises
    ------
    ValueError
        Bad input, or no pair with ground truth at both ends.
    """
    if unit not in ("frames", "seconds"):
        raise ValueError(f"unit must be 'frames' or 'seconds', got {unit!r}")
    if not delta > 0:
        raise ValueError(f"delta must be > 0, got {delta}")
    gt, est = _as_trajectory(gt, "gt"), _as_trajectory(est, "est")
    idx, gt_poses = _gt_for(gt, est.timestamps, max_dt, interpolate, one_to_one=False)
    full = np.full((len(est.timestamps), 4, 4), np.nan)
    full[idx] = gt_poses
    index = np.arange(len(est.timestamps)) if unit == "frames" else est.timestamps
    pairs = rpe_pairs(index, delta)
    has_gt = np.zeros(len(est.timestamps), bool)
    has_gt[idx] = True
    pairs = pairs[has_gt[pairs[:, 0]] & has_gt[pairs[:, 1]]]
    if len(pairs) == 0:
        span = est.timestamps[-1] - est.timestamps[0] if len(est.timestamps) else 0.0
        raise ValueError(
            f"no pair of estimated poses {delta} {unit} apart with ground truth at both ends"
            f" ({len(est.timestamps)} poses over {span:.3f} s, {len(idx)} with ground truth)"
        )
    t_err, r_err = _relative_errors(full, est.poses, pairs)
    return RPEResult(
        trans=ErrorStats.of(t_err),
        rot=ErrorStats.of(r_err),
        trans_errors=t_err,
        rot_errors=r_err,
        pairs=pairs,
        timestamps=est.timestamps[pairs],
        delta=float(delta),
        unit=unit,
    )
