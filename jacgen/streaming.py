"""Non-temporal (streaming) stores for the generated CPU kernels.

A kernel that writes N x 2 x 6 Jacobians larger than the caches is bound by memory traffic, and a
normal store first reads each destination cache line (write-allocate), so every output byte
crosses the memory bus twice. A store marked ``!nontemporal`` goes to memory through the
write-combining buffers without that read. Numba has no such store, so it is an LLVM intrinsic
here. Streaming stores are weakly ordered: a kernel ends each thread's run of them with
:func:`store_fence` before another thread (or the caller) may read the data.
"""

from __future__ import annotations

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic


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
def store_fence(typingctx):
    """A sequentially consistent fence: orders the preceding streaming stores (``mfence`` on x86)."""

    def codegen(context, builder, signature, args):
        builder.fence("seq_cst")
        return context.get_dummy_value()

    return types.void(), codegen


__all__ = ["stream_store", "store_fence"]
