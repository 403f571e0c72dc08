"""Reductions. Their VJPs broadcast the gradient back over the reduced axes."""
import numpy as np

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
    return x.size // max(1, int(np.prod(_kept_shape(x.shape, axis))))


def _sum(data, axis=None, keepdims=False):
    """Sum over ``axis`` (all axes by default)."""
    return np.sum(data, axis=axis, keepdims=keepdims)


def _mean(data, axis=None, keepdims=False):
    """Arithmetic mean over ``axis`` (all axes by default)."""
    return np.mean(data, axis=axis, keepdims=keepdims)


def _norm(data, axis=None, keepdims=False):
    """The L2 norm over ``axis`` (of the flattened array by default)."""
    return np.sqrt(np.sum(np.square(data), axis=axis, keepdims=keepdims))


def _norm_vjp(g, ans, x, axis=None, keepdims=False):
    # At a zero norm the subgradient 0 is used (the formula would give 0/0).
    safe = ans + (ans == 0)
    return _spread(g / safe, x, axis) * x


def _axis_tuple(axis):
    if axis is None:
        return ()
    return (int(axis),) if np.ndim(axis) == 0 else tuple(int(a) for a in axis)


def _nd_axes(data, axis=None, keepdims=False, exclude=False):
    """MXNet's reduction arguments: ``axis=()`` is every axis; ``exclude=True``
    reduces every axis except those given."""
    given = _axis_tuple(axis)
    for a in given:
        if not -data.ndim <= a < data.ndim:
            raise ValueError(f"axis {a} is out of range for an array of shape {data.shape}")
    if exclude:
        given = tuple(a for a in range(data.ndim) if a not in {g % data.ndim for g in given})
    elif not given:
        given = None
    return (data,), {"axis": given, "keepdims": keepdims}


def _nd_norm(data, ord=2, axis=None, keepdims=False):
    if ord != 2:
        raise NotImplementedError(f"norm: ord={ord} is not supported yet; only ord=2")
    return _nd_axes(data, axis, keepdims)


sum = defop("sum", _sum, (lambda g, ans, x, axis=None, keepdims=False: _spread(g, x, axis),),
            nd=("sum",), nd_args=_nd_axes, np=("sum",), doc=_sum.__doc__, save_inputs=False,
            test=_REDUCE)
mean = defop("mean", _mean,
             (lambda g, ans, x, axis=None, keepdims=False: _spread(g, x, axis) / _count(x, axis),),
             nd=("mean",), nd_args=_nd_axes, np=("mean",), doc=_mean.__doc__,
             save_inputs=False,
             test=_REDUCE)
norm = defop("norm", _norm, (_norm_vjp,), nd=("norm",), nd_args=_nd_norm,
             np=("linalg.norm",), np_args=npc.norm,
             doc=_norm.__doc__, save_output=True,
             test=GradTest("reduce", avoid=(0.0,)))
