"""Render the fused photometric kernels of a model (``generated/<model>_align_<target>.py``).

One point's work is the same on both targets: warp and Jacobian (from the model's IR), a
bilinear sample of the stacked target ``(I, gx, gy)``, the residual, the Jacobian row, the robust
weight, and the upper triangle of ``H = J^T W J``, ``g = J^T W r``, the cost and the counts into
float64 scalar accumulators. The targets differ in how points are distributed (CPU: ``prange``
over chunks; CUDA: a grid-stride loop), how accumulators are combined (CPU: per-chunk partial
rows summed on the host; CUDA: a shared-memory block reduction and one atomic add per block) and
in the body's form: CUDA threads branch on the loss id and skip rejected points; CPU kernels are
emitted once per loss with a branch-free body so that LLVM vectorises the loop.
"""

from __future__ import annotations

import hashlib

import sympy as sp

from . import __version__, lanes
from .backends import Backend
from .codegen import FASTMATH_CPU, _hoist_function, _packed_symbols, _phi_helper, _py
from .derive import KernelIR
from .model import WarpModel
from .photometric import PhotometricIR, derive_photometric
from .printer import assign_lines, print_expr
from .special import phi_orders
from .stream_codegen import LANES, lane_ready

ROBUST_LOSSES = ("l2", "huber", "tukey", "cauchy")
"""Loss ids, in the order the kernels number them."""

CUDA_THREADS = 256
CUDA_REDUCE_WIDTH = 8


def accumulator_layout(n_params: int) -> dict[str, int]:
    """Offsets in the accumulator vector: H upper triangle (row-major), g, cost and counts."""
    n_h = n_params * (n_params + 1) // 2
    return {
        "H": 0,
        "g": n_h,
        "cost": n_h + n_params,
        "n_used": n_h + n_params + 1,
        "n_behind": n_h + n_params + 2,
        "n_outside": n_h + n_params + 3,
        "size": n_h + n_params + 4,
    }


ROBUST_SPECIALISED = {
    "l2": "return 1.0, 0.5 * r * r",
    "huber": "a = abs(r)\n    return k / max(a, k), 0.5 * r * r if a <= k else k * (a - 0.5 * k)",
    "tukey": "u = max(1.0 - (r / k) * (r / k), 0.0)\n    return u * u, k * k / 6.0 * (1.0 - u * u * u)",
    "cauchy": "z = (r / k) * (r / k)\n    return 1.0 / (1.0 + z), 0.5 * k * k * math.log1p(z)",
}
"""Per-loss bodies of ``_robust_<loss>(r, k)`` (IRLS weight, rho). CPU kernels call one of them
(a kernel per loss, so the loop has no loss branch and LLVM vectorises it); CUDA kernels call
``_robust(r, loss_id, k)``, which dispatches to them."""


ROBUST_LANES = {
    "l2": "return 1.0, 0.5 * r * r",  # a scalar weight: the kernel's lane_select(ok, wt, 0.0) widens it
    "huber": "a = abs(r)\n    return k / lane_select(a > k, a, k), lane_select(a <= k, 0.5 * r * r, k * (a - 0.5 * k))",
    "tukey": "u = 1.0 - (r / k) * (r / k)\n    u = lane_select(u > 0.0, u, 0.0)\n"
    "    return u * u, k * k / 6.0 * (1.0 - u * u * u)",
    "cauchy": "z = (r / k) * (r / k)\n    return 1.0 / (1.0 + z), 0.5 * k * k * lane_log1p(z)",
}
"""``ROBUST_SPECIALISED`` on float64 lane vectors ``r`` (``_robust_<loss>_lanes(r, k)``)."""


def _robust_helpers(decorator: str, dispatch: bool) -> str:
    """``_robust_<loss>`` device functions, plus the ``loss_id`` dispatcher ``_robust`` if asked."""
    doc = '    """IRLS weight and rho(r) of the {} loss, scale k."""'
    parts = [
        f"{decorator}\ndef _robust_{loss}(r, k):\n{doc.format(loss)}\n    {body}\n"
        for loss, body in ROBUST_SPECIALISED.items()
    ]
    if dispatch:
        lines = [
            decorator,
            "def _robust(r, loss_id, k):",
            f'    """IRLS weight and rho(r) of loss ``LOSSES[loss_id]`` {ROBUST_LOSSES}, scale k."""',
        ]
        for k, loss in enumerate(ROBUST_LOSSES[:-1]):
            lines += [f"    if loss_id == {k}:", f"        return _robust_{loss}(r, k)"]
        lines.append(f"    return _robust_{ROBUST_LOSSES[-1]}(r, k)")
        parts.append("\n".join(lines) + "\n")
    else:
        doc = '    """IRLS weight and rho(r) of the {} loss, scale k, on float64 lane vectors."""'
        parts += [
            f"{decorator}\ndef _robust_{loss}_lanes(r, k):\n{doc.format(loss)}\n    {body}\n"
            for loss, body in ROBUST_LANES.items()
        ]
    return "\n\n".join(parts)


