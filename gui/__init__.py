"""Backprop Lab's Qt views; importing this package alone loads no Qt."""

PANELS = ("boundary", "gradients", "loss", "walkthrough")  # views that --show can bring to the front
