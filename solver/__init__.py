"""Photometric Gauss-Newton / Levenberg-Marquardt aligner on jacgen-generated kernels."""
