"""MXNet's ``mxnet.test_utils`` names, for porting MXNet tests to ndgrad.

Same defaults and semantics as MXNet 1.9.1 (tolerances per dtype, finite-difference
steps, NumPy's global random state for random arrays and shapes, so a seeded test
draws the same values). ``check_numeric_gradient`` takes a function of arrays where
MXNet took a Symbol. For new tests prefer ``ndgrad.testing.check_gradients``
(float64, random projections, second derivatives).

    >>> from ndgrad import nd
    >>> from ndgrad.test_utils import assert_almost_equal, check_numeric_gradient
    >>> assert_almost_equal(nd.array([1, 2]), [1, 2.0001])
    >>> check_numeric_gradient(lambda x: nd.tanh(x), [[0.5, -1.0]])
"""
import inspect
import numbers

import numpy as np

from ndgrad import autograd, nd
from ndgrad._engine import Array
from ndgrad.context import current_context

__all__ = ["default_context", "default_dtype", "default_rtols", "default_atols",
           "default_numeric_eps", "get_tolerance", "same", "almost_equal",
           "assert_almost_equal", "rand_ndarray", "rand_shape_2d", "rand_shape_3d",
           "rand_shape_nd", "check_numeric_gradient"]

_FLOAT_RTOLS = {np.float16: 1e-2, np.float32: 1e-4, np.float64: 1e-5}
_FLOAT_ATOLS = {np.float16: 1e-1, np.float32: 1e-3, np.float64: 1e-20}


def default_context():
    """The context tests run on: ``cpu(0)``."""
    return current_context()


def default_dtype():
    """MXNet's default test dtype, float32."""
    return np.float32


def default_rtols():
    """Relative tolerance per dtype: float16 1e-2, float32 1e-4, float64 1e-5, exact
    (0) for integers and bools."""
    return _tolerances(_FLOAT_RTOLS)


def default_atols():
    """Absolute tolerance per dtype: float16 1e-1, float32 1e-3, float64 1e-20, exact
    (0) for integers and bools."""
    return _tolerances(_FLOAT_ATOLS)


def default_numeric_eps():
    """Finite-difference step per dtype: 2**-6 float16, 2**-9 float32, 2**-14 float64
    (powers of two: adding them to an input drops no bits)."""
    return {np.dtype(np.float16): 2.0 ** -6, np.dtype(np.float32): 2.0 ** -9,
            np.dtype(np.float64): 2.0 ** -14}


def _tolerances(floats):
    exact = (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32,
             np.int64, np.uint64)
    return {**{np.dtype(t): tol for t, tol in floats.items()},
            **{np.dtype(t): 0 for t in exact}}


