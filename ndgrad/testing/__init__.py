"""Check the gradients of your own numerical code with ndgrad.

    >>> import numpy as np
    >>> from ndgrad import nd
    >>> from ndgrad.testing import check_gradients
    >>> check_gradients(lambda x: nd.tanh(x) * x, [np.array([0.5, -1.0])], order=2)

``check_gradients`` compares ndgrad's first (and second) derivatives of a function with
numeric ones along random directions, and raises AssertionError naming the input, the
element, both values and the error when they disagree. ``ndgrad.testing.strategies``
has hypothesis strategies (arrays, shapes, ``gradient_check``) to turn such checks into
property tests; ``docs/testing-guide.md`` walks through both.
"""
from ndgrad.testing.gradcheck import check_gradients, numeric_gradients

__all__ = ["check_gradients", "numeric_gradients"]
