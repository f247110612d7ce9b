"""Visual odometry over an RGB-D sequence: frame-to-keyframe alignment with :func:`solver.align`.

Each frame is aligned to the current keyframe (an RGB-D frame whose depth supplies the 3-D points),
starting from a constant-velocity prediction. By default the frame's own depth is used too
(``tgt_depth``: DVO-SLAM's depth residual beside the photometric one); ``photometric_only=True``
aligns on intensities alone, as before that residual existed. A frame becomes the new keyframe when its motion
from the keyframe, or the share of the keyframe's points it still sees, passes the policy's
thresholds, and it can serve as one (enough usable reference points: a textureless frame cannot).
A frame whose alignment fails is reported and bridged with the prediction: every pose is finite.

Long sequences can be cut into chunks that start with a keyframe and a fresh velocity prior; the
chunks' trajectories are chained at their shared boundary frame. The serial run and the
distributed one (:func:`solver.distributed.odometry_many`) run the same chunks through the same
function, so they give the same bits.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from solver.arrays.backprojection import reference_points
from solver.arrays.images import to_depth, to_gray
from solver.core import lie
from solver.core.model import align_model
from solver.options import DEPTH_LOSS, ODOMETRY_LOSS, AlignOptions
from solver.photometric.align import align
from solver.result import AlignResult


@dataclass(frozen=True)
class KeyframePolicy:
    """When a frame becomes the new keyframe (any one test suffices).

    The defaults keep a keyframe while the aligner is still strong against it (it is at gap 4 with
    the depth residual), so drift does not grow with the number of frames (measured with the Cauchy
    loss, the default then): on a 300-frame synthetic sequence (120x160, intensity and depth noise)
    ATE 0.28 cm against 2.65 cm for the earlier 5 mm / 0.5 degree / 80 % / 30-frame policy,
    fr1_rpy 1.29 against 1.87 cm, fr1_desk (9 frames) 0.29 against 0.27 cm (README, Sequences).
    Photometric-only odometry (``photometric_only=True``) was tuned with the earlier policy, which
    it may prefer.

    A frame becomes a keyframe only if it can serve as one (:meth:`can_be_keyframe`): a frame
    without texture or depth (a flat image with valid depth, say) would leave every later frame
    without reference points, so the keyframe is kept and the next frame that can serve takes over.

    Attributes
    ----------
    max_translation : float
        Metres moved since the keyframe.
    max_rotation : float
        Degrees turned since the keyframe.
    min_overlap : float
        Share of the keyframe's usable points that still land in the frame (``n_valid`` of the
        finest level over the keyframe's point count).
    max_gap : int
        Frames since the keyframe.
    """

    max_translation: float = 0.05
    max_rotation: float = 5.0
    min_overlap: float = 0.6
    max_gap: int = 60

    def new_keyframe(self, T_frame_from_key: np.ndarray, overlap: float, gap: int) -> bool:
        """Whether the frame with this motion from the keyframe starts a new keyframe."""
        moved = float(np.linalg.norm(T_frame_from_key[:3, 3]))
        turned = math.degrees(float(np.linalg.norm(lie.so3_log(T_frame_from_key[:3, :3]))))
        far = moved > self.max_translation or turned > self.max_rotation
        return far or overlap < self.min_overlap or gap >= self.max_gap

    def min_points(self, n_key: int) -> float:
        """Points of a keyframe with ``n_key`` depth pixels that an alignment to it must use to be trusted."""
        return 0.25 * self.min_overlap * n_key

    def can_be_keyframe(self, usable_points: int, n_key: int) -> bool:
        """Whether a frame with ``usable_points`` reference points and ``n_key`` depth pixels can serve as a keyframe.

        ``usable_points``: the pixels :func:`solver.align` would use as the reference's points (depth
        in range, non-zero gradient). An alignment uses at most these, so with fewer than
        :meth:`min_points` no frame aligned to it could be trusted.
        """
        return usable_points > 0 and usable_points >= self.min_points(n_key)


@dataclass
class OdometryResult:
    """A trajectory and how each frame got its pose.

    Attributes
    ----------
    timestamps : (N,) array
    poses : (N, 4, 4) array
        ``T_world_from_cam`` of every frame, the first frame's camera being the world.
    keyframes : list of int
        Frames that served as keyframes.
    results : list of AlignResult or None
        Each frame's alignment to its keyframe (``None`` for keyframes that start a chunk).
    failures : list of int
        Frames whose alignment failed, or whose files could not be read; their pose is the
        constant-velocity prediction. Also the frames before the first keyframe (unreadable, or
        unable to serve as one), which keep the origin.
    unreadable : dict of int to str
        Frames whose files could not be read (a truncated PNG, say), with the reason naming the file;
        they are among ``failures`` and have no result.
    """

    timestamps: np.ndarray
    poses: np.ndarray
    keyframes: list[int]
    results: list[AlignResult | None]
    failures: list[int] = field(default_factory=list)
    unreadable: dict[int, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.poses)


def _plausible(result: AlignResult, n_key: int, policy: KeyframePolicy) -> bool:
    """An alignment to trust: converged or stopped at the limit, with enough of the keyframe's points."""
    return result.status >= 0 and result.n_valid >= policy.min_points(n_key) and np.isfinite(result.pose).all()


