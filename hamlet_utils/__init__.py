"""HaMLeT helper package: MNIST loading, training loops, plots and gradient checks.

Nothing in this package contains a solution to a notebook task: the student-facing
checks judge forward passes by their properties and backward passes by finite
differences only.
"""

__version__ = "0.1.0"
