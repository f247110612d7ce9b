"""Assemble generated modules from a model's IR: the target-agnostic half of code generation.

A module is a banner, a docstring, imports, ``DESCRIPTION`` (what the module is, read by the
public API and the solver), host functions (``_hoist_*``: the parameter-only terms; ``pose``) and
the kernels and launchers, which the :class:`~jacgen.backends.base.Backend` renders. Nothing here
depends on the target: a backend supplies its decorators, loops, reductions and launchers.
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

import sympy as sp

from . import __version__
from .derive import KernelIR, derive
from .model import WarpModel
from .printer import LINE_LIMIT, assign_lines, print_expr

TYPED = "T"
"""Name of the points' scalar type inside kernels (``T = points.dtype.type``): literals print as
``T(0.5)``, so one kernel body compiles to float32 or float64 code from the arrays it is given."""

RULE = "# " + "-" * 98

INLINED_OUTSIDE_RUNTIME = ("lanes.py", "streaming.py", "backends/cuda_runtime.py")
"""Hand-written modules besides the :mod:`jacgen.runtime` package whose code generated kernels
inline (relative to ``jacgen/``): lane vectors, streaming stores, CUDA twins (the series coefficients
are in :mod:`jacgen.runtime.sinc`)."""


def runtime_sources() -> tuple[str, ...]:
    """Files the banners' runtime hash covers (relative to ``jacgen/``).

    Every module of the :mod:`jacgen.runtime` package, found on disk (sorted), then
    :data:`INLINED_OUTSIDE_RUNTIME`: a new runtime module is covered without being listed.
    """
    root = Path(__file__).resolve().parent
    package = sorted(path.relative_to(root).as_posix() for path in (root / "runtime").glob("*.py"))
    return (*package, *INLINED_OUTSIDE_RUNTIME)


@functools.cache
def runtime_hash() -> str:
    """Hash of the :func:`runtime_sources`, printed in every banner.

    Numba's cache tells a stale kernel by its own source file only; the kernels also inline these
    modules' functions, so a change there must change the generated files (the golden-file test
    then asks for a rebuild, and the rebuilt files invalidate the cached kernels).
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for name in runtime_sources():
        digest.update((root / name).read_bytes())
    return digest.hexdigest()[:16]


if TYPE_CHECKING:
    from .backends.base import Backend


@functools.cache
def kernel_irs(model: WarpModel) -> tuple[KernelIR, ...]:
    """All warp kernels of ``model``, derived once per process and rendered for every target."""
    kinds = ["warp", "warp_jacobian"] + (["warp_jacobian_at_zero"] if model.zero_specialisation else [])
    return tuple(derive(model, kind) for kind in kinds)


def packed_symbols(ir: KernelIR) -> list[sp.Symbol]:
    """Hoisted / parameter / constant symbols that per-point code reads (in a stable order)."""
    used: set[sp.Symbol] = set()
    exprs = [e for _, e in ir.per_point] + list(ir.outputs)
    exprs += [e for row in ir.jacobian for e in row] if ir.jacobian else []
    exprs += [ir.valid] if ir.valid is not None else []
    for e in exprs:
        used |= sp.sympify(e).free_symbols
    order = [s for s, _ in ir.hoisted] + list(ir.model.params) + list(ir.model.constants)
    return [s for s in order if s in used]


LABEL_OPS = 30
"""Operations past which a hoisted term's definition, written in a function's own names, is not printed."""


def hoisted_comments(hoisted, scope) -> dict[sp.Symbol, str]:
    """Each hoisted symbol's definition as a comment in a function may print it ('' if too long).

    ``scope``: the hoisted symbols that are variables of that function. A definition keeps those
    and the model's symbols; every other hoisted symbol it reads is replaced by its own definition
    (recursively), so a comment names nothing the function lacks.
    """
    names = {s for s, _ in hoisted}
    written: dict[sp.Symbol, sp.Expr | None] = {}
    for symbol, e in hoisted:
        outside = [s for s in e.free_symbols if s in names and s not in scope]
        if any(written.get(s) is None for s in outside):
            written[symbol] = None
            continue
        e = e.xreplace({s: written[s] for s in outside})
        written[symbol] = e if sp.count_ops(e) <= LABEL_OPS else None
    return {s: "" if e is None else print_expr(e) for s, e in written.items()}


