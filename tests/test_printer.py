"""The Numba printer keeps Sympy's grouping when it unrolls integer powers."""

import math

import pytest
import sympy as sp

from jacgen.printer import print_expr

x, y, z = sp.symbols("x y z", real=True)


@pytest.mark.parametrize(
    "expr",
    [2 / x**3, 2 * y / x**2, x**2 * y, x / (y * z**2), z * (x + y) ** 2, 1 / x**4, (x**2 + y) / z**3, -3 * x**-2],
)
def test_printed_expression_evaluates_like_sympy(expr):
    values = {x: 1.7, y: -0.3, z: 2.9}
    text = print_expr(expr, typed="_F64")
    printed = eval(text, {"_F64": float, "math": math}, {str(k): v for k, v in values.items()})
    assert printed == pytest.approx(float(expr.subs(values)), rel=1e-14), text
