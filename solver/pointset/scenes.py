"""Point sets with known geometry: the forum's tori, and intrinsics of a given field of view."""

from __future__ import annotations

import math

import numpy as np


def torus_points(
    n_points: int = 20,
    major_radius: float = 1.1,
    minor_radius: float = 0.3,
    min_distance: float = 0.45,
    seed: int = 15,
) -> np.ndarray:
    """Points on a torus around the z axis, centred at the origin: (n_points, 3).

    The points are drawn at random (seeded) on the surface and kept at least ``min_distance``
    apart: a regular grid would make the torus symmetric under rotations about its own axis (the
    angle could only be recovered modulo the grid step), and points closer than a few splat widths
    blur into one blob whose peak is not at either point, which biases the point-sampled
    residual of :func:`align_points` by tenths of a degree. The defaults (20 points, seed 15) keep
    every pair of splats at least 10 px apart at 128x128 with a 90-degree lens two units away for
    the demo pose (30, 0, 40) degrees.
    """
    rng = np.random.default_rng(seed)
    chosen: list[np.ndarray] = []
    for _ in range(200 * n_points):
        a, b = rng.uniform(0.0, 2 * np.pi, 2)
        ring = major_radius + minor_radius * np.cos(b)
        p = np.array([ring * np.cos(a), ring * np.sin(a), minor_radius * np.sin(b)])
        if all(np.linalg.norm(p - q) >= min_distance for q in chosen):
            chosen.append(p)
            if len(chosen) == n_points:
                return np.array(chosen)
    raise ValueError(f"could not place {n_points} points {min_distance} apart on this torus")


def grid_torus(
    n_major: int = 60, n_minor: int = 24, major_radius: float = 1.0, minor_radius: float = 0.3, axis: str = "z"
) -> np.ndarray:
    """The forum's dense torus: a regular ``n_major x n_minor`` grid of points, (n_major * n_minor, 3).

    Centred at the origin with its symmetry axis along ``axis`` ("z" or "y"). About that axis the
    point set is symmetric up to the grid step (``360 / n_major`` degrees) and, once neighbouring
    splats merge, its image not at all: :func:`solver.fit_render` reports that angle unobservable.
    """
    if axis not in ("y", "z"):
        raise ValueError(f"axis must be 'y' or 'z', got {axis!r}")
    a = 2.0 * np.pi * np.arange(n_major) / n_major
    b = 2.0 * np.pi * np.arange(n_minor) / n_minor
    major, minor = np.meshgrid(a, b, indexing="ij")
    ring = major_radius + minor_radius * np.cos(minor)
    x, y, z = ring * np.cos(major), ring * np.sin(major), minor_radius * np.sin(minor)
    return np.stack([x, y, z] if axis == "z" else [x, z, y], axis=-1).reshape(-1, 3)


def fov_intrinsics(shape: tuple[int, int], fov_degrees: float = 90.0) -> np.ndarray:
    """Square-pixel pinhole intrinsics with the given horizontal field of view, centred."""
    h, w = shape
    f = 0.5 * w / math.tan(math.radians(fov_degrees) / 2.0)
    return np.array([f, f, (w - 1) / 2.0, (h - 1) / 2.0])
