"""solver.align with a user-defined rigid-motion model: a pinhole camera with one radial distortion term.

The model is built by jacgen.build_model into a temporary folder; the solver learns everything about
it (parameters, update rule, constants, losses, accumulator layout, pose <-> parameters) from the
generated module's DESCRIPTION. The synthetic pair has an undistorted reference (the aligner
back-projects it with the pinhole intrinsics) and a target seen through the distortion, rendered
exactly (solver.synthetic, tgt_k1).
"""

import numpy as np
import pytest

import jacgen
import solver
from jacgen.builtin import rodrigues_matrix, se3_exp
from solver.core import lie
from solver.synthetic import make_scene

K1 = 0.15
"""Radial coefficient (normalised coordinates): about 12 px at the corners of the 320x240 target."""
MOTION = (0.02, -0.01, 0.03, 2.0, -1.5, 3.0)
SHAPE = (240, 320)


MOTIONS = {
    "additive": lambda p: (rodrigues_matrix(p[:3]), p[3:]),  # rotation vector + translation: params += delta
    "compositional": lambda p: se3_exp(p[:3], p[3:]),  # twist, zero specialisation: T <- pose(delta) T
}


def radial_model(update: str = "additive"):
    def projection(q, c):
        fx, fy, cx, cy, k1 = c
        x, y = q[0] / q[2], q[1] / q[2]
        d = 1 + k1 * (x * x + y * y)
        return (fx * x * d + cx, fy * y * d + cy)

    return jacgen.define_model(
        f"pinhole_k1_{update}",
        params="r1 r2 r3 t1 t2 t3",
        point="X Y Z",
        constants="fx fy cx cy k1",
        motion=MOTIONS[update],
        projection=projection,
        valid=lambda q, c: q[2],
        positive_constants="fx fy",
        output_names=("u", "v"),
        zero_specialisation=update == "compositional",
        description=f"rigid motion ({update} update); pinhole with one radial distortion term k1",
    )


@pytest.fixture(scope="module", params=sorted(MOTIONS))
def handle(request, tmp_path_factory):
    # derivation and code generation once per model; the kernels compile on first use
    out = tmp_path_factory.mktemp(f"radial_k1_{request.param}")
    return jacgen.build_model(radial_model(request.param), out, targets=("cpu",))


@pytest.fixture(scope="module")
def scene():
    return make_scene(MOTION, shape=SHAPE, tgt_k1=K1)


def test_description_is_what_the_solver_reads(handle):
    d = handle.description
    assert d["params"] == ("r1", "r2", "r3", "t1", "t2", "t3")
    assert d["constants"] == ("fx", "fy", "cx", "cy", "k1") and d["point"] == ("X", "Y", "Z")
    assert d["update"] == handle.name.removeprefix("pinhole_k1_")
    pose_rows = 12 if d["update"] == "compositional" else 0
    assert len(d["kernel_constants"]) == len(d["constants"]) + pose_rows


def test_user_model_aligns_a_distorted_pair(handle, scene):
    s = scene
    res = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model=handle, constants={"k1": K1})
    t_err, r_err = lie.pose_error(res.pose, s.pose)
    assert res.success, res.message
    assert t_err < 5e-4 and r_err < 0.02, (t_err, r_err)
    assert res.params.shape == (6,) and res.covariance.shape == (6, 6)
    np.testing.assert_allclose(lie.pose_from_params(handle, res.params), res.pose, atol=1e-12)

    # the same pair with the built-in undistorted model: the distortion is not explained away
    plain = solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model="rodrigues")
    t_plain, r_plain = lie.pose_error(plain.pose, s.pose)
    assert t_plain > 10 * t_err and t_plain > 2e-3, (t_plain, t_err)
    assert plain.cost > 10 * res.cost, (plain.cost, res.cost)


def test_constants_as_a_sequence_match_the_dict(handle, scene):
    s = scene
    args = (s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics)
    a = solver.align(*args, model=handle, constants={"k1": K1}, levels=2, max_iters=3)
    b = solver.align(*args, model=handle, constants=[K1], levels=2, max_iters=3)
    np.testing.assert_array_equal(a.pose, b.pose)


@pytest.mark.parametrize(
    ("constants", "match"),
    [
        (None, r"needs constants \('k1',\)"),
        ((0.1, 0.2), "constants must be 1 finite numbers"),
        ({"k2": 0.1}, "missing \\['k1'\\]; unknown \\['k2'\\]"),
        ([float("nan")], "constants must be 1 finite"),
    ],
)
def test_missing_or_wrong_constants_raise(handle, scene, constants, match):
    s = scene
    with pytest.raises(ValueError, match=match):
        solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model=handle, constants=constants)


def test_builtin_model_takes_no_extra_constants(scene):
    s = scene
    with pytest.raises(ValueError, match="unknown"):
        solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, constants={"k1": 0.1})


def test_unknown_model_name_lists_the_models(scene):
    s = scene
    with pytest.raises(ValueError, match="unknown model 'pinhole9'; available: .*" + jacgen.models()[0]):
        solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model="pinhole9")


def _fake_handle(tmp_path, description: dict, missing=()) -> jacgen.GeneratedModel:
    """A handle whose align module holds ``description`` and stubs of the functions not ``missing`` (never run)."""
    from solver.core.model import MODULE_FUNCTIONS

    stub = "\n\ndef {}(*args):\n    raise AssertionError('not run')\n"
    text = f"DESCRIPTION = {description!r}\n" + "".join(stub.format(f) for f in MODULE_FUNCTIONS if f not in missing)
    (tmp_path / "fake_model_align_cpu.py").write_text(text)
    return jacgen.load_model("fake_model", tmp_path)


@pytest.mark.parametrize(
    ("change", "missing", "match"),
    [
        ({"constants": ("fx", "fy", "cx")}, (), r"lack \['cy'\]"),  # too few constants for the intrinsics
        ({"kernel_constants": ("fx", "fy", "cx", "cy", "k1", "m00")}, (), "kernel constants must be"),
        ({"point": ("x", "y")}, (), "3-D points"),
        ({}, ("pose",), r"lacks \['pose'\]"),
        ({"update": "sideways"}, (), "update"),
        ({"accumulators": {}}, (), "lacks 'normal_equations'"),
    ],
)
def test_description_lacking_what_the_aligner_needs_raises(handle, scene, tmp_path, change, missing, match):
    fake = _fake_handle(tmp_path, {**handle.description, **change}, missing)
    s = scene
    with pytest.raises(ValueError, match=match):
        solver.align(s.ref_image, s.ref_depth, s.tgt_image, s.intrinsics, model=fake, constants={"k1": 0.1})
