"""Photometric alignment of RGB-D pairs: the problem of one pair, :func:`align` and :func:`align_batch`."""
