"""Render the fused photometric kernels of a model (``generated/<model>_align_<target>.py``).

One point's work is the same on both targets: warp and Jacobian (from the model's IR), a
bilinear sample of the stacked target ``(I, gx, gy)``, the residual, the Jacobian row, the robust
weight, and the upper triangle of ``H = J^T W J``, ``g = J^T W r``, the cost and the counts into
float64 accumulators. This module renders what is common (the scalar per-point statements, the
hoists, ``pose``, the description); the backend renders each kernel's form: how points are
distributed and sums reduced (CPU: lane vectors in ``prange`` tiles; CUDA: threads and a block
reduction). A kernel takes tiles ``(pair, first, end)`` of the points of one or many pairs, the
loss by id and the points' float type from its arrays, so one emitted body serves every case.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import sympy as sp

from .codegen import TYPED, assemble, hoist_function, hoisted_size, packed_symbols, pose_function, unpack_lines
from .model import WarpModel
from .parameterisation import recognise
from .photometric import BRIGHTNESS, DEPTH_NORMALISER, DEPTH_SAMPLED, DEPTH_SCALE, PhotometricIR, derive_photometric
from .printer import assign_lines, print_expr
from .runtime.layouts import accumulator_layout, depth_accumulator_layout
from .runtime.losses import LOSS_SCALE_FACTORS, LOSSES

BRIGHTNESS_NAMES = tuple(map(str, BRIGHTNESS))
"""Names of the gain / bias pair, solved after the warp parameters."""

SAMPLED_NAMES = ("I_t", "g_x", "g_y")
"""Channels of the target stack sampled at the warped point: intensity and its gradient."""

DEPTH_SAMPLED_NAMES = tuple(map(str, DEPTH_SAMPLED))
"""Channels of the target depth stack sampled at the warped point: depth and its gradient (NaN where
the depth is missing or its gradient crosses a depth edge: such a point drops its depth residual)."""

if TYPE_CHECKING:
    from .backends.base import Backend


@functools.cache
def photometric_irs(model: WarpModel) -> tuple[PhotometricIR, PhotometricIR]:
    """The fused programs of ``model`` without and with brightness, derived once per process."""
    return derive_photometric(model, False), derive_photometric(model, True)


@functools.cache
def depth_irs(model: WarpModel) -> tuple[PhotometricIR, PhotometricIR]:
    """The fused photometric + depth programs of ``model`` without and with brightness (once per process)."""
    return derive_photometric(model, False, depth=True), derive_photometric(model, True, depth=True)


def layout_of(pir: PhotometricIR) -> dict:
    """The accumulator layout of ``pir``'s kernel (``DESCRIPTION["accumulators"][kind]``)."""
    n = len(solved_names(pir))
    return depth_accumulator_layout(n) if pir.depth else accumulator_layout(n)


def solved_names(pir: PhotometricIR) -> tuple[str, ...]:
    """Names of the normal equations' unknowns: the warp parameters, then ``a, b`` with brightness."""
    base = tuple(map(str, pir.model.params))
    return base + (BRIGHTNESS_NAMES if pir.brightness else ())


def accumulator_names(pir: PhotometricIR) -> list[str]:
    """Local names of the accumulators, in layout order (``acc_H_r1_t2``, ``acc_g_r1``, ``acc_cost``...)."""
    names = solved_names(pir)
    n = len(names)
    out = [f"acc_H_{names[a]}_{names[b]}" for a in range(n) for b in range(a, n)]
    out += [f"acc_g_{name}" for name in names]
    out += ["acc_cost", "acc_used", "acc_behind", "acc_outside"]
    return out + (["acc_cost_depth", "acc_used_depth"] if pir.depth else [])


def accumulator_terms(n: int, row: str, residual: str, count: str) -> list[str]:
    """What each point adds to the first ``size - 2`` accumulators (``wj<k>`` = weight x row entry k)."""
    exprs = [f"wj{a} * {row.format(b)}" for a in range(n) for b in range(a, n)]
    exprs += [f"wj{a} * {residual}" for a in range(n)]
    return exprs + ["rho", count]


