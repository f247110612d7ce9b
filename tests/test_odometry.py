"""Visual odometry over sequences (solver.odometry), serial and on a Dask LocalCluster."""

import numpy as np
import pytest
from tum import DATA

from solver import KeyframePolicy, odometry
from solver.core import lie
from solver.sequences.metrics import ate
from solver.sequences.tum import read_sequence
from solver.synthetic import make_sequence, write_tum_sequence


@pytest.fixture(scope="module")
def sequence():
    return make_sequence(12, shape=(240, 320))


def _errors(poses, truth):
    errs = np.array([lie.pose_error(a, b) for a, b in zip(poses, truth, strict=True)])
    return errs[:, 0].max(), errs[:, 1].max()


def test_synthetic_trajectory_is_recovered(sequence):
    res = odometry(sequence, sequence.intrinsics, timestamps=sequence.timestamps)
    t_err, r_err = _errors(res.poses, sequence.poses)
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)
    assert res.failures == [] and res.keyframes[0] == 0
    assert all(r is not None and r.success for r in res.results[1:])
    np.testing.assert_array_equal(res.timestamps, sequence.timestamps)


def test_still_camera_keeps_its_keyframe(sequence):
    frames = [sequence[0]] * 5
    res = odometry(frames, sequence.intrinsics)
    assert res.keyframes == [0]
    assert np.abs(res.poses - np.eye(4)).max() < 1e-6


@pytest.mark.parametrize("photometric_only", [False, True])
def test_failed_frame_is_reported_and_bridged(sequence, photometric_only):
    frames = [sequence[k] for k in range(8)]
    # no texture (and, for the depth residual, no depth either): nothing to align
    depth = frames[4][1] if photometric_only else np.zeros_like(frames[4][1])
    frames[4] = (np.full_like(frames[4][0], 0.5), depth)
    res = odometry(frames, sequence.intrinsics, photometric_only=photometric_only)
    assert res.failures == [4]
    assert np.isfinite(res.poses).all()
    assert 4 not in res.keyframes  # a failed frame never becomes a keyframe
    t_err, r_err = _errors(res.poses[5:], sequence.poses[5:8])
    assert t_err < 2e-3 and r_err < 0.05, (t_err, r_err)  # later frames align to the last good keyframe


def test_textureless_frame_with_depth_never_becomes_the_keyframe(sequence):
    """A flat image with valid depth aligns (the depth residual), but as a keyframe it would have no points.

    The policy asks for a new keyframe at frame 4 (``max_gap=4``); frame 4 cannot serve, so the
    keyframe stays and frame 5, the next that can, takes over: no frame fails.
    """
    frames = [sequence[k] for k in range(10)]
    frames[4] = (np.full_like(frames[4][0], 0.5), frames[4][1])
    res = odometry(frames, sequence.intrinsics, keyframe_policy=KeyframePolicy(max_gap=4))
    assert res.failures == [] and 4 not in res.keyframes and res.keyframes[:2] == [0, 5], res.keyframes
    t_err, r_err = _errors(res.poses, sequence.poses[:10])
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)


def test_textureless_first_frame_starts_at_the_next(sequence):
    """A first frame that cannot serve as a keyframe is a failure at the origin; the next one is the first keyframe."""
    frames = [sequence[k] for k in range(4)]
    frames[0] = (np.full_like(frames[0][0], 0.5), frames[0][1])
    res = odometry(frames, sequence.intrinsics)
    assert res.keyframes[0] == 1 and res.failures == [0] and res.unreadable == {}
    np.testing.assert_array_equal(res.poses[:2], np.stack([np.eye(4)] * 2))
    relative = [lie.se3_inverse(sequence.poses[1]) @ sequence.poses[k] for k in (2, 3)]
    t_err, r_err = _errors(res.poses[2:], relative)
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)


