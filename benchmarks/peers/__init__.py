"""Peer implementations the suites compare against (NumPy / Sympy, PyTorch, JAX, Open3D, OpenCV).

Every peer uses the textbook Rodrigues formula that users write,
``R = I + sin(t)/t [r]x + (1 - cos t)/t^2 [r]x^2`` with ``t = |r|``, then ``x = R X + t`` and the
pinhole projection ``u = fx x/z + cx``, ``v = fy y/z + cy``. Peers that need an optional package
import it lazily and raise :class:`benchmarks.harness.Skip` when it is absent.
"""
