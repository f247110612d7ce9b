"""Synthetic RGB-D scenes with exact ground truth, rendered by the project's own code (no download).

The scene is the inside of a room (a tilted back wall, a floor and a side wall) painted with a
smooth procedural texture that is a function of the 3-D position, so a surface point has the same
intensity in every view. Images are point-sampled at pixel centres; depth is exact. The target camera
may have a radial distortion (``tgt_k1``), for models that project through one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from solver.core import lie
from solver.sequences.tum import TUM_DEPTH_SCALE, write_trajectory

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
    tgt_depth: np.ndarray | None = None  # exact depth of the target view (0 where no surface)


def _texture(points: np.ndarray, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    value = np.full(points.shape[:-1], 0.5)
    for _ in range(24):
        direction = rng.normal(size=3)
        direction /= np.linalg.norm(direction)
        omega = rng.uniform(3.0, 30.0) * direction
        value += rng.uniform(0.02, 0.06) * np.sin(points @ omega + rng.uniform(0, 2 * np.pi))
    return value


def undistort(xd: np.ndarray, yd: np.ndarray, k1: float) -> tuple[np.ndarray, np.ndarray]:
    """Normalised ``(x, y)`` with ``(x, y) (1 + k1 (x^2 + y^2)) = (xd, yd)`` (Newton on the radius, to rounding)."""
    rd = np.hypot(xd, yd)
    r = rd.copy()
    for _ in range(30):
        r = r - (r + k1 * r**3 - rd) / (1.0 + 3.0 * k1 * r * r)
    if not np.all(np.abs(r + k1 * r**3 - rd) <= 1e-14 * np.maximum(rd, 1.0)):
        raise ValueError(f"k1 = {k1} folds the image (the distortion is not invertible over it)")
    scale = np.divide(r, rd, out=np.ones_like(rd), where=rd > 0)
    return xd * scale, yd * scale


def _render(
    shape, intrinsics, R: np.ndarray, t: np.ndarray, seed: int, k1: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Image and depth of the room seen by a camera with ``p_cam = R p_ref + t`` (radial distortion ``k1``)."""
    fx, fy, cx, cy = intrinsics
    rows, cols = np.mgrid[0 : shape[0], 0 : shape[1]]
    x, y = (cols - cx) / fx, (rows - cy) / fy
    if k1:
        x, y = undistort(x, y, k1)
    rays = np.stack([x, y, np.ones(shape)], axis=-1)
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
    tgt_k1: float = 0.0,
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
    tgt_k1 : float
        Radial distortion of the target camera: a point at normalised ``(x, y) = (X / Z, Y / Z)``
        appears at pixel ``(fx x d + cx, fy y d + cy)``, ``d = 1 + tgt_k1 (x^2 + y^2)``. The
        reference camera is a plain pinhole (the aligner back-projects it with the intrinsics).
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
    tgt, tgt_depth = _render(shape, K, T[:3, :3], T[:3, 3], seed, tgt_k1)
    if noise > 0:
        rng = np.random.default_rng(seed + 1)
        ref = ref + rng.normal(0.0, noise, ref.shape)
        tgt = tgt + rng.normal(0.0, noise, tgt.shape)
    return Scene(ref, depth, tgt, K, T, tgt_depth)


@dataclass
class SyntheticSequence:
    """RGB-D frames of the room along a smooth camera path, with exact ground truth.

    ``frames[k]`` is ``(image, depth)``; ``poses[k]`` is ``T_world_from_cam`` (the first camera is
    the world); ``timestamps`` at 30 Hz.
    """

    images: list[np.ndarray]
    depths: list[np.ndarray]
    poses: np.ndarray
    timestamps: np.ndarray
    intrinsics: np.ndarray

    def __len__(self) -> int:
        return len(self.images)

    def __getitem__(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        return self.images[k], self.depths[k]


def make_sequence(n_frames: int = 12, shape: tuple[int, int] = (120, 160), seed: int = 0) -> SyntheticSequence:
    """A camera that sways and turns through the room: about 4 mm and 0.7 degrees per frame."""
    h, w = shape
    f = 0.5 * w / np.tan(np.radians(30.0))
    K = np.array([f, f, (w - 1) / 2.0, (h - 1) / 2.0])
    images, depths, poses = [], [], []
    for k in range(n_frames):
        s = k / 30.0
        T_world_from_cam = np.eye(4)
        T_world_from_cam[:3, :3] = lie.so3_exp(np.radians([4.0 * np.sin(2.1 * s), 20.0 * s, 3.0 * np.sin(1.3 * s)]))
        T_world_from_cam[:3, 3] = [0.12 * s, 0.02 * np.sin(3.0 * s), 0.05 * s]
        cam_from_world = lie.se3_inverse(T_world_from_cam)
        image, depth = _render(shape, K, cam_from_world[:3, :3], cam_from_world[:3, 3], seed)
        images.append(image)
        depths.append(depth)
        poses.append(T_world_from_cam)
    return SyntheticSequence(images, depths, np.array(poses), 1000.0 + np.arange(n_frames) / 30.0, K)


def write_tum_sequence(sequence: SyntheticSequence, folder) -> None:
    """Write ``sequence`` as a TUM RGB-D folder: 8-bit gray PNGs, 16-bit depth PNGs (1/5000 m), lists, ground truth."""
    folder = Path(folder)
    (folder / "rgb").mkdir(parents=True, exist_ok=True)
    (folder / "depth").mkdir(exist_ok=True)
    rgb_lines, depth_lines = ["# color images"], ["# depth maps"]
    for k, t in enumerate(sequence.timestamps):
        name = f"{t:.6f}.png"
        gray = np.uint8(np.clip(np.round(sequence.images[k] * 255.0), 0, 255))
        Image.fromarray(gray).save(folder / "rgb" / name)
        depth = np.clip(np.round(sequence.depths[k] * TUM_DEPTH_SCALE), 0, 65535)
        Image.fromarray(np.uint16(depth)).save(folder / "depth" / name)
        rgb_lines.append(f"{t:.6f} rgb/{name}")
        depth_lines.append(f"{t:.6f} depth/{name}")
    for name, lines in (("rgb.txt", rgb_lines), ("depth.txt", depth_lines)):
        (folder / name).write_text("\n".join(lines) + "\n")
    write_trajectory(folder / "groundtruth.txt", sequence.timestamps, sequence.poses)