def _hoist_with_brightness(ir: PhotometricIR, warp: KernelIR, packed: list[sp.Symbol], name: str) -> str:
    """Hoist function: the warp's hoisted terms plus ``exp(a)``-type brightness terms."""
    text = _hoist_function(warp, [s for s in packed if s not in {q for q, _ in ir.extra_hoisted}])
    text = text.replace(f"def _hoist_{warp.kind}(", f"def _hoist_{name}(")
    if not ir.extra_hoisted:
        return text
    n_warp = len(ir.model.params)
    head, tail = text.split("    out = np.empty(", 1)
    lines = [f"    a = params[{n_warp}]", f"    b = params[{n_warp + 1}]"]
    lines += [f"    {s} = {print_expr(e)}" for s, e in ir.extra_hoisted]
    tail_lines = ("    out = np.empty(" + tail).splitlines()
    tail_lines[0] = f"    out = np.empty({len(packed)})"
    offset = len(packed) - len(ir.extra_hoisted)
    tail_lines[-1:-1] = [f"    out[{offset + k}] = {s}" for k, (s, _) in enumerate(ir.extra_hoisted)]
    return head + "\n".join(lines) + "\n" + "\n".join(tail_lines) + "\n"


def _point_body(ir: PhotometricIR, cast: str, phi_prefix: str, ind: str, accumulate: bool) -> list[str]:
    """Statements for point ``i``; ``continue`` skips a rejected point."""
    m = ir.model
    w = ir.warp if accumulate else ir.warp_only
    pr = lambda e: print_expr(e, typed=cast, phi_prefix=phi_prefix)  # noqa: E731
    lines = [f"{ind}{x} = points[i, {k}]" for k, x in enumerate(m.point)]
    for s, e in w.per_point:
        lines += assign_lines(str(s), e, pr, ind)
    depth = f"{pr(w.valid)} > {cast}(0.0) and " if w.valid is not None else ""
    lines += [
        f"{ind}u = {pr(w.outputs[0])}",
        f"{ind}v = {pr(w.outputs[1])}",
        f"{ind}if not ({depth}math.isfinite(u) and math.isfinite(v)):",
        f"{ind}    n_behind += 1",
        f"{ind}    continue",
        # inside = within the footprint of a pixel (centres at integers); the half-pixel border
        # band samples the border pixels, so a point exactly on a centre is never on the edge
        f"{ind}if not (u >= {cast}(-0.5) and v >= {cast}(-0.5)"
        f" and u <= width - {cast}(0.5) and v <= height - {cast}(0.5)):",
        f"{ind}    n_outside += 1",
        f"{ind}    continue",
        f"{ind}uc = min(max(u, {cast}(0.0)), {cast}(width - 1))",
        f"{ind}vc = min(max(v, {cast}(0.0)), {cast}(height - 1))",
        f"{ind}x0 = min(int(uc), width - 2)",
        f"{ind}y0 = min(int(vc), height - 2)",
        f"{ind}ax = uc - {cast}(x0)",
        f"{ind}ay = vc - {cast}(y0)",
        f"{ind}w00 = ({cast}(1.0) - ax) * ({cast}(1.0) - ay)",
        f"{ind}w01 = ax * ({cast}(1.0) - ay)",
        f"{ind}w10 = ({cast}(1.0) - ax) * ay",
        f"{ind}w11 = ax * ay",
    ]
    for c, name in enumerate(("I_t", "g_x", "g_y") if accumulate else ("I_t",)):
        lines += [
            f"{ind}{name} = w00 * tgt[y0, x0, {c}] + w01 * tgt[y0, x0 + 1, {c}]",
            f"{ind}{name} += w10 * tgt[y0 + 1, x0, {c}] + w11 * tgt[y0 + 1, x0 + 1, {c}]",
        ]
    lines.append(f"{ind}I_ref = iref[i]")
    lines.append(f"{ind}res = {pr(ir.residual)}")
    if not accumulate:
        return lines
    for k, e in enumerate(ir.rows):
        lines += assign_lines(f"j{k}", e, pr, ind)
    lines.append(f"{ind}wt, rho = _robust(_F64(res), loss_id, loss_scale)")
    lines += [f"{ind}wj{k} = wt * _F64(j{k})" for k in range(ir.n_params)]
    lines += [f"{ind}acc{k} += {e}" for k, e in enumerate(_accumulator_exprs(ir.n_params))]
    return lines


def _branch_free_body(
    ir: PhotometricIR, cast: str, ind: str, loss: str, image_base: str = "", scale: str = "loss_scale"
) -> list[str]:
    """Point ``i`` with no control flow (CPU): a rejected point gets weight 0 and is counted.

    Arrays are read through flat views with unsigned indices and compile-time strides (no negative
    index fix-ups), and the loss is fixed, so LLVM can vectorise the loop. Rejected points sample
    pixel (0, 0) and have their residual and Jacobian row zeroed, so nothing non-finite reaches
    the accumulators.
    """
    m = ir.model
    pr = lambda e: print_expr(e, typed=cast, phi_prefix="_phi")  # noqa: E731
    lines = [f"{ind}iu = np.uint64(i)"]
    lines += [f"{ind}{x} = points_flat[iu * np.uint64(3) + np.uint64({k})]" for k, x in enumerate(m.point)]
    for s, e in ir.warp.per_point:
        lines += assign_lines(str(s), e, pr, ind)
    depth = f"({pr(ir.warp.valid)} > {cast}(0.0)) & " if ir.warp.valid is not None else ""
    lines += [
        f"{ind}u = {pr(ir.warp.outputs[0])}",
        f"{ind}v = {pr(ir.warp.outputs[1])}",
        f"{ind}front = {depth}math.isfinite(u) & math.isfinite(v)",
        f"{ind}inside = (u >= {cast}(-0.5)) & (v >= {cast}(-0.5))"
        f" & (u <= width - {cast}(0.5)) & (v <= height - {cast}(0.5))",
        f"{ind}ok = front & inside",
        f"{ind}n_behind += 0 if front else 1",
        f"{ind}n_outside += 1 if front and not inside else 0",
        f"{ind}uc = min(max(u if ok else {cast}(0.0), {cast}(0.0)), {cast}(width - 1))",
        f"{ind}vc = min(max(v if ok else {cast}(0.0), {cast}(0.0)), {cast}(height - 1))",
        f"{ind}x0 = min(np.int32(uc), np.int32(width - 2))",
        f"{ind}y0 = min(np.int32(vc), np.int32(height - 2))",
        f"{ind}base = {image_base}np.uint64(y0) * row + np.uint64(x0) * np.uint64(3)",
        f"{ind}ax = uc - {cast}(x0)",
        f"{ind}ay = vc - {cast}(y0)",
        f"{ind}w00 = ({cast}(1.0) - ax) * ({cast}(1.0) - ay)",
        f"{ind}w01 = ax * ({cast}(1.0) - ay)",
        f"{ind}w10 = ({cast}(1.0) - ax) * ay",
        f"{ind}w11 = ax * ay",
    ]
    for c, name in enumerate(("I_t", "g_x", "g_y")):
        lines += [
            f"{ind}{name} = w00 * tgt_flat[base + np.uint64({c})] + w01 * tgt_flat[base + np.uint64({c + 3})]",
            f"{ind}{name} += w10 * tgt_flat[base + row + np.uint64({c})]"
            f" + w11 * tgt_flat[base + row + np.uint64({c + 3})]",
        ]
    lines.append(f"{ind}I_ref = iref[iu]")
    return lines + _weighted_sums(ir, pr, ind, loss, scale, lanes=False)


