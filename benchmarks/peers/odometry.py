"""Open3D and OpenCV RGB-D odometry, called as documented with the REFERENCE frame as source.

* Open3D ``o3d.pipelines.odometry.compute_rgbd_odometry(source, target, intrinsic, odo_init,
  jacobian, option)`` returns ``(success, T, info)``; ``T`` maps source-frame points to the target
  frame, i.e. ``T_tgt_from_ref`` with ``source = ref``.
* OpenCV 5 ``cv2.Odometry(type, settings, algo).compute(src_depth, src_rgb, dst_depth, dst_rgb, Rt)``
  (OpenCV 4 contrib: ``cv2.rgbd.RgbdOdometry_create`` / ``cv2.rgbd.RgbdICPOdometry_create`` and
  ``compute(srcImage, srcDepth, srcMask, dstImage, dstDepth, dstMask)``); ``Rt`` likewise maps
  source points to the destination frame. The suite verifies both conventions on the data.

Both take depth in metres (float32) and 8-bit gray for OpenCV; inputs are converted inside the timed
call, as the project's aligner converts its own inputs.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..harness import Skip


def import_open3d():
    """Import open3d or raise :class:`Skip`."""
    try:
        import open3d as o3d
    except ImportError as exc:
        raise Skip(f"open3d not importable ({exc}); pip install -e '.[bench]'") from None
    return o3d


def import_cv2():
    """Import cv2 with an RGB-D odometry API, or raise :class:`Skip`."""
    try:
        import cv2
    except ImportError as exc:
        raise Skip(f"opencv not importable ({exc}); pip install -e '.[bench]'") from None
    if not hasattr(cv2, "Odometry") and not hasattr(cv2, "rgbd"):
        raise Skip("this OpenCV has neither cv2.Odometry (OpenCV 5) nor cv2.rgbd (opencv-contrib 4.x)")
    return cv2


def make_open3d(term: str, intrinsics, shape) -> Callable:
    """``run(ref_rgb, ref_depth_m, tgt_rgb, tgt_depth_m) -> (T, success)`` with the color or hybrid term."""
    o3d = import_open3d()
    odo = o3d.pipelines.odometry
    jac = odo.RGBDOdometryJacobianFromColorTerm() if term == "color" else odo.RGBDOdometryJacobianFromHybridTerm()
    h, w = shape
    intr = o3d.camera.PinholeCameraIntrinsic(w, h, *intrinsics)
    option = odo.OdometryOption()  # documented defaults: iterations [20, 10, 5], depth 0 .. 4 m, diff 0.03

    def rgbd(rgb, depth_m):
        return o3d.geometry.RGBDImage.create_from_color_and_depth(
            o3d.geometry.Image(np.ascontiguousarray(rgb)),
            o3d.geometry.Image(np.ascontiguousarray(depth_m, dtype=np.float32)),
            depth_scale=1.0,
            depth_trunc=10.0,
            convert_rgb_to_intensity=True,
        )

    def run(ref_rgb, ref_depth, tgt_rgb, tgt_depth):
        ok, T, _info = odo.compute_rgbd_odometry(
            rgbd(ref_rgb, ref_depth), rgbd(tgt_rgb, tgt_depth), intr, np.eye(4), jac, option
        )
        return np.asarray(T), bool(ok)

    return run


def make_opencv(kind: str, intrinsics) -> Callable:
    """``run(...) -> (T, success)`` with OpenCV's RGB (``kind="rgb"``) or RGB-D (``"rgbd"``) odometry."""
    cv2 = import_cv2()
    fx, fy, cx, cy = intrinsics
    K = np.array([[fx, 0, cx], [0, fy, cy], [0, 0, 1]], dtype=np.float64)

    def gray(rgb):
        return cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2GRAY)

    if hasattr(cv2, "Odometry"):
        settings = cv2.OdometrySettings()
        settings.setCameraMatrix(K.astype(np.float32))
        otype = cv2.OdometryType_RGB if kind == "rgb" else cv2.OdometryType_RGB_DEPTH
        odom = cv2.Odometry(otype, settings, cv2.OdometryAlgoType_COMMON)

        def run(ref_rgb, ref_depth, tgt_rgb, tgt_depth):
            Rt = np.eye(4)
            ok = odom.compute(
                np.ascontiguousarray(ref_depth, dtype=np.float32),
                gray(ref_rgb),
                np.ascontiguousarray(tgt_depth, dtype=np.float32),
                gray(tgt_rgb),
                Rt,
            )
            if isinstance(ok, tuple):  # some bindings return (retval, Rt)
                ok, Rt = ok
            return np.asarray(Rt, dtype=np.float64), bool(ok)

        return run

    rgbd = cv2.rgbd
    odom = (rgbd.RgbdOdometry_create if kind == "rgb" else rgbd.RgbdICPOdometry_create)(K.astype(np.float32))

    def run_contrib(ref_rgb, ref_depth, tgt_rgb, tgt_depth):
        ok, Rt = odom.compute(
            gray(ref_rgb),
            np.ascontiguousarray(ref_depth, dtype=np.float32),
            None,
            gray(tgt_rgb),
            np.ascontiguousarray(tgt_depth, dtype=np.float32),
            None,
        )
        return np.asarray(Rt, dtype=np.float64), bool(ok)

    return run_contrib
