"""Elementwise ops: binary arithmetic with broadcasting, unary math, comparisons.

Every VJP below is an expression in ndgrad ops and Python operators, so it runs on raw
NumPy data in a plain backward and is recorded (differentiable again) under
``create_graph``. The fused ``_*_grad`` ops are backward kernels in their own right,
with their own VJPs.
"""
import math

import numpy as np

from ndgrad import _kernels
from ndgrad._engine import ANS, G, SELF, Call
from ndgrad.ops.creation import zeros_like
from ndgrad.ops.registry import GradTest, defop

BINARY = ("lhs", "rhs")


def _zero_grad(g, ans, x, *rest, **kwargs):
    # What MXNet gives for rounding, sign, comparisons and argmax: a gradient of zero
    # (recorded, so that backward runs and delivers zeros, as in MXNet).
    return zeros_like(x)


def _binary(name, fwd, vjps, doc, *, domain=((-2.0, 2.0),), distinct=False,
            np_names=None, nd_names=None, **flags):
    return defop(name, fwd, vjps, inputs=BINARY, nd=nd_names or (name,),
                 np=np_names or (name,), doc=doc,
                 test=GradTest("broadcast", domain=domain, distinct=distinct), **flags)


# The four operators run NumPy's ufuncs, with typed loops for small float arrays
# (_kernels); their VJPs call the ops rather than NumPy's operators for the same reason,
# as Calls (the engine calls the op with no Python frame) where they are one op.
add = _binary("add", _kernels.add, (Call(None, G), Call(None, G)),
              "Elementwise sum with broadcasting.\n\n"
              "    >>> nd.add(nd.array([1, 2]), 1)\n"
              "    [2. 3.]", save_inputs=False,
              nd_names=("add", "broadcast_add", "broadcast_plus"))
subtract = _binary("subtract", _kernels.subtract,
                   (Call(None, G), lambda g, ans, a, b: -g),
                   "Elementwise difference with broadcasting.\n\n"
                   "    >>> nd.subtract(nd.array([5, 7]), nd.array([1, 2]))\n"
                   "    [4. 5.]\n"
                   "    >>> nd.broadcast_sub(nd.array([[5], [7]]), nd.array([1, 2]))\n"
                   "    [[4. 3.]\n"
                   "     [6. 5.]]", save_inputs=False,
                   nd_names=("subtract", "broadcast_sub", "broadcast_minus"))
multiply = _binary("multiply", _kernels.multiply,
                   (Call(SELF, G, 1), Call(SELF, G, 0)),
                   "Elementwise product with broadcasting.\n\n"
                   "    >>> nd.multiply(nd.array([[1, 2], [3, 4]]), nd.array([10, 100]))\n"
                   "    [[ 10. 200.]\n"
                   "     [ 30. 400.]]",
                   nd_names=("multiply", "broadcast_mul"),
                   vjp_forward=_kernels.multiply_grad)
divide = _binary("divide", _kernels.divide,
                 (Call(SELF, G, 1),
                  lambda g, ans, a, b: -g * a / (b * b)),
                 "Elementwise true division with broadcasting.\n\n"
                 "    >>> nd.divide(nd.array([1, 2]), 4)\n"
                 "    [0.25 0.5 ]",
                 np_names=("divide", "true_divide"),
                 domain=((-2.0, 2.0), (0.5, 2.0)),
                 nd_names=("divide", "broadcast_div"))


def _log_of(x):
    # log of a power's base; a Python scalar base stays a Python float so that it does
    # not promote the gradient's dtype. As np.log (and MXNet): -inf at 0, NaN below,
    # where math.log raises.
    if isinstance(x, (int, float)):
        return math.log(x) if x > 0 else -math.inf if x == 0 else math.nan
    return log(x)


def _power_lhs(g, ans, a, b):
    if type(b) is int and b == 2:  # x ** 2, the squared loss: one product, not a power
        return multiply(g, multiply(a, 2))
    return g * b * power(a, b - 1)


