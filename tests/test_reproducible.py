"""Bit-identical results whether the kernels were compiled in the process or loaded from Numba's cache."""

import json

import numba
import numpy as np
import pytest

import solver
from solver.synthetic import make_scene


def _output(proc) -> dict:
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.background_check("reproducibility")  # cold, then warm: started at collection (conftest.py)
def test_cold_and_warm_cache_give_identical_bits(background_result):
    cold, warm, _ = (_output(proc) for proc in background_result)
    assert cold["cache"]["compiled"] > 0 and cold["cache"]["loaded"] == 0, cold["cache"]
    assert warm["cache"]["compiled"] == 0 and warm["cache"]["loaded"] > 0, warm["cache"]
    differ = sorted(k for k in cold["results"] if cold["results"][k] != warm["results"][k])
    assert not differ, f"compiled and cached kernels disagree on {differ}"
    assert cold["results"].keys() == warm["results"].keys()
    # compiling every entry point's kernels cold imports no CUDA (tests/test_cuda_isolation.py: cached)
    assert cold["cuda_modules"] == [] and warm["cuda_modules"] == [], (cold["cuda_modules"], warm["cuda_modules"])


@pytest.mark.background_check("reproducibility")
def test_kernels_compiled_by_the_background_process_give_the_same_bits(background_result):
    cold, _, ahead = (_output(proc) for proc in background_result)
    # the first align's fused kernels came from the cache the background process filled, the rest compiled here
    assert ahead["cache"]["loaded"] > 0 and ahead["cache"]["compiled"] > 0, ahead["cache"]
    assert ahead["results"]["align_float32"] == cold["results"]["align_float32"]


def test_thread_count_does_not_change_bits():
    scene = make_scene(shape=(240, 320))  # several chunks of points per level
    args = (scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics)
    before = numba.get_num_threads()
    poses = []
    try:
        for threads in sorted({1, before}):
            numba.set_num_threads(threads)
            poses.append(solver.align(*args, levels=2).pose)
    finally:
        numba.set_num_threads(before)
    assert all(np.array_equal(p, poses[0]) for p in poses)
