"""Symbolic side of the fused photometric kernels (warp + sample + residual + normal equations).

The residual of a reference point ``X`` with intensity ``I_ref`` is

    r = I_tgt(W(X; p)) - (exp(a) * I_ref + b)

with the optional brightness pair ``(a, b)``. Its Jacobian row follows from the warp Jacobian by
the chain rule, ``dr/dp = gx * du/dp + gy * dv/dp`` with the target's image gradient ``(gx, gy)``
sampled at ``W(X; p)``, and ``dr/da``, ``dr/db`` by Sympy. Compositional models (those with a zero
specialisation, such as ``se3``) are first composed with the current pose ``T`` (12 constants
``m00 .. m23``): the kernel differentiates ``W(exp(xi) T X)`` at ``xi = 0``.

With the target's depth (RGB-D), each point gets a second residual: DVO-SLAM's depth error
``f = D_tgt(W(X; p)) - Z'(X; p)`` (``Z'`` the moved point's depth, the z row of ``q = R X + t``),
divided by its first-order spread,

    r_D = f / (|n| * Z'**2),    n = (dpi/dq)^T (gd_x, gd_y) - e_z

``n`` is the gradient of ``f`` in the moved point (``pi`` the projection, ``(gd_x, gd_y)`` the
sampled target depth gradient): the normal of the target surface ``f = 0``, so ``f / |n|`` is the
point's distance to the target's tangent plane (point-to-plane, to first order), and a
structured-light depth's noise grows as ``Z**2`` (Khoshelham and Elberink 2012), hence ``Z'**2``.
The warp is derived with ``Z'``, ``X'``, ``Y'`` as further outputs (:func:`depth_model`), so one
common-subexpression pass serves them all, and the Jacobian row chains the sampled depth gradient
exactly as the photometric row chains the intensity gradient, with the normaliser held at the
current point (as the photometric row holds the sampled gradient):
``dr_D/dp = (gd_x * du/dp + gd_y * dv/dp - dZ'/dp) / (|n| * Z'**2)`` (zero for the brightness pair).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import sympy as sp

from .derive import Hoister, KernelIR, derive
from .model import WarpModel, fresh_prefix

POSE_SYMBOLS = tuple(sp.Symbol(f"m{r}{c}", real=True) for r in range(3) for c in range(4))


@dataclass
class PhotometricIR:
    """Fused-kernel program: the warp part plus residual and Jacobian-row expressions."""

    model: WarpModel  # the warp actually differentiated (composed with the pose if compositional)
    warp: KernelIR
    warp_only: KernelIR  # outputs without the Jacobian, for the residual kernel
    compositional: bool
    brightness: bool
    residual: sp.Expr  # in terms of I_t (sampled), I_ref, hoisted brightness terms
    rows: list[sp.Expr]  # one per solved parameter
    extra_hoisted: list[tuple[sp.Symbol, sp.Expr]]
    n_params: int  # columns of the normal equations
    depth: bool = False  # with the depth residual (the warp's outputs 2-4 are the moved point Z', X', Y')
    depth_residual: sp.Expr | None = None  # in terms of D_t, gd_x, gd_y (sampled target depth) and DEPTH_SCALE
    depth_rows: list[sp.Expr] = field(default_factory=list)  # one per warp parameter (zero for a, b)
    depth_normaliser: sp.Expr | None = None  # (|n| Z'^2)^2 in MOVED, gd_x, gd_y and the constants

    def depth_normaliser_at(self, warp: KernelIR) -> sp.Expr:
        """:attr:`depth_normaliser` ``n_D`` (``s_D = 1 / sqrt(n_D)``) at ``warp``'s moved point (either warp)."""
        z, x, y = warp.outputs[2:5]
        return self.depth_normaliser.xreplace(dict(zip(MOVED, (x, y, z), strict=True)))

    @property
    def kind(self) -> str:
        """Kernel name (``normal_equations[_depth][_brightness]``)."""
        return "normal_equations" + ("_depth" if self.depth else "") + ("_brightness" if self.brightness else "")


SAMPLED = sp.symbols("I_t g_x g_y", real=True)
DEPTH_SAMPLED = sp.symbols("D_t gd_x gd_y", real=True)
MOVED = sp.symbols("q_x q_y q_z", real=True)
"""The moved point in :attr:`PhotometricIR.depth_normaliser` (the warp's outputs 3, 4, 2)."""
DEPTH_SCALE = sp.Symbol("s_D", positive=True)
"""``1 / (|n| Z'**2)`` at the point (``s_D = 1 / sqrt(n_D)``, ``n_D`` the normaliser, once per point)."""
DEPTH_NORMALISER = sp.Symbol("n_D", positive=True)
I_REF = sp.Symbol("I_ref", real=True)
BRIGHTNESS = sp.symbols("a b", real=True)


