"""Reductions. Their VJPs broadcast the gradient back over the reduced axes."""
import math

import numpy as np

from ndgrad._engine import Array
from ndgrad.ops.elementwise import _zero_grad, equal, sign
from ndgrad.ops.axes import normalize_axes, normalize_axis
from ndgrad.ops.indexing import put_along, where
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.shape import broadcast_to, reshape

_REDUCE = GradTest("reduce")


def _kept_shape(shape, axis):
    """``shape`` with the reduced axes kept as length one."""
    if axis is None:
        return (1,) * len(shape)
    axes = {a % len(shape) for a in ((axis,) if np.ndim(axis) == 0 else axis)}
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


def _spread(g, x, axis):
    """Broadcast a reduction's gradient ``g`` back to the shape of its input ``x``."""
    return broadcast_to(reshape(g, _kept_shape(x.shape, axis)), x.shape)


def _count(x, axis):
    if axis is None:
        return x.size
    return x.size // max(1, math.prod(_kept_shape(x.shape, axis)))


def _sum(data, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes by default).

        >>> nd.sum(nd.array([[1, 2], [3, 4]]), axis=0)
        [4. 6.]
        >>> nd.sum(nd.array([[1, 2], [3, 4]]))
        [10.]
    """
    # Integers keep their dtype, as in MXNet (NumPy widens int32 to int64); bools count
    # in int64.
    dtype = data.dtype if data.dtype.kind in "iu" else None
    return np.sum(data, axis=axis, keepdims=keepdims, dtype=dtype)


def _mean(data, axis=None, keepdims=False, dtype=None):
    """Arithmetic mean over ``axis`` (all axes by default), in ``dtype`` if given (nd
    keeps an integer array's dtype, as MXNet: the mean of int32 [1, 2, 4] is [2]).

        >>> nd.mean(nd.array([[1, 2], [3, 4]]), axis=1)
        [1.5 3.5]
        >>> nd.mean(nd.array([1, 2, 4], dtype='int32'))
        [2]
    """
    if dtype is None and type(data) is np.ndarray and data.dtype.char in "fd" and data.size:
        # np.mean's own two steps for a float array, without its Python layers (which
        # cost several times the sum itself on a batch of losses).
        total = np.add.reduce(data, axis=axis, keepdims=keepdims)
        count = data.size // total.size
        if type(total) is np.ndarray:
            return np.true_divide(total, count, out=total)
        return total.dtype.type(total / count)
    return np.mean(data, axis=axis, keepdims=keepdims, dtype=dtype)


def _norm(data, ord=2, axis=None, keepdims=False):
    """The L2 norm (``ord=1``: the L1 norm) over ``axis`` (of the flattened array by
    default).

        >>> nd.norm(nd.array([[1, -2], [3, 4]]), ord=1, axis=1)
        [3. 7.]
    """
    if ord == 1:
        return np.sum(np.abs(data), axis=axis, keepdims=keepdims)
    with np.errstate(over="ignore"):  # an overflow is mended below
        out = np.sqrt(np.sum(np.square(data), axis=axis, keepdims=keepdims))
    if np.isinf(out).any():
        # The squares overflowed (1e30 in float32, 300 in float16) or an element is
        # infinite: those norms again with the elements divided by their largest.
        top = np.max(np.abs(data), axis=axis, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):
            scaled = top * np.sqrt(np.sum(np.square(data / top), axis=axis,
                                          keepdims=True))
        scaled = np.where(np.isinf(top), top, scaled).reshape(out.shape)
        out = np.where(np.isinf(out), scaled, out)
    return out


def _norm_vjp(g, ans, x, ord=2, axis=None, keepdims=False):
    if ord == 1:
        return _spread(g, x, axis) * sign(x)
    # At a zero norm the subgradient 0 is used (the formula would give 0/0; MXNet
    # gives nan).
    safe = ans + (ans == 0)
    return _spread(g / safe, x, axis) * x


def _axis_tuple(axis):
    if axis is None:
        return ()
    return (int(axis),) if np.ndim(axis) == 0 else tuple(int(a) for a in axis)


def _reduced_axes(op, data, axis, exclude=False):
    """MXNet's reduction axes: ``axis=()`` is every axis; ``exclude=True`` reduces
    every axis except those given."""
    if axis is None and not exclude:
        return None
    given = normalize_axes(op, _axis_tuple(axis), data.shape)
    if exclude:
        return tuple(a for a in range(data.ndim) if a not in given)
    return given or None


def _nd_axes_of(op):
    """The nd adapter of reduction ``op``: MXNet's axis, keepdims and exclude."""
    def adapter(data, axis=None, keepdims=False, exclude=False):
        return (data,), {"axis": _reduced_axes(op, data, axis, exclude),
                         "keepdims": keepdims}
    return adapter


def _nd_norm(data, ord=2, axis=None, keepdims=False):
    if ord not in (1, 2):
        raise ValueError(f"norm: ord must be 1 or 2 (as in MXNet), not {ord!r}")
    return (data,), {"ord": ord, "axis": _reduced_axes("norm", data, axis),
                     "keepdims": keepdims}


sum = defop("sum", _sum, (lambda g, ans, x, axis=None, keepdims=False: _spread(g, x, axis),),
            nd=("sum",), nd_args=_nd_axes_of("sum"), np=("sum",), doc=_sum.__doc__, save_inputs=False,
            test=_REDUCE)
def _nd_mean(data, axis=None, keepdims=False, exclude=False):
    args, kwargs = _nd_axes_of("mean")(data, axis, keepdims, exclude)
    if np.dtype(data.dtype).kind in "iu":
        kwargs["dtype"] = np.dtype(data.dtype)
    return args, kwargs


mean = defop("mean", _mean,
             # Divided before it is spread: the gradient stays a broadcast, not a
             # full array (one pass fewer below a mean of a large array).
             (lambda g, ans, x, axis=None, keepdims=False, dtype=None:
              _spread(g / _count(x, axis), x, axis),),
             nd=("mean",), nd_args=_nd_mean, np=("mean",), doc=_mean.__doc__,
             save_inputs=False,
             test=_REDUCE)
norm = defop("norm", _norm, (_norm_vjp,), nd=("norm",), nd_args=_nd_norm,
             np=("linalg.norm",), np_args=npc.norm,
             doc=_norm.__doc__, save_output=True,
             test=GradTest("custom", avoid=(0.0,)))


def _extreme_vjp(g, ans, x, axis=None, keepdims=False):
    # As in MXNet, every element equal to the max (min) gets the whole gradient:
    # ties are not split.
    return _spread(g, x, axis) * equal(x, _spread(ans, x, axis))


def _prod_vjp(g, ans, x, axis=None, keepdims=False):
    # prod / x, as MXNet computes it: nan where x is 0 (the product of the others
    # would be exact; MXNet's formula is kept so that results match it).
    return _spread(g * ans, x, axis) / x


def _nanprod_vjp(g, ans, x, axis=None, keepdims=False):
    valid = equal(x, x)  # 0 at nan, where the gradient is 0
    return where(valid, _spread(g * ans, x, axis) / where(valid, x, 1 - valid), valid)


def _reduction(name, fn, vjp, doc, test=_REDUCE, np_names=(), **flags):
    def forward(data, axis=None, keepdims=False):
        # in data's dtype, as in MXNet (NumPy's prod makes int32 int64)
        return np.asarray(fn(data, axis=axis, keepdims=keepdims)).astype(data.dtype,
                                                                       copy=False)
    forward.__doc__ = doc
    return defop(name, forward, (vjp,), nd=(name,), nd_args=_nd_axes_of(name), doc=doc,
                 test=test, np=np_names, **flags)


max_ = _reduction("max", np.max, _extreme_vjp, "The largest element over ``axis`` (all "
                 "axes by default); ties all get the gradient.\n\n"
                 "    >>> nd.max(nd.array([[1, 5], [3, 2]]), axis=0)\n    [3. 5.]",
                 test=GradTest("custom"), np_names=("max", "amax"), save_output=True)
min_ = _reduction("min", np.min, _extreme_vjp, "The smallest element over ``axis``; ties "
                 "all get the gradient.\n\n    >>> nd.min(nd.array([[1, 5], [3, 2]]), "
                 "axis=1)\n    [1. 2.]", test=GradTest("custom"),
                 np_names=("min", "amin"), save_output=True)
prod = _reduction("prod", np.prod, _prod_vjp, "The product over ``axis`` (all axes by "
                  "default). Its gradient is prod / x, nan where x is 0, as in MXNet."
                  "\n\n    >>> nd.prod(nd.array([[1, 2], [3, 4]]), axis=0)\n    [3. 8.]",
                  test=GradTest("reduce", domain=((0.5, 1.5),)), np_names=("prod",),
                  save_output=True)
nansum = _reduction("nansum", np.nansum,
                    lambda g, ans, x, axis=None, keepdims=False:
                        _spread(g, x, axis) * equal(x, x),
                    "The sum over ``axis``, nan counted as 0 (and given gradient 0).\n\n"
                    "    >>> nd.nansum(nd.array([1, float('nan'), 2]))\n    [3.]")
nanprod = _reduction("nanprod", np.nanprod, _nanprod_vjp,
                     "The product over ``axis``, nan counted as 1 (and given gradient 0)."
                     "\n\n    >>> nd.nanprod(nd.array([2, float('nan'), 3]))\n    [6.]",
                     test=GradTest("reduce", domain=((0.5, 1.5),)), save_output=True)


# ---- positions: argmax, sort, topk --------------------------------------------------
def _raw(x):
    """The data of a saved input (positions are computed on data, never recorded)."""
    return x._data if isinstance(x, Array) else x


def _nd_position_axis(op):
    def adapter(data, axis=None, keepdims=False):
        if axis is not None:
            axis = normalize_axis(op, axis, data.shape)
        return (data,), {"axis": axis, "keepdims": keepdims}
    return adapter


def _arg_extreme(fn):
    def forward(data, axis=None, keepdims=False):
        out = fn(data, axis=axis, keepdims=keepdims)
        return np.asarray(out).astype(data.dtype)  # MXNet: in the input's dtype
    return forward


# Registered as _argmax / _argmin: the np namespace's argmax (int64, no gradient) is
# another op.
argmax = defop("_argmax", _arg_extreme(np.argmax), (_zero_grad,), nd=("argmax",),
               nd_args=_nd_position_axis("argmax"), test=GradTest("custom"),
               doc="The index of the largest element along ``axis`` (of the flattened "
                   "array if None), in the input's dtype; the first one on ties. Its "
                   "gradient is zero.\n\n    >>> nd.argmax(nd.array([[1, 5], [3, 2]]), "
                   "axis=1)\n    [1. 0.]")
argmin = defop("_argmin", _arg_extreme(np.argmin), (_zero_grad,), nd=("argmin",),
               nd_args=_nd_position_axis("argmin"), test=GradTest("custom"),
               doc="The index of the smallest element along ``axis``, in the input's "
                   "dtype. Its gradient is zero.\n\n    >>> nd.argmin(nd.array([[1, 5], "
                   "[3, 2]]), axis=1)\n    [0. 1.]")


def _order(data, axis, is_ascend):
    """Positions that sort ``data`` along ``axis``; equal elements keep their order
    (as in MXNet, also when descending)."""
    if is_ascend:
        return np.argsort(data, axis=axis, kind="stable")
    if data.dtype.kind in "fc":
        return np.argsort(-data, axis=axis, kind="stable")
    # Integers and bools do not negate (unsigned wrap, INT_MIN is its own negative):
    # the ascending order of the reversed data, reversed, keeps ties in order too.
    flip = np.flip(data, axis)
    return data.shape[axis] - 1 - np.flip(np.argsort(flip, axis=axis, kind="stable"), axis)


def _flat(op, data, axis):
    """``data`` and the axis to work along: the flattened data's if axis is None."""
    if axis is None:
        return data.reshape(-1), 0
    return data, normalize_axis(op, axis, data.shape)


def _sort(data, axis=-1, is_ascend=True):
    """The elements sorted along ``axis`` (of the flattened array if None).

        >>> nd.sort(nd.array([3, 1, 2]), is_ascend=False)
        [3. 2. 1.]
    """
    data, ax = _flat("sort", data, axis)
    return np.take_along_axis(data, _order(data, ax, is_ascend), ax)


def _sort_vjp(g, ans, x, axis=-1, is_ascend=True):
    flat, ax = _flat("sort", _raw(x), axis)
    put = put_along(g, indices=_order(flat, ax, is_ascend), axis=ax, shape=flat.shape)
    return reshape(put, x.shape)


def _argsort(data, axis=-1, is_ascend=True, dtype="float32"):
    """The positions that sort ``data`` along ``axis`` (float32 unless ``dtype``); equal
    elements keep their order. Its gradient is zero.

        >>> nd.argsort(nd.array([3, 1, 2]))
        [1. 2. 0.]
    """
    data, ax = _flat("argsort", data, axis)
    return _order(data, ax, is_ascend).astype(dtype)


def _topk_positions(data, axis, k, is_ascend):
    flat, ax = _flat("topk", data, axis)
    if k < 1:  # MXNet: every element, sorted
        k = flat.shape[ax]
    elif k > flat.shape[ax]:
        raise ValueError(f"topk: k={k} is more than the {flat.shape[ax]} elements along "
                         f"axis {axis} of shape {data.shape} (k < 1 takes them all)")
    return flat, ax, np.take(_order(flat, ax, is_ascend), np.arange(k), axis=ax)


def _topk(data, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    """The ``k`` largest (``is_ascend``: smallest) elements along ``axis`` (of the
    flattened array if None): their positions (``ret_typ='indices'``, float32 unless
    ``dtype``), their values ('value'), both ('both': [values, positions]) or a 0/1
    mask of them ('mask'). Equal elements are taken in order; ``k < 1`` takes all.

        >>> nd.topk(nd.array([[3, 1, 2], [1, 5, 4]]), k=2, ret_typ='value')
        [[3. 2.]
         [5. 4.]]
    """
    if ret_typ not in ("indices", "value", "both", "mask"):
        raise ValueError(f"topk: ret_typ must be 'indices', 'value', 'both' or 'mask', "
                         f"not {ret_typ!r}")
    flat, ax, pos = _topk_positions(data, axis, k, is_ascend)
    if ret_typ == "mask":
        mask = np.zeros_like(flat)
        np.put_along_axis(mask, pos, 1, ax)
        return mask.reshape(data.shape)
    if ret_typ == "indices":
        return pos.astype(dtype)
    values = np.take_along_axis(flat, pos, ax)
    return (values, pos.astype(dtype)) if ret_typ == "both" else values


def _topk_vjp(g, ans, x, axis=-1, k=1, ret_typ="indices", is_ascend=False,
              dtype="float32"):
    if ret_typ in ("indices", "mask"):
        return _zero_grad(g, ans, x)
    flat, ax, pos = _topk_positions(_raw(x), axis, k, is_ascend)
    g = g[0] if ret_typ == "both" else g
    return reshape(put_along(g, indices=pos, axis=ax, shape=flat.shape), x.shape)


sort = defop("sort", _sort, (_sort_vjp,), nd=("sort",), np=("sort",), doc=_sort.__doc__,
             test=GradTest("custom"))
argsort = defop("argsort", _argsort, (_zero_grad,), nd=("argsort",), np=("argsort",),
                np_args=npc.argsort,
                doc=_argsort.__doc__, test=GradTest("custom"))
topk = defop("topk", _topk, (_topk_vjp,), nd=("topk",), npx=("topk",), doc=_topk.__doc__,
             test=GradTest("custom"))
