"""Run every generated CUDA kernel under the Numba CUDA simulator and compare with the CPU kernel.

Invoked in a subprocess by tests (the simulator must be switched on before Numba is imported):
``NUMBA_ENABLE_CUDASIM=1 python tests/cuda_sim_check.py [mode | model_dir model_name ...]`` (modes: fused,
batch, depth, device, splat, device_functions, prep, pipeline; none: the warp kernels).
Prints one line per check and exits non-zero on the first disagreement.
"""

import os
import sys

import numpy as np

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"
import fast_simulator  # noqa: E402
from numba import cuda  # noqa: E402

import jacgen  # noqa: E402

# The simulator runs every CUDA thread as a Python thread and polls them from a loop that holds the
# GIL while the threads it waits for are runnable; fast_simulator's copy releases it between polls.
fast_simulator.install()

K = (525.0, 520.0, 319.5, 239.5)


def compare(name, cpu, gpu, rtol):
    for a, b in zip(cpu, gpu, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.shape == b.shape and a.dtype == b.dtype, (name, a.shape, b.shape, a.dtype, b.dtype)
        if a.dtype == np.bool_:
            np.testing.assert_array_equal(a, b, err_msg=name)
        else:
            np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol, equal_nan=True, err_msg=name)
    print("ok", name)


def builtin_checks():
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(-1, 1, (40, 2)), rng.uniform(0.5, 10, 40)])
    points[0] = (0.0, 0.0, -1.0)  # behind the camera
    for model in jacgen.models():
        for params in (np.zeros(6), np.array([0.3, -0.2, 0.1, 0.05, -0.02, 0.1])):
            for dtype, rtol in ((np.float64, 1e-12), (np.float32, 1e-4)):
                pts = points.astype(dtype)
                tag = f"{model} |r|={np.linalg.norm(params[:3]):.2f} {np.dtype(dtype).name}"
                cpu = jacgen.warp_jacobian(model, params, pts, K)
                compare(f"warp_jacobian {tag}", cpu, jacgen.warp_jacobian(model, params, pts, K, target="cuda"), rtol)
                gpu = jacgen.warp(model, params, pts, K, "cuda")
                compare(f"warp {tag}", jacgen.warp(model, params, pts, K), gpu, rtol)
                dev = cuda.to_device(pts)
                uv, J, valid = jacgen.warp_jacobian(model, params, dev, K, target="cuda")
                assert hasattr(uv, "copy_to_host"), "device input must give device output"
                compare(f"device-array {tag}", cpu, (uv.copy_to_host(), J.copy_to_host(), valid.copy_to_host()), rtol)
            if model == "se3":
                pts = points.astype(np.float64)
                cpu = jacgen.warp_jacobian_at_zero(model, pts, K)
                compare("se3 at_zero", cpu, jacgen.warp_jacobian_at_zero(model, pts, K, target="cuda"), 1e-12)


def user_model_check(directory, name, n_params, n_coords):
    handle = jacgen.load_model(name, directory)
    rng = np.random.default_rng(1)
    points = rng.uniform(-1, 1, (30, n_coords))
    params = rng.uniform(-0.2, 0.2, n_params)
    cpu = jacgen.warp_jacobian(handle, params, points, ())
    compare(f"user model {name}", cpu, jacgen.warp_jacobian(handle, params, points, (), target="cuda"), 1e-12)


def fused_checks():
    from solver.arrays import images
    from solver.core import lie
    from solver.core.model import align_module, normal_equations, residuals

    rng = np.random.default_rng(2)
    n, shape = 150, (40, 50)
    Ks = np.array([60.0, 62.0, 24.5, 19.5])
    points = np.column_stack([rng.uniform(-0.6, 0.6, (n, 2)), rng.uniform(1.0, 3.0, n)])
    points[0] = (0.0, 0.0, -1.0)
    iref = rng.uniform(0.2, 0.8, n)
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    img = 0.5 + 0.3 * np.sin(0.3 * x) * np.cos(0.25 * y)
    pose = lie.se3_exp(np.array([0.05, -0.04, 0.02, 0.03, 0.01, -0.02]))
    for model in ("se3", "rodrigues", "euler_xyz"):
        for dtype, rtol in ((np.float64, 1e-10), (np.float32, 2e-3)):
            stack = images.stack_with_gradients(img, dtype)
            pts, ir = points.astype(dtype), iref.astype(dtype)
            if model == "se3":
                p, c = np.zeros(6), np.concatenate([Ks, pose[:3, :4].ravel()])
            else:
                p, c = lie.params_from_pose(model, pose), Ks
            for brightness in (False, True):
                pb = np.concatenate([p, [0.1, -0.02]]) if brightness else p
                # CI time: each (model, loss, brightness, dtype) is its own CPU kernel; use those
                # test_fused_kernels and the solver tests compile (the CUDA side has one kernel per dtype)
                if dtype == np.float32:
                    losses = ("huber",) if model == "se3" or not brightness else ()
                elif model == "se3":
                    losses = ("huber",) if brightness else ("huber", "tukey")
                else:
                    losses = ("l2",)
                for loss in losses:
                    cpu = normal_equations(align_module(model, "cpu"), pb, c, pts, ir, stack, loss, 0.05, brightness)
                    gpu = normal_equations(align_module(model, "cuda"), pb, c, pts, ir, stack, loss, 0.05, brightness)
                    tag = f"fused {model} {np.dtype(dtype).name} brightness={brightness} {loss}"
                    assert (cpu.n_used, cpu.n_behind, cpu.n_outside) == (gpu.n_used, gpu.n_behind, gpu.n_outside), tag
                    assert cpu.n_behind >= 1 and cpu.n_outside >= 1, tag
                    compare(tag, (cpu.H, cpu.g, np.array([cpu.cost])), (gpu.H, gpu.g, np.array([gpu.cost])), rtol)
            p8 = np.concatenate([p, [0.0, 0.0]])
            r_cpu = residuals(align_module(model, "cpu"), p8, c, pts, ir, stack)
            r_gpu = np.empty_like(r_cpu)
            align_module(model, "cuda").residuals(p8, c, pts, ir, stack, r_gpu)
            compare(f"residuals {model} {np.dtype(dtype).name}", (r_cpu,), (r_gpu,), rtol)


