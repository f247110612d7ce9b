"""Lane vectors for Numba: the per-point code of a kernel run on several points at once.

The streaming kernels are bound by their non-temporal stores, and a core does no arithmetic while
its store buffer is full. Computing a whole tile first and storing it afterwards therefore costs
compute time plus store time; interleaving the two at a grain of a few points lets them overlap,
but LLVM vectorises no loop that holds non-temporal stores, and Numba leaves the SLP vectoriser
(which would pack straight-line code for a few points) switched off because of miscompilations.
So the generated kernels say it explicitly: :class:`LaneVector` is an LLVM vector of ``lanes``
floats (``<4 x double>``, ``<8 x float>``) with the arithmetic, comparisons and ``abs`` /
``math.sqrt`` that printed per-point code uses, so the same printed statements run on
``lanes`` points. :func:`lane_rows` gathers one coordinate of ``lanes`` consecutive points,
:func:`lane_select` chooses per lane, :func:`lane_store_mask` writes ``valid`` and
:func:`lane_stream_rows` writes ``lanes`` output rows with non-temporal stores of two values each.

Arithmetic carries the same fast-math flags as the kernels (``FASTMATH_FLAGS``, which the
generated modules' ``FASTMATH`` is printed from: no ``nnan`` / ``ninf``, so NaN and inf checks stay
exact). A scalar operand is converted to the vector's float type and broadcast (unlike Numba's
scalar promotion, ``float32 vector * float64`` stays float32: printed code types its literals).
"""

from __future__ import annotations

import math
import operator

from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.core.extending import intrinsic, lower_builtin, models, register_model
from numba.core.typing.templates import AbstractTemplate, infer_global, signature

FASTMATH_FLAGS = ("contract", "arcp", "nsz")
"""LLVM fast-math flags of lane arithmetic (the generated kernels' ``FASTMATH``).

No ``reassoc``: it lets every optimisation of a function choose its own order of evaluation, and
Numba optimises a ``prange`` body twice (once on its own, which the compiling process runs, and
again inside the kernel's library, which is what the on-disk cache stores), so a kernel gave
different sums compiled and cached. Sums over points are ordered explicitly instead (lane
accumulators, :func:`lane_sum`)."""


class LaneVector(types.Type):
    """``lanes`` values of the float type ``dtype`` held in one LLVM vector."""

    def __init__(self, dtype: types.Float, lanes: int):
        self.dtype = dtype
        self.lanes = lanes
        super().__init__(name=f"LaneVector({dtype}, {lanes})")


class LaneMask(types.Type):
    """A per-lane truth value (an LLVM ``<lanes x i1>``), from comparing lane vectors."""

    def __init__(self, lanes: int):
        self.lanes = lanes
        super().__init__(name=f"LaneMask({lanes})")


@register_model(LaneVector)
class _LaneVectorModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        item = dmm.lookup(fe_type.dtype).get_value_type()
        super().__init__(dmm, fe_type, ir.VectorType(item, fe_type.lanes))


@register_model(LaneMask)
class _LaneMaskModel(models.PrimitiveModel):
    def __init__(self, dmm, fe_type):
        super().__init__(dmm, fe_type, ir.VectorType(ir.IntType(1), fe_type.lanes))


def _vector_operand_type(args) -> LaneVector | None:
    """The lane-vector type of an operation on ``args`` (lane vectors of one type and scalars)."""
    vectors = {a for a in args if isinstance(a, LaneVector)}
    if len(vectors) != 1 or not all(isinstance(a, LaneVector | types.Number) for a in args):
        return None
    return vectors.pop()


def _as_vector(context, builder, value, value_type, vector_type: LaneVector):
    """``value`` as a lane vector: scalars are converted and broadcast to every lane."""
    if isinstance(value_type, LaneVector):
        return value
    scalar = context.cast(builder, value, value_type, vector_type.dtype)
    llvm_type = context.get_value_type(vector_type)
    single = builder.insert_element(ir.Constant(llvm_type, ir.Undefined), scalar, ir.IntType(32)(0))
    zeros = ir.Constant(ir.VectorType(ir.IntType(32), vector_type.lanes), [0] * vector_type.lanes)
    return builder.shuffle_vector(single, ir.Constant(llvm_type, ir.Undefined), zeros)


_ARITHMETIC = {
    operator.add: "fadd",
    operator.sub: "fsub",
    operator.mul: "fmul",
    operator.truediv: "fdiv",
}
_COMPARISONS = {operator.gt: ">", operator.ge: ">=", operator.lt: "<", operator.le: "<="}


