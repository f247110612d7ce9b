"""Thin layer over the generated fused kernels (``<model>_align_<target>.py``, built-in or a user's).

Nothing here knows a model: each generated align module describes itself (``DESCRIPTION``: the warp
parameters, the brightness pair, the point, the constants, compositional or additive update, the
losses by id with their default scale factors, the accumulator layouts) and provides ``pose`` /
``params_from_pose`` for its rigid motion. :class:`AlignModel` checks that a description has what
the aligner needs and answers the aligner's questions from it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

import numpy as np
from numba import njit

from jacgen.handles import GeneratedModel, resolve

INTRINSICS = ("fx", "fy", "cx", "cy")
"""Constants the aligner fills from its ``intrinsics`` argument (scaled on every pyramid level); a
model's other constants (``DESCRIPTION["constants"]`` beyond these) come from ``constants=``."""

UPDATES = ("compositional", "additive")
"""``DESCRIPTION["update"]``: ``T <- pose(delta) @ T`` (kernels differentiate at ``delta = 0`` about
the pose passed after the constants) or ``params <- params + delta``."""

POSE_ROWS = 12
"""Kernel constants after the model's own for a compositional model: the current pose's 3x4 rows."""

POINT_DIMENSION = 3
"""The aligner's points are back-projected pixels ``(X, Y, Z)``."""

ACCUMULATOR_KERNELS = {False: "normal_equations", True: "normal_equations_brightness"}
"""The fused kernel of each ``brightness``: its name, that of its layout in ``DESCRIPTION["accumulators"]``,
and with ``_batch`` appended that of its batched variant."""

DESCRIPTION_KEYS = (
    "params",
    "brightness_params",
    "point",
    "constants",
    "kernel_constants",
    "update",
    "losses",
    "loss_scale_factors",
    "accumulators",
)
"""What the aligner reads from ``DESCRIPTION``."""

MODULE_FUNCTIONS = (
    "pose",
    "params_from_pose",
    "normal_equations",
    "normal_equations_brightness",
    "residuals",
    "normal_equations_batch",
    "normal_equations_brightness_batch",
)
"""Functions the aligner calls on an align module."""

LAYOUT_KEYS = ("H", "g", "cost", "n_used", "n_behind", "n_outside", "size")

DEPTH_KERNELS = {False: "normal_equations_depth", True: "normal_equations_depth_brightness"}
"""The photometric + depth fused kernel of each ``brightness`` (RGB-D alignment, ``tgt_depth`` given): also
the names of their layouts, which add ``cost_depth`` and ``n_depth_used`` to :data:`LAYOUT_KEYS`; with
``_batch`` appended their batched variants, and ``residuals_depth`` the depth residual's kernel."""

DEPTH_FUNCTIONS = (*DEPTH_KERNELS.values(), "residuals_depth")
"""Functions of an align module that RGB-D alignment calls (optional: CPU modules generated since)."""


def loss_index(losses: tuple[str, ...], loss) -> int:
    """Index of ``loss`` in an align module's ``losses`` (the kernels' loss id); ``ValueError`` listing them."""
    if not isinstance(loss, str) or loss not in losses:
        raise ValueError(f"loss must be one of {losses}, got {loss!r}")
    return losses.index(loss)


def _invalid(name: str, why: str) -> ValueError:
    return ValueError(f"model {name!r} cannot be aligned with: {why}")


def _check_layout(name: str, key: str, layout, n: int) -> None:
    """A layout as :func:`jacgen.runtime.layouts.accumulator_layout` gives it for ``n`` solved parameters."""
    if not isinstance(layout, dict) or any(not isinstance(layout.get(k), int) for k in LAYOUT_KEYS):
        raise _invalid(name, f'DESCRIPTION["accumulators"][{key!r}] must map {LAYOUT_KEYS} to offsets')
    if layout["g"] - layout["H"] != n * (n + 1) // 2 or layout["cost"] - layout["g"] != n:
        raise _invalid(
            name, f'DESCRIPTION["accumulators"][{key!r}] does not hold H (upper triangle) and g of {n} parameters'
        )
    ends = [layout[k] for k in ("cost", "n_used", "n_behind", "n_outside")]
    if max(ends) >= layout["size"]:
        raise _invalid(name, f'DESCRIPTION["accumulators"][{key!r}]: offsets beyond its size')


