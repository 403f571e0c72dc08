"""The np flavour's conventions, shared by the ``np_args`` adapters of every ops module.

MXNet's np namespace makes float32 arrays by default (``np.arange(4)``,
``np.array([1, 2])``); ``npx.set_np(dtype=True)`` (MXNet 2's switch; 1.9.1 has none)
makes it NumPy's float64.
"""
import numpy as np

_mode = {"np_array": False, "float": np.dtype(np.float32)}


def set_mode(np_array, float64):
    _mode["np_array"] = bool(np_array)
    _mode["float"] = np.dtype(np.float64 if float64 else np.float32)


def is_np_array():
    return _mode["np_array"]


def default_float():
    """The dtype np creates floating-point arrays with: float32, or float64 after
    ``npx.set_np(dtype=True)``."""
    return _mode["float"]


def dtype_or_default(dtype):
    return default_float() if dtype is None else np.dtype(dtype)


def axis_tuple(axis):
    """NumPy's ``axis`` (None, an int, a tuple); MXNet also takes a list."""
    return tuple(axis) if isinstance(axis, list) else axis


def normalize_axis(axis, ndim, what):
    if not -ndim <= axis < ndim:
        raise ValueError(f"{what}: axis {axis} is out of range for an array with "
                         f"{ndim} dimensions")
    return axis % ndim


# ---- np_args adapters of ops defined in the shared modules -------------------------
# Each takes NumPy's (or MXNet np's) arguments and returns the op's (args, kwargs).

def array(object, dtype=None, copy=True):
    """An array from a (nested) list, a scalar, or a NumPy or ndgrad array. Lists and
    scalars make default-float arrays (as in MXNet); arrays keep their dtype.

        >>> np.array([1, 2])
        array([1., 2.])
    """
    if dtype is None and not hasattr(object, "dtype"):
        dtype = default_float()
    return (object,), {"dtype": dtype}


def arange(start, stop=None, step=1, dtype=None):
    return (start, stop, step), {"dtype": dtype_or_default(dtype)}


def of_shape(shape, dtype=None, order="C"):
    return (shape,), {"dtype": dtype_or_default(dtype)}


def full(shape, fill_value, dtype=None, order="C"):
    return (shape, fill_value), {"dtype": dtype_or_default(dtype)}


def _size(size):
    return () if size is None else size


def normal(loc=0.0, scale=1.0, size=None, dtype=None):
    return (), {"loc": loc, "scale": scale, "shape": _size(size),
                "dtype": dtype_or_default(dtype)}


def randn(*size):
    return (), {"shape": size, "dtype": default_float()}


def uniform(low=0.0, high=1.0, size=None, dtype=None):
    return (), {"low": low, "high": high, "shape": _size(size),
                "dtype": dtype_or_default(dtype)}


def rand(*size):
    return (), {"shape": size, "dtype": default_float()}


def randint(low, high=None, size=None, dtype=None):
    if high is None:
        low, high = 0, low
    return (low, high), {"shape": _size(size), "dtype": np.dtype(dtype or np.int64)}


def reshape(a, newshape, order="C"):
    if order != "C":
        raise ValueError(f"reshape: only order='C' is supported, not {order!r}")
    return (a,), {"shape": newshape}


def ravel(a, order="C"):
    return reshape(a, (-1,), order)


def squeeze(a, axis=None):
    """Remove axes of length one (all of them, or those in ``axis``).

        >>> np.squeeze(np.ones((1, 2, 1))).shape
        (2,)
    """
    if axis is None:
        axes = {i for i, d in enumerate(a.shape) if d == 1}
    else:
        axes = {normalize_axis(int(x), a.ndim, "squeeze")
                for x in ((axis,) if np.ndim(axis) == 0 else axis)}
        if any(a.shape[i] != 1 for i in axes):
            raise ValueError(f"squeeze: cannot remove axis {sorted(axes)} of an array "
                             f"of shape {a.shape}: it is not of length one")
    return (a,), {"shape": tuple(d for i, d in enumerate(a.shape) if i not in axes)}


