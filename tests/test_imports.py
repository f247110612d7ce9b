"""What running the solver loads: generated code needs no Sympy at run time (issue 25).

Sympy derives the kernels; loading and running them must not import it (it costs ~0.4 s of every
``import solver``). Checked in a fresh process, where ``sys.modules`` starts empty.
"""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

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
