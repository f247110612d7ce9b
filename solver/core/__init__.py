"""The solver's core, below every subsystem.

Input checks, Levenberg-Marquardt, the coarse-to-fine driver over a small problem protocol, the
adapter of generated kernel modules and rigid-motion helpers.
"""