def batch_checks():
    """Batched fused kernels (many pairs per launch) against the CPU batch and single-pair kernels."""
    from solver.arrays import images
    from solver.core import lie
    from solver.core.model import FusedKernels, align_module, normal_equations

    rng = np.random.default_rng(3)
    shape, Ks = (30, 40), np.array([40.0, 41.0, 19.5, 14.5])
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    sizes = (90, 0, 140, 60)
    active = np.array([True, True, True, False])
    pts, irs, stacks, poses = [], [], [], []
    for b, n in enumerate(sizes):
        p = np.column_stack([rng.uniform(-0.5, 0.5, (n, 2)), rng.uniform(1.0, 3.0, n)])
        if n:
            p[0] = (0.0, 0.0, -1.0)
        pts.append(p)
        irs.append(rng.uniform(0.2, 0.8, n))
        stacks.append(0.5 + 0.3 * np.sin((0.2 + 0.05 * b) * x) * np.cos(0.25 * y))
        poses.append(lie.se3_exp(rng.normal(0.0, 0.03, 6)))
    offsets = np.r_[0, np.cumsum(sizes)]
    scales = np.array([0.05, 0.1, 0.02, 0.05])
    # the per-point body is shared with the single-pair kernels (checked above); what is new here is
    # the tiling over pairs, the per-pair constants and scales, and the per-pair reduction
    # losses as in the single-pair checks: every (model, loss, brightness, dtype) is its own CPU kernel
    cases = (
        ("se3", np.float64, 1e-10, False, "huber"),
        ("se3", np.float32, 2e-3, True, "huber"),
        ("euler_xyz", np.float64, 1e-10, True, "l2"),
    )
    for model, dtype, rtol, brightness, loss in cases:
        stack = np.stack([images.stack_with_gradients(img, dtype) for img in stacks])
        points, iref = np.concatenate(pts).astype(dtype), np.concatenate(irs).astype(dtype)
        if model == "se3":
            params = np.zeros((len(sizes), 6))
            consts = np.stack([np.concatenate([Ks, T[:3, :4].ravel()]) for T in poses])
        else:
            params = np.stack([lie.params_from_pose(model, T) for T in poses])
            consts = np.tile(Ks, (len(sizes), 1))
        if brightness:
            params_b = np.column_stack([params, rng.normal(0, 0.1, (len(sizes), 2))])
        else:
            params_b = params
        args = (params_b, consts, (points, iref, stack), offsets, active, scales)
        cpu = FusedKernels.of(align_module(model, "cpu"), loss, brightness).normal_equations_batch(*args)
        gpu = FusedKernels.of(align_module(model, "cuda"), loss, brightness).normal_equations_batch(*args)
        tag = f"batch {model} {np.dtype(dtype).name} brightness={brightness}"
        assert gpu[3] is None and cpu[3] is None, tag
        for b in range(3):
            sl = slice(offsets[b], offsets[b + 1])
            one = normal_equations(
                align_module(model, "cpu"),
                params_b[b],
                consts[b],
                points[sl],
                iref[sl],
                stack[b],
                loss,
                scales[b],
                brightness,
            )
            for ne in (cpu[b], gpu[b]):
                counts = (ne.n_used, ne.n_behind, ne.n_outside)
                assert counts == (one.n_used, one.n_behind, one.n_outside), (tag, b)
                compare(
                    f"{tag} pair {b}",
                    (ne.H, ne.g, np.array([ne.cost])),
                    (one.H, one.g, np.array([one.cost])),
                    rtol,
                )


DEPTH_TOLERANCE = {np.float64: 1e-12, np.float32: 1e-5}
"""Largest difference between the CUDA (simulator) and CPU depth kernels, relative to the largest entry of each
output (normwise: ``H``'s entries cancel; float64 differs by the order of its sums and the CPU's contractions only)."""
DEPTH_ERRORS: dict[str, float] = {}


def close(name, cpu, gpu, dtype) -> None:
    """Each array within :data:`DEPTH_TOLERANCE` of the CPU's (NaN where the CPU has NaN); the worst is printed."""
    worst = 0.0
    for a, b in zip(cpu, gpu, strict=True):
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
        assert a.shape == b.shape and np.array_equal(np.isnan(a), np.isnan(b)), (name, a, b)
        finite = ~np.isnan(a)
        scale = max(np.abs(a[finite]).max(initial=0.0), 1e-300)
        worst = max(worst, np.abs(a[finite] - b[finite]).max(initial=0.0) / scale)
    key = np.dtype(dtype).name
    DEPTH_ERRORS[key] = max(DEPTH_ERRORS.get(key, 0.0), worst)
    assert worst <= DEPTH_TOLERANCE[dtype], (name, worst)
    print(f"ok {name} (max rel {worst:.1e})")


def depth_scene(rng, n: int, shape: tuple[int, int]):
    """Points (one behind the camera, some outside), intensities, and target image / depth stacks in float64.

    The target depth is a tilted plane with a hole (0), a NaN pixel and a 30 % step (a depth edge):
    points sampling near those drop their depth residual and keep their photometric one.
    """
    from solver.arrays import images

    points = np.column_stack([rng.uniform(-0.7, 0.7, (n, 2)), rng.uniform(1.0, 3.0, n)])
    points[0] = (0.0, 0.0, -1.0)
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    img = 0.5 + 0.3 * np.sin(0.3 * x) * np.cos(0.25 * y)
    depth = 2.0 + 0.01 * x - 0.008 * y
    depth[5:12, 8:16] = 0.0
    depth[20, 30] = np.nan
    depth[:, 35:] *= 1.3
    return points, rng.uniform(0.2, 0.8, n), img, images.finite_or_zero(depth)


