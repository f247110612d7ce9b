"""Numba CUDA backend: ``@cuda.jit``, threads over points, block reductions; hoisting on the host.

A fused kernel's blocks stride over tiles ``(pair, first, end)``; a block's threads stride over
the tile's points and keep float64 sums in registers, which the block adds through shared
memory (a tree, :data:`~jacgen.backends.cuda_runtime.REDUCE_WIDTH` sums at a time) before one
atomic add per sum into the pair's row. Rejected points are skipped (threads branch freely).
"""

from __future__ import annotations

from ..codegen import TYPED, unpack_lines, warp_kernel
from ..fused_codegen import accumulator_names, scalar_point_lines
from ..photometric import PhotometricIR
from ..printer import LINE_LIMIT
from .base import SHARED_HELPERS, Backend

REDUCE_WIDTH = 8
"""Sums a block reduces at once (``8 x THREADS_PER_BLOCK`` doubles of shared memory)."""

CUDA_RUNTIME_NAMES = ("THREADS_PER_BLOCK", "cuda", "fused_batch", "fused_pair", "launch_points", "robust")
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

    With ``out`` (a zeroed device array of {size}) the sums stay on the device.
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

RESIDUAL_LAUNCHER = '''
def residuals(params, constants, points, iref, tgt, resid, stream=0):
    """Per-point residual into ``resid`` (NaN where rejected); ``params`` include ``(a, b)``."""
    launch_points(_residuals, _hoist_residuals(params, constants), (points, iref, tgt, resid), stream)
'''


def block_sum_lines(values: list[str], ind: str) -> list[str]:
    """Add ``values`` over the block's threads (shared-memory tree), then atomically into ``out[pair]``."""
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
            f"{ind}    cuda.atomic.add(out, (pair, {start} + tid), shared[tid, 0])",
            f"{ind}cuda.syncthreads()",
        ]
    return lines


class CUDABackend(Backend):
    """Numba CUDA target."""

    def point_loop(self, count: str) -> list[str]:  # noqa: D102
        return [f"    for i in range(cuda.grid(1), {count}, cuda.gridsize(1)):"]

    def warp_kernels(self, ir, packed) -> list[str]:  # noqa: D102
        return [warp_kernel(ir, packed, self)]

    def warp_launcher(self, kind: str, signature: str, arrays: str, hoist_args: str) -> str:  # noqa: D102
        text = WARP_LAUNCHER.format(kind=kind, signature=signature, arrays=arrays, hoist_args=hoist_args)
        return text.strip("\n") + "\n"

    def fused_kernel(self, pir: PhotometricIR, packed) -> str:  # noqa: D102
        names = accumulator_names(pir)
        lines = [
            self.kernel_decorator,
            f"def _{pir.kind}(h, points, iref, tgt, tiles, loss_id, loss_scale, out):",
            '    """Normal equations of the tiles ``(pair, first, end)`` of points, added into ``out[pair]``."""',
            f"    shared = cuda.shared.array(({REDUCE_WIDTH}, THREADS_PER_BLOCK), dtype=float64)",
            "    tid = cuda.threadIdx.x",
            f"    {TYPED} = points.dtype.type",
            "    height = tgt.shape[1]",
            "    width = tgt.shape[2]",
            "    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):",
            "        pair = tiles[tile, 0]",
            "        img = tgt[pair]",
            "        scale = loss_scale[pair]",
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
        signature = "params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0"
        if len(f"def {pir.kind}_batch({signature}):") > LINE_LIMIT:
            signature = f"\n    {signature}\n"
        text = FUSED_LAUNCHERS.format(kind=pir.kind, size=size, batch_signature=signature)
        return text.strip("\n") + "\n"

    def residual_launcher(self) -> str:  # noqa: D102
        return RESIDUAL_LAUNCHER.strip("\n") + "\n"


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
)