def test_keyframe_policy_can_be_keyframe():
    policy = KeyframePolicy(min_overlap=0.6)
    assert policy.min_points(1000) == pytest.approx(150.0)  # what a trusted alignment to it must use
    assert policy.can_be_keyframe(150, 1000) and not policy.can_be_keyframe(149, 1000)
    assert not policy.can_be_keyframe(0, 0)  # no depth: no points


def test_chunks_restart_at_keyframes(sequence):
    whole = odometry(sequence, sequence.intrinsics)
    chunked = odometry(sequence, sequence.intrinsics, chunk_size=5)
    t_err, r_err = _errors(chunked.poses, whole.poses)
    assert t_err < 1e-3 and r_err < 0.02
    assert {0, 4, 8} <= set(chunked.keyframes)


def test_bad_options():
    with pytest.raises(ValueError, match="empty"):
        odometry([], (1.0, 1.0, 0.0, 0.0))
    seq = make_sequence(2)
    with pytest.raises(ValueError, match="init"):
        odometry(seq, seq.intrinsics, init=np.eye(4))
    with pytest.raises(ValueError, match="chunk_size"):
        odometry(seq, seq.intrinsics, chunk_size=1)
    assert KeyframePolicy().new_keyframe(np.eye(4), 0.5, 1)  # overlap below min_overlap


def test_dask_local_cluster_equals_serial(tmp_path):
    pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install -e '.[test]')")
    from solver.distributed import odometry_many

    folders = []
    for seed in (0, 1):
        folder = tmp_path / f"seq{seed}"
        write_tum_sequence(make_sequence(7, shape=(120, 160), seed=seed), folder)
        folders.append(folder)
    K = make_sequence(1, shape=(120, 160)).intrinsics
    distributed = odometry_many(folders, intrinsics=K, n_workers=2, chunk_size=4)
    for folder, res in zip(folders, distributed, strict=True):
        serial = odometry(read_sequence(folder), K, chunk_size=4)
        np.testing.assert_array_equal(res.poses, serial.poses)
        assert res.keyframes == serial.keyframes and res.failures == serial.failures


@pytest.mark.skipif(not (DATA / "tum_fr1_rpy").exists(), reason="shared TUM data (../shared/data) not present")
def test_fr1_rpy_beats_chained_opencv():
    from solver.sequences.metrics import rpe

    seq = read_sequence(DATA / "tum_fr1_rpy")
    rgbd = odometry(seq, seq.intrinsics)  # defaults: each frame's depth, keyframes kept while they overlap
    error = ate(seq.groundtruth, (rgbd.timestamps, rgbd.poses)).trans.rmse
    # OpenCV 5 chained frame to frame on these 40 frames: RGB 1.77 cm (issue 18), RGB-D 1.855 cm (issue 24)
    assert error < 0.0177, error
    step = rpe(seq.groundtruth, (rgbd.timestamps, rgbd.poses), delta=1).trans.rmse
    assert step < 0.0065, step  # 0.50 cm measured (0.54 with the earlier Cauchy default); photometric only 1.07


def test_cli_writes_a_tum_trajectory(tmp_path, capsys):
    from solver.__main__ import main
    from solver.sequences.tum import read_trajectory

    seq = make_sequence(4, shape=(240, 320))
    folder = tmp_path / "synthetic"
    write_tum_sequence(seq, folder)
    out = tmp_path / "traj.txt"
    assert main(["odometry", str(folder), "--out", str(out)]) == 2  # unknown camera
    K = ",".join(map(str, seq.intrinsics))
    assert main(["odometry", str(folder), "--out", str(out), "--intrinsics", K]) == 0
    traj = read_trajectory(out)
    assert traj.poses.shape == (4, 4, 4) and np.isfinite(traj.poses).all()
    np.testing.assert_allclose(traj.timestamps, seq.timestamps, atol=1e-6)
    assert "ATE trans [cm]" in capsys.readouterr().out
    t_err, r_err = _errors(traj.poses, seq.poses)
    assert t_err < 2e-3 and r_err < 0.05, (t_err, r_err)  # 8-bit, 1/5000 m quantised files


