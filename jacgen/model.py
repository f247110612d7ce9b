"""Declarative description of a warp: parameters, point coordinates, constants and outputs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

import sympy as sp

RESERVED_NAMES = frozenset(
    "i h n r c s t T out acc value points uv jac valid params constants stream blocks math np cuda njit prange"
    " float64 phi robust robust_lanes j ju iu ok nan_unless_ok tile tiles chunk start count first end lanes"
    " points_flat uv_flat jac_flat tgt tgt_flat img iref resid partial image row width height scale loss_id"
    " loss_scale pair shared tid step u v uc vc x0 y0 ax ay I_t g_x g_y I_ref res r64 wt rho active front inside"
    " pair_aligned store_fence stream_store stream_store_pair chunk_first chunk_end lanes_end corner"
    " lane_load lane_select lane_store_mask lane_stream_rows lane_corners lane_f64 lane_fill lane_log1p lane_sum"
    " lane_rows lane_zeros lane_width lane_broadcast lane_behind lane_outside values tail tail_points tail_iref dim"
    " remainder padding full_groups segment source source_iref base groups group D_t gd_x gd_y depth depth_flat"
    " okd resd rd64 wtd rhod rho_e e2 weight_depth scales".split()
)
"""Names the kernel templates use for their own variables; model symbols may not take them."""

RESERVED_PATTERN = re.compile(r"acc_\w*|w[01][01]|wjd?\d+|jd?\d+(_64)?")
"""Template names with a number or a suffix: accumulators, bilinear weights, Jacobian row entries."""


def fresh_prefix(taken: set[str], base: str) -> str:
    """Shortest ``base``-derived prefix such that no ``<prefix><digits>`` name is in ``taken``."""
    prefix = base
    while any(re.fullmatch(rf"{prefix}\d+", name) for name in taken):
        prefix += base
    return prefix


@dataclass(frozen=True)
class RigidMotion:
    """The point moved by a rotation and a translation, ``q = R(params) X + t(params)``.

    A model whose outputs depend on the point only through ``q`` can say so; :func:`jacgen.derive.derive`
    then differentiates in the tangent space of the rotation, ``dq/dp_k = w_k x (R X) + dt/dp_k`` with
    ``[w_k]_x = (dR/dp_k) R^T`` computed once per call, which needs fewer per-point operations than
    differentiating ``R X`` entry by entry (6 three-term dot products per output instead of 9 for 3
    rotation parameters).

    Parameters
    ----------
    rotation
        3 x 3 rotation matrix in the parameters (orthonormal for every parameter value).
    translation
        3 x 1 translation in the parameters.
    moved
        Three symbols standing for ``q`` in ``projection`` and ``valid``.
    projection
        The model's outputs as functions of ``moved`` and the constants.
    valid
        Validity expression in ``moved`` and the constants (``> 0`` for a valid point), or ``None``.
    """

    rotation: sp.ImmutableMatrix
    translation: sp.ImmutableMatrix
    moved: tuple[sp.Symbol, ...]
    projection: tuple[sp.Expr, ...]
    valid: sp.Expr | None = None

    def __post_init__(self) -> None:
        if self.rotation.shape != (3, 3) or self.translation.shape != (3, 1) or len(self.moved) != 3:
            raise ValueError("a rigid motion needs a 3 x 3 rotation, a 3 x 1 translation and 3 moved-point symbols")

    def moved_point(self, point: tuple[sp.Symbol, ...]) -> sp.Matrix:
        """``R X + t`` for the point symbols ``X``."""
        return self.rotation * sp.Matrix(point) + self.translation

    def compose(self, point: tuple[sp.Symbol, ...]) -> tuple[tuple[sp.Expr, ...], sp.Expr | None]:
        """Outputs and validity as functions of the parameters and the point."""
        sub = dict(zip(self.moved, self.moved_point(point), strict=True))
        outputs = tuple(e.xreplace(sub) for e in self.projection)
        return outputs, None if self.valid is None else self.valid.xreplace(sub)

    def check_orthonormal(self, params: tuple[sp.Symbol, ...], model: str) -> None:
        """Raise ``ValueError`` unless ``R R^T = I`` at a fixed generic parameter value."""
        values = {p: sp.Rational(2 * k + 3, 7 * k + 11) for k, p in enumerate(params)}
        R = self.rotation.xreplace(values).evalf(30)
        error = max(abs(e) for e in (R * R.T - sp.eye(3)))
        if error > 1e-20:
            raise ValueError(
                f"model {model!r}: the rigid motion's rotation is not orthonormal (|R R^T - I| = {error:.0e})"
            )


@dataclass(frozen=True)
class WarpModel:
    """A warp ``outputs = W(point; params, constants)`` to differentiate and generate kernels for.

    Parameters
    ----------
    name
        Identifier; the generated modules are called ``<name>_cpu.py`` and ``<name>_cuda.py``.
    params
        Parameter symbols, in the order of the Jacobian's columns.
    point
        Per-point input symbols (e.g. ``X, Y, Z``).
    constants
        Per-call constants such as intrinsics ``fx, fy, cx, cy``; never differentiated.
    outputs
        Output expressions (e.g. pixel coordinates ``u, v``), the Jacobian's rows.
    valid
        Expression that must be ``> 0`` for a point to be valid (e.g. depth after the transform);
        ``None`` means every finite point is valid.
    positive_constants
        Constants that must be strictly positive (checked at call time).
    zero_specialisation
        Also emit ``*_at_zero`` kernels: the Jacobian at ``params = 0``, for forward-compositional
        solvers that apply the increment to points already moved by the current estimate.
    description
        One line shown by ``python -m jacgen list`` and in the generated banner.
    motion
        Set when ``outputs`` and ``valid`` are ``motion.compose(point)``: the Jacobian kernels are
        then derived in the rotation's tangent space (see :class:`RigidMotion`).
    """

    name: str
    params: tuple[sp.Symbol, ...]
    point: tuple[sp.Symbol, ...]
    constants: tuple[sp.Symbol, ...]
    outputs: tuple[sp.Expr, ...]
    valid: sp.Expr | None = None
    positive_constants: tuple[sp.Symbol, ...] = ()
    zero_specialisation: bool = False
    description: str = ""
    output_names: tuple[str, ...] = field(default=())
    motion: RigidMotion | None = None

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"model name must be a Python identifier, got {self.name!r}")
        names = [str(s) for s in (*self.params, *self.point, *self.constants)]
        if len(set(names)) != len(names):
            raise ValueError(f"model {self.name!r}: symbol names must be unique, got {names}")
        clash = sorted(
            n
            for n in names
            if n in RESERVED_NAMES or RESERVED_PATTERN.fullmatch(n) or n.startswith("_") or not n.isidentifier()
        )
        if clash:
            raise ValueError(
                f"model {self.name!r}: symbol names {clash} are reserved by the kernel templates or not identifiers"
            )
        allowed = set(self.params) | set(self.point) | set(self.constants)
        for expr in (*self.outputs, *(() if self.valid is None else (self.valid,))):
            extra = sp.sympify(expr).free_symbols - allowed
            if extra:
                raise ValueError(f"model {self.name!r}: undeclared symbols {sorted(map(str, extra))}")
        if not set(self.positive_constants) <= set(self.constants):
            raise ValueError(f"model {self.name!r}: positive_constants must be constants")
        if self.motion is not None:
            extra = (self.motion.rotation.free_symbols | self.motion.translation.free_symbols) - set(self.params)
            if extra:
                raise ValueError(f"model {self.name!r}: the rigid motion uses non-parameters {sorted(map(str, extra))}")
            self.motion.check_orthonormal(self.params, self.name)
            if (tuple(self.outputs), self.valid) != self.motion.compose(self.point):
                raise ValueError(f"model {self.name!r}: outputs and valid must be motion.compose(point)")
        if not self.output_names:
            object.__setattr__(self, "output_names", tuple(f"out{i}" for i in range(len(self.outputs))))

    def symbol_names(self) -> set[str]:
        """Names of all parameter, point and constant symbols."""
        return {str(s) for s in (*self.params, *self.point, *self.constants)}

    @property
    def param_names(self) -> tuple[str, ...]:
        """Parameter names in Jacobian column order."""
        return tuple(str(p) for p in self.params)

    def source_hash(self) -> str:
        """Short hash of the model's symbolic content (stable across runs and machines)."""
        text = repr(
            (
                self.name,
                [sp.srepr(s) for s in self.params],
                [sp.srepr(s) for s in self.point],
                [sp.srepr(s) for s in self.constants],
                [sp.srepr(e) for e in self.outputs],
                None if self.valid is None else sp.srepr(self.valid),
                [sp.srepr(s) for s in self.positive_constants],
                self.zero_specialisation,
                *(
                    ()
                    if self.motion is None
                    else (
                        sp.srepr(self.motion.rotation),
                        sp.srepr(self.motion.translation),
                        [sp.srepr(e) for e in self.motion.projection],
                        None if self.motion.valid is None else sp.srepr(self.motion.valid),
                    )
                ),
            )
        )
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def define_model(
    name: str,
    *,
    params: str | tuple,
    point: str | tuple,
    outputs=None,
    constants: str | tuple = (),
    valid=None,
    positive_constants: str | tuple = (),
    zero_specialisation: bool = False,
    description: str = "",
    output_names: tuple[str, ...] = (),
    motion=None,
    projection=None,
) -> WarpModel:
    """Build a :class:`WarpModel`; symbol groups may be given as space-separated names.

    Either ``outputs`` or ``motion`` + ``projection`` describe the warp:

    - ``outputs``: a callable taking ``(params, point, constants)`` symbol tuples and returning the
      output expressions, or a sequence of expressions in already-created symbols; ``valid`` is
      then a callable of the same arguments (or an expression).
    - ``motion``: a callable taking the parameter symbols and returning ``(R, t)``, a 3 x 3
      rotation and a 3-vector, for a point ``X`` of three coordinates; ``projection`` and ``valid``
      are then callables taking ``(q, constants)``, where ``q = R X + t``. Jacobians are derived in
      the rotation's tangent space (fewer per-point operations, see :class:`RigidMotion`).

    Examples
    --------
    >>> sim = define_model(
    ...     "similarity2d", params="a b tx ty", point="x y",
    ...     outputs=lambda p, X, c: ((1 + p[0]) * X[0] - p[1] * X[1] + p[2],
    ...                               p[1] * X[0] + (1 + p[0]) * X[1] + p[3]))
    """

    def symbols(group) -> tuple[sp.Symbol, ...]:
        if isinstance(group, str):
            return tuple(sp.symbols(group, real=True, seq=True)) if group.strip() else ()
        return tuple(group)

    p, x, c = symbols(params), symbols(point), symbols(constants)
    rigid = None
    if (outputs is None) == (motion is None) or (motion is None) != (projection is None):
        raise ValueError(f"model {name!r}: give either outputs, or motion and projection")
    if motion is not None:
        if len(x) != 3:
            raise ValueError(f"model {name!r}: a rigid motion needs a point of 3 coordinates, got {len(x)}")
        R, t = motion(p)
        moved = sp.symbols("_q0 _q1 _q2", real=True)
        rigid = RigidMotion(
            rotation=sp.ImmutableMatrix(R),
            translation=sp.ImmutableMatrix(3, 1, list(t)),
            moved=moved,
            projection=tuple(sp.sympify(e) for e in projection(moved, c)),
            valid=None if valid is None else sp.sympify(valid(moved, c)),
        )
        outs, val = rigid.compose(x)
    else:
        outs = outputs(p, x, c) if callable(outputs) else outputs
        val = valid(p, x, c) if callable(valid) else valid
    pos = symbols(positive_constants)
    by_name = {str(s): s for s in c}
    pos = tuple(by_name.get(str(s), s) for s in pos)
    return WarpModel(
        name=name,
        params=p,
        point=x,
        constants=c,
        outputs=tuple(sp.sympify(o) for o in outs),
        valid=None if val is None else sp.sympify(val),
        positive_constants=pos,
        zero_specialisation=zero_specialisation,
        description=description,
        output_names=tuple(output_names),
        motion=rigid,
    )
