"""Ops that move data without arithmetic: reshape, transpose, broadcast, index, cast.

Each pair here is the other's transpose (reshape/reshape, broadcast_to/sum_to,
getitem/index_grad), which is what makes gradients of any order work.
"""
import numpy as np

from ndgrad import _engine, _kernels
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc


def _reshape(data, shape):
    """Reshape without copying where possible (the result shares memory)."""
    return np.reshape(data, shape)


def mxnet_shape(src, shape, reverse=False):
    """Resolve MXNet's reshape codes against the source shape ``src``.

    0 copies a dimension, -1 infers one, -2 copies all remaining ones, -3 merges two,
    -4 splits one into the next two values (one of which may be -1). With
    ``reverse`` the codes are matched from the right.
    """
    shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(s) for s in shape)
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
        known = int(np.prod([d for d in out if d != -1]))
        out[out.index(-1)] = int(np.prod(src)) // max(known, 1)
    if int(np.prod(out)) != int(np.prod(src)) or -1 in out:
        raise ValueError(f"reshape: cannot reshape an array of shape {tuple(src)} to "
                         f"{shape} (resolved to {tuple(out)})")
    return tuple(out)


def _nd_reshape(data, shape=None, reverse=False):
    return (data,), {"shape": mxnet_shape(data.shape, shape, reverse)}


reshape = defop("reshape", _reshape, (lambda g, ans, x, shape: reshape(g, x.shape),),
                nd=("reshape",), nd_args=_nd_reshape, doc=_reshape.__doc__,
                np=("reshape", "ravel", "squeeze"), npx=("reshape",),
                np_args={"reshape": npc.reshape, "ravel": npc.ravel, "squeeze": npc.squeeze},
                npx_args=npc.npx_reshape,
                save_inputs=False, view=True,
                test=GradTest("custom"))


def _transpose(data, axes=None):
    """Permute the axes (reverse them by default); the result shares memory."""
    return np.transpose(data, axes)


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
    """Broadcast to ``shape`` (a read-only view; front ends copy it for users)."""
    return np.broadcast_to(data, shape)


def _sum_to(data, shape):
    """Sum over broadcast axes so the result has ``shape``: broadcast_to's transpose."""
    return _kernels.sum_to(data, shape)


broadcast_to = defop("broadcast_to", _broadcast_to,
                     (lambda g, ans, x, shape: sum_to(g, x.shape),),
                     nd=("broadcast_to",), np=("broadcast_to",), doc=_broadcast_to.__doc__,
                     save_inputs=False,
                     test=GradTest("custom"))
sum_to = defop("_sum_to", _sum_to, (lambda g, ans, x, shape: broadcast_to(g, x.shape),),
               doc=_sum_to.__doc__, save_inputs=False, test=GradTest("custom"))


def _expand_dims(data, axis):
    """Insert an axis of length one at ``axis``."""
    return np.expand_dims(data, axis)


expand_dims = defop("expand_dims", _expand_dims,
                    (lambda g, ans, x, axis: reshape(g, x.shape),), nd=("expand_dims",),
                    np=("expand_dims",),
                    doc=_expand_dims.__doc__, save_inputs=False, view=True,
                    test=GradTest("elementwise", kwargs={"axis": 0}))


def _astype(data, dtype):
    """Cast to ``dtype``; the gradient is cast back."""
    return data.astype(dtype)


astype = defop("astype", _astype, (lambda g, ans, x, dtype: astype(g, x.dtype),),
               doc=_astype.__doc__, save_inputs=False,
               test=GradTest("elementwise", kwargs={"dtype": np.float64}))


def _copy(data):
    """A copy of the data that does not share memory."""
    return data.copy()


copy = defop("copy", _copy, (lambda g, ans, x: g,), nd=("copy",), np=("copy",),
             doc=_copy.__doc__,
             save_inputs=False, test=GradTest("elementwise"))


def _getitem(data, index):
    """``data[index]`` with NumPy's rules; basic indexing gives a view."""
    return data[index]


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
                doc=_getitem.__doc__, save_inputs=False, view=True,
                test=GradTest("custom"))
index_grad = defop("_index_grad", _index_grad,
                   (lambda g, ans, x, shape, index: getitem(g, index),),
                   inputs=("g",), doc=_index_grad.__doc__, save_inputs=False,
                   test=GradTest("custom"))


def assign(out, index, value):
    """``out[index] = value``, also for a one-element ``value`` into a scalar slot
    (MXNet's ``Y[i, j] = x.sum()``, where the sum has shape (1,))."""
    target = out[index].shape if np.ndim(value) > len(np.shape(out[index])) else None
    if target is not None and np.size(value) == int(np.prod(target)):
        value = np.reshape(value, target)
    out[index] = value


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


setitem = defop("_setitem", _setitem,
                (lambda g, ans, x, v, index: zero_at(g, index), _value_grad),
                inputs=("data", "value"), doc=_setitem.__doc__, save_inputs=False,
                test=GradTest("custom"))
zero_at = defop("_zero_at", _zero_at, (lambda g, ans, x, index: zero_at(g, index),),
                inputs=("g",), doc=_zero_at.__doc__, save_inputs=False,
                test=GradTest("custom"))

_engine.install(sum_to, astype)
