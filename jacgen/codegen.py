"""Render a model's kernels into one Python module per backend (the template half of codegen)."""

from __future__ import annotations

import hashlib
import json

import sympy as sp

from . import __version__, lanes, streaming
from .backends import Backend
from .derive import KernelIR, derive
from .model import WarpModel, fresh_prefix
from .printer import print_expr
from .special import SERIES_TERMS, SERIES_THRESHOLD, phi_orders, phi_series_coefficients
from .stream_codegen import (
    STREAM_CHUNK,
    STREAM_MIN_POINTS,
    STREAM_TILE,
    lane_ready,
    stream_kernel_function,
)

FASTMATH_CPU = "{" + ", ".join(f'"{flag}"' for flag in lanes.FASTMATH_FLAGS) + "}"
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
    tile_kernels = backend.streaming and not all(lane_ready(ir) for ir in irs)
    if backend.streaming:
        consts += [
            f"STREAM_CHUNK = {STREAM_CHUNK}",
            *([f"STREAM_TILE = {STREAM_TILE}"] if tile_kernels else []),
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
                parts.append(stream_kernel_function(ir, packed, dtype))
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
    for placeholder, module in (("LANES_NAMES", lanes), ("STREAMING_NAMES", streaming)):
        used = [name for name in module.__all__ if f"{name}(" in body]
        line = f"from jacgen.{module.__name__.rsplit('.', 1)[1]} import {placeholder}\n"
        body = body.replace(line, line.replace(placeholder, ", ".join(used)) if used else "")
    content_hash = hashlib.sha256(body.encode()).hexdigest()[:32]
    return _banner(model, backend, irs, content_hash) + body


def module_filename(model: WarpModel, backend: Backend) -> str:
    """File name of a generated module."""
    return f"{model.name}_{backend.name}.py"


__all__ = ["render_module", "kernel_irs", "module_filename", "SERIES_TERMS"]
