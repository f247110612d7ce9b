"""Non-temporal (streaming) stores for the generated CPU kernels, and the streaming kernels' sizes.

A kernel that writes N x 2 x 6 Jacobians larger than the caches is bound by memory traffic, and a
normal store first reads each destination cache line (write-allocate), so every output byte
crosses the memory bus twice. A store marked ``!nontemporal`` goes to memory through the
write-combining buffers without that read. Numba has no such store, so it is an LLVM intrinsic
here. Two neighbouring values go out as one 16-byte (float64) or 8-byte (float32) store
(:func:`stream_store_pair`): measured on a 2-vCPU AMD EPYC VM, a kernel that only moves the warp
Jacobian's bytes took 1.06 ms with pairs against 1.15-1.20 ms with single stores (307,200 float64
points). Streaming stores are weakly ordered: a kernel ends each thread's run of them with
:func:`store_fence` before another thread (or the caller) may read the data. The streaming
kernels run in chunks of :data:`STREAM_CHUNK` points (tiles of :data:`STREAM_TILE`), from
:data:`STREAM_MIN_POINTS` points on.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

STREAM_CHUNK = 4096
"""Points per streaming chunk: one fence per chunk orders its non-temporal stores."""

STREAM_TILE = 128
"""Points per tile of a tile kernel: the tile's outputs (14 rows of 128 float64 for
``warp_jacobian``, 14 KB) stay in L1 between the compute loop and the store loop."""

STREAM_MIN_POINTS = 65536
"""From this many points on, launchers pick the streaming kernels: outputs of 4 MB (float32) or
7 MB (float64) and more no longer fit the caches, so skipping write-allocate wins; below it,
the plain kernels' normal stores leave the outputs in cache for the caller (and one
``STREAM_CHUNK`` per thread would leave threads idle)."""


@intrinsic
def stream_store(typingctx, array, index, value):
    """``array[index] = value`` with a non-temporal hint; ``array`` 1-D contiguous, no bounds check."""
    if not (isinstance(array, types.Array) and array.ndim == 1 and isinstance(index, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        array_type, _, value_type = signature.args
        data = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, data, [args[1]], wraparound=False, boundscheck=False
        )
        store = builder.store(context.cast(builder, args[2], value_type, array_type.dtype), pointer)
        store.set_metadata("nontemporal", builder.module.add_metadata([ir.IntType(32)(1)]))
        return context.get_dummy_value()

    return types.void(array, index, value), codegen


@intrinsic
def stream_store_pair(typingctx, array, index, first, second):
    """``array[index], array[index + 1] = first, second`` as one non-temporal vector store.

    ``array`` is 1-D contiguous, ``index`` even and the data aligned to two items
    (:func:`pair_aligned`): the store is declared aligned (``movntpd`` faults otherwise). No bounds check.
    """
    if not (isinstance(array, types.Array) and array.ndim == 1 and isinstance(index, types.Integer)):
        return None

    def codegen(context, builder, signature, args):
        array_type = signature.args[0]
        data = context.make_array(array_type)(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, array_type, data, [args[1]], wraparound=False, boundscheck=False
        )
        item = context.get_data_type(array_type.dtype)
        vector_type = ir.VectorType(item, 2)
        vector = ir.Constant(vector_type, ir.Undefined)
        for k in range(2):
            value = context.cast(builder, args[2 + k], signature.args[2 + k], array_type.dtype)
            vector = builder.insert_element(vector, value, ir.IntType(32)(k))
        size = context.get_abi_sizeof(item)
        store = builder.store(vector, builder.bitcast(pointer, vector_type.as_pointer()), align=2 * size)
        store.set_metadata("nontemporal", builder.module.add_metadata([ir.IntType(32)(1)]))
        return context.get_dummy_value()

    return types.void(array, index, first, second), codegen


def pair_aligned(*arrays: np.ndarray) -> bool:
    """Whether every array's data is aligned to two of its items (as :func:`stream_store_pair` needs)."""
    return all(a.__array_interface__["data"][0] % (2 * a.itemsize) == 0 for a in arrays)


@intrinsic
def store_fence(typingctx):
    """A sequentially consistent fence: orders the preceding streaming stores (``mfence`` on x86)."""

    def codegen(context, builder, signature, args):
        builder.fence("seq_cst")
        return context.get_dummy_value()

    return types.void(), codegen


__all__ = [
    "STREAM_CHUNK",
    "STREAM_MIN_POINTS",
    "STREAM_TILE",
    "pair_aligned",
    "store_fence",
    "stream_store",
    "stream_store_pair",
]