def _weighted_sums(ir: PhotometricIR, pr, ind: str, loss: str, scale: str, lanes: bool) -> list[str]:
    """From the sampled values to the accumulators: residual, Jacobian row, robust weight, sums.

    Rejected points (``ok`` false) get a zero residual, row and weight (float64 selects), so
    nothing non-finite reaches the sums; ``lanes``: on lane vectors, into ``lacc<k>``.
    """
    widen, zero = ("lane_f64({})", "lane_select(ok, {}, 0.0)") if lanes else ("_F64({})", "{} if ok else 0.0")
    lines = [f"{ind}res = {pr(ir.residual)}", f"{ind}r64 = {zero.format(widen.format('res'))}"]
    for k, e in enumerate(ir.rows):
        lines += assign_lines(f"j{k}", e, pr, ind)
        lines.append(f"{ind}j{k}_64 = {zero.format(widen.format(f'j{k}'))}")
    lines.append(f"{ind}wt, rho = _robust_{loss}{'_lanes' if lanes else ''}(r64, {scale})")
    lines.append(f"{ind}wt = {zero.format('wt')}")
    lines += [f"{ind}wj{k} = wt * j{k}_64" for k in range(ir.n_params)]
    count = "lane_select(ok, 1.0, 0.0)" if lanes else "1.0 if ok else 0.0"
    exprs = _accumulator_exprs(ir.n_params, row="j{}_64", residual="r64", count=count)
    if lanes:
        return lines + [f"{ind}lacc{k} = lacc{k} + {e}" for k, e in enumerate(exprs)]
    return lines + [f"{ind}acc{k} += {e}" for k, e in enumerate(exprs)]


def _accumulator_exprs(n: int, row: str = "_F64(j{})", residual: str = "_F64(res)", count: str = "1.0") -> list[str]:
    """Float64 quantities summed over used points: H upper triangle, g, cost, count.

    ``row`` formats the float64 Jacobian entry ``k``, ``residual`` the float64 residual.
    """
    exprs = [f"wj{a} * {row.format(b)}" for a in range(n) for b in range(a, n)]
    exprs += [f"wj{a} * {residual}" for a in range(n)]
    return exprs + ["rho", count]


