"""RGB-D alignment (``tgt_depth``) on the real TUM pairs in ../shared/data, against photometric alone."""

import numpy as np
import pytest
from tum import INTRINSICS, datasets, rgbd_pairs

import solver
from solver.core import lie

FOLDERS = datasets()
pytestmark = pytest.mark.skipif(not FOLDERS, reason="../shared/data/*/pairs.csv not found (TUM pairs absent)")


@pytest.fixture(scope="module")
def errors():
    """``{gap: [(t_photometric, r_photometric, t_rgbd, r_rgbd), ...]}`` over the gap-1 and gap-2 pairs."""
    out: dict[int, list] = {}
    for folder in FOLDERS:
        for ref, depth, tgt, tgt_depth, T, gap in rgbd_pairs(folder):
            if gap > 2:
                continue
            photometric = solver.align(ref, depth, tgt, INTRINSICS)
            rgbd = solver.align(ref, depth, tgt, INTRINSICS, tgt_depth=tgt_depth)
            assert rgbd.n_depth_valid > 0.5 * rgbd.n_valid
            out.setdefault(gap, []).append((*lie.pose_error(photometric.pose, T), *lie.pose_error(rgbd.pose, T)))
    return out


@pytest.mark.parametrize("gap", [1, 2])
def test_target_depth_lowers_the_median_translation_error(errors, gap):
    rows = np.array(errors.get(gap, []))
    if not len(rows):
        pytest.skip(f"no gap-{gap} pairs")
    t_photo, r_photo, t_rgbd, r_rgbd = np.median(rows, axis=0)
    assert t_rgbd < 0.9 * t_photo, (t_photo, t_rgbd)
    assert r_rgbd <= 1.05 * r_photo, (r_photo, r_rgbd)
