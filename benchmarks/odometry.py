"""Suite ``odometry``: whole-trajectory visual odometry on the shared TUM sequences against ground truth.

Contenders, each run over every frame of a sequence and returning ``T_world_from_cam`` per frame
(the first frame's camera is the world):

* ours: :func:`solver.odometry` with its defaults (frame-to-keyframe alignment with each frame's
  depth as ``tgt_depth``, constant-velocity prediction,
  :data:`solver.sequences.visual_odometry.RGBD_ALIGN_DEFAULTS`), and with ``photometric_only=True``
  (:data:`~solver.sequences.visual_odometry.ALIGN_DEFAULTS`);
* ours, for reference: :func:`solver.align` with default options (photometric) chained frame to frame;
* OpenCV 5 ``cv2.Odometry`` with the RGB-D and the RGB-only algorithm, and Open3D
  ``compute_rgbd_odometry`` with the hybrid term, each chained frame to frame (called as in
  :mod:`benchmarks.peers.odometry`: ``source = frame k-1, target = frame k`` returns ``T_k_from_k-1``).

Chaining: ``T_world_from_cam_k = T_world_from_cam_k-1 @ inv(T_k_from_k-1)``. The frames (RGB uint8,
depth in metres) are read once, outside the timed calls; every contender converts them inside its
own call, as in the ``align`` suite. Whole-sequence runs are timed with :func:`harness.time_contenders`
(alternating, settling pause before each timed run, first call apart). Accuracy, from the first
call's trajectory (all three contenders are deterministic): ATE RMSE after a rigid alignment and
RPE over 1 frame (RMSE), both against the ground truth interpolated at the RGB timestamps
(:mod:`solver.sequences.metrics`, ``interpolate=True``). Sequences are ``<data>/tum_fr1_rpy`` and
``<data>/tum_fr1_desk`` (default ``../shared/data``); the suite skips with a note when they are absent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from . import harness
from .harness import Skip

SEQUENCES = ("tum_fr1_rpy", "tum_fr1_desk")
QUICK_FRAMES = 8
SMOKE_FRAMES = 3
REFERENCE = (
    "Issue 18's reference figures on tum_fr1_rpy (40 frames), ATE RMSE: solver.align chained 1.97 cm, "
    "OpenCV 5 RGB odometry chained 1.77 cm. Issue 24 (RGB-D) asks for solver.odometry's defaults at or "
    "below chained OpenCV RGB-D in ATE and 1-frame RPE (translation) on both sequences, in time per frame too."
)
OURS = "ours: solver.odometry (defaults: RGB-D)"
PHOTOMETRIC = "ours: solver.odometry(photometric_only=True)"
ALIGN_CHAIN = "ours: solver.align chained frame to frame (defaults)"
OPENCV_CHAIN = "OpenCV Odometry RGB chained frame to frame"
OPENCV_RGBD_CHAIN = "OpenCV Odometry RGB-D chained frame to frame"
OPEN3D_CHAIN = "Open3D compute_rgbd_odometry hybrid chained frame to frame"


def find_sequences(data: Path | None) -> tuple[list[Path], list[str]]:
    """The shared sequence folders present under ``data`` and the names of those missing."""
    present, missing = [], []
    for name in SEQUENCES:
        folder = Path(data) / name if data is not None else None
        if folder is not None and (folder / "rgb.txt").is_file() and (folder / "groundtruth.txt").is_file():
            present.append(folder)
        else:
            missing.append(name)
    return present, missing


def load_frames(seq, n: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``(rgb uint8, depth_m)`` of the first ``n`` frames, read once outside the timed calls."""
    return [seq.frame(k, color=True) for k in range(n)]


def chain(relative: list[np.ndarray]) -> np.ndarray:
    """``T_world_from_cam`` per frame from ``T_k_from_k-1`` (k = 1 .. n-1); the first frame is the world."""
    poses = np.empty((len(relative) + 1, 4, 4))
    poses[0] = np.eye(4)
    for k, T in enumerate(relative, 1):
        poses[k] = poses[k - 1] @ np.linalg.inv(T)
    return poses


# ----------------------------------------------------------------------------------------------------------------------
# contenders: setup() -> run() -> (poses (n, 4, 4), info dict)


def _ours(frames, intrinsics, timestamps, photometric_only: bool = False):
    def setup():
        try:
            from solver import odometry
        except ImportError as exc:
            raise Skip(f"pending: solver.odometry not importable ({exc})") from None

        def run():
            res = odometry(frames, intrinsics, timestamps=timestamps, photometric_only=photometric_only)
            return res.poses, {"failed_frames": len(res.failures), "keyframes": len(res.keyframes)}

        return run

    return setup