def composed_model(model: WarpModel) -> WarpModel:
    """``model`` applied to points first moved by a pose ``T = [m00..m23]`` (3x4, row-major)."""
    if len(model.point) != 3:
        raise ValueError("compositional fused kernels need 3-D points")
    X = sp.Matrix(model.point)
    T = sp.Matrix(3, 4, POSE_SYMBOLS)
    moved = T[:, :3] * X + T[:, 3]
    sub = dict(zip(model.point, moved, strict=True))
    return WarpModel(
        name=f"{model.name}_composed",
        params=model.params,
        point=model.point,
        constants=(*model.constants, *POSE_SYMBOLS),
        outputs=tuple(o.xreplace(sub) for o in model.outputs),
        valid=None if model.valid is None else model.valid.xreplace(sub),
        positive_constants=model.positive_constants,
        zero_specialisation=True,
        description=f"{model.description} (composed with the current pose)",
        output_names=model.output_names,
    )


def depth_model(model: WarpModel) -> WarpModel:
    """``model`` with the moved point ``q = (X', Y', Z')`` as further outputs ``z``, ``x``, ``y`` (2, 3, 4)."""
    if model.motion is None:
        raise ValueError(f"model {model.name!r}: the depth residual needs a rigid motion (motion=...)")
    qx, qy, qz = model.motion.moved
    motion = replace(model.motion, projection=(*model.motion.projection, qz, qx, qy))
    outputs, valid = motion.compose(model.point)
    return replace(
        model,
        name=f"{model.name}_depth",
        outputs=outputs,
        valid=valid,
        output_names=(*model.output_names, "z", "x", "y"),
        motion=motion,
        description=f"{model.description} (and the moved point)",
    )


def depth_normaliser(model: WarpModel) -> sp.Expr:
    """``(|n| Z'**2)**2`` of the module docstring in :data:`MOVED`, ``gd_x``, ``gd_y`` and the constants.

    The depth residual's scale ``s_D`` is ``1 / sqrt`` of it.
    """
    motion = model.motion
    to_moved = dict(zip(motion.moved, MOVED, strict=True))
    _, gdx, gdy = DEPTH_SAMPLED
    projection = [e.xreplace(to_moved) for e in motion.projection[:2]]
    normal = [gdx * sp.diff(projection[0], q) + gdy * sp.diff(projection[1], q) for q in MOVED]
    normal[2] -= 1
    # |n| Z'^2 = |Z'^2 n| (Z' > 0 for a valid point), each component cancelled into one fraction
    # (pinhole: (fx gd_x Z', fy gd_y Z', -(fx gd_x X' + fy gd_y Y' + Z'^2)))
    scaled = [sp.factor_terms(sp.cancel(MOVED[2] ** 2 * c)) for c in normal]
    return sum(c * c for c in scaled)


def derive_photometric(model: WarpModel, brightness: bool, depth: bool = False) -> PhotometricIR:
    """Derive the fused kernel of ``model`` (2 outputs ``u, v``), with or without brightness.

    ``depth``: also the depth residual ``s_D (D_t - Z')`` and its Jacobian row (see the module docstring).
    """
    if len(model.outputs) != 2:
        raise ValueError("photometric kernels need a warp with two outputs (u, v)")
    if depth:
        model = depth_model(model)
    compositional = model.zero_specialisation
    warp_model = composed_model(model) if compositional else model
    warp = derive(warp_model, "warp_jacobian_at_zero" if compositional else "warp_jacobian")
    warp_only = derive(warp_model, "warp_at_zero" if compositional else "warp")
    I_t, gx, gy = SAMPLED
    a, b = BRIGHTNESS
    residual = I_t - (sp.exp(a) * I_REF + b) if brightness else I_t - I_REF
    rows = [gx * warp.jacobian[0][k] + gy * warp.jacobian[1][k] for k in range(len(model.params))]
    extra: list[tuple[sp.Symbol, sp.Expr]] = []
    if brightness:
        hoist = Hoister({a, b}, fresh_prefix(warp_model.symbol_names() | {s.name for s, _ in warp.hoisted}, "q"))
        photometric_rows = [sp.diff(residual, a), sp.diff(residual, b)]
        residual = hoist.extract(residual)
        rows += [hoist.extract(r) for r in photometric_rows]
        extra = hoist.assignments
    depth_parts = {}
    if depth:
        D_t, gdx, gdy = DEPTH_SAMPLED
        J = warp.jacobian
        depth_rows = [DEPTH_SCALE * (gdx * J[0][k] + gdy * J[1][k] - J[2][k]) for k in range(len(model.params))]
        depth_parts = {
            "depth": True,
            "depth_residual": DEPTH_SCALE * (D_t - warp.outputs[2]),
            "depth_rows": depth_rows,
            "depth_normaliser": depth_normaliser(model),
        }
    return PhotometricIR(
        model=warp_model,
        warp=warp,
        warp_only=warp_only,
        compositional=compositional,
        brightness=brightness,
        residual=residual,
        rows=rows,
        extra_hoisted=extra,
        n_params=len(model.params) + (2 if brightness else 0),
        **depth_parts,
    )
