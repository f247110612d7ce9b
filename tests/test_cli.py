"""The command lines: ``python -m solver demo`` and ``python -m solver align`` on PNG files."""

import subprocess
import sys

import numpy as np
from PIL import Image

from solver.core import lie
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
    T = np.eye(4)
    T[:3, :3] = lie.matrix_from_quaternion(values[3:])
    T[:3, 3] = values[:3]
    t_err, r_err = lie.pose_error(T, s.pose)
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)
    assert "status: CONVERGED" in proc.stderr


def test_align_command_rejects_bad_intrinsics(tmp_path):
    proc = run("align", "a.png", "b.png", "c.png", "--intrinsics", "1,2,x")
    assert proc.returncode == 2 and "fx,fy,cx,cy" in proc.stderr
