"""Trajectory accuracy as the TUM RGB-D benchmark and evo define it: absolute trajectory error and relative pose error.

Trajectories are ``(timestamps (N,), poses (N, 4, 4))`` pairs of ``T_world_from_cam``, e.g. from
:func:`solver.sequences.tum.read_trajectory`. The estimate is matched to the ground truth by timestamp: the
nearest ground-truth sample within ``max_dt`` (``ate``: one-to-one, as ``associate.py``; ``rpe``:
nearest, as ``evaluate_rpe.py``), or with ``interpolate=True`` the ground truth interpolated at the
estimate's timestamps (:func:`solver.sequences.tum.interpolate_poses`).

:func:`evaluate` is what ``python -m solver evaluate`` and ``python -m solver odometry`` print: ATE and
RPE with one association for both, by default that of TUM's ``associate.py`` and evo (nearest sample
within :data:`MAX_DT`, no interpolation), so a trajectory file scores the same in both commands and in
those tools.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from solver.sequences.tum import Trajectory, associate, interpolate_poses

#: Association threshold (seconds) of every evaluation by default: TUM ``associate.py``'s ``max_difference``.
MAX_DT = 0.02
#: The RPE that :func:`evaluate` reports unless told otherwise: over 1 frame and over 1 second.
DEFAULT_RPE_DELTAS: tuple[tuple[float, str], ...] = ((1, "frames"), (1.0, "seconds"))
#: Spellings of the RPE delta units (``evaluate_rpe.py --delta_unit f|s``, evo's ``--delta_unit f``).
UNITS = {"f": "frames", "frames": "frames", "s": "seconds", "seconds": "seconds"}
#: RPE error conventions: ``"evo"`` ``inv(inv(Q_i) Q_j) inv(P_i) P_j``, ``"tum"`` (``evaluate_rpe.py``)
#: ``inv(inv(P_j) P_i) inv(Q_j) Q_i``. Same rotation angle; the translations differ when the relative
#: rotations do (evo's is the difference of the relative translations, TUM's of their inverses').
CONVENTIONS = ("evo", "tum")


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

    def to_dict(self) -> dict[str, float | int | None]:
        """The figures by name (``rmse mean median std min max n``), ``None`` for NaN (JSON has no NaN)."""
        out: dict[str, float | int | None] = {}
        for name in ("rmse", "mean", "median", "std", "min", "max"):
            value = getattr(self, name)
            out[name] = None if math.isnan(value) else value
        out["n"] = self.n
        return out


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
        ``"frames"`` or ``"seconds"``.
    convention : str
        ``"evo"`` or ``"tum"`` (:data:`CONVENTIONS`).
    """

    trans: ErrorStats
    rot: ErrorStats
    trans_errors: np.ndarray
    rot_errors: np.ndarray
    pairs: np.ndarray
    timestamps: np.ndarray
    delta: float
    unit: str
    convention: str = "evo"

    @property
    def label(self) -> str:
        """``"1 frame"``, ``"5 frames"``, ``"1 s"``, ``"0.5 s"``."""
        return rpe_label(self.delta, self.unit)


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
    max_dt: float = MAX_DT,
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


def _rotation_angle(R: np.ndarray) -> np.ndarray:
    """Angle in radians of each rotation in ``R`` (..., 3, 3), accurate for small angles (``atan2``, not ``arccos``)."""
    skew = np.stack([R[..., 2, 1] - R[..., 1, 2], R[..., 0, 2] - R[..., 2, 0], R[..., 1, 0] - R[..., 0, 1]], axis=-1)
    return np.arctan2(np.linalg.norm(skew, axis=-1), np.trace(R, axis1=-2, axis2=-1) - 1.0)


