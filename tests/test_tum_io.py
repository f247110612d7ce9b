"""TUM RGB-D formats (solver.sequences.tum): association, sequence folders, trajectory files, pose interpolation."""

import csv
import math

import numpy as np
import pytest
from PIL import Image
from scipy.spatial.transform import Rotation
from tum import DATA

from solver.core import lie
from solver.sequences import tum

REAL = [DATA / name for name in ("tum_fr1_rpy", "tum_fr1_desk")]


def brute_associate(first, second, max_dt, offset=0.0):
    """TUM associate.py, literally: every pair under max_dt, sorted, taken greedily."""
    candidates = sorted((abs(a - (b + offset)), a, b) for a in first for b in second if abs(a - (b + offset)) < max_dt)
    used_a, used_b, matches = set(), set(), []
    for _, a, b in candidates:
        if a not in used_a and b not in used_b:
            used_a.add(a)
            used_b.add(b)
            matches.append((a, b))
    return sorted(matches)


@pytest.mark.parametrize("seed", range(5))
def test_associate_matches_tum_greedy_rule(seed):
    rng = np.random.default_rng(seed)
    a = np.sort(rng.uniform(0, 3, 90))
    b = rng.uniform(0, 3, 80)  # unsorted on purpose
    offset = 0.004 * seed
    i, j = tum.associate(a, b, 0.02, offset)
    assert [(a[p], b[q]) for p, q in zip(i, j, strict=True)] == brute_associate(a, b, 0.02, offset)


def test_associate_is_one_to_one_and_strict():
    i, j = tum.associate(np.array([0.0, 0.001, 1.0]), np.array([0.0005, 1.02]), 0.02)
    assert list(zip(i, j, strict=True)) == [(0, 0)]  # 1.0 vs 1.02: |dt| = max_dt is not < max_dt


def _write_folder(folder, missing=()):
    """Three RGB frames at 30 Hz with depth 5 ms later, one extra RGB without depth, 100 Hz ground truth."""
    (folder / "rgb").mkdir(parents=True)
    (folder / "depth").mkdir()
    rgb_ts = [1.0, 1.0333, 1.0667, 1.1, 1.5]
    depth_ts = [1.005, 1.0383, 1.0717, 1.105]
    (folder / "rgb.txt").write_text(
        "# color images\n# timestamp filename\n" + "".join(f"{t:.4f} rgb/{t:.4f}.png\n" for t in rgb_ts)
    )
    (folder / "depth.txt").write_text("# depth maps\n" + "".join(f"{t:.4f}\tdepth/{t:.4f}.png\n" for t in depth_ts))
    rng = np.random.default_rng(0)
    for k, t in enumerate(rgb_ts):
        if f"rgb/{t:.4f}.png" not in missing:
            Image.fromarray(rng.integers(0, 256, (12, 16, 3), dtype=np.uint8)).save(folder / f"rgb/{t:.4f}.png")
        if k < len(depth_ts) and f"depth/{depth_ts[k]:.4f}.png" not in missing:
            depth = np.full((12, 16), 5000 * (k + 1), dtype=np.uint16)
            Image.fromarray(depth).save(folder / f"depth/{depth_ts[k]:.4f}.png")
    gt_t = np.arange(0.95, 1.2, 0.01)
    poses = np.stack([lie.se3_exp([0.1 * t, 0.2, -0.1 * t, t, 2 * t, 0.5]) for t in gt_t])
    tum.write_trajectory(folder / "groundtruth.txt", gt_t, poses)
    return rgb_ts, depth_ts