power = _binary("power", np.power,
                (_power_lhs,
                 lambda g, ans, a, b: g * ans * _log_of(a)),
                "Elementwise power with broadcasting: lhs ** rhs.\n\n"
                "    >>> nd.power(nd.array([2, 3]), nd.array([3, 2]))\n"
                "    [8. 9.]",
                domain=((0.5, 2.0), (-2.0, 2.0)), save_output=True,
                nd_names=("power", "broadcast_power"))
maximum = _binary("maximum", np.maximum,
                  (lambda g, ans, a, b: g * (a >= b), lambda g, ans, a, b: g * (a < b)),
                  "Elementwise maximum; ties send the gradient to lhs.\n\n"
                  "    >>> nd.maximum(nd.array([1, 5]), nd.array([3, 2]))\n"
                  "    [3. 5.]", distinct=True,
                  nd_names=("maximum", "broadcast_maximum"))
minimum = _binary("minimum", np.minimum,
                  (lambda g, ans, a, b: g * (a <= b), lambda g, ans, a, b: g * (a > b)),
                  "Elementwise minimum; ties send the gradient to lhs.\n\n"
                  "    >>> nd.minimum(nd.array([1, 5]), nd.array([3, 2]))\n"
                  "    [1. 2.]", distinct=True,
                  nd_names=("minimum", "broadcast_minimum"))


def _nd_compare(lhs, rhs):
    # nd comparisons give 0/1 in the array's dtype, as the operators do (MXNet).
    ref = lhs if hasattr(lhs, "dtype") else rhs
    return (lhs, rhs), {"dtype": np.dtype(getattr(ref, "dtype", np.float32))}


def _compare(name, ufunc, symbol, printed, np_name=None):
    # printed: what the example prints, written out (formatting arrays at import is slow)
    def forward(lhs, rhs, dtype=None):
        out = ufunc(lhs, rhs)
        return out if dtype is None else out.astype(dtype)
    forward.__doc__ = (f"1 where lhs {symbol} rhs, else 0 (with broadcasting). Its "
                       "gradient is zero, as in MXNet.\n\n"
                       f"    >>> nd.{name}(nd.array([1, 2, 3]), 2)\n"
                       f"    {printed}")
    return defop(name, forward, (_zero_grad, lambda g, ans, a, b, dtype=None: zeros_like(b)),
                 inputs=BINARY, nd=(name, "broadcast_" + name), nd_args=_nd_compare,
                 np=(np_name or name,),
                 test=GradTest("broadcast", distinct=True))


equal = _compare("equal", np.equal, "==", "[0. 1. 0.]")
not_equal = _compare("not_equal", np.not_equal, "!=", "[1. 0. 1.]")
greater = _compare("greater", np.greater, ">", "[0. 0. 1.]")
greater_equal = _compare("greater_equal", np.greater_equal, ">=", "[0. 1. 1.]")
lesser = _compare("lesser", np.less, "<", "[1. 0. 0.]", np_name="less")
lesser_equal = _compare("lesser_equal", np.less_equal, "<=", "[1. 1. 0.]",
                        np_name="less_equal")


def _unary(name, fwd, vjp, doc, *, domain=(-2.0, 2.0), avoid=(),
           np_names=None, **flags):
    return defop(name, fwd, (vjp,), nd=(name,), np=(name,) if np_names is None else np_names,
                 doc=doc,
                 test=GradTest("elementwise", domain=(domain,), avoid=avoid), **flags)


# Fused backward kernels (Cython), each an op with its own VJPs. In a plain backward
# their result can go straight into a gradient summed so far (vjp_add).
tanh_grad = defop(
    "_tanh_grad", _kernels.tanh_grad,
    (Call(SELF, G, 1), lambda g, ans, gy, t: -2 * g * gy * t),
    inputs=("g", "t"), doc="g * (1 - t**2): the backward of tanh given its output.",
    test=GradTest("broadcast", domain=((-2.0, 2.0), (-0.99, 0.99))),
    vjp_add=_kernels.tanh_grad_add)