def _register_arithmetic(op, instruction: str) -> None:
    @infer_global(op)
    class _Typing(AbstractTemplate):
        def generic(self, args, kws):
            vector_type = _vector_operand_type(args) if len(args) == 2 and not kws else None
            return signature(vector_type, *args) if vector_type is not None else None

    def lower(context, builder, sig, args):
        a, b = (_as_vector(context, builder, v, t, sig.return_type) for v, t in zip(args, sig.args, strict=True))
        return getattr(builder, instruction)(a, b, flags=FASTMATH_FLAGS)

    for pair in ((LaneVector, LaneVector), (LaneVector, types.Number), (types.Number, LaneVector)):
        lower_builtin(op, *pair)(lower)


def _register_comparison(op, symbol: str) -> None:
    @infer_global(op)
    class _Typing(AbstractTemplate):
        def generic(self, args, kws):
            vector_type = _vector_operand_type(args) if len(args) == 2 and not kws else None
            return signature(LaneMask(vector_type.lanes), *args) if vector_type is not None else None

    def lower(context, builder, sig, args):
        vector_type = _vector_operand_type(sig.args)
        a, b = (_as_vector(context, builder, v, t, vector_type) for v, t in zip(args, sig.args, strict=True))
        return builder.fcmp_ordered(symbol, a, b)

    for pair in ((LaneVector, LaneVector), (LaneVector, types.Number), (types.Number, LaneVector)):
        lower_builtin(op, *pair)(lower)


for _op, _instruction in _ARITHMETIC.items():
    _register_arithmetic(_op, _instruction)
for _op, _symbol in _COMPARISONS.items():
    _register_comparison(_op, _symbol)


@infer_global(operator.neg)
class _NegTyping(AbstractTemplate):
    def generic(self, args, kws):
        if len(args) == 1 and isinstance(args[0], LaneVector):
            return signature(args[0], args[0])
        return None


@lower_builtin(operator.neg, LaneVector)
def _lower_neg(context, builder, sig, args):
    return builder.fneg(args[0], flags=FASTMATH_FLAGS)


def _register_unary_intrinsic(function, llvm_name: str) -> None:
    @infer_global(function)
    class _Typing(AbstractTemplate):
        def generic(self, args, kws):
            if len(args) == 1 and not kws and isinstance(args[0], LaneVector):
                return signature(args[0], args[0])
            return None

    @lower_builtin(function, LaneVector)
    def lower(context, builder, sig, args):
        llvm_type = context.get_value_type(sig.return_type)
        suffix = f"v{llvm_type.count}{llvm_type.element.intrinsic_name}"  # llvm.fabs.v4f64
        callee = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(llvm_type, [llvm_type]), f"{llvm_name}.{suffix}"
        )
        return builder.call(callee, [args[0]])


_register_unary_intrinsic(abs, "llvm.fabs")
_register_unary_intrinsic(math.sqrt, "llvm.sqrt")
_register_unary_intrinsic(math.floor, "llvm.floor")


def _as_mask(builder, value, value_type, lanes: int):
    """``value`` as a lane mask: a scalar truth value is broadcast to every lane."""
    if isinstance(value_type, LaneMask):
        return value
    bit = builder.trunc(value, ir.IntType(1)) if value.type != ir.IntType(1) else value
    mask_type = ir.VectorType(ir.IntType(1), lanes)
    single = builder.insert_element(ir.Constant(mask_type, ir.Undefined), bit, ir.IntType(32)(0))
    zeros = ir.Constant(ir.VectorType(ir.IntType(32), lanes), [0] * lanes)
    return builder.shuffle_vector(single, ir.Constant(mask_type, ir.Undefined), zeros)


def _mask_operand_type(args) -> LaneMask | None:
    """The mask type of a logical operation on ``args`` (lane masks of one width and booleans)."""
    masks = {a for a in args if isinstance(a, LaneMask)}
    if len(masks) != 1 or not all(isinstance(a, LaneMask | types.Boolean) for a in args):
        return None
    return masks.pop()


