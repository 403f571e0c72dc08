"""Ops that move data without arithmetic: reshape, transpose, broadcast, index, cast.

Each pair here is the other's transpose (reshape/reshape, broadcast_to/sum_to,
getitem/index_grad), which is what makes gradients of any order work.
"""
import math

import numpy as np

from ndgrad import _engine, _kernels
from ndgrad._engine import G, SELF, SHAPE, Call
from ndgrad.ops.axes import normalize_axes, normalize_axis
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc


# The forward is _kernels.reshape (compiled); this is its documentation.
_RESHAPE_DOC = """Reshape without copying where possible (the result shares memory). In
nd, ``shape`` may hold MXNet's codes (0 copies a dimension, -1 infers one, -2 copies
the rest, -3 merges two, -4 splits one into the next two values) and ``reverse``
matches them from the right.

    >>> nd.reshape(nd.arange(6), shape=(2, 3))
    [[0. 1. 2.]
     [3. 4. 5.]]
    >>> nd.reshape(nd.ones((2, 3, 4)), shape=(-1, 0)).shape
    (8, 3)
"""


def plain_shape(shape):
    """Whether ``shape`` is a tuple of positive ints: no MXNet codes, nothing to
    convert (the common case)."""
    return _kernels.plain_size(shape) >= 0


def mxnet_shape(src, shape, reverse=False):
    """Resolve MXNet's reshape codes against the source shape ``src``.

    0 copies a dimension, -1 infers one, -2 copies all remaining ones, -3 merges two,
    -4 splits one into the next two values (one of which may be -1). With
    ``reverse`` the codes are matched from the right.
    """
    plain = plain_shape(shape)
    if not plain:
        shape = (int(shape),) if type(shape) is int or np.ndim(shape) == 0 else tuple(
            [int(s) for s in shape])
        plain = all([s > 0 for s in shape])
    if plain:  # no codes: checked once
        if math.prod(shape) != math.prod(src):
            raise ValueError(f"reshape: cannot reshape an array of shape {tuple(src)} "
                             f"to {shape}")
        return shape
    if reverse:
        return tuple(reversed(mxnet_shape(tuple(reversed(src)), tuple(reversed(shape)))))
    out, i, k = [], 0, 0
    while k < len(shape):
        code = shape[k]
        if code == 0:
            out.append(src[i]); i += 1
        elif code == -1:
            out.append(-1); i += 1
        elif code == -2:
            out.extend(src[i:]); i = len(src)
        elif code == -3:
            out.append(src[i] * src[i + 1]); i += 2
        elif code == -4:
            a, b = shape[k + 1], shape[k + 2]
            a = src[i] // b if a == -1 else a
            b = src[i] // a if b == -1 else b
            out.extend((a, b)); i += 1; k += 2
        else:
            out.append(code); i += 1
        k += 1
    if out.count(-1) == 1:
        known = math.prod([d for d in out if d != -1])
        out[out.index(-1)] = math.prod(src) // max(known, 1)
    if math.prod(out) != math.prod(src) or -1 in out:
        raise ValueError(f"reshape: cannot reshape an array of shape {tuple(src)} to "
                         f"{shape} (resolved to {tuple(out)})")
    return tuple(out)


def _nd_reshape(data, shape=None, reverse=False):
    return (data,), {"shape": mxnet_shape(data.shape, shape, reverse)}


reshape = defop("reshape", _kernels.reshape, (Call(SELF, G, SHAPE),),
                nd=("reshape",), nd_args=_nd_reshape, doc=_RESHAPE_DOC,
                np=("reshape", "ravel", "squeeze"), npx=("reshape",),
                np_args={"reshape": npc.reshape, "ravel": npc.ravel, "squeeze": npc.squeeze},
                npx_args=npc.npx_reshape,
                save_inputs=False, view=True,
                test=GradTest("custom"))


def _transpose(data, axes=None):
    """Permute the axes (reverse them by default); the result shares memory.

        >>> nd.transpose(nd.array([[1, 2, 3]]))
        [[1.]
         [2.]
         [3.]]
        >>> nd.transpose(nd.ones((2, 3, 4)), axes=(2, 0, 1)).shape
        (4, 2, 3)
    """
    return data.T if axes is None else np.transpose(data, axes)  # .T: no Python call


