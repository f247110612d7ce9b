"""A broken or missing CUDA stack never breaks CPU users, and ``target="cuda"`` then says why (issue 14).

Each check runs in a fresh process: whether ``numba.cuda`` gets imported, and how it fails, is
decided once per process. ``BROKEN`` makes ``import numba.cuda`` fail as numba-cuda 0.30.4 did on
NumPy 2.5 (``np.row_stack`` removed).
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

BROKEN = textwrap.dedent(
    """
    import importlib.abc
    import sys

    class BrokenCuda(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name.split(".")[:2] == ["numba", "cuda"] or name.split(".")[0] == "numba_cuda":
                raise AttributeError("module 'numpy' has no attribute 'row_stack'")
            return None

    sys.meta_path.insert(0, BrokenCuda())
    """
)

REPORT_ERROR = textwrap.dedent(
    """
    def report(call):
        try:
            call()
        except Exception as exc:
            from jacgen.cuda_support import CudaUnavailableError

            return {
                "type": type(exc).__name__,
                "is_cuda_unavailable": isinstance(exc, CudaUnavailableError),
                "is_import_error": isinstance(exc, ImportError),
                "message": str(exc),
                "cause": repr(exc.__cause__),
            }
        return None
    """
)


def run_python(code: str, simulator: bool = False) -> dict:
    """Run ``code`` in a fresh interpreter; it prints one JSON line last, returned here."""
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_ENABLE_CUDASIM"}
    if simulator:
        env["NUMBA_ENABLE_CUDASIM"] = "1"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.late  # its kernels then come from the cache; a cold compile's imports: tests/test_reproducible.py
def test_cpu_paths_never_import_numba_cuda():
    code = BROKEN + textwrap.dedent(
        """
        import json

        import numpy as np

        import jacgen
        import solver
        from solver.pointset.scenes import fov_intrinsics
        from solver.synthetic import make_scene

        done = []
        s = make_scene(shape=(60, 80))
        done.append(solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, levels=2).success)
        pairs = ([s.ref_image] * 2, [s.ref_depth] * 2, [s.tgt_image] * 2)
        done.append(all(r.success for r in solver.align_batch(*pairs, s.intrinsics, levels=2)))
        points, K = solver.torus_points(), fov_intrinsics((48, 48), 90.0)
        true = np.array([0.5, 0.0, 0.7, 0.0, 0.0, 2.0])
        image = solver.render_points(points, true, K, (48, 48), sigma=2.0)
        fixed = ("r2", "t1", "t2", "t3")
        done.append(bool(np.isfinite(solver.align_points(points, image, K, init=true + 0.02, fixed=fixed).cost)))
        pts = np.array([[0.1, -0.2, 2.0], [0.3, 0.1, 1.5]])
        for model in jacgen.models():
            uv, J, valid = jacgen.warp_jacobian(model, np.full(6, 0.01), pts, (500, 500, 320, 240), target="cpu")
            done.append(bool(valid.all() and np.isfinite(J).all()))
            done.append(bool(jacgen.warp(model, np.zeros(6), pts, (500, 500, 320, 240))[1].all()))
        done.append(bool(jacgen.warp_jacobian_at_zero("se3", pts, (500, 500, 320, 240))[2].all()))
        cuda = sorted(m for m in sys.modules if m.startswith(("numba.cuda", "numba_cuda")))
        print(json.dumps({"done": done, "cuda_modules": cuda}))
        """
    )
    out = run_python(code)
    assert all(out["done"]), out
    assert out["cuda_modules"] == []


@pytest.mark.parametrize("call", ["warp", "align", "align_batch"])
def test_cuda_target_on_broken_stack_names_the_cause(call):
    code = (
        BROKEN
        + REPORT_ERROR
        + textwrap.dedent(
            f"""
            import json

            import numpy as np

            import jacgen
            import solver
            from solver.synthetic import make_scene

            s = make_scene(shape=(40, 48))
            calls = {{
                "warp": lambda: jacgen.warp("se3", np.zeros(6), np.ones((4, 3)), (50, 50, 20, 20), target="cuda"),
                "align": lambda: solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, target="cuda"),
                "align_batch": lambda: solver.align_batch(
                    [s.ref_image], [s.ref_depth], [s.tgt_image], s.intrinsics, target="cuda"
                ),
            }}
            print(json.dumps(report(calls[{call!r}])))
            """
        )
    )
    err = run_python(code)
    assert err is not None, "target='cuda' ran on a broken CUDA stack"
    assert err["type"] == "CudaUnavailableError" and err["is_cuda_unavailable"] and err["is_import_error"], err
    assert "target='cuda' is unavailable" in err["message"]
    assert "AttributeError: module 'numpy' has no attribute 'row_stack'" in err["message"]
    assert "numpy<2.5" in err["message"]
    assert err["cause"].startswith("AttributeError("), err  # chained with ``from exc``


def test_cuda_target_without_gpu_names_the_cause():
    # CUDA_VISIBLE_DEVICES="" hides any GPU from the driver, so this runs on GPU machines too.
    code = REPORT_ERROR + textwrap.dedent(
        """
        import json
        import os

        os.environ["CUDA_VISIBLE_DEVICES"] = ""

        import numpy as np

        import jacgen

        err = report(lambda: jacgen.warp_jacobian("rodrigues", np.zeros(6), np.ones((4, 3)), (50, 50, 20, 20), "cuda"))
        print(json.dumps(err))
        """
    )
    err = run_python(code)
    assert err is not None, "target='cuda' ran with no visible GPU"
    assert err["type"] == "CudaUnavailableError" and err["is_import_error"], err
    assert "target='cuda' is unavailable" in err["message"]
    assert "no CUDA driver/GPU was found" in err["message"] or "libNVVM" in err["message"], err
    assert "NUMBA_ENABLE_CUDASIM=1" in err["message"]  # the way to run the CUDA kernels without a GPU


def test_cuda_target_runs_under_simulator_without_gpu():
    code = textwrap.dedent(
        """
        import json

        import numpy as np

        import jacgen
        from jacgen.cuda_support import require_cuda

        pts = np.array([[0.1, -0.2, 2.0], [0.3, 0.1, 1.5], [0.0, 0.0, -1.0]])
        p, K = np.array([0.05, -0.02, 0.03, 0.1, 0.0, -0.1]), (500, 500, 320, 240)
        cpu = jacgen.warp_jacobian("euler_xyz", p, pts, K)
        sim = jacgen.warp_jacobian("euler_xyz", p, pts, K, target="cuda")
        same = all(np.allclose(a, b, rtol=1e-12, atol=1e-12, equal_nan=True) for a, b in zip(cpu, sim))
        print(json.dumps({"same": same, "gate": require_cuda().__name__}))
        """
    )
    out = run_python(code, simulator=True)
    assert out == {"same": True, "gate": "numba.cuda"}