def commented(line: str, comment: str) -> str:
    """``line  # comment`` where that fits in :data:`~jacgen.printer.LINE_LIMIT` characters, else ``line``."""
    text = f"{line}  # {comment}"
    return text if comment and len(text) <= LINE_LIMIT else line


def _hoist_lines(hoisted, packed: list[sp.Symbol], inputs: dict, pr) -> list[str]:
    """Statements of a hoist: the inputs it reads, then every hoisted term (printed by ``pr``)."""
    needed: set[sp.Symbol] = set(packed)
    for _, e in hoisted:
        needed |= e.free_symbols
    lines = [f"    {s} = {source}" for s, source in inputs.items() if s in needed]
    for symbol, e in hoisted:
        lines += assign_lines(str(symbol), e, pr, "    ")
    return lines


def hoisted_size(packed: list[sp.Symbol]) -> int:
    """Length of a hoist's vector (one zero when a kernel reads nothing)."""
    return max(len(packed), 1)


def hoist_function(name: str, model: WarpModel, hoisted, packed: list[sp.Symbol], inputs: dict) -> str:
    """``_hoist_<name>(params, constants)``: the float64 values a kernel unpacks, in ``packed`` order.

    ``inputs`` maps parameter / constant symbols to the expressions reading them (``params[0]``).
    """
    lines = ["@njit(cache=True)", f"def _hoist_{name}(params, constants):"]
    lines.append(f'    """What ``_{name}`` reads: its parameter-only values (float64, once per call)."""')
    lines += _hoist_lines(hoisted, packed, inputs, print_expr)
    lines.append("    return np.array([" + ", ".join(map(str, packed or [sp.Float(0.0)])) + "])")
    return "\n".join(_wrap_return(lines)) + "\n"


def hoist_device_function(name: str, hoisted, packed: list[sp.Symbol], inputs: dict, decorator: str) -> str:
    """``_hoist_<name>_device(params, constants, out)``: :func:`hoist_function`'s values into ``out`` (device)."""
    lines = [decorator, f"def _hoist_{name}_device(params, constants, out):"]
    size = hoisted_size(packed)
    lines.append(f'    """``_hoist_{name}(params, constants)`` into ``out[0:{size}]`` (device, float64)."""')
    lines += _hoist_lines(hoisted, packed, inputs, lambda e: print_expr(e, phi="phi_device"))
    lines += [f"    out[{k}] = {s}" for k, s in enumerate(packed)] if packed else ["    out[0] = 0.0"]
    return "\n".join(lines) + "\n"


def _wrap_return(lines: list[str]) -> list[str]:
    """Explode an over-long ``return np.array([...])`` the way the formatter does."""
    last = lines[-1]
    if len(last) <= LINE_LIMIT:
        return lines
    items = last[len("    return np.array([") : -2].split(", ")
    return lines[:-1] + [
        "    return np.array(",
        "        [",
        *(f"            {i}," for i in items),
        "        ]",
        "    )",
    ]


def unpack_lines(packed: list[sp.Symbol], source: str, ind: str, typed: str | None, hoisted) -> list[str]:
    """Kernel prologue: ``name = T(h[..., k])`` for every packed value, hoisted terms labelled.

    A label writes the term in the kernel's own names (the packed values) and the model's symbols.
    """
    comments = hoisted_comments(hoisted, set(packed))
    wrap = (lambda x: f"{typed}({x})") if typed else (lambda x: x)  # noqa: E731
    return [commented(f"{ind}{s} = {wrap(source.format(k))}", comments.get(s, "")) for k, s in enumerate(packed)]