def _lane_body(ir: PhotometricIR, dtype: str, ind: str, loss: str, image: str, scale: str) -> list[str]:
    """:func:`_branch_free_body` on ``LANES[dtype]`` points from ``iu`` on, into lane accumulators.

    The statements are the scalar body's on lane vectors: the same arithmetic, masks instead of
    boolean scalars, :func:`jacgen.lanes.lane_corners` for the bilinear sample and float64 lane
    accumulators ``lacc<k>``, so lane ``l`` sums the points ``l, l + lanes, ...`` of the chunk.
    """
    m = ir.model
    lanes = LANES[dtype]
    cast = f"_{dtype.upper()}"
    pr = lambda e: print_expr(e, typed=cast, phi_prefix="_phi")  # noqa: E731
    lines = [f"{ind}{x} = lane_load(points_flat, iu, {lanes}, 3, {k})" for k, x in enumerate(m.point)]
    for s, e in ir.warp.per_point:
        lines += assign_lines(str(s), e, pr, ind)
    depth = f"({pr(ir.warp.valid)} > {cast}(0.0)) & " if ir.warp.valid is not None else ""
    lines += [
        f"{ind}u = {pr(ir.warp.outputs[0])}",
        f"{ind}v = {pr(ir.warp.outputs[1])}",
        f"{ind}front = {depth}(abs(u) < {cast}(math.inf)) & (abs(v) < {cast}(math.inf))",
        f"{ind}inside = (u >= {cast}(-0.5)) & (v >= {cast}(-0.5))"
        f" & (u <= width - {cast}(0.5)) & (v <= height - {cast}(0.5))",
        f"{ind}ok = front & inside",
        f"{ind}lane_behind = lane_behind + lane_select(front, 0.0, 1.0)",
        f"{ind}lane_outside = lane_outside + lane_select(front, lane_select(inside, 0.0, 1.0), 0.0)",
        f"{ind}uc = lane_select(ok, u, {cast}(0.0))",
        f"{ind}uc = lane_select(uc > {cast}(0.0), uc, {cast}(0.0))",
        f"{ind}uc = lane_select(uc < {cast}(width - 1), uc, {cast}(width - 1))",
        f"{ind}vc = lane_select(ok, v, {cast}(0.0))",
        f"{ind}vc = lane_select(vc > {cast}(0.0), vc, {cast}(0.0))",
        f"{ind}vc = lane_select(vc < {cast}(height - 1), vc, {cast}(height - 1))",
        f"{ind}x0 = math.floor(uc)",
        f"{ind}x0 = lane_select(x0 < {cast}(width - 2), x0, {cast}(width - 2))",
        f"{ind}y0 = math.floor(vc)",
        f"{ind}y0 = lane_select(y0 < {cast}(height - 2), y0, {cast}(height - 2))",
        f"{ind}ax = uc - x0",
        f"{ind}ay = vc - y0",
        f"{ind}w00 = ({cast}(1.0) - ax) * ({cast}(1.0) - ay)",
        f"{ind}w01 = ax * ({cast}(1.0) - ay)",
        f"{ind}w10 = ({cast}(1.0) - ax) * ay",
        f"{ind}w11 = ax * ay",
    ]
    for c, name in enumerate(("I_t", "g_x", "g_y")):
        lines += [
            f"{ind}corner = lane_corners(tgt_flat, {image}, row, x0, y0, {c})",
            f"{ind}{name} = w00 * corner[0] + w01 * corner[1]",
            f"{ind}{name} = {name} + (w10 * corner[2] + w11 * corner[3])",
        ]
    lines.append(f"{ind}I_ref = lane_load(iref, iu, {lanes}, 1, 0)")
    return lines + _weighted_sums(ir, pr, ind, loss, scale, lanes=True)


def lanes_ready(ir: PhotometricIR) -> bool:
    """Whether the fused body of ``ir`` runs on lane vectors (arithmetic only, see ``lane_ready``)."""
    if not lane_ready(ir.warp):
        return False
    for expr in (ir.residual, *ir.rows):
        for node in sp.preorder_traversal(sp.sympify(expr)):
            if isinstance(node, sp.Pow) and not (node.exp.is_Integer and 1 <= abs(int(node.exp)) <= 4):
                return False
            if not isinstance(node, sp.Add | sp.Mul | sp.Pow | sp.Symbol | sp.Number):
                return False
    return True


def _chunk_lines(ir: PhotometricIR, dtype: str, loss: str, first: str, end: str, out: str, **where) -> list[str]:
    """Accumulate the points ``first .. end - 1`` and write the sums to ``out[k]``.

    Every sum is in a fixed order: lane ``l`` of the lane loop takes points ``first + l``,
    ``first + l + lanes``, ...; the lanes are added in order (:func:`jacgen.lanes.lane_sum`), then
    the last ``< lanes`` points one by one. No fast-math flag lets LLVM reorder it, so the sums do
    not depend on how a kernel was optimised (compiled in this process or loaded from the cache).
    """
    cast = f"_{dtype.upper()}"
    n_acc = accumulator_layout(ir.n_params)["size"]
    ind = "        "
    lines: list[str] = []
    if lanes_ready(ir):
        lanes = LANES[dtype]
        lines += [f"{ind}lanes_end = {end} - ({end} - {first}) % {lanes}"]
        lines += [f"{ind}lacc{k} = lane_fill(0.0, {lanes})" for k in range(n_acc - 2)]
        lines += [f"{ind}lane_behind = lane_fill(0.0, {lanes})", f"{ind}lane_outside = lane_fill(0.0, {lanes})"]
        lines += [f"{ind}for start in range({first}, lanes_end, {lanes}):", f"{ind}    iu = np.uint64(start)"]
        lines += _lane_body(ir, dtype, ind + "    ", loss, **where)
        lines += [f"{ind}acc{k} = lane_sum(lacc{k})" for k in range(n_acc - 2)]
        lines += [f"{ind}n_behind = lane_sum(lane_behind)", f"{ind}n_outside = lane_sum(lane_outside)"]
        first = "lanes_end"
    else:
        lines += [f"{ind}acc{k} = 0.0" for k in range(n_acc - 2)]
        lines += [f"{ind}n_behind = 0.0", f"{ind}n_outside = 0.0"]
    lines += [f"{ind}for i in range({first}, {end}):"]
    image_base = "" if where["image"] == "np.uint64(0)" else f"{where['image']} + "
    lines += _branch_free_body(ir, cast, ind + "    ", loss, image_base=image_base, scale=where["scale"])
    lines += [f"{ind}{out.format(k)} = acc{k}" for k in range(n_acc - 2)]
    lines += [f"{ind}{out.format(n_acc - 2)} = n_behind", f"{ind}{out.format(n_acc - 1)} = n_outside"]
    return lines


