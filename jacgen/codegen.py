"""Render a model's kernels into one Python module per backend (the template half of codegen)."""

from __future__ import annotations

import hashlib
import json

import sympy as sp

from . import __version__
from .backends import Backend
from .derive import KernelIR, derive
from .model import WarpModel, fresh_prefix
from .printer import assign_lines, print_expr
from .special import SERIES_TERMS, SERIES_THRESHOLD, phi_orders, phi_series_coefficients

FASTMATH_CPU = '{"contract", "arcp", "nsz", "reassoc"}'
"""LLVM fast-math flags for CPU kernels: no ``nnan``/``ninf``, so NaN and inf checks stay exact."""

KINDS = {
    "warp": ("params, points, constants, uv, valid", "uv, valid", "params, constants"),
    "warp_jacobian": ("params, points, constants, uv, jac, valid", "uv, jac, valid", "params, constants"),
    "warp_jacobian_at_zero": ("points, constants, uv, jac, valid", "uv, jac, valid", "ZERO_PARAMS, constants"),
}

DTYPES = {"f32": "np.float32", "f64": "np.float64"}


def _py(value) -> str:
    """``repr`` with double-quoted strings (the formatter's style)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, tuple):
        inner = ", ".join(_py(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    return repr(value)


def kernel_irs(model: WarpModel) -> list[KernelIR]:
    """All kernels generated for ``model``, in module order."""
    kinds = ["warp", "warp_jacobian"] + (["warp_jacobian_at_zero"] if model.zero_specialisation else [])
    return [derive(model, kind) for kind in kinds]


def _phi_helper(n: int, decorator: str, prefix: str) -> str:
    coeffs = "".join(f"    {c!r},\n" for c in reversed(phi_series_coefficients(n)))
    closed = "math.cos(t)" if n % 2 == 0 else "math.sin(t) / t"
    steps = "".join(
        f"    value = ({1.0 / __import__('math').factorial(k)!r} - value) / s\n" for k in range(n % 2, n - 1, 2)
    )
    return (
        f"{prefix}{n}_COEFFS = (\n{coeffs})\n\n\n"
        f"{decorator}\n"
        f"def {prefix}{n}(s):\n"
        f'    """phi_{n}(s), s = t**2: Taylor series for s <= {SERIES_THRESHOLD}, closed form above."""\n'
        f"    if s <= {SERIES_THRESHOLD!r}:\n"
        f"        acc = 0.0\n"
        f"        for c in {prefix}{n}_COEFFS:\n"
        f"            acc = acc * s + c\n"
        f"        return acc\n"
        f"    t = math.sqrt(s)\n"
        f"    value = {closed}\n"
        f"{steps}"
        f"    return value\n"
    )


def _packed_symbols(ir: KernelIR) -> list[sp.Symbol]:
    """Hoisted / parameter / constant symbols that per-point code reads (in a stable order)."""
    used: set[sp.Symbol] = set()
    exprs = [e for _, e in ir.per_point] + list(ir.outputs)
    exprs += [e for row in ir.jacobian for e in row] if ir.jacobian else []
    exprs += [ir.valid] if ir.valid is not None else []
    for e in exprs:
        used |= sp.sympify(e).free_symbols
    order = [s for s, _ in ir.hoisted] + list(ir.model.params) + list(ir.model.constants)
    return [s for s in order if s in used]


def _hoist_function(ir: KernelIR, packed: list[sp.Symbol]) -> str:
    m = ir.model
    needed: set[sp.Symbol] = set(packed)
    for _, e in ir.hoisted:
        needed |= e.free_symbols
    lines = ["@njit(cache=True)", f"def _hoist_{ir.kind}(params, constants):"]
    lines.append(f'    """Parameter-only terms of ``{ir.kind}`` (float64, once per call)."""')
    for k, p in enumerate(m.params):
        if p in needed:
            lines.append(f"    {p} = params[{k}]")
    for k, c in enumerate(m.constants):
        if c in needed:
            lines.append(f"    {c} = constants[{k}]")
    for sym, e in ir.hoisted:
        lines.append(f"    {sym} = {print_expr(e)}")
    lines.append(f"    out = np.empty({max(len(packed), 1)})")
    for k, s in enumerate(packed):
        lines.append(f"    out[{k}] = {s}")
    lines.append("    return out")
    return "\n".join(lines) + "\n"


def _kernel_function(ir: KernelIR, packed: list[sp.Symbol], backend: Backend, dtype: str) -> str:
    m = ir.model
    cast = f"_{dtype.upper()}"
    phi_prefix = "_phi" if backend.name == "cpu" else "_phi_dev"
    pr = lambda e: print_expr(e, typed=cast, phi_prefix=phi_prefix)  # noqa: E731
    arrays = KINDS[ir.kind][1]
    ind = backend.loop_indent
    lines = [backend.kernel_decorator, f"def _{ir.kind}_{dtype}(h, points, {arrays}):"]
    for k, s in enumerate(packed):
        lines.append(f"    {s} = {cast}(h[{k}])")
    lines.append(backend.loop_header)
    for k, x in enumerate(m.point):
        lines.append(f"{ind}{x} = points[i, {k}]")
    for sym, e in ir.per_point:
        lines.append(f"{ind}{sym} = {pr(e)}")
    outs = [f"{fresh_prefix(m.symbol_names(), 'o')}{k}" for k in range(len(ir.outputs))]
    for name, e in zip(outs, ir.outputs, strict=True):
        lines.append(f"{ind}{name} = {pr(e)}")
    checks = [f"math.isfinite({o})" for o in outs]
    if ir.valid is not None:
        checks.insert(0, f"{pr(ir.valid)} > {cast}(0.0)")
    lines.append(f"{ind}if {' and '.join(checks)}:")
    lines.append(f"{ind}    valid[i] = True")
    for k, o in enumerate(outs):
        lines.append(f"{ind}    uv[i, {k}] = {o}")
    if ir.jacobian is not None:
        for r, row in enumerate(ir.jacobian):
            for c, e in enumerate(row):
                lines.append(f"{ind}    jac[i, {r}, {c}] = {pr(e)}")
    lines.append(f"{ind}else:")
    lines.append(f"{ind}    valid[i] = False")
    for k in range(len(outs)):
        lines.append(f"{ind}    uv[i, {k}] = math.nan")
    if ir.jacobian is not None:
        lines.append(f"{ind}    for r in range({len(ir.outputs)}):")
        lines.append(f"{ind}        for c in range({len(m.params)}):")
        lines.append(f"{ind}            jac[i, r, c] = math.nan")
    return "\n".join(lines) + "\n"


STREAM_CHUNK = 4096
"""Points per streaming chunk: one fence per chunk orders its non-temporal stores."""

STREAM_TILE = 128
"""Points per tile of a streaming kernel: the tile's outputs (14 rows of 128 float64 for
``warp_jacobian``, 14 KB) stay in L1 between the compute loop and the store loop."""

STREAM_MIN_POINTS = 65536
"""From this many points on, launchers pick the streaming kernels: outputs of 4 MB (float32) or
7 MB (float64) and more no longer fit the caches, so skipping write-allocate wins; below it,
the plain kernels' normal stores leave the outputs in cache for the caller (and one
``STREAM_CHUNK`` per thread would leave threads idle)."""


def _stream_kernel_function(ir: KernelIR, packed: list[sp.Symbol], dtype: str) -> str:
    """The CPU kernel for outputs larger than the caches, in two loops per tile of points.

    LLVM did not vectorise a loop that stores each point's outputs interleaved (12 Jacobian
    entries per point: "too many SCEV assumptions"), and it never vectorises non-temporal
    stores ("nontemporal store instruction cannot be vectorized"). So the first loop computes a tile of
    ``STREAM_TILE`` points branch-free into one contiguous row per output value (a vectorisable
    loop: flat unsigned indices, invalid points get NaN through a select), and the second copies
    the tile, still in L1, to the ``(N, ...)`` outputs with non-temporal stores, two values per store
    where a point's row has an even length (the launcher checks the alignment). ``prange`` runs
    over chunks of ``STREAM_CHUNK`` points, each ended by a fence.
    """
    m = ir.model
    cast = f"_{dtype.upper()}"
    pr = lambda e: print_expr(e, typed=cast)  # noqa: E731
    n_out, n_par = len(ir.outputs), len(m.params)
    u = "np.uint64"
    ind = " " * 16
    lines = [
        '@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")',
        f"def _{ir.kind}_stream_{dtype}(h, points, {KINDS[ir.kind][1]}):",
    ]
    lines += [f"    {s} = {cast}(h[{k}])" for k, s in enumerate(packed)]
    rows = [("uv_flat", n_out, k) for k in range(n_out)]  # (output array, values per point, column)
    lines += ["    n = points.shape[0]", "    points_flat = points.reshape(-1)", "    uv_flat = uv.reshape(-1)"]
    if ir.jacobian is not None:
        lines.append("    jac_flat = jac.reshape(-1)")
        rows += [("jac_flat", n_out * n_par, k) for k in range(n_out * n_par)]
    row_prefix = fresh_prefix(m.symbol_names(), "row")
    lines += [
        "    for chunk in prange((n + STREAM_CHUNK - 1) // STREAM_CHUNK):",
        f"        tile = np.empty({len(rows)} * STREAM_TILE, dtype=points.dtype)",
        # offsets of the tile's rows; set inside the parallel body (as constants: set outside, they
        # became arguments of the parallel region and the kernel ran ~15 % slower)
        *(f"        {row_prefix}{k} = {u}({k} * STREAM_TILE)" for k in range(1, len(rows))),
        "        for start in range(chunk * STREAM_CHUNK, min(n, (chunk + 1) * STREAM_CHUNK), STREAM_TILE):",
        "            count = min(STREAM_TILE, n - start)",
        "            for j in range(count):",
        f"                ju = {u}(j)",
        f"                iu = {u}(start) + ju",
    ]
    lines += [f"{ind}{x} = points_flat[iu * {u}({len(m.point)}) + {u}({k})]" for k, x in enumerate(m.point)]
    for sym, e in ir.per_point:
        lines += assign_lines(str(sym), e, pr, ind)
    outs = [f"{fresh_prefix(m.symbol_names(), 'o')}{k}" for k in range(n_out)]
    for name, e in zip(outs, ir.outputs, strict=True):
        lines += assign_lines(name, e, pr, ind)
    checks = [f"(abs({o}) < {cast}(math.inf))" for o in outs]
    if ir.valid is not None:
        checks.insert(0, f"({pr(ir.valid)} > {cast}(0.0))")
    lines.append(f"{ind}ok = {' & '.join(checks)}")
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
    row = lambda k: "ju" if k == 0 else f"{row_prefix}{k} + ju"  # noqa: E731 (tile index of row k)
    lines += [f"{ind}tile[{row(k)}] = {value} + nan_unless_ok" for k, value in enumerate(values)]
    lines += [
        "            for j in range(count):",
        f"                ju = {u}(j)",
        f"                iu = {u}(start) + ju",
    ]
    k = 0
    while k < len(rows):
        array, width, col = rows[k]
        index = f"iu * {u}({width}) + {u}({col})"
        if width % 2 == 0:  # even row length: (col, col + 1) pairs, 2-item aligned when the array is
            lines.append(f"{ind}stream_store_pair({array}, {index}, tile[{row(k)}], tile[{row(k + 1)}])")
            k += 2
        else:
            lines.append(f"{ind}stream_store({array}, {index}, tile[{row(k)}])")
            k += 1
    lines.append("        store_fence()")
    return "\n".join(lines) + "\n"


def _banner(model: WarpModel, backend: Backend, irs: list[KernelIR], content_hash: str) -> str:
    rule = "# " + "-" * 98
    lines = [
        rule,
        "# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.",
        f"# generator: jacgen {__version__}   target: {backend.name}",
        f"# source model: {model.name} (symbolic hash {model.source_hash()})",
    ]
    if model.description:
        lines.append(f"#   {model.description}")
    lines += [
        f"# params: {', '.join(map(str, model.params))}   point: {', '.join(map(str, model.point))}"
        f"   constants: {', '.join(map(str, model.constants)) or '-'}",
        f"# content hash: sha256:{content_hash}",
        "# operation counts (sympy count_ops):",
        f"#   {'kernel':<24}{'before cse':>12}{'after cse':>12}{'hoisted':>10}{'per point':>12}",
    ]
    for ir in irs:
        o = ir.ops
        lines.append(f"#   {ir.kind:<24}{o.before_cse:>12}{o.after_cse:>12}{o.hoisted:>10}{o.per_point:>12}")
    lines.append(rule)
    return "\n".join(lines) + "\n"


def render_module(model: WarpModel, backend: Backend, irs: list[KernelIR] | None = None) -> str:
    """Source text of ``<model>_<backend>.py``: banner, helpers, hoists, kernels and launchers."""
    irs = kernel_irs(model) if irs is None else irs
    parts: list[str] = []
    docstring = f'"""Kernels of the ``{model.name}`` warp for the Numba {backend.name.upper()} target."""\n'
    header = docstring + "\n" + backend.imports + "\n"
    consts = [
        f"MODEL = {_py(model.name)}",
        f"TARGET = {_py(backend.name)}",
        f"PARAMS = {_py(tuple(map(str, model.params)))}",
        f"POINT = {_py(tuple(map(str, model.point)))}",
        f"CONSTANTS = {_py(tuple(map(str, model.constants)))}",
        f"OUTPUTS = {_py(tuple(model.output_names))}",
        f"POSITIVE_CONSTANTS = {_py(tuple(map(str, model.positive_constants)))}",
        f"HAS_VALIDITY = {model.valid is not None!r}",
        f"KERNELS = {_py(tuple(ir.kind for ir in irs))}",
        f"ZERO_PARAMS = np.zeros({len(model.params)})",
        "_F32 = np.float32",
        "_F64 = np.float64",
    ]
    if backend.name == "cpu":
        consts.append(f"FASTMATH = {FASTMATH_CPU}")
    else:
        consts.append("THREADS_PER_BLOCK = 256")
    if backend.streaming:
        consts += [
            f"STREAM_CHUNK = {STREAM_CHUNK}",
            f"STREAM_TILE = {STREAM_TILE}",
            f"STREAM_MIN_POINTS = {STREAM_MIN_POINTS}",
        ]
    parts.append(header + "\n" + "\n".join(consts) + "\n")

    hoisted_exprs = [e for ir in irs for _, e in ir.hoisted]
    point_exprs = [e for ir in irs for _, e in ir.per_point] + [e for ir in irs for e in ir.outputs]
    point_exprs += [e for ir in irs if ir.jacobian for row in ir.jacobian for e in row]
    for n in phi_orders(hoisted_exprs):
        parts.append(_phi_helper(n, "@njit(cache=True)", "_phi"))
    for n in phi_orders(point_exprs):
        prefix = "_phi" if backend.name == "cpu" else "_phi_dev"
        if backend.name == "cpu" and n in phi_orders(hoisted_exprs):
            continue
        parts.append(_phi_helper(n, backend.device_decorator, prefix))

    for ir in irs:
        packed = _packed_symbols(ir)
        parts.append(_hoist_function(ir, packed))
        for dtype in DTYPES:
            parts.append(_kernel_function(ir, packed, backend, dtype))
        if backend.streaming:
            for dtype in DTYPES:
                parts.append(_stream_kernel_function(ir, packed, dtype))
        signature, arrays, hoist_args = KINDS[ir.kind]
        parts.append(
            backend.launcher.format(
                name=ir.kind,
                signature=signature,
                kernel=f"_{ir.kind}",
                hoist=f"_hoist_{ir.kind}",
                hoist_args=hoist_args,
                arrays=arrays,
                arrays_floating=", ".join(a for a in arrays.split(", ") if a != "valid"),
            ).strip("\n")
            + "\n"
        )
    body = "\n\n".join(p.rstrip("\n") + "\n" for p in parts)
    body = body.replace("\n\n\n\n", "\n\n\n")
    used = [n for n in ("pair_aligned", "store_fence", "stream_store", "stream_store_pair") if f"{n}(" in body]
    body = body.replace("STREAMING_NAMES", ", ".join(used))
    content_hash = hashlib.sha256(body.encode()).hexdigest()[:32]
    return _banner(model, backend, irs, content_hash) + body


def module_filename(model: WarpModel, backend: Backend) -> str:
    """File name of a generated module."""
    return f"{model.name}_{backend.name}.py"


__all__ = ["render_module", "kernel_irs", "module_filename", "SERIES_TERMS"]