def _depth_inputs(model, pose, Ks):
    from solver.core import lie

    if model in ("se3", "pinhole_k1_compositional"):
        return np.zeros(6), np.concatenate([Ks, pose[:3, :4].ravel()])
    return lie.params_from_pose("rodrigues" if model.startswith("pinhole") else model, pose), Ks


def depth_pair_checks(models=("se3", "rodrigues", "euler_xyz"), constants=()):
    """Single-pair photometric + depth kernels and ``residuals_depth`` of CUDA against the CPU."""
    from solver.arrays import images
    from solver.core import lie
    from solver.core.model import align_module, normal_equations_depth, residuals_depth

    rng = np.random.default_rng(12)
    shape, Ks = (40, 50), np.concatenate([[60.0, 62.0, 24.5, 19.5], constants])
    points, iref, img, depth = depth_scene(rng, 150, shape)
    pose = lie.se3_exp(np.array([0.05, -0.04, 0.02, 0.03, 0.01, -0.02]))
    # CI time: each (model, loss, brightness, dtype) is its own CPU kernel, so few of them, and those the
    # in-process tests compile too (tests/test_depth_residual.py): whichever process is first, the other loads it
    cases = {"se3": ((np.float64, "tukey", False), (np.float64, "tukey", True), (np.float32, "huber", False))}
    for model in models:
        module = {t: align_module(_handle(model), t) for t in ("cpu", "cuda")}
        p, c = _depth_inputs(model, pose, Ks)
        for dtype, loss, brightness in cases.get(model, ((np.float64, "l2", model == "euler_xyz"),)):
            stack, dstack = images.stack_with_gradients(img, dtype), images.depth_stack(depth, dtype)
            pts, ir = points.astype(dtype), iref.astype(dtype)
            pb = np.concatenate([p, [0.1, -0.02]]) if brightness else p
            args = (pb, c, pts, ir, stack, dstack, loss, (0.05, 0.02, 2.5), brightness)
            cpu, gpu = (normal_equations_depth(module[t], *args) for t in ("cpu", "cuda"))
            tag = f"depth {model} {np.dtype(dtype).name} brightness={brightness} {loss}"
            counts = [(ne.n_used, ne.n_behind, ne.n_outside, ne.n_depth_used) for ne in (cpu, gpu)]
            assert counts[0] == counts[1], (tag, counts)
            assert cpu.n_behind >= 1 and cpu.n_outside >= 1 and 0 < cpu.n_depth_used < cpu.n_used, (tag, counts)
            costs = [np.array([ne.cost, ne.cost_depth]) for ne in (cpu, gpu)]
            close(tag, (cpu.H, cpu.g, costs[0]), (gpu.H, gpu.g, costs[1]), dtype)
            r_cpu = residuals_depth(module["cpu"], p, c, pts, dstack)
            r_gpu = np.empty_like(r_cpu)
            module["cuda"].residuals_depth(p, c, pts, dstack, r_gpu)
            assert np.isnan(r_cpu).sum() > cpu.n_behind + cpu.n_outside, tag  # missing depth drops residuals
            close(f"residuals_depth {model} {np.dtype(dtype).name}", (r_cpu,), (r_gpu,), dtype)


_HANDLES: dict = {}


def _handle(model):
    """A built-in model's name, or the handle of a user model built by :func:`user_depth_checks`."""
    return _HANDLES.get(model, model)


def depth_batch_checks():
    """Batched photometric + depth kernels (B pairs, one inactive, one empty), the batched depth residual
    sample and the depth device hoists, against the CPU."""
    from solver.arrays import images
    from solver.core import lie
    from solver.core.model import FusedKernels, align_module, normal_equations_depth

    rng = np.random.default_rng(13)
    shape, Ks = (40, 50), np.array([60.0, 62.0, 24.5, 19.5])
    sizes = (90, 0, 140, 60)
    active = np.array([True, True, True, False])
    scenes = [depth_scene(rng, n, shape) if n else (np.zeros((0, 3)), np.zeros(0), None, None) for n in sizes]
    base = depth_scene(rng, 1, shape)
    imgs = [s[2] if s[2] is not None else base[2] for s in scenes]
    depths = [s[3] if s[3] is not None else base[3] for s in scenes]
    offsets = np.r_[0, np.cumsum(sizes)]
    scales = np.array([[0.05, 0.02, 2.5], [0.1, 0.03, 1.0], [0.02, 0.01, 0.5], [0.05, 0.02, 1.0]])
    for model, dtype, brightness, loss in (("se3", np.float64, False, "tukey"), ("rodrigues", np.float64, True, "l2")):
        mod = {t: align_module(model, t) for t in ("cpu", "cuda")}
        stack = np.stack([images.stack_with_gradients(img, dtype) for img in imgs])
        dstack = np.stack([images.depth_stack(d, dtype) for d in depths])
        points = np.concatenate([s[0] for s in scenes]).astype(dtype)
        iref = np.concatenate([s[1] for s in scenes]).astype(dtype)
        poses = [lie.se3_exp(rng.normal(0.0, 0.03, 6)) for _ in sizes]
        inputs = [_depth_inputs(model, T, Ks) for T in poses]
        params = np.stack([np.concatenate([p, rng.normal(0, 0.1, 2)]) if brightness else p for p, _ in inputs])
        consts = np.stack([c for _, c in inputs])
        args = (params, consts, (points, iref, stack, dstack), offsets, active, scales)
        cpu, gpu = (FusedKernels.of(mod[t], loss, brightness, depth=True).normal_equations_batch(*args) for t in mod)
        tag = f"depth batch {model} {np.dtype(dtype).name} brightness={brightness}"
        assert cpu[3] is None and gpu[3] is None, tag
        for b in range(3):
            sl = slice(offsets[b], offsets[b + 1])
            one = normal_equations_depth(
                mod["cpu"], params[b], consts[b], points[sl], iref[sl], stack[b], dstack[b], loss, scales[b], brightness
            )
            for ne, who in ((cpu[b], "cpu"), (gpu[b], "cuda")):
                counts = (ne.n_used, ne.n_behind, ne.n_outside, ne.n_depth_used)
                assert counts == (one.n_used, one.n_behind, one.n_outside, one.n_depth_used), (tag, b, who)
                costs = np.array([ne.cost, ne.cost_depth])
                want = (one.H, one.g, np.array([one.cost, one.cost_depth]))
                close(f"{tag} pair {b} {who}", want, (ne.H, ne.g, costs), dtype)
        depth_sample_check(mod, np.ascontiguousarray(params[:, :6]), consts, points, dstack, offsets, model)


