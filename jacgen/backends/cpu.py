"""Numba CPU backend: ``@njit(parallel=True)``, ``prange`` over points or tiles, lane-vector bodies.

The fused kernels run each tile's points in groups of :func:`jacgen.lanes.lane_width` (one AVX
register of points) as lane vectors, with float64 lane accumulators summed in lane order at the
end of the tile (:func:`jacgen.lanes.lane_sum`): the order of every sum is fixed by the code, not
by LLVM, so a kernel gives the same bits compiled in this process or loaded from the cache. A
tile's last ``< lanes`` points are run by the launcher as a tile of their own, copied and padded
with NaN points, which are rejected as "behind" like any non-finite point and taken off that
count (:func:`jacgen.runtime.launches.fused_pair`).
"""

from __future__ import annotations

import sympy as sp

from .. import lanes, streaming
from ..codegen import TYPED, hoisted_comments, warp_kernel
from ..fused_codegen import DEPTH_SAMPLED_NAMES, SAMPLED_NAMES, accumulator_names, weighted_sums
from ..photometric import PhotometricIR
from ..printer import LINE_LIMIT, assign_lines, print_expr
from ..runtime import launches, losses
from .base import SHARED_HELPERS, Backend
from .cpu_stream import lane_ready, stream_kernel_function

FORMAT_LIMIT = 120
"""The formatter's line length (generated code is kept formatted)."""

DEPTH_SCALES = ["    scale = scales[0]", "    weight_depth = scales[2]"]
"""A photometric + depth kernel's reads of its row of scales (photometric scale, depth scale, depth weight):
the depth scale is in the depth weight, ``depth_weight * (scale / depth scale)**2``."""

FASTMATH = "{" + ", ".join(f'"{flag}"' for flag in lanes.FASTMATH_FLAGS) + "}"
"""LLVM fast-math flags of CPU kernels (no ``reassoc``, ``nnan``, ``ninf``: see :mod:`jacgen.lanes`)."""

WARP_LAUNCHER = '''
def {kind}({signature}):
    """Run ``_{kind}`` over all points into preallocated outputs (no validation: see jacgen.api).

    From ``STREAM_MIN_POINTS`` points on, outputs aligned to two items take ``_{kind}_stream``.
    """
    h = _hoist_{kind}({hoist_args})
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned({floating})
    (_{kind}_stream if stream else _{kind})(h, points, {arrays})
'''

FUSED_LAUNCHERS = '''
def {kind}(params, constants, points, iref, tgt, loss_id, loss_scale):
    """Accumulator vector of one pair (layout: ``DESCRIPTION["accumulators"]["{kind}"]``)."""
    h = _hoist_{kind}(params, constants)
    layout = DESCRIPTION["accumulators"]["{kind}"]
    return fused_pair(_{kind_upper}[loss_id], h, layout, points, iref, tgt, loss_scale)


def {kind}_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """``(B, {size})`` accumulators of B pairs in one call (zero rows where not ``active``).

    ``params`` / ``constants`` one row per pair, the pairs' points and intensities concatenated
    (pair ``b`` at ``offsets[b]:offsets[b + 1]``), ``tgt`` (B, H, W, 3), a robust scale per pair.
    """
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale)
    layout = DESCRIPTION["accumulators"]["{kind}"]
    return fused_batch(_{kind_upper}_BATCH, _hoist_{kind}, layout, *args)
'''

DEPTH_LAUNCHERS = '''
def {kind}(params, constants, points, iref, tgt, depth, loss_id, scales):
    """Accumulator vector of one pair, photometric and depth residuals (``DESCRIPTION["accumulators"]``).

    ``depth``: the target's (H, W, 3) stack ``(D, dD/du, dD/dv)``, NaN where a point drops its depth
    residual; ``scales``: the photometric robust scale, the depth residual's robust scale (metres)
    and the factor of the depth terms in ``H``, ``g`` and the cost.
    """
    h = _hoist_{kind}(params, constants)
    layout = DESCRIPTION["accumulators"]["{kind}"]
    return fused_pair_depth(_{kind_upper}[loss_id], h, layout, points, iref, tgt, depth, scales)


def {kind}_batch(params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales):
    """``(B, {size})`` accumulators of B pairs in one call (zero rows where not ``active``).

    As ``normal_equations_batch``, with ``depth`` (B, H, W, 3) and ``scales`` (B, 3): each pair's
    photometric scale, depth scale and depth weight.
    """
    args = (params, constants, points, iref, tgt, depth, offsets, active, loss_id, scales)
    layout = DESCRIPTION["accumulators"]["{kind}"]
    kernels = _{kind_upper}_BATCH
    return fused_batch_depth(kernels, _hoist_{kind}, layout, *args)
'''

