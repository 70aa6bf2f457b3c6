"""Benchmarks: doctranslate side by side with the best hand-written alternative on the same stack.

Run with `bench/run` (see the README). Every figure is a ratio against a baseline measured in the same
run, the median of several runs with the minimum and maximum shown, because this machine is noisy.
"""
