"""The command lines: ``python -m solver demo`` and ``python -m solver align`` on PNG files."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from solver.cli import intrinsics, main
from solver.core import lie
from solver.sequences.tum import pose_from_tum
from solver.synthetic import make_scene


def run(*args):
    return subprocess.run([sys.executable, "-m", "solver", *args], capture_output=True, text=True, timeout=600)


def test_demo_prints_estimate_and_error():
    proc = run("demo")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for needle in ("true T_tgt_from_ref", "estimated T_tgt_from_ref", "error:", "level 0 640x480", "CONVERGED"):
        assert needle in proc.stdout


def test_align_command_on_png_files(tmp_path):
    s = make_scene((0.02, 0.0, -0.01, 1.0, -1.0, 0.5))
    gray = lambda img: np.repeat((img.clip(0, 1) * 255).round().astype(np.uint8)[..., None], 3, axis=2)  # noqa: E731
    Image.fromarray(gray(s.ref_image)).save(tmp_path / "ref.png")
    Image.fromarray(gray(s.tgt_image)).save(tmp_path / "tgt.png")
    Image.fromarray((s.ref_depth * 5000).round().astype(np.uint16)).save(tmp_path / "depth.png")
    k = ",".join(str(v) for v in s.intrinsics)
    proc = run(
        "align", str(tmp_path / "ref.png"), str(tmp_path / "depth.png"), str(tmp_path / "tgt.png"), "--intrinsics", k
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    values = [float(v) for v in proc.stdout.split()]
    assert len(values) == 7
    t_err, r_err = lie.pose_error(pose_from_tum(values), s.pose)
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)
    assert "status: CONVERGED" in proc.stderr


@pytest.mark.parametrize("command", [("align", "a.png", "b.png", "c.png"), ("odometry", "folder")])
@pytest.mark.parametrize("text", ["1,2,x", "1,2,3", "0,1,2,3", "1,nan,2,3"])
def test_commands_reject_bad_intrinsics(command, text):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--intrinsics", text])
    assert exit_info.value.code == 2


def test_bad_intrinsics_message():
    proc = run("odometry", "folder", "--intrinsics", "1,2,x")
    expected = "argument --intrinsics: expected fx,fy,cx,cy (four finite numbers, fx and fy > 0), got '1,2,x'"
    assert proc.returncode == 2 and expected in proc.stderr


def test_intrinsics_argument():
    assert intrinsics(" 500, 501,320 ,240") == (500.0, 501.0, 320.0, 240.0)


@pytest.mark.parametrize(
    "args",
    [
        ("odometry", "no/such/folder"),
        ("align", "no_ref.png", "no_depth.png", "no_tgt.png", "--intrinsics", "500,500,320,240"),
        ("evaluate", "no_gt.txt", "no_est.txt"),
    ],
)
def test_bad_paths_end_in_one_line(args):
    proc = run(*args)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert "Traceback" not in proc.stderr and len(lines) == 1, proc.stderr
    assert "no" in lines[0] and args[0] in lines[0], lines


def test_debug_flag_shows_the_traceback():
    proc = run("--debug", "odometry", "no/such/folder")
    assert proc.returncode != 0 and "Traceback" in proc.stderr


def test_unreadable_image_names_its_file(tmp_path):
    from solver.sequences.io import UnreadableImageError, read_image

    path = tmp_path / "broken.png"
    Image.fromarray(np.zeros((32, 32), dtype=np.uint8) + 7).save(path)
    path.write_bytes(path.read_bytes()[:60])  # truncated
    with pytest.raises(UnreadableImageError, match="broken.png"):
        read_image(path)
    proc = run("align", str(path), str(path), str(path), "--intrinsics", "500,500,320,240")
    assert proc.returncode == 2 and "broken.png" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    ("flags", "needle"),
    [
        (("--delta", "0"), "--delta must be a whole number of frames > 0, got '0'"),
        (("--delta", "-2"), "--delta must be a whole number of frames > 0, got '-2'"),
        (("--delta", "-0.5", "--delta-unit", "s"), "--delta must be a number of seconds > 0, got '-0.5'"),
        (("--delta", "1.5"), "--delta must be a whole number of frames > 0, got '1.5'"),
        (("--delta", "x", "--delta-unit", "s"), "--delta must be a number of seconds > 0, got 'x'"),
        (("--delta", "2", "--delta-unit", "m"), "--delta-unit must be f (frames) or s (seconds), got 'm'"),
        (("--rpe-convention", "kitti"), "--rpe-convention must be 'evo' or 'tum', got 'kitti'"),
    ],
)
def test_evaluate_rejects_bad_rpe_settings_in_one_line(flags, needle, capsys):
    assert main(["evaluate", "gt.txt", "est.txt", *flags]) == 2  # checked before any file is read
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [f"python -m solver evaluate: error: {needle}"] and captured.out == ""


def _tum_folder_and_estimate(folder):
    """A fr1 folder (empty image files: the odometry is replaced) with 100 Hz ground truth off the 30 Hz frames."""
    from solver.sequences.tum import write_trajectory

    def motion(t):
        return lie.se3_exp([0.3 * np.sin(t), 0.15 * np.sin(t), 0.0, 0.2 * t, 0.0, 0.1 * t])

    start = 1305031102.175304
    frames = start + np.arange(45) / 30.0  # 1.5 s: pairs 1 s apart exist
    (folder / "rgb").mkdir(parents=True)
    (folder / "depth").mkdir()
    for t in frames:
        (folder / "rgb" / f"{t:.6f}.png").touch()
        (folder / "depth" / f"{t:.6f}.png").touch()
    (folder / "rgb.txt").write_text("".join(f"{t:.6f} rgb/{t:.6f}.png\n" for t in frames))
    (folder / "depth.txt").write_text("".join(f"{t + 0.004:.6f} depth/{t:.6f}.png\n" for t in frames))
    mocap = start - 0.0037 + np.arange(160) / 100.0  # 100 Hz, 3.7 ms off the frames' clock
    write_trajectory(folder / "groundtruth.txt", mocap, np.stack([motion(t - start) for t in mocap]))
    rng = np.random.default_rng(3)
    est = np.stack([motion(t - start) @ lie.se3_exp(rng.normal(scale=0.003, size=6)) for t in frames])
    return frames, est


def test_odometry_and_evaluate_print_the_same_figures(tmp_path, capsys, monkeypatch):
    import solver.cli.odometry as odometry_cli
    from solver.sequences.visual_odometry import OdometryResult

    folder = tmp_path / "rgbd_dataset_freiburg1_fake"
    frames, est = _tum_folder_and_estimate(folder)
    monkeypatch.setattr(odometry_cli, "odometry", lambda *a, **k: OdometryResult(frames, est, [0], [None] * len(est)))
    out = tmp_path / "traj.txt"
    assert main(["odometry", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert main(["evaluate", str(folder), str(out)]) == 0
    evaluated = capsys.readouterr().out

    def figures(text):
        return [line for line in text.splitlines() if line.startswith(("associated", "ATE", "RPE"))]

    assert len(figures(printed)) == 6 and figures(printed) == figures(evaluated)  # association line, ATE, 2 x 2 RPE
    assert main(["evaluate", str(folder), str(out), "--interpolate"]) == 0  # and the choice shows in the figures
    interpolated = capsys.readouterr().out
    ate_row = [line for line in figures(interpolated) if line.startswith("ATE")]
    assert ate_row != [line for line in figures(printed) if line.startswith("ATE")]
