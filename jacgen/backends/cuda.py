"""Numba CUDA backend: ``@cuda.jit``, threads over points, block reductions; hoisting on the host.

A fused kernel's blocks stride over tiles ``(pair, first, end)``, skipping those of pairs no
longer ``running``; a block's threads stride over the tile's points and keep float64 sums in
registers, which the block adds through shared memory (a tree, :data:`REDUCE_WIDTH` sums at a
time) and writes as the tile's row of partial sums (plain stores, no atomics: whoever adds the rows
in tile order gets the same bits every run). Rejected points are skipped (threads branch freely).
Per-point warp kernels stage their outputs in shared memory, so that a block's global stores are
one contiguous chunk. An align module also has device functions (``pose_device``, the
``_hoist_*_device`` hoists, ``params_from_pose_device``) for kernels that step poses on the device,
and a batched residual sample (``residual_sample``). With the target's depth (RGB-D) the fused
kernels also read the depth stack and a row of three scales per pair, and the depth residual has
its own kernels (``residuals_depth``, the batched ``residual_sample_depth``) and device hoists.
"""

from __future__ import annotations

import sympy as sp

from ..codegen import (
    TYPED,
    WARP_SIGNATURES,
    hoist_device_function,
    pose_device_function,
    unpack_lines,
    warp_kernel,
    warp_point_lines,
)
from ..fused_codegen import (
    accumulator_names,
    depth_hoist_kinds,
    depth_residual_lines,
    fused_hoist_parts,
    hoist_kinds,
    packed_fused,
    scalar_point_lines,
)
from ..parameterisation import recognise
from ..photometric import PhotometricIR
from ..runtime.pose_params import PARAMETERISATION_IDS
from .base import SHARED_HELPERS, Backend

REDUCE_WIDTH = 8
"""Sums a block reduces at once (``8 x THREADS_PER_BLOCK`` doubles of shared memory)."""

THREADS = 256
""":data:`jacgen.backends.cuda_runtime.THREADS_PER_BLOCK` (not imported: that loads ``numba.cuda``)."""

DEPTH_ROW = [
    "        dimg = depth[pair]",
    "        scale = loss_scales[pair, 0]",
    "        weight_depth = loss_scales[pair, 2]",
]
"""A photometric + depth kernel's reads of the pair's depth stack and its row of scales (the depth scale,
column 1, is in the depth weight)."""

DEPTH_HOISTS = ("normal_equations_depth", "normal_equations_depth_brightness", "residuals_depth")
"""The depth kernels' hoists, also emitted as device functions (``_hoist_<kind>_device``)."""

FORMAT_LIMIT = 120
"""The formatter's line length (generated code is kept formatted)."""

STAGE_BYTES = 40 * 1024
"""Most shared memory a warp kernel stages its outputs in (float64); larger outputs are stored directly."""

CUDA_RUNTIME_NAMES = (
    "THREADS_PER_BLOCK",
    "cuda",
    "fused_batch",
    "fused_batch_depth",
    "fused_pair",
    "fused_pair_depth",
    "launch_points",
    "launch_sample",
    "phi_device",
    "pose_params_device",
    "robust",
)
"""What generated CUDA code uses from :mod:`jacgen.backends.cuda_runtime` (listed here, not
imported: importing it loads ``numba.cuda``, which code generation must not need)."""

WARP_LAUNCHER = '''
def {kind}({signature}, stream=0):
    """Launch ``_{kind}`` (host or device arrays; outputs preallocated; no validation)."""
    h = _hoist_{kind}({hoist_args})
    launch_points(_{kind}, h, (points, {arrays}), stream)
'''

FUSED_LAUNCHERS = '''
def {kind}(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["{kind}"]``).

    The tiles' partial sums are added on the host in tile order; with ``out`` (a device array of
    {size}) they are added into ``out``, which is returned.
    """
    h = _hoist_{kind}(params, constants)
    return fused_pair(_{kind}, h, {size}, points, iref, tgt, loss_id, loss_scale, out, stream)


def {kind}_batch({batch_signature}):
    """``(B, {size})`` accumulators of B pairs in one launch (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair on the host; the pairs' points and intensities
    concatenated on the device (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3).
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return fused_batch(_{kind}, _hoist_{kind}, {size}, *args)
'''

