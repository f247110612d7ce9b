"""Synthetic RGB-D scenes with exact ground truth, rendered by the project's own code (no download).

The scene is the inside of a room (a tilted back wall, a floor and a side wall) painted with a
smooth procedural texture that is a function of the 3-D position, so a surface point has the same
intensity in every view. Images are point-sampled at pixel centres; depth is exact.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import lie

# planes n . p = d in the reference camera frame (y points down, z forward)
ROOM_PLANES = (
    (np.array([0.12, -0.08, 1.0]), 3.0),  # back wall
    (np.array([0.0, 1.0, 0.05]), 0.9),  # floor
    (np.array([-1.0, 0.0, 0.25]), 1.6),  # right wall
)


@dataclass
class Scene:
    """A reference/target pair with exact ground truth."""

    ref_image: np.ndarray
    ref_depth: np.ndarray
    tgt_image: np.ndarray
    intrinsics: np.ndarray
    pose: np.ndarray  # T_tgt_from_ref


def _texture(points: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    value = np.full(points.shape[:-1], 0.5)
    for _ in range(24):
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        omega = rng.uniform(3.0, 30.0) * direction
        value += rng.uniform(0.02, 0.06) * np.sin(points @ omega + rng.uniform(0, 2 * np.pi))
    return value


def _render(shape, intrinsics, R: np.ndarray, t: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Image and depth of the room seen by a camera with ``p_cam = R p_ref + t``."""
    fx, fy, cx, cy = intrinsics
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    rays = np.stack([(cols - cx) / fx, (rows - cy) / fy, np.ones(shape)], axis=-1)
    depth = np.full(shape, np.inf)
    for n, d in ROOM_PLANES:
        n_cam = R @ n
        d_cam = d + n_cam @ t
        denom = rays @ n_cam
        with np.errstate(divide="ignore", invalid="ignore"):
            z = np.where(denom > 1e-9, d_cam / denom, np.inf)
        depth = np.minimum(depth, np.where(z > 0, z, np.inf))
    p_cam = rays * depth[..., None]
    p_ref = (p_cam - t) @ R  # R^T (p - t), row-vector form
    image = _texture(p_ref, seed)
    depth[~np.isfinite(depth)] = 0.0
    return image, depth


def make_scene(
    motion=(0.02, -0.01, 0.03, 2.0, -1.5, 3.0),
    shape: tuple[int, int] = (480, 640),
    intrinsics=None,
    noise: float = 0.0,
    seed: int = 0,
) -> Scene:
    """Render a reference/target pair.

    Parameters
    ----------
    motion : (tx, ty, tz, rx_deg, ry_deg, rz_deg)
        Ground-truth ``T_tgt_from_ref``: translation in metres, rotation vector in degrees.
    shape : (H, W)
    intrinsics : (fx, fy, cx, cy), optional
        Default: a 60-degree-wide pinhole centred on the image.
    noise : float
        Standard deviation of Gaussian intensity noise added to both images (intensities ~[0, 1]).
    seed : int
        Texture and noise seed.
    """
    h, w = shape
    if intrinsics is None:
        f = 0.5 * w / np.tan(np.radians(30.0))
        intrinsics = (f, f, (w - 1) / 2.0, (h - 1) / 2.0)
    K = np.asarray(intrinsics, dtype=np.float64)
    T = np.eye(4)
    T[:3, :3] = lie.so3_exp(np.radians(np.asarray(motion[3:], float)))
    T[:3, 3] = motion[:3]
    ref, depth = _render(shape, K, np.eye(3), np.zeros(3), seed)
    tgt, _ = _render(shape, K, T[:3, :3], T[:3, 3], seed)
    if noise > 0:
        rng = np.random.default_rng(seed + 1)
        ref = ref + rng.normal(0.0, noise, ref.shape)
        tgt = tgt + rng.normal(0.0, noise, tgt.shape)
    return Scene(ref, depth, tgt, K, T)
