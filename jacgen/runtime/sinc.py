"""``phi_n``, the smooth sinc family of :mod:`jacgen.special`, as generated kernels and hoists evaluate it."""

from __future__ import annotations

import functools
import math

import numpy as np
from numba import njit

SERIES_THRESHOLD = 4.0
"""Below this ``s = t**2`` the series is used (at ``s = 4`` term 16 is below 1e-20 of the sum)."""
SERIES_TERMS = 16


@functools.cache
def phi_series_coefficients(n: int, terms: int = SERIES_TERMS) -> tuple[float, ...]:
    """Coefficients ``c_k = (-1)**k / (2k + n)!`` of the Taylor series of ``phi_n`` in ``s``.

    Plain Python (no Sympy): the kernels' constants, also read by :mod:`jacgen.special`.
    """
    return tuple((-1) ** k / math.factorial(2 * k + n) for k in range(terms))


PHI_MAX_ORDER = 7
"""Highest ``phi_n`` order the runtime evaluates (derivatives of the SE(3) exponential use up to 5)."""

PHI_COEFFICIENTS = np.array([phi_series_coefficients(n) for n in range(PHI_MAX_ORDER + 1)])
"""Row ``n``: Taylor coefficients of ``phi_n`` in ``s``, lowest order first."""

INVERSE_FACTORIALS = np.array([1.0 / math.factorial(k) for k in range(PHI_MAX_ORDER + 1)])


def phi_body(n, s):
    """``phi_n(s)``, ``s = t**2``: Taylor series (Horner) for ``s <= SERIES_THRESHOLD``, else closed form.

    Plain Python, compiled for each target (``n`` is a constant at every call site, so the loops
    unroll and the coefficients become immediates).
    """
    if s <= SERIES_THRESHOLD:
        acc = 0.0
        for k in range(SERIES_TERMS - 1, -1, -1):
            acc = acc * s + PHI_COEFFICIENTS[n, k]
        return acc
    t = math.sqrt(s)
    value = math.cos(t) if n % 2 == 0 else math.sin(t) / t
    for k in range(n % 2, n - 1, 2):
        value = (INVERSE_FACTORIALS[k] - value) / s
    return value


phi = njit(cache=True, inline="always")(phi_body)


__all__ = ["phi", "phi_body"]
