"""``ndgrad.np``: MXNet's NumPy-compatible namespace, generated from the op registry.

    >>> from ndgrad import autograd, np, npx
    >>> npx.set_np()
    >>> x = np.arange(4.0)
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = 2 * np.dot(x, x)
    >>> y.backward()
    >>> x.grad
    array([ 0.,  4.,  8., 12.])
"""
import numpy as _onp
from numpy import (bool_, dtype, e, float16, float32, float64, inf, int8, int16,  # noqa
                   int32, int64, nan, newaxis, pi, uint8)

from ndgrad import ops  # noqa: F401  (registers the ops)
from ndgrad._namespace import add_methods, populate
from ndgrad.numpy import linalg, random
from ndgrad.numpy._ndarray import ndarray

populate(globals(), {"linalg": linalg, "random": random}, ndarray, "np")


def broadcast_arrays(*arrays):
    """The arrays broadcast against each other, as a list.

        >>> [a.shape for a in np.broadcast_arrays(np.ones((2, 1)), np.ones(3))]
        [(2, 3), (2, 3)]
    """
    shape = _onp.broadcast_shapes(*(a.shape for a in arrays))
    return [broadcast_to(a, shape) for a in arrays]  # noqa: F821  (generated)


# NumPy's ndarray methods that are calls of the namespace's functions.
add_methods(ndarray, globals(), (
    "sum", "mean", "prod", "max", "min", "std", "var", "cumsum", "argmax", "argmin", "all",
    "any", "clip", "swapaxes", "squeeze", "ravel", "repeat", "dot", "sort", "argsort",
    "round"))