def _inverse_axes(axes, ndim):
    if axes is None:
        return None
    return tuple(np.argsort([a % ndim for a in axes]).tolist())


transpose = defop("transpose", _transpose,
                  (lambda g, ans, x, axes=None: transpose(g, _inverse_axes(axes, x.ndim)),),
                  nd=("transpose",), nd_args=lambda data, axes=(): ((data,), {"axes": tuple(axes) or None}),
                  np=("transpose", "swapaxes", "moveaxis"),
                  np_args={"swapaxes": npc.swapaxes, "moveaxis": npc.moveaxis},
                  doc=_transpose.__doc__, save_inputs=False, view=True,
                  test=GradTest("elementwise"))


def _broadcast_to(data, shape):
    """Broadcast to ``shape`` (a read-only view; front ends copy it for users).

        >>> nd.broadcast_to(nd.array([[1, 2]]), shape=(2, 2))
        [[1. 2.]
         [1. 2.]]
    """
    return _kernels.broadcast_to(data, shape)


def _nd_broadcast_to(data, shape):
    # MXNet's 0 keeps the input's dimension (legacy shapes: 0 is "unknown")
    shape = (shape,) if np.ndim(shape) == 0 else tuple(int(d) for d in shape)
    if len(shape) == data.ndim:
        shape = tuple(d or n for d, n in zip(shape, data.shape))
    return (data,), {"shape": shape}


broadcast_to = defop("broadcast_to", _broadcast_to,
                     (lambda g, ans, x, shape: sum_to(g, x.shape),),
                     nd=("broadcast_to",), nd_args=_nd_broadcast_to,
                     np=("broadcast_to",), doc=_broadcast_to.__doc__,
                     save_inputs=False,
                     test=GradTest("custom"))
# Summing over broadcast axes is broadcast_to's transpose.
sum_to = defop("_sum_to", _kernels.sum_to,
               (lambda g, ans, x, shape: broadcast_to(g, x.shape),),
               save_inputs=False, test=GradTest("custom"))


def _expand_dims(data, axis):
    """Insert an axis of length one at ``axis``.

        >>> nd.expand_dims(nd.array([1, 2]), axis=0).shape
        (1, 2)
    """
    return np.expand_dims(data, normalize_axis("expand_dims", axis, data.shape,
                                               ndim=data.ndim + 1))


expand_dims = defop("expand_dims", _expand_dims,
                    (Call(reshape, G, SHAPE),), nd=("expand_dims",),
                    np=("expand_dims",),
                    doc=_expand_dims.__doc__, save_inputs=False, view=True,
                    test=GradTest("elementwise", kwargs={"axis": 0}))


def _astype(data, dtype):
    """Cast to ``dtype``; the gradient is cast back.

        >>> nd.cast(nd.array([1.7, -2.5]), dtype='int32')
        [ 1 -2]
    """
    return data.astype(dtype)


astype = defop("astype", _astype, (lambda g, ans, x, dtype: astype(g, x.dtype),),
               nd=("cast", "Cast"),
               nd_args=lambda data, dtype: ((data,), {"dtype": np.dtype(dtype)}),
               doc=_astype.__doc__, save_inputs=False,
               test=GradTest("elementwise", kwargs={"dtype": np.float64}))


def _copy(data):
    """A copy of the data that does not share memory.

        >>> nd.copy(nd.array([1, 2]))
        [1. 2.]
    """
    return data.copy()


copy = defop("copy", _copy, (lambda g, ans, x: g,), nd=("copy", "identity"), np=("copy",),
             doc=_copy.__doc__,
             save_inputs=False, test=GradTest("elementwise"))


def _getitem(data, index):
    """``data[index]`` with NumPy's rules; basic indexing gives a view."""
    out = data[index]
    if not isinstance(out, np.ndarray):  # all integers: a 0-d view, not a NumPy scalar
        out = data[(index if isinstance(index, tuple) else (index,)) + (Ellipsis,)]
    return out


def _is_basic(index):
    parts = index if isinstance(index, tuple) else (index,)
    return all(isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
               for p in parts)


def _index_grad(g, shape, index):
    """Zeros of ``shape`` with ``g`` added at ``index`` (repeated indices add up)."""
    out = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):  # no repeats possible: a plain assignment is enough
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


