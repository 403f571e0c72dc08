"""Axis arguments, in one place: every op that takes an axis normalises it here, so an
axis out of range is always the same error, naming the op, the axis and the shape
(never a silent wrap-around: ``axis % ndim`` alone would read axis 2 of a 2-d array
as axis 0)."""
import numbers
import operator

import numpy as np


class AxisError(ValueError, IndexError):
    """An axis out of range for an array. Both a ValueError (as MXNet's failed shape
    checks and NumPy's AxisError) and an IndexError, so code catching either works."""


def _as_int(op, axis):
    try:
        return operator.index(axis)
    except TypeError:
        pass
    if isinstance(axis, numbers.Real) and float(axis).is_integer():
        return int(axis)  # MXNet parses axis=1.0 as 1
    raise TypeError(f"{op}: an axis must be an integer, not {axis!r}")


def normalize_axis(op, axis, shape, *, ndim=None, what="an array"):
    """``axis`` as a number in [0, ndim), or an AxisError naming ``op``, the axis and
    ``shape``. ``ndim`` (default len(shape)) is the number of axes ``axis`` counts
    over, e.g. len(shape) + 1 for a new axis (stack, expand_dims)."""
    ndim = len(shape) if ndim is None else ndim
    if type(axis) is int and -ndim <= axis < ndim:  # the common case: nothing to convert
        return axis % ndim
    a = _as_int(op, axis)
    if not -ndim <= a < ndim:
        valid = f"axes -{ndim} to {ndim - 1} are valid" if ndim else "it has no axes"
        raise AxisError(f"{op}: axis {axis} is out of range for {what} of shape "
                        f"{tuple(shape)} ({valid})")
    return a % ndim


def normalize_axes(op, axes, shape, *, what="an array"):
    """A tuple of normalised axes from an int or a sequence of them; an axis given
    twice is an error too."""
    given = (axes,) if type(axes) is int or np.ndim(axes) == 0 else tuple(axes)
    out = tuple(normalize_axis(op, a, shape, what=what) for a in given)
    if len(set(out)) != len(out):
        raise AxisError(f"{op}: axes {given} name an axis twice for {what} of shape "
                        f"{tuple(shape)}")
    return out
