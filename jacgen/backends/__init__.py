"""Code-generation targets: each is a :class:`~jacgen.backends.base.Backend` (config + emitters).

Running a target's generated modules is :mod:`jacgen.runners`' business (no Sympy there).
"""

from .base import Backend
from .cpu import CPU_BACKEND
from .cuda import CUDA_BACKEND

BACKENDS: dict[str, Backend] = {b.name: b for b in (CPU_BACKEND, CUDA_BACKEND)}

__all__ = ["BACKENDS", "Backend", "CPU_BACKEND", "CUDA_BACKEND"]