DEPTH_RESIDUAL_LAUNCHER = '''
def residuals_depth(params, constants, points, depth, resid):
    """Per-point depth residual ``s_D (D_t - Z')`` into ``resid`` (NaN where none); warp ``params`` only."""
    _residuals_depth(_hoist_residuals_depth(params, constants), points, depth, resid)
'''

RESIDUAL_LAUNCHER = '''
def residuals(params, constants, points, iref, tgt, resid):
    """Per-point residual into ``resid`` (NaN where rejected); ``params`` include ``(a, b)``."""
    _residuals(_hoist_residuals(params, constants), points, iref, tgt, resid)
'''


class CPUBackend(Backend):
    """Numba CPU target."""

    def point_loop(self, count: str) -> list[str]:  # noqa: D102
        return [f"    for i in prange({count}):"]

    def sample_loop(self, count: str) -> list[str]:  # noqa: D102
        return [f"    for i in range({count}):"]

    def warp_kernels(self, ir, packed) -> list[str]:  # noqa: D102
        return [warp_kernel(ir, packed, self), stream_kernel_function(ir, packed)]

    def warp_launcher(self, kind: str, signature: str, arrays: str, hoist_args: str) -> str:  # noqa: D102
        floating = ", ".join(a for a in arrays.split(", ") if a != "valid")
        text = WARP_LAUNCHER.format(
            kind=kind, signature=signature, arrays=arrays, hoist_args=hoist_args, floating=floating
        )
        return text.strip("\n") + "\n"

    def fused_kernel(self, pir: PhotometricIR, packed: list[sp.Symbol]) -> str:  # noqa: D102
        if not lanes_ready(pir):
            raise ValueError(
                f"model {pir.model.name!r}: the fused CPU kernel needs per-point arithmetic only "
                "(+ - * /, integer powers, square roots, abs); move functions of the parameters into the motion"
            )
        names = accumulator_names(pir)
        hoisted = [*pir.warp.hoisted, *pir.extra_hoisted]
        images, scale = ("tgt, depth", "scales") if pir.depth else ("tgt", "scale")
        lines = [
            self.device_decorator,
            f"def _{pir.kind}(values, points, iref, {images}, tiles, tile, pair, loss_id, {scale}, partial):",
            '    """Normal equations of the points of tile ``tiles[tile]`` (of pair ``pair``) into ``partial[tile]``.',
            "",
            "    Lane ``l`` of each sum takes the points ``first + l``, ``first + l + lanes``, ...; the lanes",
            '    are added in order at the end (layout: ``DESCRIPTION["accumulators"]``). Whole lane vectors',
            "    only: the launcher passes a tile's last ``< lanes`` points again as a tile of their own, padded",
            "    with NaN points. Inlined into one kernel per loss, where ``loss_id`` is a constant, so the",
            "    loss's branches fold away.",
            '    """',
        ]
        lines += _unpack_tuple([str(s) for s in packed], "values")
        lines += [
            f"    {TYPED} = points.dtype.type",
            "    height = tgt.shape[1]",
            "    width = tgt.shape[2]",
            "    row = np.uint64(3 * width)",
            "    image = np.uint64(pair) * np.uint64(height) * row",
            "    points_flat = points.reshape(-1)",
            "    tgt_flat = tgt.reshape(-1)",
            *(["    depth_flat = depth.reshape(-1)"] if pir.depth else []),
            *(DEPTH_SCALES if pir.depth else []),
            "    lanes = lane_width(points_flat)",
            "    start = tiles[tile, 1]",
            "    end = tiles[tile, 2]",
            "    groups = (end - start) // lanes",
        ]
        lines += [f"    {name} = lane_zeros(points_flat)" for name in names]
        lines += ["    for group in range(groups):", "        first = start + group * lanes"]
        lines += _lane_body(pir, "        ")
        lines += [f"    partial[tile, {k}] = lane_sum({name})" for k, name in enumerate(names)]
        parts = [
            _values_function(pir.kind, packed, hoisted),
            "\n".join(lines) + "\n",
            self._loss_kernels(pir.kind, pir.depth),
        ]
        return "\n\n".join(parts)

    def _loss_kernels(self, kind: str, depth: bool = False) -> str:
        """The ``prange`` kernels: one pair and many pairs, one of each per loss (the body inlined).

        ``depth``: the kernels read the depth stack after ``tgt`` and a row of three scales per pair
        (photometric scale, depth scale, depth weight).
        """
        parts = []
        images = "tgt, depth" if depth else "tgt"
        for batch in (False, True):
            name = f"{kind}_batch" if batch else kind
            pair = "pair" if batch else "0"
            scale = f"loss_scale[{pair}]"  # depth: the row of three scales
            for loss_id, loss in enumerate(losses.LOSSES):
                what = "many pairs (each tile names its pair)" if batch else "one pair (row 0 of ``h`` and ``tgt``)"
                lines = [
                    self.kernel_decorator,
                    f"def _{name}_{loss}(h, points, iref, {images}, tiles, loss_scale, partial):",
                    f'    """``_{kind}`` of {what}, {loss} loss."""',
                ]
                call = f"_{kind}(values, points, iref, {images}, tiles, tile, {pair}, {loss_id}, {scale}, partial)"
                if batch:
                    lines += [
                        "    for tile in prange(tiles.shape[0]):",
                        "        pair = tiles[tile, 0]",
                        f"        values = _{kind}_values(h, pair, points)",
                        *_call_lines(call, "        "),
                    ]
                else:
                    lines += [
                        f"    values = _{kind}_values(h, 0, points)  # once, outside the parallel loop",
                        "    for tile in prange(tiles.shape[0]):",
                        *_call_lines(call, "        "),
                    ]
                parts.append("\n".join(lines) + "\n")
            table = "".join(f"    _{name}_{loss},\n" for loss in losses.LOSSES)
            parts.append(f"_{name.upper()} = (  # by loss id\n{table})\n")
        return "\n\n".join(parts)

    def fused_launchers(self, pir: PhotometricIR) -> str:  # noqa: D102
        size = len(accumulator_names(pir))
        template = DEPTH_LAUNCHERS if pir.depth else FUSED_LAUNCHERS
        text = template.format(kind=pir.kind, kind_upper=pir.kind.upper(), size=size).strip("\n") + "\n"
        return "\n".join(map(_wrapped_def, text.split("\n")))

    def residual_launcher(self) -> str:  # noqa: D102
        return RESIDUAL_LAUNCHER.strip("\n") + "\n"

    def depth_residual_launcher(self) -> str:  # noqa: D102
        return DEPTH_RESIDUAL_LAUNCHER.strip("\n") + "\n"