DEPTH_LAUNCHERS = '''
def {kind}({signature}):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms. The tiles' partial sums are added on the host in tile order;
    with ``out`` (a device array of {size}) they are added into ``out``, which is returned.
    """
    h = _hoist_{kind}(params, constants)
    args = (points, iref, tgt, depth, loss_id, scales, out, stream)
    return fused_pair_depth(_{kind}, h, {size}, *args)


def {kind}_batch({batch_signature}):
    """``(B, {size})`` accumulators of B pairs in one launch (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream)
    return fused_batch_depth(_{kind}, _hoist_{kind}, {size}, *args)
'''

DEPTH_RESIDUAL_LAUNCHER = '''
def residuals_depth(params, constants, points, depth, resid, stream=0):
    """Per-point depth residual ``s_D (D_t - Z')`` into ``resid`` (NaN where none); warp ``params`` only."""
    launch_points(_residuals_depth, _hoist_residuals_depth(params, constants), (points, depth, resid), stream)
'''

DEPTH_SAMPLE_LAUNCHER = '''
def residual_sample_depth(h, points, depth, starts, steps, counts, out, stream=0):
    """Depth residuals of a strided sample of every pair's points into ``out`` (device arrays; nothing copied).

    As ``residual_sample``, with ``h`` (B, n) rows of ``_hoist_residuals_depth`` (warp parameters
    only) and ``depth`` (B, H, W, 3) the targets' depth stacks; NaN where a point has no depth residual.
    """
    launch_sample(_residual_sample_depth, (h, points, depth, starts, steps, counts, out), stream)
'''

RESIDUAL_LAUNCHER = '''
def residuals(params, constants, points, iref, tgt, resid, stream=0):
    """Per-point residual into ``resid`` (NaN where rejected); ``params`` include ``(a, b)``."""
    launch_points(_residuals, _hoist_residuals(params, constants), (points, iref, tgt, resid), stream)
'''

SAMPLE_LAUNCHER = '''
def residual_sample(h, points, iref, tgt, starts, steps, counts, out, stream=0):
    """Residuals of a strided sample of every pair's points into ``out`` (device arrays; nothing copied).

    ``h`` (B, n) rows of ``_hoist_residuals`` (with ``(a, b)``), ``points`` / ``iref`` all pairs'
    concatenated, ``tgt`` (B, H, W, 3), ``starts`` / ``steps`` / ``counts`` (B,) int64, ``out``
    (B, M) float64: ``out[b, k]`` is the residual of point ``starts[b] + k * steps[b]`` for
    ``k < counts[b]`` (NaN where rejected); the rest of ``out`` is left as it is.
    """
    launch_sample(_residual_sample, (h, points, iref, tgt, starts, steps, counts, out), stream)
'''

PARAMS_FROM_POSE_DEVICE = '''
{decorator}
def params_from_pose_device(T, out):
    """Parameters ({name}) of the pose ``T`` (3 x 4 ``[R t]`` row-major) into ``out``."""
    pose_params_device({kind}, T, out)
'''


def block_sum_lines(values: list[str], ind: str) -> list[str]:
    """Add ``values`` over the block's threads (shared-memory tree) into the tile's row ``out[tile]``."""
    lines: list[str] = []
    for start in range(0, len(values), REDUCE_WIDTH):
        group = values[start : start + REDUCE_WIDTH]
        lines += [f"{ind}shared[{k}, tid] = {v}" for k, v in enumerate(group)]
        lines += [
            f"{ind}cuda.syncthreads()",
            f"{ind}step = THREADS_PER_BLOCK // 2",
            f"{ind}while step > 0:",
            f"{ind}    if tid < step:",
            f"{ind}        for _k in range({len(group)}):",
            f"{ind}            shared[_k, tid] += shared[_k, tid + step]",
            f"{ind}    cuda.syncthreads()",
            f"{ind}    step //= 2",
            f"{ind}if tid < {len(group)}:",
            f"{ind}    out[tile, {start} + tid] = shared[tid, 0]",
            f"{ind}cuda.syncthreads()",
        ]
    return lines