def weighted_sums(pir: PhotometricIR, pr, ind: str, lanes: bool) -> list[str]:
    """From the sampled values to the accumulators: residual, Jacobian row, robust weight, sums.

    Rejected points (``ok`` false) get a zero residual, row and weight (float64 selects), so
    nothing non-finite reaches the sums. ``lanes``: lane-vector statements (CPU), else scalar ones.
    """
    widen, zero = ("lane_f64({})", "lane_select(ok, {}, 0.0)") if lanes else ("float({})", "{} if ok else 0.0")
    lines = [f"{ind}res = {pr(pir.residual)}", f"{ind}r64 = {zero.format(widen.format('res'))}"]
    for k, e in enumerate(pir.rows):
        lines += assign_lines(f"j{k}", e, pr, ind)
        lines.append(f"{ind}j{k}_64 = {zero.format(widen.format(f'j{k}'))}")
    count = "lane_select(ok, 1.0, 0.0)" if lanes else "(1.0 if ok else 0.0)"  # parenthesised: a term of a sum
    terms = accumulator_terms(pir.n_params, "j{}_64", "r64", count)
    names = accumulator_names(pir)
    pairs = list(zip(names, terms, strict=False))
    if pir.depth:  # the depth cost and count come after the behind / outside counts (added elsewhere)
        lines += depth_weight_lines(pir, pr, ind, lanes)
        terms = depth_terms(pir, terms, lanes)
        pairs = list(zip(names, terms[:-2], strict=False)) + list(zip(names[-2:], terms[-2:], strict=True))
    else:
        lines.append(f"{ind}wt, rho = {'robust_lanes' if lanes else 'robust'}(r64, loss_id, scale)")
        lines.append(f"{ind}wt = {zero.format('wt')}")
        lines += [f"{ind}wj{k} = wt * j{k}_64" for k in range(pir.n_params)]
    return lines + [f"{ind}{name} = {name} + {term}" for name, term in pairs]


def depth_weight_lines(pir: PhotometricIR, pr, ind: str, lanes: bool) -> list[str]:
    """The depth residual, its Jacobian row, and one robust weight of both residuals (DVO-SLAM's rule).

    The point's residual pair ``(r, r_D)``, each over its own scale, has the norm
    ``e = sqrt(r**2 + weight_depth * r_D**2)`` in the photometric unit (``weight_depth`` is
    ``depth_weight * (scale / depth scale)**2``); the loss's IRLS weight ``w(e)`` multiplies both
    rows, so a point that is an outlier in one residual (an occlusion) loses the other too. The
    cost ``rho(e)`` is split between the two by their shares of ``e**2`` (for l2 the two costs
    exactly). Points without a depth residual (``okd`` false: rejected, or missing / edge target
    depth) have ``r_D = 0`` and a zero row: their terms are exactly the photometric kernel's.
    """
    widen, zero = ("lane_f64({})", "lane_select(okd, {}, 0.0)") if lanes else ("float({})", "{} if okd else 0.0")
    lines = depth_scale_lines(pir, pir.warp, pr, ind)
    lines += [f"{ind}resd = {pr(pir.depth_residual)}", f"{ind}rd64 = {zero.format(widen.format('resd'))}"]
    for k, e in enumerate(pir.depth_rows):
        lines += assign_lines(f"jd{k}", e, pr, ind)
        lines.append(f"{ind}jd{k}_64 = {zero.format(widen.format(f'jd{k}'))}")
    ok_zero = "lane_select(ok, {}, 0.0)" if lanes else "{} if ok else 0.0"
    positive = "lane_select(e2 > 0.0, e2, 1.0)" if lanes else "(e2 if e2 > 0.0 else 1.0)"
    lines += [
        f"{ind}e2 = r64 * r64 + weight_depth * (rd64 * rd64)",
        f"{ind}wt, rho_e = {'robust_lanes' if lanes else 'robust'}(math.sqrt(e2), loss_id, scale)",
        f"{ind}wt = {ok_zero.format('wt')}",
        f"{ind}rhod = rho_e * (weight_depth * (rd64 * rd64)) / {positive}",  # the depth share (0 where r_D = 0)
        f"{ind}rho = rho_e - rhod",
        f"{ind}wtd = wt * weight_depth",
    ]
    lines += [f"{ind}wj{k} = wt * j{k}_64" for k in range(pir.n_params)]
    return lines + [f"{ind}wjd{k} = wtd * jd{k}_64" for k in range(len(pir.depth_rows))]


