"""What a code-generation target is: configuration plus the emitters of its target-specific kernels.

The core (:mod:`jacgen.codegen`, :mod:`jacgen.fused_codegen`) never branches on the target: it
asks the backend for decorators, point loops, imports, module constants, launchers and the
kernels whose form differs between targets (how points are distributed and sums reduced). A new
target is a new :class:`Backend` subclass (and a :class:`jacgen.runners.Runner` to run its modules).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..runtime import poses, sinc

SHARED_HELPERS = (
    ("jacgen.runtime.sinc", tuple(sinc.__all__)),
    ("jacgen.runtime.poses", tuple(poses.__all__)),
)
"""Helper modules of every target: ``phi`` (hoists, ``pose``, CPU kernels) and the pose inverse."""


IMPORT_LIMIT = 120
"""Longest import line the formatter keeps on one line (the configured line length)."""


def _import_line(module: str, names: list[str]) -> str:
    """``from module import names`` on one line, or one name per line where that is too long."""
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= IMPORT_LIMIT:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


@dataclass(frozen=True)
class Backend:
    """Target configuration; subclasses add the emitters.

    Attributes
    ----------
    name
        Target name, also the module suffix (``"cpu"``, ``"cuda"``).
    helper_modules
        ``(module, names)`` pairs: hand-written modules and the public names generated code may
        use from them (``phi``, ``lane_rows``, launch helpers), imported where the body uses them.
    module_constants
        Lines defining the target's module-level constants (fast-math flags, block size).
    kernel_decorator
        Decorator of a kernel over points.
    device_decorator
        Decorator of a helper called from kernels.
    loop_indent
        Indentation of the body of :meth:`point_loop`.
    sample_decorator
        Decorator of the residual kernels (``residuals``, ``residuals_depth``), which the solver runs
        on a robust-scale sample of a few thousand points; :attr:`kernel_decorator` when None.
    extra_align_kernels
        Launchers an align module has besides the fused ones and ``residuals`` (listed in its
        ``DESCRIPTION["kernels"]``), emitted by :meth:`align_extras`.
    fused_depth
        Whether the target emits the photometric + depth kernels (``normal_equations_depth``,
        ``normal_equations_depth_brightness``, their batched variants and ``residuals_depth``).
    extra_depth_kernels
        Launchers an align module has besides those with :attr:`fused_depth` (listed in its
        ``DESCRIPTION["kernels"]``), emitted by :meth:`depth_extras`.
    """

    name: str
    helper_modules: tuple[tuple[str, tuple[str, ...]], ...]
    module_constants: tuple[str, ...]
    kernel_decorator: str
    device_decorator: str
    loop_indent: str = "        "
    sample_decorator: str | None = None
    extra_align_kernels: tuple[str, ...] = ()
    fused_depth: bool = False
    extra_depth_kernels: tuple[str, ...] = ()

    def point_loop(self, count: str) -> list[str]:
        """Lines opening the loop over points ``i < count`` of a kernel."""
        raise NotImplementedError

    def sample_loop(self, count: str) -> list[str]:
        """Lines opening the loop over points of a residual kernel (:attr:`sample_decorator`)."""
        return self.point_loop(count)

    def imports(self, body: str) -> str:
        """Import block of a module whose code is ``body``: ``math``, NumPy and the names it uses.

        Names come from :attr:`helper_modules` where the code (docstrings and comments aside)
        mentions them; a name two helper modules define comes from the first. Sorted as isort does.
        """
        code = re.sub(r"#.*", "", re.sub(r'"""[\s\S]*?"""', "", body))
        chosen: dict[str, list[str]] = {}
        taken: set[str] = set()
        for module_name, names in self.helper_modules:
            for name in names:
                if name not in taken and re.search(rf"(?<![\w.]){name}\b", code):
                    chosen.setdefault(module_name, []).append(name)
                    taken.add(name)
        order = lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n)  # noqa: E731
        third_party = [m for m in sorted(chosen) if not m.startswith("jacgen")]
        first_party = [m for m in sorted(chosen) if m.startswith("jacgen")]
        lines = ["import math", "", "import numpy as np"]
        lines += [_import_line(m, sorted(chosen[m], key=order)) for m in third_party]
        if first_party:
            lines.append("")
            lines += [_import_line(m, sorted(chosen[m], key=order)) for m in first_party]
        return "\n".join(lines)

    # emitters: implemented by each target
    def warp_kernels(self, ir, packed) -> list[str]:
        """Kernels of one warp kind (``_<kind>`` and any target-specific variants)."""
        raise NotImplementedError

    def warp_launcher(self, kind: str, signature: str, arrays: str, hoist_args: str) -> str:
        """The Python-level function that runs ``_<kind>``."""
        raise NotImplementedError

    def fused_kernel(self, pir, packed) -> str:
        """``_<kind>(...)``: sums per tile of points.

        CUDA: ``_<kind>(h, points, iref, tgt, tiles, running, loss_id, loss_scale, out)``, one row of
        ``out`` per tile; with the depth residual ``_<kind>(h, points, iref, tgt, depth, tiles, running,
        loss_id, loss_scales, out)``, ``loss_scales`` one row ``(scale, depth scale, depth weight)`` per pair.
        """
        raise NotImplementedError

    def fused_launchers(self, pir) -> str:
        """``<kind>`` (one pair) and ``<kind>_batch`` (many pairs) for a fused kernel."""
        raise NotImplementedError

    def residual_launcher(self) -> str:
        """``residuals(params, constants, points, iref, tgt, resid)``."""
        raise NotImplementedError

    def depth_residual_launcher(self) -> str:
        """``residuals_depth(params, constants, points, depth, resid)`` (where :attr:`fused_depth`)."""
        raise NotImplementedError

    def align_extras(self, model, pirs) -> list[str]:
        """Parts of an align module beyond the fused and residual kernels (none by default).

        ``pirs``: the fused programs without and with brightness (:func:`jacgen.fused_codegen.photometric_irs`).
        """
        return []

    def depth_extras(self, model, dpirs) -> list[str]:
        """Parts of an align module beyond the depth kernels and ``residuals_depth`` (none by default).

        ``dpirs``: the photometric + depth programs without and with brightness
        (:func:`jacgen.fused_codegen.depth_irs`).
        """
        return []

    def device_function_names(self, model) -> tuple[str, ...]:
        """Device functions :meth:`align_extras` emits (``DESCRIPTION["device_functions"]`` where any)."""
        return ()
