"""Indexing ops: gather values by index (take, pick, gather_nd, slices, pad...) and
their transposes, which scatter a gradient back (repeated indices add up).

Indices are data, never differentiated: VJPs read them with ``_indices`` and pass them
to the scatter/gather partner op as keyword arguments, so every gradient here is again
made of these ops and differentiable to any order.
"""
import numpy as np

from ndgrad import _kernels
from ndgrad._engine import Array
from ndgrad.ops.axes import AxisError, normalize_axes, normalize_axis
from ndgrad.ops.creation import zeros_like
from ndgrad.ops.elementwise import _zero_grad
from ndgrad.ops import np_conventions as npc
from ndgrad.ops.registry import GradTest, defop
from ndgrad.ops.shape import getitem, index_grad, reshape


def _indices(x):
    """The raw data of an index array (an ndgrad array, NumPy array or list)."""
    if type(x) is np.ndarray:  # what forwards get: nothing to convert
        return x
    return np.asarray(x._data if isinstance(x, Array) else x)


def _lanes(name, index, shape, axis, mode):
    """Integer positions along ``axis`` of ``shape`` from (float) ``index``: 'clip'
    clamps to [0, n-1], 'wrap' wraps around, 'raise' refuses positions out of range."""
    n = shape[axis]
    idx = _indices(index).astype(np.int64)  # a copy; float indices truncate, as in MXNet
    if mode == "clip":  # in place, two ufuncs: np.clip costs several times more
        np.maximum(idx, 0, out=idx)
        return np.minimum(idx, n - 1, out=idx)
    if mode == "wrap":
        return np.mod(idx, n)
    if mode == "raise":
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise IndexError(f"{name}: index {idx[bad][0]} is out of bounds for axis "
                             f"{axis} with size {n} (shape {tuple(shape)})")
        return idx
    raise ValueError(f"{name}: mode must be 'clip', 'wrap' or 'raise', not {mode!r}")


# ---- along one axis, one index per lane (sort, topk, pick) ------------------------
def _take_along(data, indices, axis):
    """``data`` gathered at ``indices`` along ``axis`` (NumPy's take_along_axis)."""
    return np.take_along_axis(data, indices, axis)


def _along(indices, axis):
    """The fancy index of positions ``indices`` along ``axis`` in every lane, for
    ``indices`` of the full shape but along ``axis`` (take_along_axis's, built without
    its Python-level checks: several times cheaper on a batch of labels)."""
    last = indices.ndim - 1
    return tuple(indices if d == axis else np.arange(n).reshape((n,) + (1,) * (last - d))
                 for d, n in enumerate(indices.shape))


def _put_along(g, indices, axis, shape):
    """Zeros of ``shape`` with ``g`` added at ``indices`` along ``axis``."""
    axis %= len(shape)
    if axis == len(shape) - 1 and indices.shape[axis] == 1:
        out = _kernels.scatter_last(g, indices, shape)
        if out is not None:
            return out
    out = np.zeros(shape, dtype=g.dtype)
    where = _along(indices, axis)
    if indices.shape[axis] == 1:  # one position per lane (pick): nothing to add up
        out[where] = g
    else:  # NumPy's put_along_axis assigns, so repeated positions would not add
        np.add.at(out, where, g)
    return out


take_along = defop("_take_along", _take_along,
                   (lambda g, ans, x, indices, axis: put_along(g, indices=indices,
                                                               axis=axis, shape=x.shape),),
                   doc=_take_along.__doc__, save_inputs=False, test=GradTest("custom"))
put_along = defop("_put_along", _put_along,
                  (lambda g, ans, x, indices, axis, shape: take_along(g, indices=indices,
                                                                      axis=axis),),
                  inputs=("g",), doc=_put_along.__doc__, save_inputs=False,
                  test=GradTest("custom"))


def _pick(data, index, axis=-1, keepdims=False, mode="clip"):
    """From each lane along ``axis``, the element at ``index`` (float indices are
    truncated; ``mode`` 'clip' or 'wrap' handles those out of range).

        >>> nd.pick(nd.array([[1, 2], [3, 4]]), nd.array([0, 1]))
        [1. 4.]
    """
    ax = normalize_axis("pick", axis, data.shape)
    want = data.shape[:ax] + data.shape[ax + 1:]
    idx = np.asarray(index)
    if idx.shape != want and idx.shape != want[:ax] + (1,) + want[ax:]:
        raise ValueError(f"pick: index shape {idx.shape} does not match data shape "
                         f"{data.shape} without axis {axis} ({want})")
    kept = want[:ax] + (1,) + want[ax:]
    idx = _lanes("pick", idx, data.shape, ax, mode)
    if ax == data.ndim - 1:
        out = _kernels.gather_last(data, idx)
        if out is not None:
            return out.reshape(kept) if keepdims else out
    out = data[_along(idx.reshape(kept), ax)]
    return out if keepdims else out.reshape(want)


