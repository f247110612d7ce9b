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
