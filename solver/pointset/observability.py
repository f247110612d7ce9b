"""Which parameters (or combinations) an image does not determine.

A direction ``v`` of the parameters is unobservable when moving along it changes the image far less
than it moves the image content: the curvature ``v^T H v`` of the cost is compared with a reference
``v^T G v``, the curvature the same motion of the points would give if every point were an isolated
splat (:func:`solver.pointset.splat.motion_reference`). Spinning a symmetric torus about its own axis moves
every point by pixels, but each point lands where a neighbour was: ``v^T H v`` is many orders of
magnitude below ``v^T G v``. Directions with a ratio below ``tol`` (the generalised eigenvalues of
``H v = lambda G v``) are unobservable; a parameter that takes part in one by more than
:data:`PARTICIPATION` (in units where ``G`` has a unit diagonal) gets infinite variance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PARTICIPATION = 0.1
"""A parameter whose (scaled) component in an unobservable direction exceeds this gets infinite variance."""


@dataclass
class Observability:
    """The split of the parameter space of one ``H``.

    Attributes
    ----------
    basis : (n, k) array
        Orthonormal columns spanning the observable directions (parameter units).
    null : (n, m) array
        The unobservable directions (parameter units, unit length).
    names : tuple of str
        The unobservable directions in words: a parameter name, or a combination such as
        ``"0.71 r1 - 0.71 r3"`` (in units where ``G`` has a unit diagonal).
    undetermined : (n,) bool
        Parameters that take part in an unobservable direction.
    """

    basis: np.ndarray
    null: np.ndarray
    names: tuple[str, ...]
    undetermined: np.ndarray


def _describe(v: np.ndarray, names: tuple[str, ...]) -> str:
    """A parameter name, or ``"0.71 r1 - 0.71 r3"`` (largest component positive, unit length)."""
    v = v / np.linalg.norm(v)
    v = v if v[np.argmax(np.abs(v))] > 0 else -v
    main = np.flatnonzero(np.abs(v) > 0.05)
    if main.size == 1:
        return names[main[0]]
    text = f"{v[main[0]]:.2f} {names[main[0]]}"
    for k in main[1:]:
        text += f" {'+' if v[k] > 0 else '-'} {abs(v[k]):.2f} {names[k]}"
    return text


def _span(vectors: np.ndarray) -> np.ndarray:
    """Orthonormal columns spanning ``vectors``, parameter axes first.

    Every parameter axis the span holds (within 0.999) is that parameter exactly, so that it is
    named and never moves; then what remains of the span.
    """
    if vectors.shape[1] == 0:
        return vectors
    u, s, _ = np.linalg.svd(vectors, full_matrices=False)
    u = u[:, : int((s > 1e-8 * s.max()).sum())]
    n = u.shape[0]
    axes = [k for k in range(n) if np.linalg.norm(u[k]) > 0.999]
    chosen = np.eye(n)[:, axes]
    rest = u - chosen @ (chosen.T @ u)
    if rest.shape[1] > len(axes):
        r, sr, _ = np.linalg.svd(rest, full_matrices=False)
        chosen = np.column_stack([chosen, r[:, : u.shape[1] - len(axes)]])
    return chosen


def _complement(vectors: np.ndarray, n: int) -> np.ndarray:
    """Orthonormal basis of the orthogonal complement of the columns of ``vectors`` in R^n."""
    if vectors.shape[1] == 0:
        return np.eye(n)
    u, s, _ = np.linalg.svd(vectors, full_matrices=True)
    rank = int((s > 1e-10 * s.max()).sum())
    return u[:, rank:]


def analyse(
    H: np.ndarray, G: np.ndarray, names: tuple[str, ...], tol: float, known_null: np.ndarray | None = None
) -> Observability:
    """Split the directions of ``H`` by their ratio to the reference curvature ``G`` (module docstring).

    ``known_null`` (n, m): directions already found unobservable (on a coarser level), kept so.
    """
    n = H.shape[0]
    null = _span(np.zeros((n, 0)) if known_null is None else known_null)
    P = _complement(null, n)
    if P.shape[1] and np.isfinite(H).all() and np.isfinite(G).all():
        Hp, Gp = P.T @ H @ P, P.T @ G @ P
        Gp = Gp + 1e-12 * max(np.abs(np.diag(Gp)).max(), 1e-300) * np.eye(P.shape[1])
        import scipy.linalg  # here, not at import (`import solver` stays fast)

        w, V = scipy.linalg.eigh(Hp, Gp)
        small = w <= tol
        new = P @ V[:, small]
        null = _span(np.column_stack([null, new])) if new.shape[1] else null
        P = _complement(null, n) if new.shape[1] else P @ V[:, ~small]
    elif P.shape[1]:  # nothing can be judged: every direction is unobservable
        null = np.column_stack([null, P])
        P = P[:, :0]
    basis = np.linalg.qr(P)[0] if P.shape[1] else P
    for v in null.T:  # a parameter that is unobservable on its own never moves, not even by rounding
        if np.count_nonzero(v) == 1:
            basis[v != 0] = 0.0
    g_scale = np.sqrt(np.clip(np.diag(G), 1e-300, None))
    scaled = null * g_scale[:, None]
    scaled = scaled / np.maximum(np.linalg.norm(scaled, axis=0), 1e-300)
    undetermined = (np.abs(scaled) > PARTICIPATION).any(axis=1)
    return Observability(basis, null, tuple(str(_describe(v, names)) for v in scaled.T), undetermined)


def covariance(H: np.ndarray, cost: float, n_residuals: int, obs: Observability) -> np.ndarray:
    """``sigma^2 B (B^T H B)^-1 B^T``, ``sigma^2 = 2 cost / (n - k)``; ``inf`` rows for undetermined parameters."""
    B = obs.basis
    k = B.shape[1]
    cov = np.zeros_like(H)
    if k:
        sigma2 = 2.0 * cost / max(n_residuals - k, 1)
        try:
            cov = sigma2 * B @ np.linalg.inv(B.T @ H @ B) @ B.T
        except np.linalg.LinAlgError:
            cov = np.full_like(H, np.inf)
    cov[obs.undetermined, :] = np.inf
    cov[:, obs.undetermined] = np.inf
    return cov
