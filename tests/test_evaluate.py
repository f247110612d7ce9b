"""Trajectory evaluation (solver.sequences.metrics): Umeyama alignment, ATE, RPE and ``python -m solver evaluate``."""

import importlib.util
import json
import math
import sys

import numpy as np
import pytest
from scipy.optimize import least_squares
from scipy.spatial.transform import Rotation
from tum import DATA

from solver.__main__ import main
from solver.core import lie
from solver.sequences import tum
from solver.sequences.metrics import ErrorStats, ate, rpe, rpe_pairs, umeyama


def random_walk(n=60, seed=0, dt=1 / 30):
    """A smooth camera trajectory (T_world_from_cam) with timestamps."""
    rng = np.random.default_rng(seed)
    twists = np.cumsum(rng.normal(scale=[0.02, 0.02, 0.02, 0.01, 0.01, 0.01], size=(n, 6)), axis=0)
    poses = np.stack([lie.se3_exp(x) for x in twists])
    poses[:, :3, 3] += np.c_[np.linspace(0, 1, n), np.sin(np.linspace(0, 3, n)), np.zeros(n)]
    return 100.0 + dt * np.arange(n), poses


def similarity(R, t, s):
    S = np.eye(4)
    S[:3, :3], S[:3, 3] = s * R, t
    return S


def apply(S, poses):
    """Similarity ``x -> s R x + t`` applied to camera poses (orientation rotated, position mapped)."""
    s = np.cbrt(np.linalg.det(S[:3, :3]))
    out = poses.copy()
    out[:, :3, :3] = S[:3, :3] / s @ poses[:, :3, :3]
    out[:, :3, 3] = poses[:, :3, 3] @ S[:3, :3].T + S[:3, 3]
    return out


def test_error_stats():
    st = ErrorStats.of(np.array([3.0, 4.0, 0.0, 1.0]))
    assert st.rmse == pytest.approx(math.sqrt(26 / 4)) and st.mean == 2.0 and st.median == 2.0
    assert (st.min, st.max, st.n) == (0.0, 4.0, 4) and st.std == pytest.approx(np.std([3, 4, 0, 1]))
    assert math.isnan(ErrorStats.of(np.array([])).rmse)


@pytest.mark.parametrize("with_scale", [False, True])
def test_umeyama_matches_numerical_least_squares(with_scale):
    rng = np.random.default_rng(1)
    src = rng.normal(size=(40, 3)) * [2, 1, 0.5]
    R_true, t_true, s_true = Rotation.random(random_state=2).as_matrix(), rng.normal(size=3), 1.7 if with_scale else 1
    dst = s_true * src @ R_true.T + t_true + rng.normal(scale=0.01, size=src.shape)
    R, t, s = umeyama(src, dst, with_scale=with_scale)
    assert np.linalg.det(R) == pytest.approx(1.0) and np.allclose(R.T @ R, np.eye(3), atol=1e-12)
    assert lie.pose_error(similarity(R, t, 1), similarity(R_true, t_true, 1))[1] < 0.5  # degrees, noisy data
    assert s == pytest.approx(s_true, rel=1e-2)

    def residual(x):
        scale = math.exp(x[6]) if with_scale else 1.0
        return (dst - scale * src @ Rotation.from_rotvec(x[:3]).as_matrix().T - x[3:6]).ravel()

    fit = least_squares(residual, np.zeros(7), xtol=1e-15, ftol=1e-15, gtol=1e-15)
    np.testing.assert_allclose(R, Rotation.from_rotvec(fit.x[:3]).as_matrix(), atol=1e-7)
    np.testing.assert_allclose(t, fit.x[3:6], atol=1e-7)
    assert s == pytest.approx(math.exp(fit.x[6]) if with_scale else 1.0, rel=1e-7)
    if not with_scale:  # Kabsch via SciPy on the centred points
        R_sp, _ = Rotation.align_vectors(dst - dst.mean(0), src - src.mean(0))
        np.testing.assert_allclose(R, R_sp.as_matrix(), atol=1e-9)


