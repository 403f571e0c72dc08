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

from ndgrad import _interop, ops  # noqa: F401  (registers the ops)
from ndgrad._namespace import add_methods, populate
from ndgrad.numpy import _docs, linalg, random
from ndgrad.numpy._ndarray import ndarray

populate(globals(), {"linalg": linalg, "random": random}, ndarray, "np")
_docs.apply(globals(), {"linalg": linalg, "random": random}, _docs.NP_EXAMPLES,
            _docs.SUMMARIES)


def _tuple_result(fn):
    def function(*args, **kwargs):
        return tuple(fn(*args, **kwargs))
    function.__name__, function.__doc__ = fn.__name__, fn.__doc__
    function.__signature__ = fn.__signature__
    return function


# Several outputs come as a list, except from these (tuples in MXNet, as in NumPy).
for _name in ("qr", "eigh", "svd"):
    setattr(linalg, _name, _tuple_result(getattr(linalg, _name)))
nonzero = _tuple_result(nonzero)  # noqa: F821  (generated)


def _where_or_nonzero(generated):
    def where(condition, x=None, y=None, **kwargs):
        if x is None and y is None:
            return nonzero(condition)
        return generated(condition, x, y, **kwargs)
    where.__doc__ = generated.__doc__ + """
    With ``condition`` alone it is ``np.nonzero(condition)``:

        >>> np.where(np.array([0., 3, 0, 5]))
        (array([1, 3], dtype=int64),)
    """
    where.__signature__ = generated.__signature__
    return where


where_ = where  # noqa: F821  (generated; the three-argument form, for copyto)
where = _where_or_nonzero(where_)


def _keeping_the_graph(generated, copies):
    """``np.array`` / ``np.asarray`` of ndgrad arrays (or of lists holding some that
    need a gradient, inside record()) are recorded: a copy (``array``) or the array
    itself (``asarray``), cast if ``dtype`` says so, stacked for lists."""
    def function(object, dtype=None, *args, **kwargs):
        if isinstance(object, ndarray) and not args and not kwargs.get("out"):
            result = object.copy() if copies and kwargs.get("copy", True) else object
            return result if dtype is None else result.astype(dtype, copy=False)
        if isinstance(object, (list, tuple)) and _interop._needs_grad(object):
            result = _stacked(object)
            return result if dtype is None else result.astype(dtype, copy=False)
        return generated(object, dtype, *args, **kwargs)
    function.__name__ = function.__qualname__ = generated.__name__
    function.__doc__, function.__signature__ = generated.__doc__, generated.__signature__
    function.__module__ = __name__
    return function


def _stacked(obj):
    if not isinstance(obj, (list, tuple)):
        return obj if isinstance(obj, ndarray) else array(obj)
    return stack([_stacked(item) for item in obj])  # noqa: F821  (generated)


array = _keeping_the_graph(array, copies=True)  # noqa: F821  (generated)
asarray = _keeping_the_graph(asarray, copies=False)  # noqa: F821  (generated)


def copyto(dst, src, casting="same_kind", where=True):
    """Copy ``src`` into ``dst`` (broadcast), where ``where`` holds; recorded like
    ``dst[...] = src``.

        >>> x = np.zeros(3)
        >>> np.copyto(x, np.array([1., 2., 3.]), where=np.array([True, False, True]))
        >>> x
        array([1., 0., 3.])
    """
    if not isinstance(dst, ndarray):
        raise TypeError(f"copyto: dst must be an ndgrad.np array, not "
                        f"{type(dst).__name__}")
    if where is True:
        dst[...] = src
    else:
        dst[...] = where_(where, src, dst)


_PAD_MODES = ("constant", "edge", "reflect")


def pad(array, pad_width, mode="constant", constant_values=0):
    """Pad every axis: ``pad_width`` is one int, one (before, after) pair or a pair
    per axis, as in NumPy; ``mode`` 'constant' (``constant_values``: one value, or
    pairs as pad_width), 'edge' or 'reflect'. Differentiable (nd's pad op, applied one
    axis at a time).

        >>> np.pad(np.array([1., 2.]), (1, 2), mode="edge")
        array([1., 1., 2., 2., 2.])
        >>> np.pad(np.ones((1, 2)), 1)
        array([[0., 0., 0., 0.],
               [0., 1., 1., 0.],
               [0., 0., 0., 0.]])
    """
    from ndgrad.ops.indexing import pad as pad_op
    if mode not in _PAD_MODES:
        raise NotImplementedError(f"pad: mode={mode!r} is not supported; "
                                  f"{', '.join(map(repr, _PAD_MODES))} are")
    if not isinstance(array, ndarray):
        array = asarray(array)
    widths = _onp.broadcast_to(_onp.asarray(pad_width, dtype=_onp.int64), (array.ndim, 2))
    if (widths < 0).any():
        raise ValueError(f"pad: pad_width {pad_width!r} has a negative width")
    values = _onp.broadcast_to(_onp.asarray(constant_values, dtype=_onp.float64),
                               (array.ndim, 2))
    out = array
    for axis, (before, after) in enumerate(widths.tolist()):
        if not before and not after:
            continue
        shape = out.shape
        # nd's pad pads the spatial axes of 5-d data: this axis between the others
        lead = int(_onp.prod(shape[:axis], dtype=_onp.int64))
        trail = int(_onp.prod(shape[axis + 1:], dtype=_onp.int64))
        steps = [(before, after)]
        if mode == "constant" and values[axis][0] != values[axis][1]:
            steps = [(before, 0), (0, after)]
        for k, (b, a) in enumerate(steps):
            value = float(values[axis][k if len(steps) > 1 else 0])
            five = reshape(out, (1, 1, lead, out.shape[axis], trail))  # noqa: F821
            padded = ndarray._finish(pad_op(five, mode=mode, constant_value=value,
                                            pad_width=(0, 0, 0, 0, 0, 0, b, a, 0, 0)))
            out = reshape(padded, shape[:axis] + (padded.shape[3],)  # noqa: F821
                          + shape[axis + 1:])
    return out if out is not array else array.copy()


def broadcast_arrays(*arrays):
    """The arrays broadcast against each other, as a list.

        >>> [a.shape for a in np.broadcast_arrays(np.ones((2, 1)), np.ones(3))]
        [(2, 3), (2, 3)]
    """
    shape = _onp.broadcast_shapes(*(a.shape for a in arrays))
    return [broadcast_to(a, shape) for a in arrays]  # noqa: F821  (generated)


__all__ += ["broadcast_arrays", "copyto", "pad"]  # noqa: F821  (compositions, not ops)
random.__all__.append("shuffle")

# NumPy's ndarray methods that are calls of the namespace's functions.
add_methods(ndarray, globals(), (
    "sum", "mean", "prod", "max", "min", "std", "var", "cumsum", "argmax", "argmin", "all",
    "any", "clip", "swapaxes", "squeeze", "ravel", "repeat", "dot", "sort", "argsort",
    "round"))