def depth_scale_lines(pir: PhotometricIR, warp, pr, ind: str) -> list[str]:
    """``n_D`` (:attr:`PhotometricIR.depth_normaliser` at ``warp``'s moved point) and ``s_D = 1 / sqrt(n_D)``."""
    lines = assign_lines(str(DEPTH_NORMALISER), pir.depth_normaliser_at(warp), pr, ind)
    return [*lines, f"{ind}{DEPTH_SCALE} = {pr(1 / sp.sqrt(DEPTH_NORMALISER))}"]


def depth_terms(pir: PhotometricIR, terms: list[str], lanes: bool) -> list[str]:
    """``terms`` (photometric) with the depth residual's added to ``H`` and ``g``, then its cost and count.

    The depth row has no brightness entries: ``H`` and ``g`` rows of ``a``, ``b`` are photometric only.
    The cost is ``rhod``, the depth share of the point's ``rho(e)``, in the photometric unit.
    """
    n, m = pir.n_params, len(pir.depth_rows)
    depth = [f"wjd{a} * jd{b}_64" if b < m else "" for a in range(n) for b in range(a, n)]
    depth += [f"wjd{a} * rd64" if a < m else "" for a in range(n)]
    out = [f"{t} + {d}" if d else t for t, d in zip(terms, depth, strict=False)]
    out += terms[len(depth) :]
    count = "lane_select(okd, 1.0, 0.0)" if lanes else "(1.0 if okd else 0.0)"
    return out + ["rhod", count]


def scalar_point_lines(pir: PhotometricIR, ind: str, accumulate: bool) -> list[str]:
    """Statements for point ``i`` on scalars of type ``T``; a rejected point is counted and skipped.

    ``accumulate``: add the point to the accumulators (normal equations), else stop at ``res``
    (the residual kernel). Reads ``img`` (the pair's target stack) and ``iref``; with the depth
    residual also ``dimg`` (the pair's depth stack), and ``okd`` tells whether the point has one.
    """
    w = pir.warp if accumulate else pir.warp_only
    pr = lambda e: print_expr(e, typed=TYPED)  # noqa: E731
    lines = scalar_sample_head(pir.model, w, pr, ind, accumulate)
    lines += bilinear_lines(SAMPLED_NAMES if accumulate else SAMPLED_NAMES[:1], "img", ind)
    lines.append(f"{ind}I_ref = iref[i]")
    if not accumulate:
        return lines + [f"{ind}res = {pr(pir.residual)}"]
    lines.append(f"{ind}ok = True")
    if pir.depth:
        lines += bilinear_lines(DEPTH_SAMPLED_NAMES, "dimg", ind)
        lines.append(f"{ind}okd = {' and '.join(f'math.isfinite({n})' for n in DEPTH_SAMPLED_NAMES)}")
    return lines + weighted_sums(pir, pr, ind, lanes=False)


def bilinear_lines(names, image: str, ind: str) -> list[str]:
    """Channel ``c`` of ``image`` sampled bilinearly into ``names[c]`` (scalar code, weights ``w00 .. w11``)."""
    lines = []
    for c, name in enumerate(names):
        lines += [
            f"{ind}{name} = w00 * {image}[y0, x0, {c}] + w01 * {image}[y0, x0 + 1, {c}]",
            f"{ind}{name} += w10 * {image}[y0 + 1, x0, {c}] + w11 * {image}[y0 + 1, x0 + 1, {c}]",
        ]
    return lines


