"""NumPy's own functions and ufuncs applied to ndgrad arrays (``__array_ufunc__`` and
``__array_function__`` of ``ArrayBase``).

- Where ndgrad has the function, it runs instead, recorded like any ndgrad call: for
  ``ndgrad.np`` arrays the ``ndgrad.np`` (or ``np.linalg``) function of the same name
  (``numpy.concatenate(xs)`` is ``np.concatenate(xs)``, ``numpy.exp(x)`` is
  ``np.exp(x)``, ``numpy.add.reduce`` is ``np.sum``); for ``nd`` arrays, whose
  functions take MXNet's arguments, the registry op of a ufunc's name.
- Otherwise NumPy computes on the data and the arrays it returns come back as arrays
  of the caller's flavour (NumPy scalars and other objects as NumPy returns them).
  That is refused inside ``autograd.record()`` when an input needs a gradient and the
  result holds floating-point values: NumPy's result would not be connected to the
  graph, so gradients would silently be wrong. Results without floating-point values
  (``numpy.isnan``, ``numpy.shape``, ``numpy.argwhere``...) carry no gradient and are
  allowed.
- NumPy never writes into an ndgrad array's memory behind its back: it sees read-only
  views, and ``out=`` arrays are written through ndgrad (recorded, version-counted).
"""
import numbers

import numpy as np

from ndgrad import _engine
from ndgrad._state import flags

# ufunc names whose registry op (nd flavour) is named differently.
_OP_NAMES = {"true_divide": "divide", "less": "lesser", "less_equal": "lesser_equal",
             "absolute": "abs", "remainder": "mod"}
# ufunc names whose ndgrad.np function is named differently.
_NP_NAMES = {"remainder": "mod", "bitwise_not": "invert"}
# ufunc methods that are ndgrad.np reductions (axis defaults to 0, as for the methods).
_NP_METHODS = {("add", "reduce"): "sum", ("multiply", "reduce"): "prod",
               ("maximum", "reduce"): "max", ("minimum", "reduce"): "min",
               ("logical_and", "reduce"): "all", ("logical_or", "reduce"): "any",
               ("add", "accumulate"): "cumsum"}
_METHOD_KWARGS = {"axis", "keepdims", "dtype"}
# NumPy functions of an array's metadata only: run on the data directly.
_METADATA = {np.shape, np.ndim, np.size, np.result_type, np.iscomplexobj, np.isrealobj}
_NUMPY_MODULES = {"numpy": None, "numpy.linalg": "linalg"}


class _Unsupported(Exception):
    """ndgrad's function of that name exists but does not take this call."""


def _ndgrad_np(module):
    from ndgrad import numpy as ndnp
    return ndnp if module is None else getattr(ndnp, module)


def _np_flavour(cls):
    return getattr(cls, "_numpy_compatible", False)


# ---- walking arguments -------------------------------------------------------------

def _arrays(x):
    if isinstance(x, _engine.Array):
        yield x
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from _arrays(item)
    elif isinstance(x, dict):
        for item in x.values():
            yield from _arrays(item)


def _needs_grad(*things):
    return flags.recording and any(
        a._node is not None and a._node.needs_grad for t in things for a in _arrays(t))


def _read_only(x):
    if isinstance(x, _engine.Array):
        view = x._data.view()
        view.flags.writeable = False
        return view
    if type(x) is list or type(x) is tuple:
        return type(x)(_read_only(item) for item in x)
    if isinstance(x, dict):
        return {k: _read_only(v) for k, v in x.items()}
    return x


def _has_float(x):
    if isinstance(x, (np.ndarray, np.generic)):
        return x.dtype.kind in "fc"
    if isinstance(x, (float, complex)):
        return True
    if isinstance(x, (list, tuple)):
        return any(_has_float(item) for item in x)
    return False


def _wrap(result, cls):
    if isinstance(result, np.ndarray):
        return cls._finish(cls._wrap(result))
    if isinstance(result, tuple):
        items = [_wrap(r, cls) for r in result]
        return type(result)(*items) if hasattr(result, "_fields") else tuple(items)
    if type(result) is list:
        return [_wrap(r, cls) for r in result]
    return result


def not_differentiable(name, why):
    """The error for a NumPy function that would drop the recorded graph."""
    return _engine.AutogradError(
        f"{name} is not differentiable in ndgrad ({why}): inside autograd.record() its "
        "result would not be connected to the recorded graph, so gradients would "
        "silently be wrong. Use an ndgrad.np function instead; if no gradient should "
        "flow through it, call it on x.detach() or outside record(); or write it with "
        "ndgrad operations (or an autograd.Function with its own gradient)")


def _fallback(name, why, cls, call, args, kwargs):
    """NumPy's ``call(*args, **kwargs)`` on read-only views of the data, its arrays
    wrapped in ``cls``; refused if that drops a gradient."""
    raw_args, raw_kwargs = _read_only(args), _read_only(kwargs)
    try:
        result = call(*raw_args, **raw_kwargs)
    except ValueError as e:
        if "read-only" in str(e):
            raise ValueError(f"{name} writes into its ndgrad array argument, which "
                             "NumPy may not do behind ndgrad's back: assign with "
                             "x[...] = value instead") from None
        raise
    if _has_float(result) and _needs_grad(args, kwargs):
        raise not_differentiable(name, why)
    return _wrap(result, cls)


