"""TUM RGB-D benchmark formats: frame lists, RGB-depth association, trajectories, pose interpolation.

A sequence folder holds ``rgb.txt`` and ``depth.txt`` (``timestamp path`` per line, ``#`` comments)
and, when known, ``groundtruth.txt`` (``timestamp tx ty tz qx qy qz qw``: ``T_world_from_cam``,
Hamilton quaternion, ``qw`` last). Estimated trajectories use the same format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import numpy as np

from solver.arrays.images import to_gray
from solver.sequences.io import read_depth, read_image

#: Colour-camera intrinsics ``(fx, fy, cx, cy)`` TUM publishes per sensor (images not undistorted).
TUM_INTRINSICS: dict[str, tuple[float, float, float, float]] = {
    "freiburg1": (517.3, 516.5, 318.6, 255.3),
    "freiburg2": (520.9, 521.0, 325.1, 249.7),
    "freiburg3": (535.4, 539.2, 320.1, 247.6),
}
#: Depth PNG units per metre (all TUM sensors).
TUM_DEPTH_SCALE = 5000.0

_SENSOR = re.compile(r"(?<![a-z])(?:freiburg|fr)([123])(?![0-9])", re.IGNORECASE)


class Trajectory(NamedTuple):
    """Timestamped poses: ``timestamps`` (N,) seconds, ``poses`` (N, 4, 4)."""

    timestamps: np.ndarray
    poses: np.ndarray


@dataclass
class Sequence:
    """RGB-D frames of a TUM sequence folder, RGB and depth associated; images load on demand.

    Attributes
    ----------
    folder : Path
    timestamps : ndarray
        (N,) RGB timestamps, increasing.
    rgb, depth : list of Path
        The frames' files.
    depth_timestamps : ndarray
        (N,) timestamps of the associated depth images.
    groundtruth : Trajectory or None
        ``groundtruth.txt`` (``T_world_from_cam``), all of it, when the folder has one.
    intrinsics : tuple or None
        ``(fx, fy, cx, cy)``: given, or guessed from ``freiburgN``/``frN`` in the folder name or the
        list headers; None when unknown.
    depth_scale : float
        Depth units per metre.
    skipped : int
        Associated RGB-depth pairs left out because a file is missing (partial copies of a sequence).
    unmatched : int
        RGB entries with no depth entry within ``max_dt``.
    """

    folder: Path
    timestamps: np.ndarray
    rgb: list[Path]
    depth: list[Path]
    depth_timestamps: np.ndarray
    groundtruth: Trajectory | None
    intrinsics: tuple[float, float, float, float] | None
    depth_scale: float = TUM_DEPTH_SCALE
    skipped: int = 0
    unmatched: int = 0

    def __len__(self) -> int:
        return len(self.timestamps)

    def frame(self, k: int, *, color: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """Frame ``k``: (gray float64 in [0, 1], or RGB uint8 with ``color=True``; depth in metres)."""
        image = read_image(self.rgb[k])
        if not color:
            image = to_gray(image, str(self.rgb[k]))
        return image, read_depth(self.depth[k], self.depth_scale)

    def groundtruth_at_frames(self, max_dt: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
        """Ground truth interpolated at the RGB timestamps: ``(poses (N, 4, 4), valid (N,))``.

        See :func:`interpolate_poses`; raises ``ValueError`` when the folder has no ground truth.
        """
        if self.groundtruth is None:
            raise ValueError(f"{self.folder}: no groundtruth.txt")
        return interpolate_poses(*self.groundtruth, self.timestamps, max_dt)

    def describe(self) -> str:
        """One line: frame count, missing files skipped, ground truth and intrinsics."""
        gt = "none" if self.groundtruth is None else f"{len(self.groundtruth.timestamps)} poses"
        return (
            f"{self.folder.name}: {len(self)} RGB-D frames ({self.skipped} listed pairs skipped, files missing;"
            f" {self.unmatched} RGB without depth), ground truth: {gt}, intrinsics: {self.intrinsics}"
        )


def read_file_list(path: str | Path) -> tuple[np.ndarray, list[str]]:
    """``timestamp rest`` lines of a TUM list (``#`` comments, spaces, commas or tabs): (timestamps, rest)."""
    stamps, rest = [], []
    for n, line in enumerate(Path(path).read_text().splitlines(), 1):
        fields = line.replace(",", " ").replace("\t", " ").split()
        if not fields or fields[0].startswith("#"):
            continue
        try:
            stamps.append(float(fields[0]))
        except ValueError:
            raise ValueError(f"{path}:{n}: bad timestamp {fields[0]!r}") from None
        rest.append(" ".join(fields[1:]))
    return np.array(stamps, dtype=np.float64), rest


def associate(
    first: np.ndarray, second: np.ndarray, max_dt: float = 0.02, offset: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Greedy one-to-one timestamp matching as TUM's ``associate.py``.

    All pairs with ``|a - (b + offset)| < max_dt`` are taken in order of increasing difference (ties
    by ``a``, then ``b``), skipping any whose ``a`` or ``b`` is already matched.

    Returns
    -------
    i, j : ndarray of int
        Matched indices into ``first`` and ``second``, ordered by ``first[i]``.
    """
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(second, dtype=np.float64) + offset
    order = np.argsort(b, kind="stable")
    sb = b[order]
    lo = np.searchsorted(sb, a - max_dt, side="left")
    hi = np.searchsorted(sb, a + max_dt, side="right")
    counts = hi - lo
    ia = np.repeat(np.arange(len(a)), counts)
    ib = order[np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())]
    diff = np.abs(a[ia] - b[ib])
    keep = diff < max_dt
    ia, ib, diff = ia[keep], ib[keep], diff[keep]
    taken_a, taken_b = np.zeros(len(a), bool), np.zeros(len(b), bool)
    pairs = []
    for k in np.lexsort((b[ib], a[ia], diff)):
        p, q = ia[k], ib[k]
        if not taken_a[p] and not taken_b[q]:
            taken_a[p] = taken_b[q] = True
            pairs.append((p, q))
    pairs.sort(key=lambda pq: (a[pq[0]], pq[0]))
    i = np.array([p for p, _ in pairs], dtype=np.intp)
    j = np.array([q for _, q in pairs], dtype=np.intp)
    return i, j


def guess_intrinsics(*texts: str) -> tuple[float, float, float, float] | None:
    """TUM intrinsics of the first ``freiburgN`` / ``frN`` (N = 1, 2, 3) found in ``texts``, else None."""
    for text in texts:
        m = _SENSOR.search(text)
        if m:
            return TUM_INTRINSICS[f"freiburg{m.group(1)}"]
    return None


def _exists(folder: Path, *names: str) -> bool:
    return all((folder / name).is_file() for name in names)


def _header(path: Path) -> str:
    with open(path) as f:
        return "".join(line for line, _ in zip(f, range(5), strict=False) if line.startswith("#"))


def read_sequence(
    folder: str | Path,
    *,
    max_dt: float = 0.02,
    intrinsics: tuple[float, float, float, float] | None = None,
    depth_scale: float = TUM_DEPTH_SCALE,
) -> Sequence:
    """Read a TUM sequence folder (``rgb.txt``, ``depth.txt``, optional ``groundtruth.txt``).

    RGB and depth are associated over the whole lists (:func:`associate`, ``|dt| < max_dt``); then
    pairs whose RGB or depth file is missing are left out and counted in ``Sequence.skipped`` (the
    shared test folders hold a window of the sequence but the lists of all of it). Nothing is
    printed; :meth:`Sequence.describe` gives the counts in a line.

    Raises
    ------
    FileNotFoundError
        ``rgb.txt`` or ``depth.txt`` missing.
    ValueError
        Unparsable lines, or no associated pair with both files present.
    """
    folder = Path(folder)
    for name in ("rgb.txt", "depth.txt"):
        if not (folder / name).is_file():
            raise FileNotFoundError(f"{folder / name} not found (not a TUM sequence folder?)")
    rgb_ts, rgb_paths = read_file_list(folder / "rgb.txt")
    depth_ts, depth_paths = read_file_list(folder / "depth.txt")
    i, j = associate(rgb_ts, depth_ts, max_dt)
    n_associated = len(i)
    present = [k for k, (a, b) in enumerate(zip(i, j, strict=True)) if _exists(folder, rgb_paths[a], depth_paths[b])]
    if not present:
        raise ValueError(f"{folder}: none of the {len(i)} associated RGB-depth pairs has both files present")
    i, j = i[present], j[present]
    gt_path = folder / "groundtruth.txt"
    if intrinsics is None:
        intrinsics = guess_intrinsics(folder.resolve().name, _header(folder / "rgb.txt"))
    return Sequence(
        folder=folder,
        timestamps=rgb_ts[i],
        rgb=[folder / rgb_paths[k] for k in i],
        depth=[folder / depth_paths[k] for k in j],
        depth_timestamps=depth_ts[j],
        groundtruth=read_trajectory(gt_path) if gt_path.is_file() else None,
        intrinsics=None if intrinsics is None else tuple(float(v) for v in intrinsics),
        depth_scale=float(depth_scale),
        skipped=n_associated - len(present),
        unmatched=len(rgb_ts) - n_associated,
    )


def pose_from_tum(values) -> np.ndarray:
    """4x4 poses of ``tx ty tz qx qy qz qw`` values, shape (7,) or (N, 7); quaternions are normalised."""
    values = np.asarray(values, dtype=np.float64)
    poses = np.zeros((*values.shape[:-1], 4, 4))
    from scipy.spatial.transform import Rotation  # here: SciPy's import would slow `import solver`

    poses[..., :3, :3] = Rotation.from_quat(values[..., 3:]).as_matrix()
    poses[..., :3, 3] = values[..., :3]
    poses[..., 3, 3] = 1.0
    return poses


def tum_line(pose: np.ndarray, timestamp: float | None = None, *, decimals: int = 9) -> str:
    """``[timestamp] tx ty tz qx qy qz qw`` of a 4x4 pose (timestamp to the microsecond, ``qw >= 0``).

    ``decimals`` digits after the point for the pose values: 9 (the default) lets a trajectory file
    round-trip to 1e-9.
    """
    from scipy.spatial.transform import Rotation

    q = Rotation.from_matrix(pose[:3, :3]).as_quat(canonical=True)
    line = " ".join(f"{v:.{decimals}f}" for v in (*pose[:3, 3], *q))
    return line if timestamp is None else f"{timestamp:.6f} {line}"


def read_trajectory(path: str | Path) -> Trajectory:
    """A TUM trajectory file (``timestamp tx ty tz qx qy qz qw`` lines) as poses sorted by time.

    Quaternions are normalised; ``ValueError`` names the line of a malformed entry.
    """
    stamps, rest = read_file_list(path)
    values = np.empty((len(stamps), 7))
    for k, fields in enumerate(rest):
        try:
            row = [float(v) for v in fields.split()]
        except ValueError:
            row = []
        if len(row) != 7 or not np.all(np.isfinite(row)) or not np.any(row[3:]):
            raise ValueError(f"{path}: entry {k + 1} ({stamps[k]}) is not 'timestamp tx ty tz qx qy qz qw'")
        values[k] = row
    order = np.argsort(stamps, kind="stable")
    return Trajectory(stamps[order], pose_from_tum(values[order]))


def write_trajectory(path: str | Path, timestamps, poses) -> None:
    """Write a ``# timestamp tx ty tz qx qy qz qw`` header and a :func:`tum_line` per pose."""
    timestamps = np.asarray(timestamps, dtype=np.float64)
    poses = np.asarray(poses, dtype=np.float64)
    if poses.shape != (len(timestamps), 4, 4):
        raise ValueError(f"poses must be ({len(timestamps)}, 4, 4) for {len(timestamps)} timestamps, got {poses.shape}")
    lines = ["# timestamp tx ty tz qx qy qz qw", *(tum_line(T, t) for t, T in zip(timestamps, poses, strict=True))]
    Path(path).write_text("\n".join(lines) + "\n")


def interpolate_poses(timestamps, poses, query, max_dt: float = 0.02) -> tuple[np.ndarray, np.ndarray]:
    """Poses at ``query`` times: linear in translation, slerp in rotation, between the samples on either side.

    A query is valid when it lies within ``[timestamps[0], timestamps[-1]]`` and its nearest sample is
    within ``max_dt`` (as the shared folders' ``frames.csv`` was made); others get NaN poses.

    Returns
    -------
    poses : ndarray
        (Q, 4, 4).
    valid : ndarray of bool
        (Q,).
    """
    t = np.asarray(timestamps, dtype=np.float64)
    P = np.asarray(poses, dtype=np.float64)
    q = np.atleast_1d(np.asarray(query, dtype=np.float64))
    if len(t) == 0:
        return np.full((len(q), 4, 4), np.nan), np.zeros(len(q), bool)
    idx = np.searchsorted(t, q, side="left")
    hi, lo = np.clip(idx, 0, len(t) - 1), np.clip(idx - 1, 0, len(t) - 1)
    nearest = np.minimum(np.abs(q - t[lo]), np.abs(q - t[hi]))
    valid = (q >= t[0]) & (q <= t[-1]) & (nearest <= max_dt)
    span = t[hi] - t[lo]
    s = np.where(span > 0, (q - t[lo]) / np.where(span > 0, span, 1.0), 0.0)
    s = np.clip(s, 0.0, 1.0)
    from scipy.spatial.transform import Rotation

    r0 = Rotation.from_matrix(P[lo, :3, :3])
    step = (r0.inv() * Rotation.from_matrix(P[hi, :3, :3])).as_rotvec()
    out = np.zeros((len(q), 4, 4))
    out[:, :3, :3] = (r0 * Rotation.from_rotvec(s[:, None] * step)).as_matrix()
    out[:, :3, 3] = (1.0 - s)[:, None] * P[lo, :3, 3] + s[:, None] * P[hi, :3, 3]
    out[:, 3, 3] = 1.0
    out[~valid] = np.nan
    return out, valid
