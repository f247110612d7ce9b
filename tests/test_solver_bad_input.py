"""Bad input to the aligner: a clear ValueError, or a result with success False and a reason."""

import numpy as np
import pytest

import solver
from solver.synthetic import make_scene


@pytest.fixture(scope="module")
def scene():
    return make_scene((0.01, 0.0, 0.0, 0.0, 1.0, 0.0), shape=(120, 160))


def call(scene, **overrides):
    args = {
        "ref_image": scene.ref_image,
        "ref_depth": scene.ref_depth,
        "tgt_image": scene.tgt_image,
        "intrinsics": scene.intrinsics,
    }
    kwargs = {k: v for k, v in overrides.items() if k not in args}
    args.update({k: v for k, v in overrides.items() if k in args})
    return solver.align(args["ref_image"], args["ref_depth"], args["tgt_image"], args["intrinsics"], **kwargs)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"tgt_image": np.zeros((100, 160))}, "tgt_image shape"),
        ({"ref_depth": np.zeros((120, 150))}, "ref_depth shape"),
        ({"ref_image": np.zeros((120, 160, 2))}, "ref_image must be"),
        ({"ref_image": np.zeros((4, 4))}, "too small"),
        ({"intrinsics": (100.0, 100.0, 50.0)}, "intrinsics"),
        ({"intrinsics": (-100.0, 100.0, 50.0, 50.0)}, "fx and fy must be > 0"),
        ({"init": np.ones((4, 4))}, "rigid transform"),
        ({"init": np.eye(3)}, "4x4"),
        ({"model": "affine"}, "unknown model"),
        ({"loss": "l1"}, "loss must be"),
        ({"method": "adam"}, "method"),
        ({"fixed": ("r9",)}, "unknown parameters"),
        ({"fixed": ("r1", "r2", "r3", "t1", "t2", "t3")}, "nothing to solve"),
        ({"levels": 0}, "levels"),
        ({"depth_range": (2.0, 1.0)}, "depth_range"),
        ({"dtype": "float16"}, "dtype"),
        ({"loss_scale": -1.0}, "loss_scale"),
        ({"levels": 2, "ftol": (1e-4, 1e-4, 1e-4)}, "ftol has 3 entries for 2 levels"),
        ({"ftol": -1e-3}, "ftol must be"),
        ({"levels": 2, "max_iters": (5,)}, "max_iters has 1 entries"),
    ],
)
def test_invalid_arguments_raise(scene, overrides, match):
    with pytest.raises(ValueError, match=match):
        call(scene, **overrides)


def test_nan_in_image_is_rejected(scene):
    img = scene.tgt_image.copy()
    img[5, 5] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        call(scene, tgt_image=img)


def test_nan_depth_is_treated_as_missing(scene):
    depth = scene.ref_depth.copy()
    depth[:10] = np.nan
    res = call(scene, ref_depth=depth)
    assert res.success and np.isfinite(res.pose).all()


def test_all_zero_depth_reports_too_few_points(scene):
    res = call(scene, ref_depth=np.zeros_like(scene.ref_depth))
    assert not res.success and res.status == solver.Status.TOO_FEW_POINTS
    assert "too few" in res.message and np.isfinite(res.pose).all()


def test_constant_image_reports_failure(scene):
    flat = np.full_like(scene.ref_image, 0.5)
    res = call(scene, ref_image=flat, tgt_image=flat)
    assert not res.success and res.status in (solver.Status.TOO_FEW_POINTS, solver.Status.SINGULAR)
    np.testing.assert_array_equal(res.pose, np.eye(4))


def test_init_far_off_returns_finite_pose_and_honest_status(scene):
    far = np.eye(4)
    far[:3, 3] = [0.0, 0.0, -50.0]  # every point ends up behind the camera
    res = call(scene, init=far)
    assert not res.success and res.status == solver.Status.TOO_FEW_POINTS
    assert np.isfinite(res.pose).all() and np.isfinite(res.params).all()


def test_uint8_and_colour_input_are_converted(scene):
    rgb = np.repeat((scene.ref_image.clip(0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    tgt = np.repeat((scene.tgt_image.clip(0, 1) * 255).astype(np.uint8)[..., None], 3, axis=2)
    res = call(scene, ref_image=rgb, tgt_image=tgt)
    assert res.success and np.isfinite(res.pose).all()


def test_ftol_default_is_looser_at_the_finest_level_only():
    from solver.options import FTOL_COARSE, FTOL_FINEST, AlignOptions

    def ftols(levels, ftol=None):
        return AlignOptions(levels=levels, ftol=ftol).validated().schedule((480, 640)).ftols

    assert ftols(4) == [FTOL_COARSE] * 3 + [FTOL_FINEST]
    assert ftols(1) == [FTOL_FINEST]
    assert ftols(3, 1e-5) == [1e-5] * 3
    assert ftols(2, (1e-3, 1e-4)) == [1e-3, 1e-4]


@pytest.mark.parametrize(
    ("shape", "levels", "usable"),
    [((480, 640), 9, 6), ((480, 640), 4, 4), ((120, 160), 9, 4), ((15, 200), 3, 1), ((16, 16), 3, 2), ((5, 5), 2, 1)],
)
def test_levels_stop_at_eight_pixels_a_side(shape, levels, usable):
    from solver.core.problem import usable_levels

    assert usable_levels(shape, levels) == usable
    assert usable_levels(shape, levels) == max(1, min(levels, int(np.floor(np.log2(min(shape) / 8))) + 1))
