"""The smooth sinc family against mpmath, including its derivative identity."""

import mpmath as mp
import pytest
import sympy as sp

from jacgen.runtime.sinc import phi
from jacgen.special import Phi


def phi_mp(n: int, s):
    # direct series at the caller's precision: independent of the recurrence
    s = mp.mpf(s)
    return mp.fsum((-s) ** k / mp.factorial(2 * k + n) for k in range(80))


@pytest.mark.parametrize("n", range(6))
@pytest.mark.parametrize("s", [0.0, 1e-24, 1e-12, 1e-6, 0.25, 3.99, 4.0, 4.01, 9.61, 30.0])
def test_phi_double_precision(n, s):
    with mp.workdps(50):
        ref = phi_mp(n, s)
    assert abs(phi(n, s) - float(ref)) <= 5e-15 * max(abs(float(ref)), 1e-3)  # the kernels' phi_n


def test_phi_derivative_identity():
    s = sp.Symbol("s", positive=True)
    for n in range(1, 4):
        d = sp.diff(Phi(n, s), s)
        for value in (0.5, 2.0, 7.0):
            with mp.workdps(40):
                numeric = mp.diff(lambda x, n=n: phi_mp(n, x), value)
            assert abs(float(d.subs(s, value).evalf(30)) - float(numeric)) < 1e-13


def test_phi_exact_at_zero():
    assert Phi(1, 0) == 1 and Phi(2, 0) == sp.Rational(1, 2) and Phi(3, 0) == sp.Rational(1, 6)
