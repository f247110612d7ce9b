"""Numba CUDA backend: ``@cuda.jit``, one thread per point; hoisted terms computed once on the host."""

from .base import Backend

CUDA_BACKEND = Backend(
    name="cuda",
    imports="import math\n\nimport numpy as np\nfrom numba import cuda, njit",
    kernel_decorator="@cuda.jit(cache=True, fastmath=True)",
    device_decorator="@cuda.jit(device=True, inline=True)",
    loop_header="    i = cuda.grid(1)\n    if i < points.shape[0]:",
    loop_indent="        ",
    launcher='''
def {name}({signature}, stream=0):
    """Launch ``{name}`` (host or device arrays; outputs preallocated; no validation)."""
    h = cuda.to_device({hoist}({hoist_args}), stream=stream)
    n = points.shape[0]
    blocks = max(1, (n + THREADS_PER_BLOCK - 1) // THREADS_PER_BLOCK)
    if points.dtype == np.float32:
        {kernel}_f32[blocks, THREADS_PER_BLOCK, stream](h, points, {arrays})
    else:
        {kernel}_f64[blocks, THREADS_PER_BLOCK, stream](h, points, {arrays})
''',
)