def scalar_sample_head(m: WarpModel, w, pr, ind: str, accumulate: bool) -> list[str]:
    """Point ``i``'s warp (``w``: its IR), the rejections (counted where ``accumulate``) and bilinear weights."""
    lines = [f"{ind}{x} = points[i, {k}]" for k, x in enumerate(m.point)]
    for s, e in w.per_point:
        lines += assign_lines(str(s), e, pr, ind)
    depth = f"{pr(w.valid)} > T(0.0) and " if w.valid is not None else ""
    lines += [
        f"{ind}u = {pr(w.outputs[0])}",
        f"{ind}v = {pr(w.outputs[1])}",
        f"{ind}if not ({depth}math.isfinite(u) and math.isfinite(v)):",
        *([f"{ind}    acc_behind += 1.0"] if accumulate else []),
        f"{ind}    continue",
        # inside = within the footprint of a pixel (centres at integers); the half-pixel border
        # band samples the border pixels, so a point exactly on a centre is never on the edge
        f"{ind}if not (u >= T(-0.5) and v >= T(-0.5) and u <= width - T(0.5) and v <= height - T(0.5)):",
        *([f"{ind}    acc_outside += 1.0"] if accumulate else []),
        f"{ind}    continue",
        f"{ind}uc = min(max(u, T(0.0)), T(width - 1))",
        f"{ind}vc = min(max(v, T(0.0)), T(height - 1))",
        f"{ind}x0 = min(int(uc), width - 2)",
        f"{ind}y0 = min(int(vc), height - 2)",
        f"{ind}ax = uc - T(x0)",
        f"{ind}ay = vc - T(y0)",
        f"{ind}w00 = (T(1.0) - ax) * (T(1.0) - ay)",
        f"{ind}w01 = ax * (T(1.0) - ay)",
        f"{ind}w10 = (T(1.0) - ax) * ay",
        f"{ind}w11 = ax * ay",
    ]
    return lines


def packed_fused(pir: PhotometricIR, warp_ir) -> list[sp.Symbol]:
    """Values a fused kernel unpacks: the warp's, then the brightness terms."""
    return packed_symbols(warp_ir) + [s for s, _ in pir.extra_hoisted]


def fused_hoist_parts(pir: PhotometricIR, warp_ir) -> tuple[list, list[sp.Symbol], dict]:
    """What a fused hoist computes: the hoisted terms, the packed values and the inputs it reads."""
    m = pir.model
    inputs = {p: f"params[{k}]" for k, p in enumerate(m.params)}
    if pir.brightness:
        a, b = BRIGHTNESS
        inputs.update({a: f"params[{len(m.params)}]", b: f"params[{len(m.params) + 1}]"})
    inputs.update({c: f"constants[{k}]" for k, c in enumerate(m.constants)})
    hoisted = list(warp_ir.hoisted) + list(pir.extra_hoisted)
    return hoisted, packed_fused(pir, warp_ir), inputs


def fused_hoist(pir: PhotometricIR, name: str, warp_ir) -> str:
    """``_hoist_<name>``: the warp's parameter-only terms and the brightness terms ``exp(a)``, ``b``."""
    hoisted, packed, inputs = fused_hoist_parts(pir, warp_ir)
    return hoist_function(name, pir.model, hoisted, packed, inputs)


def hoist_kinds(pirs) -> dict[str, tuple[PhotometricIR, object]]:
    """Each hoist of an align module by name: its program and the warp IR it hoists for."""
    base, brightness = pirs
    return {
        base.kind: (base, base.warp),
        brightness.kind: (brightness, brightness.warp),
        "residuals": (brightness, brightness.warp_only),
    }


def depth_hoist_kinds(dpirs) -> dict[str, tuple[PhotometricIR, object]]:
    """The depth kernels' hoists by name: the fused ones and ``residuals_depth`` (no brightness pair)."""
    base, brightness = dpirs
    return {
        base.kind: (base, base.warp),
        brightness.kind: (brightness, brightness.warp),
        "residuals_depth": (base, base.warp_only),
    }


