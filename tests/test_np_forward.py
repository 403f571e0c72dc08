"""Generated from the registry's np names: every ``ndgrad.np`` function's forward against
official NumPy's function of the same name, on the same inputs drawn by hypothesis.

Values agree within float tolerance. After ``npx.set_np(dtype=True)`` (NumPy's float64
default) the result's dtype is NumPy's too, for float64, float32 (alone), int32,
int64 and bool inputs; in the default mode (MXNet's float32 default) inputs are float32
and only values are compared. Where ndgrad differs from NumPy on purpose (as MXNet's
np does; see README), the function is listed below with the reason.

A new np name without a case here fails ``test_every_np_name_has_a_forward_case``.
"""
import numpy as onp
import pytest
from hypothesis import given, settings, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import np, npx
from ndgrad.ndarray import ArrayBase
from ndgrad.ops.registry import REGISTRY
from ndgrad.testing.np_strategies import PREPARE, SAMPLERS

# ---- deliberate differences ----------------------------------------------------------

# Not compared at all.
DIFFERS = {
    # ndgrad's generator is NumPy's, but its streams differ from the official NumPy
    # functions' (and MXNet's); shapes, dtypes and seeding are pinned in test_np.py.
    **{f"random.{n}": "random values" for n in ("normal", "uniform", "randint", "randn",
                                                   "rand", "choice", "multinomial",
                                                   "permutation")},
}
# Values compared, dtypes not (in the dtype=True mode).
DTYPE_DIFFERS = {
    # MXNet's np: lists and scalars make default-float arrays (np.array([1, 2]) is
    # float), and arange / full of integers is float too.
    "array": "lists are float", "asarray": "lists are float",
    "arange": "integers make floats", "full": "an integer fill makes floats",
    # MXNet keeps an integer array's dtype in sum and prod (NumPy widens int32 to int64).
    "sum": "int32 stays int32", "prod": "int32 stays int32",
    # MXNet's rounding functions keep an integer dtype (NumPy's rint gives floats).
    "rint": "integers stay integers",
}
# Value differences at particular points, kept out of the drawn inputs.
HALVES = (-2.5, -1.5, -0.5, 0.5, 1.5, 2.5)  # rint: halves go down in MXNet, even in NumPy
# Outputs that keep their own input's dtype (no promotion between the inputs).
OWN_DTYPES = {"broadcast_arrays"}
# linalg.eigh reads the symmetric part (A + A.T) / 2 of its input (so that its gradient
# is symmetric), NumPy the lower triangle: the inputs drawn are symmetric.


def mxnet_dtype(want, inputs):
    """NumPy's result dtype ``want``, with MXNet np's promotion rule (README): integer
    or bool arrays meeting float arrays take the floats' type (int32 + float32 is
    float32, not float64), and floats computed from integers or bools alone have the
    default float dtype (float64 after set_np(dtype=True); NumPy gives float16 for
    bools)."""
    if want.kind != "f":
        return want
    arrays = [a for a in _leaves(inputs) if isinstance(a, onp.ndarray)]
    floats = [a.dtype for a in arrays if a.dtype.kind == "f"]
    if floats:
        return onp.result_type(*floats)
    return onp.dtype(onp.float64) if arrays else want


def _leaves(x):
    if isinstance(x, (list, tuple)):
        for item in x:
            yield from _leaves(item)
    else:
        yield x


# ---- inputs ----------------------------------------------------------------------------

FLOAT_MODES = {"default": [onp.float32],
               "numpy": [onp.float64, onp.float32, onp.int32, onp.int64, onp.bool_]}


def _values(dtype, domain, avoid):
    lo, hi = domain
    if dtype == onp.bool_:
        return st.booleans()
    if onp.dtype(dtype).kind in "iu":
        low, high = int(onp.ceil(lo)), int(onp.floor(hi))
        return st.integers(low, max(low, high))
    # Values the dtype holds exactly: hypothesis refuses others under NumPy 1.x
    # (whose comparisons are in float64). Rounding moves them by an ulp at most.
    as_dtype = onp.dtype(dtype).type
    floats = st.floats(lo, hi, allow_nan=False, allow_infinity=False).map(
        lambda v: float(as_dtype(v)))
    return floats.filter(lambda v: all(abs(v - a) > 0.05 for a in avoid))