def depth_points(depth: np.ndarray) -> int:
    """Pixels with a depth (finite, > 0): a keyframe's count for the overlap and :meth:`KeyframePolicy.min_points`."""
    return int(np.count_nonzero(np.isfinite(depth) & (depth > 0)))


def usable_points(image, depth, intrinsics, depth_range) -> int:
    """The pixels of ``(image, depth)`` that :func:`solver.align` would use as reference points (full resolution)."""
    gray = to_gray(image, "image")
    points, _ = reference_points(gray, to_depth(depth, gray.shape, "depth"), intrinsics, depth_range, None, np.float32)
    return int(points.shape[0])


ALIGN_DEFAULTS = {"loss": ODOMETRY_LOSS, "ftol": 1e-5}
""":func:`solver.align` options that photometric-only odometry uses unless given (measured on fr1_rpy, README:
Sequences)."""

RGBD_ALIGN_DEFAULTS = {"loss": DEPTH_LOSS, "ftol": 1e-5}
""":func:`solver.align` options that odometry with the frames' depth (the default) uses unless given: the
RGB-D loss of :func:`solver.align` (:data:`solver.options.DEPTH_LOSS`; measured against Cauchy on fr1_rpy,
fr1_desk and three noisy 300-frame synthetic sequences, README: Sequences)."""


def check_align_options(align_options: dict, photometric_only: bool) -> None:
    """``ValueError`` for options odometry sets itself, or for depth asked of a target without depth kernels.

    The depth residual runs where the model's generated align module for the target has the
    photometric + depth kernels (``target="cpu"`` and ``target="cuda"`` alike): elsewhere odometry
    needs ``photometric_only=True`` rather than silently dropping the frames' depth.
    """
    taken = sorted({"init", "callback", "tgt_depth"} & set(align_options))
    if taken:
        raise ValueError(f"odometry sets init and tgt_depth itself and takes no callback (got {', '.join(taken)})")
    if photometric_only:
        return
    model = align_options.get("model", AlignOptions.model)
    target = align_options.get("target", AlignOptions.target)
    if not isinstance(target, str):
        return
    name = model if isinstance(model, str) else getattr(model, "name", "model")
    if not align_model(model).has_depth(target):
        raise ValueError(
            f"odometry uses each frame's depth, and model {name!r} has no depth kernels for target {target!r} "
            "yet: pass photometric_only=True (python -m solver odometry --photometric-only)"
        )