def _align_chain(frames, intrinsics):
    def setup():
        try:
            import solver
        except ImportError as exc:
            raise Skip(f"pending: solver.align not importable ({exc})") from None

        def run():
            relative, failed = [], 0
            for (ref_rgb, ref_depth), (tgt_rgb, _tgt_depth) in zip(frames[:-1], frames[1:], strict=True):
                res = solver.align(ref_rgb, ref_depth, tgt_rgb, intrinsics)
                T = np.asarray(res.pose, dtype=np.float64)
                failed += not (res.success and np.isfinite(T).all())
                relative.append(T if np.isfinite(T).all() else np.eye(4))
            return chain(relative), {"failed_frames": failed}

        return run

    return setup


def _peer_chain(frames, make_step: Callable[[], Callable]):
    """A peer's ``step(ref_rgb, ref_depth, tgt_rgb, tgt_depth) -> (T_tgt_from_ref, ok)`` chained frame to frame."""

    def setup():
        step = make_step()

        def run():
            relative, failed = [], 0
            for (ref_rgb, ref_depth), (tgt_rgb, tgt_depth) in zip(frames[:-1], frames[1:], strict=True):
                T, ok = step(ref_rgb, ref_depth, tgt_rgb, tgt_depth)  # RGB algorithms leave the depths unused
                failed += not (ok and np.isfinite(T).all())
                relative.append(T if np.isfinite(T).all() else np.eye(4))
            return chain(relative), {"failed_frames": failed}

        return run

    return setup


def _opencv_chain(frames, intrinsics, kind: str = "rgb"):
    def make_step():
        from .peers.odometry import make_opencv

        return make_opencv(kind, intrinsics)

    return _peer_chain(frames, make_step)


def _open3d_chain(frames, intrinsics):
    def make_step():
        from .peers.odometry import make_open3d

        return make_open3d("hybrid", intrinsics, frames[0][1].shape)

    return _peer_chain(frames, make_step)


def evaluate(groundtruth, timestamps: np.ndarray, poses: np.ndarray) -> dict:
    """ATE (rigid, interpolated ground truth) and 1-frame RPE, in cm and deg; per-frame ATE errors in cm."""
    from solver.sequences.metrics import ate, rpe

    est = (timestamps, poses)
    a = ate(groundtruth, est, interpolate=True)
    r = rpe(groundtruth, est, delta=1, interpolate=True)
    return {
        "ate_rmse_cm": a.trans.rmse * 100,
        "ate_max_cm": a.trans.max * 100,
        "rpe_trans_rmse_cm": r.trans.rmse * 100,
        "rpe_rot_rmse_deg": r.rot.rmse,
        "ate_errors_cm": (a.errors * 100).tolist(),
        "ate_timestamps": a.timestamps.tolist(),
    }


def _checker(groundtruth, timestamps: np.ndarray, per_frame: dict, name: str) -> Callable[[tuple], dict]:
    def check(out: tuple) -> dict:
        poses, info = out
        ev = evaluate(groundtruth, timestamps, poses)
        per_frame[name] = {"ate_errors_cm": ev.pop("ate_errors_cm"), "timestamps": ev.pop("ate_timestamps")}
        return {**ev, **info}

    return check


