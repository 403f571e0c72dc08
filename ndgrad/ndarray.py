"""``NDArray``, the array of the legacy ``nd`` namespace.

The data and graph links live in the Cython base ``_engine.Array``; this class adds
MXNet's Python surface. Operators go straight to registry ops; named methods go through
the ``nd`` functions so that both apply the same MXNet conventions (no 0-d results).
"""
import numbers

import numpy as np

from ndgrad import _engine, _interop, _kernels, autograd, context
from ndgrad._state import flags
from ndgrad.ops import elementwise as ew
from ndgrad.ops import shape as sh

_SCALARS = (numbers.Number, np.generic)
_GRAD_REQS = ("write", "add", "null")


def _needs_grad(x):
    return isinstance(x, _engine.Array) and x._node is not None and x._node.needs_grad


def _raw(x):
    return x._data if isinstance(x, _engine.Array) else x


_engine.install_arithmetic(ew.add, ew.subtract, ew.multiply, ew.divide, ew.power,
                           ew.negative)


def index_key(key):
    """Turn an index that may hold arrays or lists into one NumPy understands."""
    if type(key) is slice or type(key) is int:  # the common cases: nothing to turn
        return key
    if isinstance(key, tuple):
        return tuple(index_key(k) for k in key)
    if isinstance(key, _engine.Array):
        key = key._data
    elif isinstance(key, list):
        key = np.asarray(key)
    if isinstance(key, np.ndarray) and key.dtype.kind == "f":
        key = key.astype(np.int64)  # MXNet accepts float indices
    return key


def _compare(op):
    def method(self, other):
        if not isinstance(other, (_engine.Array, np.ndarray) + _SCALARS):
            return NotImplemented
        return op(self, other, dtype=self._data.dtype)
    return method


def _binop(op, reflected=False):
    def method(self, other):
        if not isinstance(other, (_engine.Array, np.ndarray) + _SCALARS):
            return NotImplemented
        return op(other, self) if reflected else op(self, other)
    return method


def _inplace(op):
    def method(self, other):
        if not isinstance(other, (_engine.Array, np.ndarray) + _SCALARS):
            return NotImplemented
        return self._write(op(self, other))
    return method