class CUDABackend(Backend):
    """Numba CUDA target."""

    def point_loop(self, count: str) -> list[str]:  # noqa: D102
        return [f"    for i in range(cuda.grid(1), {count}, cuda.gridsize(1)):"]

    def warp_kernels(self, ir, packed) -> list[str]:  # noqa: D102
        return [staged_warp_kernel(ir, packed, self)]

    def warp_launcher(self, kind: str, signature: str, arrays: str, hoist_args: str) -> str:  # noqa: D102
        text = WARP_LAUNCHER.format(kind=kind, signature=signature, arrays=arrays, hoist_args=hoist_args)
        return text.strip("\n") + "\n"

    def fused_kernel(self, pir: PhotometricIR, packed) -> str:  # noqa: D102
        names = accumulator_names(pir)
        images, scale = ("tgt, depth", "loss_scales") if pir.depth else ("tgt", "loss_scale")
        lines = [
            self.kernel_decorator,
            f"def _{pir.kind}(h, points, iref, {images}, tiles, running, loss_id, {scale}, out):",
            '    """Sums of each tile ``(pair, first, end)`` of points into ``out[tile]`` (running pairs only)."""',
            f"    shared = cuda.shared.array(({REDUCE_WIDTH}, THREADS_PER_BLOCK), dtype=float64)",
            "    tid = cuda.threadIdx.x",
            f"    {TYPED} = points.dtype.type",
            "    height = tgt.shape[1]",
            "    width = tgt.shape[2]",
            "    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):",
            "        pair = tiles[tile, 0]",
            "        if running[pair] == 0:",
            "            continue",
            "        img = tgt[pair]",
            *(DEPTH_ROW if pir.depth else ["        scale = loss_scale[pair]"]),
        ]
        ind = "        "
        lines += unpack_lines(packed, "h[pair, {}]", ind, TYPED, [*pir.warp.hoisted, *pir.extra_hoisted])
        lines += [f"{ind}{name} = 0.0" for name in names]
        lines.append(f"{ind}for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):")
        lines += scalar_point_lines(pir, ind + "    ", accumulate=True)
        lines += block_sum_lines(names, ind)
        return "\n".join(lines) + "\n"

    def fused_launchers(self, pir: PhotometricIR) -> str:  # noqa: D102
        size = len(accumulator_names(pir))
        if pir.depth:
            single = "params, constants, points, iref, tgt, depth, loss_id, scales, out=None, stream=0"
            batch = "params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales, stream=0"
            single, batch = _signature(pir.kind, single), _signature(f"{pir.kind}_batch", batch)
            text = DEPTH_LAUNCHERS.format(kind=pir.kind, size=size, signature=single, batch_signature=batch)
            return text.strip("\n") + "\n"
        signature = _signature(
            f"{pir.kind}_batch", "params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0"
        )
        text = FUSED_LAUNCHERS.format(kind=pir.kind, size=size, batch_signature=signature)
        return text.strip("\n") + "\n"

    def depth_residual_launcher(self) -> str:  # noqa: D102
        return DEPTH_RESIDUAL_LAUNCHER.strip("\n") + "\n"

    def depth_extras(self, model, dpirs) -> list[str]:  # noqa: D102
        parts = [residual_sample_depth_kernel(dpirs[0], self), DEPTH_SAMPLE_LAUNCHER.strip("\n") + "\n"]
        for kind, (pir, warp_ir) in depth_hoist_kinds(dpirs).items():
            hoisted, packed, inputs = fused_hoist_parts(pir, warp_ir)
            parts.append(hoist_device_function(kind, hoisted, packed, inputs, self.device_decorator))
        return parts

    def residual_launcher(self) -> str:  # noqa: D102
        return RESIDUAL_LAUNCHER.strip("\n") + "\n"

    def align_extras(self, model, pirs) -> list[str]:  # noqa: D102
        brightness = pirs[1]
        parts = [residual_sample_kernel(brightness, self), SAMPLE_LAUNCHER.strip("\n") + "\n"]
        parts.append(pose_device_function(model, self.device_decorator))
        for kind, (pir, warp_ir) in hoist_kinds(pirs).items():
            hoisted, packed, inputs = fused_hoist_parts(pir, warp_ir)
            parts.append(hoist_device_function(kind, hoisted, packed, inputs, self.device_decorator))
        name = recognise(model)
        if name is None:
            parts.append("params_from_pose_device = None\n")
        else:
            text = PARAMS_FROM_POSE_DEVICE.format(
                decorator=self.device_decorator, name=name, kind=PARAMETERISATION_IDS[name]
            )
            parts.append(text.strip("\n") + "\n")
        return parts

    def device_function_names(self, model) -> tuple[str, ...]:  # noqa: D102
        kinds = ("normal_equations", "normal_equations_brightness", "residuals", *DEPTH_HOISTS)
        return ("pose_device", *(f"_hoist_{kind}_device" for kind in kinds), "params_from_pose_device")