def test_umeyama_never_reflects():
    src = np.random.default_rng(2).normal(size=(20, 3)) * [3, 2, 1]
    dst = src * [-1, 1, 1]  # a mirror image: the best fit is a rotation, not the reflection
    R, _, _ = umeyama(src, dst)
    assert np.linalg.det(R) == pytest.approx(1.0)
    R_sp, _ = Rotation.align_vectors(dst - dst.mean(0), src - src.mean(0))
    np.testing.assert_allclose(R, R_sp.as_matrix(), atol=1e-9)


@pytest.mark.parametrize("mode", ["rigid", "similarity"])
def test_ate_recovers_known_transform(mode):
    t, gt = random_walk()
    rng = np.random.default_rng(5)
    noisy = gt.copy()
    noisy[:, :3, 3] += rng.normal(scale=0.002, size=(len(t), 3))
    R0, t0, s0 = Rotation.random(random_state=7).as_matrix(), np.array([3.0, -1.0, 0.5]), 2.5 if mode != "rigid" else 1
    est = apply(similarity(R0, t0, s0), noisy)
    res = ate((t, gt), (t, est), align=mode)
    S_inv = np.linalg.inv(similarity(R0, t0, s0))
    np.testing.assert_allclose(res.transform, S_inv, atol=2e-2)  # up to what the noise moves the fit
    assert res.scale == pytest.approx(1 / s0, rel=1e-2)
    # exactly: the best fit of S(noisy) is the best fit of noisy composed with inv(S), same residuals
    direct = ate((t, gt), (t, noisy), align=mode)
    np.testing.assert_allclose(res.transform, direct.transform @ S_inv, atol=1e-9)
    assert res.trans.rmse == pytest.approx(direct.trans.rmse, rel=1e-9)
    assert 0.0025 < res.trans.rmse < 0.0045 and res.trans.n == len(t)
    np.testing.assert_allclose(res.aligned.poses[:, :3, 3], res.est_xyz, atol=1e-12)
    np.testing.assert_allclose(res.aligned.poses[:, :3, :3], noisy[:, :3, :3], atol=5e-3)  # orientations aligned


def test_ate_analytic_errors():
    t = np.arange(4.0)
    corners = np.array([[1.0, 1, 0], [-1, 1, 0], [-1, -1, 0], [1, -1, 0]])
    gt = np.tile(np.eye(4), (4, 1, 1))
    gt[:, :3, 3] = corners
    est = gt.copy()
    est[:, 2, 3] = [0.03, -0.03, 0.03, -0.03]  # uncorrelated with x and y: no rotation can absorb it
    res = ate((t, gt), (t, est))
    np.testing.assert_allclose(res.errors, 0.03, atol=1e-12)
    np.testing.assert_allclose(res.rotation, np.eye(3), atol=1e-12)
    est[:, :3, 3] = 2 * corners + [5, 0, 0]  # twice as large, shifted
    rigid = ate((t, gt), (t, est))
    assert rigid.trans.rmse == pytest.approx(math.sqrt(2))  # residual = the centred gt positions
    sim = ate((t, gt), (t, est), align="similarity")
    assert sim.trans.rmse == pytest.approx(0, abs=1e-12) and sim.scale == pytest.approx(0.5)
    none = ate((t, gt), (t, est), align="none")
    np.testing.assert_allclose(none.errors, np.linalg.norm(est[:, :3, 3] - corners, axis=1))


def test_ate_association():
    t, gt = random_walk(n=30, dt=0.01)  # 100 Hz ground truth
    query = t[2:-2:3] + 0.004  # 30 Hz-ish estimate, 4 ms off the mocap clock
    est_t = np.r_[query, t[-1] + 1.0]  # one pose far outside the ground truth
    idx = np.arange(2, len(t) - 2, 3)
    est = np.concatenate([gt[idx], gt[:1]])
    res = ate((t, gt), (est_t, est), align="none")
    assert res.trans.n == len(query) and res.trans.max == 0.0
    np.testing.assert_array_equal(res.timestamps, query)
    interp = ate((t, gt), (est_t, est), align="none", interpolate=True)  # now 4 ms of motion show up
    assert interp.trans.n == len(query) and interp.trans.max > 0
    with pytest.raises(ValueError, match="0 of 1 estimated poses"):
        ate((t, gt), (t[:1] + 5.0, gt[:1]))
    broken = gt.copy()
    broken[3] = np.nan  # a failed frame
    with pytest.raises(ValueError, match="non-finite"):
        ate((t, gt), (t, broken))
    with pytest.raises(ValueError, match="align must be"):
        ate((t, gt), (t, gt), align="affine")