def _cpu_kernel(ir: PhotometricIR, packed, dtype: str, backend: Backend, loss: str) -> str:
    """One pair, one loss: ``prange`` over chunks of points, per-chunk partial rows (see :func:`_chunk_lines`)."""
    cast = f"_{dtype.upper()}"
    lines = [
        backend.kernel_decorator,
        f"def _{ir.kind}_{loss}_{dtype}(h, points, iref, tgt, loss_scale, partial):",
    ]
    lines += [f"    {s} = {cast}(h[{k}])" for k, s in enumerate(packed)]
    lines += [
        "    n = points.shape[0]",
        "    height = tgt.shape[0]",
        "    width = tgt.shape[1]",
        "    row = np.uint64(3 * width)",
        "    points_flat = points.reshape(-1)",
        "    tgt_flat = tgt.reshape(-1)",
        "    n_chunks = partial.shape[0]",
        "    for chunk in prange(n_chunks):",
        "        chunk_first = chunk * n // n_chunks",
        "        chunk_end = (chunk + 1) * n // n_chunks",
    ]
    lines += _chunk_lines(
        ir, dtype, loss, "chunk_first", "chunk_end", "partial[chunk, {}]", image="np.uint64(0)", scale="loss_scale"
    )
    return "\n".join(lines) + "\n"


def _cuda_kernel(ir: PhotometricIR, packed, dtype: str, backend: Backend) -> str:
    cast = f"_{dtype.upper()}"
    n_acc = accumulator_layout(ir.n_params)["size"]
    lines = [
        backend.kernel_decorator,
        f"def _{ir.kind}_{dtype}(h, points, iref, tgt, loss_id, loss_scale, out):",
        f"    shared = cuda.shared.array(({CUDA_REDUCE_WIDTH}, THREADS_PER_BLOCK), dtype=float64)",
        "    tid = cuda.threadIdx.x",
    ]
    lines += [f"    {s} = {cast}(h[{k}])" for k, s in enumerate(packed)]
    lines += [
        "    n = points.shape[0]",
        "    height = tgt.shape[0]",
        "    width = tgt.shape[1]",
    ]
    lines += [f"    acc{k} = 0.0" for k in range(n_acc - 2)]
    lines += ["    n_behind = 0", "    n_outside = 0"]
    lines += ["    for i in range(cuda.grid(1), n, cuda.gridsize(1)):"]
    lines += _point_body(ir, cast, "_phi_dev", "        ", accumulate=True)
    values = [f"acc{k}" for k in range(n_acc - 2)] + ["_F64(n_behind)", "_F64(n_outside)"]
    lines += _cuda_reduce(values, "    ", pair=False)
    return "\n".join(lines) + "\n"


def _batch_body(ir: PhotometricIR, cast: str, phi_prefix: str, ind: str) -> list[str]:
    """The per-point body reading pair ``pair``'s target image ``img`` and robust scale ``scale``."""
    body = _point_body(ir, cast, phi_prefix, ind, accumulate=True)
    return [line.replace("tgt[", "img[").replace("loss_scale", "scale") for line in body]


def _cpu_batch_kernel(ir: PhotometricIR, packed, dtype: str, backend: Backend, loss: str) -> str:
    """Many pairs, one loss: ``prange`` over tiles ``(pair, start, stop)`` of the concatenated points."""
    cast = f"_{dtype.upper()}"
    lines = [
        backend.kernel_decorator,
        f"def _{ir.kind}_batch_{loss}_{dtype}(h, points, iref, tgt, tiles, loss_scale, partial):",
        "    height = tgt.shape[1]",
        "    width = tgt.shape[2]",
        "    row = np.uint64(3 * width)",
        "    points_flat = points.reshape(-1)",
        "    tgt_flat = tgt.reshape(-1)",
        "    for tile in prange(tiles.shape[0]):",
        "        pair = tiles[tile, 0]",
        "        image = np.uint64(pair) * np.uint64(height) * row",
        "        scale = loss_scale[pair]",
    ]
    lines += [f"        {s} = {cast}(h[pair, {k}])" for k, s in enumerate(packed)]
    lines += _chunk_lines(
        ir, dtype, loss, "tiles[tile, 1]", "tiles[tile, 2]", "partial[tile, {}]", image="image", scale="scale"
    )
    return "\n".join(lines) + "\n"


def _cuda_reduce(values: list[str], ind: str, pair: bool) -> list[str]:
    """Block tree reduction of ``values`` through shared memory, then one atomic add per value."""
    index = "(pair, {})" if pair else "{}"
    lines: list[str] = []
    for start in range(0, len(values), CUDA_REDUCE_WIDTH):
        group = values[start : start + CUDA_REDUCE_WIDTH]
        lines += [f"{ind}shared[{k}, tid] = {v}" for k, v in enumerate(group)]
        lines += [
            f"{ind}cuda.syncthreads()",
            f"{ind}step = THREADS_PER_BLOCK // 2",
            f"{ind}while step > 0:",
            f"{ind}    if tid < step:",
            f"{ind}        for k in range({len(group)}):",
            f"{ind}            shared[k, tid] += shared[k, tid + step]",
            f"{ind}    cuda.syncthreads()",
            f"{ind}    step //= 2",
            f"{ind}if tid < {len(group)}:",
            f"{ind}    cuda.atomic.add(out, {index.format(f'{start} + tid')}, shared[tid, 0])",
            f"{ind}cuda.syncthreads()",
        ]
    return lines