def _wrapped_def(line: str) -> str:
    """A ``def`` line too long for the formatter with its arguments on a line of their own."""
    if not line.startswith("def ") or len(line) <= FORMAT_LIMIT:
        return line
    head, rest = line.split("(", 1)
    return f"{head}(\n    {rest[:-2]}\n):"


def _call_lines(call: str, ind: str) -> list[str]:
    """``call`` at ``ind``, its arguments on a line of their own where too long (as the formatter wraps it)."""
    line = f"{ind}{call}"
    if len(line) <= FORMAT_LIMIT:
        return [line]
    head, rest = call.split("(", 1)
    return [f"{ind}{head}(", f"{ind}    {rest[:-1]}", f"{ind})"]


def _values_function(kind: str, packed, hoisted) -> str:
    """``_<kind>_values(h, pair, points)``: a pair's hoisted values in the points' float type.

    Each value's comment names it and gives its definition in the model's symbols (the other
    hoisted values are not variables of this function).
    """
    comments = hoisted_comments(hoisted, set())
    lines = [
        '@njit(inline="always")',
        f"def _{kind}_values(h, pair, points):",
        '    """The parameter-only values of pair ``pair`` (row of ``h``), in the float type of ``points``."""',
        f"    {TYPED} = points.dtype.type",
        "    return (",
    ]
    for k, symbol in enumerate(packed):
        entry = f"        {TYPED}(h[pair, {k}]),  # {symbol}"
        defined = f"{entry} = {comments[symbol]}" if comments.get(symbol) else entry
        lines.append(defined if len(defined) <= LINE_LIMIT else entry)
    lines.append("    )")
    return "\n".join(lines) + "\n"


def _unpack_tuple(names: list[str], source: str) -> list[str]:
    """``a, b, ... = source`` wrapped as the formatter wraps it."""
    line = f"    {', '.join(names)} = {source}"
    if len(line) <= 120:
        return [line]
    return ["    (", *(f"        {n}," for n in names), f"    ) = {source}"]


def lanes_ready(pir: PhotometricIR) -> bool:
    """Whether the fused body of ``pir`` runs on lane vectors (arithmetic only, see ``lane_ready``)."""
    if not lane_ready(pir.warp):
        return False
    depth = (pir.depth_residual, *pir.depth_rows, pir.depth_normaliser_at(pir.warp)) if pir.depth else ()
    for expr in (pir.residual, *pir.rows, *depth):
        for node in sp.preorder_traversal(sp.sympify(expr)):
            if isinstance(node, sp.Pow) and not (
                (node.exp.is_Integer and 1 <= abs(int(node.exp)) <= 4) or node.exp in (sp.S.Half, -sp.S.Half)
            ):
                return False
            if not isinstance(node, sp.Add | sp.Mul | sp.Pow | sp.Symbol | sp.Number):
                return False
    return True


