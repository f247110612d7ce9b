"""Bit-identical results whether the kernels were compiled in the process or loaded from Numba's cache."""

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _run(cache_dir: Path) -> dict:
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    done = subprocess.run(
        [sys.executable, str(HERE / "reproducibility_check.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_cold_and_warm_cache_give_identical_bits(tmp_path):
    cold = _run(tmp_path)
    warm = _run(tmp_path)
    assert cold["cache"]["compiled"] > 0 and cold["cache"]["loaded"] == 0, cold["cache"]
    assert warm["cache"]["compiled"] == 0 and warm["cache"]["loaded"] > 0, warm["cache"]
    differ = sorted(k for k in cold["results"] if cold["results"][k] != warm["results"][k])
    assert not differ, f"compiled and cached kernels disagree on {differ}"
    assert cold["results"].keys() == warm["results"].keys()
