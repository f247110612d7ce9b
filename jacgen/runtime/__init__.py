"""The hand-written half of the generated kernels, one module per job (imported from the module that owns a name).

- :mod:`~jacgen.runtime.sinc`: ``phi_n``, the smooth sinc family of :mod:`jacgen.special`, as kernels evaluate it.
- :mod:`~jacgen.runtime.losses`: the robust losses (ids, default scales, IRLS weight and ``rho``).
- :mod:`~jacgen.runtime.layouts`: where each sum sits in a fused kernel's accumulator vector.
- :mod:`~jacgen.runtime.tiles`: tiles of points (per pair, per batch, lane-vector tails) and their sums.
- :mod:`~jacgen.runtime.launches`: the host-side launches of the fused CPU kernels.
- :mod:`~jacgen.runtime.rotations`: rotation conversions (Rodrigues, SE(3) exponential and logarithm, Euler angles).
- :mod:`~jacgen.runtime.poses`: parameters of a pose (closed-form inverses of the known parameterisations).
- :mod:`~jacgen.runtime.pose_params`: the same inverses in scalar code, compiled for the host and the device.

Every module here is in the runtime hash of the generated files' banners
(:func:`jacgen.codegen.runtime_sources`). Nothing here loads ``numba.cuda``: the CUDA counterparts
live in :mod:`jacgen.backends.cuda_runtime`.
"""