def residual_sample_kernel(pir: PhotometricIR, backend: Backend) -> str:
    """``_residual_sample(h, points, iref, tgt, starts, steps, counts, out)``: pairs on the grid's second axis."""
    packed = packed_fused(pir, pir.warp_only)
    lines = [
        backend.kernel_decorator,
        "def _residual_sample(h, points, iref, tgt, starts, steps, counts, out):",
        '    """Residual of point ``starts[b] + k * steps[b]`` into ``out[b, k]`` for ``k < counts[b]``."""',
        f"    {TYPED} = points.dtype.type",
        "    height = tgt.shape[1]",
        "    width = tgt.shape[2]",
        "    _start = cuda.blockIdx.x * THREADS_PER_BLOCK + cuda.threadIdx.x",
        "    for pair in range(cuda.blockIdx.y, out.shape[0], cuda.gridDim.y):",
        "        img = tgt[pair]",
    ]
    ind = "        "
    lines += unpack_lines(packed, "h[pair, {}]", ind, TYPED, [*pir.warp_only.hoisted, *pir.extra_hoisted])
    lines += [
        f"{ind}_count = min(counts[pair], out.shape[1])",
        f"{ind}for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):",
        f"{ind}    i = starts[pair] + _k * steps[pair]",
        f"{ind}    out[pair, _k] = math.nan",
    ]
    lines += scalar_point_lines(pir, ind + "    ", accumulate=False)
    lines.append(f"{ind}    out[pair, _k] = res")
    return "\n".join(lines) + "\n"


def residual_sample_depth_kernel(pir: PhotometricIR, backend: Backend) -> str:
    """``_residual_sample_depth(h, points, depth, starts, steps, counts, out)``: the depth residuals' sample."""
    packed = packed_fused(pir, pir.warp_only)
    lines = [
        backend.kernel_decorator,
        "def _residual_sample_depth(h, points, depth, starts, steps, counts, out):",
        '    """Depth residual of point ``starts[b] + k * steps[b]`` into ``out[b, k]`` for ``k < counts[b]``."""',
        f"    {TYPED} = points.dtype.type",
        "    height = depth.shape[1]",
        "    width = depth.shape[2]",
        "    _start = cuda.blockIdx.x * THREADS_PER_BLOCK + cuda.threadIdx.x",
        "    for pair in range(cuda.blockIdx.y, out.shape[0], cuda.gridDim.y):",
        "        img = depth[pair]",
    ]
    ind = "        "
    lines += unpack_lines(packed, "h[pair, {}]", ind, TYPED, [*pir.warp_only.hoisted, *pir.extra_hoisted])
    lines += [
        f"{ind}_count = min(counts[pair], out.shape[1])",
        f"{ind}for _k in range(_start, _count, cuda.gridDim.x * THREADS_PER_BLOCK):",
        f"{ind}    i = starts[pair] + _k * steps[pair]",
        f"{ind}    out[pair, _k] = math.nan",
    ]
    lines += depth_residual_lines(pir, ind + "    ", "out[pair, _k]")
    return "\n".join(lines) + "\n"


