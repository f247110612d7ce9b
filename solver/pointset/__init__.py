"""Known point sets: scenes, the Gaussian-splat renderer, alignment and render and compare.

Tori, :func:`~solver.render_points`, :func:`~solver.align_points`, :func:`~solver.fit_render`
and what an image cannot tell about the pose (observability).
"""