sigmoid_grad = defop(
    "_sigmoid_grad", _kernels.sigmoid_grad,
    (Call(SELF, G, 1), lambda g, ans, gy, s: g * gy * (1 - 2 * s)),
    inputs=("g", "s"), doc="g * s * (1 - s): the backward of sigmoid given its output.",
    test=GradTest("broadcast", domain=((-2.0, 2.0), (0.01, 0.99))),
    vjp_add=_kernels.sigmoid_grad_add)
relu_grad = defop(
    "_relu_grad", _kernels.relu_grad, (Call(SELF, G, 1), None),
    inputs=("g", "x"), doc="g where x > 0, else 0: the backward of relu.",
    test=GradTest("broadcast", avoid=(0.0,)), vjp_add=_kernels.relu_grad_add)

negative = _unary("negative", np.negative, lambda g, ans, x: -g,
                  "Numerical negative, elementwise.\n\n"
                  "    >>> nd.negative(nd.array([1, -2]))\n    [-1.  2.]",
                  save_inputs=False)


def _exp(x):
    """exp(x); float32 is computed in float64 and rounded once.

    NumPy's float32 exp kernel (SIMD) is up to about 2 ulp off (exp(1) = 2.7182820 on
    AVX512 machines, 4 values in 10 differ), while MXNet's calls the C library's expf,
    which rounds correctly (to 0.502 ulp). The float64 loop casts on the fly into the
    float32 result (no float64 copy): 4M elements take 5.4 ms instead of 1.7 ms. Other
    dtypes (float64, float16, complex for the complex step) are NumPy's.
    """
    if getattr(x, "dtype", None) != np.float32:
        return np.exp(x)
    return np.exp(x, dtype=np.float64, out=np.empty_like(x), casting="same_kind")


exp = _unary("exp", _exp, Call(multiply, G, ANS),
             "Exponential, elementwise.\n\n    >>> nd.exp(nd.array([0, 1]))\n"
             "    [1.        2.7182817]", save_inputs=False, save_output=True)
expm1 = _unary("expm1", np.expm1, lambda g, ans, x: g * (ans + 1),
               "exp(x) - 1, accurate near 0 (where exp(x) - 1 rounds to 0).\n\n"
               "    >>> nd.expm1(nd.array([0, 1e-10]))\n"
               "    [0.e+00 1.e-10]", save_inputs=False, save_output=True)
log = _unary("log", np.log, lambda g, ans, x: g / x, "Natural logarithm, elementwise."
             "\n\n    >>> nd.log(nd.array([1, 100]))\n    [0.        4.6051702]",
             domain=(0.1, 3.0))
log1p = _unary("log1p", np.log1p, lambda g, ans, x: g / (x + 1),
               "log(1 + x), accurate near 0.\n\n    >>> nd.log1p(nd.array([0, 1]))\n"
               "    [0.        0.6931472]", domain=(-0.9, 3.0))
sqrt = _unary("sqrt", np.sqrt, lambda g, ans, x: g / (2 * ans),
              "Square root, elementwise.\n\n    >>> nd.sqrt(nd.array([4, 2]))\n"
              "    [2.        1.4142135]",
              domain=(0.1, 3.0), save_inputs=False, save_output=True)
square = _unary("square", np.square, lambda g, ans, x: g * 2 * x, "x * x, elementwise."
                "\n\n    >>> nd.square(nd.array([-3, 2]))\n    [9. 4.]")
reciprocal = _unary("reciprocal", np.reciprocal, lambda g, ans, x: -g * ans * ans,
                    "1 / x, elementwise.\n\n    >>> nd.reciprocal(nd.array([2, 4]))\n"
                    "    [0.5  0.25]", domain=(0.5, 2.0), save_inputs=False,
                    save_output=True)
