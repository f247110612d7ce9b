"""Batched device preparation kernels (solver.device_batch) against the host code, under the CUDA simulator.

Run in a fresh process: ``NUMBA_ENABLE_CUDASIM=1 python tests/device_batch_check.py`` (or through
``tests/cuda_sim_check.py prep``). Prints ``ok <name>`` per check; an assertion stops it (non-zero exit).
Every comparison is exact: the same shapes, dtypes and bits as the host functions give, pair by pair.
"""

import os
import sys
import time
import warnings

import numpy as np

assert os.environ.get("NUMBA_ENABLE_CUDASIM") == "1", "run with NUMBA_ENABLE_CUDASIM=1"

from numba import cuda  # noqa: E402

DEPTH_RANGE = (0.3, 3.5)
TILE = 16


def same(name: str, host, dev) -> None:
    """Equal shape, dtype and bits."""
    host, dev = np.asarray(host), np.asarray(dev)
    assert host.shape == dev.shape and host.dtype == dev.dtype, (name, host.shape, dev.shape, host.dtype, dev.dtype)
    assert np.array_equal(host.view(np.uint8), dev.view(np.uint8)), (name, host, dev)


def make_batch(rng, b: int, h: int, w: int, empty_pair: bool) -> dict:
    """Gray and colour images of several dtypes and depths with missing, NaN and inf entries."""
    rgb = rng.integers(0, 256, (b, h, w, 3), dtype=np.uint8)
    rgb[0, :3, :5] = 77  # a flat patch: no gradient, no points
    depth = rng.uniform(0.2, 4.0, (b, h, w))
    depth[0, 2:5, 3:7] = 0.0
    depth[1, 4, 4], depth[1, 5, 6], depth[1, 6, 1] = np.nan, np.inf, -np.inf
    if empty_pair:
        depth[-1] = np.nan  # a pair without points
    inputs = {
        "uint8 gray": rng.integers(0, 256, (b, h, w), dtype=np.uint8),
        "uint8 rgb": rgb,
        "float32 gray": rng.uniform(0, 1, (b, h, w)).astype(np.float32),
        "float64 gray": rng.uniform(0, 1, (b, h, w)),
        "float32 rgba": rng.uniform(0, 1, (b, h, w, 4)).astype(np.float32),
        "float64 rgb": rng.uniform(0, 1, (b, h, w, 3)),
    }
    return {"gray": inputs, "depth": depth}


def gray_checks(tag: str, inputs: dict) -> None:
    from solver.arrays import images
    from solver.device_batch.images import gray_batch

    for kind, src in inputs.items():
        out = cuda.device_array(src.shape[:3], dtype=np.float64)
        n_bad = cuda.to_device(np.zeros(1, dtype=np.int64))
        gray_batch(cuda.to_device(src), out, n_bad)
        dev = out.copy_to_host()
        for b in range(src.shape[0]):
            same(f"gray {tag} {kind} {b}", images.to_gray(src[b], "image"), dev[b])
        assert n_bad.copy_to_host()[0] == 0
        print("ok gray", tag, kind, flush=True)
    src = np.ones((2, 8, 8), dtype=np.float32)
    src[1, 2, 3], src[0, 0, 0], src[1, 7, 7] = np.nan, np.inf, -np.inf
    n_bad = cuda.to_device(np.zeros(1, dtype=np.int64))
    gray_batch(cuda.to_device(src), cuda.device_array(src.shape, dtype=np.float64), n_bad)
    assert n_bad.copy_to_host()[0] == 3
    print("ok gray n_bad", tag, flush=True)


def depth_checks(tag: str, depth: np.ndarray):
    """Device depths (float64 and float32 inputs); returns the float64 one (device) and the host's."""
    from solver.arrays import images
    from solver.device_batch.images import depth_batch

    host = np.stack([images.finite_or_zero(images.to_depth(d, d.shape)) for d in depth])
    result = None
    for dtype in (np.float64, np.float32):
        src = depth.astype(dtype)
        out = cuda.device_array(depth.shape, dtype=np.float64)
        depth_batch(cuda.to_device(src), out)
        ref = np.stack([images.finite_or_zero(images.to_depth(d, d.shape)) for d in src])
        same(f"depth {tag} {np.dtype(dtype).name}", ref, out.copy_to_host())
        print("ok depth", tag, np.dtype(dtype).name, flush=True)
        result = out if result is None else result
    return result, host


