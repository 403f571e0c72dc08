"""The np flavour's conventions, shared by the ``np_args`` adapters of every ops module.

MXNet's np namespace makes float32 arrays by default (``np.arange(4)``,
``np.array([1, 2])``); ``npx.set_np(dtype=True)`` (MXNet 2's switch; 1.9.1 has none)
makes it NumPy's float64.
"""
import numpy as np

from ndgrad.ops.axes import normalize_axis

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


def _sampling(name, params, size):
    """NumPy's sampling shapes: parameters (scalars or arrays) broadcast against each
    other and against ``size``, which is the whole shape of the result (the parameters'
    broadcast shape if None). Returns (params, shape) for the nd op, whose ``shape`` is
    per parameter element: array parameters come broadcast to the result's shape."""
    from ndgrad._engine import Array
    from ndgrad._state import flags
    for p in params:
        if (isinstance(p, Array) and flags.recording and p._node is not None
                and p._node.needs_grad):
            raise NotImplementedError(
                f"random.{name}: ndgrad has no gradient with respect to its parameters; "
                "sample standard values and transform them (loc + scale * "
                "np.random.normal(size=...), low + (high - low) * np.random.uniform("
                "size=...)) to differentiate")
    raw = [np.asarray(p) if np.ndim(p) else p for p in params]
    shape = np.broadcast_shapes(*(np.shape(p) for p in raw))
    out = shape if size is None else (
        (int(size),) if np.ndim(size) == 0 else tuple(int(d) for d in size))
    try:
        fits = np.broadcast_shapes(shape, out) == out
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(f"random.{name}: parameters of shape {shape} do not broadcast "
                         f"to size {out}")
    if not shape:
        return raw, out
    return [np.broadcast_to(p, out) if np.ndim(p) else p for p in raw], None


def normal(loc=0.0, scale=1.0, size=None, dtype=None):
    """Samples of the normal distribution N(loc, scale**2): ``size`` of them (the
    parameters broadcast against it), seeded by ``npx.random.seed``.

        >>> np.random.normal(np.zeros((2, 1)), np.ones(3)).shape
        (2, 3)
    """
    (loc, scale), shape = _sampling("normal", (loc, scale), size)
    return (), {"loc": loc, "scale": scale, "shape": shape,
                "dtype": dtype_or_default(dtype)}


def randn(*size):
    return (), {"shape": size, "dtype": default_float()}


def uniform(low=0.0, high=1.0, size=None, dtype=None):
    """Samples of the uniform distribution on [low, high): ``size`` of them (the
    parameters broadcast against it).

        >>> np.random.uniform(np.zeros(2), np.ones(2), size=(3, 2)).shape
        (3, 2)
    """
    (low, high), shape = _sampling("uniform", (low, high), size)
    return (), {"low": low, "high": high, "shape": shape,
                "dtype": dtype_or_default(dtype)}


def rand(*size):
    return (), {"shape": size, "dtype": default_float()}


def randint(low, high=None, size=None, dtype=None):
    """Random integers in [low, high) (or [0, low) without high), int64 unless
    ``dtype`` says otherwise; array bounds broadcast against ``size``.

        >>> np.random.randint(0, 10, size=(2, 3)).shape
        (2, 3)
    """
    if high is None:
        low, high = 0, low
    (low, high), _ = _sampling("randint", (low, high), None)
    shape = np.broadcast_shapes(np.shape(low), np.shape(high)) if size is None else size
    return (low, high), {"shape": shape, "dtype": np.dtype(dtype or np.int64)}


def reshape(a, shape=None, order="C", *, newshape=None, copy=None):
    """``a`` with a new ``shape`` (NumPy 2; ``newshape=`` is NumPy 1's name), one
    dimension of which may be -1 (inferred); shares memory where it can.

        >>> np.reshape(np.arange(6), (2, -1)).shape
        (2, 3)
    """
    if shape is None:
        shape = newshape
    if shape is None:
        raise TypeError("reshape: missing the shape argument")
    if order != "C":
        raise NotImplementedError(f"reshape: only order='C' is supported, not {order!r}")
    return (a,), {"shape": (int(shape),) if np.ndim(shape) == 0 else tuple(shape)}


