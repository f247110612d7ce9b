"""JAX peer: the textbook Rodrigues warp, ``jit(vmap(jacfwd(f)))`` over a per-point function."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..harness import Skip


def import_jax():
    """Import jax with float64 enabled, or raise :class:`Skip`."""
    try:
        import jax
    except ImportError:
        raise Skip("jax not installed (pip install -e '.[bench]')") from None
    jax.config.update("jax_enable_x64", True)  # float64 runs in float64; float32 inputs stay float32
    return jax


def rodrigues_matrix(r):
    """Textbook Rodrigues matrix (NaN at ``r = 0``, as written)."""
    import jax.numpy as jnp

    K = jnp.array([[0.0, -r[2], r[1]], [r[2], 0.0, -r[0]], [-r[1], r[0], 0.0]], dtype=r.dtype)
    th2 = r @ r
    th = jnp.sqrt(th2)
    return jnp.eye(3, dtype=r.dtype) + jnp.sin(th) / th * K + (1 - jnp.cos(th)) / th2 * (K @ K)


def warp_point(p, X, K):
    """Per-point textbook warp ``(6,), (3,), (4,) -> (2,)``."""
    import jax.numpy as jnp

    q = rodrigues_matrix(p[:3]) @ X + p[3:]
    return jnp.stack([K[0] * q[0] / q[2] + K[2], K[1] * q[1] / q[2] + K[3]])


def warp_batch(p, X, K):
    """Batched textbook warp ``(N, 3) -> (N, 2)``."""
    import jax.numpy as jnp

    q = X @ rodrigues_matrix(p[:3]).T + p[3:]
    return jnp.stack([K[0] * q[:, 0] / q[:, 2] + K[2], K[1] * q[:, 1] / q[:, 2] + K[3]], axis=1)


def make_jit_vmap_jacfwd(params: np.ndarray, points: np.ndarray, intrinsics) -> Callable:
    """``run() -> (uv, J)`` with ``jit(vmap(jacfwd(f, has_aux=True)))``; inputs placed once, outside timing."""
    jax = import_jax()
    import jax.numpy as jnp

    dt = points.dtype

    def with_aux(p, X, K):
        uv = warp_point(p, X, K)
        return uv, uv

    fn = jax.jit(jax.vmap(jax.jacfwd(with_aux, has_aux=True), in_axes=(None, 0, None)))
    p = jnp.asarray(np.asarray(params, dtype=dt))
    X = jax.device_put(np.ascontiguousarray(points))
    K = jnp.asarray(np.asarray(intrinsics, dtype=dt))

    def run():
        J, uv = fn(p, X, K)
        J.block_until_ready()
        return uv, J

    return run