class Draw:
    """Input makers for one example: arrays of this mode's dtypes."""

    def __init__(self, draw, mode):
        self.draw, self.mode = draw, mode

    def dtype(self, kinds=None):
        choices = [d for d in FLOAT_MODES[self.mode]
                   if kinds is None or onp.dtype(d).kind in kinds]
        return self.draw(st.sampled_from(choices or [onp.float32]))

    def shape(self, min_dims=0, max_dims=3, min_side=1, max_side=3):
        return self.draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims,
                                          min_side=min_side, max_side=max_side))

    def array(self, shape=None, domain=(-2.0, 2.0), avoid=(), dtype=None, kinds=None,
              **shape_kw):
        shape = self.shape(**shape_kw) if shape is None else shape
        dtype = self.dtype(kinds) if dtype is None else dtype
        return self.draw(hnp.arrays(dtype, shape, elements=_values(dtype, domain, avoid)))

    def axis(self, ndim, none=True, tuples=True):
        options = [st.integers(-ndim, ndim - 1)] if ndim else []
        if none or not ndim:
            options.append(st.none())
        if tuples and ndim:
            options.append(st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                                    unique=True).map(tuple))
        return self.draw(st.one_of(options))

    def one(self, *choices):
        return self.draw(st.sampled_from(choices))


def _op_domain(name):
    for spec in REGISTRY.values():
        if name in spec.np and spec.test is not None:
            return spec.test.domain_of(0), spec.test.avoid
    return (-2.0, 2.0), ()


UNARY = """abs absolute sign exp expm1 log log1p log2 log10 sqrt cbrt square sin cos tan
    arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees radians floor ceil
    trunc fix negative rint logical_not""".split()
BINARY = """add subtract multiply divide true_divide power maximum minimum mod hypot equal
    not_equal greater greater_equal less less_equal logical_and logical_or logical_xor
    floor_divide""".split()
NONZERO_RHS = {"divide", "true_divide", "mod", "floor_divide"}
BITWISE = ["bitwise_and", "bitwise_or", "bitwise_xor"]
REDUCTIONS = "sum mean prod max amax min amin std var all any".split()
POSITIONS = ["argmax", "argmin"]


def _unary(d, name):
    domain, avoid = _op_domain(name)
    if name == "rint":
        avoid = HALVES
    if name == "reciprocal":
        domain = (0.5, 2.0)
    return (d.array(domain=domain, avoid=avoid),), {}


def _binary(d, name):
    shapes = d.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3,
                                                      max_side=3)).input_shapes
    domain = (0.5, 2.0) if name in ("power", "hypot") else (-2.0, 2.0)
    lhs = d.array(shapes[0], domain=domain)
    rhs_domain = (0.5, 2.0) if name in NONZERO_RHS | {"hypot"} else (-2.0, 2.0)
    if name == "power":
        rhs_domain = (-2.0, 2.0)
    if d.draw(st.booleans()):
        rhs = d.array(shapes[1], domain=rhs_domain)
    else:  # a Python scalar
        rhs = d.draw(st.one_of(st.integers(1, 2), st.floats(*rhs_domain, width=32)))
    if name == "power" and onp.dtype(getattr(lhs, "dtype", float)).kind in "iub":
        rhs = abs(rhs) if onp.ndim(rhs) == 0 else onp.abs(rhs)  # no negative int powers
    return (lhs, rhs), {}


def _bitwise(d, name):
    dtype = d.one(onp.int32, onp.int64, onp.bool_)
    x = d.array(dtype=dtype, domain=(0, 9))
    return (x, d.array(x.shape, dtype=dtype, domain=(0, 9))), {}


def _reduction(d, name):
    x = d.array(min_dims=1)
    kwargs = {"axis": d.axis(x.ndim), "keepdims": d.draw(st.booleans())}
    if name in ("std", "var") and d.draw(st.booleans()):
        kwargs["ddof"] = 1
        if kwargs["axis"] is None and x.size < 2 or onp.ndim(kwargs["axis"]) == 0 and \
                kwargs["axis"] is not None and x.shape[kwargs["axis"]] < 2:
            kwargs["ddof"] = 0
    if name in ("sum", "mean", "prod") and d.draw(st.booleans()):
        kwargs["dtype"] = d.one(onp.float64, onp.float32)
    return (x,), kwargs


def _position(d, name):
    x = d.array(min_dims=1, kinds="f")
    x = x + onp.arange(x.size).reshape(x.shape) * 5  # no ties
    return (x,), {"axis": d.axis(x.ndim, tuples=False)}


def _shape_case(make):
    return lambda d, name: make(d)


