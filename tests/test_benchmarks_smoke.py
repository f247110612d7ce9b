"""Smoke test of the benchmark suites at tiny sizes: they run, report the reference row, and the numbers make sense.

Peers that are not installed (torch, jax, open3d, opencv) are skipped by the suites themselves; the
NumPy / Sympy / Numba contenders always run. The full runs are not part of CI.
"""

import json
import math
import shlex
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import align_suite, harness, jacobian, torus

REPO = Path(__file__).resolve().parent.parent
DATA = REPO.parent / "shared" / "data"
OURS = "generated Numba CPU (jacgen.warp_jacobian)"


def _quiet(_msg: str) -> None:
    pass


def _mode(**options) -> harness.Mode:
    return harness.Mode(log=_quiet, **options)


def _run_cli(suite: str, *options: str, out: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    """``python -m benchmarks SUITE OPTIONS --out OUT``, checked to exit 0."""
    res = subprocess.run(
        [sys.executable, "-m", "benchmarks", suite, *options, "--out", str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res


def test_harness_alternates_and_takes_ratios():
    calls = []
    contenders = [
        harness.Contender("ours", lambda: lambda: calls.append("a"), baseline=True),
        harness.Contender("peer", lambda: lambda: calls.append("b")),
        harness.Contender("absent", lambda: (_ for _ in ()).throw(harness.Skip("x not installed"))),
    ]
    t = harness.time_contenders(contenders, repeats=7, warmup=1, settle_s=0.0)
    assert [x.status for x in t] == ["ok", "ok", "skipped"]
    assert len(t[0].times_s) == len(t[1].times_s) == 7
    assert t[0].ratio == pytest.approx(1.0)
    assert math.isfinite(t[1].ratio) and t[1].ratio > 0
    assert "x not installed" in t[2].note
    assert calls[:2] == ["a", "b"]  # first calls, then alternating rounds
    table = harness.timing_table(t)
    assert "**ours**" in table and "skipped: x not installed" in table


def test_settle_pause_is_validated_and_reported():
    with pytest.raises(ValueError, match="settle"):
        harness.set_settle(-1.0)
    before = harness.settle_seconds()
    try:
        harness.set_settle(0.0)
        assert "No settling pause" in harness.settle_note()
        harness.set_settle(0.2)
        assert "sleeps 0.20 s" in harness.settle_note() and harness.settle_seconds() == 0.2
    finally:
        harness.set_settle(before)
    assert harness.settle_seconds() == before


JACOBIAN_CLI = "benchmarks jacobian --smoke"
TORUS_CLI = "benchmarks torus --quick --settle 0"  # (no pause before timed calls: not for comparison)
NORMAL_EQUATIONS_CLI = "benchmarks normal_equations --smoke"
ALIGN_CLI = f"benchmarks align --smoke --data {shlex.quote(str(DATA))}"  # (skips cleanly where DATA is absent)


def _jacobian_cli(background_result):
    """``python -m benchmarks jacobian --smoke`` (run once, in the background: conftest.py): its stdout,
    Markdown and JSON, and its output folder."""
    res, out = background_result
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads((out / "jacobian.json").read_text())  # strict JSON (no NaN)
    return res.stdout, (out / "jacobian.md").read_text(), data, out


@pytest.mark.background_check(JACOBIAN_CLI)
def test_cli_jacobian_writes_markdown_json_png(background_result):
    stdout, md, data, out = _jacobian_cli(background_result)
    assert OURS in stdout
    assert "| **" + OURS + "** |" in md
    assert "Machine:" in md and "Versions:" in md and "No settling pause" in md  # --smoke: --settle 0
    assert data["environment"]["settle_s"] == 0.0
    assert data["environment"]["logical_cpus"] >= 1
    rows = data["results"][0]["timings"]
    ours = next(r for r in rows if r["name"] == OURS)
    assert ours["status"] == "ok" and ours["ratio_to_baseline"] == pytest.approx(1.0)
    assert len(ours["times_s"]) >= 7
    for r in rows:
        if r["status"] == "ok":
            assert r["median_s"] > 0 and math.isfinite(r["ratio_to_baseline"])
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        pass
    else:
        assert (out / "jacobian.png").stat().st_size > 1000


@pytest.mark.background_check(TORUS_CLI)
def test_cli_torus_quick(background_result):
    res, out = background_result
    assert res.returncode == 0, res.stderr[-2000:]
    md = (out / "torus.md").read_text()
    assert "| **ours: solver.align_points" in md and "quick mode" in md
    assert "### Dense torus" in md and "| **ours: solver.fit_render" in md
    assert "Dense torus, axis along y, both angles within 0.05 deg: **met**" in md
    assert "Dense torus, axis along z, Rx within 0.05 deg and Rz reported unobservable: **met**" in md
    data = json.loads((out / "torus.json").read_text())
    points, render = data["summary"][:2]  # align_points (the reference row), then fit_render
    assert points["status"] == render["status"] == "ok" and math.isfinite(points["median_final_err_deg"])
    assert render["converged"] == 1.0 and points["converged"] > 0  # quick: 4 starts within 20 deg
    assert "Random 20-point set not worse: **met**" in md
    dense = {s["axis"]: s for s in data["dense_summary"] if s["kind"] == "fit_render"}
    assert dense["y"]["met"] == dense["y"]["n"] >= 1  # both angles within 0.05 deg
    assert dense["z"]["met"] == dense["z"]["n"] >= 1  # Rx within 0.05 deg, Rz reported unobservable
    peer = next(s for s in data["dense_summary"] if s["kind"] == "torch")
    assert peer["status"] in ("ok", "skipped")  # skipped (with a note) where torch is not installed


@pytest.mark.background_check(JACOBIAN_CLI)
def test_jacobian_correctness_columns(background_result):
    _stdout, md, data, _out = _jacobian_cli(background_result)
    by = {(r["dtype"], t["name"]): t for r in data["results"] for t in r["timings"]}
    for dtype, tol_lambdify, tol_fd in (("float64", 1e-12, 1e-7), ("float32", 1e-5, 1e-2)):
        ours = by[(dtype, OURS)]
        assert ours["status"] == "ok" and ours["median_s"] > 0
        lam = by[(dtype, "sympy.lambdify(cse=True), NumPy")]
        fd = by[(dtype, "NumPy central differences")]
        assert lam["status"] == fd["status"] == "ok"
        assert lam["checks"]["max_rel_dev_J"] < tol_lambdify
        assert fd["checks"]["max_rel_dev_J"] < tol_fd
        assert math.isfinite(lam["ratio_to_baseline"]) and math.isfinite(fd["ratio_to_baseline"])
        assert by[(dtype, jacobian.PREALLOCATED)]["checks"]["max_rel_dev_J"] < 1e-5
        floor = by[(dtype, jacobian.FLOOR)]
        assert floor["status"] == "ok" and floor["checks"] == {} and floor["median_s"] > 0
    for r in data["results"]:
        assert r["floor_ratio"] > 0 and math.isfinite(r["floor_ratio"])
    zero = data["extras"]["nan_at_zero_rotation"]
    assert zero["float64"][OURS] == "no" and zero["float32"][OURS] == "no"
    assert zero["float64"]["sympy.lambdify(cse=True), NumPy"] == "J and uv"  # textbook sin(t)/t at t = 0
    assert OURS in md and "NaN at zero rotation" in md and "Preallocated kernel / memory floor" in md


def test_memory_floor_writes_every_output_byte():
    """The floor kernel really moves the bytes the Jacobian kernel must move (nothing left unwritten)."""
    from benchmarks.memory_floor import move_warp_jacobian_bytes

    n = 4096 * 2 + 17
    pts = np.random.default_rng(0).uniform(-1, 1, (n, 3))
    uv, jac, valid = np.full((n, 2), np.nan), np.full((n, 2, 6), np.nan), np.zeros(n, bool)
    move_warp_jacobian_bytes(pts, uv, jac, valid)
    np.testing.assert_array_equal(uv, pts[:, :2])
    np.testing.assert_array_equal(jac, np.broadcast_to(pts[:, 2, None, None], (n, 2, 6)))
    np.testing.assert_array_equal(valid, pts[:, 2] > 0)


@pytest.mark.background_check(NORMAL_EQUATIONS_CLI)
def test_normal_equations_peers_agree_with_ours(background_result):
    res, out = background_result
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads((out / "normal_equations.json").read_text())
    assert "| **" in (out / "normal_equations.md").read_text()
    for r in data["results"]:
        ts = {t["name"]: t for t in r["timings"]}
        numpy_peer = ts["NumPy (lambdify Jacobian, fancy-index sampling)"]
        assert numpy_peer["status"] == "ok"
        tol = 1e-9 if r["dtype"] == "float64" else 1e-3
        assert numpy_peer["checks"]["rel_dev_H"] < tol and numpy_peer["checks"]["rel_dev_g"] < tol
        assert numpy_peer["checks"]["n_used"] == numpy_peer["checks"]["n_used_ref"]
        ours = r["timings"][0]
        if ours["status"] == "ok":
            assert ours["ratio_to_baseline"] == pytest.approx(1.0)
            assert math.isfinite(numpy_peer["ratio_to_baseline"])
            assert r["roofline"]["bytes_per_point"] > 0 and r["roofline"]["flops_per_point"] > 50
        else:
            assert ours["status"] == "pending"
    assert data["bandwidth"]["numba_parallel_GBps"] > 0.1


@pytest.mark.background_check(ALIGN_CLI)
def test_align_smoke_on_shared_data(background_result):
    if not align_suite.find_datasets(DATA):
        pytest.skip(f"no */pairs.csv under {DATA}")
    res, out = background_result
    assert res.returncode == 0, res.stderr[-2000:]
    ours = json.loads((out / "align.json").read_text())["summary"][0]
    if ours["status"] == "pending":
        pytest.skip("solver.align not importable yet")
    assert ours["status"] == "ok" and ours["ratio"] == pytest.approx(1.0)
    assert ours["success_rate"] > 0.5  # gap-1 pairs: centimetre / degree level
    md = (out / "align.md").read_text()
    assert "ours: solver.align" in md and "identity (no motion)" in md


def test_align_skips_cleanly_without_data(tmp_path):
    res = align_suite.run(_mode(smoke=True, data=tmp_path))
    assert res["skipped"] and "Skipped" in align_suite.markdown(res, "")


def test_odometry_smoke_without_opencv(monkeypatch, tmp_path):
    """``odometry --smoke`` as CI runs it, OpenCV absent: ours and the align chain run, the peer is skipped."""
    from benchmarks import odometry as odometry_suite

    monkeypatch.setitem(sys.modules, "cv2", None)  # `import cv2` raises ImportError, as where it is not installed
    res = odometry_suite.run(_mode(smoke=True, data=tmp_path))
    assert res["skipped"] and "Skipped" in odometry_suite.markdown(res, "")
    if not odometry_suite.find_sequences(DATA)[0]:
        pytest.skip(f"no TUM sequences under {DATA}")
    res = odometry_suite.run(_mode(smoke=True, data=DATA))
    for entry in res["sequences"]:
        by = {t.name: t for t in entry["_t"]}
        ours, chain = by[odometry_suite.OURS], by[odometry_suite.ALIGN_CHAIN]
        if ours.status == "pending":
            pytest.skip("solver.odometry not importable yet")
        assert ours.status == chain.status == "ok" and ours.ratio == pytest.approx(1.0)
        assert math.isfinite(chain.ratio) and ours.median_s > 0
        for t in (ours, chain):  # 3 frames: millimetres against the ground truth
            assert t.checks["ate_rmse_cm"] < 1.0 and t.checks["rpe_rot_rmse_deg"] < 1.0, t.checks
            assert t.checks["failed_frames"] == 0
        peer = by[odometry_suite.OPENCV_CHAIN]
        assert peer.status == "skipped" and "opencv not importable" in peer.note
    md = odometry_suite.markdown(res, "# header\n")
    assert "| **ours: solver.odometry" in md and "skipped: " in md and "opencv not importable" in md
    json.dumps(harness.clean_json(odometry_suite.strip_private(res)), allow_nan=False)  # strict JSON


def test_grid_torus_axes():
    pz, py = torus.grid_torus("z"), torus.grid_torus("y")
    assert pz.shape == py.shape == (60 * 24, 3)
    np.testing.assert_allclose(np.abs(pz[:, 2]).max(), 0.3)  # axis along z: z is the tube's height
    np.testing.assert_array_equal(py, pz[:, [0, 2, 1]])
    np.testing.assert_allclose(np.hypot(pz[:, 0], pz[:, 1]).max(), 1.3)


def test_torch_render_peer_skips_without_torch(monkeypatch):
    from benchmarks.peers import torch_render

    def absent():
        raise harness.Skip("torch not installed")

    monkeypatch.setattr(torch_render, "import_torch", absent)
    with pytest.raises(harness.Skip):
        torus.run_dense_torch({"points": None, "target": None, "K": None, "truth": None}, (10, 10), (0, 2))


def test_torch_render_peer_draws_the_solver_renderer():
    """The PyTorch peer's loss is the one fit_render minimises: its image equals solver.render_points."""
    torch = pytest.importorskip("torch")
    from benchmarks.peers.torch_render import render, render_windowed

    prob = torus.dense_problem("y")
    P = torch.from_numpy(prob["points"])
    p = torch.from_numpy(prob["truth"])
    for draw in (render, render_windowed):
        img = draw(P, p[0:1], p[1:2], p[2:3], p[3:], tuple(prob["K"]), torus.SHAPE, torus.SIGMA, torch)
        np.testing.assert_allclose(img.numpy(), prob["target"], atol=1e-12)


def test_gpu_suite_skips_cleanly_without_a_gpu(tmp_path):
    from benchmarks import gpu

    ok, reason = gpu.gpu_available()
    if ok:
        pytest.skip("a GPU is present: the suite measures instead of skipping")
    res = _run_cli("gpu", "--smoke", out=tmp_path, timeout=120)
    assert "Skipped:" in res.stdout and "not measured" in res.stdout
    assert json.loads((tmp_path / "gpu.json").read_text())["available"] is False