class ArrayBase(_engine.Array):
    """What every ndgrad array has: autograd, conversion, operators, indexing.

    Flavours (``NDArray`` here, ``ndgrad.np.ndarray``) add their printing and their
    namespace's conventions.
    """
    __slots__ = ()
    # A result of the array's own class with at least this many dimensions is final
    # as the op returns it, and a NumPy array of as many once wrapped: namespace
    # functions then skip _finish (a flavour whose _finish does more than that
    # overrides _apply).
    _min_ndim = 0
    # Namespace functions copy results that are views of an input (see NDArray).
    _own_results = False

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """NumPy ufuncs on ndgrad arrays run ndgrad's function of that name, so
        ``numpy_array * x`` and ``numpy.exp(x)`` are recorded like ``np.exp(x)``;
        others fall back to NumPy, refused inside record() where they would drop the
        graph (see ndgrad/_interop.py)."""
        return _interop.array_ufunc(type(self), ufunc, method, inputs, kwargs)

    def __array_function__(self, func, types, args, kwargs):
        """NumPy's functions on ndgrad arrays: as for ufuncs (ndgrad/_interop.py)."""
        return _interop.array_function(type(self), func, types, args, kwargs)

    # ---- construction -------------------------------------------------------
    @classmethod
    def _wrap(cls, data):
        a = cls.__new__(cls)
        a._data = data
        return a

    # ---- autograd -----------------------------------------------------------
    def attach_grad(self, grad_req="write", stype=None):
        """Allocate a zero gradient buffer and make this array a variable.

        Later ``backward`` calls write (``'write'``) or add (``'add'``) its gradient
        to ``.grad``; ``'null'`` computes none. On an array computed inside
        ``record()`` this starts a new variable there, as MXNet does: the array no
        longer passes gradients to what it was computed from, while arrays
        already computed from it keep their path to the inputs.
        """
        if grad_req not in _GRAD_REQS:
            raise ValueError(f"attach_grad: grad_req must be one of {_GRAD_REQS}, "
                             f"not {grad_req!r}")
        if self._data.dtype.kind not in "fc":
            raise TypeError(f"attach_grad: gradients need a floating-point array, but "
                            f"this one is {self._data.dtype}; use astype('float32') "
                            "first")
        grad = type(self)._wrap(np.zeros_like(self._data))
        self._node = _engine.VarNode(grad, grad_req)
        self._index = 0

    def retain_grad(self):
        """Keep the gradient backward computes for this intermediate array in
        ``.grad`` (see autograd.retain_grad); it stays linked to its inputs."""
        autograd.retain_grad(self)

    @property
    def grad_req(self):
        node = self._node
        return node.grad_req if isinstance(node, _engine.VarNode) else "null"

    # x.backward() is the engine Array's; it checks a given out_grad with this.
    _head_grad = staticmethod(autograd._given_head_grad)

    def detach(self):
        """The same data (shared memory), cut from the recorded graph."""
        out = type(self)._wrap(self._data)
        out._version = _engine_version(self)
        return out

    # ---- conversion and attributes --------------------------------------------
    def asnumpy(self):
        """A NumPy copy of the data."""
        return self._data.copy()

    def as_nd_ndarray(self):
        """This array as an ``nd`` NDArray: the same data and the same place in the
        recorded graph (gradients flow through the conversion)."""
        return self._as(NDArray)

    def as_np_ndarray(self):
        """This array as an ``ndgrad.np.ndarray``: the same data and graph link."""
        from ndgrad.numpy import ndarray
        return self._as(ndarray)

    def _as(self, cls):
        if type(self) is cls:
            return self
        out = cls._wrap(self._data)
        out._node, out._index, out._version = self._node, self._index, _engine_version(self)
        return out

    # shape, size and ndim are the engine's (C getters: read on every op's arguments)

    @property
    def context(self):
        return context.cpu()

    ctx = context

    @property
    def stype(self):
        return "default"

    def as_in_context(self, ctx):
        context.check(ctx)
        return self

    def wait_to_read(self):
        """Computation is synchronous in ndgrad: nothing to wait for."""

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d array")
        return self._data.shape[0]

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def _scalar(self, what):
        if self._data.size != 1:
            raise TypeError(f"only one-element arrays can be converted to {what}; this "
                            f"one has shape {self._data.shape}")
        return self._data.reshape(-1)[0]

    def __float__(self):
        return float(self._scalar("Python scalars"))

    def __int__(self):
        return int(self._scalar("Python scalars"))

    def __index__(self):
        if self._data.dtype.kind not in "iu":
            raise TypeError("only integer arrays can be used as an index")
        return int(self._scalar("an index"))

    def __bool__(self):
        if self._data.size == 0:
            return False
        if self._data.size > 1:
            raise ValueError(f"the truth value of an array with more than one element "
                             f"(shape {self._data.shape}) is ambiguous")
        return bool(self._data.reshape(-1)[0])

    def __copy__(self):
        return self.copy()

    def __deepcopy__(self, memo):
        return self.copy()

    def copy(self):
        """A copy of the data that does not share memory (recorded: differentiable)."""
        return sh.copy(self)

    def astype(self, dtype, copy=True):
        """The data cast to ``dtype`` (recorded: the gradient is cast back)."""
        if not copy and np.dtype(dtype) == self._data.dtype:
            return self
        return sh.astype(self, dtype=np.dtype(dtype))

    def __reduce__(self):
        # Pickles keep the data and drop the graph (and any gradient buffer).
        return (type(self)._wrap, (self._data.copy(),))

    # ---- arithmetic: + - * / ** and unary - are the engine's (C); the rest here --
    __iadd__ = _inplace(ew.add)
    __isub__ = _inplace(ew.subtract)
    __imul__ = _inplace(ew.multiply)
    __itruediv__ = _inplace(ew.divide)
    __mod__ = _binop(ew.mod)
    __rmod__ = _binop(ew.mod, reflected=True)
    __imod__ = _inplace(ew.mod)
    __eq__ = _compare(ew.equal)
    __ne__ = _compare(ew.not_equal)
    __gt__ = _compare(ew.greater)
    __ge__ = _compare(ew.greater_equal)
    __lt__ = _compare(ew.lesser)
    __le__ = _compare(ew.lesser_equal)
    __hash__ = None

    def __pos__(self):
        return self

    def __abs__(self):
        return ew.abs(self)

    # ---- indexing and in-place writes -----------------------------------------
    def __getitem__(self, key):
        return self._finish(sh.getitem(self, index=index_key(key)))

    # x[key] = value is the engine Array's __setitem__: a parameter update's x[:] = y
    # is done there, in C; every other assignment comes here.
    def _setitem(self, key, value):
        index = index_key(key)
        if flags.recording and (_needs_grad(self) or _needs_grad(value)):
            self._write(sh.setitem(self, value, index=index))
        else:
            sh.assign(self._writable(), index, _raw(value))
            self._bump()

    def _write(self, result):
        """Commit an out-of-place ``result`` into this array's memory, in place.

        If ``result`` was recorded, this array takes its place in the graph.
        """
        if result._node is not None:
            if isinstance(self._node, _engine.VarNode):
                raise _engine.AutogradError(
                    "in-place write to an array with attach_grad() while recording; "
                    "write to it outside autograd.record(), or compute a new array")
            self._node, self._index = result._node, result._index
        self._writable()[...] = result._data
        self._bump()
        return self

    def _writable(self):
        # broadcast_to gives read-only views; the first write makes the data its own.
        if not self._data.flags.writeable:
            self._data = self._data.copy()
        return self._data

    def _bump(self):
        if self._version is not None:
            self._version.value += 1

    @classmethod
    def _finish(cls, result):
        """Apply the flavour's conventions to an op's result (hook for subclasses)."""
        return result

    @classmethod
    def _apply(cls, op, args, kwargs):
        """Call ``op`` for a namespace function of this flavour (hook for subclasses)."""
        return cls._finish(op(*args, **kwargs) if kwargs else op(*args))