def odometry_chunk(
    frames: Sequence,
    intrinsics,
    *,
    keyframe_policy: KeyframePolicy = KeyframePolicy(),
    photometric_only: bool = False,
    progress: Callable[[int], None] | None = None,
    **align_options,
) -> tuple[np.ndarray, list[int], list[AlignResult | None], list[int], dict[int, str]]:
    """Odometry of one chunk: poses relative to its first frame (which is a keyframe).

    ``frames[k]`` is ``(image, depth_m)``. Returns ``(poses (n, 4, 4), keyframes, results, failures,
    unreadable)`` with chunk-local frame indices. A frame whose files cannot be read (``OSError``) is
    bridged like a failed alignment and listed in ``unreadable`` with the reason; the first readable
    frame that can serve as a keyframe (:meth:`KeyframePolicy.can_be_keyframe`) is the first keyframe
    (the frames before it are failures and keep the chunk's origin). Each alignment gets
    the frame's depth as ``tgt_depth`` unless ``photometric_only``.
    """
    check_align_options(align_options, photometric_only)
    align_options = {**(ALIGN_DEFAULTS if photometric_only else RGBD_ALIGN_DEFAULTS), **align_options}
    depth_range = align_options.get("depth_range", AlignOptions.depth_range)
    serves = partial(_can_serve, keyframe_policy, intrinsics, depth_range)
    n = len(frames)
    poses = np.tile(np.eye(4), (n, 1, 1))
    results: list[AlignResult | None] = [None]
    unreadable: dict[int, str] = {}
    first, key = _first_keyframe(frames, unreadable, serves)
    failures = list(range(first))  # unreadable, or unable to serve as the first keyframe
    results += [None] * first
    if key is None:  # no frame can serve: every frame bridged at the origin
        return poses, [], results[:n], failures, unreadable
    keyframes = [first]
    key_image, key_depth = key
    key_points = depth_points(key_depth)
    key_pose = np.eye(4)
    T_prev_from_key = np.eye(4)
    velocity = np.eye(4)  # T_k-1_from_k-2
    for k in range(first + 1, n):
        predicted = velocity @ T_prev_from_key
        try:
            image, depth = frames[k]
        except OSError as error:
            unreadable[k] = str(error)
            failures.append(k)
            results.append(None)
            poses[k] = key_pose @ lie.se3_inverse(predicted)
            T_prev_from_key = predicted  # bridged at constant velocity
            if progress is not None:
                progress(k)
            continue
        if not photometric_only:
            align_options["tgt_depth"] = depth
        result = align(key_image, key_depth, image, intrinsics, init=predicted, **align_options)
        if not _plausible(result, key_points, keyframe_policy):
            retry = align(key_image, key_depth, image, intrinsics, init=T_prev_from_key, **align_options)
            result = retry if _plausible(retry, key_points, keyframe_policy) else result
        ok = _plausible(result, key_points, keyframe_policy)
        if ok:
            T_k_from_key = result.pose
        else:
            T_k_from_key = predicted
            failures.append(k)
        results.append(result)
        poses[k] = key_pose @ lie.se3_inverse(T_k_from_key)
        velocity = T_k_from_key @ lie.se3_inverse(T_prev_from_key)
        overlap = result.n_valid / max(key_points, 1)
        new = ok and keyframe_policy.new_keyframe(T_k_from_key, overlap, k - keyframes[-1])  # never a failed frame
        if new and serves(image, depth):  # else the keyframe stays, and the next frame that can serve takes over
            keyframes.append(k)
            key_image, key_depth, key_pose = image, depth, poses[k]
            key_points = depth_points(depth)
            T_prev_from_key = np.eye(4)
        else:
            T_prev_from_key = T_k_from_key
        if progress is not None:
            progress(k)
    return poses, keyframes, results, failures, unreadable


def _can_serve(policy: KeyframePolicy, intrinsics, depth_range, image, depth) -> bool:
    """Whether the frame ``(image, depth)`` can serve as a keyframe (:meth:`KeyframePolicy.can_be_keyframe`)."""
    return policy.can_be_keyframe(usable_points(image, depth, intrinsics, depth_range), depth_points(depth))


def _first_keyframe(frames: Sequence, unreadable: dict[int, str], serves: Callable) -> tuple[int, tuple | None]:
    """The index and the ``(image, depth)`` of the first frame that reads and ``serves`` as a keyframe.

    The frames before it that do not read are recorded in ``unreadable``; ``(len(frames), None)`` when none serves.
    """
    for k in range(len(frames)):
        try:
            frame = frames[k]
        except OSError as error:
            unreadable[k] = str(error)
            continue
        if serves(*frame):
            return k, frame
    return len(frames), None


def chunk_bounds(n: int, chunk_size: int | None) -> list[tuple[int, int]]:
    """``[(first, last), ...]`` frame ranges (inclusive) that share their boundary frames."""
    if chunk_size is None or chunk_size >= n:
        return [(0, n - 1)]
    if chunk_size < 2:
        raise ValueError(f"chunk_size must be >= 2, got {chunk_size}")
    starts = list(range(0, n - 1, chunk_size - 1))
    return [(s, min(s + chunk_size - 1, n - 1)) for s in starts]


