"""``python -m solver torus``: the forum's question, answered by render and compare.

A dense torus (a 60 x 24 grid of points, major radius 1, minor 0.3) rotated about x and z, rendered
as Gaussian splats clipped at 1 (128x128, 90-degree lens, two units away); :func:`solver.fit_render`
recovers the angles from a start 10 degrees off, and a picture shows target, start, result and
residual side by side.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from solver.pointset.render import render_points
from solver.pointset.render_fit import fit_render
from solver.pointset.scenes import fov_intrinsics, grid_torus

SHAPE = (128, 128)
SIGMA = 2.5
FIXED = ("r2", "t1", "t2", "t3")


def _panel(image: np.ndarray, title: str, signed: bool = False) -> Image.Image:
    """One 2x enlarged panel with a caption; a signed image maps 0 to mid grey."""
    values = 0.5 + 0.5 * np.clip(image, -1.0, 1.0) if signed else np.clip(image, 0.0, 1.0)
    tile = Image.fromarray(np.uint8(np.round(values * 255))).resize((2 * SHAPE[1], 2 * SHAPE[0]), Image.NEAREST)
    out = Image.new("L", (tile.width, tile.height + 16), 255)
    out.paste(tile, (0, 16))
    ImageDraw.Draw(out).text((4, 2), title, fill=0)
    return out


def picture(target, start, result, path: Path) -> None:
    """Target, start, result and residual (result - target) in one PNG."""
    panels = [
        _panel(target, "target"),
        _panel(start, "start"),
        _panel(result, "result"),
        _panel(result - target, "residual (grey = 0)", signed=True),
    ]
    sheet = Image.new("L", (sum(p.width for p in panels) + 8 * (len(panels) - 1), panels[0].height), 255)
    x = 0
    for p in panels:
        sheet.paste(p, (x, 0))
        x += p.width + 8
    sheet.save(path)


def run(args: argparse.Namespace) -> int:
    """Render the scene, fit it, print the answer; exit status 0 when the observable angles are within 0.05 deg.

    ``args.rx``, ``args.rz``: the true angles (degrees); ``args.axis``: the torus axis; ``args.offset``:
    degrees off at the start on both; ``args.out``: the picture (None: none).
    """
    rx, rz, axis, offset, out = args.rx, args.rz, args.axis, args.offset, args.out
    K = fov_intrinsics(SHAPE, 90.0)
    points = grid_torus(axis=axis)
    true = np.array([math.radians(rx), 0.0, math.radians(rz), 0.0, 0.0, 2.0])
    init = true + np.radians([offset, 0.0, offset, 0.0, 0.0, 0.0])
    target = render_points(points, true, K, SHAPE, SIGMA)
    result = fit_render(points, target, K, sigma=SIGMA, init=init, fixed=FIXED)
    std = np.degrees(np.sqrt(np.diag(result.covariance)))
    print(f"dense torus ({len(points)} points, axis along {axis}), {SHAPE[1]}x{SHAPE[0]}, sigma {SIGMA} px")
    print(f"true    Rx {rx:9.4f} deg   Rz {rz:9.4f} deg")
    print(f"start   Rx {math.degrees(init[0]):9.4f} deg   Rz {math.degrees(init[2]):9.4f} deg")
    print(
        f"found   Rx {math.degrees(result.params[0]):9.4f} +- {std[0]:.4f} deg"
        f"   Rz {math.degrees(result.params[2]):9.4f} +- {std[2]:.4f} deg"
    )
    print(f"{result.status.name}: {result.message}")
    print(f"{result.nit} iterations over {len(result.levels)} levels, {result.wall_time:.2f} s")
    if out is not None:
        start_image = render_points(points, init, K, SHAPE, SIGMA)
        picture(target, start_image, render_points(points, result.params, K, SHAPE, SIGMA), out)
        print(f"wrote {out}")
    observed = [0, 2] if "r3" not in result.unobservable else [0]
    err = np.abs(np.degrees(result.params - true))[observed]
    return 0 if result.success and np.all(err < 0.05) else 1