def straight_line(n=10):
    t = np.arange(n) * 0.1
    poses = np.tile(np.eye(4), (n, 1, 1))
    poses[:, 0, 3] = 0.1 * np.arange(n)
    return t, poses


@pytest.mark.parametrize("convention", ["evo", "tum"])
def test_rpe_analytic(convention):
    t, gt = straight_line()
    est = gt.copy()
    est[5, :3, :3] = lie.so3_exp([0, 0, math.radians(2.0)])  # pose 5 turned 2 deg about its own centre
    res = rpe((t, gt), (t, est), convention=convention)
    np.testing.assert_array_equal(res.pairs, np.c_[np.arange(9), np.arange(1, 10)])
    expected_rot = np.zeros(9)
    expected_rot[[4, 5]] = 2.0
    np.testing.assert_allclose(res.rot_errors, expected_rot, atol=1e-9)
    # evo: E = inv(inv(Q_i) Q_j) inv(P_i) P_j: the pair starting at the turned pose sees its baseline
    # turned (chord of 2 deg over 0.1 m), the pair ending there does not. evaluate_rpe.py's
    # E = inv(inv(P_j) P_i) inv(Q_j) Q_i: the other way round.
    expected_trans = np.zeros(9)
    expected_trans[5 if convention == "evo" else 4] = 2 * 0.1 * math.sin(math.radians(1.0))
    np.testing.assert_allclose(res.trans_errors, expected_trans, atol=1e-12)
    assert res.rot.rmse == pytest.approx(math.sqrt(8 / 9))
    est[7:, 1, 3] += 0.01  # a 1 cm jump sideways between poses 6 and 7
    res = rpe((t, gt), (t, est), delta=3, convention=convention)
    assert len(res.trans_errors) == 7  # pairs (0, 3) ... (6, 9): the pair ending on the last pose counts
    np.testing.assert_allclose(res.trans_errors[[0, 1]], 0, atol=1e-12)
    np.testing.assert_allclose(res.trans_errors[[4, 6]], 0.01, atol=1e-12)  # pairs spanning the jump
    # the pair (5, 8) from the turned pose: TUM sees the jump turned back, evo the 0.3 m baseline turned too
    turned_baseline = est[5, :3, :3].T @ [0.3, 0.01, 0.0] - [0.3, 0.0, 0.0]
    expected = np.linalg.norm(turned_baseline) if convention == "evo" else 0.01
    assert res.trans_errors[5] == pytest.approx(expected, abs=1e-12)


def drifting(n=12, drift=(0.001, -0.002, 0.0005), turn_deg=0.0):
    """Ground truth moving 5 cm and turning 3 deg per frame; the estimate's every step also moved by ``drift``."""
    step = lie.se3_exp([0.0, math.radians(3.0), 0.0, 0.05, 0.01, 0.0])  # twist (omega, v)
    D = lie.se3_exp([0.0, 0.0, math.radians(turn_deg), *drift])
    gt, est = [np.eye(4)], [np.eye(4)]
    for _ in range(n - 1):
        gt.append(gt[-1] @ step)
        est.append(est[-1] @ step @ D)
    return np.arange(n) / 30.0, np.stack(gt), np.stack(est), D


