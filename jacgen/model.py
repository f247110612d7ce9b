"""Declarative description of a warp: parameters, point coordinates, constants and outputs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import sympy as sp

RESERVED_NAMES = frozenset(
    "i h n r c s t out acc value points uv jac valid params constants stream blocks math np cuda njit prange".split()
)
"""Names the kernel templates use for their own variables; model symbols may not take them."""


def fresh_prefix(taken: set[str], base: str) -> str:
    """Shortest ``base``-derived prefix such that no ``<prefix><digits>`` name is in ``taken``."""
    prefix = base
    while any(re.fullmatch(rf"{prefix}\d+", name) for name in taken):
        prefix += base
    return prefix


@dataclass(frozen=True)
class WarpModel:
    """A warp ``outputs = W(point; params, constants)`` to differentiate and generate kernels for.

    Parameters
    ----------
    name
        Identifier; the generated modules are called ``<name>_cpu.py`` and ``<name>_cuda.py``.
    params
        Parameter symbols, in the order of the Jacobian's columns.
    point
        Per-point input symbols (e.g. ``X, Y, Z``).
    constants
        Per-call constants such as intrinsics ``fx, fy, cx, cy``; never differentiated.
    outputs
        Output expressions (e.g. pixel coordinates ``u, v``), the Jacobian's rows.
    valid
        Expression that must be ``> 0`` for a point to be valid (e.g. depth after the transform);
        ``None`` means every finite point is valid.
    positive_constants
        Constants that must be strictly positive (checked at call time).
    zero_specialisation
        Also emit ``*_at_zero`` kernels: the Jacobian at ``params = 0``, for forward-compositional
        solvers that apply the increment to points already moved by the current estimate.
    description
        One line shown by ``python -m jacgen list`` and in the generated banner.
    """

    name: str
    params: tuple[sp.Symbol, ...]
    point: tuple[sp.Symbol, ...]
    constants: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]
    valid: sp.Expr | None = None
    positive_constants: tuple[sp.Symbol, ...] = ()
    zero_specialisation: bool = False
    description: str = ""
    output_names: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"model name must be a Python identifier, got {self.name!r}")
        names = [str(s) for s in (*self.params, *self.point, *self.constants)]
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name!r}: symbol names must be unique, got {names}")
        clash = sorted(n for n in names if n in RESERVED_NAMES or n.startswith("_") or not n.isidentifier())
        if clash:
            raise ValueError(
                f"model {self.name!r}: symbol names {clash} are reserved by the kernel templates or not identifiers"
            )
        allowed = set(self.params) | set(self.point) | set(self.constants)
        for expr in (*self.outputs, *(() if self.valid is None else (self.valid,))):
            extra = sp.sympify(expr).free_symbols - allowed
            if extra:
                raise ValueError(f"model {self.name!r}: undeclared symbols {sorted(map(str, extra))}")
        if not set(self.positive_constants) <= set(self.constants):
            raise ValueError(f"model {self.name!r}: positive_constants must be constants")
        if not self.output_names:
            object.__setattr__(self, "output_names", tuple(f"out{i}" for i in range(len(self.outputs))))

    def symbol_names(self) -> set[str]:
        """Names of all parameter, point and constant symbols."""
        return {str(s) for s in (*self.params, *self.point, *self.constants)}

    @property
    def param_names(self) -> tuple[str, ...]:
        """Parameter names in Jacobian column order."""
        return tuple(str(p) for p in self.params)

    def source_hash(self) -> str:
        """Short hash of the model's symbolic content (stable across runs and machines)."""
        text = repr(
            (
                self.name,
                [sp.srepr(s) for s in self.params],
                [sp.srepr(s) for s in self.point],
                [sp.srepr(s) for s in self.constants],
                [sp.srepr(e) for e in self.outputs],
                None if self.valid is None else sp.srepr(self.valid),
                [sp.srepr(s) for s in self.positive_constants],
                self.zero_specialisation,
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def define_model(
    name: str,
    *,
    params: str | tuple,
    point: str | tuple,
    outputs,
    constants: str | tuple = (),
    valid=None,
    positive_constants: str | tuple = (),
    zero_specialisation: bool = False,
    description: str = "",
    output_names: tuple[str, ...] = (),
) -> WarpModel:
    """Build a :class:`WarpModel`; symbol groups may be given as space-separated names.

    ``outputs`` may be a callable taking ``(params, point, constants)`` symbol tuples and
    returning the output expressions, or a sequence of expressions in already-created symbols.

    Examples
    --------
    >>> sim = define_model(
    ...     "similarity2d", params="a b tx ty", point="x y",
    ...     outputs=lambda p, X, c: ((1 + p[0]) * X[0] - p[1] * X[1] + p[2],
    ...                               p[1] * X[0] + (1 + p[0]) * X[1] + p[3]))
    """

    def symbols(group) -> tuple[sp.Symbol, ...]:
        if isinstance(group, str):
            return tuple(sp.symbols(group, real=True, seq=True)) if group.strip() else ()
        return tuple(group)

    p, x, c = symbols(params), symbols(point), symbols(constants)
    outs = outputs(p, x, c) if callable(outputs) else outputs
    val = valid(p, x, c) if callable(valid) else valid
    pos = symbols(positive_constants)
    by_name = {str(s): s for s in c}
    pos = tuple(by_name.get(str(s), s) for s in pos)
    return WarpModel(
        name=name,
        params=p,
        point=x,
        constants=c,
        outputs=tuple(sp.sympify(o) for o in outs),
        valid=None if val is None else sp.sympify(val),
        positive_constants=pos,
        zero_specialisation=zero_specialisation,
        description=description,
        output_names=tuple(output_names),
    )