def _lane_body(pir: PhotometricIR, ind: str) -> list[str]:
    """One lane vector of points (rows ``first ..`` of ``points``) into the lane accumulators.

    Masks instead of branches: a rejected point (behind the camera, non-finite, outside the
    target) samples pixel (0, 0) and gets zero weight, so nothing non-finite reaches the sums;
    ``acc_behind`` / ``acc_outside`` count the rejections.
    """
    m = pir.model
    dim = len(m.point)
    pr = lambda e: print_expr(e, typed=TYPED)  # noqa: E731
    lines = [f"{ind}{x} = lane_rows(points_flat, first, {dim}, {k})" for k, x in enumerate(m.point)]
    for s, e in pir.warp.per_point:
        lines += assign_lines(str(s), e, pr, ind)
    depth = f"({pr(pir.warp.valid)} > T(0.0)) & " if pir.warp.valid is not None else ""
    lines += [
        f"{ind}u = {pr(pir.warp.outputs[0])}",
        f"{ind}v = {pr(pir.warp.outputs[1])}",
        f"{ind}front = {depth}(abs(u) < T(math.inf)) & (abs(v) < T(math.inf))",
        f"{ind}inside = (u >= T(-0.5)) & (v >= T(-0.5)) & (u <= width - T(0.5)) & (v <= height - T(0.5))",
        f"{ind}ok = front & inside",
        f"{ind}acc_behind = acc_behind + lane_select(front, 0.0, 1.0)",
        f"{ind}acc_outside = acc_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)",
        f"{ind}uc = lane_select(ok, u, T(0.0))",
        f"{ind}uc = lane_select(uc > T(0.0), uc, T(0.0))",
        f"{ind}uc = lane_select(uc < T(width - 1), uc, T(width - 1))",
        f"{ind}vc = lane_select(ok, v, T(0.0))",
        f"{ind}vc = lane_select(vc > T(0.0), vc, T(0.0))",
        f"{ind}vc = lane_select(vc < T(height - 1), vc, T(height - 1))",
        f"{ind}x0 = math.floor(uc)",
        f"{ind}x0 = lane_select(x0 < T(width - 2), x0, T(width - 2))",
        f"{ind}y0 = math.floor(vc)",
        f"{ind}y0 = lane_select(y0 < T(height - 2), y0, T(height - 2))",
        f"{ind}ax = uc - x0",
        f"{ind}ay = vc - y0",
        f"{ind}w00 = (T(1.0) - ax) * (T(1.0) - ay)",
        f"{ind}w01 = ax * (T(1.0) - ay)",
        f"{ind}w10 = (T(1.0) - ax) * ay",
        f"{ind}w11 = ax * ay",
    ]
    for c, name in enumerate(SAMPLED_NAMES):
        lines += [
            f"{ind}corner = lane_corners(tgt_flat, image, row, x0, y0, {c})",
            f"{ind}{name} = w00 * corner[0] + w01 * corner[1]",
            f"{ind}{name} = {name} + (w10 * corner[2] + w11 * corner[3])",
        ]
    if pir.depth:
        for c, name in enumerate(DEPTH_SAMPLED_NAMES):
            lines += [
                f"{ind}corner = lane_corners(depth_flat, image, row, x0, y0, {c})",
                f"{ind}{name} = w00 * corner[0] + w01 * corner[1]",
                f"{ind}{name} = {name} + (w10 * corner[2] + w11 * corner[3])",
            ]
        finite = " & ".join(f"(abs({name}) < T(math.inf))" for name in DEPTH_SAMPLED_NAMES)
        lines.append(f"{ind}okd = ok & {finite}")
    lines.append(f"{ind}I_ref = lane_rows(iref, first, 1, 0)")
    return lines + weighted_sums(pir, pr, ind, lanes=True)


CPU_BACKEND = CPUBackend(
    name="cpu",
    helper_modules=(
        ("numba", ("njit", "prange")),
        ("jacgen.lanes", tuple(lanes.__all__)),
        ("jacgen.streaming", tuple(streaming.__all__)),
        ("jacgen.runtime.losses", tuple(losses.__all__)),
        ("jacgen.runtime.launches", tuple(launches.__all__)),
        *SHARED_HELPERS,
    ),
    module_constants=(f"FASTMATH = {FASTMATH}",),
    kernel_decorator='@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")',
    # serial: a sample of <= 4096 points gains nothing from threads, and a parallel loop costs a cold
    # first call ~0.9 s more to compile
    sample_decorator='@njit(cache=True, fastmath=FASTMATH, error_model="numpy")',
    device_decorator='@njit(cache=True, inline="always")',
    fused_depth=True,
)
