"""``ndgrad.np.ndarray``: the array of the np namespace, with NumPy's semantics.

Results may be 0-d, comparisons give bool arrays, ``dtype`` is a NumPy dtype, and
dtypes mix the way MXNet's np does: NumPy's promotion, except that integers (or bools)
meeting floats take that float type (int32 + float32 is float32, not float64), and a
float computed from integers alone has the default float dtype (float32).
"""
import numpy as np

from ndgrad import _engine
from ndgrad.ndarray import ArrayBase
from ndgrad.ops import elementwise as ew
from ndgrad.ops import shape as sh
from ndgrad.ops.np_conventions import axis_tuple, default_float


def _repr(data):
    """NumPy's repr, with MXNet's dtype rule: shown for every dtype except float32 (its
    default) and bool, appended to the last line where NumPy itself would hide it."""
    text = repr(data)
    if data.dtype == np.float32:
        return text[:text.rindex(",")] + ")" if "dtype=" in text else text
    if "dtype=" in text or data.dtype == bool:
        return text
    return f"{text[:-1]}, dtype={data.dtype.name})"


def _dtype_of(x):
    if isinstance(x, _engine.Array):
        return x._data.dtype
    return x.dtype if isinstance(x, np.ndarray) else None


def settle(result, inputs):
    """Give a floating-point ``result`` the dtype MXNet's np gives it: the promoted
    float type of the float ``inputs``, or the default float dtype if they are all
    integers or bools (NumPy would widen both to float64). Recorded: differentiable."""
    if isinstance(result, (tuple, list)):
        return type(result)(settle(r, inputs) for r in result)
    dtype = result._data.dtype
    if dtype.kind != "f":
        return result
    floats, arrays = [], False
    for x in inputs:
        d = _dtype_of(x)
        if d is None:
            continue
        if d == dtype:  # the common case: an input of the result's dtype
            return result
        arrays = True
        if d.kind == "f":
            floats.append(d)
    if not arrays:
        return result
    target = np.result_type(*floats) if floats else default_float()
    return sh.astype(result, dtype=target) if target != dtype else result


def _check_flavour(args):
    for a in args:
        if isinstance(a, ArrayBase):
            if not isinstance(a, ndarray):
                raise TypeError(
                    f"an {type(a).__name__} (nd flavour) was passed to a function of "
                    "ndgrad.np; convert it with x.as_np_ndarray() (or the np array with "
                    "as_nd_ndarray() to stay in nd)")
        elif type(a) is list or type(a) is tuple:
            _check_flavour(a)


def _binary(name):
    engine_method = getattr(_engine.Array, name)

    def method(self, other):
        out = engine_method(self, other)  # the engine refuses an nd array here
        if out is NotImplemented or out._data.dtype is self._data.dtype:
            return out
        return settle(out, (self, other))
    method.__name__ = name
    return method


def _compare(op):
    def method(self, other):
        if other is None:
            return NotImplemented
        return op(self, other)
    return method


_OPERANDS = (_engine.Array, np.ndarray, int, float, bool, complex, np.generic)


def _via(name, reflected=False):
    """An operator computed by the np function ``name`` (matmul, floor_divide...)."""
    def method(self, other):
        if not isinstance(other, _OPERANDS):
            return NotImplemented
        from ndgrad import np as _np
        fn = getattr(_np, name)
        return fn(other, self) if reflected else fn(self, other)
    return method


def _inplace_via(name):
    binary = _via(name)

    def method(self, other):
        result = binary(self, other)
        return result if result is NotImplemented else self._write(result)
    return method


def _inplace(name):
    binary = _binary(name.replace("__i", "__", 1))

    def method(self, other):
        result = binary(self, other)
        if result is NotImplemented:
            return result
        return self._write(result)
    return method


