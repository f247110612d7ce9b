"""Image and point preparation, on the host and on the device.

Gray conversion, pyramids, gradient stacks, reference points and scratch arrays;
:func:`solver.arrays.target.arrays_for` is the solver's one choice of target.
"""