def ravel(a, order="C"):
    """The elements as a 1-d array (sharing memory where it can).

        >>> np.ravel(np.ones((2, 3))).shape
        (6,)
    """
    return reshape(a, (-1,), order)


def squeeze(a, axis=None):
    """Remove axes of length one (all of them, or those in ``axis``).

        >>> np.squeeze(np.ones((1, 2, 1))).shape
        (2,)
    """
    if axis is None:
        axes = {i for i, d in enumerate(a.shape) if d == 1}
    else:
        axes = {normalize_axis("squeeze", x, a.shape)
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
    i, j = (normalize_axis("swapaxes", x, a.shape) for x in (axis1, axis2))
    axes[i], axes[j] = axes[j], axes[i]
    return (a,), {"axes": tuple(axes)}


def moveaxis(a, source, destination):
    """Move axes to new positions; the others keep their order.

        >>> np.moveaxis(np.ones((1, 2, 3)), 0, -1).shape
        (2, 3, 1)
    """
    src = [source] if np.ndim(source) == 0 else list(source)
    dst = [destination] if np.ndim(destination) == 0 else list(destination)
    src = [normalize_axis("moveaxis", s, a.shape) for s in src]
    dst = [normalize_axis("moveaxis", d, a.shape) for d in dst]
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
    da, db = np.ndim(a), np.ndim(b)
    if da == 0 or db == 0:
        return (a, b), {"axes": 0}
    if db <= 2 and da <= 2:
        return (a, b), {"axes": 1}
    return (a, b), {"axes": ([da - 1], [max(db - 2, 0)])}


def inner(a, b):
    """Sum of products over the last axes of a and b.

        >>> np.inner(np.arange(3), np.arange(3))
        array(5.)
    """
    da, db = np.ndim(a), np.ndim(b)
    if da == 0 or db == 0:
        return (a, b), {"axes": 0}
    return (a, b), {"axes": ([da - 1], [db - 1])}


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


def concatenate(arrays, axis=0, *, dtype=None):
    """Join arrays along an existing axis; ``axis=None`` joins them flattened.

        >>> np.concatenate([np.ones((2, 2)), np.zeros((1, 2))]).shape
        (3, 2)
    """
    arrays = [cast(a, dtype) for a in arrays]
    if axis is None:
        return tuple(_flat(a) for a in arrays), {"dim": 0}
    return tuple(arrays), {"dim": axis}


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


def where(condition, x=None, y=None):
    """Elements of x where ``condition`` holds, else of y, all three broadcast.

        >>> np.where(np.arange(3) > 0, np.arange(3), -1)
        array([-1.,  1.,  2.])
    """
    from ndgrad.ops.shape import broadcast_to
    shape = np.broadcast_shapes(np.shape(condition), np.shape(x), np.shape(y))

    def grown(v):
        return v if np.shape(v) == shape else broadcast_to(v, shape=shape)

    # nd's where takes x and y of the condition's shape, or one of them a scalar
    if np.ndim(x) == 0 and np.shape(y) == shape:
        return (grown(condition), x, y), {}
    if np.ndim(y) == 0 and np.shape(x) == shape:
        return (grown(condition), x, y), {}
    return (grown(condition), grown(x), grown(y)), {}


def flip(m, axis=None):
    """Reverse the order along every axis (or those in ``axis``); a view.

        >>> np.flip(np.arange(3))
        array([2., 1., 0.])
    """
    given = range(m.ndim) if axis is None else (axis,) if np.ndim(axis) == 0 else axis
    axes = {normalize_axis("flip", a, m.shape) for a in given}
    return (m,), {"index": tuple(slice(None, None, -1) if d in axes else slice(None)
                                 for d in range(m.ndim))}


def take(a, indices, axis=None, *, mode="raise"):
    """Elements (``axis`` None: of the flattened array) or slices along ``axis`` at
    ``indices``.

        >>> np.take(np.arange(6), np.array([1, 4]))
        array([1., 4.])
    """
    if axis is None:
        a, axis = _flat(a), 0
    return (a, indices), {"axis": axis, "mode": mode}


def argsort(a, axis=-1, kind=None, order=None, *, stable=None):
    """The positions (int64) that sort ``a`` along ``axis``.

        >>> np.argsort(np.array([3., 1, 2]))
        array([1, 2, 0], dtype=int64)
    """
    _not_supported("argsort", order=order)
    return (a,), {"axis": axis, "dtype": np.int64}


def eye(N, M=None, k=0, dtype=None):
    return (N, M or 0, k), {"dtype": dtype_or_default(dtype)}


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def linspace(start, stop, num=50, endpoint=True, dtype=None):
    return (start, stop, num, endpoint), {"dtype": dtype_or_default(dtype)}


# ---- NumPy's signatures for ops defined with nd's (attached in numpy_ops.py) ----------
# NumPy's names (``a``...) and positional order; options NumPy has and ndgrad does not
# compute raise NotImplementedError (so that NumPy's own function, called on an ndgrad
# array, falls back to NumPy outside record()).

def _not_supported(name, **options):
    given = [k for k, v in options.items() if v is not None]
    if given:
        raise NotImplementedError(f"{name}: {', '.join(k + '=' for k in given)} is not "
                                  "supported")


def cast(a, dtype):
    """``a`` in ``dtype`` (recorded for ndgrad arrays); ``a`` itself if dtype is None."""
    if dtype is None:
        return a
    if hasattr(a, "astype"):
        return a if np.dtype(dtype) == a.dtype else a.astype(dtype)
    return np.asarray(a, dtype=dtype)


def _reduce(name, a, axis, keepdims, initial=None, where=None):
    _not_supported(name, initial=initial, where=where)
    return (a,), {"axis": axis_tuple(axis), "keepdims": bool(keepdims)}


def sum_(a, axis=None, dtype=None, *, keepdims=False, initial=None, where=None):
    """Sum over ``axis`` (all axes by default, an int or a tuple), in ``dtype`` if
    given; integers keep their dtype (as in MXNet).

        >>> np.sum(np.array([[1., 2], [3, 4]]), axis=0)
        array([4., 6.])
    """
    return _reduce("sum", cast(a, dtype), axis, keepdims, initial, where)


def prod_(a, axis=None, dtype=None, *, keepdims=False, initial=None, where=None):
    """Product over ``axis`` (all axes by default), in ``dtype`` if given.

        >>> np.prod(np.array([[1., 2], [3, 4]]), axis=1)
        array([ 2., 12.])
    """
    return _reduce("prod", cast(a, dtype), axis, keepdims, initial, where)


def mean(a, axis=None, dtype=None, *, keepdims=False, where=None):
    """Arithmetic mean over ``axis`` (all axes by default), in ``dtype`` if given (else
    the default float dtype for integers, as in MXNet's np).

        >>> np.mean(np.array([[1., 2], [3, 4]]), axis=1)
        array([1.5, 3.5])
    """
    args, kwargs = _reduce("mean", a, axis, keepdims, where=where)
    if dtype is not None:
        kwargs["dtype"] = np.dtype(dtype)
    return args, kwargs


def amax(a, axis=None, *, keepdims=False, initial=None, where=None):
    """The largest element over ``axis`` (all axes by default); ties all get the
    gradient.

        >>> np.max(np.array([[1., 5], [3, 2]]), axis=0)
        array([3., 5.])
    """
    return _reduce("max", a, axis, keepdims, initial, where)


def amin(a, axis=None, *, keepdims=False, initial=None, where=None):
    """The smallest element over ``axis`` (all axes by default); ties all get the
    gradient.

        >>> np.min(np.array([[1., 5], [3, 2]]), axis=1)
        array([1., 2.])
    """
    return _reduce("min", a, axis, keepdims, initial, where)


def position(a, axis=None, *, keepdims=False):
    return (a,), {"axis": axis, "keepdims": bool(keepdims)}


def truth(a, axis=None, *, keepdims=False, where=None):
    return _reduce("all/any", a, axis, keepdims, where=where)


def sort(a, axis=-1, kind=None, order=None, *, stable=None):
    """The elements sorted along ``axis`` (of the flattened array if None); equal
    elements keep their order.

        >>> np.sort(np.array([[3., 1], [2, 4]]), axis=0)
        array([[2., 1.],
               [3., 4.]])
    """
    _not_supported("sort", order=order)
    return (a,), {"axis": axis}


def transpose(a, axes=None):
    """Permute the axes (reverse them by default); the result shares memory.

        >>> np.transpose(np.ones((1, 2, 3)), (1, 0, 2)).shape
        (2, 1, 3)
    """
    return (a,), {"axes": None if axes is None else tuple(axes)}


def expand_dims(a, axis):
    """Insert an axis of length one at ``axis``.

        >>> np.expand_dims(np.ones(2), 0).shape
        (1, 2)
    """
    return (a,), {"axis": axis}


def copy(a, order="K"):
    """A copy that shares no memory (recorded: differentiable).

        >>> np.copy(np.array([1., 2.]))
        array([1., 2.])
    """
    if not hasattr(a, "dtype"):  # a list or a scalar: a default-float array, as np.array
        return (np.asarray(a, dtype=default_float()),), {}
    return (a,), {}


def tile(A, reps):
    """``A`` repeated ``reps`` times along each axis (NumPy's tile).

        >>> np.tile(np.array([1., 2.]), 2)
        array([1., 2., 1., 2.])
    """
    return (A,), {"reps": reps}


def repeat(a, repeats, axis=None):
    """Each element repeated ``repeats`` times, along ``axis`` (of the flattened array
    if None).

        >>> np.repeat(np.array([1., 2.]), 2)
        array([1., 1., 2., 2.])
    """
    return (a,), {"repeats": repeats, "axis": axis}


def clip(a, a_min=None, a_max=None):
    """Limit the values to [a_min, a_max] (either may be None); the gradient is 1
    inside (ends included) and 0 outside, as in MXNet.

        >>> np.clip(np.array([-2., 0.5, 3.]), -1, 1)
        array([-1. ,  0.5,  1. ])
    """
    return (a, a_min, a_max), {}


def round_(a, decimals=0):
    return (a,), {"decimals": decimals}


def broadcast_to(array, shape):
    """``array`` broadcast to ``shape`` (a copy is made on the first write to it).

        >>> np.broadcast_to(np.array([1., 2.]), (2, 2))
        array([[1., 2.],
               [1., 2.]])
    """
    return (array,), {"shape": (int(shape),) if np.ndim(shape) == 0 else tuple(shape)}


def _like(name, a, dtype, shape):
    _not_supported(name, shape=shape)
    return (cast(a, dtype),), {}


def zeros_like(a, dtype=None, order="K", subok=True, shape=None):
    """Zeros with the shape and dtype (unless ``dtype`` is given) of ``a``.

        >>> np.zeros_like(np.array([1, 2], dtype="int32"), dtype="float32")
        array([0., 0.])
    """
    return _like("zeros_like", a, dtype, shape)


def ones_like(a, dtype=None, order="K", subok=True, shape=None):
    """Ones with the shape and dtype (unless ``dtype`` is given) of ``a``.

        >>> np.ones_like(np.zeros((2, 1)))
        array([[1.],
               [1.]])
    """
    return _like("ones_like", a, dtype, shape)


def empty_like(prototype, dtype=None, order="K", subok=True, shape=None):
    """An array with the shape and dtype (unless ``dtype`` is given) of ``prototype``
    (zero-filled in ndgrad).

        >>> np.empty_like(np.ones((2, 3))).shape
        (2, 3)
    """
    return _like("empty_like", prototype, dtype, shape)


def one_array(name, doc):
    """An adapter for a linalg op of one matrix argument ``a`` (NumPy's name)."""
    def adapter(a):
        return (a,), {}
    adapter.__name__, adapter.__doc__ = name, doc
    return adapter


def permutation(x):
    """A random permutation of ``arange(x)`` (an int), or a shuffled copy of ``x``
    along its first axis.

        >>> sorted(np.random.permutation(4).tolist())
        [0, 1, 2, 3]
    """
    return (x,), {}
