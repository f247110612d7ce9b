"""generated/ is exactly what the generator produces, byte for byte, whatever the hash seed."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from jacgen.build import GENERATED_DIR, render_all, stale_files, write_modules


def test_regenerating_reproduces_committed_files(tmp_path):
    files = render_all()
    write_modules(files, tmp_path)
    for name in files:
        committed = (GENERATED_DIR / name).read_bytes()
        assert (tmp_path / name).read_bytes() == committed, f"{name} differs: run `python -m jacgen build`"
    assert not stale_files(files, GENERATED_DIR)


def test_build_is_deterministic_across_processes(tmp_path):
    """A build in another process with another hash seed writes the committed bytes (this process's
    seed is pytest's random one, see the test above)."""
    env = dict(os.environ, PYTHONHASHSEED="987")
    subprocess.run([sys.executable, "-m", "jacgen", "build", "--out", str(tmp_path)], env=env, check=True, timeout=300)
    written = sorted(tmp_path.glob("*.py"))
    assert {p.name for p in written} == {p.name for p in GENERATED_DIR.glob("*.py")}
    for path in written:
        assert path.read_bytes() == (GENERATED_DIR / path.name).read_bytes(), path.name


def test_check_reports_stale_files(tmp_path):
    for path in GENERATED_DIR.glob("*.py"):  # the committed files (equal to a fresh build, see above)
        shutil.copy(path, tmp_path / path.name)
    victim = tmp_path / "rodrigues_cpu.py"
    victim.write_text(victim.read_text().replace("h0 = ", "h0 = 2 * ", 1))
    proc = subprocess.run(
        [sys.executable, "-m", "jacgen", "build", "--check", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 1
    assert "rodrigues_cpu.py" in proc.stderr and "euler_xyz_cpu.py" not in proc.stderr


def test_banner_has_hash_version_and_op_counts():
    text = (GENERATED_DIR / "rodrigues_cpu.py").read_text()
    head = text.split('"""', 1)[0]
    for needle in ("GENERATED FILE", "generator: jacgen", "source model: rodrigues", "content hash: sha256:"):
        assert needle in head
    assert "before cse" in head and "per point" in head and "warp_jacobian" in head


def test_list_prints_every_model():
    proc = subprocess.run([sys.executable, "-m", "jacgen", "list"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0
    for name in ("rodrigues", "euler_xyz", "se3", "warp_jacobian_at_zero"):
        assert name in proc.stdout


def test_generated_code_is_formatted():
    ruff = Path(sys.executable).with_name("ruff")
    cmd = [str(ruff)] if ruff.exists() else [sys.executable, "-m", "ruff"]
    proc = subprocess.run([*cmd, "format", "--check", str(GENERATED_DIR)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