def pyramid_checks(tag: str, gray_dev, gray_host, depth_dev, depth_host, levels: int):
    """Device pyramids (one halving launch per level and kind for all pairs) against the host's."""
    from solver.arrays import images
    from solver.device_batch.images import halve_batch

    img, dep = [gray_dev], [depth_dev]
    for _ in range(1, levels):
        b, h, w = img[-1].shape
        img.append(cuda.device_array((b, h // 2, w // 2), dtype=np.float64))
        dep.append(cuda.device_array((b, h // 2, w // 2), dtype=np.float64))
        halve_batch(img[-2], img[-1], False)
        halve_batch(dep[-2], dep[-1], True)
    for b in range(gray_host.shape[0]):
        pi, pd = images.pyramid(gray_host[b], levels), images.depth_pyramid(depth_host[b], levels)
        for level in range(1, levels):
            same(f"pyramid {tag} {level} {b}", pi[level], img[level].copy_to_host()[b])
            same(f"depth pyramid {tag} {level} {b}", pd[level], dep[level].copy_to_host()[b])
    for level in range(1, levels):
        print("ok pyramid", tag, level, flush=True)
    return img, dep


def stack_checks(tag: str, level: int, img_dev) -> None:
    from solver.arrays import images
    from solver.device_batch.images import stack_batch

    host_img = img_dev.copy_to_host()
    for dtype in (np.float64, np.float32):
        out = cuda.device_array((*img_dev.shape, 3), dtype=dtype)
        stack_batch(img_dev, out)
        dev = out.copy_to_host()
        for b in range(host_img.shape[0]):
            same(f"stack {tag} {level} {b}", images.stack_with_gradients(host_img[b], dtype), dev[b])
        print("ok stack", tag, level, np.dtype(dtype).name, flush=True)


def layout_arrays(n_pairs: int, h: int, capacity: int) -> dict:
    """Device output arrays of ``layout_batch``, in its argument order (tiles past the count stay -7)."""
    return {
        "row_starts": cuda.device_array((n_pairs, h), dtype=np.int64),
        "offsets": cuda.device_array(n_pairs + 1, dtype=np.int64),
        "tile_offsets": cuda.device_array(n_pairs + 1, dtype=np.int64),
        "tiles": cuda.to_device(np.full((capacity, 3), -7, dtype=np.int64)),
        "sample": cuda.device_array((n_pairs, 3), dtype=np.int64),
    }


def check_layout(name: str, counts: np.ndarray, tile: int, lay: dict) -> dict:
    """The layout's host copies, checked against the host's prefix sums, batch_tiles and mad_step."""
    from jacgen.runtime.tiles import batch_tiles
    from solver.core.problem import mad_step

    host = {k: v.copy_to_host() for k, v in lay.items()}
    sizes = counts.sum(axis=1)
    offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
    same(f"{name} offsets", offsets, host["offsets"])
    starts = np.zeros_like(counts)
    starts[:, 1:] = np.cumsum(counts[:, :-1], axis=1)
    same(f"{name} row starts", starts + offsets[:-1, None], host["row_starts"])
    ref = batch_tiles(offsets, np.ones(counts.shape[0], dtype=bool), tile)
    n_tiles = int(host["tile_offsets"][-1])
    same(f"{name} tiles", ref, host["tiles"][:n_tiles])
    assert (host["tiles"][n_tiles:] == -7).all(), name
    same(f"{name} tile offsets", np.searchsorted(ref[:, 0], np.arange(counts.shape[0] + 1)), host["tile_offsets"])
    steps = np.array([mad_step(int(n)) for n in sizes], dtype=np.int64)
    same(f"{name} sample", np.column_stack([offsets[:-1], steps, -(-sizes // steps)]), host["sample"])
    print("ok", name, flush=True)
    return host


def layout_synthetic_check() -> None:
    """Pairs of 0, 1, 4096, 4097, 10,000 and 20,000 points in the production tile size."""
    from jacgen.runtime.tiles import BATCH_TILE
    from solver.device_batch.points import layout_batch

    counts = np.zeros((6, 5), dtype=np.int64)
    for b, n in enumerate((0, 1, 4096, 4097, 10_000, 20_000)):
        counts[b] = n // 5
        counts[b, 2] += n % 5
    lay = layout_arrays(6, 5, 16)
    layout_batch(cuda.to_device(counts), BATCH_TILE, *lay.values())
    check_layout("layout synthetic", counts, BATCH_TILE, lay)


def points_checks(tag: str, level: int, img_dev, dep_dev, intrinsics: np.ndarray) -> None:
    """Counting, layout and fill on one level against ``all_points`` pair by pair."""
    from solver.arrays import backprojection, images
    from solver.device_batch.points import count_rows_batch, fill_batch, layout_batch

    n_pairs, h, w = img_dev.shape
    counts = cuda.device_array((n_pairs, h), dtype=np.int64)
    count_rows_batch(img_dev, dep_dev, *DEPTH_RANGE, counts)
    lay = layout_arrays(n_pairs, h, n_pairs * (-(-h * w // TILE)))
    layout_batch(counts, TILE, *lay.values())
    host = check_layout(f"layout {tag} {level}", counts.copy_to_host(), TILE, lay)
    offsets = host["offsets"]
    K = np.stack([images.intrinsics_at_level(k, level) for k in intrinsics])
    img, dep = img_dev.copy_to_host(), dep_dev.copy_to_host()
    for dtype in (np.float64, np.float32):
        n = int(offsets[-1])
        points = cuda.device_array((n + 3, 3), dtype=dtype)
        intensities = cuda.device_array(n + 3, dtype=dtype)
        fill_batch(img_dev, dep_dev, *DEPTH_RANGE, cuda.to_device(K), lay["row_starts"], points, intensities)
        p, i = points.copy_to_host(), intensities.copy_to_host()
        for b in range(n_pairs):
            ph, ih = backprojection.all_points(img[b], dep[b], K[b], DEPTH_RANGE, dtype)
            a, z = offsets[b], offsets[b + 1]
            same(f"points {tag} {level} {b}", ph, p[a:z])
            same(f"intensities {tag} {level} {b}", ih, i[a:z])
        print("ok points", tag, level, np.dtype(dtype).name, flush=True)


def preparation_checks(tag: str, shape: tuple[int, int, int], levels: int, empty_pair: bool) -> None:
    """Every preparation kernel on one batch shape."""
    from solver.arrays import images
    from solver.device_batch.images import gray_batch

    rng = np.random.default_rng(sum(shape))
    batch = make_batch(rng, *shape, empty_pair)
    gray_checks(tag, batch["gray"])
    rgb = batch["gray"]["uint8 rgb"]
    gray_dev = cuda.device_array(shape, dtype=np.float64)
    gray_batch(cuda.to_device(rgb), gray_dev, cuda.to_device(np.zeros(1, dtype=np.int64)))
    gray_host = np.stack([images.to_gray(x, "ref") for x in rgb])
    depth_dev, depth_host = depth_checks(tag, batch["depth"])
    img, dep = pyramid_checks(tag, gray_dev, gray_host, depth_dev, depth_host, levels)
    h, w = shape[1:]
    intrinsics = [(30.0 + b, 31.0 - 0.5 * b, 0.5 * w - 0.3 * b, 0.5 * h + 0.2 * b) for b in range(shape[0])]
    for level in range(levels):
        stack_checks(tag, level, img[level])
        points_checks(tag, level, img[level], dep[level], np.array(intrinsics))


def mad_cases(rng) -> dict:
    """Samples of the robust-scale checks (float32 ones stay float32 for the host)."""
    nan, inf = np.nan, np.inf
    with_nan = rng.normal(size=64)
    with_nan[[3, 9, 40]] = (nan, inf, -inf)
    return {
        "odd": rng.normal(size=101),
        "even": rng.normal(size=100),
        "nan inf": with_nan,
        "no finite": np.array([nan, inf, -inf, nan]),
        "count 0": np.zeros(0),
        "one": np.array([3.5]),
        "two": np.array([1.0, -2.0]),
        "even tied middle": np.array([3.0, 2.0, 1.0, 2.0]),
        "duplicates": rng.integers(-3, 4, 200).astype(np.float64),
        "duplicates odd": rng.integers(-2, 3, 201).astype(np.float64),
        "negative zeros": np.array([-0.0, 0.0, -0.0, 1.0, -1.0, 0.0, -0.0, 2.0]),
        "all zeros": np.array([-0.0, 0.0, -0.0, 0.0, -0.0]),
        "float32": rng.standard_cauchy(257).astype(np.float32),
        "huge": np.array([1e308, -1e308, 1.7e308, 1.6e308]),
        "subnormal": np.array([5e-324, -5e-324, 1e-320, 0.0, 2e-310, -3e-315]),
        "8191": rng.standard_cauchy(8191),
    }


def mad_checks() -> None:
    """``mad_batch`` on every case in one launch, bit for bit against ``_mad_scale``."""
    from solver.core.problem import _mad_scale
    from solver.device_batch.mad import mad_batch

    cases = mad_cases(np.random.default_rng(5))
    width = max(c.size for c in cases.values()) + 5
    samples = np.full((len(cases), width), 1e9)  # past the counts: not part of the samples
    counts = np.zeros(len(cases), dtype=np.int64)
    for b, values in enumerate(cases.values()):
        samples[b, : values.size] = values
        counts[b] = values.size
    out = cuda.device_array(len(cases), dtype=np.float64)
    mad_batch(cuda.to_device(samples), cuda.to_device(counts), out)
    dev = out.copy_to_host()
    for b, (name, values) in enumerate(cases.items()):
        host = np.float64(_mad_scale(values))
        assert host.view(np.int64) == dev[b].view(np.int64), (name, host, dev[b])
        print("ok mad", name, flush=True)


def main() -> None:
    """All checks; exits non-zero (an assertion) on the first disagreement."""
    start = time.perf_counter()
    warnings.filterwarnings("ignore", "overflow encountered", RuntimeWarning)  # the simulator's NumPy scalars
    mad_checks()
    layout_synthetic_check()
    preparation_checks("12x16", (3, 12, 16), 3, False)
    preparation_checks("9x13", (3, 9, 13), 2, True)
    print(f"device batch checks took {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    main()