def _cuda_batch_kernel(ir: PhotometricIR, packed, dtype: str, backend: Backend) -> str:
    """Many pairs in one launch: blocks stride over tiles ``(pair, start, stop)``, threads over a tile's points."""
    cast = f"_{dtype.upper()}"
    n_acc = accumulator_layout(ir.n_params)["size"]
    lines = [
        backend.kernel_decorator,
        f"def _{ir.kind}_batch_{dtype}(h, points, iref, tgt, tiles, loss_id, loss_scale, out):",
        f"    shared = cuda.shared.array(({CUDA_REDUCE_WIDTH}, THREADS_PER_BLOCK), dtype=float64)",
        "    tid = cuda.threadIdx.x",
        "    height = tgt.shape[1]",
        "    width = tgt.shape[2]",
        "    for tile in range(cuda.blockIdx.x, tiles.shape[0], cuda.gridDim.x):",
        "        pair = tiles[tile, 0]",
        "        img = tgt[pair]",
        "        scale = loss_scale[pair]",
    ]
    ind = "        "
    lines += [f"{ind}{s} = {cast}(h[pair, {k}])" for k, s in enumerate(packed)]
    lines += [f"{ind}acc{k} = 0.0" for k in range(n_acc - 2)]
    lines += [f"{ind}n_behind = 0", f"{ind}n_outside = 0"]
    lines += [f"{ind}for i in range(tiles[tile, 1] + tid, tiles[tile, 2], THREADS_PER_BLOCK):"]
    lines += _batch_body(ir, cast, "_phi_dev", ind + "    ")
    values = [f"acc{k}" for k in range(n_acc - 2)] + ["_F64(n_behind)", "_F64(n_outside)"]
    lines += _cuda_reduce(values, ind, pair=True)
    return "\n".join(lines) + "\n"


def _residual_kernel(ir: PhotometricIR, packed, dtype: str, backend: Backend) -> str:
    cast = f"_{dtype.upper()}"
    phi_prefix = "_phi" if backend.name == "cpu" else "_phi_dev"
    if backend.name == "cpu":
        decorator, loop = backend.kernel_decorator, "    for i in prange(points.shape[0]):"
    else:
        decorator, loop = (
            backend.kernel_decorator,
            "    for i in range(cuda.grid(1), points.shape[0], cuda.gridsize(1)):",
        )
    lines = [decorator, f"def _residuals_{dtype}(h, points, iref, tgt, resid):"]
    lines += [f"    {s} = {cast}(h[{k}])" for k, s in enumerate(packed)]
    lines += ["    height = tgt.shape[0]", "    width = tgt.shape[1]", loop]
    lines += ["        resid[i] = math.nan"]
    body = _point_body(ir, cast, phi_prefix, "        ", accumulate=False)
    # the residual kernel only flags rejected points (NaN); it keeps no counts
    body = [line for line in body if "n_behind += 1" not in line and "n_outside += 1" not in line]
    lines += body + ["        resid[i] = res"]
    return "\n".join(lines) + "\n"


CPU_LAUNCHERS = '''
CHUNK = 4096


def _chunks(n):
    """Chunks of a single pair's points: a function of ``n`` alone, so sums do not depend on the thread count."""
    return n // CHUNK + 1


def _single(kernels, size, h, points, iref, tgt, loss_id, loss_scale):
    points, iref, tgt = (np.ascontiguousarray(a) for a in (points, iref, tgt))
    partial = np.empty((_chunks(points.shape[0]), size))
    kernels[loss_id][0 if points.dtype == np.float32 else 1](h, points, iref, tgt, loss_scale, partial)
    return partial.sum(axis=0)


def normal_equations(params, constants, points, iref, tgt, loss_id, loss_scale):
    """Accumulator vector (see ACCUMULATORS_6) of the photometric normal equations, no brightness."""
    h = _hoist_normal_equations(params, constants)
    size = ACCUMULATORS_6["size"]
    return _single(_NORMAL_EQUATIONS, size, h, points, iref, tgt, loss_id, loss_scale)


def normal_equations_brightness(params, constants, points, iref, tgt, loss_id, loss_scale):
    """Accumulator vector (see ACCUMULATORS_8) with the gain/bias pair ``(a, b)`` as params 7-8."""
    h = _hoist_normal_equations_brightness(params, constants)
    size = ACCUMULATORS_8["size"]
    return _single(_NORMAL_EQUATIONS_BRIGHTNESS, size, h, points, iref, tgt, loss_id, loss_scale)


def residuals(params, constants, points, iref, tgt, resid):
    """Per-point residual into ``resid`` (NaN where rejected); params include ``(a, b)``."""
    h = _hoist_residuals(params, constants)
    if points.dtype == np.float32:
        _residuals_f32(h, points, iref, tgt, resid)
    else:
        _residuals_f64(h, points, iref, tgt, resid)


BATCH_TILE = 4096


def _tiles(offsets, active):
    """Rows ``(pair, start, stop)`` covering the points of every active pair, grouped by pair."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sizes = np.diff(offsets)
    counts = np.where(np.asarray(active, dtype=bool), (sizes + BATCH_TILE - 1) // BATCH_TILE, 0)
    pair = np.repeat(np.arange(sizes.size), counts)
    k = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    start = offsets[pair] + k * BATCH_TILE
    return np.column_stack([pair, start, np.minimum(start + BATCH_TILE, offsets[pair + 1])])


def _hoist_batch(hoist, params, constants, active):
    rows = [hoist(p, c) if a else None for p, c, a in zip(params, constants, active, strict=True)]
    width = next((r.size for r in rows if r is not None), 1)
    return np.stack([np.zeros(width) if r is None else r for r in rows])


def _batch(hoist, kernels, size, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    h = _hoist_batch(hoist, params, constants, active)
    tiles = _tiles(offsets, active)
    partial = np.empty((tiles.shape[0], size))
    scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
    points, iref, tgt = (np.ascontiguousarray(a) for a in (points, iref, tgt))
    kernels[loss_id][0 if points.dtype == np.float32 else 1](h, points, iref, tgt, tiles, scale, partial)
    out = np.zeros((h.shape[0], size))
    if tiles.shape[0]:
        first = np.flatnonzero(np.r_[True, tiles[1:, 0] != tiles[:-1, 0]])
        out[tiles[first, 0]] = np.add.reduceat(partial, first, axis=0)
    return out


def normal_equations_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """(B, ACCUMULATORS_6["size"]) accumulators of B pairs in one call (zero rows where not ``active``).

    ``params`` (B, 6) and ``constants`` (B, C) per pair, the pairs' points and intensities
    concatenated with pair ``b`` at ``offsets[b]:offsets[b + 1]``, ``tgt`` (B, H, W, 3) and a robust
    scale per pair.
    """
    size = ACCUMULATORS_6["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale)
    return _batch(_hoist_normal_equations, _NORMAL_EQUATIONS_BATCH, size, *args)


def normal_equations_brightness_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale):
    """:func:`normal_equations_batch` with the gain/bias pair: (B, ACCUMULATORS_8["size"]), params (B, 8)."""
    size = ACCUMULATORS_8["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale)
    return _batch(_hoist_normal_equations_brightness, _NORMAL_EQUATIONS_BRIGHTNESS_BATCH, size, *args)
'''