getitem = defop("getitem", _getitem,
                (lambda g, ans, x, index: index_grad(g, x.shape, index),),
                np=("flip",), np_args=npc.flip,
                doc=_getitem.__doc__, save_inputs=False, view=True,
                test=GradTest("custom"))
index_grad = defop("_index_grad", _index_grad,
                   (lambda g, ans, x, shape, index: getitem(g, index),),
                   inputs=("g",), doc=_index_grad.__doc__, save_inputs=False,
                   test=GradTest("custom"))


def _setitem_context(out, value=None):
    of_value = "" if value is None else f", value of shape {np.shape(value)}"
    return f"(x[key] = value with x of shape {out.shape}{of_value})"


def assign(out, index, value):
    """``out[index] = value`` (broadcast). As in MXNet, the value may have extra
    leading axes of length one: ``Y[i, j] = x.sum()``, where the sum has shape (1,),
    or a (1, 3) row into a (3,) slot; a (2, 1) value into a (2,) slot is an error.
    Errors name setitem and the shapes, and write nothing."""
    if (type(index) is slice and index.start is None and index.stop is None
            and index.step is None and type(value) is np.ndarray
            and value.shape == out.shape):
        slot = out.shape  # x[:] = y of x's shape (a parameter update): nothing to fit
    else:
        try:
            slot = np.shape(out[index])
        except (IndexError, TypeError) as e:
            raise type(e)(f"setitem: {e} {_setitem_context(out, value)}") from None
        extra = np.ndim(value) - len(slot)
        if extra > 0 and all(d == 1 for d in np.shape(value)[:extra]):
            value = np.reshape(value, np.shape(value)[extra:])
    try:
        out[index] = value
    except ValueError:
        raise ValueError(f"setitem: a value of shape {np.shape(value)} does not broadcast "
                         f"to the slot's shape {slot} {_setitem_context(out)}"
                         ) from None


def _setitem(data, value, index):
    """A copy of ``data`` with ``value`` written at ``index`` (broadcast)."""
    out = data.copy()
    assign(out, index, value)
    return out


def _value_grad(g, ans, x, v, index):
    gv = getitem(g, index)
    # A value with more dims than its slot was reshaped to fit (see assign).
    return reshape(gv, v.shape) if v.ndim > gv.ndim else gv


def _zero_at(g, index):
    """A copy of ``g`` with zeros at ``index``."""
    out = g.copy()
    out[index] = 0
    return out


setitem_op = defop("_setitem", _setitem,
                   (lambda g, ans, x, v, index: zero_at(g, index), _value_grad),
                   inputs=("data", "value"), doc=_setitem.__doc__, save_inputs=False,
                   test=GradTest("custom"))


def setitem(data, value, index):
    """The recorded ``data[index] = value`` (out of place): the op ``_setitem``, whose
    errors name setitem, what the user wrote, rather than the engine's op."""
    try:
        return setitem_op(data, value, index=index)
    except (IndexError, ValueError, TypeError) as e:
        msg = str(e)
        if not msg.startswith("_setitem: "):
            raise
        msg = msg[len("_setitem: "):]
        raise type(e)(msg if msg.startswith("setitem: ") else "setitem: " + msg) from None


zero_at = defop("_zero_at", _zero_at, (lambda g, ans, x, index: zero_at(g, index),),
                inputs=("g",), doc=_zero_at.__doc__, save_inputs=False,
                test=GradTest("custom"))

_engine.install(sum_to, astype)


# ---- MXNet's shape ops, as reshape / transpose / broadcast_to with its arguments ----
def _like(names, base, adapter, doc, test):
    """An op that is ``base`` with arguments built from MXNet's by ``adapter``; its
    nd ``names`` (the first names the op)."""
    names = (names,) if isinstance(names, str) else names
    return defop(names[0], base.forward, base.vjps, nd=names, nd_args=adapter, doc=doc,
                 save_inputs=False, view=base.view, test=test)


def _nd_flatten(data):
    return (data,), {"shape": (data.shape[0] if data.ndim else 1,
                               int(np.prod(data.shape[1:])))}


