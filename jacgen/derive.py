"""Symbolic derivation: Jacobian, common-subexpression elimination and hoisting.

The result is a :class:`KernelIR`: straight-line code split into terms that depend only on the
parameters and constants (``hoisted``: computed once per call) and terms that depend on the point
(``per_point``: computed inside the loop), plus the output, Jacobian and validity expressions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import sympy as sp

from .model import WarpModel, fresh_prefix


@dataclass
class OpCounts:
    """Operation counts (Sympy ``count_ops``) of one kernel."""

    before_cse: int
    after_cse: int
    hoisted: int
    per_point: int


@dataclass
class KernelIR:
    """Straight-line program for one kernel."""

    model: WarpModel
    kind: str  # "warp", "warp_jacobian" or "warp_jacobian_at_zero"
    hoisted: list[tuple[sp.Symbol, sp.Expr]]
    per_point: list[tuple[sp.Symbol, sp.Expr]]
    outputs: list[sp.Expr]
    jacobian: list[list[sp.Expr]] | None
    valid: sp.Expr | None
    ops: OpCounts


def _ops(exprs) -> int:
    return int(sum(sp.count_ops(e) for e in exprs))


class Hoister:
    """Pull maximal parameter-only subexpressions out of per-point expressions.

    Parameters
    ----------
    hoistable
        Symbols known once per call (parameters, constants); hoisted names join them.
    prefix
        Name prefix of the hoisted symbols (``h0, h1, ...``), clear of the model's names.

    ``assignments`` lists the hoisted ``(symbol, expression)`` pairs in definition order.
    """

    def __init__(self, hoistable: set[sp.Symbol], prefix: str = "h"):
        self.prefix = prefix
        self.hoistable = set(hoistable)
        self.assignments: list[tuple[sp.Symbol, sp.Expr]] = []
        self._by_expr: dict[sp.Expr, sp.Symbol] = {}

    def is_hoistable(self, e: sp.Expr) -> bool:
        """Whether ``e`` reads hoistable symbols only."""
        return e.free_symbols <= self.hoistable

    def name(self, e: sp.Expr) -> sp.Symbol:
        """The hoisted symbol of ``e``: the one named before for the same expression, else a new one."""
        if e in self._by_expr:
            return self._by_expr[e]
        sym = sp.Symbol(f"{self.prefix}{len(self.assignments)}", real=True)
        self.assignments.append((sym, e))
        self._by_expr[e] = sym
        self.hoistable.add(sym)
        return sym

    def hoist_assignment(self, sym: sp.Symbol, e: sp.Expr) -> sp.Symbol:
        """Record ``sym = e`` (parameter-only) under a fresh ``h`` name; return that name."""
        return self.name(e)

    def extract(self, e: sp.Expr) -> sp.Expr:
        """Rewrite ``e`` so that every parameter-only compound subterm is a hoisted symbol."""
        if e.is_Atom:
            return e
        if self.is_hoistable(e):
            return self.name(e)
        if isinstance(e, (sp.Add, sp.Mul)):
            fixed = [a for a in e.args if self.is_hoistable(a)]
            rest = [self.extract(a) for a in e.args if not self.is_hoistable(a)]
            if len(fixed) > 1 or (len(fixed) == 1 and not fixed[0].is_Atom):
                fixed = [self.name(e.func(*fixed))]
            return e.func(*fixed, *rest)
        return e.func(*[self.extract(a) for a in e.args])


def _cross(a, b) -> list[sp.Expr]:
    return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]]


def _tangent_form(model: WarpModel, rotated: tuple[sp.Symbol, ...]):
    """Outputs, Jacobian and validity of a rigid model in terms of ``rotated = R X``.

    With ``q = R X + t`` and ``[w_k]_x = (dR/dp_k) R^T`` (skew because ``R R^T = I``),
    ``d out/dp_k = g . (w_k x R X + dt/dp_k) = w_k . (R X x g) + g . dt/dp_k`` for ``g = d out/dq``.
    ``w_k`` and ``dt/dp_k`` depend on the parameters only, so per point this costs one cross product
    per output and a three-term dot product per rotation-dependent column.
    """
    motion = model.motion
    R, t = motion.rotation, motion.translation
    moved = {q: rotated[j] + t[j] for j, q in enumerate(motion.moved)}
    outputs = [e.xreplace(moved) for e in motion.projection]
    valid = None if motion.valid is None else motion.valid.xreplace(moved)
    grads = [[sp.diff(e, q).xreplace(moved) for q in motion.moved] for e in motion.projection]
    arms = [_cross(rotated, g) for g in grads]
    jac = [[sp.S.Zero] * len(model.params) for _ in outputs]
    for k, p in enumerate(model.params):
        M = R.diff(p) * R.T
        w = [(M[2, 1] - M[1, 2]) / 2, (M[0, 2] - M[2, 0]) / 2, (M[1, 0] - M[0, 1]) / 2]
        dt = t.diff(p)
        for o, (g, arm) in enumerate(zip(grads, arms, strict=True)):
            jac[o][k] = sum((w[j] * arm[j] for j in range(3)), sp.S.Zero) + sum(
                (g[j] * dt[j] for j in range(3)), sp.S.Zero
            )
    return outputs, jac, valid


def _dependency_order(assignments: list[tuple[sp.Symbol, sp.Expr]]) -> list[tuple[sp.Symbol, sp.Expr]]:
    """Stable topological order: each assignment after the ones it reads, else in list order."""
    defined = {s for s, _ in assignments}
    done: set[sp.Symbol] = set()
    pending = list(assignments)
    ordered = []
    while pending:
        for i, (s, e) in enumerate(pending):
            if (e.free_symbols & defined) <= done:
                ordered.append(pending.pop(i))
                done.add(s)
                break
        else:
            raise ValueError("cyclic per-point assignments")
    return ordered


def _reuse_reciprocals(per_point: list[tuple[sp.Symbol, sp.Expr]], reduced: list[sp.Expr]):
    """Write ``b**-k`` as ``r**k`` where an earlier per-point ``r = 1/b`` exists (one division per ``b``)."""
    reciprocal: dict[sp.Expr, sp.Symbol] = {}

    def is_power_of_reciprocal(e) -> bool:
        return e.is_Pow and e.exp.is_Integer and e.exp < -1 and e.base in reciprocal

    def rewrite(e: sp.Expr) -> sp.Expr:
        return e.replace(is_power_of_reciprocal, lambda p: reciprocal[p.base] ** (-p.exp)) if reciprocal else e

    rewritten = []
    for sym, e in per_point:
        e = rewrite(e)
        rewritten.append((sym, e))
        if e.is_Pow and e.exp == -1:
            reciprocal[e.base] = sym
    return rewritten, [rewrite(e) for e in reduced]


@functools.cache
def derive(model: WarpModel, kind: str) -> KernelIR:
    """Derive the straight-line program of one kernel of ``model`` (once per process: cached).

    Parameters
    ----------
    model
        The warp.
    kind
        ``"warp"`` (outputs only), ``"warp_jacobian"`` (outputs and Jacobian), or either with
        ``"_at_zero"`` appended (evaluated at ``params = 0``).
    """
    if kind not in ("warp", "warp_at_zero", "warp_jacobian", "warp_jacobian_at_zero"):
        raise ValueError(f"unknown kernel kind {kind!r}")
    taken = model.symbol_names()
    outputs = list(model.outputs)
    jac = None
    valid = model.valid
    rotated: tuple[sp.Symbol, ...] = ()
    if kind == "warp_jacobian" and model.motion is not None:
        rotated = tuple(sp.symbols(f"{fresh_prefix(taken, 'rx')}0:3", real=True))
        outputs, jac, valid = _tangent_form(model, rotated)
    elif kind.startswith("warp_jacobian"):
        jac = [[sp.diff(o, p) for p in model.params] for o in outputs]
    if kind.endswith("_at_zero"):
        zero = {p: 0 for p in model.params}
        outputs = [o.subs(zero) for o in outputs]
        jac = None if jac is None else [[e.subs(zero) for e in row] for row in jac]
        valid = None if valid is None else valid.subs(zero)

    flat = list(outputs) + ([e for row in jac for e in row] if jac else [])
    if valid is not None:
        flat.append(valid)
    rotated_exprs = list(model.motion.rotation * sp.Matrix(model.point)) if rotated else []
    before = _ops(flat + rotated_exprs)
    flat += rotated_exprs

    cse_symbols = sp.numbered_symbols(fresh_prefix(taken, "x"), real=True)
    replacements, reduced = sp.cse(flat, symbols=cse_symbols, order="none")

    hoist = Hoister(set(model.params) | set(model.constants), fresh_prefix(taken, "h"))
    point_prefix = fresh_prefix(taken, "p")
    per_point: list[tuple[sp.Symbol, sp.Expr]] = []
    rename: dict[sp.Symbol, sp.Symbol] = {}
    for sym, e in replacements:
        e = e.xreplace(rename)
        if hoist.is_hoistable(e):
            rename[sym] = hoist.hoist_assignment(sym, e)
        else:
            new = sp.Symbol(f"{point_prefix}{len(per_point)}", real=True)
            per_point.append((new, hoist.extract(e)))
            rename[sym] = new
    reduced = [hoist.extract(e.xreplace(rename)) for e in reduced]
    if rotated:
        # R X is the first per-point value; the cse'd terms that use it must follow it.
        per_point = _dependency_order(list(zip(rotated, reduced[-3:], strict=True)) + per_point)
        reduced = reduced[:-3]
    per_point, reduced = _reuse_reciprocals(per_point, reduced)

    n_out = len(outputs)
    out_exprs = reduced[:n_out]
    jac_exprs = None
    if jac is not None:
        n_par = len(model.params)
        body = reduced[n_out : n_out + n_out * n_par]
        jac_exprs = [body[i * n_par : (i + 1) * n_par] for i in range(n_out)]
    valid_expr = reduced[-1] if valid is not None else None

    hoisted_ops = _ops(e for _, e in hoist.assignments)
    point_ops = _ops([e for _, e in per_point] + reduced)
    return KernelIR(
        model=model,
        kind=kind,
        hoisted=hoist.assignments,
        per_point=per_point,
        outputs=out_exprs,
        jacobian=jac_exprs,
        valid=valid_expr,
        ops=OpCounts(before, hoisted_ops + point_ops, hoisted_ops, point_ops),
    )