def _relative_errors(
    gt_poses: np.ndarray, est_poses: np.ndarray, pairs: np.ndarray, convention: str
) -> tuple[np.ndarray, np.ndarray]:
    """Per pair ``(|t(E)|`` metres, ``angle(R(E))`` degrees); ``E`` as :data:`CONVENTIONS` says."""
    inv = np.linalg.inv
    i, j = pairs[:, 0], pairs[:, 1]
    P_rel = inv(est_poses[i]) @ est_poses[j]
    Q_rel = inv(gt_poses[i]) @ gt_poses[j]
    E = inv(Q_rel) @ P_rel if convention == "evo" else P_rel @ inv(Q_rel)
    return np.linalg.norm(E[:, :3, 3], axis=1), np.degrees(_rotation_angle(E[:, :3, :3]))


def rpe_setting(delta: float, unit: str) -> tuple[float, str]:
    """Check an RPE ``(delta, unit)``: the unit's full name, and the delta (an ``int`` for frames).

    Raises
    ------
    ValueError
        An unknown unit, a delta that is not > 0 and finite, or a fractional number of frames.
    """
    if unit not in UNITS:
        raise ValueError(f"RPE delta unit must be 'f' (frames) or 's' (seconds), got {unit!r}")
    unit = UNITS[unit]
    if not (math.isfinite(delta) and delta > 0):
        raise ValueError(f"RPE delta must be a number > 0, got {delta}")
    if unit == "frames":
        if delta != int(delta):
            raise ValueError(f"RPE delta in frames must be a whole number, got {delta}")
        return int(delta), unit
    return float(delta), unit


def rpe_label(delta: float, unit: str) -> str:
    """``"1 frame"``, ``"5 frames"``, ``"1 s"``, ``"0.5 s"``."""
    if UNITS.get(unit, unit) == "frames":
        return f"{int(delta)} frame" + ("" if int(delta) == 1 else "s")
    return f"{delta:g} s"


def rpe(
    gt,
    est,
    *,
    delta: float = 1,
    unit: Literal["frames", "seconds", "f", "s"] = "frames",
    max_dt: float = MAX_DT,
    interpolate: bool = False,
    convention: Literal["evo", "tum"] = "evo",
) -> RPEResult:
    """Relative pose error over pairs ``delta`` frames or seconds apart (evo ``evo_rpe``, TUM ``evaluate_rpe.py``).

    Pairs ``(i, j)`` of estimated poses (:func:`rpe_pairs`): ``j = i + delta`` in frames (evo's
    ``--delta N --delta_unit f --all_pairs``, ``evaluate_rpe.py --fixed_delta --delta_unit f``), or the
    pose whose timestamp is nearest ``t_i + delta`` seconds (``evaluate_rpe.py --delta_unit s``; evo has
    no seconds). Frames count the estimate's poses, as ``evaluate_rpe.py`` does (evo counts those with
    ground truth: the same pairs when every pose has some). Pairs count where both poses have a
    ground-truth sample within ``max_dt`` (nearest; the script's default
    threshold is twice the ground-truth spacing, 0.02 s at 100 Hz). With ``P`` the estimate and ``Q``
    the ground truth, the error is ``E = inv(inv(Q_i) Q_j) @ inv(P_i) P_j`` (``convention="evo"``) or
    ``inv(inv(P_j) P_i) @ inv(Q_j) Q_i`` (``"tum"``): ``|t(E)|`` in metres and the angle of ``R(E)``
    in degrees.

    Raises
    ------
    ValueError
        Bad input (:func:`rpe_setting`), an unknown convention, or no pair with ground truth at both ends.
    """
    delta, unit = rpe_setting(delta, unit)
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be 'evo' or 'tum', got {convention!r}")
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
        span = est.timestamps[-1] - est.timestamps[0]
        raise ValueError(
            f"no pair of estimated poses {delta} {unit} apart with ground truth at both ends"
            f" ({len(est.timestamps)} poses over {span:.3f} s, {len(idx)} with ground truth)"
        )
    t_err, r_err = _relative_errors(full, est.poses, pairs, convention)
    return RPEResult(
        trans=ErrorStats.of(t_err),
        rot=ErrorStats.of(r_err),
        trans_errors=t_err,
        rot_errors=r_err,
        pairs=pairs,
        timestamps=est.timestamps[pairs],
        delta=float(delta),
        unit=unit,
        convention=convention,
    )


