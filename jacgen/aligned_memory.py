"""Cache-line-aligned output arrays (no Numba import: the API allocates with it)."""

from __future__ import annotations

import numpy as np

OUTPUT_ALIGNMENT = 64
"""Byte alignment (one cache line) of the outputs the public API allocates."""


def empty_aligned(shape, dtype, alignment: int = OUTPUT_ALIGNMENT) -> np.ndarray:
    """``np.empty(shape, dtype)`` whose data starts on a multiple of ``alignment`` bytes.

    NumPy's large arrays start 16 bytes into a page, so every cache line of a streaming kernel's
    output straddles two groups of points: measured on a 2-vCPU AMD EPYC VM (307,200 float64
    points, four processes), the lane kernel took 0.99-1.44x the memory floor's time on
    64-byte-aligned outputs against 1.08-1.57x on NumPy's, 4-11 % more time in every process (the
    floor's own time did not depend on the alignment).
    Preallocate large outputs with this for the fastest path.
    """
    dtype = np.dtype(dtype)
    if alignment <= 0 or alignment % dtype.itemsize:
        raise ValueError(f"alignment must be a positive multiple of the item size {dtype.itemsize}, got {alignment}")
    count = int(np.prod(shape, dtype=np.int64))
    buffer = np.empty(count * dtype.itemsize + alignment, np.uint8)
    offset = -buffer.__array_interface__["data"][0] % alignment
    return buffer[offset : offset + count * dtype.itemsize].view(dtype).reshape(shape)


__all__ = ["empty_aligned", "OUTPUT_ALIGNMENT"]