for _op, _instruction in ((operator.and_, "and_"), (operator.or_, "or_")):

    @infer_global(_op)
    class _MaskTyping(AbstractTemplate):
        def generic(self, args, kws):
            mask_type = _mask_operand_type(args) if len(args) == 2 and not kws else None
            return signature(mask_type, *args) if mask_type is not None else None

    def _lower_mask(context, builder, sig, args, _instruction=_instruction):
        lanes = sig.return_type.lanes
        a, b = (_as_mask(builder, v, t, lanes) for v, t in zip(args, sig.args, strict=True))
        return getattr(builder, _instruction)(a, b)

    for _pair in ((LaneMask, LaneMask), (LaneMask, types.Boolean), (types.Boolean, LaneMask)):
        lower_builtin(_op, *_pair)(_lower_mask)


def _literal_int(value) -> int | None:
    return value.literal_value if isinstance(value, types.IntegerLiteral) else None


def _flat_float_array(array) -> bool:
    return isinstance(array, types.Array) and array.ndim == 1 and isinstance(array.dtype, types.Float)


LANE_BYTES = 32
"""Bytes of a lane vector: one 256-bit AVX register (8 float32 or 4 float64 points; narrower
targets split it). For float64, 2 and 8 lanes were measured and were not faster (README, Memory
floor)."""


def _lanes_of(array) -> int:
    return LANE_BYTES * 8 // array.dtype.bitwidth


@intrinsic
def lane_width(typingctx, array):
    """Points per lane vector for the float type of ``array`` (a compile-time constant)."""
    if not _flat_float_array(array):
        return None
    lanes = _lanes_of(array)

    def codegen(context, builder, sig, args):
        return context.get_constant(types.intp, lanes)

    return signature(types.intp, array), codegen


def _block_load(context, builder, array_type, array, first_row, lanes: int, width: int, column: int):
    """Column ``column`` of ``lanes`` rows of ``width`` items from ``first_row`` on: one vector load, shuffled."""
    data = context.make_array(array_type)(context, builder, array)
    start = builder.mul(first_row, ir.Constant(first_row.type, width))
    pointer = cgutils.get_item_pointer(context, builder, array_type, data, [start], wraparound=False, boundscheck=False)
    item = context.get_data_type(array_type.dtype)
    block_type = ir.VectorType(item, lanes * width)
    block = builder.load(builder.bitcast(pointer, block_type.as_pointer()), align=context.get_abi_sizeof(item))
    picks = ir.Constant(ir.VectorType(ir.IntType(32), lanes), [k * width + column for k in range(lanes)])
    return builder.shuffle_vector(block, ir.Constant(block_type, ir.Undefined), picks)


def _rows_signature(array, width, column) -> LaneVector | None:
    n_width, n_column = _literal_int(width), _literal_int(column)
    if None in (n_width, n_column) or not _flat_float_array(array) or not 0 <= n_column < n_width:
        return None
    return LaneVector(array.dtype, _lanes_of(array))


@intrinsic
def lane_rows(typingctx, array, first_row, width, column):
    """``array[(first_row + l) * width + column]`` for lanes ``l < lane_width(array)`` as a lane vector.

    ``array`` is a flat C-contiguous float array of rows of ``width`` items; ``width`` and
    ``column`` are integer constants. The ``lanes * width`` items are read as one unaligned vector
    load (shared by the other columns' loads) and shuffled. No bounds check.
    """
    vector_type = _rows_signature(array, width, column)
    if vector_type is None or not isinstance(first_row, types.Integer):
        return None

    def codegen(context, builder, sig, args):
        first = context.cast(builder, args[1], sig.args[1], types.int64)
        return _block_load(
            context, builder, sig.args[0], args[0], first, vector_type.lanes, width.literal_value, column.literal_value
        )

    return signature(vector_type, array, first_row, width, column), codegen


@intrinsic
def lane_zeros(typingctx, array):
    """A float64 lane vector of zeros with :func:`lane_width` lanes: a float64 lane accumulator."""
    if not _flat_float_array(array):
        return None
    vector_type = LaneVector(types.float64, _lanes_of(array))

    def codegen(context, builder, sig, args):
        return ir.Constant(context.get_value_type(vector_type), [0.0] * vector_type.lanes)

    return signature(vector_type, array), codegen


@intrinsic
def lane_broadcast(typingctx, value, like):
    """``value`` (a float) in every lane of a vector as wide as the lane vector ``like``."""
    if not (isinstance(value, types.Float) and isinstance(like, LaneVector)):
        return None
    vector_type = LaneVector(value, like.lanes)

    def codegen(context, builder, sig, args):
        return _as_vector(context, builder, args[0], sig.args[0], vector_type)

    return signature(vector_type, value, like), codegen


