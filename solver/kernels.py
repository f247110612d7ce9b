"""Thin layer over the generated fused kernels (``generated/<model>_align_<target>.py``)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

import numpy as np
from numba import njit

MODELS = ("se3", "rodrigues", "euler_xyz")
LOSSES = ("l2", "huber", "tukey", "cauchy")


def align_module(model: str, target: str = "cpu") -> ModuleType:
    """The generated fused-kernel module of ``model`` for ``target``."""
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; expected one of {MODELS}")
    if target not in ("cpu", "cuda"):
        raise ValueError(f"unknown target {target!r}; expected 'cpu' or 'cuda'")
    return importlib.import_module(f"generated.{model}_align_{target}")


@dataclass
class NormalEquations:
    """``H = J^T W J``, ``g = J^T W r`` (sums over used points), cost and point counts."""

    H: np.ndarray
    g: np.ndarray
    cost: float  # sum of rho(r) over used points
    n_used: int
    n_behind: int
    n_outside: int

    @property
    def mean_cost(self) -> float:
        """Cost per used point (``inf`` when none was used)."""
        return self.cost / self.n_used if self.n_used else float("inf")


def unpack(acc: np.ndarray, n_params: int) -> NormalEquations:
    """Turn a kernel's accumulator vector into :class:`NormalEquations`."""
    acc = np.asarray(acc, dtype=np.float64)
    H = np.empty((n_params, n_params))
    g = np.empty(n_params)
    _unpack(acc, H, g)
    k = n_params * (n_params + 3) // 2  # upper triangle, then g
    cost, n_used, n_behind, n_outside = acc[k : k + 4].tolist()
    return NormalEquations(H, g, cost, int(round(n_used)), int(round(n_behind)), int(round(n_outside)))


@njit(cache=True)
def _unpack(acc, H, g):
    """Upper triangle of ``H`` (row-major), then ``g``, from the front of ``acc``; ``H`` symmetrised."""
    n, k = g.size, 0
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = acc[k]
            k += 1
    for i in range(n):
        g[i] = acc[k + i]


def normal_equations(
    module: ModuleType,
    params: np.ndarray,
    constants: np.ndarray,
    points,
    iref,
    tgt,
    loss: str,
    loss_scale: float,
    brightness: bool,
) -> NormalEquations:
    """Run the fused kernel once; ``params`` has 6 (or 8 with brightness) entries."""
    loss_id = LOSSES.index(loss)
    kernel = module.normal_equations_brightness if brightness else module.normal_equations
    acc = kernel(params, constants, points, iref, tgt, loss_id, float(loss_scale))
    return unpack(np.asarray(acc), 8 if brightness else 6)


def residuals(module: ModuleType, params8: np.ndarray, constants: np.ndarray, points, iref, tgt) -> np.ndarray:
    """Per-point residuals (NaN where a point is behind the camera or outside the target)."""
    resid = np.empty(points.shape[0], dtype=points.dtype)
    module.residuals(params8, constants, points, iref, tgt, resid)
    return resid


def normal_equations_batch(
    module: ModuleType,
    params: np.ndarray,
    constants: np.ndarray,
    points,
    iref,
    tgt,
    offsets: np.ndarray,
    active: np.ndarray,
    loss: str,
    loss_scales: np.ndarray,
    brightness: bool,
) -> list[NormalEquations | None]:
    """One launch for many pairs: :class:`NormalEquations` of each active pair (``None`` for the others)."""
    kernel = module.normal_equations_brightness_batch if brightness else module.normal_equations_batch
    acc = kernel(params, constants, points, iref, tgt, offsets, active, LOSSES.index(loss), loss_scales)
    n = 8 if brightness else 6
    return [unpack(row, n) if a else None for row, a in zip(np.asarray(acc), active, strict=True)]
