"""Kernel modules emitted by ``python -m jacgen build``; never edit by hand."""

MODELS = ("euler_xyz", "rodrigues", "se3")