@intrinsic
def lane_select(typingctx, mask, if_true, if_false):
    """Per lane ``if_true if mask else if_false``, scalars broadcast to every lane.

    With two scalars the lanes take the float type of ``if_true``.
    """
    if not isinstance(mask, LaneMask):
        return None
    vector_type = _vector_operand_type((if_true, if_false))
    if vector_type is None:
        if not (isinstance(if_true, types.Float) and isinstance(if_false, types.Number)):
            return None
        vector_type = LaneVector(if_true, mask.lanes)
    if vector_type.lanes != mask.lanes:
        return None

    def codegen(context, builder, sig, args):
        a, b = (_as_vector(context, builder, v, t, vector_type) for v, t in zip(args[1:], sig.args[1:], strict=True))
        return builder.select(args[0], a, b)

    return signature(vector_type, mask, if_true, if_false), codegen


@intrinsic
def lane_store_mask(typingctx, array, first_index, mask):
    """``array[first_index + l] = mask[l]`` for every lane (``array`` a flat boolean array)."""
    if not (isinstance(array, types.Array) and array.ndim == 1 and array.dtype == types.boolean):
        return None
    if not (isinstance(first_index, types.Integer) and isinstance(mask, LaneMask)):
        return None

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0])
        pointer = cgutils.get_item_pointer(
            context, builder, sig.args[0], data, [args[1]], wraparound=False, boundscheck=False
        )
        byte_type = context.get_data_type(types.boolean)
        vector_type = ir.VectorType(byte_type, mask.lanes)
        builder.store(builder.zext(args[2], vector_type), builder.bitcast(pointer, vector_type.as_pointer()), align=1)
        return context.get_dummy_value()

    return signature(types.void, array, first_index, mask), codegen


@intrinsic
def lane_stream_rows(typingctx, array, first_row, values):
    """Write the rows of ``lanes`` points with non-temporal stores, two items per store.

    Row ``first_row + l`` (``width = len(values)`` items from ``(first_row + l) * width`` on) gets
    lane ``l`` of each vector in ``values``; rows of odd width are stored one item at a time.
    ``array`` is flat, C-contiguous and aligned to two items (see
    :func:`jacgen.streaming.pair_aligned`): the stores are declared aligned. No bounds check.
    """
    if not (_flat_float_array(array) and isinstance(first_row, types.Integer)):
        return None
    if not (isinstance(values, types.UniTuple) and isinstance(values.dtype, LaneVector)):
        return None
    if values.dtype.dtype != array.dtype:
        return None
    lanes, width = values.dtype.lanes, len(values)

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0])
        columns = cgutils.unpack_tuple(builder, args[2], width)
        item = context.get_data_type(sig.args[0].dtype)
        size = context.get_abi_sizeof(item)
        nontemporal = builder.module.add_metadata([ir.IntType(32)(1)])
        index_type = args[1].type
        first = builder.mul(args[1], ir.Constant(index_type, width))
        step = 2 if width % 2 == 0 else 1  # odd rows start on odd items every other point: no pairs
        for lane in range(lanes):
            for column in range(0, width, step):
                index = builder.add(first, ir.Constant(index_type, lane * width + column))
                pointer = cgutils.get_item_pointer(
                    context, builder, sig.args[0], data, [index], wraparound=False, boundscheck=False
                )
                if step == 2:
                    pair_type = ir.VectorType(item, 2)
                    picks = ir.Constant(ir.VectorType(ir.IntType(32), 2), [lane, lanes + lane])
                    pair = builder.shuffle_vector(columns[column], columns[column + 1], picks)
                    store = builder.store(pair, builder.bitcast(pointer, pair_type.as_pointer()), align=2 * size)
                else:
                    value = builder.extract_element(columns[column], ir.IntType(32)(lane))
                    store = builder.store(value, pointer, align=size)
                store.set_metadata("nontemporal", nontemporal)
        return context.get_dummy_value()

    return signature(types.void, array, first_row, values), codegen


@intrinsic
def lane_f64(typingctx, vector):
    """``vector`` widened to float64 lanes (exact); a float64 vector is returned as it is.

    A scalar float (a Jacobian entry that does not depend on the point) becomes a float64 scalar.
    """
    if isinstance(vector, types.Float):
        result_type = types.float64
    elif isinstance(vector, LaneVector):
        result_type = LaneVector(types.float64, vector.lanes)
    else:
        return None

    def codegen(context, builder, sig, args):
        if not isinstance(sig.args[0], LaneVector):
            return context.cast(builder, args[0], sig.args[0], result_type)
        if sig.args[0].dtype == types.float64:
            return args[0]
        return builder.fpext(args[0], context.get_value_type(result_type))

    return signature(result_type, vector), codegen