def depth_residual_kernel(pir: PhotometricIR, backend: Backend) -> str:
    """``_residuals_depth(h, points, depth, resid)``: each point's depth residual, NaN where it has none.

    A point has none behind the camera, outside the target, or where the sampled depth stack
    (``D``, ``dD/du``, ``dD/dv``) is not finite (missing depth or a depth edge in its neighbourhood).
    """
    packed = packed_fused(pir, pir.warp_only)
    w = pir.warp_only
    lines = [backend.sample_decorator or backend.kernel_decorator, "def _residuals_depth(h, points, depth, resid):"]
    lines.append('    """Depth residual ``D_t - Z\'`` of every point (float type of ``points``), NaN where none."""')
    lines += [f"    {TYPED} = points.dtype.type", "    img = depth", "    height = depth.shape[0]"]
    lines.append("    width = depth.shape[1]")
    lines += unpack_lines(packed, "h[{}]", "    ", TYPED, [*w.hoisted, *pir.extra_hoisted])
    lines += backend.sample_loop("points.shape[0]")
    ind = backend.loop_indent
    lines.append(f"{ind}resid[i] = math.nan")
    lines += depth_residual_lines(pir, ind, "resid[i]")
    return "\n".join(lines) + "\n"


def depth_residual_lines(pir: PhotometricIR, ind: str, store: str) -> list[str]:
    """Point ``i``'s depth residual into ``store`` (scalar code reading the depth stack ``img``); skipped where none."""
    w = pir.warp_only
    pr = lambda e: print_expr(e, typed=TYPED)  # noqa: E731
    lines = scalar_sample_head(pir.model, w, pr, ind, accumulate=False)
    lines += bilinear_lines(DEPTH_SAMPLED_NAMES, "img", ind)
    lines.append(f"{ind}if not ({' and '.join(f'math.isfinite({n})' for n in DEPTH_SAMPLED_NAMES)}):")
    lines.append(f"{ind}    continue")
    lines += depth_scale_lines(pir, w, pr, ind)
    return [*lines, f"{ind}{store} = {pr(DEPTH_SCALE * (DEPTH_SAMPLED[0] - w.outputs[2]))}"]


def residual_kernel(pir: PhotometricIR, backend: Backend) -> str:
    """``_residuals(h, points, iref, tgt, resid)``: each point's residual, NaN where rejected."""
    packed = packed_fused(pir, pir.warp_only)
    lines = [backend.sample_decorator or backend.kernel_decorator, "def _residuals(h, points, iref, tgt, resid):"]
    lines.append(
        '    """Residual of every point (float type of ``points``), NaN behind the camera or outside ``tgt``."""'
    )
    lines += [
        f"    {TYPED} = points.dtype.type",
        "    img = tgt",
        "    height = tgt.shape[0]",
        "    width = tgt.shape[1]",
    ]
    lines += unpack_lines(packed, "h[{}]", "    ", TYPED, [*pir.warp_only.hoisted, *pir.extra_hoisted])
    lines += backend.sample_loop("points.shape[0]")
    ind = backend.loop_indent
    lines.append(f"{ind}resid[i] = math.nan")
    lines += scalar_point_lines(pir, ind, accumulate=False)
    lines.append(f"{ind}resid[i] = res")
    return "\n".join(lines) + "\n"


def align_description(model: WarpModel, backend: Backend, pirs, dpirs=()) -> dict:
    """``DESCRIPTION`` of an align module: what the solver needs to run it.

    ``dpirs``: the photometric + depth programs where the backend emits them (:func:`depth_irs`):
    their layouts (``cost_depth``, ``n_depth_used`` after the photometric sums), hoists and kernels.
    """
    base = pirs[0]
    hoists = {**hoist_kinds(pirs), **(depth_hoist_kinds(dpirs) if dpirs else {})}
    depth_kernels = tuple(k for pir in dpirs for k in (pir.kind, f"{pir.kind}_batch"))
    return {
        "model": model.name,
        "target": backend.name,
        "params": model.param_names,
        "brightness_params": BRIGHTNESS_NAMES,
        "point": tuple(map(str, model.point)),
        "constants": tuple(map(str, model.constants)),
        "positive_constants": tuple(map(str, model.positive_constants)),
        "kernel_constants": tuple(map(str, base.model.constants)),
        "update": "compositional" if base.compositional else "additive",
        "parameterisation": recognise(model),
        "losses": LOSSES,
        "loss_scale_factors": LOSS_SCALE_FACTORS,
        "accumulators": {pir.kind: layout_of(pir) for pir in (*pirs, *dpirs)},
        "hoisted_sizes": {k: hoisted_size(packed_fused(p, w)) for k, (p, w) in hoists.items()},
        "kernels": tuple(k for pir in pirs for k in (pir.kind, f"{pir.kind}_batch"))
        + ("residuals", *backend.extra_align_kernels)
        + (depth_kernels + ("residuals_depth", *backend.extra_depth_kernels) if dpirs else ()),
        **({"device_functions": names} if (names := backend.device_function_names(model)) else {}),
    }