def test_read_sequence_skips_missing_files(tmp_path):
    folder = tmp_path / "rgbd_dataset_freiburg2_xyz"
    rgb_ts, depth_ts = _write_folder(folder, missing=("depth/1.0383.png",))
    seq = tum.read_sequence(folder)
    assert len(seq) == 3 and seq.skipped == 1 and seq.unmatched == 1
    np.testing.assert_allclose(seq.timestamps, [rgb_ts[0], rgb_ts[2], rgb_ts[3]])
    np.testing.assert_allclose(seq.depth_timestamps, [depth_ts[0], depth_ts[2], depth_ts[3]])
    assert seq.rgb[1] == folder / "rgb/1.0667.png" and seq.depth[1] == folder / "depth/1.0717.png"
    assert seq.intrinsics == tum.TUM_INTRINSICS["freiburg2"] and seq.depth_scale == 5000.0
    assert "3 RGB-D frames" in seq.describe() and "1 listed pairs skipped" in seq.describe()
    gray, depth = seq.frame(1)
    assert gray.shape == (12, 16) and gray.dtype == np.float64 and 0 <= gray.min() <= gray.max() <= 1
    np.testing.assert_array_equal(depth, np.full((12, 16), 3.0))
    rgb, _ = seq.frame(1, color=True)
    assert rgb.shape == (12, 16, 3) and rgb.dtype == np.uint8
    poses, valid = seq.groundtruth_at_frames()
    assert valid.all() and poses.shape == (3, 4, 4)


def test_read_sequence_intrinsics_and_errors(tmp_path):
    _write_folder(tmp_path / "mine")
    assert tum.read_sequence(tmp_path / "mine").intrinsics is None
    seq = tum.read_sequence(tmp_path / "mine", intrinsics=(500, 500, 8, 6), depth_scale=1000)
    assert seq.intrinsics == (500.0, 500.0, 8.0, 6.0) and seq.depth_scale == 1000.0
    assert tum.guess_intrinsics("tum_fr3_office") == tum.TUM_INTRINSICS["freiburg3"]
    header = "# file: 'rgbd_dataset_freiburg1_rpy.bag'"
    assert tum.guess_intrinsics("frame12", header) == tum.TUM_INTRINSICS["freiburg1"]
    assert tum.guess_intrinsics("fr4", "free") is None
    with pytest.raises(FileNotFoundError, match="rgb.txt"):
        tum.read_sequence(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "rgb.txt").write_text("1.0 rgb/a.png\n")
    (tmp_path / "empty" / "depth.txt").write_text("1.0 depth/a.png\n")
    with pytest.raises(ValueError, match="both files present"):
        tum.read_sequence(tmp_path / "empty")


def test_trajectory_round_trip(tmp_path):
    rng = np.random.default_rng(3)
    t = 1305031232.0 + np.sort(rng.uniform(0, 10, 50)).round(6)
    poses = np.stack([lie.se3_exp(rng.normal(size=6) * [1, 1, 1, 2, 2, 2]) for _ in t])
    tum.write_trajectory(tmp_path / "traj.txt", t, poses)
    back_t, back_poses = tum.read_trajectory(tmp_path / "traj.txt")
    np.testing.assert_array_equal(back_t, t)
    np.testing.assert_allclose(back_poses, poses, atol=1e-8)
    rows = [line.split() for line in (tmp_path / "traj.txt").read_text().splitlines() if not line.startswith("#")]
    assert all(len(r) == 8 and float(r[7]) >= 0 for r in rows)
    # qw last, Hamilton: the file's quaternion is SciPy's scalar-last one (up to sign)
    q = np.array(rows[0][4:], float)
    q_scipy = Rotation.from_matrix(poses[0, :3, :3]).as_quat()
    assert min(np.abs(q - q_scipy).max(), np.abs(q + q_scipy).max()) < 1e-8


def test_tum_line_and_pose_from_tum():
    T = lie.se3_exp([0.0, 0.0, 3.1, 1.0, -2.0, 3.0])  # 178 degrees about z
    stamp, *values = tum.tum_line(T, 1305031232.25, decimals=3).split()
    assert stamp == "1305031232.250000" and all(len(v.split(".")[1]) == 3 for v in values)
    assert float(values[6]) >= 0  # qw >= 0
    values = [float(v) for v in tum.tum_line(T).split()]
    assert len(values) == 7
    np.testing.assert_allclose(tum.pose_from_tum(values), T, atol=1e-8)
    flipped = values[:3] + [-v for v in values[3:]]  # -q is the same rotation
    np.testing.assert_allclose(tum.pose_from_tum([values, flipped]), [T, T], atol=1e-8)