def check_description(name: str, description, module: ModuleType) -> None:
    """Raise ``ValueError`` naming what ``description`` / ``module`` lack for the aligner."""
    if not isinstance(description, dict):
        raise _invalid(name, "its align module has no DESCRIPTION dict (regenerate it)")
    missing = [k for k in DESCRIPTION_KEYS if k not in description]
    if missing:
        raise _invalid(name, f"DESCRIPTION lacks {missing}")
    functions = [f for f in MODULE_FUNCTIONS if not callable(getattr(module, f, None))]
    if functions:
        raise _invalid(name, f"its align module lacks {functions}")
    d = description
    point, constants, kernel_constants = (tuple(d[k]) for k in ("point", "constants", "kernel_constants"))
    if len(point) != POINT_DIMENSION:
        raise _invalid(name, f"the aligner moves 3-D points (X, Y, Z); the model's point is {point}")
    absent = [c for c in INTRINSICS if c not in constants]
    if absent:
        raise _invalid(name, f"the aligner passes intrinsics {INTRINSICS}; constants {constants} lack {absent}")
    if d["update"] not in UPDATES:
        raise _invalid(name, f'DESCRIPTION["update"] must be one of {UPDATES}, got {d["update"]!r}')
    pose_rows = POSE_ROWS if d["update"] == "compositional" else 0
    if kernel_constants[: len(constants)] != constants or len(kernel_constants) != len(constants) + pose_rows:
        expected = f"its constants then {POSE_ROWS} pose entries" if pose_rows else "its constants"
        raise _invalid(name, f"update {d['update']!r}: kernel constants must be {expected}, got {kernel_constants}")
    if not d["losses"] or len(d["losses"]) != len(d["loss_scale_factors"]):
        raise _invalid(name, 'DESCRIPTION["losses"] and ["loss_scale_factors"] must be non-empty and match')
    n = len(d["params"])
    if n == 0:
        raise _invalid(name, "the model has no parameters")
    for brightness, key in ACCUMULATOR_KERNELS.items():
        if key not in d["accumulators"]:
            raise _invalid(name, f'DESCRIPTION["accumulators"] lacks {key!r}')
        _check_layout(name, key, d["accumulators"][key], n + (len(d["brightness_params"]) if brightness else 0))


