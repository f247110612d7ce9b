r"""Smooth "sinc-family" functions used by rotation exponentials.

Rodrigues' formula and the SE(3) exponential contain ``sin(t)/t``, ``(1 - cos t)/t**2`` and
``(t - sin t)/t**3``, which look singular at ``t = 0`` but are entire functions of ``s = t**2``.
They are all members of one family

.. math:: \phi_n(s) = \sum_{k \ge 0} \frac{(-s)^k}{(2k + n)!},

with :math:`\phi_0 = \cos t`, :math:`\phi_1 = \sin t / t`, :math:`\phi_2 = (1 - \cos t)/t^2`,
:math:`\phi_3 = (t - \sin t)/t^3`, and the closed recurrence
:math:`\phi_{n+2}(s) = (1/n! - \phi_n(s)) / s`. Their derivatives stay in the family,

.. math:: \phi_n'(s) = \tfrac{1}{2}\,(n\,\phi_{n+2}(s) - \phi_{n+1}(s)),

so Sympy can differentiate any expression built from them as often as it likes without ever
producing ``sqrt(s)`` or a division by ``s``. Generated code evaluates :math:`\phi_n` with a
Taylor series for ``s <= SERIES_THRESHOLD`` and the recurrence above it (the constants and the
series coefficients live in :mod:`jacgen.runtime.sinc`, which needs no Sympy at run time).
"""

from __future__ import annotations

import math

import sympy as sp


class Phi(sp.Function):
    """``Phi(n, s)``: the n-th member of the smooth sinc family, as a function of ``s = t**2``."""

    nargs = 2

    @classmethod
    def eval(cls, n, s):  # noqa: D102
        if not (n.is_Integer and n >= 0):
            raise ValueError(f"Phi order must be a non-negative integer, got {n}")
        if s.is_zero:
            return sp.Rational(1, sp.factorial(n))
        if n == 0 and s.is_number:
            return sp.cos(sp.sqrt(s))
        return None

    def fdiff(self, argindex: int = 2):  # noqa: D102
        if argindex != 2:
            raise sp.ArgumentIndexError(self, argindex)
        n, s = self.args
        return (n * Phi(n + 2, s) - Phi(n + 1, s)) / 2

    def _eval_evalf(self, prec):
        n, s = self.args
        if not (s.is_number and s.is_real):
            return None
        n = int(n)
        t = sp.sqrt(s)
        # Closed form through the recurrence, evaluated at high precision by mpmath via Sympy.
        if s == 0:
            return sp.Float(1 / math.factorial(n), prec)
        value = sp.cos(t) if n % 2 == 0 else sp.sin(t) / t
        for k in range(n % 2, n - 1, 2):
            value = (sp.Rational(1, math.factorial(k)) - value) / s
        return value.evalf(prec)