def swapaxes(a, axis1, axis2):
    """Exchange two axes.

        >>> np.swapaxes(np.ones((1, 2, 3)), 0, 2).shape
        (3, 2, 1)
    """
    axes = list(range(a.ndim))
    i, j = (normalize_axis(x, a.ndim, "swapaxes") for x in (axis1, axis2))
    axes[i], axes[j] = axes[j], axes[i]
    return (a,), {"axes": tuple(axes)}


def moveaxis(a, source, destination):
    """Move axes to new positions; the others keep their order.

        >>> np.moveaxis(np.ones((1, 2, 3)), 0, -1).shape
        (2, 3, 1)
    """
    src = [source] if np.ndim(source) == 0 else list(source)
    dst = [destination] if np.ndim(destination) == 0 else list(destination)
    src = [normalize_axis(s, a.ndim, "moveaxis") for s in src]
    dst = [normalize_axis(d, a.ndim, "moveaxis") for d in dst]
    order = [i for i in range(a.ndim) if i not in src]
    for d, s in sorted(zip(dst, src)):
        order.insert(d, s)
    return (a,), {"axes": tuple(order)}


def dot(a, b):
    """NumPy's dot: the last axis of a with the second-to-last of b (the only one if
    b is 1-d); a scalar operand multiplies.

        >>> np.dot(np.ones((2, 3)), np.ones(3))
        array([3., 3.])
    """
    if a.ndim == 0 or b.ndim == 0:
        return (a, b), {"axes": 0}
    if b.ndim <= 2 and a.ndim <= 2:
        return (a, b), {"axes": 1}
    return (a, b), {"axes": ([a.ndim - 1], [max(b.ndim - 2, 0)])}


def inner(a, b):
    """Sum of products over the last axes of a and b.

        >>> np.inner(np.arange(3), np.arange(3))
        array(5.)
    """
    if a.ndim == 0 or b.ndim == 0:
        return (a, b), {"axes": 0}
    return (a, b), {"axes": ([a.ndim - 1], [b.ndim - 1])}


def _flat(x):
    from ndgrad.ops.shape import reshape as reshape_op
    return reshape_op(x, shape=(-1,))


def outer(a, b):
    """Every product of an element of a with one of b (both flattened).

        >>> np.outer(np.arange(2), np.arange(3)).shape
        (2, 3)
    """
    return (_flat(a), _flat(b)), {"axes": 0}


def vdot(a, b):
    """Sum of products of the flattened a and b.

        >>> np.vdot(np.arange(3), np.arange(3))
        array(5.)
    """
    return (_flat(a), _flat(b)), {"axes": 1}


def tensordot(a, b, axes=2):
    """Sum products over the last ``axes`` axes of a and the first of b, or over the
    axes paired in ``axes = (a_axes, b_axes)``.

        >>> np.tensordot(np.ones((2, 3)), np.ones((3, 2)), axes=1).shape
        (2, 2)
    """
    return (a, b), {"axes": axes}


def norm(x, ord=None, axis=None, keepdims=False):
    """The 2-norm (of the flattened array, or along ``axis``), the Frobenius norm of
    matrices and the 1-norm of vectors.

        >>> np.linalg.norm(np.array([3., 4.]))
        array(5.)
    """
    matrix = axis is None and x.ndim == 2 or np.ndim(axis) == 1 and len(axis) == 2
    if ord is None or ord == "fro" and matrix:
        ord = 2
    elif matrix or ord not in (1, 2):
        raise NotImplementedError(
            f"linalg.norm: ord={ord!r} is not supported yet; ord=None, 'fro' (matrices) "
            "and 1, 2 (vectors) are")
    return (x,), {"ord": ord, "axis": axis_tuple(axis), "keepdims": keepdims}


