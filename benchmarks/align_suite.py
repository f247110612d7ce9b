"""Suite ``align``: frame-to-frame RGB-D alignment on the TUM pairs against ground truth.

Every pair of every ``<data>/*/pairs.csv`` (default ``../shared/data``; skipped cleanly when absent)
is aligned by every contender, one after the other in an order rotated per pair, each call after a
settling pause; the first pair is run once untimed by every contender first (its first-call
latency: Numba cache load, torch warm-up, ...). Each call is timed as it comes after the pause
("cold": on a small VM an idle second vCPU can take tens of milliseconds to run again, which
makes a multi-threaded contender single-threaded for a short call) and, for contenders faster than
``harness.WAKE_BELOW_S``, repeated at once ("warm", the steady state of a tracking loop, the same
rule as the other suites' untimed wake-up call). Contenders: the project's aligner with default
options (photometric only), with ``brightness=True`` and with the target's depth (``tgt_depth``, the
RGB-D defaults); Open3D ``compute_rgbd_odometry`` with the color and the hybrid term; OpenCV RGB and
RGB-D odometry; an autograd aligner in PyTorch
(grid_sample + LBFGS, same pyramid). All are called with the REFERENCE frame as source and return
``T_tgt_from_ref``; the suite checks that on the data (error of ``T`` against error of ``inv(T)``).
"""

from __future__ import annotations

import csv
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import harness
from .harness import Skip

INTRINSICS = (517.3, 516.5, 318.6, 255.3)
DEPTH_SCALE = 5000.0
SUCCESS_CM = 2.0
SUCCESS_DEG = 1.0
QUICK_PAIRS_PER_DATASET = 3


@dataclass
class Pair:
    """One reference/target pair with its ground truth."""

    dataset: str
    index: int
    gap: int
    ref_rgb: Path
    ref_depth: Path
    tgt_rgb: Path
    tgt_depth: Path
    T_gt: np.ndarray
    gt_trans_m: float
    gt_rot_deg: float


def pose_error(T_est: np.ndarray, T_gt: np.ndarray) -> tuple[float, float]:
    """Translation (cm) and rotation (deg) of ``inv(T_gt) @ T_est`` (:func:`solver.core.lie.pose_error`, in cm)."""
    from solver.core.lie import pose_error as error_m_deg

    t_m, r_deg = error_m_deg(T_est, T_gt)
    return t_m * 100, r_deg


def find_datasets(data: Path | None) -> list[Path]:
    """Folders ``<data>/*`` that hold a ``pairs.csv``."""
    if data is None or not Path(data).is_dir():
        return []
    return sorted(p.parent for p in Path(data).glob("*/pairs.csv"))


