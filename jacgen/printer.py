"""Sympy printer for Numba (CPU and CUDA) straight-line code."""

from __future__ import annotations

import re

import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from .special import Phi


class NumbaPrinter(PythonCodePrinter):
    """Print expressions as Python that Numba compiles to tight scalar code.

    Parameters
    ----------
    typed
        Wrap numeric literals as ``_T(value)`` (or ``<typed>(value)`` when a name is given) so that
        a float32 kernel stays in float32 (a bare ``2.0`` is a float64 in Numba and would promote
        the whole expression).

    phi
        Name ``Phi(n, s)`` prints as: ``phi(n, s)`` (:func:`jacgen.runtime.sinc.phi`) by default, or
        that of a device twin (``phi_device`` in CUDA device functions).
    """

    def __init__(self, typed: bool | str = False, phi: str = "phi"):
        super().__init__({"fully_qualified_modules": True, "standard": "python3"})
        self.typed = typed
        self.phi = phi

    def _literal(self, value: str) -> str:
        if not self.typed:
            return value
        return f"{self.typed if isinstance(self.typed, str) else '_T'}({value})"

    def _print_Integer(self, expr):
        return self._literal(f"{int(expr)}.0")

    def _print_Rational(self, expr):
        return self._literal(repr(float(expr)))

    def _print_Float(self, expr):
        return self._literal(repr(float(expr)))

    def _print_Half(self, expr):
        return self._literal("0.5")

    def _print_NegativeOne(self, expr):
        return self._literal("-1.0")

    def _print_One(self, expr):
        return self._literal("1.0")

    def _print_Zero(self, expr):
        return self._literal("0.0")

    def _print_Phi(self, expr: Phi):
        n, s = expr.args
        return f"{self.phi}({int(n)}, {self._print(s)})"

    def parenthesize(self, item, level, strict=False):
        """Bracket ``x**n`` (printed ``x*...*x``) as an operand of ``*`` or ``/`` (or of a negative product)."""
        text = super().parenthesize(item, level, strict)
        unrolled = isinstance(item, sp.Pow) and item.exp.is_Integer and 2 <= int(item.exp) <= 4
        if unrolled and level >= sp.printing.precedence.PRECEDENCE["Add"] and not text.startswith("("):
            return f"({text})"
        return text

    def _print_Pow(self, expr, rational=False):
        base, exp = expr.args
        b = self.parenthesize(base, sp.printing.precedence.PRECEDENCE["Mul"] + 1)
        if exp.is_Integer and 1 <= abs(int(exp)) <= 4:
            n = abs(int(exp))
            prod = "*".join([b] * n)
            if int(exp) > 0:
                return prod
            return f"{self._literal('1.0')}/{b}" if n == 1 else f"{self._literal('1.0')}/({prod})"
        if exp == sp.S.Half:
            return f"math.sqrt({self._print(base)})"
        if exp == -sp.S.Half:
            return f"{self._literal('1.0')}/math.sqrt({self._print(base)})"
        return f"{b}**{self._print(exp)}"


_BINARY = re.compile(r"(?<![*eE])\s*(?<!\*)([*/])(?!\*)\s*")


def print_expr(expr: sp.Expr, typed: bool | str = False, phi: str = "phi") -> str:
    """Return ``expr`` as Numba-compatible Python source, spaced as the formatter spaces it.

    ``typed`` may be the name of a dtype constructor (e.g. ``"T"``) that wraps every literal;
    ``phi`` is the name ``Phi(n, s)`` prints as (see :class:`NumbaPrinter`).
    """
    text = NumbaPrinter(typed=typed, phi=phi).doprint(expr)
    return _BINARY.sub(r" \1 ", text)


LINE_LIMIT = 116


def assign_lines(name: str, expr: sp.Expr, pr, ind: str) -> list[str]:
    """``name = expr`` split into partial sums/products so that no line exceeds the formatter's limit."""
    text = f"{ind}{name} = {pr(expr)}"
    if len(text) <= LINE_LIMIT or not isinstance(expr, (sp.Add, sp.Mul)) or len(expr.args) < 2:
        return [text]
    half = len(expr.args) // 2
    left, right = expr.func(*expr.args[:half]), expr.func(*expr.args[half:])
    op = "+" if isinstance(expr, sp.Add) else "*"
    return [
        *assign_lines(f"{name}_a", left, pr, ind),
        *assign_lines(f"{name}_b", right, pr, ind),
        f"{ind}{name} = {name}_a {op} {name}_b",
    ]