def stitch(timestamps: np.ndarray, chunks: list, bounds: list[tuple[int, int]]) -> OdometryResult:
    """Chain chunk-local trajectories (from :func:`odometry_chunk`) at their shared boundary frames."""
    n = len(timestamps)
    poses = np.empty((n, 4, 4))
    keyframes: list[int] = []
    results: list[AlignResult | None] = [None] * n
    failures: list[int] = []
    unreadable: dict[int, str] = {}
    base = np.eye(4)
    for (first, last), (local, keys, res, fails, bad) in zip(bounds, chunks, strict=True):
        poses[first : last + 1] = base @ local
        keyframes += [first + k for k in keys if not keyframes or first + k != keyframes[-1]]
        for k, r in enumerate(res):
            if r is not None:
                results[first + k] = r
        failures += [first + k for k in fails if not failures or first + k != failures[-1]]
        unreadable.update({first + k: why for k, why in bad.items()})
        base = poses[last]
    return OdometryResult(np.asarray(timestamps, dtype=np.float64), poses, keyframes, results, failures, unreadable)


def odometry(
    frames: Sequence,
    intrinsics,
    *,
    timestamps=None,
    keyframe_policy: KeyframePolicy = KeyframePolicy(),
    photometric_only: bool = False,
    chunk_size: int | None = None,
    progress: Callable[[int], None] | None = None,
    **align_options,
) -> OdometryResult:
    """Frame-to-keyframe RGB-D odometry over ``frames``.

    Parameters
    ----------
    frames : sequence
        ``frames[k]`` (or ``frames.frame(k)``, as a :class:`solver.sequences.tum.Sequence` has) is
        ``(image, depth_m)``: gray or colour image, depth in metres (0 = missing); frames are read
        one at a time.
    intrinsics : (fx, fy, cx, cy)
    timestamps : (N,) array, optional
        Defaults to ``frames.timestamps`` if present, else ``0, 1, ...``.
    keyframe_policy : KeyframePolicy
        When to start a new keyframe.
    photometric_only : bool
        False (default): each frame is aligned to its keyframe with the frame's depth as well
        (``tgt_depth`` of :func:`solver.align`: the photometric and DVO-SLAM's depth residual,
        weighted by ``depth_weight`` and ``depth_loss_scale`` among ``align_options``). True: the
        photometric residual alone (the frames' depth then only serves as the keyframes' points).
        The depth residual needs the model's depth kernels on ``target`` (``"cpu"``; ``"cuda"``
        has none yet): without them ``ValueError`` asks for ``photometric_only=True``.
    chunk_size : int, optional
        Cut the sequence into chunks of this many frames sharing their boundary frames; each starts
        with a keyframe and no velocity prior (what :func:`solver.distributed.odometry_many` runs
        in parallel).
    progress : callable, optional
        ``progress(k)`` after frame ``k`` (chunk-local index).
    **align_options
        Keywords of :func:`solver.align` (``model``, ``loss``, ``levels``, ``brightness``,
        ``depth_weight``, ...) but ``init``, ``callback`` and ``tgt_depth``, which odometry sets;
        :data:`RGBD_ALIGN_DEFAULTS` (:data:`ALIGN_DEFAULTS` with ``photometric_only``) unless given.

    Returns
    -------
    OdometryResult
    """
    n = len(frames)
    if n < 1:
        raise ValueError("frames is empty")
    check_align_options(align_options, photometric_only)
    if timestamps is None:
        timestamps = getattr(frames, "timestamps", None)
    timestamps = np.arange(n, dtype=np.float64) if timestamps is None else np.asarray(timestamps, dtype=np.float64)
    if timestamps.shape != (n,):
        raise ValueError(f"timestamps must have one entry per frame ({n}), got shape {timestamps.shape}")
    bounds = chunk_bounds(n, chunk_size)
    chunks = [
        odometry_chunk(
            FrameRange(frames, first, last),
            intrinsics,
            keyframe_policy=keyframe_policy,
            photometric_only=photometric_only,
            progress=progress,
            **align_options,
        )
        for first, last in bounds
    ]
    return stitch(timestamps, chunks, bounds)


class FrameRange:
    """Frames ``first .. last`` (inclusive) of ``frames`` as a sequence of their own, read on access.

    ``frames[k]`` or, for a :class:`solver.sequences.tum.Sequence`, ``frames.frame(k)`` gives
    ``(image, depth_m)``; nothing is read until an item is asked for. What :func:`odometry_chunk`
    runs on, here and in :func:`solver.distributed.odometry_many`.
    """

    def __init__(self, frames: Sequence, first: int, last: int):
        self.first, self.n = first, last - first + 1
        self.read = frames.frame if hasattr(frames, "frame") else frames.__getitem__

    def __len__(self) -> int:
        return self.n

    def __getitem__(self, k: int):
        if not 0 <= k < self.n:
            raise IndexError(k)
        return self.read(self.first + k)