PARAMS_FROM_POSE = '''
def params_from_pose(T):
    """Parameters whose ``pose`` is ``T`` (closed form where ``DESCRIPTION["parameterisation"]`` names one)."""
    return invert_pose(DESCRIPTION["parameterisation"], pose, T, len(DESCRIPTION["params"]))
'''


def can_align(model: WarpModel) -> bool:
    """Whether the aligner can run ``model``: a rigid motion of 3-D points projected to ``(u, v)``."""
    return model.motion is not None and len(model.outputs) == 2


def render_align_module(model: WarpModel, backend: Backend) -> str:
    """Source of ``<model>_align_<target>.py``: fused normal-equation and residual kernels."""
    if not can_align(model):
        raise ValueError(f"model {model.name!r}: fused kernels need a rigid motion (motion=...) and two outputs")
    pirs = photometric_irs(model)
    parts = [pose_function(model), PARAMS_FROM_POSE.strip("\n") + "\n"]
    ops = []
    for pir in pirs:
        parts.append(fused_hoist(pir, pir.kind, pir.warp))
        parts.append(backend.fused_kernel(pir, packed_fused(pir, pir.warp)))
        parts.append(backend.fused_launchers(pir))
        ops.append((f"_{pir.kind}", pir.warp.ops))
    brightness = pirs[1]
    parts.append(fused_hoist(brightness, "residuals", brightness.warp_only))
    parts.append(residual_kernel(brightness, backend))
    parts.append(backend.residual_launcher())
    parts += backend.align_extras(model, pirs)
    ops.append(("_residuals", brightness.warp_only.ops))
    dpirs = depth_irs(model) if backend.fused_depth else ()
    for pir in dpirs:
        parts.append(fused_hoist(pir, pir.kind, pir.warp))
        parts.append(backend.fused_kernel(pir, packed_fused(pir, pir.warp)))
        parts.append(backend.fused_launchers(pir))
        ops.append((f"_{pir.kind}", pir.warp.ops))
    if dpirs:
        parts.append(fused_hoist(dpirs[0], "residuals_depth", dpirs[0].warp_only))
        parts.append(depth_residual_kernel(dpirs[0], backend))
        parts.append(backend.depth_residual_launcher())
        parts += backend.depth_extras(model, dpirs)
        ops.append(("_residuals_depth", dpirs[0].warp_only.ops))
    kind = "forward compositional, T <- pose(delta) T" if pirs[0].compositional else "forward additive"
    title = (
        f"Fused photometric kernels of the ``{model.name}`` model for the Numba {backend.name.upper()} target.\n\n"
        "Warp + bilinear sample + residual + robust weight + J^T W J / J^T W r into float64 sums\n"
        f"({kind}).\n"
    )
    return assemble(title, model, backend, align_description(model, backend, pirs, dpirs), parts, ops)


__all__ = [
    "accumulator_names",
    "bilinear_lines",
    "can_align",
    "depth_hoist_kinds",
    "depth_irs",
    "depth_residual_lines",
    "fused_hoist_parts",
    "hoist_kinds",
    "packed_fused",
    "photometric_irs",
    "render_align_module",
    "scalar_point_lines",
    "weighted_sums",
]
