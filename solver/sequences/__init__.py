"""Sequences: image and TUM file formats, visual odometry, trajectory metrics and plots."""