@dataclass(frozen=True)
class Evaluation:
    """ATE and RPE of one estimate against ground truth, with one association for all (:func:`evaluate`).

    Attributes
    ----------
    ate : ATEResult
    rpe : dict of str to RPEResult or str
        Per :func:`rpe_label` (``"1 frame"``, ``"1 s"``), the result or why there is none.
    n_gt, n_est : int
        Poses in the ground truth and in the estimate.
    max_dt : float
    interpolate : bool
    convention : str
    """

    ate: ATEResult
    rpe: dict[str, RPEResult | str]
    n_gt: int
    n_est: int
    max_dt: float
    interpolate: bool
    convention: str

    @property
    def association(self) -> str:
        """The association in words."""
        if self.interpolate:
            return f"ground truth interpolated at the estimate's timestamps (nearest sample |dt| <= {self.max_dt} s)"
        return f"nearest ground-truth sample, |dt| < {self.max_dt} s, no interpolation (TUM associate.py, evo)"

    def to_dict(self) -> dict[str, Any]:
        """Every figure (metres, degrees), the counts and the settings, as plain JSON-ready values."""
        a = self.ate
        rpes: list[dict[str, Any]] = []
        for label, r in self.rpe.items():
            if isinstance(r, str):
                rpes.append({"label": label, "error": r})
                continue
            delta = int(r.delta) if r.unit == "frames" else r.delta
            rpes.append(
                {"label": label, "delta": delta, "unit": r.unit, "pairs": len(r.pairs)}
                | {"trans_m": r.trans.to_dict(), "rot_deg": r.rot.to_dict()}
            )
        return {
            "units": {"trans": "m", "rot": "deg"},
            "settings": {
                "align": a.align,
                "max_dt": self.max_dt,
                "interpolate": self.interpolate,
                "association": self.association,
                "rpe_convention": self.convention,
            },
            "counts": {"gt_poses": self.n_gt, "est_poses": self.n_est, "associated": a.trans.n},
            "ate": {
                "trans_m": a.trans.to_dict(),
                "alignment": {"rotation": a.rotation.tolist(), "translation": a.translation.tolist(), "scale": a.scale},
            },
            "rpe": rpes,
        }


def evaluate(
    gt,
    est,
    *,
    align: Literal["rigid", "similarity", "none"] = "rigid",
    max_dt: float = MAX_DT,
    interpolate: bool = False,
    deltas=DEFAULT_RPE_DELTAS,
    convention: Literal["evo", "tum"] = "evo",
) -> Evaluation:
    """ATE (:func:`ate`) and the RPE over each ``(delta, unit)`` of ``deltas`` (:func:`rpe`), associated alike.

    The defaults are the association of TUM's ``associate.py`` and evo (nearest sample within 0.02 s,
    no interpolation). An RPE that cannot be computed (no pair that far apart with ground truth at
    both ends) is the reason, as a string, in :attr:`Evaluation.rpe`.

    Raises
    ------
    ValueError
        Bad input, a bad ``(delta, unit)`` or convention, or too few associated poses for the ATE.
    """
    settings = [rpe_setting(d, u) for d, u in deltas]
    if convention not in CONVENTIONS:
        raise ValueError(f"convention must be 'evo' or 'tum', got {convention!r}")
    gt, est = _as_trajectory(gt, "gt"), _as_trajectory(est, "est")
    ate_result = ate(gt, est, align=align, max_dt=max_dt, interpolate=interpolate)
    rpes: dict[str, RPEResult | str] = {}
    for delta, unit in settings:
        try:
            rpes[rpe_label(delta, unit)] = rpe(
                gt, est, delta=delta, unit=unit, max_dt=max_dt, interpolate=interpolate, convention=convention
            )
        except ValueError as error:
            rpes[rpe_label(delta, unit)] = str(error)
    return Evaluation(ate_result, rpes, len(gt.timestamps), len(est.timestamps), max_dt, interpolate, convention)