def _pick_vjp(g, ans, x, index, axis=-1, keepdims=False, mode="clip"):
    ax = axis % x.ndim
    kept = x.shape[:ax] + (1,) + x.shape[ax + 1:]
    idx = _lanes("pick", index, x.shape, ax, mode).reshape(kept)
    return put_along(reshape(g, kept), indices=idx, axis=ax, shape=x.shape)


pick = defop("pick", _pick, (_pick_vjp, None), inputs=("data", "index"), nd=("pick",),
             npx=("pick",),
             doc=_pick.__doc__, test=GradTest("custom"))


# ---- take / one_hot -------------------------------------------------------------
def _take(a, indices, axis=0, mode="clip"):
    """Slices of ``a`` along ``axis`` at ``indices`` (any shape; float indices are
    truncated; ``mode`` 'clip', 'wrap' or 'raise' for those out of range).

        >>> nd.take(nd.array([[1, 2], [3, 4]]), nd.array([1, 1, 0]))
        [[3. 4.]
         [3. 4.]
         [1. 2.]]
    """
    ax = normalize_axis("take", axis, a.shape)
    if mode == "clip":  # NumPy's own clip mode is _lanes', without its copy and passes
        return a.take(_indices(indices).astype(np.int64, copy=False), axis=ax, mode="clip")
    return np.take(a, _lanes("take", indices, a.shape, ax, mode), axis=ax)


def _take_grad(g, indices, axis, shape):
    """Zeros of ``shape`` with the slices of ``g`` added back at ``indices`` along
    ``axis``: take's transpose (repeated indices add up)."""
    out = np.zeros(shape, dtype=g.dtype)
    moved = np.moveaxis(out, axis, 0)  # a view: writes land in out
    lead = indices.ndim
    np.add.at(moved, indices, np.moveaxis(g, tuple(range(axis, axis + lead)),
                                          tuple(range(lead))))
    return out


def _take_vjp(g, ans, a, indices, axis=0, mode="clip"):
    ax = axis % a.ndim
    return take_grad(g, indices=_lanes("take", indices, a.shape, ax, mode), axis=ax,
                     shape=a.shape)


take = defop("take", _take, (_take_vjp, None), inputs=("a", "indices"), nd=("take",),
             np=("take",), np_args=npc.take, fast=_kernels.take_rows,
             doc=_take.__doc__, test=GradTest("custom"))
take_grad = defop("_take_grad", _take_grad,
                  (lambda g, ans, x, indices, axis, shape: take(g, indices, axis=axis),),
                  inputs=("g",), doc=_take_grad.__doc__, save_inputs=False,
                  test=GradTest("custom"))


