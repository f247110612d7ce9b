"""Public functional API: validate inputs, allocate outputs, run a generated kernel."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .cuda_support import as_device_array, interface_shape_dtype, is_device_array
from .handles import GeneratedModel, builtin_names, load_model, resolve
from .runners import RUNNERS

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def models() -> list[str]:
    """Names of the built-in warp models."""
    return builtin_names()


def build_model(model, out_dir: str | Path, targets=("cpu", "cuda")) -> GeneratedModel:
    """Derive and emit kernels for a user-defined ``model`` into ``out_dir``; return its handle.

    Parameters
    ----------
    model : WarpModel
        From :func:`jacgen.define_model`.
    out_dir : path
        Folder for ``<name>_cpu.py`` and ``<name>_cuda.py`` (created if needed).
    targets : tuple of str
        Backends to emit.
    """
    from .build import build_model as _build_files

    _build_files(model, Path(out_dir), targets)
    return load_model(model.name, out_dir)


def _check_points(points, n_coords: int, runner):
    if is_device_array(points):
        if not runner.accepts_device_arrays:
            raise ValueError(f"device arrays are not accepted with target={runner.name!r} (use target='cuda')")
        shape, dtype = interface_shape_dtype(points)
    else:
        try:
            points = np.asarray(points)
        except (TypeError, ValueError) as exc:  # ragged nested sequences
            raise ValueError(f"points must be an (N, {n_coords}) array: {exc}") from None
        shape, dtype = points.shape, points.dtype
        if dtype.kind == "f" and not dtype.isnative:  # big-endian float32/float64: same values, native order
            dtype = dtype.newbyteorder("=")
    if len(shape) != 2 or shape[1] != n_coords:
        raise ValueError(f"points must have shape (N, {n_coords}), got {shape}")
    if dtype not in FLOAT_DTYPES:
        raise ValueError(f"points must be float32 or float64, got {dtype}")
    if is_device_array(points):
        return as_device_array(points), dtype
    return np.ascontiguousarray(points, dtype=dtype), dtype


def _check_vector(name: str, values, length: int, names: tuple[str, ...]) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be {length} numbers {names}: {exc}") from None
    if arr.shape != (length,):
        raise ValueError(f"{name} must have shape ({length},) {names}, got {arr.shape}")
    bad = [n for n, v in zip(names, arr, strict=True) if not np.isfinite(v)]
    if bad:
        raise ValueError(f"{name} must be finite; non-finite: {', '.join(bad)}")
    return arr


def _prepare(model, params, points, intrinsics, target: str, with_params: bool = True):
    handle = resolve(model)
    if target not in RUNNERS:
        raise ValueError(f"unknown target {target!r}; expected one of {tuple(RUNNERS)}")
    runner = RUNNERS[target]
    runner.load()
    mod = handle.module(target)
    p = (
        _check_vector("params", params, len(mod.DESCRIPTION["params"]), mod.DESCRIPTION["params"])
        if with_params
        else None
    )
    c = _check_vector("intrinsics", intrinsics, len(mod.DESCRIPTION["constants"]), mod.DESCRIPTION["constants"])
    for name in mod.DESCRIPTION["positive_constants"]:
        if c[mod.DESCRIPTION["constants"].index(name)] <= 0:
            raise ValueError(f"intrinsics: {name} must be > 0, got {c[mod.DESCRIPTION['constants'].index(name)]}")
    pts, dtype = _check_points(points, len(mod.DESCRIPTION["point"]), runner)
    return mod, runner, p, c, pts, dtype


def _outputs(mod, runner, n: int, dtype, jacobian: bool):
    d = mod.DESCRIPTION
    shapes = [(n, len(d["outputs"]))] + ([(n, len(d["outputs"]), len(d["params"]))] if jacobian else [])
    return runner.output_arrays(shapes, dtype, n)


def warp(model, params, points, intrinsics, target: str = "cpu"):
    """Warp ``points`` by ``model`` with ``params``.

    Parameters
    ----------
    model : str or GeneratedModel
        Built-in name (see :func:`models`) or a handle from :func:`build_model`.
    params : array_like, shape (P,)
        Parameters, e.g. ``(r1, r2, r3, t1, t2, t3)``.
    points : ndarray, shape (N, D), float32 or float64
        Input points; a CUDA device array is accepted with ``target="cuda"`` (no copy).
    intrinsics : array_like
        The model's constants, e.g. ``(fx, fy, cx, cy)``.
    target : {"cpu", "cuda"}
        Where to run the kernel.

    Returns
    -------
    uv : ndarray, shape (N, n_outputs), dtype of ``points``
        Outputs (pixel coordinates); NaN where invalid.
    valid : ndarray of bool, shape (N,)
        Depth after the transform is > 0 and outputs are finite.
    """
    mod, runner, p, c, pts, dtype = _prepare(model, params, points, intrinsics, target)
    uv, valid = _outputs(mod, runner, pts.shape[0], dtype, jacobian=False)
    if pts.shape[0]:
        mod.warp(p, pts, c, uv, valid)
    return runner.results((uv, valid), is_device_array(points))


def warp_jacobian(model, params, points, intrinsics, target: str = "cpu"):
    """Warp ``points`` and return the Jacobian of the outputs with respect to the parameters.

    Parameters are as for :func:`warp`.

    Returns
    -------
    uv : ndarray, shape (N, n_outputs)
    J : ndarray, shape (N, n_outputs, P)
        ``J[i, k, j] = d uv[i, k] / d params[j]``; NaN where invalid.
    valid : ndarray of bool, shape (N,)
    """
    mod, runner, p, c, pts, dtype = _prepare(model, params, points, intrinsics, target)
    uv, jac, valid = _outputs(mod, runner, pts.shape[0], dtype, jacobian=True)
    if pts.shape[0]:
        mod.warp_jacobian(p, pts, c, uv, jac, valid)
    return runner.results((uv, jac, valid), is_device_array(points))


def warp_jacobian_at_zero(model, points, intrinsics, target: str = "cpu"):
    """Outputs and Jacobian at ``params = 0`` for models with a zero specialisation (``se3``).

    A forward-compositional solver moves the points by its current estimate first and then
    needs ``d W(exp(xi) q) / d xi`` at ``xi = 0``; this kernel is that derivative, specialised.
    Returns ``(uv, J, valid)`` as :func:`warp_jacobian`.
    """
    mod, runner, _, c, pts, dtype = _prepare(model, None, points, intrinsics, target, with_params=False)
    if "warp_jacobian_at_zero" not in mod.DESCRIPTION["kernels"]:
        raise ValueError(f"model {mod.DESCRIPTION['model']!r} has no zero specialisation")
    uv, jac, valid = _outputs(mod, runner, pts.shape[0], dtype, jacobian=True)
    if pts.shape[0]:
        mod.warp_jacobian_at_zero(pts, c, uv, jac, valid)
    return runner.results((uv, jac, valid), is_device_array(points))