def _nd_squeeze(data, axis=None):
    axes = set(range(data.ndim) if axis is None else
               normalize_axes("squeeze", axis, data.shape))
    for a in axes:
        if axis is not None and data.shape[a] != 1:
            raise ValueError(f"squeeze: axis {a} of shape {data.shape} has length "
                             f"{data.shape[a]}, not 1")
    shape = tuple(d for i, d in enumerate(data.shape) if not (i in axes and d == 1))
    return (data,), {"shape": shape or (1,)}  # nd arrays are never 0-d


def _nd_reshape_like(lhs, rhs):
    if lhs.size != rhs.size:
        raise ValueError(f"reshape_like: cannot reshape {lhs.shape} to the shape "
                         f"{rhs.shape} of rhs (sizes differ)")
    return (lhs,), {"shape": rhs.shape}


def _nd_swapaxes(data, dim1=0, dim2=0):
    axes = list(range(data.ndim))
    a = normalize_axis("swapaxes", dim1, data.shape)
    b = normalize_axis("swapaxes", dim2, data.shape)
    axes[a], axes[b] = axes[b], axes[a]
    return (data,), {"axes": tuple(axes)}


def _broadcast_axes_shape(op, data, axis, size):
    axis = normalize_axes(op, axis, data.shape)
    size = (size,) if np.ndim(size) == 0 else tuple(size)
    if len(size) != len(axis):
        raise ValueError(f"{op}: {len(axis)} axes but {len(size)} sizes for data of "
                         f"shape {data.shape}")
    shape = list(data.shape)
    for a, n in zip(axis, size):
        if shape[a] != 1:
            raise ValueError(f"{op}: axis {a} of shape {data.shape} has length "
                             f"{shape[a]}; only length-1 axes can be broadcast")
        shape[a] = int(n)
    return tuple(shape)


def _nd_broadcast_axes(data, axis=(), size=()):
    return (data,), {"shape": _broadcast_axes_shape("broadcast_axis", data, axis, size)}


def _nd_broadcast_like(lhs, rhs, lhs_axes=None, rhs_axes=None):
    if lhs_axes is None:
        return (lhs,), {"shape": rhs.shape}
    rhs_axes = normalize_axes("broadcast_like", rhs_axes, rhs.shape, what="rhs")
    sizes = [rhs.shape[a] for a in rhs_axes]
    return (lhs,), {"shape": _broadcast_axes_shape("broadcast_like", lhs, lhs_axes, sizes)}


_ANY = GradTest("custom")
flatten = _like("flatten", reshape, _nd_flatten,
                "Collapse every axis but the first: shape (d0, d1*d2*...).\n\n"
                "    >>> nd.flatten(nd.ones((2, 3, 4))).shape\n    (2, 12)", _ANY)
squeeze = _like("squeeze", reshape, _nd_squeeze,
                "Remove the axes of length one (those of ``axis`` only, if given); an "
                "all-ones shape gives (1,).\n\n    >>> nd.squeeze(nd.ones((1, 2, 1))).shape"
                "\n    (2,)", _ANY)
reshape_like = _like("reshape_like", reshape, _nd_reshape_like,
                     "``lhs`` reshaped to the shape of ``rhs``.\n\n    >>> nd.reshape_like("
                     "nd.ones((2, 3)), nd.zeros((3, 2))).shape\n    (3, 2)", _ANY)
swapaxes = _like(("swapaxes", "SwapAxis"), transpose, _nd_swapaxes,
                 "Exchange axes ``dim1`` and ``dim2`` (a view).\n\n"
                 "    >>> nd.swapaxes(nd.ones((2, 3, 4)), 0, 2).shape\n    (4, 3, 2)",
                 GradTest("elementwise"))
broadcast_axes = _like(("broadcast_axes", "broadcast_axis"), broadcast_to,
                       _nd_broadcast_axes, "Broadcast the length-1 axes ``axis`` to "
                       "lengths ``size``.\n\n    >>> nd.broadcast_axis(nd.array([[1, 2]]), "
                       "axis=0, size=2)\n    [[1. 2.]\n     [1. 2.]]", _ANY)
broadcast_like = _like("broadcast_like", broadcast_to, _nd_broadcast_like,
                       "``lhs`` broadcast to the shape of ``rhs`` (or its ``lhs_axes`` to "
                       "the lengths of ``rhs_axes`` of rhs).\n\n    >>> nd.broadcast_like("
                       "nd.ones((1, 3)), nd.zeros((2, 3))).shape\n    (2, 3)", _ANY)