class AlignModel:
    """A model's fused kernels and what their description tells the aligner (see :func:`align_model`).

    Attributes
    ----------
    handle : jacgen.GeneratedModel
    description : dict
        ``DESCRIPTION`` of the CPU align module.
    params, brightness_params : tuple of str
        Warp parameter names; the gain / bias pair solved with ``brightness=True``.
    constants : tuple of str
        The model's per-call constants; :data:`INTRINSICS` among them, the others are ``extra_constants``.
    compositional : bool
        ``T <- pose(delta) @ T`` (else ``params <- params + delta``).
    losses : tuple of str
        Loss names by the kernels' loss id.
    """

    def __init__(self, handle: GeneratedModel) -> None:
        cpu = handle.align_module("cpu")
        check_description(handle.name, getattr(cpu, "DESCRIPTION", None), cpu)
        d = cpu.DESCRIPTION
        self.handle, self.name, self.description, self.cpu = handle, handle.name, d, cpu
        self.params = tuple(d["params"])
        self.brightness_params = tuple(d["brightness_params"])
        self.constants = tuple(d["constants"])
        self.extra_constants = tuple(c for c in self.constants if c not in INTRINSICS)
        self.positive_constants = tuple(d.get("positive_constants", ()))
        self.compositional = d["update"] == "compositional"
        self.losses = tuple(d["losses"])
        self.loss_scale_factors = dict(zip(self.losses, map(float, d["loss_scale_factors"]), strict=True))
        # kernel constants = concatenate([intrinsics, extra])[order] (None: intrinsics alone, in order)
        given = INTRINSICS + self.extra_constants
        order = np.array([given.index(c) for c in self.constants])
        self._order = None if self.constants == INTRINSICS else order

    def __repr__(self) -> str:
        return f"AlignModel({self.name!r}, {'compositional' if self.compositional else 'additive'}, {self.params})"

    def module(self, target: str = "cpu") -> ModuleType:
        """The align module for ``target`` (imported on first use); ``ValueError`` for an unknown target."""
        return self.handle.align_module(target)

    def has_depth(self, target: str = "cpu") -> bool:
        """Whether the align module for ``target`` has the photometric + depth kernels (:data:`DEPTH_FUNCTIONS`)."""
        module = self.module(target)
        layouts = module.DESCRIPTION.get("accumulators", {})
        return all(callable(getattr(module, f, None)) for f in DEPTH_FUNCTIONS) and all(
            "cost_depth" in layouts.get(k, {}) for k in DEPTH_KERNELS.values()
        )

    def names(self, brightness: bool = False) -> tuple[str, ...]:
        """Names of the solved parameters: the warp's, then the brightness pair."""
        return self.params + (self.brightness_params if brightness else ())

    def loss_id(self, loss: str) -> int:
        """The kernels' id of ``loss``; ``ValueError`` listing the model's losses."""
        return loss_index(self.losses, loss)

    def loss_scale_factor(self, loss: str) -> float:
        """Default robust scale of ``loss`` in units of the residuals' robust sigma."""
        self.loss_id(loss)
        return self.loss_scale_factors[loss]

    def pose(self, params) -> np.ndarray:
        """4x4 pose of the warp parameters (the module's ``pose``)."""
        return np.asarray(self.cpu.pose(np.ascontiguousarray(params, dtype=np.float64)), dtype=np.float64)

    def params_from_pose(self, T) -> np.ndarray:
        """Warp parameters of a 4x4 pose (the module's ``params_from_pose``)."""
        T = np.ascontiguousarray(T, dtype=np.float64)
        return np.array(self.cpu.params_from_pose(T), dtype=np.float64)

    def check_constants(self, constants) -> np.ndarray:
        """The values of :attr:`extra_constants` from ``constants`` (dict by name, or a sequence in order).

        ``ValueError`` when one is missing, unknown, not finite, or not positive where the model
        requires it.
        """
        names = self.extra_constants
        if constants is None:
            constants = {} if not names else None
        if constants is None:
            raise ValueError(f"model {self.name!r} needs constants {names} beyond the intrinsics: pass constants=")
        if isinstance(constants, dict):
            unknown = sorted(set(constants) - set(names))
            missing = [n for n in names if n not in constants]
            if unknown or missing:
                raise ValueError(
                    f"constants of model {self.name!r} are {names} (beyond the intrinsics {INTRINSICS}); "
                    + (f"missing {missing}" if missing else "")
                    + ("; " if missing and unknown else "")
                    + (f"unknown {unknown}" if unknown else "")
                )
            constants = [constants[n] for n in names]
        try:
            values = np.array(constants, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            values = np.full(0, np.nan)  # not numbers: reported below
        if values.shape != (len(names),) or not np.all(np.isfinite(values)):
            raise ValueError(
                f"constants must be {len(names)} finite numbers {names} for model {self.name!r}, got {constants!r}"
            )
        bad = [n for n, v in zip(names, values, strict=True) if n in self.positive_constants and not v > 0]
        if bad:
            raise ValueError(f"constants: {', '.join(bad)} must be > 0 for model {self.name!r}")
        return values

    def constants_vector(self, intrinsics: np.ndarray, extra: np.ndarray) -> np.ndarray:
        """The model's constants (``DESCRIPTION["constants"]`` order) from the intrinsics and the extra ones."""
        if self._order is None:
            return intrinsics
        return np.concatenate([intrinsics, extra])[self._order]

    def kernel_inputs(self, intrinsics, extra, pose, params, ab) -> tuple[np.ndarray, np.ndarray]:
        """``(params, constants)`` of the fused kernels (``ab``: the brightness pair, or empty).

        Compositional: zero warp parameters and the pose after the constants; additive: the
        parameters and the constants.
        """
        c = self.constants_vector(intrinsics, extra)
        if self.compositional:
            return np.concatenate([np.zeros(len(self.params)), ab]), np.concatenate([c, pose[:3, :4].ravel()])
        return np.concatenate([params, ab]), c


@functools.cache
def _align_model(handle: GeneratedModel) -> AlignModel:
    return AlignModel(handle)


def align_model(model: str | GeneratedModel) -> AlignModel:
    """The :class:`AlignModel` of a built-in name (:func:`jacgen.models`) or a :func:`jacgen.build_model` handle.

    ``ValueError`` for an unknown name (listing the available ones), a model without align kernels,
    or one whose description lacks what the aligner needs.
    """
    return _align_model(resolve(model))


def align_module(model: str | GeneratedModel, target: str = "cpu") -> ModuleType:
    """The generated fused-kernel module of ``model`` for ``target``."""
    return align_model(model).module(target)


@dataclass
class NormalEquations:
    """``H = J^T W J``, ``g = J^T W r`` (sums over used points), cost and point counts."""

    H: np.ndarray
    g: np.ndarray
    cost: float  # sum of rho over used points (with the depth residual: of both, cost_depth included)
    n_used: int
    n_behind: int
    n_outside: int
    cost_depth: float = 0.0
    """The depth residual's part of ``cost`` (each point's ``rho(e)`` times the depth share of ``e**2``,
    photometric units); 0 without."""
    n_depth_used: int = 0
    """Points whose depth residual was used (0 without the depth residual)."""

    @property
    def mean_cost(self) -> float:
        """Cost per used point (``inf`` when none was used)."""
        return self.cost / self.n_used if self.n_used else float("inf")


def unpack(acc: np.ndarray, layout: dict) -> NormalEquations:
    """Turn a kernel's accumulator vector into :class:`NormalEquations` (``layout``: its ``DESCRIPTION`` layout)."""
    acc = np.asarray(acc, dtype=np.float64)
    n = layout["cost"] - layout["g"]
    H = np.empty((n, n))
    g = np.empty(n)
    _unpack(acc, layout["H"], layout["g"], H, g)
    cost, n_used, n_behind, n_outside = (acc[layout[k]] for k in ("cost", "n_used", "n_behind", "n_outside"))
    counts = int(round(n_used)), int(round(n_behind)), int(round(n_outside))
    if "cost_depth" not in layout:
        return NormalEquations(H, g, float(cost), *counts)
    cost_depth, n_depth = float(acc[layout["cost_depth"]]), int(round(acc[layout["n_depth_used"]]))
    return NormalEquations(H, g, float(cost) + cost_depth, *counts, cost_depth, n_depth)


@njit(cache=True)
def _unpack(acc, h0, g0, H, g):
    """Upper triangle of ``H`` (row-major) from ``acc[h0:]``, ``g`` from ``acc[g0:]``; ``H`` symmetrised."""
    n, k = g.size, h0
    for i in range(n):
        for j in range(i, n):
            H[i, j] = H[j, i] = acc[k]
            k += 1
    for i in range(n):
        g[i] = acc[g0 + i]


@dataclass(frozen=True)
class FusedKernels:
    """An align module's fused kernels for one loss and brightness setting, looked up once (per problem).

    Attributes
    ----------
    single, batch : callable
        The single-pair and the batched normal-equation kernels.
    loss_id : int
        The kernels' id of the loss.
    layout : dict
        Offsets of ``H``, ``g``, the cost and the counts in the kernels' accumulator vector.
    """

    single: Callable
    batch: Callable
    loss_id: int
    layout: dict

    @classmethod
    def of(cls, module: ModuleType, loss: str, brightness: bool, depth: bool = False) -> FusedKernels:
        """The kernels of ``module`` for ``loss`` (``ValueError`` listing its losses) and ``brightness``.

        ``depth``: the photometric + depth kernels (:data:`DEPTH_KERNELS`), whose ``normal_equations``
        takes the depth stack after the target stack and ``(scale, depth scale, depth weight)``.
        """
        name = (DEPTH_KERNELS if depth else ACCUMULATOR_KERNELS)[bool(brightness)]
        d = module.DESCRIPTION
        loss_id = loss_index(tuple(d["losses"]), loss)
        return cls(getattr(module, name), getattr(module, name + "_batch"), loss_id, d["accumulators"][name])

    def normal_equations(self, params, constants, points, iref, tgt, loss_scale: float) -> NormalEquations:
        """Run the fused kernel once; ``params``: the warp's (and with brightness the gain / bias pair)."""
        acc = self.single(params, constants, points, iref, tgt, self.loss_id, float(loss_scale))
        return unpack(np.asarray(acc), self.layout)

    def normal_equations_depth(self, params, constants, points, iref, tgt, depth, scales) -> NormalEquations:
        """Run a photometric + depth kernel once (``scales``: scale, depth scale, depth weight)."""
        acc = self.single(params, constants, points, iref, tgt, depth, self.loss_id, tuple(map(float, scales)))
        return unpack(np.asarray(acc), self.layout)

    def normal_equations_batch(
        self, params, constants, arrays: tuple, offsets, active, loss_scales
    ) -> list[NormalEquations | None]:
        """One launch for many pairs: :class:`NormalEquations` of each active pair (``None`` for the others).

        ``params`` / ``constants`` one row per pair; ``arrays``: the pairs' points and intensities
        concatenated (pair ``b`` at ``offsets[b]:offsets[b + 1]``) and their target stacks.
        """
        acc = self.batch(params, constants, *arrays, offsets, active, self.loss_id, loss_scales)
        return [unpack(row, self.layout) if a else None for row, a in zip(np.asarray(acc), active, strict=True)]


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
    """One call of ``module``'s fused kernel (:meth:`FusedKernels.normal_equations`, the loss looked up here)."""
    return FusedKernels.of(module, loss, brightness).normal_equations(params, constants, points, iref, tgt, loss_scale)


def normal_equations_depth(
    module: ModuleType, params, constants, points, iref, tgt, depth, loss: str, scales, brightness: bool
) -> NormalEquations:
    """One call of ``module``'s photometric + depth kernel (``scales``: scale, depth scale, depth weight)."""
    kernels = FusedKernels.of(module, loss, brightness, depth=True)
    return kernels.normal_equations_depth(params, constants, points, iref, tgt, depth, scales)


def residuals_depth(module: ModuleType, params: np.ndarray, constants: np.ndarray, points, depth) -> np.ndarray:
    """Per-point depth residuals ``s_D (D_tgt(u, v) - Z')`` (NaN where none; ``params``: the warp's)."""
    resid = np.empty(points.shape[0], dtype=points.dtype)
    module.residuals_depth(params, constants, points, depth, resid)
    return resid


def residuals(module: ModuleType, params: np.ndarray, constants: np.ndarray, points, iref, tgt) -> np.ndarray:
    """Per-point residuals (NaN where a point is behind the camera or outside the target).

    ``params``: the warp parameters followed by the brightness pair (zeros for none).
    """
    resid = np.empty(points.shape[0], dtype=points.dtype)
    module.residuals(params, constants, points, iref, tgt, resid)
    return resid