def _signature(name: str, arguments: str) -> str:
    """``arguments`` of ``def name(...)``, on a line of their own where the ``def`` line would be too long."""
    return f"\n    {arguments}\n" if len(f"def {name}({arguments}):") > FORMAT_LIMIT else arguments


def _flat(r, c, n_params: int) -> str:
    """Column of Jacobian entry ``(r, c)`` in a row of staged entries (ints, or loop-variable names)."""
    if isinstance(r, int):
        return str(r * n_params + c)
    return f"{r} * {n_params} + {c}"


def staged_warp_kernel(ir, packed: list[sp.Symbol], backend: Backend) -> str:
    """``_<kind>(h, points, <outputs>)`` with coalesced stores: outputs staged in shared memory.

    A block takes ``THREADS_PER_BLOCK`` consecutive points at a time (one per thread), writes their
    outputs into shared rows, then copies them out as one contiguous chunk per array (thread ``j``
    stores element ``j``). Outputs over :data:`STAGE_BYTES` are stored directly.
    """
    n_out, n_params = len(ir.outputs), len(ir.model.params)
    width = n_out * n_params if ir.jacobian is not None else 0
    if 8 * THREADS * (n_out + width) > STAGE_BYTES:
        return warp_kernel(ir, packed, backend)
    arrays = WARP_SIGNATURES[ir.kind][1]
    lines = [backend.kernel_decorator, f"def _{ir.kind}(h, points, {arrays}):"]
    lines.append(f'    """Outputs of ``{ir.kind}`` for every point (float type of ``points``); NaN where invalid."""')
    lines += [
        f"    {TYPED} = points.dtype.type",
        f"    _s_uv = cuda.shared.array((THREADS_PER_BLOCK, {n_out}), dtype=float64)",
        *([f"    _s_jac = cuda.shared.array((THREADS_PER_BLOCK, {width}), dtype=float64)"] if width else []),
        "    _tid = cuda.threadIdx.x",
        "    _n = points.shape[0]",
    ]
    lines += unpack_lines(packed, "h[{}]", "    ", TYPED, ir.hoisted)
    lines += [
        "    for _first in range(cuda.blockIdx.x * THREADS_PER_BLOCK, _n, cuda.gridDim.x * THREADS_PER_BLOCK):",
        "        i = _first + _tid",
        "        if i < _n:",
    ]
    lines += warp_point_lines(
        ir, "            ", lambda k: f"_s_uv[_tid, {k}]", lambda r, c: f"_s_jac[_tid, {_flat(r, c, n_params)}]"
    )
    lines += [
        "        cuda.syncthreads()",
        "        _count = min(THREADS_PER_BLOCK, _n - _first)",
        f"        for _j in range(_tid, _count * {n_out}, THREADS_PER_BLOCK):",
        f"            _q = _j // {n_out}",
        f"            uv[_first + _q, _j - _q * {n_out}] = {TYPED}(_s_uv[_q, _j - _q * {n_out}])",
    ]
    if width:
        lines += [
            f"        for _j in range(_tid, _count * {width}, THREADS_PER_BLOCK):",
            f"            _q = _j // {width}",
            f"            _e = _j - _q * {width}",
            f"            _r = _e // {n_params}",
            f"            jac[_first + _q, _r, _e - _r * {n_params}] = {TYPED}(_s_jac[_q, _e])",
        ]
    lines.append("        cuda.syncthreads()")
    return "\n".join(lines) + "\n"


CUDA_BACKEND = CUDABackend(
    name="cuda",
    helper_modules=(
        ("numba", ("float64", "njit")),
        ("jacgen.backends.cuda_runtime", CUDA_RUNTIME_NAMES),
        *SHARED_HELPERS,
    ),
    module_constants=(),
    kernel_decorator="@cuda.jit(cache=True, fastmath=True)",
    device_decorator="@cuda.jit(device=True, inline=True)",
    extra_align_kernels=("residual_sample",),
    fused_depth=True,
    extra_depth_kernels=("residual_sample_depth",),
)