def load_pairs(folder: Path) -> list[Pair]:
    """Pairs of one dataset folder."""
    from scipy.spatial.transform import Rotation

    out = []
    with open(folder / "pairs.csv", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            T = np.eye(4)
            T[:3, :3] = Rotation.from_quat([float(row[k]) for k in ("qx", "qy", "qz", "qw")]).as_matrix()
            T[:3, 3] = [float(row[k]) for k in ("tx", "ty", "tz")]
            out.append(
                Pair(
                    folder.name,
                    i,
                    int(row["gap"]),
                    folder / row["ref_rgb"],
                    folder / row["ref_depth"],
                    folder / row["tgt_rgb"],
                    folder / row["tgt_depth"],
                    T,
                    float(row["gt_trans_m"]),
                    float(row["gt_rot_deg"]),
                )
            )
    return out


def read_png(path: Path) -> np.ndarray:
    """A PNG as an array (Pillow)."""
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB") if im.mode in ("P", "RGBA") else im)


def load_frames(pair: Pair) -> dict:
    """RGB uint8 and depth in metres of both frames (read once, outside timing)."""
    return {
        "ref_rgb": read_png(pair.ref_rgb),
        "ref_depth": read_png(pair.ref_depth).astype(np.float64) / DEPTH_SCALE,
        "tgt_rgb": read_png(pair.tgt_rgb),
        "tgt_depth": read_png(pair.tgt_depth).astype(np.float64) / DEPTH_SCALE,
    }


def to_gray(rgb: np.ndarray) -> np.ndarray:
    """Intensity in [0, 1] with the solver's weights (:data:`solver.arrays.images.LUMA`)."""
    from solver.arrays.images import LUMA

    return rgb[..., :3].astype(np.float64) @ np.array(LUMA) / 255.0


# ----------------------------------------------------------------------------------------------------------------------
# contenders: factory() -> run(frames) -> (T, reported_success)


def _ours(depth: bool = False, **options):
    """``solver.align`` with ``options``; ``depth``: the target's depth as ``tgt_depth`` (RGB-D)."""

    def factory():
        try:
            import solver
        except ImportError as exc:
            raise Skip(f"pending: solver.align not importable ({exc})") from None

        def run(f):
            tgt_depth = f["tgt_depth"] if depth else None
            res = solver.align(f["ref_rgb"], f["ref_depth"], f["tgt_rgb"], INTRINSICS, tgt_depth=tgt_depth, **options)
            return np.asarray(res.pose), bool(res.success)

        return run

    return factory


def _open3d(term):
    def factory():
        from .peers.odometry import make_open3d

        fn = make_open3d(term, INTRINSICS, (480, 640))
        return lambda f: fn(f["ref_rgb"], f["ref_depth"], f["tgt_rgb"], f["tgt_depth"])

    return factory


def _opencv(kind):
    def factory():
        from .peers.odometry import make_opencv

        fn = make_opencv(kind, INTRINSICS)
        return lambda f: fn(f["ref_rgb"], f["ref_depth"], f["tgt_rgb"], f["tgt_depth"])

    return factory


def _torch(optimizer):
    def factory():
        from .peers.torch_align import align_torch
        from .peers.torch_warp import import_torch

        import_torch()

        def run(f):
            T, _evals = align_torch(to_gray(f["ref_rgb"]), f["ref_depth"], to_gray(f["tgt_rgb"]), INTRINSICS, optimizer)
            return T, True

        return run

    return factory


ENTRIES = (
    ("ours: solver.align (defaults, photometric)", _ours(), True, True),
    ("ours: solver.align(brightness=True)", _ours(brightness=True), False, True),
    ("ours: solver.align(tgt_depth=...) (RGB-D defaults)", _ours(depth=True), False, True),
    ("Open3D compute_rgbd_odometry, color term", _open3d("color"), False, False),
    ("Open3D compute_rgbd_odometry, hybrid term", _open3d("hybrid"), False, False),
    ("OpenCV Odometry RGB", _opencv("rgb"), False, False),
    ("OpenCV Odometry RGB-D", _opencv("rgbd"), False, False),
    ("PyTorch autograd (grid_sample + LBFGS)", _torch("lbfgs"), False, False),
)


@dataclass
class Record:
    """Everything measured for one contender."""

    name: str
    baseline: bool
    ours: bool
    status: str = "ok"
    note: str = ""
    first_call_s: float = math.nan
    rows: list[dict] = field(default_factory=list)


def run(mode: harness.Mode = harness.Mode(), max_pairs: int | None = None) -> dict:
    """Run the suite; return the JSON-ready result (per-pair rows per contender).

    ``mode.data`` holds the ``*/pairs.csv`` datasets; quick mode aligns the first
    :data:`QUICK_PAIRS_PER_DATASET` pairs of each, smoke mode one; ``max_pairs`` overrides both.
    """
    log = mode.log
    folders = find_datasets(mode.data)
    if not folders:
        return {"suite": "align", "quick": mode.quick, "skipped": f"no */pairs.csv under {mode.data}", "records": []}
    per_set = max_pairs or (1 if mode.smoke else QUICK_PAIRS_PER_DATASET if mode.quick else None)
    pairs = [p for folder in folders for p in load_pairs(folder)[:per_set]]
    records = [Record(name, base, ours) for name, _f, base, ours in ENTRIES]
    runs: list[Callable | None] = []
    first = load_frames(pairs[0])
    for (_name, factory, _b, _o), rec in zip(ENTRIES, records, strict=True):
        fn = None
        try:
            fn = factory()
        except Exception as exc:  # the table says why
            rec.status, rec.note = harness.failure(exc)
        else:
            rec.status, rec.note, rec.first_call_s = harness.first_call(fn, first)
        log(f"  {rec.name}: first call {rec.first_call_s:.3g} s [{rec.status}]")
        runs.append(fn if rec.status == "ok" else None)
    active = [i for i, r in enumerate(runs) if r is not None]
    for k, pair in enumerate(pairs):
        frames = load_frames(pair)
        log(f"[align] {pair.dataset} pair {pair.index} (gap {pair.gap})")
        order = active[k % max(1, len(active)) :] + active[: k % max(1, len(active))]
        for i in order:
            harness.settle()
            t0 = time.perf_counter()
            try:
                T, flag = runs[i](frames)
                ok_run = True
            except Exception as exc:  # a failure on one pair counts as a failed alignment
                T, flag, ok_run = np.full((4, 4), np.nan), False, False
                records[i].note = harness._join(records[i].note, f"raised on a pair: {type(exc).__name__}")
            cold = dt = time.perf_counter() - t0
            if ok_run and cold < harness.WAKE_BELOW_S:  # the same call again at once, threads awake
                t0 = time.perf_counter()
                runs[i](frames)
                dt = time.perf_counter() - t0
            te, re_ = pose_error(T, pair.T_gt) if ok_run and np.isfinite(T).all() else (math.nan, math.nan)
            ti, ri = pose_error(np.linalg.inv(T), pair.T_gt) if ok_run and np.isfinite(T).all() else (math.nan,) * 2
            records[i].rows.append(
                {
                    "dataset": pair.dataset,
                    "pair": pair.index,
                    "gap": pair.gap,
                    "time_s": dt,
                    "cold_time_s": cold,
                    "t_err_cm": te,
                    "r_err_deg": re_,
                    "inv_t_err_cm": ti,
                    "inv_r_err_deg": ri,
                    "reported_success": flag,
                    "gt_trans_cm": pair.gt_trans_m * 100,
                    "gt_rot_deg": pair.gt_rot_deg,
                }
            )
    return {
        "suite": "align",
        "quick": mode.quick,
        "datasets": [f.name for f in folders],
        "n_pairs": len(pairs),
        "success_threshold": {"cm": SUCCESS_CM, "deg": SUCCESS_DEG},
        "records": [rec.__dict__ for rec in records],
        "identity": [
            dict(
                zip(
                    ("dataset", "gap", "t_err_cm", "r_err_deg"),
                    (p.dataset, p.gap, *pose_error(np.eye(4), p.T_gt)),
                    strict=True,
                )
            )
            for p in pairs
        ],
    }


def _success(row: dict) -> bool:
    return bool(row["t_err_cm"] <= SUCCESS_CM and row["r_err_deg"] <= SUCCESS_DEG)


def summary(res: dict) -> list[dict]:
    """Per contender and dataset: per-gap medians and success rates, median time, ratio to ours."""
    out = []
    base = next((r for r in res["records"] if r["baseline"] and r["rows"]), None)
    base_t = float(np.median([x["time_s"] for x in base["rows"]])) if base else math.nan
    base_cold = float(np.median([x.get("cold_time_s", x["time_s"]) for x in base["rows"]])) if base else math.nan
    for rec in res["records"]:
        rows = rec["rows"]
        entry = {"name": rec["name"], "status": rec["status"], "note": rec["note"], "ours": rec["ours"]}
        entry["baseline"] = rec["baseline"]
        entry["first_call_s"] = rec["first_call_s"]
        if rows:
            t = float(np.median([x["time_s"] for x in rows]))
            entry.update(median_time_s=t, ratio=t / base_t if base else math.nan)
            tc = float(np.median([x.get("cold_time_s", x["time_s"]) for x in rows]))
            entry.update(median_cold_time_s=tc, cold_ratio=tc / base_cold if base else math.nan)
            entry["success_rate"] = float(np.mean([_success(x) for x in rows]))
            entry["reported_success_rate"] = float(np.mean([x["reported_success"] for x in rows]))
            fin = [x for x in rows if np.isfinite(x["t_err_cm"])]
            entry["convention"] = {
                "median_err_T": [_med(fin, "t_err_cm"), _med(fin, "r_err_deg")],
                "median_err_inv_T": [_med(fin, "inv_t_err_cm"), _med(fin, "inv_r_err_deg")],
            }
            groups = {}
            for ds in res["datasets"]:
                for gap in sorted({x["gap"] for x in rows if x["dataset"] == ds}):
                    g = [x for x in rows if x["dataset"] == ds and x["gap"] == gap]
                    groups[f"{ds}/gap{gap}"] = {
                        "n": len(g),
                        "t_err_cm": _med(g, "t_err_cm"),
                        "r_err_deg": _med(g, "r_err_deg"),
                        "success": float(np.mean([_success(x) for x in g])),
                    }
            entry["groups"] = groups
        out.append(entry)
    return out


def _med(rows: list[dict], key: str) -> float:
    vals = [x[key] for x in rows if np.isfinite(x[key])]
    return float(np.median(vals)) if vals else math.nan


def markdown(res: dict, header: str) -> str:
    """Per-dataset accuracy tables, then speed and convention tables."""
    parts = [header]
    if res.get("skipped"):
        return header + f"\nSkipped: {res['skipped']} (pass --data DIR).\n"
    summ = summary(res)
    res["summary"] = summ
    parts.append(
        f"{res['n_pairs']} pairs from {', '.join(res['datasets'])}; per contender and pair, after the settling "
        f"pause, one call timed as it comes ('after idle': {harness.settle_seconds():g} s) and, for contenders "
        f"faster than {harness.WAKE_BELOW_S:g} s, the same call repeated at once ('median time / pair', the steady "
        "state of a tracking loop; slower contenders: the first call); the timed repeats are the pairs, after an "
        "untimed first call on the first pair. "
        f"Success: error <= {SUCCESS_CM:g} cm and <= {SUCCESS_DEG:g} deg against ground truth. "
        "Errors are medians over the pairs of a gap (cm / deg).\n"
    )
    ident = res["identity"]
    for ds in res["datasets"]:
        gaps = sorted({x["gap"] for x in ident if x["dataset"] == ds})
        headers = ["contender"] + [f"gap {g}: cm / deg / success" for g in gaps]
        rows = []
        idr = ["identity (no motion), for scale"]
        for g in gaps:
            sel = [x for x in ident if x["dataset"] == ds and x["gap"] == g]
            idr.append(f"{_med(sel, 't_err_cm'):.2f} / {_med(sel, 'r_err_deg'):.2f} / -")
        rows.append(idr)
        for s in summ:
            if "groups" not in s:
                rows.append([s["name"], *[f"{s['status']}" for _ in gaps]])
                continue
            cells = []
            for g in gaps:
                grp = s["groups"].get(f"{ds}/gap{g}")
                cells.append(
                    f"{grp['t_err_cm']:.2f} / {grp['r_err_deg']:.2f} / {100 * grp['success']:.0f} %" if grp else "-"
                )
            rows.append([f"**{s['name']}**" if s["baseline"] else s["name"], *cells])
        parts.append(f"\n### {ds}: median error per gap\n")
        parts.append(harness.markdown_table(headers, rows))
    parts.append("\n### Speed, success and pose convention\n")
    rows = []
    for s in summ:
        if "median_time_s" not in s:
            rows.append([s["name"], "-", "-", "-", "-", "-", "-", "-", "-", f"{s['status']}: {s['note']}"])
            continue
        conv = s["convention"]
        verdict = "T_tgt_from_ref (verified)" if conv["median_err_T"][1] <= conv["median_err_inv_T"][1] else "INVERSE"
        rows.append(
            [
                f"**{s['name']}**" if s["baseline"] else s["name"],
                f"{100 * s['success_rate']:.0f} %",
                f"{100 * s['reported_success_rate']:.0f} %",
                harness.fmt_time(s["median_time_s"]),
                "1.00x (reference)" if s["baseline"] else harness.fmt_ratio(s["ratio"], peer=not s["ours"]),
                harness.fmt_time(s["median_cold_time_s"]),
                "1.00x (reference)" if s["baseline"] else harness.fmt_ratio(s["cold_ratio"], peer=not s["ours"]),
                harness.fmt_time(s["first_call_s"]),
                f"{verdict}: {conv['median_err_T'][1]:.2f} vs {conv['median_err_inv_T'][1]:.2f} deg",
                s["note"],
            ]
        )
    parts.append(
        harness.markdown_table(
            [
                "contender",
                "success (GT)",
                "reports success",
                "median time / pair",
                "ratio to ours",
                f"after {harness.settle_seconds():g} s idle",
                "ratio to ours",
                "first call",
                "returned pose is (median rot. error of T vs inv(T))",
                "note",
            ],
            rows,
        )
    )
    return "\n".join(parts) + "\n"


def plot(res: dict, path: Path) -> None:
    """Rotation error vs time per pair (one point per pair and contender)."""
    import matplotlib.pyplot as plt

    if not res.get("records"):
        raise RuntimeError("nothing to plot")
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for rec in res["records"]:
        if not rec["rows"]:
            continue
        t = [x["time_s"] for x in rec["rows"]]
        axes[0].scatter(t, [max(x["r_err_deg"], 1e-3) for x in rec["rows"]], s=10, label=rec["name"])
        axes[1].scatter(t, [max(x["t_err_cm"], 1e-3) for x in rec["rows"]], s=10, label=rec["name"])
    for ax, what in zip(axes, ("rotation error (deg)", "translation error (cm)"), strict=True):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("time per pair (s)")
        ax.set_ylabel(what)
        ax.grid(True, which="both", alpha=0.3)
    axes[0].axhline(SUCCESS_DEG, color="k", lw=0.8, ls=":")
    axes[1].axhline(SUCCESS_CM, color="k", lw=0.8, ls=":")
    axes[1].legend(fontsize=7)
    fig.suptitle("TUM pairs: error vs time per pair")
    harness.save_figure(fig, path)


def strip_private(res: dict) -> dict:
    """JSON-ready copy (adds the summary)."""
    out = dict(res)
    if res.get("records"):
        out["summary"] = summary(res)
    return out