def _npx_shape(src, codes):
    out, i, k = [], 0, 0
    while k < len(codes):
        c = codes[k]
        if c == -2:
            out.append(src[i]); i += 1
        elif c == -3:
            if src[i] != 1:
                raise ValueError(f"npx.reshape: code -3 drops axis {i}, which has length "
                                 f"{src[i]}, not 1")
            i += 1
        elif c == -4:
            out.extend(src[i:]); i = len(src)
        elif c == -5:
            out.append(src[i] * src[i + 1]); i += 2
        elif c == -6:
            a, b = codes[k + 1], codes[k + 2]
            out.extend((src[i] // b if a == -1 else a, src[i] // a if b == -1 else b))
            i += 1; k += 2
        else:  # a length, or -1 (inferred by NumPy)
            out.append(c); i += 1
        k += 1
    return tuple(out)


def npx_reshape(a, newshape, reverse=False, order="C"):
    """Reshape with npx's codes: -1 infers, -2 copies a dimension, -3 drops one of
    length 1, -4 copies the rest, -5 merges two, -6 splits one into the next two
    values; ``reverse`` matches them from the right.

        >>> npx.reshape(np.ones((2, 3, 4)), (-2, -1)).shape
        (2, 12)
    """
    codes = (int(newshape),) if np.ndim(newshape) == 0 else tuple(int(c) for c in newshape)
    if reverse:
        shape = tuple(reversed(_npx_shape(tuple(reversed(a.shape)), codes[::-1])))
    else:
        shape = _npx_shape(a.shape, codes)
    return reshape(a, shape, order)


def concatenate(seq, axis=0):
    """Join arrays along an existing axis; ``axis=None`` joins them flattened.

        >>> np.concatenate([np.ones((2, 2)), np.zeros((1, 2))]).shape
        (3, 2)
    """
    if axis is None:
        return tuple(_flat(a) for a in seq), {"dim": 0}
    return tuple(seq), {"dim": axis}


def vstack(tup):
    """Join along the first axis, 1-d arrays as rows.

        >>> np.vstack([np.ones(2), np.zeros(2)]).shape
        (2, 2)
    """
    from ndgrad.ops.shape import reshape as reshape_op
    rows = tuple(a if a.ndim >= 2 else reshape_op(a, shape=(1, -1)) for a in tup)
    return rows, {"dim": 0}


def hstack(tup):
    """Join along the second axis (the first for 1-d arrays).

        >>> np.hstack([np.ones(2), np.zeros(3)]).shape
        (5,)
    """
    return tuple(tup), {"dim": 0 if all(a.ndim == 1 for a in tup) else 1}


def stack(arrays, axis=0):
    """Join arrays of one shape along a new axis.

        >>> np.stack([np.ones(2), np.zeros(2)], axis=1).shape
        (2, 2)
    """
    return tuple(arrays), {"axis": axis}


def where(condition, x, y):
    """Elements of x where ``condition`` holds, else of y, all three broadcast.

        >>> np.where(np.arange(3) > 0, np.arange(3), -1)
        array([-1.,  1.,  2.])
    """
    from ndgrad.ops.shape import broadcast_to
    shape = np.broadcast_shapes(np.shape(condition), np.shape(x), np.shape(y))
    grown = [v if np.shape(v) == shape or (k and np.ndim(v) == 0)
             else broadcast_to(v, shape=shape) for k, v in enumerate((condition, x, y))]
    return tuple(grown), {}


def flip(m, axis=None):
    """Reverse the order along every axis (or those in ``axis``); a view.

        >>> np.flip(np.arange(3))
        array([2., 1., 0.])
    """
    given = range(m.ndim) if axis is None else (axis,) if np.ndim(axis) == 0 else axis
    axes = {normalize_axis(a, m.ndim, "flip") for a in given}
    return (m,), {"index": tuple(slice(None, None, -1) if d in axes else slice(None)
                                 for d in range(m.ndim))}


def take(a, indices, axis=None, mode="raise"):
    """Elements (``axis`` None: of the flattened array) or slices along ``axis`` at
    ``indices``.

        >>> np.take(np.arange(6), np.array([1, 4]))
        array([1., 4.])
    """
    if axis is None:
        a, axis = _flat(a), 0
    return (a, indices), {"axis": axis, "mode": mode}


def argsort(a, axis=-1):
    """The positions (int64) that sort ``a`` along ``axis``.

        >>> np.argsort(np.array([3., 1, 2]))
        array([1, 2, 0], dtype=int64)
    """
    return (a,), {"axis": axis, "dtype": np.int64}


def eye(N, M=None, k=0, dtype=None):
    return (N, M or 0, k), {"dtype": dtype_or_default(dtype)}


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return (start, stop, num, endpoint), {"dtype": dtype_or_default(dtype)}