sin = _unary("sin", np.sin, lambda g, ans, x: g * cos(x), "Sine, elementwise.\n\n"
             "    >>> nd.sin(nd.array([0, 0.5]))\n    [0.         0.47942555]")
cos = _unary("cos", np.cos, lambda g, ans, x: -g * sin(x), "Cosine, elementwise.\n\n"
             "    >>> nd.cos(nd.array([0, 0.5]))\n    [1.         0.87758255]")
tanh = _unary("tanh", _kernels.tanh, Call(tanh_grad, G, ANS),
              "Hyperbolic tangent, elementwise.\n\n    >>> nd.tanh(nd.array([0, 1]))\n"
              "    [0.        0.7615942]", save_inputs=False, save_output=True)


def _sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), elementwise.

        >>> nd.sigmoid(nd.array([0, 2]))
        [0.5      0.880797]
    """
    return np.reciprocal(1 + np.exp(-x))


sigmoid = _unary("sigmoid", _sigmoid, Call(sigmoid_grad, G, ANS),
                 _sigmoid.__doc__, np_names=(), npx=("sigmoid",), save_inputs=False,
                 save_output=True)
relu = _unary("relu", lambda x: np.maximum(x, 0), Call(relu_grad, G, ANS),
              "max(x, 0), elementwise.\n\n    >>> nd.relu(nd.array([-1, 2]))\n"
              "    [0. 2.]", avoid=(0.0,), np_names=(), npx=("relu",),
              save_inputs=False,
              save_output=True)
sign = defop("sign", np.sign, (_zero_grad,), nd=("sign",), np=("sign",),
             doc="-1, 0 or 1 by the sign of x. Its gradient is zero, as in MXNet.\n\n"
                 "    >>> nd.sign(nd.array([-2, 0, 3]))\n    [-1.  0.  1.]",
             test=GradTest("elementwise", avoid=(0.0,)))
abs = _unary("abs", np.abs, lambda g, ans, x: g * sign(x), "Absolute value, elementwise."
             "\n\n    >>> nd.abs(nd.array([-2, 3]))\n    [2. 3.]",
             avoid=(0.0,), np_names=("abs", "absolute"))


# ---- more unary math (MXNet's names; `np_names=()` where NumPy has no such function) --
def _rounding(name, fwd, doc, avoid, np_names=None):
    summary, _, example = doc.partition("\n\n")
    doc = summary + " Its gradient is zero, as in MXNet."
    doc += "\n\n" + example if example else ""
    return _unary(name, fwd, _zero_grad, doc, avoid=avoid, np_names=np_names)


_INTEGERS = (-2.0, -1.0, 0.0, 1.0, 2.0)
_HALVES = (-1.5, -0.5, 0.5, 1.5)


def _round(x):
    """Round half away from zero (MXNet's round, unlike NumPy's half-to-even).

        >>> nd.round(nd.array([-1.5, 0.5, 2.5]))
        [-2.  1.  3.]
    """
    return np.copysign(np.floor(np.abs(x) + 0.5), x)


def _rint(x):
    """Round to the nearest integer, halves downwards (MXNet's rint: 0.5 -> 0, 1.5 -> 1,
    -0.5 -> -1).

        >>> nd.rint(nd.array([-0.5, 0.5, 1.5]))
        [-1.  0.  1.]
    """
    low = np.floor(x)
    # copysign: -0.4 rounds to -0., as in MXNet (low + 1 would be +0.)
    return np.copysign(np.where(x - low <= 0.5, low, low + 1), x).astype(low.dtype)


floor = _rounding("floor", np.floor, "Largest integer <= x, elementwise.\n\n"
                  "    >>> nd.floor(nd.array([-1.5, 1.5]))\n    [-2.  1.]", _INTEGERS)
ceil = _rounding("ceil", np.ceil, "Smallest integer >= x, elementwise.\n\n"
                 "    >>> nd.ceil(nd.array([-1.5, 1.5]))\n    [-1.  2.]", _INTEGERS)
trunc = _rounding("trunc", np.trunc, "x rounded towards zero, elementwise.\n\n"
                  "    >>> nd.trunc(nd.array([-1.5, 1.5]))\n    [-1.  1.]", _INTEGERS)
fix = _rounding("fix", np.trunc, "x rounded towards zero, elementwise (as trunc).\n\n"
                "    >>> nd.fix(nd.array([-1.5, 1.5]))\n    [-1.  1.]", _INTEGERS)
round = _rounding("round", _round, _round.__doc__, _HALVES, np_names=())
rint = _rounding("rint", _rint, _rint.__doc__, _HALVES, np_names=())


def float_result(data):
    """The dtype of a float function of ``data`` computed in float64: a float input's
    own (float16 stays float16, as in MXNet), else the float NumPy gives it."""
    dtype = np.asarray(data).dtype
    return dtype if dtype.kind == "f" else np.result_type(dtype, np.float32)


def _in_float64(fn):
    # NumPy's float32 kernels can be an ulp off where MXNet's are exact (cbrt(27) =
    # 2.9999998, log10(100) = 2.0000002): compute in float64, round once.
    return lambda x: fn(np.asarray(x, dtype=np.float64)).astype(float_result(x))


def _math(name, fn, vjp, doc, call, result, **kwargs):
    """A unary op over a NumPy function computed in float64, with an example."""
    return _unary(name, _in_float64(fn), vjp, f"{doc}\n\n    >>> {call}\n    {result}",
                  **kwargs)


_LN2, _LN10 = math.log(2.0), math.log(10.0)
log2 = _math("log2", np.log2, lambda g, ans, x: g / (x * _LN2), "Base-2 logarithm.",
             "nd.log2(nd.array([1, 8]))", "[0. 3.]", domain=(0.1, 3.0))
log10 = _math("log10", np.log10, lambda g, ans, x: g / (x * _LN10), "Base-10 logarithm.",
              "nd.log10(nd.array([1, 100]))", "[0. 2.]", domain=(0.1, 3.0))
rsqrt = _unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda g, ans, x: -0.5 * g * ans ** 3,
               "1 / sqrt(x), elementwise.\n\n    >>> nd.rsqrt(nd.array([4, 0.25]))\n"
               "    [0.5 2. ]", domain=(0.2, 3.0), np_names=(), save_inputs=False,
               save_output=True)
cbrt = _math("cbrt", np.cbrt, lambda g, ans, x: g / (3 * square(ans)),
             "Cube root, elementwise.", "nd.cbrt(nd.array([-8, 27]))", "[-2.  3.]",
             avoid=(0.0,), save_inputs=False, save_output=True)
rcbrt = _math("rcbrt", lambda x: 1 / np.cbrt(x), lambda g, ans, x: -g * ans / (3 * x),
              "1 / cbrt(x), elementwise.", "nd.rcbrt(nd.array([1, 8]))", "[1.  0.5]",
              avoid=(0.0,), np_names=(), save_output=True)
tan = _math("tan", np.tan, lambda g, ans, x: g * (1 + square(ans)), "Tangent.",
            "nd.tan(nd.array([0, 0.5]))", "[0.        0.5463025]", domain=(-1.2, 1.2),
            save_inputs=False, save_output=True)
arcsin = _math("arcsin", np.arcsin, lambda g, ans, x: g / sqrt(1 - square(x)),
               "Inverse sine, on [-1, 1].", "nd.arcsin(nd.array([0, 1]))",
               "[0.        1.5707964]", domain=(-0.9, 0.9))
arccos = _math("arccos", np.arccos, lambda g, ans, x: -g / sqrt(1 - square(x)),
               "Inverse cosine, on [-1, 1].", "nd.arccos(nd.array([1, 0]))",
               "[0.        1.5707964]", domain=(-0.9, 0.9))
arctan = _math("arctan", np.arctan, lambda g, ans, x: g / (1 + square(x)),
               "Inverse tangent.", "nd.arctan(nd.array([0, 1]))", "[0.        0.7853982]")
sinh = _math("sinh", np.sinh, lambda g, ans, x: g * cosh(x), "Hyperbolic sine.",
             "nd.sinh(nd.array([0, 1]))", "[0.        1.1752012]")
cosh = _math("cosh", np.cosh, lambda g, ans, x: g * sinh(x), "Hyperbolic cosine.",
             "nd.cosh(nd.array([0, 1]))", "[1.        1.5430807]")
arcsinh = _math("arcsinh", np.arcsinh, lambda g, ans, x: g / sqrt(square(x) + 1),
                "Inverse hyperbolic sine.", "nd.arcsinh(nd.array([0, 1]))",
                "[0.        0.8813736]")
arccosh = _math("arccosh", np.arccosh, lambda g, ans, x: g / sqrt(square(x) - 1),
                "Inverse hyperbolic cosine, on [1, inf).", "nd.arccosh(nd.array([1, 2]))",
                "[0.       1.316958]", domain=(1.2, 3.0))
arctanh = _math("arctanh", np.arctanh, lambda g, ans, x: g / (1 - square(x)),
                "Inverse hyperbolic tangent, on (-1, 1).",
                "nd.arctanh(nd.array([0, 0.5]))", "[0.         0.54930615]",
                domain=(-0.9, 0.9))
degrees = _unary("degrees", np.degrees, lambda g, ans, x: g * (180 / math.pi),
                 "Radians to degrees.\n\n    >>> nd.degrees(nd.array([0, 3.14159265]))\n"
                 "    [  0. 180.]", save_inputs=False)
radians = _unary("radians", np.radians, lambda g, ans, x: g * (math.pi / 180),
                 "Degrees to radians.\n\n    >>> nd.radians(nd.array([0, 180]))\n"
                 "    [0.        3.1415927]", save_inputs=False)
softsign = _unary("softsign", lambda x: x / (1 + np.abs(x)),
                  lambda g, ans, x: g / square(1 + abs(x)),
                  "x / (1 + |x|), elementwise.\n\n"
                  "    >>> nd.softsign(nd.array([-1, 3]))\n"
                  "    [-0.5   0.75]", avoid=(0.0,), np_names=())


def _clip(data, a_min, a_max):
    """Limit the values to [a_min, a_max]; the gradient is 1 inside (ends included)
    and 0 outside, as in MXNet.

        >>> nd.clip(nd.array([-2, 0.5, 3]), -1, 1)
        [-1.   0.5  1. ]
    """
    return np.clip(data, a_min, a_max)


clip = defop("clip", _clip,
             (lambda g, ans, x, a_min, a_max: g * ((x >= a_min) * (x <= a_max)),),
             nd=("clip",), np=("clip",), doc=_clip.__doc__,
             test=GradTest("elementwise", avoid=(-1.0, 1.0),
                           kwargs={"a_min": -1.0, "a_max": 1.0}))


# ---- more binary ops ------------------------------------------------------------
def _mod(lhs, rhs):
    """Remainder of lhs / rhs with the sign of rhs (Python's %); x % 0 is 0 for
    integers, as in MXNet.

        >>> nd.modulo(nd.array([-3, 5.5]), 2)
        [1.  1.5]
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.mod(lhs, rhs)


# (Its test keeps lhs / rhs away from the integers, where mod jumps: see nd_strategies.)
mod = defop("mod", _mod, (lambda g, ans, a, b: g, lambda g, ans, a, b: -g * floor(a / b)),
            inputs=BINARY, nd=("modulo", "broadcast_mod"), np=("mod",), doc=_mod.__doc__,
            test=GradTest("custom"))
hypot = _binary("hypot", np.hypot,
                (lambda g, ans, a, b: g * a / ans, lambda g, ans, a, b: g * b / ans),
                "sqrt(lhs**2 + rhs**2) with broadcasting.\n\n"
                "    >>> nd.broadcast_hypot(nd.array([3, 5]), nd.array([4, 12]))\n"
                "    [ 5. 13.]", domain=((0.5, 2.0),), save_output=True,
                nd_names=("broadcast_hypot",))


def _logical(name, ufunc, word, printed):
    def forward(lhs, rhs):
        return ufunc(lhs, rhs).astype(np.result_type(lhs, rhs))
    forward.__doc__ = (f"Logical {word} of (lhs != 0) and (rhs != 0) with broadcasting, "
                       "as 0/1 in the inputs' dtype. Its gradient is zero.\n\n"
                       f"    >>> nd.{name}(nd.array([0, 1, 2]), nd.array([1, 0, 3]))\n"
                       f"    {printed}")
    return defop(name, forward, (_zero_grad, lambda g, ans, a, b: zeros_like(b)),
                 inputs=BINARY, nd=(name, "broadcast_" + name), doc=forward.__doc__,
                 test=GradTest("broadcast", avoid=(0.0,)))  # it jumps at 0


logical_and = _logical("logical_and", np.logical_and, "and", "[0. 0. 1.]")
logical_or = _logical("logical_or", np.logical_or, "or", "[1. 1. 1.]")
logical_xor = _logical("logical_xor", np.logical_xor, "exclusive or", "[1. 1. 0.]")
logical_not = _unary("logical_not", lambda x: np.logical_not(x).astype(x.dtype),
                     _zero_grad, "1 where x == 0, else 0, in x's dtype. Its gradient is "
                     "zero.\n\n    >>> nd.logical_not(nd.array([0, 1, 2]))\n"
                     "    [1. 0. 0.]", avoid=(0.0,), np_names=())


def _elemwise(name, op, printed):
    """MXNet's elemwise_* variant of ``op``: both inputs of one shape, no broadcasting."""
    def forward(lhs, rhs):
        if np.shape(lhs) != np.shape(rhs):
            raise ValueError(f"{name}: the inputs must have the same shape (no "
                             f"broadcasting), got {np.shape(lhs)} and {np.shape(rhs)}")
        return op.forward(lhs, rhs)
    forward.__doc__ = (f"{op.name} of two arrays of the same shape (an error otherwise; "
                       f"see broadcast_{name[9:]} for broadcasting).\n\n"
                       f"    >>> nd.{name}(nd.array([4, 6]), nd.array([2, 3]))\n"
                       f"    {printed}")
    return defop(name, forward, op.vjps, inputs=BINARY, nd=(name,), doc=forward.__doc__,
                 test=GradTest("custom", domain=((0.5, 2.0),)))


elemwise_add = _elemwise("elemwise_add", add, "[6. 9.]")
elemwise_sub = _elemwise("elemwise_sub", subtract, "[2. 3.]")
elemwise_mul = _elemwise("elemwise_mul", multiply, "[ 8. 18.]")
elemwise_div = _elemwise("elemwise_div", divide, "[2. 2.]")


def _add_n(*args, num_args=None):
    """The sum of any number of arrays of one shape (no broadcasting).

        >>> nd.add_n(nd.array([1, 2]), nd.array([3, 4]), nd.array([5, 6]))
        [ 9. 12.]
    """
    shapes = [np.shape(a) for a in args]
    if num_args is not None and num_args != len(args):
        raise ValueError(f"add_n: num_args={num_args} but {len(args)} arrays were given")
    if not args or any(s != shapes[0] for s in shapes):
        raise ValueError(f"add_n: needs one or more arrays of the same shape, got shapes "
                         f"{', '.join(map(str, shapes)) or 'none'}")
    out = np.array(args[0], copy=True)
    for a in args[1:]:
        out += a
    return out


add_n = defop("add_n", _add_n, (lambda g, ans, *xs, argnums, num_args=None:
                                 [g] * len(argnums),),
              inputs=("args",),
              nd=("add_n", "ElementWiseSum"), doc=_add_n.__doc__, variadic=True,
              save_inputs=False, test=GradTest("custom"))