def _square_inputs(name, d):
    shapes, kwargs = d.draw(SAMPLERS[name]())
    values = [d.draw(hnp.arrays(onp.float64, s, elements=_values(onp.float64,
                                                                  (-2.0, 2.0), ())))
              for s in shapes]
    if name in PREPARE:
        values = PREPARE[name](values)
    return values, kwargs


def _linalg(op_name):
    def case(d, name):
        values, kwargs = _square_inputs(op_name, d)
        if name == "linalg.eigh":
            values = [(v + onp.swapaxes(v, -1, -2)) / 2 for v in values]
        if name == "linalg.svd" and values[0].shape[-1] != values[0].shape[-2]:
            # ndgrad computes the reduced decomposition only (NotImplementedError else)
            return tuple(values), {"full_matrices": False}
        return tuple(values), {}
    return case


def _einsum(d, name):
    values, kwargs = _square_inputs("einsum", d)
    return (kwargs["subscripts"], *values), {}


def _matmul(d, name):
    values, _ = _square_inputs("matmul", d)
    return tuple(values), {}


def _dot_like(d, name):
    n, k, m = (d.draw(st.integers(1, 3)) for _ in range(3))
    shapes = {"dot": d.one(((n, k), (k, m)), ((k,), (k,)), ((n, k), (k,)), ((), (n, k)),
                           ((2, n, k), (3, k, m))),
              "inner": d.one(((n, k), (m, k)), ((k,), (k,)), ((), (n,))),
              "outer": d.one(((n,), (m,)), ((n, k), (m,))),
              "vdot": d.one(((n, k), (n, k)), ((k,), (k,))),
              "tensordot": d.one(((n, k), (k, m)), ((n, k, m), (k, m, 2)))}[name]
    a, b = (d.array(s, kinds="f") for s in shapes)
    if name == "tensordot":
        return (a, b), {"axes": 1 if a.ndim == 2 else 2}
    return (a, b), {}


def _creation(name):
    def case(d, _):
        shape = d.shape(max_dims=2)
        dtype = d.one(None, "float64", "int32")
        if name in ("zeros", "ones", "empty"):
            return (shape,), {} if dtype is None else {"dtype": dtype}
        if name == "full":
            return (shape, d.one(7, 2.5)), {} if dtype is None else {"dtype": dtype}
        if name in ("eye", "identity"):
            n = d.draw(st.integers(1, 4))
            if name == "identity":
                return (n,), {}
            return (n, d.one(None, 2, 5), d.draw(st.integers(-2, 2))), {}
        if name == "arange":
            return d.one((5,), (1, 4), (0.5, 3, 0.5), (3, 0, -1)), {}
        if name == "linspace":
            return (d.one(0, -1.5), d.one(1, 4), d.draw(st.integers(1, 6))), {
                "endpoint": d.draw(st.booleans())}
        x = d.array()
        if name in ("zeros_like", "ones_like", "empty_like"):
            return (x,), {} if dtype is None else {"dtype": dtype}
        if name == "full_like":
            return (x, 3), {}
        if name in ("array", "asarray", "copy"):
            # lists make default-float arrays (MXNet): dtypes are checked for arrays
            lists = d.mode == "default" or name != "copy"
            return ((x if not lists or d.draw(st.booleans()) else x.tolist()),), {}
        raise AssertionError(name)
    return case


def _split(d, name):
    x = d.array(min_dims=1, max_side=4)
    axis = d.draw(st.integers(0, x.ndim - 1))
    if name == "split":
        n = x.shape[axis]
        parts = d.one(*[p for p in range(1, n + 1) if n % p == 0])
    else:
        parts = d.draw(st.integers(1, 4))
    if d.draw(st.booleans()):
        parts = sorted(d.draw(st.lists(st.integers(0, x.shape[axis]), min_size=1,
                                       max_size=3)))
    return (x, parts), {"axis": axis}


def _joined(name):
    def case(d, _):
        shape = d.shape(min_dims=1)
        count = d.draw(st.integers(1, 3))
        if name in ("concatenate", "hstack", "vstack"):
            axis = 0 if name != "hstack" or len(shape) == 1 else 1
            if name == "vstack" and len(shape) == 1:
                arrays = [d.array(shape) for _ in range(count)]
                return (arrays,), {}
            arrays = []
            for _ in range(count):
                s = list(shape)
                s[axis] = d.draw(st.integers(1, 3))
                arrays.append(d.array(tuple(s)))
            if name == "concatenate":
                return (arrays,), {"axis": axis}
            return (arrays,), {}
        arrays = [d.array(shape) for _ in range(count)]
        return (arrays,), {"axis": d.draw(st.integers(-len(shape) - 1, len(shape)))}
    return case