def _tile(data, reps):
    """``data`` repeated ``reps`` times along each axis (NumPy's tile).

        >>> nd.tile(nd.array([1, 2]), reps=(2,))
        [1. 2. 1. 2.]
    """
    return np.tile(data, reps)


def _tile_vjp(g, ans, x, reps):
    # tile is x of shape (1, d0, 1, d1, ...) broadcast to (r0, d0, r1, d1, ...).
    reps = (reps,) if np.ndim(reps) == 0 else tuple(reps)
    n = max(len(reps), x.ndim)
    reps = (1,) * (n - len(reps)) + reps
    dims = (1,) * (n - x.ndim) + tuple(x.shape)
    tiled = reshape(g, tuple(v for r, d in zip(reps, dims) for v in (r, d)))
    return reshape(sum_to(tiled, shape=tuple(v for d in dims for v in (1, d))), x.shape)


def _repeat(data, repeats, axis=None):
    """Each element repeated ``repeats`` times along ``axis`` (of the flattened array
    if None).

        >>> nd.repeat(nd.array([1, 2]), repeats=2)
        [1. 1. 2. 2.]
    """
    if axis is not None:
        axis = normalize_axis("repeat", axis, data.shape)
    return np.repeat(data, repeats, axis)


def _repeat_vjp(g, ans, x, repeats, axis=None):
    # repeat is x with a length-1 axis after ``axis`` broadcast to length ``repeats``.
    shape = (x.size,) if axis is None else x.shape
    ax = 0 if axis is None else axis % x.ndim
    copies = reshape(g, shape[:ax + 1] + (repeats,) + shape[ax + 1:])
    return reshape(sum_to(copies, shape=shape[:ax + 1] + (1,) + shape[ax + 1:]), x.shape)


tile = defop("tile", _tile, (_tile_vjp,), nd=("tile",), np=("tile",), doc=_tile.__doc__,
             save_inputs=False, test=GradTest("custom"))
repeat = defop("repeat", _repeat, (_repeat_vjp,), nd=("repeat",), np=("repeat",),
               doc=_repeat.__doc__,
               save_inputs=False, test=GradTest("custom"))


# ---- joining and splitting -------------------------------------------------------
def _check_num_args(name, data, num_args):
    """MXNet's ``num_args`` (optional here) must count the arrays given."""
    if num_args is not None and num_args != len(data):
        raise ValueError(f"{name}: num_args={num_args} but {len(data)} arrays were given")


def _concat(*data, dim=1, num_args=None):
    """Join arrays along axis ``dim`` (their other axes must agree).

        >>> nd.concat(nd.array([[1, 2]]), nd.array([[3]]), dim=1)
        [[1. 2. 3.]]
    """
    _check_num_args("concat", data, num_args)
    if not data:
        raise ValueError("concat: needs at least one array")
    shapes = [np.shape(d) for d in data]
    ax = normalize_axis("concat", dim, shapes[0])
    if any(len(s) != len(shapes[0]) or s[:ax] + s[ax + 1:] != shapes[0][:ax] +
           shapes[0][ax + 1:] for s in shapes):
        raise ValueError(f"concat: shapes {', '.join(map(str, shapes))} differ off "
                         f"axis {dim}")
    return np.concatenate(data, axis=ax)


def _concat_vjp(g, ans, *xs, argnums, dim=1, num_args=None):
    ax = dim % xs[0].ndim
    starts = np.cumsum([0] + [x.shape[ax] for x in xs]).tolist()
    lead = (slice(None),) * ax
    return [getitem(g, index=lead + (slice(starts[k], starts[k + 1]),)) for k in argnums]


def _stack(*data, axis=0, num_args=None):
    """Join arrays of one shape along a new axis ``axis``.

        >>> nd.stack(nd.array([1, 2]), nd.array([3, 4]))
        [[1. 2.]
         [3. 4.]]
    """
    _check_num_args("stack", data, num_args)
    shapes = [np.shape(d) for d in data]
    if not data or any(s != shapes[0] for s in shapes):
        raise ValueError(f"stack: needs arrays of one shape, got "
                         f"{', '.join(map(str, shapes)) or 'none'}")
    return np.stack(data, axis=normalize_axis("stack", axis, shapes[0],
                                              ndim=len(shapes[0]) + 1,
                                              what="arrays"))


