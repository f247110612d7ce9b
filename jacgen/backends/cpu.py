"""Numba CPU backend: ``@njit(parallel=True)`` with ``prange`` over points."""

from .base import Backend

CPU_BACKEND = Backend(
    name="cpu",
    imports=(
        "import math\n\nimport numpy as np\nfrom numba import njit, prange\n\n"
        "from jacgen.lanes import LANES_NAMES\nfrom jacgen.streaming import STREAMING_NAMES"
    ),
    kernel_decorator='@njit(parallel=True, cache=True, fastmath=FASTMATH, error_model="numpy")',
    device_decorator='@njit(cache=True, inline="always")',
    loop_header="    for i in prange(points.shape[0]):",
    loop_indent="        ",
    launcher='''
def {name}({signature}):
    """Run ``{name}`` over all points into preallocated outputs (no validation: see jacgen.api).

    Large outputs whose data is not aligned to two items take the plain kernel.
    """
    h = {hoist}({hoist_args})
    stream = points.shape[0] >= STREAM_MIN_POINTS and pair_aligned({arrays_floating})
    if points.dtype == np.float32:
        ({kernel}_stream_f32 if stream else {kernel}_f32)(h, points, {arrays})
    else:
        ({kernel}_stream_f64 if stream else {kernel}_f64)(h, points, {arrays})
''',
    streaming=True,
)
