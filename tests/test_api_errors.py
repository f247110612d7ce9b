"""Bad input to the public API raises ValueError naming the problem."""

import numpy as np
import pytest

import jacgen

K = (500.0, 500.0, 320.0, 240.0)
P = np.zeros(6)
PTS = np.array([[0.0, 0.0, 1.0]])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "nope"}, "unknown model"),
        ({"params": np.zeros(5)}, "params must have shape"),
        ({"params": [0, 0, np.nan, 0, 0, 0]}, "non-finite: r3"),
        ({"params": [0, 0, 0, np.inf, 0, 0]}, "non-finite: t1"),
        ({"points": np.zeros((3, 2))}, r"points must have shape \(N, 3\)"),
        ({"points": np.zeros(3)}, "points must have shape"),
        ({"points": np.zeros((3, 3), dtype=np.int64)}, "float32 or float64"),
        ({"points": np.zeros((3, 3), dtype=np.float16)}, "float32 or float64"),
        ({"intrinsics": (500.0, 500.0, 320.0)}, "intrinsics must have shape"),
        ({"intrinsics": (0.0, 500.0, 320.0, 240.0)}, "fx must be > 0"),
        ({"intrinsics": (500.0, np.nan, 320.0, 240.0)}, "non-finite: fy"),
        ({"target": "tpu"}, "unknown target"),
        ({"params": ["a"] * 6}, "params must be"),
    ],
)
@pytest.mark.parametrize("function", ["warp", "warp_jacobian"])
def test_bad_input_raises_value_error(function, kwargs, match):
    args = {"model": "rodrigues", "params": P, "points": PTS, "intrinsics": K, "target": "cpu", **kwargs}
    with pytest.raises(ValueError, match=match):
        getattr(jacgen, function)(**args)


def test_models_lists_builtins():
    assert jacgen.models() == ["euler_xyz", "rodrigues", "se3"]


def test_zero_specialisation_only_where_declared():
    with pytest.raises(ValueError, match="no zero specialisation"):
        jacgen.warp_jacobian_at_zero("rodrigues", PTS, K)


def test_non_contiguous_points_are_accepted():
    pts = np.asfortranarray(np.array([[0.1, 0.2, 2.0], [0.3, -0.1, 3.0]]))
    uv, J, valid = jacgen.warp_jacobian("euler_xyz", P, pts, K)
    uv2, J2, valid2 = jacgen.warp_jacobian("euler_xyz", P, np.ascontiguousarray(pts), K)
    np.testing.assert_array_equal(uv, uv2)


class _ForeignDeviceArray:
    """A device array of another library: only the CUDA array interface and a non-NumPy dtype."""

    __cuda_array_interface__ = {"shape": (5, 3), "typestr": "<f4", "data": (0, False), "strides": None, "version": 3}
    dtype = "torch.float32"


def test_device_array_shape_and_dtype_come_from_the_cuda_array_interface():
    from jacgen.cuda_support import interface_shape_dtype

    assert interface_shape_dtype(_ForeignDeviceArray()) == ((5, 3), np.dtype(np.float32))


def test_foreign_device_array_with_cpu_target_is_rejected_by_name():
    with pytest.raises(ValueError, match="device arrays are not accepted with target='cpu'"):
        jacgen.warp("rodrigues", P, _ForeignDeviceArray(), K)