def test_rpe_constant_drift_hand_computed():
    t, gt, est, D = drifting()
    one = rpe((t, gt), (t, est))
    # inv(inv(Q_i) Q_j) inv(P_i) P_j = inv(step) step D = D: the drift exactly, on every pair
    np.testing.assert_allclose(one.trans_errors, np.linalg.norm(D[:3, 3]), rtol=1e-12)
    np.testing.assert_allclose(one.rot_errors, 0.0, atol=1e-9)
    assert one.trans.std == pytest.approx(0, abs=1e-12) and one.trans.n == 11
    # pure translation drift in a translating frame: over N frames, N times the drift
    gt, est = np.tile(np.eye(4), (12, 1, 1)), np.tile(np.eye(4), (12, 1, 1))
    gt[:, 0, 3] = 0.05 * np.arange(12)
    est[:, :3, 3] = gt[:, :3, 3] + np.outer(np.arange(12), [0.001, -0.002, 0.0005])
    for n_frames in (1, 2, 5):
        res = rpe((t, gt), (t, est), delta=n_frames, unit="f")
        np.testing.assert_allclose(res.trans_errors, n_frames * math.sqrt(0.001**2 + 0.002**2 + 0.0005**2), rtol=1e-12)
        assert res.trans.n == 12 - n_frames and res.unit == "frames"
        assert res.label == ("1 frame" if n_frames == 1 else f"{n_frames} frames")
    # a rotating drift too: the 1-frame error is D (evo), angle 0.5 deg; TUM's has the same angle
    t, gt, est, D = drifting(turn_deg=0.5)
    evo_1, tum_1 = rpe((t, gt), (t, est)), rpe((t, gt), (t, est), convention="tum")
    np.testing.assert_allclose(evo_1.trans_errors, np.linalg.norm(D[:3, 3]), rtol=1e-9)
    np.testing.assert_allclose(evo_1.rot_errors, 0.5, rtol=1e-9)
    np.testing.assert_allclose(tum_1.rot_errors, 0.5, rtol=1e-9)
    assert not np.allclose(tum_1.trans_errors, evo_1.trans_errors, rtol=1e-3)  # conjugated by the step


def test_rpe_seconds_on_timestamps_with_gaps():
    t = np.array([0.0, 0.1, 0.2, 0.3, 0.8, 0.9, 1.0])  # 0.5 s without frames
    gt = np.tile(np.eye(4), (7, 1, 1))
    gt[:, 0, 3] = t  # 1 m/s along x
    est = gt.copy()
    est[:, 0, 3] *= 1.1  # 10 % too fast: error = 0.1 * the pair's time span
    res = rpe((t, gt), (t, est), delta=0.3, unit="s", max_dt=0.01)
    # pose nearest t_i + 0.3 (evaluate_rpe.py): 0.3, 0.3 (0.4 is nearer 0.3 than 0.8), 0.3 (0.5: 0.2 from
    # 0.3, 0.3 from 0.8), 0.8 (0.6); 0.8 + 0.3 lies past the end, no pair
    np.testing.assert_array_equal(res.pairs, [[0, 3], [1, 3], [2, 3], [3, 4]])
    np.testing.assert_allclose(res.trans_errors, 0.1 * np.array([0.3, 0.2, 0.1, 0.5]), rtol=1e-9)
    assert res.label == "0.3 s" and res.unit == "seconds"
    frames = rpe((t, gt), (t, est), delta=3, unit="f", max_dt=0.01)  # frames ignore the gap
    np.testing.assert_array_equal(frames.pairs, [[0, 3], [1, 4], [2, 5], [3, 6]])
    for delta, unit in ((0, "f"), (-1, "s"), (1.5, "f"), (math.inf, "s"), (1, "m")):
        with pytest.raises(ValueError, match="RPE delta"):
            rpe((t, gt), (t, est), delta=delta, unit=unit)


@pytest.mark.parametrize("convention", ["evo", "tum"])
def test_rpe_seconds_and_matches_tum_loop(convention):
    t, gt = random_walk(n=50, seed=3)
    rng = np.random.default_rng(4)
    est = np.stack([T @ lie.se3_exp(rng.normal(scale=0.003, size=6)) for T in gt])
    per_frame = rpe((t, gt), (t, est), delta=3, convention=convention)
    per_time = rpe((t, gt), (t, est), delta=0.1, unit="seconds", convention=convention)
    np.testing.assert_array_equal(per_frame.pairs, per_time.pairs)
    np.testing.assert_allclose(per_frame.trans_errors, per_time.trans_errors)

    def ominus(a, b):
        return np.linalg.inv(a) @ b

    for (i, j), e_t, e_r in zip(per_frame.pairs, per_frame.trans_errors, per_frame.rot_errors, strict=True):
        if convention == "tum":  # evaluate_rpe.py
            E = ominus(ominus(est[j], est[i]), ominus(gt[j], gt[i]))
        else:  # evo's RPE.rpe_base
            E = ominus(ominus(gt[i], gt[j]), ominus(est[i], est[j]))
        assert e_t == pytest.approx(np.linalg.norm(E[:3, 3]), abs=1e-12)
        assert e_r == pytest.approx(np.degrees(np.linalg.norm(Rotation.from_matrix(E[:3, :3]).as_rotvec())), abs=1e-9)
    with pytest.raises(ValueError, match="no pair"):
        rpe((t, gt), (t, est), delta=10.0, unit="seconds")