def test_unreadable_frame_is_reported_and_bridged(tmp_path, capsys):
    from solver.__main__ import main
    from solver.sequences.io import UnreadableImageError
    from solver.sequences.tum import read_trajectory

    seq = make_sequence(6, shape=(120, 160))
    folder = tmp_path / "synthetic"
    write_tum_sequence(seq, folder)
    frames = read_sequence(folder)
    broken = frames.rgb[3]
    broken.write_bytes(broken.read_bytes()[:200])  # a truncated PNG
    with pytest.raises(UnreadableImageError, match=broken.name):
        frames.frame(3)
    res = odometry(frames, seq.intrinsics)
    assert list(res.unreadable) == [3] and broken.name in res.unreadable[3]
    assert 3 in res.failures and res.results[3] is None and len(res) == 6
    clean = odometry(seq, seq.intrinsics)
    for k in (1, 2, 4, 5):  # the other frames keep poses close to the run without the broken frame
        t_err, _ = lie.pose_error(res.poses[k], clean.poses[k])
        assert t_err < 0.01, (k, t_err)
    out = tmp_path / "traj.txt"
    K = ",".join(map(str, seq.intrinsics))
    assert main(["odometry", str(folder), "--out", str(out), "--intrinsics", K]) == 1  # a frame failed
    assert read_trajectory(out).poses.shape == (6, 4, 4)
    assert broken.name in capsys.readouterr().out


def test_unreadable_first_frame_starts_at_the_next(tmp_path):
    seq = make_sequence(4, shape=(120, 160))
    folder = tmp_path / "synthetic"
    write_tum_sequence(seq, folder)
    frames = read_sequence(folder)
    frames.depth[0].write_bytes(b"not a png")
    res = odometry(frames, seq.intrinsics)
    assert list(res.unreadable) == [0] and res.keyframes[0] == 1 and 0 in res.failures
    np.testing.assert_array_equal(res.poses[1], np.eye(4))
    assert np.isfinite(res.poses).all()


