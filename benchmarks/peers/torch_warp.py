"""PyTorch peers: the textbook Rodrigues warp differentiated by autograd, three ways.

* ``torch.func.vmap(jacrev(f))`` and ``vmap(jacfwd(f))`` over a per-point function ``f(p, X)``
  (``p`` is not batched, so vmap keeps the rotation unbatched: it is built once per call);
* the beginner's loop: per point, a forward pass and one ``backward()`` per output.

Scalars are kept shaped ``(1,)`` (never 0-dim): PyTorch 2.13 forward-mode AD promotes a 0-dim
float32 tensor combined with a Python scalar to float64, and ``jacfwd`` in float32 then fails with
"expected scalar type Double but found Float".
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..harness import Skip


def import_torch():
    """Import torch or raise :class:`Skip`."""
    try:
        import torch
    except ImportError:
        raise Skip("torch not installed (pip install -e '.[bench]')") from None
    return torch


def rodrigues_matrix(r):
    """Textbook ``R = I + sin(t)/t K + (1 - cos t)/t^2 K^2`` from ``r`` of shape (3,) (NaN at r = 0)."""
    torch = import_torch()
    r1, r2, r3 = r[0:1], r[1:2], r[2:3]
    z = torch.zeros_like(r1)
    K = torch.cat([z, -r3, r2, r3, z, -r1, -r2, r1, z]).reshape(3, 3)
    th2 = (r * r).sum(dim=-1, keepdim=True)  # shape (1,), not 0-dim
    th = torch.sqrt(th2)
    eye = torch.eye(3, dtype=r.dtype, device=r.device)
    return eye + (torch.sin(th) / th) * K + ((1 - torch.cos(th)) / th2) * (K @ K)


def warp_point(p, X, K):
    """Per-point textbook warp: ``p`` (6,), ``X`` (3,), ``K`` (4,) -> ``uv`` (2,)."""
    torch = import_torch()
    R = rodrigues_matrix(p[:3])
    q = R @ X + p[3:]
    iz = 1 / q[2:3]
    return torch.cat([K[0:1] * q[0:1] * iz + K[2:3], K[1:2] * q[1:2] * iz + K[3:4]])


def warp_batch(p, X, K):
    """Batched textbook warp: ``X`` (N, 3) -> ``uv`` (N, 2)."""
    torch = import_torch()
    R = rodrigues_matrix(p[:3])
    q = X @ R.T + p[3:]
    iz = 1 / q[:, 2:3]
    return torch.cat([K[0] * q[:, 0:1] * iz + K[2], K[1] * q[:, 1:2] * iz + K[3]], dim=1)


def _with_aux(p, X, K):
    uv = warp_point(p, X, K)
    return uv, uv


def make_vmap_jacobian(mode: str, params: np.ndarray, points: np.ndarray, intrinsics) -> Callable:
    """``run() -> (uv, J)`` with ``vmap(jacrev)`` (``mode="jacrev"``) or ``vmap(jacfwd)``.

    Inputs are converted to tensors once (outside the timed call), in the dtype of ``points``.
    """
    torch = import_torch()
    from torch.func import jacfwd, jacrev, vmap

    dt = torch.float32 if points.dtype == np.float32 else torch.float64
    p = torch.tensor(np.asarray(params), dtype=dt)
    X = torch.from_numpy(np.ascontiguousarray(points))
    K = torch.tensor(np.asarray(intrinsics, dtype=np.float64), dtype=dt)
    jac = (jacrev if mode == "jacrev" else jacfwd)(_with_aux, argnums=0, has_aux=True)
    fn = vmap(jac, in_dims=(None, 0, None))

    def run():
        with torch.no_grad():
            J, uv = fn(p, X, K)
        return uv, J

    return run


def make_beginner_loop(params: np.ndarray, points: np.ndarray, intrinsics) -> Callable:
    """``run() -> (uv, J)``: per point a forward pass and one ``backward()`` per output (2 per point)."""
    torch = import_torch()
    dt = torch.float32 if points.dtype == np.float32 else torch.float64
    X = torch.from_numpy(np.ascontiguousarray(points))
    K = torch.tensor(np.asarray(intrinsics, dtype=np.float64), dtype=dt)
    p0 = np.asarray(params, dtype=np.float64)

    def run():
        n = X.shape[0]
        J = torch.empty((n, 2, 6), dtype=dt)
        uv = torch.empty((n, 2), dtype=dt)
        p = torch.tensor(p0, dtype=dt, requires_grad=True)
        for i in range(n):
            out = warp_point(p, X[i], K)
            for k in range(2):
                out[k].backward(retain_graph=k == 0)
                J[i, k] = p.grad
                p.grad = None
            uv[i] = out.detach()
        return uv, J

    return run


def to_numpy(t) -> np.ndarray:
    """Tensor -> NumPy (no copy on the CPU)."""
    return t.detach().cpu().numpy()