def test_rpe_pairs_edges():
    np.testing.assert_array_equal(rpe_pairs(np.arange(4), 1), [[0, 1], [1, 2], [2, 3]])
    np.testing.assert_array_equal(rpe_pairs(np.array([0.0, 0.03, 0.07, 0.1]), 0.06), [[0, 2], [1, 3]])
    assert rpe_pairs(np.arange(3), 5).shape == (0, 2)
    assert rpe_pairs(np.arange(3), 0.2).shape == (0, 2)  # nearest target is the pose itself


@pytest.fixture
def trajectory_files(tmp_path):
    t, gt = random_walk(n=40)
    est = gt.copy()
    est[:, :3, 3] += np.random.default_rng(0).normal(scale=0.01, size=(len(t), 3))
    tum.write_trajectory(tmp_path / "gt.txt", t, gt)
    tum.write_trajectory(tmp_path / "est.txt", t, est)
    return tmp_path, ate((t, gt), (t, est))


def test_cli_prints_table(trajectory_files, capsys):
    folder, expected = trajectory_files
    assert main(["evaluate", str(folder / "gt.txt"), str(folder / "est.txt")]) == 0
    out = capsys.readouterr().out
    assert "associated poses: 40 of 40 (nearest ground-truth sample, |dt| < 0.02 s, no interpolation" in out
    header = next(line for line in out.splitlines() if "rmse" in line).split()
    assert header == ["rmse", "mean", "median", "std", "min", "max", "n"]
    row = next(line for line in out.splitlines() if line.startswith("ATE trans [cm]")).split()
    st = expected.trans
    for text, value in zip(row[3:9], (st.rmse, st.mean, st.median, st.std, st.min, st.max), strict=True):
        assert text == f"{value * 100:.4f}"  # cm with 4 decimals: micrometres
    assert row[-1] == "40"
    for label in ("RPE 1 frame trans [cm]", "RPE 1 frame rot [deg]", "RPE 1 s trans [cm]", "RPE 1 s rot [deg]"):
        assert label in out


