"""Render the CPU kernels for outputs larger than the caches (``_<kind>_stream``).

Both forms write every output with non-temporal stores (:mod:`jacgen.streaming`), two values per
store where a point's row has an even length, in ``prange`` chunks of ``STREAM_CHUNK`` points that
each end with a fence.

*Lane kernels* (:func:`lane_kernel_function`), used when the per-point code is plain arithmetic
(``+ - * /``, integer powers, square roots, ``abs``): the printed per-point statements run on
``lanes`` points at once as :class:`jacgen.lanes.LaneVector` values, and each group's rows go
out right after they are computed, so the stores of one group overlap the arithmetic of the next.

*Tile kernels* (:func:`tile_kernel_function`), for anything else (per-point ``sin``, ``phi_n``,
piecewise terms): a vectorisable loop computes a tile of ``STREAM_TILE`` points into L1, then a
second loop copies it out; compute and stores do not overlap.
"""

from __future__ import annotations

import sympy as sp

from ..codegen import TYPED, output_lines, unpack_lines
from ..derive import KernelIR
from ..model import fresh_prefix
from ..printer import LINE_LIMIT, assign_lines, print_expr

_U = "np.uint64"


def lane_ready(ir: KernelIR) -> bool:
    """Whether every per-point expression of ``ir`` is arithmetic that lane vectors support.

    Outputs that do not depend on the point at all (a degenerate model) would make the validity a
    scalar: such kernels keep the tile form too.
    """
    point = set(ir.model.point)
    resolved = dict(ir.per_point)
    if not any(_depends_on(e, point, resolved) for e in ir.outputs):
        return False
    exprs = [e for _, e in ir.per_point] + list(ir.outputs)
    exprs += [e for row in ir.jacobian for e in row] if ir.jacobian else []
    exprs += [ir.valid] if ir.valid is not None else []
    for expr in exprs:
        for node in sp.preorder_traversal(sp.sympify(expr)):
            if isinstance(node, sp.Pow):
                exp = node.exp
                if not ((exp.is_Integer and 1 <= abs(int(exp)) <= 4) or exp in (sp.S.Half, -sp.S.Half)):
                    return False
            elif not isinstance(node, sp.Add | sp.Mul | sp.Abs | sp.Symbol | sp.Number):
                return False
    return True


def _depends_on(expr: sp.Expr, symbols: set[sp.Symbol], definitions: dict[sp.Symbol, sp.Expr]) -> bool:
    """Whether ``expr`` depends on ``symbols``, looking through per-point definitions."""
    pending, seen = list(sp.sympify(expr).free_symbols), set()
    while pending:
        symbol = pending.pop()
        if symbol in symbols:
            return True
        if symbol in definitions and symbol not in seen:
            seen.add(symbol)
            pending += list(definitions[symbol].free_symbols)
    return False


def _rows(ir: KernelIR) -> list[tuple[str, int, int]]:
    """(flat output array, values per point, column) of every output value, in store order."""
    n_out = len(ir.outputs)
    rows = [("uv_flat", n_out, k) for k in range(n_out)]
    if ir.jacobian is not None:
        width = n_out * len(ir.model.params)
        rows += [("jac_flat", width, k) for k in range(width)]
    return rows


def _prologue(ir: KernelIR, packed: list[sp.Symbol]) -> list[str]:
    arrays = f"uv, {'jac, ' if ir.jacobian is not None else ''}valid"
    lines = [
        '@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")',
        f"def _{ir.kind}_stream(h, points, {arrays}):",
        f'    """``_{ir.kind}`` with non-temporal stores, for outputs larger than the caches."""',
        f"    {TYPED} = points.dtype.type",
    ]
    lines += unpack_lines(packed, "h[{}]", "    ", TYPED, ir.hoisted)
    lines += ["    n = points.shape[0]", "    points_flat = points.reshape(-1)", "    uv_flat = uv.reshape(-1)"]
    if ir.jacobian is not None:
        lines.append("    jac_flat = jac.reshape(-1)")
    return lines


def _point_values(ir: KernelIR, ind: str, lanes: bool) -> tuple[list[str], list[str]]:
    """Statements from the point's coordinates (``X, Y, Z`` read already) to its output values.

    Returns the lines and the expressions of every output value, in :func:`_rows` order, each
    NaN where the point is invalid. ``lanes``: the statements run on lane vectors (validity
    through :func:`jacgen.lanes.lane_store_mask` / ``lane_select`` instead of ``if``).
    """
    m = ir.model
    cast = TYPED
    pr = lambda e: print_expr(e, typed=cast)  # noqa: E731
    lines, outs, checks = output_lines(ir, ind, f"(abs({{}}) < {cast}(math.inf))")
    lines.append(f"{ind}ok = {' & '.join(checks)}")
    if lanes:
        lines.append(f"{ind}lane_store_mask(valid, iu, ok)")
        lines.append(f"{ind}nan_unless_ok = lane_select(ok, {cast}(0.0), {cast}(math.nan))")
    else:
        lines.append(f"{ind}valid[iu] = ok")
        lines.append(f"{ind}nan_unless_ok = {cast}(0.0) if ok else {cast}(math.nan)")
    values = list(outs)
    if ir.jacobian is not None:
        prefix = fresh_prefix(m.symbol_names(), "d")
        for k, e in enumerate(e for row in ir.jacobian for e in row):
            if e.is_Number or e.is_Symbol:
                values.append(pr(e))
            else:
                values.append(f"{prefix}{k}")
                lines += assign_lines(values[-1], e, pr, ind)
    return lines, [f"{value} + nan_unless_ok" for value in values]