def _stack_vjp(g, ans, *xs, argnums, axis=0, num_args=None):
    lead = (slice(None),) * (axis % (xs[0].ndim + 1))
    return [getitem(g, index=lead + (k,)) for k in argnums]


concat = defop("concat", _concat, (_concat_vjp,), inputs=("data",),
               nd=("concat", "Concat"), np=("concatenate", "vstack", "hstack"),
               np_args={"concatenate": npc.concatenate, "vstack": npc.vstack,
                        "hstack": npc.hstack},
               doc=_concat.__doc__, variadic=True,
               save_inputs=False, test=GradTest("custom"))
stack = defop("stack", _stack, (_stack_vjp,), inputs=("data",), nd=("stack",),
              np=("stack",), np_args=npc.stack,
              doc=_stack.__doc__, variadic=True, save_inputs=False,
              test=GradTest("custom"))


def _split(data, num_outputs, axis=1, squeeze_axis=False):
    """``num_outputs`` equal parts of ``data`` along ``axis`` (a list; one array if
    num_outputs is 1); ``squeeze_axis`` drops that axis (the parts must have length 1).

        >>> a, b = nd.split(nd.array([[1, 2], [3, 4]]), num_outputs=2, axis=0)
        >>> b
        <BLANKLINE>
        [[3. 4.]]
        <NDArray 1x2 @cpu(0)>
    """
    ax = normalize_axis("split", axis, data.shape)
    if num_outputs < 1 or data.shape[ax] % num_outputs:
        raise ValueError(f"split: axis {axis} of shape {data.shape} does not split into "
                         f"{num_outputs} equal parts")
    if squeeze_axis and data.shape[ax] != num_outputs:  # as MXNet: nothing to squeeze
        raise ValueError(f"split: squeeze_axis=True needs parts of length 1, but axis "
                         f"{axis} of shape {data.shape} has length {data.shape[ax]}, not "
                         f"num_outputs={num_outputs}")
    parts = np.split(data, num_outputs, axis=ax)
    if squeeze_axis:
        parts = [np.squeeze(p, ax) for p in parts]
    return tuple(parts) if num_outputs > 1 else parts[0]


def _split_vjp(g, ans, x, num_outputs, axis=1, squeeze_axis=False):
    ax = axis % x.ndim
    gs = g if num_outputs > 1 else (g,)
    if squeeze_axis:
        gs = [expand_dims(gi, axis=ax) for gi in gs]
    return concat(*gs, dim=ax)


split = defop("split", _split, (_split_vjp,), nd=("split", "SliceChannel"),
              doc=_split.__doc__, save_inputs=False, view=True, test=GradTest("custom"))


def _shape_array(data):
    """The shape of ``data`` as a 1-d int64 array.

        >>> nd.shape_array(nd.ones((2, 3)))
        [2 3]
    """
    return np.array(data.shape, dtype=np.int64)


def _size_array(data):
    """The number of elements of ``data`` as an int64 array of shape (1,).

        >>> nd.size_array(nd.ones((2, 3)))
        [6]
    """
    return np.array([data.size], dtype=np.int64)


shape_array = defop("shape_array", _shape_array, nd=("shape_array",),
                    doc=_shape_array.__doc__, differentiable=False)
size_array = defop("size_array", _size_array, nd=("size_array",),
                   doc=_size_array.__doc__, differentiable=False)


# ---- stop_gradient ---------------------------------------------------------------

def _stop_gradient(data):
    """The same values, passing no gradient back (MXNet's BlockGrad / stop_gradient;
    the gradient is zero, so backward still runs, as in MXNet).

        >>> x = nd.array([1, 2])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = nd.stop_gradient(x * 2) * x
        >>> y.backward()
        >>> x.grad
        <BLANKLINE>
        [2. 4.]
        <NDArray 2 @cpu(0)>
    """
    return data.view() if isinstance(data, np.ndarray) else np.asarray(data)


stop_gradient = defop("BlockGrad", _stop_gradient,
                      (lambda g, ans, x: g * 0,), nd=("BlockGrad", "stop_gradient"),
                      npx=("stop_gradient",), save_inputs=False, view=True,
                      doc=_stop_gradient.__doc__)
# (no generated gradient test: its gradient is zero on purpose, not the derivative of
# the identity; checked in tests/test_np_names.py)