def test_cli_delta_and_json(trajectory_files, capsys):
    folder, expected = trajectory_files
    gt, est = tum.read_trajectory(folder / "gt.txt"), tum.read_trajectory(folder / "est.txt")
    args = ["evaluate", str(folder / "gt.txt"), str(folder / "est.txt")]
    assert main([*args, "--delta", "4"]) == 0
    out = capsys.readouterr().out
    assert "RPE 4 frames trans [cm]" in out and "RPE 1 s" not in out and "RPE 1 frame" not in out
    four = rpe(gt, est, delta=4)
    row = next(line for line in out.splitlines() if line.startswith("RPE 4 frames trans")).split()
    assert row[5] == f"{four.trans.rmse * 100:.4f}" and row[-1] == str(four.trans.n) == "36"
    assert main([*args, "--delta", "0.5", "--delta-unit", "s", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)  # the whole of stdout: one object
    assert set(data) == {"gt", "est", "plot", "units", "settings", "counts", "ate", "rpe"}
    assert data["units"] == {"trans": "m", "rot": "deg"} and data["plot"] is None
    assert data["settings"] == {
        "align": "rigid",
        "max_dt": 0.02,
        "interpolate": False,
        "association": data["settings"]["association"],
        "rpe_convention": "evo",
    }
    assert data["counts"] == {"gt_poses": 40, "est_poses": 40, "associated": 40}
    stats = data["ate"]["trans_m"]
    assert set(stats) == {"rmse", "mean", "median", "std", "min", "max", "n"}
    assert stats["rmse"] == pytest.approx(expected.trans.rmse, rel=1e-6) and stats["n"] == 40  # metres, unrounded
    assert stats["min"] == pytest.approx(expected.trans.min, rel=1e-6)
    (half,) = data["rpe"]
    direct = rpe(gt, est, delta=0.5, unit="seconds")
    assert (half["label"], half["delta"], half["unit"], half["pairs"]) == ("0.5 s", 0.5, "seconds", len(direct.pairs))
    assert half["trans_m"]["std"] == pytest.approx(direct.trans.std, rel=1e-12)
    assert half["rot_deg"]["max"] == pytest.approx(direct.rot.max, rel=1e-12)
    assert main([*args, "--delta", "5", "--json"]) == 0  # too far for this trajectory: the reason, valid JSON
    data = json.loads(capsys.readouterr().out)
    assert data["rpe"][0]["label"] == "5 frames" and "trans_m" in data["rpe"][0]
    assert main([*args, "--delta", "3", "--delta-unit", "s", "--json"]) == 0  # 40 frames at 30 Hz: 1.3 s
    (far,) = json.loads(capsys.readouterr().out)["rpe"]
    assert far["label"] == "3 s" and far["error"].startswith("no pair")


def test_cli_short_trajectory_and_bad_input(tmp_path, capsys):
    t, gt = random_walk(n=9)  # 0.27 s: no pair 1 s apart
    tum.write_trajectory(tmp_path / "gt.txt", t, gt)
    assert main(["evaluate", str(tmp_path / "gt.txt"), str(tmp_path / "gt.txt"), "--align", "similarity"]) == 0
    out = capsys.readouterr().out
    assert "RPE 1 s" in out and "n/a: no pair" in out and "scale 1.000000" in out
    assert main(["evaluate", str(tmp_path / "gt.txt"), str(tmp_path / "missing.txt")]) == 2
    assert "missing.txt" in capsys.readouterr().err


@pytest.mark.skipif(importlib.util.find_spec("matplotlib") is None, reason="matplotlib not installed (.[plot] extra)")
def test_cli_writes_plot(trajectory_files, capsys):
    folder, _ = trajectory_files
    png = folder / "eval.png"
    assert main(["evaluate", str(folder / "gt.txt"), str(folder / "est.txt"), "--plot", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
    assert f"plot: {png}" in capsys.readouterr().out


def test_cli_without_matplotlib_still_prints_table(trajectory_files, capsys, monkeypatch):
    folder, _ = trajectory_files
    for name in [m for m in sys.modules if m == "matplotlib" or m.startswith("matplotlib.")] + ["matplotlib"]:
        monkeypatch.setitem(sys.modules, name, None)  # import matplotlib now raises ImportError
    png = folder / "eval.png"
    assert main(["evaluate", str(folder / "gt.txt"), str(folder / "est.txt"), "--plot", str(png)]) == 0
    captured = capsys.readouterr()
    assert "ATE trans [cm]" in captured.out and "pip install -e .[plot]" in captured.err and not png.exists()


# SOURCE.md of each shared folder: "Nearest-GT vs interpolated GT relative pose: differs by at most ...", over
# its pairs at gaps 1, 2, 4. RPE of the interpolated ground truth against the nearest samples is that difference.
SOURCE_MD = {"tum_fr1_rpy": (0.79, 0.621, (39, 38, 36)), "tum_fr1_desk": (1.76, 0.185, (8, 7, 5))}


@pytest.mark.parametrize("name", SOURCE_MD)
def test_rpe_reproduces_source_md_figures(name):
    folder = DATA / name
    if not (folder / "frames.csv").is_file():
        pytest.skip(f"{folder} not found (shared TUM data absent)")
    seq = tum.read_sequence(folder)
    interpolated, valid = seq.groundtruth_at_frames()
    assert valid.all()
    results = [rpe(seq.groundtruth, (seq.timestamps, interpolated), delta=gap) for gap in (1, 2, 4)]
    max_mm, max_deg, counts = SOURCE_MD[name]
    assert tuple(r.trans.n for r in results) == counts
    assert max(r.trans.max for r in results) * 1e3 == pytest.approx(max_mm, abs=0.005)
    assert max(r.rot.max for r in results) == pytest.approx(max_deg, abs=0.0005)
    exact = ate(seq.groundtruth, (seq.timestamps, interpolated), interpolate=True)
    assert exact.trans.max < 1e-9 and exact.trans.n == len(seq)