CUDA_LAUNCHERS = '''
def _grid(n):
    return max(1, min((n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK, MAX_BLOCKS))


def _launch(kernel32, kernel64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream):
    acc = cuda.to_device(np.zeros(size), stream=stream) if out is None else out
    kernel = kernel32 if points.dtype == np.float32 else kernel64
    kernel[_grid(points.shape[0]), THREADS_PER_BLOCK, stream](h, points, iref, tgt, loss_id, loss_scale, acc)
    return acc.copy_to_host(stream=stream) if out is None else acc


def normal_equations(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector (see ACCUMULATORS_6); with ``out`` (zeroed device array) it stays on the device."""
    h = cuda.to_device(_hoist_normal_equations(params, constants), stream=stream)
    size = ACCUMULATORS_6["size"]
    k32, k64 = _normal_equations_f32, _normal_equations_f64
    return _launch(k32, k64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream)


def normal_equations_brightness(params, constants, points, iref, tgt, loss_id, loss_scale, out=None, stream=0):
    """Accumulator vector (see ACCUMULATORS_8) with the gain/bias pair ``(a, b)`` as params 7-8."""
    h = cuda.to_device(_hoist_normal_equations_brightness(params, constants), stream=stream)
    size = ACCUMULATORS_8["size"]
    k32, k64 = _normal_equations_brightness_f32, _normal_equations_brightness_f64
    return _launch(k32, k64, h, points, iref, tgt, loss_id, loss_scale, size, out, stream)


def residuals(params, constants, points, iref, tgt, resid, stream=0):
    """Per-point residual into ``resid`` (NaN where rejected); params include ``(a, b)``."""
    h = cuda.to_device(_hoist_residuals(params, constants), stream=stream)
    kernel = _residuals_f32 if points.dtype == np.float32 else _residuals_f64
    kernel[_grid(points.shape[0]), THREADS_PER_BLOCK, stream](h, points, iref, tgt, resid)


BATCH_TILE = 16 * THREADS_PER_BLOCK


def _tiles(offsets, active):
    """Rows ``(pair, start, stop)`` covering the points of every active pair, grouped by pair."""
    offsets = np.asarray(offsets, dtype=np.int64)
    sizes = np.diff(offsets)
    counts = np.where(np.asarray(active, dtype=bool), (sizes + BATCH_TILE - 1) // BATCH_TILE, 0)
    pair = np.repeat(np.arange(sizes.size), counts)
    k = np.arange(pair.size) - np.repeat(np.cumsum(counts) - counts, counts)
    start = offsets[pair] + k * BATCH_TILE
    return np.column_stack([pair, start, np.minimum(start + BATCH_TILE, offsets[pair + 1])])


def _hoist_batch(hoist, params, constants, active):
    rows = [hoist(p, c) if a else None for p, c, a in zip(params, constants, active, strict=True)]
    width = next((r.size for r in rows if r is not None), 1)
    return np.stack([np.zeros(width) if r is None else r for r in rows])


def _batch(hoist, k32, k64, size, params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream):
    h = _hoist_batch(hoist, params, constants, active)
    tiles = _tiles(offsets, active)
    out = cuda.to_device(np.zeros((h.shape[0], size)), stream=stream)
    if tiles.shape[0]:
        scale = np.ascontiguousarray(loss_scale, dtype=np.float64)
        dh, dtiles, dscale = (cuda.to_device(a, stream=stream) for a in (h, tiles, scale))
        kernel = k32 if points.dtype == np.float32 else k64
        blocks = min(tiles.shape[0], MAX_BLOCKS)
        kernel[blocks, THREADS_PER_BLOCK, stream](dh, points, iref, tgt, dtiles, loss_id, dscale, out)
    return out.copy_to_host(stream=stream)


def normal_equations_batch(params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0):
    """(B, ACCUMULATORS_6["size"]) accumulators of B pairs in one launch (zero rows where not ``active``).

    ``params`` (B, 6) and ``constants`` (B, C) per pair on the host; the pairs' points and
    intensities concatenated on the device with pair ``b`` at ``offsets[b]:offsets[b + 1]``,
    ``tgt`` (B, H, W, 3) on the device, a robust scale per pair.
    """
    k32, k64 = _normal_equations_batch_f32, _normal_equations_batch_f64
    size = ACCUMULATORS_6["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return _batch(_hoist_normal_equations, k32, k64, size, *args)


def normal_equations_brightness_batch(
    params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream=0
):
    """:func:`normal_equations_batch` with the gain/bias pair: (B, ACCUMULATORS_8["size"]), params (B, 8)."""
    k32, k64 = _normal_equations_brightness_batch_f32, _normal_equations_brightness_batch_f64
    size = ACCUMULATORS_8["size"]
    args = (params, constants, points, iref, tgt, offsets, active, loss_id, loss_scale, stream)
    return _batch(_hoist_normal_equations_brightness, k32, k64, size, *args)
'''


