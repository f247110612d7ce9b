"""Run every generated CUDA kernel under the Numba CUDA simulator and compare with the CPU kernel.

Invoked in a subprocess by tests (the simulator must be switched on before Numba is imported):
``NUMBA_ENABLE_CUDASIM=1 python tests/cuda_sim_check.py [model_dir model_name]``.
Prints one line per check and exits non-zero on the first disagreement.
"""

import os
import sys

import numpy as np

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"

from numba import cuda  # noqa: E402

import jacgen  # noqa: E402

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
    from solver import images, lie
    from solver.kernels import align_module, normal_equations, residuals

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
                for loss in ("huber", "tukey"):
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


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "fused":
        fused_checks()
    elif len(sys.argv) > 1:
        user_model_check(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        builtin_checks()
