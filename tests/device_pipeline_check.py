"""``align_batch(target="cuda")``'s device-resident pipeline under the CUDA simulator, against the CPU path.

Run by ``tests/cuda_sim_check.py pipeline`` (``NUMBA_ENABLE_CUDASIM=1``); prints ``ok ...`` per check.
Checks: the same statuses, iterations and poses as ``target="cpu"`` on several scenes (pairs that
finish at different rounds, a pair with too few points on a coarse level, a singular pair), also
with the targets' depths (RGB-D: holes and NaN in the target depth, the depth scale estimated or
fixed); launches, copies and allocations that do not grow with B; a fixed number of launches and
one 8-byte read-back per round; nothing allocated by a repeat call (each with and without the
targets' depths); foreign ``__cuda_array_interface__`` inputs.
"""

from __future__ import annotations

import time

import numpy as np
from numba.cuda.simulator import kernel as sim_kernel
from numba.cuda.simulator.cudadrv import devicearray as sim_array

import solver
from solver.synthetic import make_scene

EVENTS: list[tuple[str, int]] = []


def _instrument() -> None:
    """Record kernel launches, host<->device copies (with their bytes) and device allocations."""
    call = sim_kernel.FakeCUDAKernel.__call__

    def launch(self, *args):
        if not (self._device or sim_kernel._kernel_context):
            EVENTS.append(("launch", 0))
            EVENTS.extend(("copy", a.nbytes) for a in args if isinstance(a, np.ndarray) and a.ndim > 0)
        return call(self, *args)

    sim_kernel.FakeCUDAKernel.__call__ = launch
    for name in ("copy_to_host", "copy_to_device"):
        original = getattr(sim_array.FakeCUDAArray, name)

        def copy(self, *a, _original=original, **k):
            EVENTS.append(("copy", int(self.nbytes)))
            return _original(self, *a, **k)

        setattr(sim_array.FakeCUDAArray, name, copy)
    from numba import cuda

    for name in ("device_array", "device_array_like", "to_device", "pinned_array", "mapped_array"):
        original = getattr(cuda, name)

        def alloc(*a, _original=original, **k):
            EVENTS.append(("alloc", 0))
            return _original(*a, **k)

        setattr(cuda, name, alloc)


def compare_batches(name: str, cpu, gpu) -> None:
    """The same statuses and iterations per pair and level, poses within 1e-9, costs within 1e-9 (relative)."""
    worst = {"pose": 0.0, "cost": 0.0}
    for b, (a, g) in enumerate(zip(cpu, gpu, strict=True)):
        report = lambda lv: (lv.status, lv.iterations, lv.nfev, lv.n_accepted, lv.n_rejected, lv.n_points)  # noqa: E731
        assert [report(lv) for lv in a.levels] == [report(lv) for lv in g.levels], (name, b, a.levels)
        assert a.status == g.status and a.nit == g.nit, (name, b, a.status, g.status, a.nit, g.nit)
        assert np.abs(a.pose - g.pose).max() <= 1e-9, (name, b, a.pose - g.pose)
        assert a.n_depth_valid == g.n_depth_valid and a.n_valid == g.n_valid, (name, b, a.n_depth_valid)
        worst["pose"] = max(worst["pose"], np.abs(a.pose - g.pose).max())
        for x, y in ((a.cost, g.cost), (a.initial_cost, g.initial_cost), (a.cost_depth, g.cost_depth)):
            assert (np.isnan(x) and np.isnan(y)) or abs(x - y) <= 1e-9 * abs(x) + 1e-24, (name, b, x, y)
            if x and not np.isnan(x):
                worst["cost"] = max(worst["cost"], abs(x - y) / abs(x))
        for la, lg in zip(a.levels, g.levels, strict=True):
            np.testing.assert_allclose(la.cost_history, lg.cost_history, rtol=1e-9, atol=1e-24, err_msg=name)
            np.testing.assert_allclose(la.loss_scale, lg.loss_scale, rtol=1e-12, err_msg=name)
    differences = f"max |pose diff| {worst['pose']:.1e}, max rel cost diff {worst['cost']:.1e}"
    print("ok pipeline", name, [r.status.name for r in gpu], [r.nit for r in gpu], differences)


