"""Benchmarks: generated kernels and the aligner against autograd and peer aligners."""
