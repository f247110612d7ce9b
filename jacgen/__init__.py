"""jacgen: derive analytic warp Jacobians with Sympy and emit Numba CPU and CUDA kernels.

Public API
----------
- :func:`warp_jacobian`, :func:`warp`, :func:`warp_jacobian_at_zero`: run generated kernels.
- :func:`models`: built-in model names (``rodrigues``, ``euler_xyz``, ``se3``).
- :func:`define_model`, :func:`build_model`, :func:`load_model`: user-defined warps.
- :func:`empty_aligned`: cache-line-aligned arrays for preallocated large outputs.
"""

__version__ = "0.1.0"

from .aligned_memory import empty_aligned  # noqa: E402
from .api import build_model, models, warp, warp_jacobian, warp_jacobian_at_zero  # noqa: E402
from .compile_notice import install as _install_compile_notice  # noqa: E402
from .handles import DEFAULT_MODEL, GeneratedModel, load_model  # noqa: E402

_install_compile_notice()  # one line on stderr when a first run compiles kernels


def __getattr__(name: str):
    # The symbolic side (Sympy) is imported only when asked for: running kernels never needs it.
    if name in ("WarpModel", "define_model"):
        from . import model

        return getattr(model, name)
    if name == "DEFAULT_LOSS":  # the solver's default, declared in solver.options (kept here for compatibility)
        from solver.options import DEFAULT_LOSS

        return DEFAULT_LOSS
    raise AttributeError(f"module 'jacgen' has no attribute {name!r}")


__all__ = [
    "DEFAULT_LOSS",
    "DEFAULT_MODEL",
    "GeneratedModel",
    "WarpModel",
    "build_model",
    "define_model",
    "empty_aligned",
    "load_model",
    "models",
    "warp",
    "warp_jacobian",
    "warp_jacobian_at_zero",
]
