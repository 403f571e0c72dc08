"""``ndgrad.npx``: MXNet's NumPy extensions (neural-network ops, MXNet's reshape codes,
the np mode switches), generated from the op registry like ``ndgrad.np``.

    >>> from ndgrad import np, npx
    >>> npx.set_np()
    >>> npx.relu(np.array([-1.0, 2.0]))
    array([0., 2.])
"""
from ndgrad import ops  # noqa: F401  (registers the ops)
from ndgrad._namespace import populate
from ndgrad.context import cpu, current_context, gpu  # noqa: F401
from ndgrad.numpy import _docs
from ndgrad.numpy._ndarray import ndarray
from ndgrad.numpy_extension import random
from ndgrad.ops import np_conventions

populate(globals(), {"random": random}, ndarray, "npx")
_docs.apply(globals(), {"random": random}, _docs.NPX_EXAMPLES)


def set_np(shape=True, array=True, dtype=False):
    """Turn on NumPy semantics, as MXNet code does first. ``dtype=True`` (MXNet 2's
    switch; 1.9.1 has none) makes np create float64 arrays by default, as NumPy does.

    ndgrad.np works with or without it; the flag is what ``is_np_array()`` reports.
    """
    if array and not shape:
        raise ValueError("set_np: NumPy array semantics need NumPy shape semantics "
                         "(shape=True)")
    np_conventions.set_mode(array, dtype)


def reset_np():
    """Turn NumPy semantics (and the float64 default) off again."""
    np_conventions.set_mode(False, False)


def is_np_array():
    """Whether ``set_np()`` is in effect."""
    return np_conventions.is_np_array()


def is_np_shape():
    return np_conventions.is_np_array()


def waitall():
    """Computation is synchronous in ndgrad: nothing to wait for."""