def run_sequence(folder: Path, n_frames: int | None, repeats: int, warmup: int, log: Callable[[str], None]) -> dict:
    """Time and evaluate every contender on the first ``n_frames`` frames of one sequence."""
    from solver.core.lie import pose_error
    from solver.sequences.tum import read_sequence

    seq = read_sequence(folder)
    n = len(seq) if n_frames is None else min(n_frames, len(seq))
    log(f"[odometry] {seq.describe()}; using {n} frames")
    frames = load_frames(seq, n)
    timestamps = np.asarray(seq.timestamps[:n], dtype=np.float64)
    K = seq.intrinsics
    per_frame: dict = {}
    contenders = [
        harness.Contender(
            OURS,
            _ours(frames, K, timestamps),
            baseline=True,
            check=_checker(seq.groundtruth, timestamps, per_frame, OURS),
            note="each frame's depth as tgt_depth",
        ),
        harness.Contender(
            PHOTOMETRIC,
            _ours(frames, K, timestamps, photometric_only=True),
            ours=True,
            check=_checker(seq.groundtruth, timestamps, per_frame, PHOTOMETRIC),
            note="--photometric-only",
        ),
        harness.Contender(
            ALIGN_CHAIN,
            _align_chain(frames, K),
            ours=True,
            check=_checker(seq.groundtruth, timestamps, per_frame, ALIGN_CHAIN),
        ),
        harness.Contender(
            OPENCV_RGBD_CHAIN,
            _opencv_chain(frames, K, "rgbd"),
            check=_checker(seq.groundtruth, timestamps, per_frame, OPENCV_RGBD_CHAIN),
            note="cv2.OdometryType_RGB_DEPTH",
        ),
        harness.Contender(
            OPEN3D_CHAIN,
            _open3d_chain(frames, K),
            check=_checker(seq.groundtruth, timestamps, per_frame, OPEN3D_CHAIN),
            note="RGBDOdometryJacobianFromHybridTerm, default OdometryOption",
        ),
        harness.Contender(
            OPENCV_CHAIN,
            _opencv_chain(frames, K),
            check=_checker(seq.groundtruth, timestamps, per_frame, OPENCV_CHAIN),
            note="RGB-only algorithm (cv2.OdometryType_RGB)",
        ),
    ]
    timings = harness.time_contenders(contenders, repeats=repeats, warmup=warmup, log=log)
    identity = evaluate(seq.groundtruth, timestamps, np.broadcast_to(np.eye(4), (n, 4, 4)).copy())
    gt_poses, _valid = seq.groundtruth_at_frames()
    steps = [pose_error(gt_poses[k], gt_poses[k - 1]) for k in range(1, n)]  # metres, degrees
    return {
        "sequence": folder.name,
        "n_frames": n,
        "n_frames_available": len(seq),
        "duration_s": float(timestamps[-1] - timestamps[0]),
        "gt_path_cm": 100 * float(sum(s[0] for s in steps)),
        "gt_rotation_deg": float(sum(s[1] for s in steps)),
        "identity": {k: v for k, v in identity.items() if not k.startswith("ate_e") and k != "ate_timestamps"},
        "per_frame": per_frame,
        "timings": [t.as_dict() for t in timings],
        "_t": timings,
    }


def run(mode: harness.Mode = harness.Mode(), frames: int | None = None) -> dict:
    """Run the suite; return the JSON-ready result (one entry per sequence).

    ``mode.data`` holds ``tum_fr1_rpy`` and ``tum_fr1_desk``. Quick mode: the first
    :data:`QUICK_FRAMES` frames of each sequence, 3 timed runs; smoke mode: the first
    :data:`SMOKE_FRAMES` frames, one timed run; ``frames`` (per sequence) overrides both.
    """
    quick, smoke = mode.quick, mode.smoke
    folders, missing = find_sequences(mode.data)
    out = {"suite": "odometry", "quick": quick, "smoke": smoke, "missing": missing, "reference": REFERENCE}
    if not folders:
        return {**out, "skipped": f"none of {', '.join(SEQUENCES)} under {mode.data}", "sequences": []}
    n = frames or (SMOKE_FRAMES if smoke else QUICK_FRAMES if quick else None)
    repeats, warmup = (1, 0) if smoke else (3, 0) if quick else (7, 1)
    out["repeats"], out["warmup"] = repeats, warmup
    out["sequences"] = [run_sequence(folder, n, repeats, warmup, mode.log) for folder in folders]
    try:
        import cv2

        out["opencv_threads"] = cv2.getNumThreads()
    except ImportError:
        out["opencv_threads"] = None
    return out


# ----------------------------------------------------------------------------------------------------------------------
# report


def _cm_deg(checks: dict) -> tuple[str, str]:
    return (
        f"{checks['ate_rmse_cm']:.2f}",
        f"{checks['rpe_trans_rmse_cm']:.2f} / {checks['rpe_rot_rmse_deg']:.2f}",
    )


def sequence_table(entry: dict) -> str:
    """One sequence: accuracy, total and per-frame time, ratios, first call, failures."""
    steps = max(entry["n_frames"] - 1, 1)
    headers = [
        "contender",
        "ATE RMSE (cm)",
        "RPE 1 frame RMSE (cm / deg)",
        "total (median)",
        "per frame",
        "ratio to ours",
        "min - max",
        "first call",
        "failed frames",
        "note",
    ]
    ident = entry["identity"]
    rows = [["no motion (identity poses), for scale", *_cm_deg(ident), "-", "-", "-", "-", "-", "-", ""]]
    for t in entry["_t"]:
        name = f"**{t.name}**" if t.baseline else t.name
        if not t.times_s:
            rows.append([name, "-", "-", "-", "-", "-", "-", "-", "-", f"{t.status}: {t.note}"])
            continue
        extra = f"{t.checks['keyframes']} keyframes" if "keyframes" in t.checks else ""
        rows.append(
            [
                name,
                *_cm_deg(t.checks),
                harness.fmt_time(t.median_s),
                harness.fmt_time(t.median_s / steps),
                "1.00x (reference)" if t.baseline else harness.fmt_ratio(t.ratio, peer=not t.ours),
                f"{harness.fmt_time(t.min_s)} - {harness.fmt_time(t.max_s)}",
                harness.fmt_time(t.first_call_s),
                str(t.checks.get("failed_frames", "-")),
                harness._join(t.note, extra),
            ]
        )
    return harness.markdown_table(headers, rows, align="l" + "r" * 8 + "l")


