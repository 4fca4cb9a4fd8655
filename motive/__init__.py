"""Motive's entry points: `python -m motive COMMAND ...` (see motive/__main__.py).

This package sits above every layer (data, rubric, analysis) and composes them; no
layer imports it.
"""