def render_align_module(model: WarpModel, backend: Backend) -> str:
    """Source of ``<model>_align_<target>.py``: fused normal-equation and residual kernels."""
    irs = [derive_photometric(model, brightness) for brightness in (False, True)]
    base = irs[0].model
    parts: list[str] = []
    header = (
        f'"""Fused photometric kernels of the ``{model.name}`` warp for the Numba {backend.name.upper()} target."""\n'
    )
    if backend.name == "cpu":
        imports = "import math\n\nimport numpy as np\nfrom numba import njit, prange\n\nLANES_IMPORT\n"
    else:
        imports = "import math\n\nimport numpy as np\nfrom numba import cuda, float64, njit\n"
    consts = [
        f"MODEL = {_py(model.name)}",
        f"TARGET = {_py(backend.name)}",
        f"COMPOSITIONAL = {irs[0].compositional!r}",
        f"PARAMS = {_py(tuple(map(str, model.params)))}",
        f"CONSTANTS = {_py(tuple(map(str, base.constants)))}",
        f"LOSSES = {_py(ROBUST_LOSSES)}",
        f"ACCUMULATORS_6 = {accumulator_layout(irs[0].n_params)!r}".replace("'", '"'),
        f"ACCUMULATORS_8 = {accumulator_layout(irs[1].n_params)!r}".replace("'", '"'),
        "_F32 = np.float32",
        "_F64 = np.float64",
    ]
    if backend.name == "cpu":
        consts.append(f"FASTMATH = {FASTMATH_CPU}")
    else:
        consts += [f"THREADS_PER_BLOCK = {CUDA_THREADS}", "MAX_BLOCKS = 4096"]
    parts.append(header + "\n" + imports + "\n" + "\n".join(consts) + "\n")
    hoisted = [e for ir in irs for _, e in (*ir.warp.hoisted, *ir.extra_hoisted)]
    point = [e for ir in irs for _, e in ir.warp.per_point] + [e for ir in irs for e in ir.rows]
    for n in phi_orders(hoisted):
        parts.append(_phi_helper(n, "@njit(cache=True)", "_phi"))
    for n in phi_orders(point):
        if backend.name == "cpu" and n in phi_orders(hoisted):
            continue
        parts.append(_phi_helper(n, backend.device_decorator, "_phi" if backend.name == "cpu" else "_phi_dev"))
    parts.append(_robust_helpers(backend.device_decorator, dispatch=backend.name != "cpu"))
    for ir in irs:
        packed = _packed_symbols(ir.warp) + [s for s, _ in ir.extra_hoisted]
        parts.append(_hoist_with_brightness(ir, ir.warp, packed, ir.kind))
        if backend.name == "cpu":
            for name, render in ((ir.kind, _cpu_kernel), (f"{ir.kind}_batch", _cpu_batch_kernel)):
                for loss in ROBUST_LOSSES:
                    for dtype in ("f32", "f64"):
                        parts.append(render(ir, packed, dtype, backend, loss))
                rows = "".join(f"    (_{name}_{loss}_f32, _{name}_{loss}_f64),\n" for loss in ROBUST_LOSSES)
                parts.append(f"_{name.upper()} = (  # by loss id, then float32 / float64\n{rows})\n")
        else:
            for render in (_cuda_kernel, _cuda_batch_kernel):
                for dtype in ("f32", "f64"):
                    parts.append(render(ir, packed, dtype, backend))
        if ir.brightness:
            packed = _packed_symbols(ir.warp_only) + [s for s, _ in ir.extra_hoisted]
            parts.append(_hoist_with_brightness(ir, ir.warp_only, packed, "residuals"))
            for dtype in ("f32", "f64"):
                parts.append(_residual_kernel(ir, packed, dtype, backend))
    parts.append((CPU_LAUNCHERS if backend.name == "cpu" else CUDA_LAUNCHERS).strip("\n") + "\n")
    body = "\n\n".join(p.rstrip("\n") + "\n" for p in parts)
    used = [name for name in lanes.__all__ if f"{name}(" in body]
    body = body.replace("LANES_IMPORT\n", f"from jacgen.lanes import {', '.join(used)}\n" if used else "")
    content_hash = hashlib.sha256(body.encode()).hexdigest()[:32]
    rule = "# " + "-" * 98
    ops = irs[0].warp.ops
    banner = [
        rule,
        "# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.",
        f"# generator: jacgen {__version__}   target: {backend.name}",
        f"# source model: {model.name} (symbolic hash {model.source_hash()})"
        + (", composed with the current pose (forward compositional)" if irs[0].compositional else ""),
        "# fused: warp + bilinear sample + residual + robust weight + J^T W J / J^T W r, float64 accumulators",
        f"# content hash: sha256:{content_hash}",
        f"# warp part (sympy count_ops): before cse {ops.before_cse}, after cse {ops.after_cse},"
        f" hoisted {ops.hoisted}, per point {ops.per_point}",
        rule,
    ]
    return "\n".join(banner) + "\n" + body