class ndarray(ArrayBase):
    """An n-dimensional array of ``ndgrad.np``, printed as MXNet's np prints it.

        >>> from ndgrad import np
        >>> x = np.arange(4)
        >>> x
        array([0., 1., 2., 3.])
        >>> print(x * 2)
        [0. 2. 4. 6.]
    """
    __slots__ = ()
    _numpy_compatible = True  # NumPy's functions map to ndgrad.np's (ndgrad/_interop.py)

    @classmethod
    def _finish(cls, result):
        if isinstance(result, (tuple, list)):  # several outputs: a list, as in MXNet
            return [cls._finish(r) for r in result]
        if not isinstance(result, _engine.Array):
            result = cls._wrap(np.asarray(result))
        return result

    @classmethod
    def _apply(cls, op, args, kwargs):
        _check_flavour(args)
        if kwargs:
            if type(kwargs.get("axis")) is list:
                kwargs["axis"] = axis_tuple(kwargs["axis"])
            result = op(*args, **kwargs)
            if "dtype" in kwargs:  # an explicit dtype is what the caller asked for
                return cls._finish(result)
        else:
            result = op(*args)
        if type(result) is not cls:
            result = cls._finish(result)
        return settle(result, args)

    def __repr__(self):
        return _repr(self._data)

    def __str__(self):
        return str(self._data)

    def __format__(self, spec):
        return format(self._data, spec)

    def __array__(self, dtype=None, copy=None):
        """The data for NumPy (NumPy 2's protocol): a copy if ``copy`` or a new
        ``dtype`` asks for one, else a read-only view (writes through it would bypass
        ndgrad's in-place checks; ``numpy.array(x)`` copies and is writable)."""
        data = self._data
        if dtype is not None and np.dtype(dtype) != data.dtype:
            if copy is False:
                raise ValueError(f"converting this {data.dtype} array to "
                                 f"{np.dtype(dtype)} needs a copy, but copy=False was "
                                 "given")
            return data.astype(dtype)
        if copy:
            return data.copy()
        view = data.view()
        view.flags.writeable = False
        return view

    # ---- operators with np's dtype rules and flavour checks ------------------------
    __add__ = _binary("__add__")
    __radd__ = _binary("__radd__")
    __sub__ = _binary("__sub__")
    __rsub__ = _binary("__rsub__")
    __mul__ = _binary("__mul__")
    __rmul__ = _binary("__rmul__")
    __truediv__ = _binary("__truediv__")
    __rtruediv__ = _binary("__rtruediv__")
    __pow__ = _binary("__pow__")
    __rpow__ = _binary("__rpow__")
    __iadd__ = _inplace("__iadd__")
    __isub__ = _inplace("__isub__")
    __imul__ = _inplace("__imul__")
    __itruediv__ = _inplace("__itruediv__")
    __matmul__ = _via("matmul")
    __rmatmul__ = _via("matmul", reflected=True)
    __imatmul__ = _inplace_via("matmul")
    __floordiv__ = _via("floor_divide")
    __rfloordiv__ = _via("floor_divide", reflected=True)
    __ifloordiv__ = _inplace_via("floor_divide")
    __and__ = _via("bitwise_and")
    __rand__ = _via("bitwise_and", reflected=True)
    __iand__ = _inplace_via("bitwise_and")
    __or__ = _via("bitwise_or")
    __ror__ = _via("bitwise_or", reflected=True)
    __ior__ = _inplace_via("bitwise_or")
    __xor__ = _via("bitwise_xor")
    __rxor__ = _via("bitwise_xor", reflected=True)
    __ixor__ = _inplace_via("bitwise_xor")

    def __invert__(self):
        from ndgrad import np as _np
        return _np.invert(self)

    __eq__ = _compare(ew.equal)
    __ne__ = _compare(ew.not_equal)
    __gt__ = _compare(ew.greater)
    __ge__ = _compare(ew.greater_equal)
    __lt__ = _compare(ew.lesser)
    __le__ = _compare(ew.lesser_equal)
    __hash__ = None

    # ---- attributes and conversions ---------------------------------------------
    @property
    def dtype(self):
        """The NumPy dtype: ``x.dtype == numpy.float32`` holds."""
        return self._data.dtype

    @property
    def T(self):
        return self.transpose()

    def item(self, *args):
        """The value of a one-element array (or of the element ``args`` pick) as a
        Python scalar."""
        return self._data.item(*args)

    def tolist(self):
        return self._data.tolist()

    def reshape(self, *shape, order="C"):
        """``x.reshape(3, 4)`` or ``x.reshape((3, 4))``; -1 infers one dimension."""
        from ndgrad import np as _np
        if len(shape) == 1 and not isinstance(shape[0], (int, np.integer)):
            shape = shape[0]
        return _np.reshape(self, shape, order=order)

    def fill(self, value):
        """Set every element to ``value``, in place."""
        self[...] = value

    def take(self, indices, axis=None, mode="raise"):
        """``np.take(x, indices, axis)``: elements (or slices along ``axis``) at
        ``indices``."""
        from ndgrad import np as _np
        return _np.take(self, indices, axis, mode=mode)

    def copyto(self, other):
        """Copy into ``other`` (an np array of the same shape, recorded) or to a
        context (a copy), as MXNet's copyto."""
        from ndgrad import context
        if isinstance(other, context.Context):
            return self.copy()
        other[...] = self
        return other

    def nonzero(self):
        """``np.nonzero(x)``: the indices of the nonzero elements, per axis."""
        from ndgrad import np as _np
        return _np.nonzero(self)

    def flatten(self):
        """A 1-d copy (``ravel`` may share memory; this never does)."""
        from ndgrad import np as _np
        return _np.ravel(self).copy()

    def transpose(self, *axes):
        """Permute the axes: ``x.transpose(1, 0)``, ``x.transpose((1, 0))`` or reversed."""
        from ndgrad import np as _np
        if len(axes) == 1 and not isinstance(axes[0], (int, np.integer)):
            axes = axes[0]
        return _np.transpose(self, tuple(axes) or None)