def markdown(res: dict, header: str) -> str:
    """Per-sequence tables and the reference figures."""
    if res.get("skipped"):
        return header + f"\nSkipped: {res['skipped']} (pass --data DIR).\n"
    parts = [header]
    parts.append(
        f"Each contender runs over the whole sequence (the first frame's camera is the world); timed runs per "
        f"contender: {res['repeats']}, after the first call (reported apart) and {res['warmup']} untimed, alternating. "
        "'per frame' = total / (frames - 1), the frames that get aligned. ATE: RMSE of the position error "
        "after a rigid (Umeyama) alignment; RPE: RMSE over consecutive frames; both against the ground truth "
        "interpolated at the RGB timestamps (`solver.sequences.metrics`, `interpolate=True`). Chained contenders: "
        "`T_world_from_cam_k = T_world_from_cam_k-1 @ inv(T_k_from_k-1)`; a step that fails or returns a "
        "non-finite pose is counted under 'failed frames' (a non-finite one is replaced by the identity). "
        f"OpenCV threads: {res.get('opencv_threads') or 'OpenCV not loaded'}.\n"
    )
    if res.get("missing"):
        parts.append(f"Not found under --data (skipped): {', '.join(res['missing'])}.\n")
    for entry in res["sequences"]:
        partial = "" if entry["n_frames"] == entry["n_frames_available"] else f" of {entry['n_frames_available']}"
        parts.append(
            f"\n### {entry['sequence']}: {entry['n_frames']}{partial} frames, {entry['duration_s']:.2f} s, "
            f"ground truth moves {entry['gt_path_cm']:.1f} cm and turns {entry['gt_rotation_deg']:.1f} deg "
            "(sum of frame-to-frame motions)\n"
        )
        parts.append(sequence_table(entry))
    parts.append(f"\n{res['reference']}\n")
    return "\n".join(parts) + "\n"


def plot(res: dict, path: Path) -> None:
    """Per-frame ATE error of every contender, one panel per sequence, and the time per frame."""
    import matplotlib.pyplot as plt

    if not res.get("sequences"):
        raise RuntimeError("nothing to plot")
    seqs = res["sequences"]
    fig, axes = plt.subplots(1, len(seqs) + 1, figsize=(5 * (len(seqs) + 1), 5.6))
    for ax, entry in zip(axes, seqs, strict=False):
        for name, curve in entry["per_frame"].items():
            t = np.asarray(curve["timestamps"])
            ax.plot(t - t[0], curve["ate_errors_cm"], marker=".", label=name)
        ax.set_title(entry["sequence"])
        ax.set_xlabel("time (s)")
        ax.set_ylabel("ATE position error (cm)")
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(0.0, -0.16))  # below: the curves stay visible
    ax = axes[-1]
    names = [t.name for t in seqs[0]["_t"]]
    width = 0.8 / len(seqs)
    for j, entry in enumerate(seqs):
        steps = max(entry["n_frames"] - 1, 1)
        per = [next((t.median_s / steps for t in entry["_t"] if t.name == n and t.times_s), np.nan) for n in names]
        ax.barh(np.arange(len(names)) + j * width, np.asarray(per) * 1e3, height=width, label=entry["sequence"])
    ax.set_yticks(np.arange(len(names)) + width * (len(seqs) - 1) / 2)
    ax.set_yticklabels([n.replace(" chained", "\nchained") for n in names], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("median time per frame (ms)")
    ax.legend(fontsize=7)
    ax.grid(True, axis="x", alpha=0.3)
    fig.suptitle("TUM sequences: odometry vs chained frame-to-frame alignment")
    harness.save_figure(fig, path)


def strip_private(res: dict) -> dict:
    """The result without in-memory Timing objects (for JSON)."""
    return harness.without_timings(res, "sequences")