def _reshape(d, name):
    x = d.array()
    if name == "ravel":
        return (x,), {}
    ones = (1,) * d.draw(st.integers(0, 2))
    target = (x.size,) if d.draw(st.booleans()) else (-1,) + ones
    return (x, target), {}


def _squeeze(d, name):
    shape = tuple(d.one(1, 2) for _ in range(d.draw(st.integers(0, 4))))
    x = d.array(shape)
    ones = [i for i, s in enumerate(shape) if s == 1]
    return (x,), {"axis": tuple(ones[:d.draw(st.integers(0, len(ones)))]) or None}


def _axes_case(name):
    def case(d, _):
        x = d.array(min_dims=1)
        n = x.ndim
        if name == "transpose":
            return (x, d.one(None, tuple(d.draw(st.permutations(range(n)))))), {}
        if name == "swapaxes":
            return (x, d.draw(st.integers(-n, n - 1)), d.draw(st.integers(-n, n - 1))), {}
        if name == "moveaxis":
            return (x, d.draw(st.integers(-n, n - 1)), d.draw(st.integers(-n, n - 1))), {}
        if name == "expand_dims":
            return (x, d.draw(st.integers(-n - 1, n))), {}
        if name == "flip":
            return (x,), {"axis": d.axis(n)}
        if name == "cumsum":
            return (x,), {"axis": d.axis(n, tuples=False)}
        if name in ("sort", "argsort"):
            if x.dtype.kind == "f":  # few ties
                x = x + onp.arange(x.size).reshape(x.shape) % 7 * 0.01
            kwargs = {"axis": d.one(-1, 0, None)}
            if name == "argsort":
                kwargs["kind"] = "stable"  # ties: ndgrad's order is the stable one
            return (x,), kwargs
        if name == "repeat":
            return (x, d.draw(st.integers(0, 3))), {"axis": d.axis(n, tuples=False)}
        if name == "tile":
            return (x, tuple(d.draw(st.integers(1, 2)) for _ in range(d.draw(
                st.integers(1, 3))))), {}
        if name == "broadcast_to":
            return (x, (2,) + x.shape), {}
        if name == "take":
            idx = d.array((d.draw(st.integers(1, 4)),), dtype=onp.int64,
                          domain=(0, x.shape[0] - 1))
            return (x, idx), {"axis": d.one(None, 0)} if True else {}
        if name == "nonzero":
            return (x,), {}
        if name in ("tril", "triu"):
            y = d.array(min_dims=2)
            return (y, d.draw(st.integers(-1, 1))), {}
        if name == "diag":
            y = d.array(min_dims=1, max_dims=2)
            return (y, d.draw(st.integers(-1, 1))), {}
        if name == "clip":
            return (x, d.one(-1, None), d.one(1, 0.5)), {}
        if name in ("round", "around"):
            return (x,), {"decimals": d.draw(st.integers(0, 2))}
        raise AssertionError(name)
    return case


def _where(d, name):
    shapes = d.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3,
                                                      max_side=3)).input_shapes
    cond = d.array(shapes[0], dtype=onp.bool_)
    if d.draw(st.booleans()):
        return (cond,), {}
    return (cond, d.array(shapes[1]), d.array(shapes[2])), {}


def _norm(d, name):
    x = d.array(min_dims=1, max_dims=2, kinds="f")
    ord_ = d.one(None, 1, 2) if x.ndim == 1 else d.one(None, "fro")
    kwargs = {"ord": ord_}
    if x.ndim == 2 and ord_ is None and d.draw(st.booleans()):
        kwargs["axis"] = d.one(0, 1, -1)
    return (x,), kwargs


def _pad(d, name):
    x = d.array(min_dims=1)
    pair = st.tuples(st.integers(0, 2), st.integers(0, 2))
    widths = d.draw(st.one_of(st.integers(0, 2), pair,
                              st.tuples(*[pair for _ in x.shape])))
    mode = d.one("constant", "edge", "reflect")
    return (x, widths), {"mode": mode}


def _broadcast_arrays(d, name):
    shapes = d.draw(hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3,
                                                      max_side=3)).input_shapes
    return tuple(d.array(s) for s in shapes), {}


def _invert(d, name):
    return (d.array(dtype=d.one(onp.int32, onp.int64, onp.bool_), domain=(0, 9)),), {}