def _write_out(out, result):
    """ndgrad's ``result`` written into the ``out=`` arrays (recorded for ndgrad ones)."""
    results = result if isinstance(result, tuple) else (result,)
    for o, r in zip(out, results):
        if isinstance(o, _engine.Array):
            o[...] = r
        else:
            if _needs_grad(r):
                raise _engine.AutogradError(
                    "out= is a NumPy array: the result written into it would leave the "
                    "recorded graph; pass an ndgrad array as out, or none")
            o[...] = r._data if isinstance(r, _engine.Array) else r
    return out[0] if len(out) == 1 else tuple(out)


# ---- ufuncs ---------------------------------------------------------------------------

def _ufunc_impl(cls, ufunc, method, kwargs):
    """ndgrad's callable for ``ufunc.method`` with these kwargs, or (None, why)."""
    name = ufunc.__name__
    if _np_flavour(cls):
        ndnp = _ndgrad_np(None)
        if method == "__call__":
            fn = getattr(ndnp, _NP_NAMES.get(name, name), None)
            allowed = {"dtype"}
        else:
            fn = getattr(ndnp, _NP_METHODS.get((name, method), ""), None)
            allowed = _METHOD_KWARGS
        if fn is None:
            return None, f"ndgrad.np has no {name}" + (
                "" if method == "__call__" else f".{method}")
    else:
        from ndgrad.ops.registry import REGISTRY
        spec = REGISTRY.get(_OP_NAMES.get(name, name))
        if method != "__call__" or spec is None or len(spec.inputs) != ufunc.nin:
            return None, f"ndgrad.nd has no op for numpy.{name}" + (
                "" if method == "__call__" else f".{method}")
        fn, allowed = spec.op, {"dtype"}
    extra = sorted(set(kwargs) - allowed)
    if extra:
        return None, f"ndgrad does not take {', '.join(k + '=' for k in extra)} here"
    return fn, None


def _cast(x, dtype):
    if isinstance(x, _engine.Array):
        return x.astype(dtype)
    if isinstance(x, np.ndarray):
        return x.astype(dtype)
    return x


def array_ufunc(cls, ufunc, method, inputs, kwargs):
    for x in inputs:
        if not isinstance(x, (_engine.Array, np.ndarray, numbers.Number, np.generic,
                              list, tuple)):
            return NotImplemented
    out = kwargs.pop("out", None)
    fn, why = _ufunc_impl(cls, ufunc, method, kwargs)
    title = f"numpy.{ufunc.__name__}" + ("" if method == "__call__" else f".{method}")
    if fn is None:
        call = getattr(ufunc, method)
        if out is not None:
            return _numpy_into(title, why, call, inputs, kwargs, out, lambda o: tuple(o))
        return _fallback(title, why, cls, call, inputs, kwargs)
    dtype = kwargs.pop("dtype", None)
    if dtype is not None and method == "__call__":
        inputs = tuple(_cast(x, dtype) for x in inputs)
    elif dtype is not None:
        kwargs["dtype"] = dtype
    if method == "__call__":
        result = fn(*inputs)
        if not _np_flavour(cls):
            result = cls._finish(result)
    else:
        if method == "reduce" or method == "accumulate":
            kwargs.setdefault("axis", 0)
        result = fn(*inputs, **kwargs)
    return result if out is None else _write_out(out, result)


def _numpy_into(name, why, call, args, kwargs, out, pack):
    """NumPy's ``call`` writing into ``out`` (a tuple of arrays; ``pack`` rebuilds the
    ``out=`` argument from raw buffers): ndgrad arrays there are version-bumped."""
    if _needs_grad(args, kwargs, out):
        trial = call(*_read_only(args), **kwargs)  # only to see what it gives
        if _has_float(trial):
            raise not_differentiable(name, why)
    buffers = [o._writable() if isinstance(o, _engine.Array) else o for o in out]
    call(*_read_only(args), out=pack(buffers), **kwargs)
    for o in out:
        if isinstance(o, _engine.Array):
            o._bump()
    return out[0] if len(out) == 1 else out


# ---- other NumPy functions ------------------------------------------------------------

def _function_impl(cls, func):
    if not _np_flavour(cls):
        return None, "ndgrad.nd functions take MXNet's arguments, not NumPy's"
    module = func.__module__
    if module not in _NUMPY_MODULES:
        return None, f"ndgrad.np has no {module[len('numpy.'):]} module"
    space = _ndgrad_np(_NUMPY_MODULES[module])
    fn = getattr(space, func.__name__, None)
    if fn is None or isinstance(fn, type) or not callable(fn) or fn is func:
        where = "ndgrad.np" + ("." + _NUMPY_MODULES[module] if _NUMPY_MODULES[module]
                               else "")
        return None, f"{where} has no {func.__name__}"
    return fn, None


def _unsupported(e):
    # ndgrad's function exists but not for these arguments (an option it does not
    # take, an ord it does not compute): NumPy may still do it.
    return isinstance(e, NotImplementedError) or (
        isinstance(e, TypeError) and "argument" in str(e))


def array_function(cls, func, types, args, kwargs):
    for t in types:
        if not issubclass(t, (_engine.Array, np.ndarray)):
            return NotImplemented
    if func in _METADATA:
        return func(*_read_only(args), **kwargs)
    name = f"{func.__module__}.{func.__name__}"
    fn, why = _function_impl(cls, func)
    if fn is not None:
        try:
            return fn(*args, **kwargs)
        except (TypeError, NotImplementedError) as e:
            if not _unsupported(e):
                raise
            why = f"ndgrad.np.{func.__name__} does not take this call: {e}"
    out = kwargs.pop("out", None)
    if out is not None:
        single = not isinstance(out, tuple)
        result = _numpy_into(name, why, func, args, kwargs, (out,) if single else out,
                             lambda o: o[0] if single else tuple(o))
        return out if single else result
    return _fallback(name, why, cls, func, args, kwargs)