def depth_sample_check(mod, params, consts, points, dstack, offsets, model):
    """``residual_sample_depth`` (device arrays, pairs on a grid axis) against ``residuals_depth`` pair by pair,
    its hoisted rows made by the depth device hoist (itself against the host's)."""
    B = len(offsets) - 1
    sizes = np.diff(offsets)
    starts, steps = offsets[:-1] + np.array([1, 0, 3, 0]), np.array([2, 1, 3, 1])
    counts = np.minimum(np.array([40, 0, 45, 20]), np.maximum(sizes - (starts - offsets[:-1]), 0) // steps)
    hoist = mod["cuda"]._hoist_residuals_depth_device

    @cuda.jit
    def hoist_rows(params, constants, out):
        b = cuda.grid(1)
        if b < out.shape[0]:
            hoist(params[b], constants[b], out[b])

    size = mod["cuda"].DESCRIPTION["hoisted_sizes"]["residuals_depth"]
    rows = np.full((B, size), np.nan)
    hoist_rows[1, B](params, consts, rows)
    host = np.stack([mod["cuda"]._hoist_residuals_depth(p, c) for p, c in zip(params, consts, strict=True)])
    compare(f"device hoist residuals_depth {model}", (host,), (rows,), 1e-14)
    out = cuda.to_device(np.full((B, 50), -7.0))
    dev = [cuda.to_device(a) for a in (rows, points, dstack, starts, steps, counts)]
    mod["cuda"].residual_sample_depth(*dev, out)
    got = out.copy_to_host()
    for b in range(B):
        sl = slice(offsets[b], offsets[b + 1])
        resid = np.full(sizes[b], -1.0, dtype=points.dtype)
        if sizes[b]:
            mod["cpu"].residuals_depth(params[b], consts[b], points[sl], dstack[b], resid)
        want = resid[starts[b] - offsets[b] + steps[b] * np.arange(counts[b])].astype(np.float64)
        close(f"residual_sample_depth {model} pair {b}", (want,), (got[b, : counts[b]],), points.dtype.type)
        assert np.all(got[b, counts[b] :] == -7.0), f"pair {b}: entries past the count written"
    assert np.isnan(got[got != -7.0]).any(), "no sampled point without a depth residual"


def user_depth_checks():
    """A user rigid-motion model (pinhole with radial distortion, additive update) built for both targets."""
    import tempfile

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from test_user_model_align import radial_model

    with tempfile.TemporaryDirectory() as out:
        handle = jacgen.build_model(radial_model("additive"), out)
        _HANDLES["pinhole_k1_additive"] = handle
        d = handle.align_module("cuda").DESCRIPTION
        assert "normal_equations_depth_batch" in d["kernels"] and "residual_sample_depth" in d["kernels"], d["kernels"]
        depth_pair_checks(("pinhole_k1_additive",), constants=(0.05,))


def depth_error_checks():
    """What the CUDA path does not run with the depth residual says so: the host LM of the batch."""
    import solver
    from solver.synthetic import make_scene

    s = make_scene((0.01, 0.0, 0.0, 0.0, 1.0, 0.0), shape=(16, 24))
    args = ([s.ref_image], [s.ref_depth], [s.tgt_image], s.intrinsics)
    try:
        solver.align_batch(*args, tgt_depths=[s.tgt_depth], target="cuda", method="gn")
    except ValueError as exc:
        assert "method='lm'" in str(exc), exc
    else:
        raise AssertionError("no ValueError (method='lm')")
    print("ok cuda depth errors")


def rgbd_target_depth(scene):
    """The scene's target depth with a hole (0), a NaN row, an inf pixel and a 30 % step (a depth edge)."""
    depth = scene.tgt_depth.copy()
    h, w = depth.shape
    depth[h // 5 : h // 5 + 4, w // 6 : w // 6 + 5] = 0.0
    depth[h // 2, 2 : w // 2] = np.nan
    depth[2, 3 * w // 4] = np.inf
    depth[2 * h // 3 :, 2 * w // 3 :] *= 1.3
    return depth


def device_depth_stack_checks(depth, levels: int = 3):
    """``DeviceArrays`` depth, depth pyramid and depth stacks (from a device ``tgt_depth``) against the host's.

    NaN patterns identical, values within 1e-12 (float64) / 1e-6 (float32) of each stack's largest entry.
    """
    from solver.arrays.device import DeviceArrays
    from solver.arrays.host import HostArrays

    host, dev = HostArrays(), DeviceArrays()
    shape = depth.shape
    pyr_h = host.depth_pyramid(host.depth(depth, shape, "tgt_depth"), levels)
    pyr_d = dev.depth_pyramid(dev.depth(cuda.to_device(depth), shape, "tgt_depth"), levels)
    worst = {}
    for level in range(levels):
        for dtype in (np.float64, np.float32):
            a = host.depth_stack(pyr_h[level], dtype)
            b = dev.depth_stack(pyr_d[level], dtype).copy_to_host()
            assert a.dtype == b.dtype and np.array_equal(np.isnan(a), np.isnan(b)), (level, dtype)
            assert 0 < np.isnan(a).sum() < a.size, level  # holes and edges present, not everything missing
            finite = ~np.isnan(a)
            diff = np.abs(a[finite].astype(np.float64) - b[finite]).max() / np.abs(a[finite]).max()
            key = np.dtype(dtype).name
            worst[key] = max(worst.get(key, 0.0), float(diff))
            assert diff <= (1e-12 if dtype == np.float64 else 1e-6), (level, dtype, diff)
    host.release()
    print("ok device depth stack", levels, "levels", {k: f"{v:.1e}" for k, v in worst.items()})
    try:
        dev.depth(np.zeros((3, 4), dtype=bool), (3, 4), "tgt_depth")
    except ValueError as exc:
        assert "tgt_depth" in str(exc), exc
    else:
        raise AssertionError("no ValueError for a bool tgt_depth")


def compare_align(name, a, g) -> dict:
    """Same statuses, iterations, evaluations and points per level; poses 1e-9, costs and scales 1e-9 relative."""
    report = lambda lv: (lv.status, lv.iterations, lv.nfev, lv.n_accepted, lv.n_rejected, lv.n_points)  # noqa: E731
    assert [report(lv) for lv in a.levels] == [report(lv) for lv in g.levels], (name, a.levels, g.levels)
    assert a.status == g.status and a.nit == g.nit, (name, a.status, g.status, a.nit, g.nit)
    assert a.n_valid == g.n_valid and a.n_depth_valid == g.n_depth_valid, (name, a.n_valid, g.n_valid)
    assert 0 < a.n_depth_valid < a.n_valid, (name, a.n_depth_valid, a.n_valid)  # some points lack target depth
    pose = float(np.abs(a.pose - g.pose).max())
    assert pose <= 1e-9, (name, a.pose - g.pose)
    rel = 0.0
    pairs = [(a.cost, g.cost), (a.cost_depth, g.cost_depth), (a.initial_cost, g.initial_cost)]
    for la, lg in zip(a.levels, g.levels, strict=True):
        pairs += [*zip(la.cost_history, lg.cost_history, strict=True), (la.loss_scale, lg.loss_scale)]
    for x, y in pairs:
        assert np.isfinite(x) and abs(x - y) <= 1e-9 * abs(x), (name, x, y)
        rel = max(rel, abs(x - y) / abs(x) if x else abs(y))
    if a.brightness is not None:
        assert np.abs(a.brightness - g.brightness).max() <= 1e-9, (name, a.brightness, g.brightness)
    iterations = [lv.iterations for lv in g.levels]
    print(f"ok align depth {name}", g.status.name, iterations, f"max |pose diff| {pose:.1e}, rel cost {rel:.1e}")
    return {"pose": pose, "cost": rel}


def align_depth_checks():
    """``align(target="cuda", tgt_depth=...)`` (one pair, device depth stacks, host LM) equal to ``target="cpu"``.

    se3 (tukey; robust and depth scales from the MADs; the finest level converges) and rodrigues with
    brightness (l2, depth_weight 0.5), two levels each, float64, on a 16 x 24 scene (simulator time);
    the target depth has a hole, NaN, inf and a depth edge.
    """
    import solver
    from solver.synthetic import make_scene

    s = make_scene((0.002, 0.001, 0.0, 0.1, 0.1, 0.0), shape=(16, 24), seed=3, noise=0.005)
    depth = rgbd_target_depth(s)
    device_depth_stack_checks(depth)
    args = (s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics)
    worst = {"pose": 0.0, "cost": 0.0}
    for name, kw in (
        ("se3 float64 2 levels", {"loss": "tukey", "levels": 2, "max_iters": 3}),
        ("rodrigues brightness float64 2 levels", {"model": "rodrigues", "brightness": True, "loss": "l2",
                                                   "levels": 2, "max_iters": 2, "depth_weight": 0.5}),
    ):  # fmt: skip
        kw = {"dtype": "float64", "tgt_depth": depth, **kw}
        a, g = solver.align(*args, **kw), solver.align(*args, target="cuda", **kw)
        for k, v in compare_align(name, a, g).items():
            worst[k] = max(worst[k], v)
    print("align depth max differences (CUDA simulator vs CPU):", {k: f"{v:.1e}" for k, v in worst.items()})


def depth_checks():
    """Everything of the depth residual on CUDA against the CPU; prints the worst relative difference per dtype."""
    import time

    for check in (depth_pair_checks, depth_batch_checks, user_depth_checks, depth_error_checks, align_depth_checks):
        t = time.perf_counter()
        check()
        print(f"  {check.__name__}: {time.perf_counter() - t:.1f} s")
    print("depth max rel differences (CUDA simulator vs CPU):", {k: f"{v:.1e}" for k, v in DEPTH_ERRORS.items()})


def align_batch_check():
    """``align_batch(target="cuda")`` end to end (one level, one iteration) against the CPU path."""
    import solver
    from solver.synthetic import make_scene

    s = make_scene((0.01, 0.0, 0.0, 0.0, 1.0, 0.0), shape=(24, 32))
    args = ([s.ref_image] * 2, [s.ref_depth] * 2, [s.tgt_image, s.ref_image], s.intrinsics)
    kw = {"levels": 1, "max_iters": 1, "dtype": "float64"}
    cpu = solver.align_batch(*args, **kw)
    gpu = solver.align_batch(*args, target="cuda", **kw)
    for a, b in zip(cpu, gpu, strict=True):
        assert a.status == b.status and a.nit == b.nit, (a.status, b.status)
        compare("align_batch cuda", (a.pose, np.array([a.cost])), (b.pose, np.array([b.cost])), 1e-9)


def device_prep_checks():
    """Device gray/pyramid/gradient/point kernels against the host code, and align(target="cuda")."""
    from numba import cuda

    import solver
    from solver.arrays import device, images
    from solver.arrays.backprojection import all_points
    from solver.synthetic import make_scene

    rng = np.random.default_rng(4)
    rgb = rng.integers(0, 256, (26, 34, 3), dtype=np.uint8)
    rgb[:4, :6] = 77  # flat patch: pixels without gradient are not selected
    depth = rng.uniform(0.2, 4.0, (26, 34))
    depth[3:7, 5:9] = 0.0
    depth[10, 10] = np.nan
    ref_host = images.to_gray(rgb, "ref")
    ref_dev = device.gray(cuda.to_device(rgb), "ref")  # a device input, used without a copy
    compare("device gray", (ref_host,), (ref_dev.copy_to_host(),), 1e-15)
    d_host = np.where(np.isfinite(depth), depth, 0.0)
    d_dev = device.depth_metres(depth)
    pyr_h, pyr_d = images.pyramid(ref_host, 3), device.pyramid(ref_dev, 3)
    dp_h, dp_d = images.depth_pyramid(d_host, 3), device.depth_pyramid(d_dev, 3)
    K = np.array([30.0, 31.0, 16.5, 12.5])
    for level in range(3):
        compare(
            f"device pyramid {level}",
            (pyr_h[level], dp_h[level]),
            (pyr_d[level].copy_to_host(), dp_d[level].copy_to_host()),
            1e-15,
        )
        for dtype in (np.float64, np.float32):
            st_h = images.stack_with_gradients(pyr_h[level], dtype)
            st_d = device.stack_with_gradients(pyr_d[level], dtype).copy_to_host()
            compare(f"device stack {level} {np.dtype(dtype).name}", (st_h,), (st_d,), 1e-6)
            Kl = images.intrinsics_at_level(K, level)
            p_h, i_h = all_points(pyr_h[level], dp_h[level], Kl, (0.3, 3.5), dtype)
            p_d, i_d = device.all_points(pyr_d[level], dp_d[level], Kl, (0.3, 3.5), dtype)
            compare(
                f"device points {level} {np.dtype(dtype).name}",
                (p_h, i_h),
                (p_d.copy_to_host(), i_d.copy_to_host()),
                1e-6,
            )
    try:
        device.gray(np.full((10, 10), np.nan), "tgt_image")
    except ValueError as exc:
        assert "NaN" in str(exc)
        print("ok device NaN check")
    s = make_scene((0.01, 0.0, 0.0, 0.0, 1.0, 0.0), shape=(24, 32))
    args = (s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics)
    kw = {"levels": 1, "max_iters": 1, "dtype": "float64"}
    a, b = solver.align(*args, **kw), solver.align(*args, target="cuda", **kw)
    assert a.status == b.status and a.nit == b.nit and a.n_valid == b.n_valid, (a.status, b.status)
    compare("align cuda", (a.pose, np.array([a.cost])), (b.pose, np.array([b.cost])), 1e-9)


def splat_checks():
    """Render-and-compare normal equations (solver.splat_cuda) and ``fit_render(target="cuda")``."""
    import solver
    from solver.pointset import splat, splat_cuda
    from solver.pointset.scenes import fov_intrinsics

    rng = np.random.default_rng(5)
    shape = (30, 45)  # 2 x 3 tiles, partly outside the image
    Ks = fov_intrinsics(shape, 90.0)
    true = np.array([0.5, 0.0, 0.7, 0.0, 0.0, 2.0])
    torus = solver.torus_points()
    image = solver.render_points(torus, true, Ks, shape, sigma=2.0) + rng.normal(0.0, 0.02, shape)
    # plus a point behind the camera and one whose splat misses the image (u ~ 140 px)
    points = np.vstack([torus, [[0.0, 0.0, -3.0], [7.5, -6.6, 0.2]]])
    amplitude = rng.uniform(0.6, 1.0, points.shape[0])
    uv, duv, valid = jacgen.warp_jacobian("euler_xyz", true + 0.02, points, Ks)
    duv = np.where(valid[:, None, None], duv, 0.0)
    assert splat.render(uv, valid, amplitude, 2.0, shape).max() > 1.0  # clip=True clips somewhere
    for clip, img in ((True, image), (False, cuda.to_device(image))):  # a device image is used as it is
        args = (uv, duv, valid, amplitude)
        cpu = splat.splat_normal_equations(*args, image, 2.0, 0.9, 0.05, clip)
        gpu = splat_cuda.splat_normal_equations(*args, img, 2.0, 0.9, 0.05, clip)
        counts = (cpu.n_used, cpu.n_behind, cpu.n_outside)
        assert counts == (gpu.n_used, gpu.n_behind, gpu.n_outside) == (shape[0] * shape[1], 1, 1), counts
        assert np.array_equal(gpu.H, gpu.H.T), "H not symmetric"
        scale = np.abs(cpu.H).max()  # H's entries cancel: compare to the largest
        compare(f"splat clip={clip} H", (cpu.H / scale,), (gpu.H / scale,), 1e-10)
        compare(f"splat clip={clip} g", (cpu.g, np.array([cpu.cost])), (gpu.g, np.array([gpu.cost])), 1e-10)
    shape = (32, 32)
    Ks = fov_intrinsics(shape, 90.0)
    image = solver.render_points(torus, true, Ks, shape, sigma=2.0)
    kw = {"sigma": 2.0, "init": true + np.radians([3.0, 0, -3.0, 0, 0, 0]), "fixed": ("r2", "t1", "t2", "t3")}
    kw |= {"levels": 2, "max_iters": 3}
    a = solver.fit_render(torus, image, Ks, **kw)
    b = solver.fit_render(torus, image, Ks, target="cuda", **kw)
    assert a.status == b.status and a.nit == b.nit and a.n_valid == b.n_valid, (a.status, b.status, a.nit, b.nit)
    compare("fit_render cuda", (a.params, np.array([a.cost])), (b.params, np.array([b.cost])), 1e-9)


def _rotation(angle, rng):
    from scipy.spatial.transform import Rotation

    axis = rng.normal(size=3)
    T = np.eye(4)
    T[:3, :3] = Rotation.from_rotvec(angle * axis / np.linalg.norm(axis)).as_matrix()
    T[:3, 3] = rng.normal(0.0, 0.5, 3)
    return T


HOIST_KINDS = (
    "normal_equations",
    "normal_equations_brightness",
    "residuals",
    "normal_equations_depth",
    "normal_equations_depth_brightness",
    "residuals_depth",
)
"""The hoists of an align module, each also a device function (``_hoist_<kind>_device``)."""
WARP_ONLY_HOISTS = ("normal_equations", "normal_equations_depth", "residuals_depth")
"""Hoists that read the warp parameters only (the others also read the brightness pair)."""


def _device_kernels(mod):
    """Tiny kernels calling the module's device functions (one thread)."""
    pose_device, from_pose = mod.pose_device, mod.params_from_pose_device

    @cuda.jit
    def pose_kernel(params, out):
        pose_device(params, out)

    @cuda.jit
    def from_pose_kernel(T, out):
        from_pose(T, out)

    hoists = {}
    for kind in HOIST_KINDS:
        hoist = getattr(mod, f"_hoist_{kind}_device")

        @cuda.jit
        def hoist_kernel(params, constants, out, hoist=hoist):
            hoist(params, constants, out)

        hoists[kind] = hoist_kernel
    return pose_kernel, from_pose_kernel, hoists


def device_function_checks():
    """Generated device functions (pose, hoists, pose inverse) against their host counterparts."""
    from solver.core.model import align_module

    rng = np.random.default_rng(6)
    Ks = np.array([60.0, 62.0, 24.5, 19.5])
    for model in ("se3", "rodrigues", "euler_xyz"):
        mod = align_module(model, "cuda")
        sizes = mod.DESCRIPTION["hoisted_sizes"]
        pose_kernel, from_pose_kernel, hoists = _device_kernels(mod)
        for angle in (0.0, 1e-6, 0.5, 3.1):
            T = _rotation(angle, rng)
            params = mod.params_from_pose(T)
            tag = f"{model} angle={angle:g}"
            out = np.full(12, np.nan)
            pose_kernel[1, 1](params, out)
            compare(f"device pose {tag}", (mod.pose(params)[:3].ravel(),), (out,), 1e-14)
            out = np.full(6, np.nan)
            from_pose_kernel[1, 1](np.ascontiguousarray(T[:3].ravel()), out)
            compare(f"device params_from_pose {tag}", (params,), (out,), 1e-12)
            constants = np.concatenate([Ks, T[:3].ravel()]) if mod.DESCRIPTION["update"] == "compositional" else Ks
            p = np.zeros(6) if mod.DESCRIPTION["update"] == "compositional" else params
            for kind, kernel in hoists.items():
                pk = p if kind in WARP_ONLY_HOISTS else np.concatenate([p, [0.1, -0.02]])
                out = np.full(sizes[kind] + 1, -7.0)
                kernel[1, 1](pk, constants, out)
                host = getattr(mod, f"_hoist_{kind}")(pk, constants)
                assert host.size == sizes[kind] and out[-1] == -7.0, (kind, host.size, sizes[kind])
                compare(f"device hoist {kind} {tag}", (host,), (out[:-1],), 1e-14)
    models_without_inverse = [
        m for m in ("se3", "rodrigues", "euler_xyz") if align_module(m, "cuda").DESCRIPTION["parameterisation"] is None
    ]
    assert not models_without_inverse, models_without_inverse
    residual_sample_checks()
    tile_partial_checks()
    foreign_array_checks()


def residual_sample_checks():
    """``residual_sample`` (pairs on a grid axis, device arrays only) against ``residuals`` pair by pair."""
    from solver.arrays import images
    from solver.core import lie
    from solver.core.model import align_module

    rng = np.random.default_rng(7)
    shape, Ks = (30, 40), np.array([40.0, 41.0, 19.5, 14.5])
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    sizes = (90, 0, 140)
    pts = [np.column_stack([rng.uniform(-0.6, 0.6, (n, 2)), rng.uniform(1.0, 3.0, n)]) for n in sizes]
    pts[0][0] = (0.0, 0.0, -1.0)  # behind the camera; others fall outside the image
    irs = [rng.uniform(0.2, 0.8, n) for n in sizes]
    imgs = [0.5 + 0.3 * np.sin((0.2 + 0.05 * b) * x) * np.cos(0.25 * y) for b in range(3)]
    offsets = np.r_[0, np.cumsum(sizes)]
    starts = offsets[:-1] + np.array([1, 0, 3])
    steps = np.array([2, 1, 3])
    counts = np.array([40, 0, 45])
    width = 50
    for model, dtype in (
        ("se3", np.float64),
        ("rodrigues", np.float64),
        ("euler_xyz", np.float64),
        ("se3", np.float32),
    ):
        mod = align_module(model, "cuda")
        stacks = np.stack([images.stack_with_gradients(img, dtype) for img in imgs])
        points, iref = np.concatenate(pts).astype(dtype), np.concatenate(irs).astype(dtype)
        rows, params, consts = [], [], []
        for _ in range(3):
            T = lie.se3_exp(rng.normal(0.0, 0.05, 6))
            if mod.DESCRIPTION["update"] == "compositional":
                p, c = np.zeros(6), np.concatenate([Ks, T[:3, :4].ravel()])
            else:
                p, c = lie.params_from_pose(model, T), Ks
            params.append(np.concatenate([p, rng.normal(0.0, 0.1, 2)]))
            consts.append(c)
            rows.append(mod._hoist_residuals(params[-1], c))
        h = cuda.to_device(np.stack(rows))
        dev = [cuda.to_device(a) for a in (points, iref, stacks, starts, steps, counts)]
        out = cuda.to_device(np.full((3, width), -7.0))
        mod.residual_sample(h, *dev, out)
        got = out.copy_to_host()
        tag = f"residual_sample {model} {np.dtype(dtype).name}"
        for b in range(3):
            sl = slice(offsets[b], offsets[b + 1])
            resid = np.full(sizes[b], -1.0, dtype=dtype)
            if sizes[b]:
                mod.residuals(params[b], consts[b], points[sl], iref[sl], stacks[b], resid)
            local = starts[b] - offsets[b] + steps[b] * np.arange(counts[b])
            want = resid[local].astype(np.float64)
            np.testing.assert_array_equal(got[b, : counts[b]], want, err_msg=f"{tag} pair {b}")
            assert np.all(got[b, counts[b] :] == -7.0), f"{tag} pair {b}: entries past the count written"
            print("ok", tag, "pair", b)
        sampled = got[np.arange(width)[None, :] < counts[:, None]]
        assert np.isnan(sampled).any() and np.isfinite(sampled).any(), tag  # rejected and accepted points


def tile_partial_checks():
    """A fused kernel writes every tile's full row of sums (plain stores) and nothing for stopped pairs."""
    from jacgen.runtime.tiles import batch_tiles, sum_tiles
    from solver.arrays import images
    from solver.core.model import align_module

    rng = np.random.default_rng(8)
    shape, Ks = (30, 40), np.array([40.0, 41.0, 19.5, 14.5])
    y, x = np.mgrid[0 : shape[0], 0 : shape[1]]
    sizes = (70, 50, 90)
    points = np.column_stack([rng.uniform(-0.5, 0.5, (sum(sizes), 2)), rng.uniform(1.0, 3.0, sum(sizes))])
    iref = rng.uniform(0.2, 0.8, sum(sizes))
    stack = np.stack([images.stack_with_gradients(0.5 + 0.3 * np.sin(0.2 * x) * np.cos(0.25 * y), np.float64)] * 3)
    mod = align_module("rodrigues", "cuda")
    size = mod.DESCRIPTION["accumulators"]["normal_equations"]["size"]
    params = rng.normal(0.0, 0.03, (3, 6))
    h = np.stack([mod._hoist_normal_equations(p, Ks) for p in params])
    offsets = np.r_[0, np.cumsum(sizes)]
    tiles = batch_tiles(offsets, np.ones(3, bool), 32)
    running = np.array([1, 0, 1], dtype=np.int32)
    out = np.full((tiles.shape[0] + 2, size), -7.0)
    dout = cuda.to_device(out)
    from jacgen.backends.cuda_runtime import THREADS_PER_BLOCK

    threads = THREADS_PER_BLOCK  # the kernels' block size (their shared arrays are this wide)
    mod._normal_equations[3, threads](h, points, iref, stack, tiles, running, 0, np.full(3, 0.05), dout)
    partial = dout.copy_to_host()
    stopped = tiles[:, 0] == 1
    assert np.all(partial[: tiles.shape[0]][stopped] == -7.0), "a stopped pair's tiles were written"
    assert np.all(partial[tiles.shape[0] :] == -7.0), "rows past the tiles were written"
    assert np.all(partial[: tiles.shape[0]][~stopped] != -7.0), "a running pair's tile row is incomplete"
    sums = sum_tiles(partial[: tiles.shape[0]][~stopped], tiles[~stopped], 3)
    full = mod.normal_equations_batch(
        params, np.tile(Ks, (3, 1)), points, iref, stack, offsets, running > 0, 0, np.full(3, 0.05)
    )
    compare("tile partials", (sums,), (full,), 1e-12)


class _Foreign:
    """An array from another library: only ``__cuda_array_interface__`` and a non-NumPy ``dtype``."""

    __slots__ = ("__cuda_array_interface__", "dtype")

    def __init__(self, device_array, rows=None):
        host = device_array._ary  # the simulator's device memory is this host array
        view = host if rows is None else host[rows]
        self.__cuda_array_interface__ = {
            "shape": view.shape,
            "typestr": view.dtype.str,
            "data": (view.__array_interface__["data"][0], False),
            "strides": None if rows is None else view.strides,
            "version": 3,
        }
        self.dtype = f"torch.{view.dtype.name}"


def foreign_array_checks():
    """Device arrays of any library through ``jacgen.as_device_array``, ``warp_jacobian`` and ``as_device``."""
    from jacgen.cuda_support import as_device_array
    from solver.arrays import device

    rng = np.random.default_rng(9)
    points = np.column_stack([rng.uniform(-1, 1, (80, 2)), rng.uniform(0.5, 10, 80)])
    params = np.array([0.3, -0.2, 0.1, 0.05, -0.02, 0.1])
    for dtype in (np.float64, np.float32):
        pts = points.astype(dtype)
        dev = cuda.to_device(pts)
        for rows, host in ((None, pts), (slice(None, None, 2), pts[::2])):
            foreign = _Foreign(dev, rows)
            wrapped = as_device_array(foreign)
            np.testing.assert_array_equal(wrapped.copy_to_host(), host)
            numpy_input = jacgen.warp_jacobian("se3", params, host, K, target="cuda")
            uv, J, valid = jacgen.warp_jacobian("se3", params, foreign, K, target="cuda")
            assert hasattr(uv, "copy_to_host"), "device input must give device output"
            tag = f"foreign array {np.dtype(dtype).name} {'strided' if rows else 'contiguous'}"
            compare(tag, numpy_input, (uv.copy_to_host(), J.copy_to_host(), valid.copy_to_host()), 0.0)
        viewed = device.as_device(_Foreign(dev))
        viewed[0, 0] = 42.0  # a view, not a copy
        assert dev.copy_to_host()[0, 0] == 42.0, "as_device copied a device array"
        assert as_device_array(dev) is dev
    print("ok foreign array as_device")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fused":
        fused_checks()
    elif len(sys.argv) > 1 and sys.argv[1] == "batch":
        batch_checks()
        align_batch_check()
    elif len(sys.argv) > 1 and sys.argv[1] == "depth":
        depth_checks()
    elif len(sys.argv) > 1 and sys.argv[1] == "device":
        device_prep_checks()
    elif len(sys.argv) > 1 and sys.argv[1] == "splat":
        splat_checks()
    elif len(sys.argv) > 1 and sys.argv[1] == "device_functions":
        device_function_checks()
    elif len(sys.argv) > 1 and sys.argv[1] == "prep":
        import device_batch_check

        device_batch_check.main()
    elif len(sys.argv) > 1 and sys.argv[1] == "pipeline":
        import device_pipeline_check

        device_pipeline_check.main()
    elif len(sys.argv) > 1:
        user_model_check(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        builtin_checks()