def _pose_lines(model: WarpModel, pr) -> tuple[list[str], list[str]]:
    """Statements computing a model's pose entries, and the 12 entries (``R`` row-major, then ``t``)."""
    motion = model.motion
    entries = list(motion.rotation) + list(motion.translation)
    taken = model.symbol_names()
    prefix = next(p for p in ("x", "xx", "xxx") if not any(n.startswith(p) for n in taken))
    replacements, reduced = sp.cse(entries, symbols=sp.numbered_symbols(prefix, real=True), order="none")
    used = set().union(*(sp.sympify(e).free_symbols for e in entries))
    lines = [f"    {p} = params[{k}]" for k, p in enumerate(model.params) if p in used]
    for symbol, e in replacements:
        lines += assign_lines(str(symbol), e, pr, "    ")
    return lines, [pr(e) for e in reduced]


def _pose_position(k: int) -> tuple[int, int]:
    """Row and column in ``[R t]`` of pose entry ``k`` (``R`` row-major, then ``t``)."""
    return (k // 3, k % 3) if k < 9 else (k - 9, 3)


def pose_function(model: WarpModel) -> str:
    """``pose(params)``: the 4 x 4 rigid motion ``[R t; 0 1]`` of a model with a ``motion``."""
    lines = ["@njit(cache=True)", "def pose(params):"]
    lines.append('    """The 4 x 4 rigid motion ``[R t; 0 1]`` of the parameters (float64)."""')
    body, entries = _pose_lines(model, print_expr)
    lines += [*body, "    out = np.empty((4, 4))"]  # np.eye would compile its own overload (0.3 s on a cold cache)
    for k, e in enumerate(entries):
        row, col = _pose_position(k)
        lines.append(f"    out[{row}, {col}] = {e}")
    lines += [f"    out[3, {col}] = {1.0 if col == 3 else 0.0}" for col in range(4)]
    lines.append("    return out")
    return "\n".join(lines) + "\n"


def pose_device_function(model: WarpModel, decorator: str) -> str:
    """``pose_device(params, out)``: the 3 x 4 rows ``[R t]`` of ``pose(params)`` into ``out[0:12]`` (device)."""
    lines = [decorator, "def pose_device(params, out):"]
    lines.append('    """``pose(params)[:3, :4]`` row-major into ``out[0:12]`` (device, float64)."""')
    body, entries = _pose_lines(model, lambda e: print_expr(e, phi="phi_device"))
    lines += body
    positions = [_pose_position(k) for k in range(len(entries))]
    lines += [f"    out[{4 * row + col}] = {e}" for (row, col), e in sorted(zip(positions, entries, strict=True))]
    return "\n".join(lines) + "\n"


def literal(value, indent: int = 0, head: int = 0) -> str:
    """``value`` (dicts, tuples, strings, numbers, None) as the formatter writes it.

    On one line when it fits after ``head`` characters at ``indent``; else one item per line with
    a trailing comma.
    """
    if isinstance(value, str):
        return '"' + value + '"'
    if isinstance(value, dict):
        items = [f"{literal(k)}: {literal(v)}" for k, v in value.items()]
        flat = "{" + ", ".join(items) + "}"
        if indent + head + len(flat) <= LINE_LIMIT + 3:
            return flat
        inner = " " * (indent + 4)
        rows = [f"{inner}{literal(k)}: {literal(v, indent + 4, len(literal(k)) + 2)}," for k, v in value.items()]
        return "{\n" + "\n".join(rows) + "\n" + " " * indent + "}"
    if isinstance(value, tuple):
        items = [literal(v) for v in value]
        flat = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        if indent + head + len(flat) <= LINE_LIMIT + 3:
            return flat
        inner = " " * (indent + 4)
        return "(\n" + "\n".join(f"{inner}{literal(v, indent + 4)}," for v in value) + "\n" + " " * indent + ")"
    return repr(value)


def description_text(description: dict) -> str:
    """``DESCRIPTION = {...}`` as the formatter writes it."""
    return f"DESCRIPTION = {literal(description, 0, len('DESCRIPTION = '))}\n"


def op_table(rows: list[tuple[str, object]]) -> list[str]:
    """Banner lines: Sympy operation counts of each kernel function (like SymForce's ``# Total ops``)."""
    lines = [f"#   {'function':<40}{'before cse':>12}{'after cse':>11}{'hoisted':>9}{'per point':>11}"]
    for name, ops in rows:
        lines.append(f"#   {name:<40}{ops.before_cse:>12}{ops.after_cse:>11}{ops.hoisted:>9}{ops.per_point:>11}")
    return lines


def assemble(title: str, model: WarpModel, backend: Backend, description: dict, parts: list[str], ops) -> str:
    """The module's source: banner (one format for every generated file), imports and ``parts``."""
    body = "\n\n".join(p.rstrip("\n") + "\n" for p in parts)
    imports = backend.imports(body)
    text = f'"""{title}"""\n\n{imports}\n\n{description_text(description)}'
    text += "".join(f"{line}\n" for line in backend.module_constants) + "\n\n" + body
    text = text.replace("\n\n\n\n", "\n\n\n")
    content_hash = hashlib.sha256(text.encode()).hexdigest()[:32]
    banner = [
        RULE,
        "# GENERATED FILE - DO NOT EDIT. Regenerate with `python -m jacgen build`.",
        f"# generator: jacgen {__version__}   target: {backend.name}",
        f"# source model: {model.name} (symbolic hash {model.source_hash()})",
        *([f"#   {model.description}"] if model.description else []),
        f"# content hash: sha256:{content_hash}   runtime: sha256:{runtime_hash()}",
        "# operation counts (sympy count_ops) per kernel function:",
        *op_table(ops),
        RULE,
    ]
    return "\n".join(banner) + "\n" + text


# --- warp modules ----------------------------------------------------------------------------------

WARP_SIGNATURES = {
    "warp": ("params, points, constants, uv, valid", "uv, valid", "params, constants"),
    "warp_jacobian": ("params, points, constants, uv, jac, valid", "uv, jac, valid", "params, constants"),
    "warp_jacobian_at_zero": ("points, constants, uv, jac, valid", "uv, jac, valid", "ZERO_PARAMS, constants"),
}
"""Launcher signature, kernel output arrays and hoist arguments of each warp kernel."""


def output_names(ir: KernelIR) -> list[str]:
    """Local names of the outputs in per-point code (``o0, o1, ...``, clear of model symbols)."""
    from .model import fresh_prefix

    return [f"{fresh_prefix(ir.model.symbol_names(), 'o')}{k}" for k in range(len(ir.outputs))]


def output_lines(ir: KernelIR, ind: str, finite: str) -> tuple[list[str], list[str], list[str]]:
    """Statements from the point's coordinates to its outputs: (lines, output names, validity tests).

    ``finite`` formats the test that an output is finite (``"math.isfinite({})"`` on scalars).
    """
    pr = lambda e: print_expr(e, typed=TYPED)  # noqa: E731
    lines: list[str] = []
    for symbol, e in ir.per_point:
        lines += assign_lines(str(symbol), e, pr, ind)
    outs = output_names(ir)
    for name, e in zip(outs, ir.outputs, strict=True):
        lines += assign_lines(name, e, pr, ind)
    checks = [finite.format(o) for o in outs]
    if ir.valid is not None:
        checks.insert(0, f"({pr(ir.valid)} > {TYPED}(0.0))")
    return lines, outs, checks


def _store_uv(k: int) -> str:
    return f"uv[i, {k}]"


def _store_jac(r, c) -> str:
    return f"jac[i, {r}, {c}]"


def warp_point_lines(ir: KernelIR, ind: str, store_uv=_store_uv, store_jac=_store_jac) -> list[str]:
    """Scalar statements of point ``i``: outputs into ``uv``/``jac`` and ``valid``, NaN where invalid.

    ``store_uv(k)`` / ``store_jac(r, c)`` name where output ``k`` / Jacobian entry ``(r, c)`` is
    stored (``r, c`` are ints, or the names ``"r"``, ``"c"`` of loop variables); by default the
    point's row of ``uv`` / ``jac``.
    """
    m = ir.model
    pr = lambda e: print_expr(e, typed=TYPED)  # noqa: E731
    lines = [f"{ind}{x} = points[i, {k}]" for k, x in enumerate(m.point)]
    body, outs, checks = output_lines(ir, ind, "math.isfinite({})")
    lines += body
    lines.append(f"{ind}if {' and '.join(checks)}:")
    lines.append(f"{ind}    valid[i] = True")
    lines += [f"{ind}    {store_uv(k)} = {o}" for k, o in enumerate(outs)]
    if ir.jacobian is not None:
        for r, row in enumerate(ir.jacobian):
            for c, e in enumerate(row):
                lines.append(f"{ind}    {store_jac(r, c)} = {pr(e)}")
    lines.append(f"{ind}else:")
    lines.append(f"{ind}    valid[i] = False")
    lines += [f"{ind}    {store_uv(k)} = math.nan" for k in range(len(outs))]
    if ir.jacobian is not None:
        lines.append(f"{ind}    for r in range({len(ir.outputs)}):")
        lines.append(f"{ind}        for c in range({len(m.params)}):")
        lines.append(f"{ind}            {store_jac('r', 'c')} = math.nan")
    return lines


def warp_kernel(ir: KernelIR, packed: list[sp.Symbol], backend: Backend) -> str:
    """``_<kind>(h, points, <outputs>)``: one point per iteration of the backend's point loop."""
    arrays = WARP_SIGNATURES[ir.kind][1]
    lines = [backend.kernel_decorator, f"def _{ir.kind}(h, points, {arrays}):"]
    lines.append(f'    """Outputs of ``{ir.kind}`` for every point (float type of ``points``); NaN where invalid."""')
    lines.append(f"    {TYPED} = points.dtype.type")
    lines += unpack_lines(packed, "h[{}]", "    ", TYPED, ir.hoisted)
    lines += backend.point_loop("points.shape[0]")
    lines += warp_point_lines(ir, backend.loop_indent)
    return "\n".join(lines) + "\n"


def _inputs(model: WarpModel, params: str = "params") -> dict:
    inputs = {p: f"{params}[{k}]" for k, p in enumerate(model.params)}
    inputs.update({c: f"constants[{k}]" for k, c in enumerate(model.constants)})
    return inputs


def warp_description(model: WarpModel, backend: Backend, irs) -> dict:
    """``DESCRIPTION`` of a warp module."""
    return {
        "model": model.name,
        "target": backend.name,
        "params": model.param_names,
        "point": tuple(map(str, model.point)),
        "constants": tuple(map(str, model.constants)),
        "positive_constants": tuple(map(str, model.positive_constants)),
        "outputs": tuple(model.output_names),
        "has_validity": model.valid is not None,
        "kernels": tuple(ir.kind for ir in irs),
    }


def render_module(model: WarpModel, backend: Backend, irs=None) -> str:
    """Source of ``<model>_<target>.py``: warp and Jacobian kernels with their launchers."""
    irs = kernel_irs(model) if irs is None else irs
    parts: list[str] = []
    if any(ir.kind.endswith("_at_zero") for ir in irs):
        parts.append(f"ZERO_PARAMS = np.zeros({len(model.params)})\n")
    ops = []
    for ir in irs:
        packed = packed_symbols(ir)
        parts.append(hoist_function(ir.kind, model, ir.hoisted, packed, _inputs(model)))
        parts += backend.warp_kernels(ir, packed)
        signature, arrays, hoist_args = WARP_SIGNATURES[ir.kind]
        parts.append(backend.warp_launcher(ir.kind, signature, arrays, hoist_args))
        ops.append((f"_{ir.kind}", ir.ops))
    title = f"Warp and Jacobian kernels of the ``{model.name}`` model for the Numba {backend.name.upper()} target."
    return assemble(title, model, backend, warp_description(model, backend, irs), parts, ops)


def module_filename(model: WarpModel, backend: Backend) -> str:
    """File name of a generated warp module."""
    return f"{model.name}_{backend.name}.py"


__all__ = [
    "TYPED",
    "assemble",
    "commented",
    "hoist_device_function",
    "hoist_function",
    "hoisted_comments",
    "hoisted_size",
    "kernel_irs",
    "module_filename",
    "packed_symbols",
    "pose_device_function",
    "pose_function",
    "render_module",
    "runtime_hash",
    "runtime_sources",
    "unpack_lines",
    "warp_kernel",
    "warp_point_lines",
]