def _recording_align(monkeypatch):
    """Replace the odometry's ``align`` by one that records each call's keywords and runs the real one."""
    import solver.sequences.visual_odometry as vo

    calls = []
    real = vo.align

    def recording(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(vo, "align", recording)
    return calls


def test_default_uses_each_frames_depth(sequence, monkeypatch):
    frames = [sequence[k] for k in range(4)]
    calls = _recording_align(monkeypatch)
    res = odometry(frames, sequence.intrinsics, depth_weight=0.5)
    assert len(calls) >= 3 and all(c["depth_weight"] == 0.5 for c in calls)  # align options still forwarded
    depths = [c["tgt_depth"] for c in calls]
    for k, depth in enumerate(depths[:3], start=1):  # the target is the current frame, with its own depth
        assert depth is frames[k][1]
    t_err, r_err = _errors(res.poses, sequence.poses[:4])
    assert t_err < 1e-3 and r_err < 0.02, (t_err, r_err)


def test_photometric_only_aligns_without_depth(sequence, monkeypatch):
    frames = [sequence[k] for k in range(4)]
    calls = _recording_align(monkeypatch)
    photometric = odometry(frames, sequence.intrinsics, photometric_only=True)
    assert calls and all("tgt_depth" not in c for c in calls)
    calls.clear()
    rgbd = odometry(frames, sequence.intrinsics)
    assert calls and all("tgt_depth" in c for c in calls)
    assert not np.array_equal(photometric.poses, rgbd.poses)  # the depth residual moves the solution
    assert all(c["loss"] == "tukey" for c in calls)  # with depth: align's RGB-D loss (RGBD_ALIGN_DEFAULTS)
    calls.clear()
    odometry(frames, sequence.intrinsics, photometric_only=True)
    assert calls and all(c["loss"] == "cauchy" for c in calls)  # photometric only: ALIGN_DEFAULTS
    with pytest.raises(ValueError, match="tgt_depth"):
        odometry(frames, sequence.intrinsics, tgt_depth=frames[1][1])


def test_photometric_only_equals_chained_align_to_the_keyframe(sequence):
    """``photometric_only`` is the odometry without the depth residual: each pose is the plain photometric align."""
    from solver import align
    from solver.sequences.visual_odometry import ALIGN_DEFAULTS

    frames = [sequence[0]] + [sequence[k] for k in (1, 2)]
    res = odometry(frames, sequence.intrinsics, photometric_only=True, keyframe_policy=KeyframePolicy(max_gap=99))
    T1 = align(*frames[0], frames[1][0], sequence.intrinsics, **ALIGN_DEFAULTS).pose
    np.testing.assert_array_equal(res.poses[1], lie.se3_inverse(T1))


def test_depth_on_a_target_without_depth_kernels_asks_for_photometric_only(sequence, monkeypatch):
    """Odometry with depth refuses a target whose align module has no depth kernels, before any work."""
    from solver.core.model import AlignModel

    calls = _recording_align(monkeypatch)
    monkeypatch.setattr(AlignModel, "has_depth", lambda self, target="cpu": target == "cpu")
    with pytest.raises(ValueError, match="photometric_only=True"):
        odometry(sequence, sequence.intrinsics, target="cuda")
    assert calls == []
    odometry([sequence[0], sequence[1]], sequence.intrinsics, target="cpu")  # the CPU keeps its depth
    assert "tgt_depth" in calls[0]


def test_cli_photometric_only_flag(tmp_path):
    from solver.__main__ import main
    from solver.cli import build_parser
    from solver.sequences.tum import read_trajectory

    parser = build_parser()
    assert parser.parse_args(["odometry", "x"]).photometric_only is False
    assert parser.parse_args(["odometry", "x", "--photometric-only"]).photometric_only is True
    seq = make_sequence(3, shape=(120, 160))
    folder = tmp_path / "synthetic"
    write_tum_sequence(seq, folder)
    K = ",".join(map(str, seq.intrinsics))
    for flag, photometric_only in (([], False), (["--photometric-only"], True)):
        out = tmp_path / f"traj{photometric_only}.txt"
        assert main(["odometry", str(folder), "--out", str(out), "--intrinsics", K, *flag]) == 0
        expected = odometry(read_sequence(folder), seq.intrinsics, photometric_only=photometric_only)
        np.testing.assert_allclose(read_trajectory(out).poses, expected.poses, atol=1e-6)


def test_odometry_many_passes_photometric_only(tmp_path, monkeypatch):
    """The option reaches every task, checked on the client (distributed's own client is replaced by a local one)."""
    pytest.importorskip("distributed", reason="Dask distributed is not installed (pip install -e '.[test]')")
    import solver.distributed as dist

    folder = tmp_path / "seq"
    write_tum_sequence(make_sequence(3, shape=(120, 160)), folder)
    seen = []

    class Future:
        def __init__(self, value):
            self.value = value

    class Client:
        def submit(self, fn, *args, pure=True):
            seen.append(args)
            return Future(fn(*args))

        def gather(self, futures):
            return [f.value for f in futures]

        def close(self):
            pass

    monkeypatch.setattr(dist, "_client", lambda scheduler, n_workers: (Client(), None))
    K = make_sequence(1, shape=(120, 160)).intrinsics
    for photometric_only in (True, False):
        seen.clear()
        (res,) = dist.odometry_many([folder], intrinsics=K, photometric_only=photometric_only, chunk_size=2)
        assert seen and all(args[5] is photometric_only for args in seen)
        serial = odometry(read_sequence(folder), K, photometric_only=photometric_only, chunk_size=2)
        np.testing.assert_array_equal(res.poses, serial.poses)
    with pytest.raises(ValueError, match="tgt_depth"):
        dist.odometry_many([folder], intrinsics=K, tgt_depth=np.zeros((120, 160)))
