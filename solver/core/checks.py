"""Input checks shared by every entry point: numbers, counts, intrinsics, poses, dtypes, parameter masks.

Each raises ``ValueError`` naming the argument and what it must be.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence

import numpy as np


def check_int(name: str, value, minimum: int) -> int:
    """``value`` as an ``int >= minimum``; ``ValueError`` naming ``name`` otherwise (bools and floats too)."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_number(name: str, value, positive: bool = False) -> float:
    """``value`` as a finite float, ``> 0`` with ``positive``, else ``>= 0``; ``ValueError`` naming ``name``."""
    bound = "> 0" if positive else ">= 0"
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Real):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    v = float(value)
    if not (math.isfinite(v) and (v > 0 if positive else v >= 0)):
        raise ValueError(f"{name} must be a finite number {bound}, got {value!r}")
    return v


def check_per_level(name: str, value, check: Callable):
    """``None``, one value for every level, or a tuple of values per level (coarse to fine), each ``check(name, v)``."""
    if value is None:
        return None
    if np.ndim(value) == 0:
        return check(name, value)
    return tuple(check(name, v) for v in value)


def check_bool(name: str, value) -> bool:
    """``value`` as a bool: ``True`` or ``False`` (NumPy's too), nothing else."""
    if not isinstance(value, bool | np.bool_):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return bool(value)


METHODS = ("lm", "gn")
"""Levenberg-Marquardt, or undamped Gauss-Newton."""


def check_method(method) -> str:
    """``"lm"`` or ``"gn"``."""
    if method not in METHODS:
        raise ValueError(f"method must be 'lm' or 'gn', got {method!r}")
    return method


def check_intrinsics(intrinsics) -> np.ndarray:
    """``(fx, fy, cx, cy)`` as floats, finite, with positive focal lengths."""
    try:
        k = np.asarray(intrinsics, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        k = np.full(0, np.nan)  # not numbers: reported below
    if k.shape != (4,) or not np.all(np.isfinite(k)):
        raise ValueError(f"intrinsics must be 4 finite numbers (fx, fy, cx, cy), got {intrinsics!r}")
    if k[0] <= 0 or k[1] <= 0:
        raise ValueError(f"intrinsics: fx and fy must be > 0, got {k[:2]}")
    return k


def check_pose(init) -> np.ndarray:
    """A 4x4 rigid transform (identity for None), as a new array.

    A rotation within the tolerance of orthonormal (1e-6) is replaced by the nearest rotation and
    the last row is set to exactly ``0 0 0 1``, so that the result's pose is rigid to rounding
    even where no step is taken.
    """
    if init is None:
        return np.eye(4)
    try:
        T = np.array(init, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"init must be a finite 4x4 pose, got {init!r}") from None
    if T.shape != (4, 4) or not np.all(np.isfinite(T)):
        raise ValueError(f"init must be a finite 4x4 pose, got shape {T.shape}")
    R = T[:3, :3]
    if not np.allclose(R.T @ R, np.eye(3), atol=1e-6) or np.linalg.det(R) < 0 or not np.allclose(T[3], [0, 0, 0, 1]):
        raise ValueError("init must be a rigid transform: orthonormal rotation with det +1 and last row 0 0 0 1")
    if np.abs(R.T @ R - np.eye(3)).max() > 1e-14:
        U, _, Vt = np.linalg.svd(R)
        T[:3, :3] = U @ Vt
    T[3] = (0.0, 0.0, 0.0, 1.0)
    return T


def free_mask(model_names: Sequence[str], fixed: Sequence[str]) -> np.ndarray:
    """Boolean mask of solved parameters; unknown names raise ``ValueError`` (one name may be a plain string)."""
    if isinstance(fixed, str):
        fixed = (fixed,)
    try:
        fixed = tuple(fixed)
    except TypeError:
        raise ValueError(f"fixed must be a sequence of parameter names {tuple(model_names)}, got {fixed!r}") from None
    unknown = [f for f in fixed if f not in model_names]
    if unknown:
        raise ValueError(f"fixed names unknown parameters {unknown}; parameters are {tuple(model_names)}")
    mask = np.array([n not in fixed for n in model_names])
    if not mask.any():
        raise ValueError("every parameter is fixed: nothing to solve")
    return mask


def check_dtype(dtype) -> np.dtype:
    """``float32`` or ``float64`` (a name, NumPy type or dtype)."""
    try:
        dt = None if dtype is None else np.dtype(dtype)
    except TypeError:
        dt = None
    if dt is None or dt.name not in ("float32", "float64"):  # (None == np.dtype("float64") is True)
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    return dt


def check_depth_range(depth_range) -> tuple[float, float]:
    """``(min, max)`` metres with ``0 < min < max``."""
    try:
        lo, hi = (float(v) for v in depth_range)
    except (TypeError, ValueError):
        lo = hi = math.nan
    if not (0 < lo < hi):
        raise ValueError(f"depth_range must be (min, max) with 0 < min < max, got {depth_range!r}")
    return lo, hi