def get_tolerance(dat, tol, default_tol):
    """``tol`` if it is a number; else its entry (a dict) or ``default_tol``'s for the
    dtype of ``dat``."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = np.dtype(_numpy(dat).dtype)
    return (tol or {}).get(dtype, default_tol[dtype])


def _numpy(x):
    return x.asnumpy() if isinstance(x, Array) else np.asarray(x)


def same(a, b):
    """Whether two arrays have the same shape and elements (NaN differs from NaN)."""
    return np.array_equal(_numpy(a), _numpy(b))


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether ``a`` and ``b`` agree elementwise within ``atol + rtol * |b|`` (float64
    defaults when a tolerance is None)."""
    a, b = _numpy(a), _numpy(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    return np.allclose(a, b, rtol=1e-5 if rtol is None else rtol,
                       atol=1e-20 if atol is None else atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=None, atol=None, names=("a", "b"), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Assert that ``a`` and ``b`` (arrays, NDArrays or numbers) agree within
    ``atol + rtol * |b|``, elementwise.

    rtol, atol -- a number, a dict dtype -> number, or None: the larger of the two
                  dtypes' defaults (``default_rtols``/``default_atols``).
    names      -- how the message calls ``a`` and ``b``.
    mismatches -- (unused, shown) and how many mismatching elements to count before
                  reporting "at least".

    The message names the largest error (relative to the tolerance) and where it is:
    ``Error 1.999960 exceeds tolerance rtol=1.000000e-05, atol=1.000000e-20 (mismatch
    100.000000%).`` followed by ``Location of maximum error: (0,), a=..., b=...``.

        >>> assert_almost_equal(np.array([1.0]), np.array([1.000001]))
    """
    rtol = max(get_tolerance(a, rtol, default_rtols()),
               get_tolerance(b, rtol, default_rtols()))
    atol = max(get_tolerance(a, atol, default_atols()),
               get_tolerance(b, atol, default_atols()))
    a, b = _numpy(a), _numpy(b)
    if not use_broadcast and a.shape != b.shape:
        raise AssertionError(np.testing.build_err_msg(
            [a, b], err_msg=f"a.shape = {a.shape} and b.shape = {b.shape} are not equal"))
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    a, b = np.broadcast_arrays(a, b)
    # Violation: the error in units of the element's tolerance (inf == inf is no error).
    error = np.where(a == b, 0, np.abs(a - b)) / (atol + rtol * np.abs(b) + 1e-20)
    i = np.unravel_index(np.argmax(error), error.shape)
    msg = f"Error {np.max(error):f} exceeds tolerance rtol={rtol:e}, atol={atol:e}"
    if i != ():
        n_bad = int(np.sum(~np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)))
        limit = mismatches[1]
        degree = "at least " if 0 < limit < n_bad else ""
        shown = limit + 1 if degree else n_bad
        msg += (f" (mismatch {degree}{100 * shown / a.size:f}%).\nLocation of maximum "
                f"error: {tuple(map(int, i))}, {names[0]}={float(a[i]):.8f}, "
                f"{names[1]}={float(b[i]):.8f}")
    else:
        msg += ".\n"
    with np.printoptions(threshold=4, suppress=True):
        raise AssertionError(np.testing.build_err_msg([a, b], err_msg=msg))


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    """A random 2-d shape, sides in 1..dim (0..dim with ``allow_zero_size``)."""
    return _sides((dim0, dim1), allow_zero_size)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    """A random 3-d shape, sides in 1..dim (0..dim with ``allow_zero_size``)."""
    return _sides((dim0, dim1, dim2), allow_zero_size)


def _sides(dims, allow_zero_size):
    # One draw per side, in order, as MXNet does (same values after np.random.seed).
    low = 0 if allow_zero_size else 1
    return tuple(int(np.random.randint(low, d + 1)) for d in dims)


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    """A random ``num_dim``-d shape, sides in 1..dim (0..dim with ``allow_zero_size``),
    drawn from NumPy's global random state (``np.random.seed`` repeats it).

        >>> np.random.seed(1); rand_shape_nd(3)
        (6, 9, 10)
    """
    low = 0 if allow_zero_size else 1
    return tuple(int(d) for d in np.random.randint(low, np.add(dim, 1), size=num_dim))


def rand_ndarray(shape, stype="default", density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """An NDArray of standard normal values (drawn in float32 from NumPy's global
    random state, then cast to ``dtype``, float32 by default). ndgrad has no sparse
    storage: ``stype`` must be 'default'."""
    if stype != "default":
        raise ValueError(f"rand_ndarray: ndgrad has dense arrays only; stype must be "
                         f"'default', not {stype!r}")
    shape = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
    values = np.asarray(np.random.randn(*shape), dtype=np.float32)
    return nd.array(values, ctx=ctx, dtype=dtype or np.float32)


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=np.float32):
    """Check the gradient of ``sym`` with finite differences, as MXNet does.

    sym        -- a function of NDArrays returning one NDArray (MXNet: a Symbol).
    location   -- its arguments: a list (positional) or a dict (keyword) of arrays.
    numeric_eps -- the difference step (each side eps/2); by default
                  ``default_numeric_eps()`` for ``dtype``: 2**-9 float32, 2**-14 float64.
    rtol, atol -- for ``assert_almost_equal`` (None: the dtype's defaults).
    grad_nodes -- the arguments to check (names: the dict keys, or ``sym``'s parameter
                  names for a list), or a dict name -> grad_req ('write', 'add',
                  'null'); all, with 'write', by default.
    use_forward_train -- evaluate ``sym`` in training mode for the differences.
    dtype      -- float16, float32 or float64: everything is computed in it.

    The output is weighted by random values in [0.1, 1.1) before summing; the
    numeric gradient of every checked argument, element by element, must agree with
    ndgrad's.

        >>> check_numeric_gradient(lambda a, b: a * nd.sin(b), [[1.0, 2.0], [0.5, 0.1]])
    """
    if dtype not in (np.float16, np.float32, np.float64):
        raise ValueError(f"check_numeric_gradient: dtype must be float16, float32 or "
                         f"float64, not {dtype}")
    if aux_states is not None:
        raise ValueError("check_numeric_gradient: aux_states belong to Symbols; pass "
                         "every input of the function in location")
    if any(s != "default" for s in (grad_stype_dict or {}).values()):
        raise ValueError("check_numeric_gradient: ndgrad has dense gradients only")
    names, args = _arguments(sym, location, dtype)
    reqs = _grad_reqs(grad_nodes, names)
    call = (lambda xs: sym(**dict(zip(names, xs)))) if isinstance(location, dict) else \
        (lambda xs: sym(*xs))
    with autograd.pause():
        out_shape = call(args).shape
    proj = nd.array(np.random.rand(*out_shape) + 0.1, dtype=dtype)
    eps = get_tolerance(np.zeros(0, dtype), numeric_eps, default_numeric_eps())
    if dtype in (np.float16, np.float32) and eps < 1e-5:
        raise ValueError(f"check_numeric_gradient: numeric_eps={eps} is too small for "
                         f"{np.dtype(dtype).name}; use float64")
    # The starting gradient buffers are random, as MXNet's: 'add' and 'null' must
    # respectively add to them and leave them alone. MXNet draws one for the output
    # too: drawing it keeps NumPy's random stream where MXNet leaves it.
    shapes = dict(zip(names, (a.shape for a in args)))
    start = {n: np.random.normal(0, 0.01, size=shapes[n]) for n in reqs}
    np.random.normal(0, 0.01, size=out_shape)
    for n, a in zip(names, args):
        if n in reqs:
            autograd.mark_variables([a], [nd.array(start[n], dtype=dtype)], reqs[n])
    with autograd.record():
        out = call(args)
    out.backward(proj)
    for k, (n, a) in enumerate(zip(names, args)):
        if n not in reqs:
            continue
        numeric = _differences(call, args, k, proj, eps, dtype, use_forward_train)
        grad = a.grad.asnumpy()
        pair = {"write": (numeric, grad), "add": (numeric, grad - start[n]),
                "null": (start[n], grad)}[reqs[n]]
        assert_almost_equal(*pair, rtol, atol, (f"NUMERICAL_{n}", f"BACKWARD_{n}"))


def _arguments(sym, location, dtype):
    if isinstance(location, dict):
        names, values = list(location), list(location.values())
    else:
        values = list(location)
        try:
            params = [p.name for p in inspect.signature(sym).parameters.values()
                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):  # no signature (e.g. an engine op)
            params = []
        names = params if len(params) == len(values) else \
            [f"arg{k}" for k in range(len(values))]
    return names, [nd.array(_numpy(v), dtype=dtype) for v in values]


def _grad_reqs(grad_nodes, names):
    if grad_nodes is None:
        return dict.fromkeys(names, "write")
    reqs = dict(grad_nodes) if isinstance(grad_nodes, dict) else \
        dict.fromkeys(grad_nodes, "write")
    unknown = [n for n in reqs if n not in names]
    if unknown:
        raise ValueError(f"check_numeric_gradient: grad_nodes {unknown} are not "
                         f"arguments; the arguments are {names}")
    return reqs


def _differences(call, args, k, proj, eps, dtype, train):
    """Numeric gradient of sum(proj * call(args)) for argument k, in ``dtype``."""
    x = args[k].asnumpy()
    grad = np.zeros(x.shape, dtype=dtype)
    flat = x.reshape(-1)
    with autograd.pause(train_mode=train):
        for i in range(flat.size):
            sides = []
            for step in (eps / 2, -eps / 2):
                moved = flat.copy()
                moved[i] += step
                trial = list(args)
                trial[k] = nd.array(moved.reshape(x.shape), dtype=dtype)
                sides.append((call(trial) * proj).asnumpy())
            grad.reshape(-1)[i] = (sides[0] - sides[1]).sum() / eps
    return grad