def equality_checks() -> None:
    """Three scenes and their special pairs, against ``target="cpu"``."""
    motions = [(0.01, 0.0, 0.0, 0.0, 1.0, 0.0), (0.0, 0.002, 0.0, 0.1, 0.0, 0.0), (-0.01, 0.005, 0.01, 0.5, -0.5, 1.0)]
    scenes = [make_scene(m, shape=(24, 32), seed=k, noise=0.005) for k, m in enumerate(motions)]
    args = ([s.ref_image for s in scenes], [s.ref_depth for s in scenes], [s.tgt_image for s in scenes])
    kw = {"levels": 2, "dtype": "float64", "max_iters": 5}
    run("se3 three motions", *args, scenes[0].intrinsics, **kw)
    noisy = [make_scene(motions[1], shape=(32, 40), noise=0.01, seed=5)]
    few = make_scene(motions[0], shape=(32, 40), seed=9)
    depth = np.zeros_like(few.ref_depth)
    depth[10:17, 12:21] = few.ref_depth[10:17, 12:21]  # 63, 20 and 9 points on levels 0, 1, 2: too few on 2
    flat = make_scene(motions[2], shape=(32, 40), seed=10)
    refs = [s.ref_image for s in noisy] + [few.ref_image, flat.ref_image]
    depths = [s.ref_depth for s in noisy] + [depth, flat.ref_depth]
    tgts = [s.tgt_image for s in noisy] + [few.tgt_image, np.full_like(flat.tgt_image, 0.5)]  # flat: singular
    kw = {"levels": 3, "dtype": "float64", "max_iters": 4}
    gpu = run("se3 too-few and singular", refs, depths, tgts, noisy[0].intrinsics, **kw)
    assert gpu[1].levels[0].status == solver.Status.TOO_FEW_POINTS, gpu[1].levels
    assert all(lv.status == solver.Status.SINGULAR for lv in gpu[2].levels), gpu[2].levels
    assert np.array_equal(gpu[2].pose, np.eye(4)), "a singular pair keeps its initial pose"
    kw = {"levels": 2, "dtype": "float64", "brightness": True, "fixed": ("t3",), "loss": "tukey", "max_iters": 4}
    run("rodrigues brightness fixed", *[a[1:] for a in args], scenes[0].intrinsics, model="rodrigues", **kw)
    kw = {"levels": 1, "loss_scale": 0.05, "max_iters": 3}
    run("euler_xyz float32 loss_scale", *[a[:2] for a in args], scenes[0].intrinsics, model="euler_xyz", **kw)


def depth_checks() -> None:
    """RGB-D batches against ``target="cpu"``: the depth scale from each pair's sample, or fixed with brightness."""
    motions = [(0.01, 0.0, 0.0, 0.0, 1.0, 0.0), (-0.01, 0.005, 0.01, 0.5, -0.5, 1.0), (0.0, 0.002, 0.0, 0.1, 0.0, 0.0)]
    scenes = [make_scene(m, shape=(24, 32), seed=k, noise=0.005) for k, m in enumerate(motions)]
    args = ([s.ref_image for s in scenes], [s.ref_depth for s in scenes], [s.tgt_image for s in scenes])
    tgt_depths = np.stack([s.tgt_depth for s in scenes])
    tgt_depths[0, 4:10, 6:14] = 0.0  # missing target depth: those points keep their photometric residual only
    tgt_depths[1, 12, 3:20] = np.nan
    kw = {"levels": 2, "dtype": "float64", "max_iters": 3, "tgt_depths": tgt_depths[:2]}
    gpu = run("se3 rgbd two motions", *[a[:2] for a in args], scenes[0].intrinsics, **kw)
    assert all(0 < r.n_depth_valid < r.n_valid for r in gpu), [(r.n_depth_valid, r.n_valid) for r in gpu]
    kw = {"levels": 2, "dtype": "float64", "max_iters": 3, "brightness": True, "loss": "l2", "fixed": ("t3",)}
    kw |= {"tgt_depths": list(tgt_depths[2:]), "depth_weight": 0.5, "depth_loss_scale": 0.02}
    run("rodrigues rgbd brightness fixed depth scale", *[a[2:] for a in args], scenes[0].intrinsics, model="rodrigues",
        **kw)  # fmt: skip


def run(name, refs, depths, tgts, K, **kw):
    """Both targets on the same pairs; compared (float32 runs within 1e-5 poses)."""
    cpu = solver.align_batch(refs, depths, tgts, K, **kw)
    gpu = solver.align_batch(refs, depths, tgts, K, target="cuda", **kw)
    if kw.get("dtype") == "float64":
        compare_batches(name, cpu, gpu)
    else:
        for a, g in zip(cpu, gpu, strict=True):
            assert a.status == g.status and np.abs(a.pose - g.pose).max() <= 1e-5, (name, a.status, g.status)
        print("ok pipeline", name)
    return gpu


def counted(b: int, scene, depth, rgbd: bool = False, **kw) -> dict:
    """Launches, copies and allocations of one call on ``b`` identical pairs, and its rounds (``rgbd``: with depths)."""
    EVENTS.clear()
    tgt_depths = [scene.tgt_depth] * b if rgbd else None
    solver.align_batch([scene.ref_image] * b, [depth] * b, [scene.tgt_image] * b, scene.intrinsics,
                       target="cuda", tgt_depths=tgt_depths, **kw)  # fmt: skip
    events = list(EVENTS)
    counts = {kind: sum(1 for k, _ in events if k == kind) for kind in ("launch", "copy", "alloc")}
    counts["events"] = events
    return counts