def _call_lines(function: str, args: list[str], items: list[str], ind: str) -> list[str]:
    """``function(*args, (items...))`` on one line, or exploded as the formatter writes it."""
    line = f"{ind}{function}({', '.join(args)}, ({', '.join(items)}{',' if len(items) == 1 else ''}))"
    if len(line) <= LINE_LIMIT:
        return [line]
    inner, innermost = ind + " " * 4, ind + " " * 8
    return [
        f"{ind}{function}(",
        *(f"{inner}{a}," for a in args),
        f"{inner}(",
        *(f"{innermost}{item}," for item in items),
        f"{inner}),",
        f"{ind})",
    ]


def lane_kernel_function(ir: KernelIR, packed: list[sp.Symbol]) -> str:
    """The streaming kernel as lane-vector code (see the module docstring); needs :func:`lane_ready`.

    Each chunk runs in groups of ``lane_width`` consecutive points; its last ``< lanes`` points
    (only the final chunk has any) take the same statements on scalars with normal stores.
    """
    m = ir.model
    dim = len(m.point)
    lines = _prologue(ir, packed)
    lines += [
        "    lanes = lane_width(points_flat)",
        "    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):",
        "        chunk_first = chunk * STREAM_CHUNK",
        "        chunk_end = min(n, chunk_first + STREAM_CHUNK)",
        "        lanes_end = chunk_end - (chunk_end - chunk_first) % lanes",
        "        for start in range(chunk_first, lanes_end, lanes):",
        f"            iu = {_U}(start)",
    ]
    ind = " " * 12
    lines += [f"{ind}{x} = lane_rows(points_flat, iu, {dim}, {k})" for k, x in enumerate(m.point)]
    body, values = _point_values(ir, ind, lanes=True)
    lines += body
    rows = _rows(ir)
    for array in dict.fromkeys(array for array, _, _ in rows):
        row = [v for v, (a, _, _) in zip(values, rows, strict=True) if a == array]
        lines += _call_lines("lane_stream_rows", [array, "iu"], row, ind)
    lines += [
        "        for i in range(lanes_end, chunk_end):",
        f"            iu = {_U}(i)",
    ]
    lines += [f"{ind}{x} = points_flat[iu * {_U}({dim}) + {_U}({k})]" for k, x in enumerate(m.point)]
    body, values = _point_values(ir, ind, lanes=False)
    lines += body
    for (array, width, col), value in zip(rows, values, strict=True):
        lines.append(f"{ind}{array}[iu * {_U}({width}) + {_U}({col})] = {value}")
    lines.append("        store_fence()")
    return "\n".join(lines) + "\n"


def tile_kernel_function(ir: KernelIR, packed: list[sp.Symbol]) -> str:
    """The streaming kernel in two loops per tile of points (see the module docstring).

    LLVM did not vectorise a loop that stores each point's outputs interleaved (12 Jacobian
    entries per point: "too many SCEV assumptions"), and it never vectorises non-temporal
    stores ("nontemporal store instruction cannot be vectorized"). So the first loop computes a tile of
    ``STREAM_TILE`` points branch-free into one contiguous row per output value (a vectorisable
    loop: flat unsigned indices, invalid points get NaN through a select), and the second copies
    the tile, still in L1, to the ``(N, ...)`` outputs with non-temporal stores, two values per store
    where a point's row has an even length (the launcher checks the alignment).
    """
    m = ir.model
    rows = _rows(ir)
    row_prefix = fresh_prefix(m.symbol_names(), "row")
    lines = _prologue(ir, packed)
    lines += [
        "    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):",
        f"        tile = np.empty({len(rows)} * STREAM_TILE, dtype=points.dtype)",
        # offsets of the tile's rows; set inside the parallel body (as constants: set outside, they
        # became arguments of the parallel region and the kernel ran ~15 % slower)
        *(f"        {row_prefix}{k} = {_U}({k} * STREAM_TILE)" for k in range(1, len(rows))),
        "        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):",
        "            count = min(STREAM_TILE, n - start)",
        "            for j in range(count):",
        f"                ju = {_U}(j)",
        f"                iu = {_U}(start) + ju",
    ]
    ind = " " * 16
    lines += [f"{ind}{x} = points_flat[iu * {_U}({len(m.point)}) + {_U}({k})]" for k, x in enumerate(m.point)]
    body, values = _point_values(ir, ind, lanes=False)
    lines += body
    row = lambda k: "ju" if k == 0 else f"{row_prefix}{k} + ju"  # noqa: E731 (tile index of row k)
    lines += [f"{ind}tile[{row(k)}] = {value}" for k, value in enumerate(values)]
    lines += [
        "            for j in range(count):",
        f"                ju = {_U}(j)",
        f"                iu = {_U}(start) + ju",
    ]
    k = 0
    while k < len(rows):
        array, width, col = rows[k]
        index = f"iu * {_U}({width}) + {_U}({col})"
        if width % 2 == 0:  # even row length: (col, col + 1) pairs, 2-item aligned when the array is
            lines.append(f"{ind}stream_store_pair({array}, {index}, tile[{row(k)}], tile[{row(k + 1)}])")
            k += 2
        else:
            lines.append(f"{ind}stream_store({array}, {index}, tile[{row(k)}])")
            k += 1
    lines.append("        store_fence()")
    return "\n".join(lines) + "\n"


def stream_kernel_function(ir: KernelIR, packed: list[sp.Symbol]) -> str:
    """The lane kernel where :func:`lane_ready`, else the tile kernel."""
    return (lane_kernel_function if lane_ready(ir) else tile_kernel_function)(ir, packed)


__all__ = [
    "lane_ready",
    "lane_kernel_function",
    "tile_kernel_function",
    "stream_kernel_function",
]