def _one_hot(indices, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    """A new last axis of length ``depth``: ``on_value`` at each index, ``off_value``
    elsewhere (indices outside [0, depth) give a row of ``off_value``).

        >>> nd.one_hot(nd.array([0, 2]), 3)
        [[1. 0. 0.]
         [0. 0. 1.]]
    """
    idx = np.trunc(np.asarray(indices)).astype(np.int64)
    hot = idx[..., None] == np.arange(int(depth))
    return np.where(hot, on_value, off_value).astype(dtype)


# A zero gradient, as in MXNet (tested where truncation keeps every index at 0).
one_hot = defop("one_hot", _one_hot, (_zero_grad,), inputs=("indices",),
                nd=("one_hot",), npx=("one_hot",), doc=_one_hot.__doc__,
                test=GradTest("elementwise", domain=((0.2, 0.8),), kwargs={"depth": 2}))


# ---- where, gather_nd, scatter_nd ------------------------------------------------
def _where(condition, x, y):
    """``x`` where ``condition`` is non-zero, else ``y``. ``condition`` has x's shape,
    or is 1-d and picks whole rows (x.shape[0] entries); x and y have one shape.

        >>> nd.where(nd.array([1, 0]), nd.array([1, 2]), nd.array([3, 4]))
        [1. 4.]
    """
    cond, x, y = np.asarray(condition), np.asarray(x), np.asarray(y)
    if x.shape != y.shape and x.ndim and y.ndim:
        raise ValueError(f"where: x and y must have the same shape, got {x.shape} and "
                         f"{y.shape}")
    shape = x.shape if x.ndim else y.shape
    if cond.shape != shape:
        if cond.ndim != 1 or not shape or cond.shape[0] != shape[0]:
            raise ValueError(f"where: condition shape {cond.shape} must equal the shape "
                             f"of x {shape}, or be 1-d of length {shape[:1]}")
        cond = cond.reshape(cond.shape + (1,) * (len(shape) - 1))
    return np.where(cond != 0, x, y)


where = defop("where", _where,
              (_zero_grad, lambda g, ans, c, x, y: where(c, g, zeros_like(g)),
               lambda g, ans, c, x, y: where(c, zeros_like(g), g)),
              inputs=("condition", "x", "y"), nd=("where",), np=("where",),
              np_args=npc.where, doc=_where.__doc__)
# (where's gradient is tested by hand in tests/test_nd_ops.py: the condition must not
# be perturbed by numeric differentiation, and it is an input.)


def _nd_index(name, indices, shape):
    """gather_nd / scatter_nd indices of shape (M, ...) -> a tuple of M index arrays."""
    idx = np.trunc(_indices(indices)).astype(np.int64)
    if idx.ndim == 0 or idx.shape[0] > len(shape):
        raise ValueError(f"{name}: indices of shape {idx.shape} need a first axis of at "
                         f"most {len(shape)} (the dimensions of shape {tuple(shape)})")
    for d, (i, n) in enumerate(zip(idx, shape)):
        if i.size and (i.min() < -n or i.max() >= n):
            raise IndexError(f"{name}: index {int(i.max() if i.max() >= n else i.min())} "
                             f"is out of bounds for axis {d} with size {n} (shape "
                             f"{tuple(shape)})")
    return tuple(idx)


def _gather_nd(data, indices):
    """Elements (or slices) of ``data`` at ``indices``, whose first axis lists the
    coordinates: out[i] = data[indices[0][i], indices[1][i], ...].

        >>> nd.gather_nd(nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 1]]))
        [3. 2.]
    """
    return data[_nd_index("gather_nd", indices, data.shape)]


def _scatter_nd(data, indices, shape):
    """Zeros of ``shape`` with ``data`` written at ``indices`` (as in gather_nd); for
    repeated indices the last write wins, as in MXNet.

        >>> nd.scatter_nd(nd.array([9, 8]), nd.array([[1, 0], [0, 1]]), shape=(2, 2))
        [[0. 8.]
         [9. 0.]]
    """
    out = np.zeros(tuple(shape), dtype=np.asarray(data).dtype)
    out[_nd_index("scatter_nd", indices, shape)] = data
    return out


gather_nd = defop("gather_nd", _gather_nd,
                  (lambda g, ans, x, indices: index_grad(
                      g, shape=x.shape, index=_nd_index("gather_nd", indices, x.shape)),
                   None),
                  inputs=("data", "indices"), nd=("gather_nd",), npx=("gather_nd",),
                  doc=_gather_nd.__doc__,
                  test=GradTest("custom"))
scatter_nd = defop("scatter_nd", _scatter_nd,
                   (lambda g, ans, x, indices, shape: gather_nd(g, indices), None),
                   inputs=("data", "indices"), nd=("scatter_nd",),
                   doc=_scatter_nd.__doc__, test=GradTest("custom"))


# ---- diagonals --------------------------------------------------------------------
def _diag(data, k=0, axis1=0, axis2=1):
    """A 1-d input becomes a matrix with it on diagonal ``k``; an n-d input gives its
    diagonal ``k`` over axes ``axis1``, ``axis2`` (appended as the last axis).

        >>> nd.diag(nd.array([1, 2]))
        [[1. 0.]
         [0. 2.]]
    """
    if data.ndim == 1:
        return np.diag(data, k)
    return np.diagonal(data, k, axis1, axis2).copy()


def _diag_embed(g, shape, k=0, axis1=0, axis2=1):
    """Zeros of ``shape`` with ``g`` on diagonal ``k`` over ``axis1``, ``axis2``: the
    transpose of taking that diagonal."""
    out = np.zeros(shape, dtype=g.dtype)
    view = np.moveaxis(out, (axis1, axis2), (-2, -1))
    n = g.shape[-1]
    rows, cols = np.arange(n) + max(-k, 0), np.arange(n) + max(k, 0)
    view[..., rows, cols] = g
    return out


def _diag_vjp(g, ans, x, k=0, axis1=0, axis2=1):
    if x.ndim == 1:
        return diag(g, k=k)
    return diag_embed(g, shape=x.shape, k=k, axis1=axis1 % x.ndim, axis2=axis2 % x.ndim)


diag = defop("diag", _diag, (_diag_vjp,), nd=("diag",), np=("diag",),
             np_args=lambda v, k=0: ((v,), {"k": k}), doc=_diag.__doc__,
             save_inputs=False, test=GradTest("custom"))
diag_embed = defop("_diag_embed", _diag_embed,
                   (lambda g, ans, x, shape, k=0, axis1=0, axis2=1: diag(
                       g, k=k, axis1=axis1, axis2=axis2),),
                   inputs=("g",), doc=_diag_embed.__doc__, save_inputs=False,
                   test=GradTest("custom"))


# ---- slices (views), as getitem with MXNet's arguments ------------------------------
def _view_op(names, adapter, doc):
    """An op that is getitem with an index built from MXNet's arguments by
    ``adapter``; its nd ``names`` (the last names the op)."""
    names = (names,) if isinstance(names, str) else names
    return defop(names[-1], getitem.forward, getitem.vjps, nd=names, nd_args=adapter,
                 doc=doc, save_inputs=False, view=True, test=GradTest("custom"))


def _nd_slice(data, begin, end, step=()):
    parts = []
    for d in range(len(begin)):
        s = step[d] if d < len(step) else None
        parts.append(slice(begin[d], end[d] if d < len(end) else None, s))
    if len(parts) > data.ndim:
        raise ValueError(f"slice: begin has {len(begin)} entries for an array of shape "
                         f"{data.shape}")
    return (data,), {"index": tuple(parts)}


def _nd_slice_axis(data, axis, begin, end):
    ax = normalize_axis("slice_axis", axis, data.shape)
    return (data,), {"index": (slice(None),) * ax + (slice(begin, end),)}


def _nd_slice_like(data, shape_like, axes=()):
    shape = shape_like.shape
    if axes:
        axes = normalize_axes("slice_like", axes, data.shape)
        bad = [a for a in axes if a >= len(shape)]
        if bad:
            raise AxisError(f"slice_like: axis {bad[0]} of data of shape {data.shape} "
                            f"is not an axis of shape_like's shape {shape}")
    else:
        axes = range(min(data.ndim, len(shape)))
    index = [slice(None)] * data.ndim
    for a in axes:
        index[a] = slice(0, shape[a])
    return (data,), {"index": tuple(index)}


def _nd_flip(data, axis):
    axes = set(normalize_axes("flip", axis, data.shape))
    return (data,), {"index": tuple(slice(None, None, -1) if d in axes else slice(None)
                                    for d in range(data.ndim))}


slice_ = _view_op("slice", _nd_slice,
                  "The part of ``data`` from ``begin`` to ``end`` (exclusive) by ``step``,\n"
                  "per axis; None takes the whole axis.\n\n"
                  "    >>> nd.slice(nd.array([[1, 2, 3], [4, 5, 6]]), begin=(0, 1), "
                  "end=(2, 3))\n    [[2. 3.]\n     [5. 6.]]")
slice_axis = _view_op("slice_axis", _nd_slice_axis,
                      "``data[begin:end]`` along ``axis`` (end None: to the end).\n\n"
                      "    >>> nd.slice_axis(nd.array([[1, 2, 3]]), axis=1, begin=1, "
                      "end=None)\n    [[2. 3.]]")
slice_like = _view_op("slice_like", _nd_slice_like,
                      "``data`` cut to the shape of ``shape_like`` from the start, on "
                      "``axes`` (all by default).\n\n    >>> nd.slice_like(nd.array([[1, 2, 3]"
                      "]), nd.zeros((1, 2)))\n    [[1. 2.]]")
reverse = _view_op(("flip", "reverse"), _nd_flip,
                "``data`` reversed along ``axis`` (an int or a tuple).\n\n"
                "    >>> nd.flip(nd.array([[1, 2], [3, 4]]), axis=1)\n"
                "    [[2. 1.]\n     [4. 3.]]")


# ---- pad, SequenceMask ------------------------------------------------------------
def _pad_pairs(data, pad_width):
    pw = tuple(int(p) for p in pad_width)
    if data.ndim not in (4, 5) or len(pw) != 2 * data.ndim or any(pw[:4]):
        raise ValueError(f"pad: needs a 4-d or 5-d array and 2 * ndim pad widths with the "
                         f"first four 0 (batch and channel axes are not padded); got "
                         f"shape {data.shape} and pad_width {pw}")
    return list(zip(pw[::2], pw[1::2]))


def _pad_lanes(mode, n, before, after):
    """Source positions of each padded position along one axis (edge / reflect)."""
    pos = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(pos, 0, n - 1)
    period = 2 * (n - 1)  # reflect, the border not repeated
    pos = np.mod(pos, period) if period else np.zeros_like(pos)
    return np.where(pos >= n, period - pos, pos)


def _pad(data, mode="constant", pad_width=(), constant_value=0.0):
    """Pad the spatial axes of a 4-d or 5-d array. ``pad_width`` lists (before, after)
    for every axis, flattened, the first four 0; ``mode`` is 'constant' (with
    ``constant_value``), 'edge' or 'reflect'.

        >>> nd.pad(nd.ones((1, 1, 1, 2)), mode='constant', pad_width=(0, 0, 0, 0, 0, 0, 1, 1))
        [[[[0. 1. 1. 0.]]]]
    """
    pairs = _pad_pairs(data, pad_width)
    if mode == "constant":
        return np.pad(data, pairs, constant_values=constant_value)
    if mode not in ("edge", "reflect"):
        raise ValueError(f"pad: mode must be 'constant', 'edge' or 'reflect', not {mode!r}")
    for ax, (b, a) in enumerate(pairs):
        if b or a:
            data = np.take(data, _pad_lanes(mode, data.shape[ax], b, a), axis=ax)
    return data


def _pad_vjp(g, ans, x, mode="constant", pad_width=(), constant_value=0.0):
    pairs = _pad_pairs(x, pad_width)
    if mode == "constant":
        return getitem(g, index=tuple(slice(b, b + n) for (b, a), n in zip(pairs, x.shape)))
    for ax in reversed(range(x.ndim)):
        b, a = pairs[ax]
        if b or a:
            lanes = _pad_lanes(mode, x.shape[ax], b, a)
            g = take_grad(g, indices=lanes, axis=ax, shape=g.shape[:ax] + (x.shape[ax],) +
                          g.shape[ax + 1:])
    return g


pad = defop("pad", _pad, (_pad_vjp,), nd=("pad", "Pad"), doc=_pad.__doc__,
            save_inputs=False, test=GradTest("custom"))


def _sequence_mask(data, sequence_length=None, use_sequence_length=False, value=0.0,
                   axis=0):
    """Set the steps of each sequence beyond its length to ``value``. ``axis`` (0 or
    1) is the time axis, the other of the first two the batch axis; without
    ``use_sequence_length`` the data is returned unchanged.

        >>> nd.SequenceMask(nd.ones((3, 2)), nd.array([1, 2]), use_sequence_length=True)
        [[1. 1.]
         [0. 1.]
         [0. 0.]]
    """
    if not use_sequence_length:
        if sequence_length is not None:  # as MXNet: the lengths are an input only then
            raise ValueError("SequenceMask: sequence_length given without "
                             "use_sequence_length=True")
        return data.copy()
    return np.where(_step_mask(data.shape, sequence_length, axis), data,
                    value).astype(data.dtype)


def _step_mask(shape, sequence_length, axis):
    """True at the steps within each sequence's length, broadcastable to ``shape``."""
    lengths = _indices(sequence_length)
    if axis not in (0, 1) or len(shape) < 2 or lengths.shape != (shape[1 - axis],):
        raise ValueError(f"SequenceMask: sequence_length of shape {lengths.shape} must "
                         f"list one length per sequence of data {shape} (axis {axis} is "
                         "time, which must be 0 or 1)")
    steps = np.arange(shape[axis])
    mask = steps[:, None] < lengths[None, :] if axis == 0 else steps < lengths[:, None]
    return mask.reshape(mask.shape + (1,) * (len(shape) - 2))


def _sequence_mask_vjp(g, ans, x, sequence_length=None, use_sequence_length=False,
                       value=0.0, axis=0):
    if not use_sequence_length:
        return g
    return g * _step_mask(x.shape, sequence_length, axis)


sequence_mask = defop("SequenceMask", _sequence_mask, (_sequence_mask_vjp, None),
                      inputs=("data", "sequence_length"), nd=("SequenceMask",),
                      npx=("sequence_mask",),
                      doc=_sequence_mask.__doc__, test=GradTest("custom"))