CASES = {
    **{n: _unary for n in UNARY}, **{n: _binary for n in BINARY},
    **{n: _bitwise for n in BITWISE}, "invert": _invert, "bitwise_not": _invert,
    **{n: _reduction for n in REDUCTIONS}, **{n: _position for n in POSITIONS},
    "reciprocal": _unary,
    **{n: _creation(n) for n in """zeros ones empty full eye identity arange linspace
        zeros_like ones_like empty_like full_like array asarray copy""".split()},
    "split": _split, "array_split": _split,
    **{n: _joined(n) for n in ("concatenate", "hstack", "vstack", "stack")},
    "reshape": _reshape, "ravel": _reshape, "squeeze": _squeeze,
    **{n: _axes_case(n) for n in """transpose swapaxes moveaxis expand_dims flip cumsum
        sort argsort repeat tile broadcast_to take nonzero tril triu diag clip round
        around""".split()},
    "where": _where, "pad": _pad, "broadcast_arrays": _broadcast_arrays,
    **{n: _dot_like for n in ("dot", "inner", "outer", "vdot", "tensordot")},
    "matmul": _matmul, "einsum": _einsum, "linalg.norm": _norm,
    **{f"linalg.{n}": _linalg(f"linalg_{n}") for n in """inv det slogdet solve pinv
        cholesky eigh qr svd""".split()},
}
COMPOSITIONS = ["broadcast_arrays", "pad"]  # np functions built from several ops
NAMES = sorted({n for spec in REGISTRY.values() for n in spec.np} | set(COMPOSITIONS))


def test_every_np_name_has_a_forward_case():
    assert [n for n in NAMES if n not in CASES and n not in DIFFERS] == []


# ---- the comparison -------------------------------------------------------------------

def _to_ndgrad(x):
    if isinstance(x, onp.ndarray):
        return np.array(x)
    if type(x) is list and x and isinstance(x[0], onp.ndarray):
        return [np.array(a) for a in x]
    return x


def _function(module, name):
    for part in name.split("."):
        module = getattr(module, part)
    return module


def _same(got, want, name, dtypes, inputs):
    if isinstance(want, (tuple, list)):
        assert isinstance(got, (tuple, list)) and len(got) == len(want), (got, want)
        for g, w in zip(got, want):
            _same(g, w, name, dtypes, inputs)
        return
    assert isinstance(got, ArrayBase), f"{name} gave a {type(got).__name__}"
    want, got = onp.asarray(want), got.asnumpy()
    assert got.shape == want.shape, (got.shape, want.shape)
    if dtypes:
        # an explicit dtype= is NumPy's; otherwise MXNet's promotion rule
        expected = want.dtype if "dtype" in inputs[1] or name in OWN_DTYPES else \
            mxnet_dtype(want.dtype, inputs)
        assert got.dtype == expected, f"{name}: {got.dtype}, NumPy {want.dtype}"
    if name in ("empty", "empty_like"):
        return
    if want.dtype.kind in "fc" or got.dtype.kind in "fc":
        # to the precision of the less precise of the two
        eps = max(onp.finfo(d).eps if d.kind in "fc" else 0 for d in (got.dtype,
                                                                      want.dtype))
        onp.testing.assert_allclose(got.astype(onp.float64), want.astype(onp.float64),
                                    rtol=max(1e-9, 100 * eps), atol=max(1e-12, 10 * eps),
                                    equal_nan=True, err_msg=name)
    else:
        assert got.tolist() == want.tolist(), name


# A third of the profile's examples: ~270 cases, each cheap, but many.
@pytest.mark.parametrize("name", [n for n in NAMES if n not in DIFFERS])
@pytest.mark.parametrize("mode", ["default", "numpy"])
@settings(max_examples=max(5, settings.default.max_examples // 3))
@given(data=st.data())
def test_forward_is_numpys(name, mode, data):
    args, kwargs = CASES[name](Draw(data.draw, mode), name)
    with onp.errstate(all="ignore"):
        try:
            want = _function(onp, name)(*args, **kwargs)
        except (ValueError, TypeError, IndexError) as e:
            # NumPy refuses these inputs: so must ndgrad, with an error of that kind
            kind = next(k for k in (ValueError, TypeError, IndexError)
                        if isinstance(e, k))
            with pytest.raises(kind):
                _call_ndgrad(name, mode, args, kwargs)
            return
        got = _call_ndgrad(name, mode, args, kwargs)
    _same(got, want, name, mode == "numpy" and name not in DTYPE_DIFFERS, (args, kwargs))


def _call_ndgrad(name, mode, args, kwargs):
    npx.set_np(dtype=mode == "numpy")
    try:
        return _function(np, name)(*[_to_ndgrad(a) for a in args], **kwargs)
    finally:
        npx.reset_np()