def test_read_trajectory_format(tmp_path):
    path = tmp_path / "t.txt"
    half = math.sqrt(0.5)
    path.write_text(f"# comment\n2.0,1,2,3,0,0,{half},{half}\n\n1.0\t0 0 0 0 0 0 2\n")
    t, poses = tum.read_trajectory(path)
    np.testing.assert_array_equal(t, [1.0, 2.0])  # sorted
    np.testing.assert_allclose(poses[0], np.eye(4))  # quaternion normalised
    np.testing.assert_allclose(poses[1, :3, :3], [[0, -1, 0], [1, 0, 0], [0, 0, 1]], atol=1e-12)  # 90 deg about z
    np.testing.assert_allclose(poses[1, :3, 3], [1, 2, 3])
    path.write_text("1.0 0 0 0 0 0 0 1\n2.0 0 0 0 0 0 1\n")
    with pytest.raises(ValueError, match="entry 2"):
        tum.read_trajectory(path)


def test_interpolate_poses_slerp_and_validity():
    axis = np.array([1.0, 2.0, -0.5]) / np.linalg.norm([1.0, 2.0, -0.5])
    t = np.array([0.0, 0.01, 0.02, 0.2, 0.21])
    poses = np.stack([lie.se3_exp(np.r_[3.0 * s * axis, 0, 0, 0]) for s in t])
    poses[:, :3, 3] = np.c_[t, t**2, np.ones_like(t)]
    q = np.array([0.0, 0.004, 0.0125, 0.02, 0.025, 0.1, 0.195, 0.21, 0.22, -0.001])
    out, valid = tum.interpolate_poses(t, poses, q, max_dt=0.02)
    np.testing.assert_array_equal(valid, [1, 1, 1, 1, 1, 0, 1, 1, 0, 0])
    for k in np.flatnonzero(valid):  # constant angular velocity: slerp is exact
        np.testing.assert_allclose(out[k, :3, :3], lie.so3_exp(3.0 * q[k] * axis), atol=1e-12)
    np.testing.assert_allclose(out[2, :3, 3], [0.0125, 0.75 * 0.01**2 + 0.25 * 0.02**2, 1.0], atol=1e-15)
    np.testing.assert_allclose(out[[0, 3, 7]], poses[[0, 2, 4]], atol=1e-14)
    assert np.isnan(out[~valid]).all()


@pytest.mark.skipif(not all(p.is_dir() for p in REAL), reason=f"TUM frames not found in {DATA} (shared data absent)")
@pytest.mark.parametrize("folder", REAL, ids=lambda p: p.name)
def test_shared_folders_match_frames_csv(folder):
    seq = tum.read_sequence(folder)
    with open(folder / "frames.csv") as f:
        rows = list(csv.DictReader(f))
    assert [p.relative_to(folder).as_posix() for p in seq.rgb] == [r["rgb"] for r in rows]
    assert [p.relative_to(folder).as_posix() for p in seq.depth] == [r["depth"] for r in rows]
    np.testing.assert_allclose(seq.timestamps, [float(r["rgb_ts"]) for r in rows], rtol=0, atol=1e-6)
    assert seq.skipped > 500 and seq.intrinsics == (517.3, 516.5, 318.6, 255.3)
    poses, valid = seq.groundtruth_at_frames(0.02)
    assert valid.all()
    for T, r in zip(poses, rows, strict=True):
        np.testing.assert_allclose(T[:3, 3], [float(r[k]) for k in ("tx", "ty", "tz")], atol=1e-6)
        q = np.array([float(r[k]) for k in ("qx", "qy", "qz", "qw")])
        np.testing.assert_allclose(T[:3, :3], Rotation.from_quat(q).as_matrix(), atol=1e-6)
    gray, depth = seq.frame(0)
    assert gray.shape == depth.shape == (480, 640) and 0.5 < np.median(depth[depth > 0]) < 5
