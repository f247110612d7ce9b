"""What running the solver loads and says: no Sympy at run time, a notice while a first run compiles (issue 25).

Sympy derives the kernels; loading and running them must not import it (it costs ~0.4 s of every
``import solver``). Checked in a fresh process, where ``sys.modules`` starts empty.
"""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from jacgen.compile_notice import NOTICE

ROOT = Path(__file__).resolve().parents[1]


def test_align_and_warp_load_no_sympy():
    code = textwrap.dedent(
        """
        import json, sys
        import numpy as np
        import jacgen, solver
        from solver.synthetic import make_scene

        after_import = "sympy" in sys.modules
        s = make_scene((0.01, 0.0, 0.02, 1.0, -1.0, 0.5), shape=(120, 160))
        r = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, levels=2)
        pts = np.array([[0.1, -0.2, 2.0], [0.0, 0.0, 1.5]])
        jacgen.warp_jacobian("rodrigues", np.zeros(6), pts, (500.0, 500.0, 80.0, 60.0))
        print(json.dumps({"after_import": after_import, "after_calls": "sympy" in sys.modules, "ok": r.success}))
        """
    )
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = json.loads(proc.stdout.strip().splitlines()[-1])
    assert got == {"after_import": False, "after_calls": False, "ok": True}, got


def test_a_first_run_says_it_compiles_and_a_cached_one_does_not(tmp_path):
    code = textwrap.dedent(
        """
        import numpy as np
        import jacgen
        jacgen.warp_jacobian("se3", np.zeros(6), np.array([[0.1, -0.2, 2.0]]), (500.0, 500.0, 80.0, 60.0))
        """
    )
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("JACGEN_QUIET", None)
    runs = [
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    ]
    runs.append(
        subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    )
    assert all(r.returncode == 0 for r in runs), runs[-1].stderr[-3000:]
    assert NOTICE in runs[0].stderr  # compiled: the warp Jacobian kernel takes seconds
    assert NOTICE not in runs[1].stderr  # loaded from the cache
    quiet = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**env, "JACGEN_QUIET": "1", "NUMBA_CACHE_DIR": str(tmp_path / "q")},
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert quiet.returncode == 0 and NOTICE not in quiet.stderr


def test_kernel_cache_falls_back_to_a_user_directory_when_the_package_is_read_only(tmp_path):
    """Installed in a system site-packages, the package folder cannot take Numba's ``__pycache__``:
    the kernels are then cached in the user's cache directory (Numba's user-wide locator) and a
    second process loads them from there instead of compiling again."""
    site = tmp_path / "site"
    for package in ("jacgen", "generated"):
        shutil.copytree(ROOT / package, site / package, ignore=shutil.ignore_patterns("__pycache__"))
    for folder in [site / "jacgen", site / "generated", *[p for p in (site / "jacgen").rglob("*") if p.is_dir()]]:
        (folder / "__pycache__").write_text("a file where the in-tree cache folder would go\\n")
    code = textwrap.dedent(
        f"""
        import numpy as np
        import jacgen
        assert jacgen.__file__.startswith({str(site)!r}), jacgen.__file__
        points, K = np.array([[0.1, -0.2, 2.0]]), (500.0, 500.0, 80.0, 60.0)
        uv, J, valid = jacgen.warp_jacobian("rodrigues", np.zeros(6), points, K)
        assert valid.all() and np.isfinite(J).all()
        from jacgen import compile_notice
        print(compile_notice._installed.spent)  # seconds spent compiling the project's functions
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("NUMBA_CACHE_DIR", "JACGEN_QUIET")}
    env.update(PYTHONPATH=str(site), XDG_CACHE_HOME=str(tmp_path / "user-cache"), PYTHONDONTWRITEBYTECODE="1")
    runs = [
        subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
        for _ in range(2)
    ]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr[-3000:] + runs[1].stderr[-3000:]
    assert list((tmp_path / "user-cache").rglob("*.nbi")), "no kernel cached in the user's cache directory"
    spent = [float(r.stdout.split()[-1]) for r in runs]
    assert spent[0] > 0 and spent[1] == 0.0, spent  # compiled once, then loaded: no compile at all
    assert NOTICE in runs[0].stderr and NOTICE not in runs[1].stderr