def structure_checks() -> None:
    """Counts independent of B; per round two launches and one 8-byte read-back; a repeat call allocates nothing.

    Without and with the targets' depths (RGB-D: a few more launches per level, none more per round):
    B = 2 and 4, then a repeat (the simulator's time grows with B; ``../shared/tools/gpu_structure_check.py``
    measures B = 2 and 8).
    """
    scene = make_scene((0.01, 0.0, 0.0, 0.0, 1.0, 0.0), shape=(16, 24))
    depth = _window(scene.ref_depth)
    kw = {"levels": 2, "max_iters": 2, "dtype": "float64"}
    for rgbd, sizes in ((False, (2, 4, 4)), (True, (2, 4, 2))):
        _structure(scene, depth, rgbd, sizes, **kw)


def _structure(scene, depth, rgbd: bool, sizes: tuple[int, int, int], **kw) -> None:
    """The checks of :func:`structure_checks` on batches of ``sizes`` pairs (the last a repeat of an earlier size)."""
    small, large, again = (counted(b, scene, depth, rgbd, **kw) for b in sizes)
    for kind in ("launch", "copy", "alloc"):
        assert large[kind] <= 1.05 * max(small[kind], 1), (kind, rgbd, small[kind], large[kind])
    assert again["alloc"] == 0, again["alloc"]
    tag = " rgbd" if rgbd else ""
    print(f"ok pipeline{tag} counts", {k: (small[k], large[k], again[k]) for k in ("launch", "copy", "alloc")})
    events = again["events"]
    readbacks = [i for i, (k, n) in enumerate(events) if k == "copy" and n == 8]
    assert len(readbacks) >= 2, readbacks
    for a, z in zip(readbacks, readbacks[1:], strict=False):
        between = events[a + 1 : z]
        if any(k == "copy" for k, _ in between):
            continue  # a level boundary: the next level's preparation lies between
        assert [k for k, _ in between] == ["launch", "launch"], between
    print(f"ok pipeline{tag} rounds: two launches and one 8-byte read-back each")


def _window(depth: np.ndarray) -> np.ndarray:
    """``depth`` kept in a central window only: fewer points, the same structure (the simulator is slow per point)."""
    out = np.zeros_like(depth)
    h, w = depth.shape
    out[h // 4 : h - h // 4, w // 4 : w - w // 4] = depth[h // 4 : h - h // 4, w // 4 : w - w // 4]
    return out


class Foreign:
    """An array that offers only ``__cuda_array_interface__`` and a non-NumPy ``dtype`` (like a torch tensor)."""

    __slots__ = ("__cuda_array_interface__", "_keep", "dtype")

    def __init__(self, device_array) -> None:
        host = device_array._ary  # the simulator's device memory is this host array
        self._keep = device_array
        self.__cuda_array_interface__ = {
            "shape": host.shape,
            "typestr": host.dtype.str,
            "data": (host.__array_interface__["data"][0], False),
            "strides": None,
            "version": 3,
        }
        self.dtype = f"torch.{host.dtype.name}"


def foreign_checks() -> None:
    """Foreign device arrays ``(B, H, W)`` go in without a copy and give the numbers of NumPy inputs."""
    from numba import cuda

    scenes = [
        make_scene(m, shape=(24, 32), seed=k) for k, m in enumerate([(0.01, 0, 0, 0, 1, 0), (0, 0.01, 0, 1, 0, 0)])
    ]
    refs = np.stack([s.ref_image for s in scenes]).astype(np.float64)
    depths = np.stack([_window(s.ref_depth) for s in scenes]).astype(np.float64)
    tgts = np.stack([s.tgt_image for s in scenes]).astype(np.float64)
    kw = {"levels": 1, "dtype": "float64", "target": "cuda", "max_iters": 3}
    host = solver.align_batch(refs, depths, tgts, scenes[0].intrinsics, **kw)
    foreign = [Foreign(cuda.to_device(a)) for a in (refs, depths, tgts)]
    dev = solver.align_batch(foreign[0], foreign[1], foreign[2], scenes[0].intrinsics, **kw)
    for a, b in zip(host, dev, strict=True):
        assert a.status == b.status and a.nit == b.nit and np.array_equal(a.pose, b.pose), (a.status, b.status)
    print("ok pipeline foreign device arrays")


def main() -> None:
    """All checks (the counting ones last: they patch the simulator), each timed."""
    for check in (equality_checks, depth_checks, foreign_checks, _instrument, structure_checks):
        t = time.perf_counter()
        check()
        print(f"  {check.__name__}: {time.perf_counter() - t:.1f} s")


if __name__ == "__main__":
    main()
