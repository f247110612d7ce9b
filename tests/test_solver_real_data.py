"""Accuracy on the real TUM RGB-D pairs in ../shared/data (photometric only, default options)."""

import numpy as np
import pytest
from tum import INTRINSICS, datasets, pairs

import solver
from solver.core import lie

FOLDERS = datasets()
pytestmark = pytest.mark.skipif(not FOLDERS, reason="../shared/data/*/pairs.csv not found (TUM pairs absent)")


@pytest.fixture(scope="module")
def errors():
    out = {}
    for folder in FOLDERS:
        for ref, depth, tgt, T, gap in pairs(folder):
            res = solver.align(ref, depth, tgt, INTRINSICS)
            assert np.isfinite(res.pose).all()
            t_err, r_err = lie.pose_error(res.pose, T)
            out.setdefault((folder.name, gap), []).append((t_err, r_err, res.success))
    return out


def test_gap_one_median_error(errors):
    gap1 = [e for (name, gap), v in errors.items() if gap == 1 for e in v]
    assert gap1, "no gap-1 pairs"
    t_med = np.median([e[0] for e in gap1])
    r_med = np.median([e[1] for e in gap1])
    assert t_med <= 0.006 and r_med <= 0.4, (t_med, r_med)


def test_rpy_gap_four_rotation(errors):
    rows = errors.get(("tum_fr1_rpy", 4))
    if not rows:
        pytest.skip("tum_fr1_rpy gap-4 pairs absent")
    assert np.median([e[1] for e in rows]) <= 1.5


def test_most_pairs_report_success(errors):
    flags = [e[2] for v in errors.values() for e in v]
    assert np.mean(flags) >= 0.8
