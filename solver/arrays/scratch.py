"""Reusable scratch memory for the per-pair temporaries of an alignment.

One VGA alignment allocates about 20 MB of images, pyramids, gradient stacks and point arrays.
Fresh multi-megabyte NumPy arrays are mapped page by page on first touch (about 2,300 page
faults per pair, measured at 15-25 % of the wall time on a 2-vCPU VM). A :class:`Scratch` hands
out views of byte buffers kept in a process-wide free list instead, so consecutive alignments
write into pages that are already mapped; :meth:`Scratch.release` gives them back when the
alignment is done. Nothing handed out may outlive that call.
"""

from __future__ import annotations

import math
import threading

import numpy as np

MAX_POOLED_BYTES = 256 * 2**20
"""Free buffers kept for reuse, at most (larger excess is left to the garbage collector)."""

_lock = threading.Lock()
_free: list[np.ndarray] = []  # 1-D uint8 buffers, smallest first


def _take(nbytes: int) -> np.ndarray:
    with _lock:
        for i, buf in enumerate(_free):
            if buf.size >= nbytes:
                if buf.size > 2 * nbytes + 65536:  # far too large: keep it for a bigger request
                    break
                return _free.pop(i)
    return np.empty(max(nbytes, 1), dtype=np.uint8)


def _give(buffers: list[np.ndarray]) -> None:
    with _lock:
        _free.extend(buffers)
        _free.sort(key=lambda b: b.size)
        total = sum(b.size for b in _free)
        while _free and total > MAX_POOLED_BYTES:
            total -= _free.pop().size


def pooled_bytes() -> int:
    """Bytes held in the free list (for tests and diagnostics)."""
    with _lock:
        return sum(b.size for b in _free)


class Scratch:
    """Allocator of one alignment: :meth:`empty` like ``np.empty``, :meth:`release` when done."""

    def __init__(self) -> None:
        self._taken: list[np.ndarray] = []

    def empty(self, shape, dtype=np.float64) -> np.ndarray:
        """Uninitialised C-contiguous array of ``shape`` and ``dtype`` from the free list."""
        shape = (int(shape),) if isinstance(shape, int | np.integer) else tuple(int(s) for s in shape)
        dt = np.dtype(dtype)
        nbytes = math.prod(shape) * dt.itemsize
        buf = _take(nbytes)
        self._taken.append(buf)
        return buf[:nbytes].view(dt).reshape(shape)

    def release(self) -> None:
        """Return every buffer handed out; arrays from :meth:`empty` must no longer be used."""
        taken, self._taken = self._taken, []
        _give(taken)