def _engine_version(a):
    if a._version is None:
        a._version = _engine.Version()
    return a._version


class NDArray(ArrayBase):
    """An n-dimensional array of the ``nd`` namespace, printed the way MXNet prints it.

        >>> x = nd.arange(4).reshape(2, 2)
        >>> x
        <BLANKLINE>
        [[0. 1.]
         [2. 3.]]
        <NDArray 2x2 @cpu(0)>
    """
    __slots__ = ()
    _min_ndim = 1  # MXNet's nd arrays are never 0-d
    # MXNet's ops write new arrays: nd.transpose(x), nd.flip(x), x.flatten()... never
    # share x's memory (a write to one is not seen in the other). Only x.reshape(),
    # x.detach() and basic indexing that gives a contiguous part (x[0], x[1:]) do.
    _own_results = True

    @classmethod
    def _finish(cls, result):
        # MXNet's nd arrays are never 0-d: scalar results have shape (1,). Several
        # outputs (split, topk 'both') come as a list, as in MXNet.
        if type(result) is np.ndarray and result.ndim:  # a creator's: only to wrap
            return cls._wrap(result)
        if isinstance(result, tuple):
            return [cls._finish(r) for r in result]
        if not isinstance(result, _engine.Array):
            result = cls._wrap(np.asarray(result))
        if result._data.ndim < cls._min_ndim:
            result = sh.reshape(result, shape=(1,))
        return result

    def __getitem__(self, key):
        return _engine.own_memory(super().__getitem__(key), contiguous_views=True)

    @property
    def T(self):
        return _engine.own_memory(sh.transpose(self))

    def __repr__(self):
        shape = "x".join(str(d) for d in self._data.shape)
        return f"\n{self._data}\n<NDArray {shape} @{self.context}>"

    @property
    def dtype(self):
        return self._data.dtype.type

    def asscalar(self):
        """The value of a one-element array, as a NumPy scalar."""
        if self._data.shape != (1,):
            raise ValueError(f"asscalar: the array is not a scalar (shape "
                             f"{self._data.shape}, expected (1,))")
        return self._data[0]

    def reshape(self, *shape, **kwargs):
        """Reshape, with MXNet's special codes (0 -1 -2 -3 -4); ``reverse=True`` reads
        them right to left. ``x.reshape(2, 3)`` and ``x.reshape((2, 3))`` both work."""
        if len(shape) == 1 and (type(shape[0]) is tuple  # before the slower ABC check
                                or not isinstance(shape[0], numbers.Integral)):
            shape = shape[0]
        if "shape" in kwargs:
            shape = kwargs.pop("shape")
        # A shape without codes that fits (and is not the 0-d ()) needs none of what
        # nd.reshape adds: code resolution, its error messages, _finish.
        if not kwargs and _kernels.plain_size(shape) == self._data.size and shape:
            return sh.reshape(self, shape=shape)
        # A view, as MXNet's method (nd.reshape, the function, copies).
        from ndgrad.ops.shape import mxnet_shape
        out = kwargs.pop("out", None)
        reverse = kwargs.pop("reverse", False)
        if kwargs:
            raise TypeError(f"reshape() got unexpected keyword arguments {sorted(kwargs)}")
        result = self._finish(sh.reshape(self, shape=mxnet_shape(self.shape, shape,
                                                                 reverse)))
        if out is None:
            return result
        out[:] = result
        return out

    def copyto(self, other):
        """Copy into ``other`` (an array of the same shape) or to a context."""
        if isinstance(other, context.Context):
            return self.copy()
        other[:] = self
        return other