@intrinsic
def lane_sum(typingctx, vector):
    """The sum of the lanes, added in lane order (``((v0 + v1) + v2) + ...``, no reassociation)."""
    if not isinstance(vector, LaneVector):
        return None

    def codegen(context, builder, sig, args):
        total = builder.extract_element(args[0], ir.IntType(32)(0))
        for lane in range(1, vector.lanes):
            total = builder.fadd(total, builder.extract_element(args[0], ir.IntType(32)(lane)))
        return total

    return signature(vector.dtype, vector), codegen


@intrinsic
def lane_log1p(typingctx, vector):
    """``math.log1p`` of every lane (Numba's scalar implementation, lane by lane)."""
    if not isinstance(vector, LaneVector):
        return None

    def codegen(context, builder, sig, args):
        scalar = sig.args[0].dtype
        log1p = context.get_function(math.log1p, signature(scalar, scalar))
        out = args[0]
        for lane in range(vector.lanes):
            index = ir.IntType(32)(lane)
            value = log1p(builder, (builder.extract_element(args[0], index),))
            out = builder.insert_element(out, value, index)
        return out

    return signature(vector, vector), codegen


@intrinsic
def lane_corners(typingctx, array, image, row, x0, y0, column):
    """Bilinear corners of ``lanes`` points in an interleaved image: four lane vectors.

    ``array`` is a flat float array of ``(rows, width, channels)`` images with ``row = width *
    channels`` items per image row and ``channels`` equal to 3; ``x0``, ``y0`` are float lane
    vectors of whole pixel coordinates (``0 <= x0 <= width - 2``); ``image`` is the item offset of
    the image. Lane ``l`` of the result ``(c00, c01, c10, c11)`` holds channel ``column`` at
    ``(y0, x0)``, ``(y0, x0 + 1)``, ``(y0 + 1, x0)``, ``(y0 + 1, x0 + 1)``. No bounds check.
    """
    n_column = _literal_int(column)
    if not (_flat_float_array(array) and isinstance(x0, LaneVector) and x0 == y0) or n_column is None:
        return None
    if not (isinstance(image, types.Integer) and isinstance(row, types.Integer)) or not 0 <= n_column < 3:
        return None
    vector_type = LaneVector(array.dtype, x0.lanes)
    result_type = types.UniTuple(vector_type, 4)

    def codegen(context, builder, sig, args):
        data = context.make_array(sig.args[0])(context, builder, args[0])
        index_type = ir.IntType(64)
        image_offset = context.cast(builder, args[1], sig.args[1], types.uint64)
        row_items = context.cast(builder, args[2], sig.args[2], types.uint64)
        llvm_vector = context.get_value_type(vector_type)
        corners = [ir.Constant(llvm_vector, ir.Undefined)] * 4
        for lane in range(x0.lanes):
            at = ir.IntType(32)(lane)
            x = builder.fptoui(builder.extract_element(args[3], at), index_type)
            y = builder.fptoui(builder.extract_element(args[4], at), index_type)
            first = builder.add(builder.mul(y, row_items), builder.mul(x, index_type(3)))
            first = builder.add(builder.add(first, image_offset), index_type(n_column))
            below = builder.add(first, row_items)
            for k, (start, step) in enumerate(((first, 0), (first, 3), (below, 0), (below, 3))):
                index = builder.add(start, index_type(step)) if step else start
                pointer = cgutils.get_item_pointer(
                    context, builder, sig.args[0], data, [index], wraparound=False, boundscheck=False
                )
                corners[k] = builder.insert_element(corners[k], builder.load(pointer), at)
        return context.make_tuple(builder, result_type, corners)

    return signature(result_type, array, image, row, x0, y0, column), codegen


__all__ = [
    "LaneVector",
    "LaneMask",
    "FASTMATH_FLAGS",
    "LANE_BYTES",
    "lane_broadcast",
    "lane_corners",
    "lane_f64",
    "lane_log1p",
    "lane_rows",
    "lane_select",
    "lane_store_mask",
    "lane_stream_rows",
    "lane_sum",
    "lane_width",
    "lane_zeros",
]
