"""Compiling ahead: the background process of a cold first ``align``, ``python -m jacgen warm`` and its profile."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from numba.core.registry import CPUDispatcher

from solver.arrays import backprojection, images
from solver.options import AlignOptions
from solver.photometric import background_compile, compile_ahead
from solver.photometric.background_compile import KernelSet

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )


def test_helpers_run_as_python_inside_and_compiled_after():
    with compile_ahead.helpers_in_python():
        assert not isinstance(images._halve_kernel, CPUDispatcher)
        assert not isinstance(backprojection._usable_mask, CPUDispatcher)
        compile_ahead.align_tiny(KernelSet())  # the helpers' Python runs; the fused kernels are the compiled ones
    assert isinstance(images._halve_kernel, CPUDispatcher)
    assert isinstance(backprojection._usable_mask, CPUDispatcher)


def test_python_helpers_prepare_the_same_level_as_the_compiled_ones():
    from solver.photometric.problem import Problem
    from solver.synthetic import make_scene

    scene = make_scene(shape=compile_ahead.TINY_SHAPE)
    args = (scene.ref_image, scene.ref_depth, scene.tgt_image, scene.intrinsics, None, AlignOptions().validated())
    compiled = Problem(*args, scene.tgt_depth).level_data(0)
    with compile_ahead.helpers_in_python():
        python = Problem(*args, scene.tgt_depth).level_data(0)
    for name in ("points", "iref", "tgt_stack", "depth_stack"):
        np.testing.assert_array_equal(getattr(python, name), getattr(compiled, name), err_msg=name)


def test_kernel_set_of_options_round_trips_through_json():
    options = AlignOptions(model="rodrigues", loss="tukey", dtype="float64", brightness=True).validated()
    kernels = background_compile.kernel_set(options, depth=True)
    assert kernels == KernelSet("rodrigues", None, "tukey", "float64", True, True, "lm", False)
    assert KernelSet.from_json(kernels.to_json()) == kernels
    assert kernels.label == "rodrigues/tukey/float64/brightness/depth"


def test_no_background_process_when_switched_off_or_cached(monkeypatch):
    options = AlignOptions().validated()
    monkeypatch.setenv(background_compile.SWITCH, "0")
    assert background_compile.start(options, False) is None
    monkeypatch.setenv(background_compile.SWITCH, "1")
    monkeypatch.setattr(background_compile, "is_cold", lambda *a: False)
    assert background_compile.start(options, False) is None


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"models": ["nope"]}, "unknown model 'nope'"),
        ({"models": ["se3"], "losses": ["l3"]}, "unknown loss 'l3'"),
        ({"models": ["se3"], "dtypes": ["float16"]}, "float32 or float64"),
    ],
)
def test_warm_sets_name_what_is_unknown(kwargs, message):
    with pytest.raises(ValueError, match=message):
        compile_ahead.warm_sets(**kwargs)


def test_warm_sets_are_every_combination():
    sets = compile_ahead.warm_sets(["se3", "rodrigues"], ["huber", "l2"], ["float32"], (False, True))
    assert len(sets) == 8 and len(set(sets)) == 8


def test_warm_sets_default_to_each_calls_default_loss():
    from solver.options import DEFAULT_LOSS, DEPTH_LOSS

    sets = compile_ahead.warm_sets(["se3"])
    assert {(s.depth, s.loss) for s in sets} == {(False, DEFAULT_LOSS), (True, DEPTH_LOSS)}


def test_warm_cli_fails_in_one_line():
    proc = _run("-m", "jacgen", "warm", "--models", "nope")
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "unknown model 'nope'" in proc.stderr, proc.stderr


def test_warm_runs_each_share_in_a_child_and_names_the_sets_that_failed():
    """The plumbing of ``warm`` (processes, exit codes); that a child's compiles serve the parent is
    tests/test_reproducible.py's background-process check."""
    assert compile_ahead.warm([KernelSet()], jobs=1) > 0  # cached by now (this suite's own aligns): loads only
    with pytest.raises(RuntimeError, match="nope/huber/float32"):
        compile_ahead.warm([KernelSet(), KernelSet(model="nope")], jobs=2)


def test_profile_table_sums_its_rows_and_splits_each_compile():
    from solver.photometric.compile_profile import CompileRow, format_profile

    rows = [CompileRow("a.kernel", 2.0, 0.5, 0.75), CompileRow("b.helper", 1.0, 0.25, 1.5)]
    assert rows[0].other == 0.75 and rows[1].other == 0.0  # never negative
    table = format_profile(3.5, rows).splitlines()
    assert table[-2].split()[-4:] == ["3.00", "0.75", "2.25", "0.75"] and "all (2 functions)" in table[-2]
    assert table[-1].endswith("3.50 s")
