"""Elementwise ops: binary arithmetic with broadcasting, unary math, comparisons.

Every VJP below is an expression in ndgrad ops and Python operators, so it runs on raw
NumPy data in a plain backward and is recorded (differentiable again) under
``create_graph``. The fused ``_*_grad`` ops are backward kernels in their own right,
with their own VJPs.
"""
import math

import numpy as np

from ndgrad import _kernels
from ndgrad.ops.registry import GradTest, defop

BINARY = ("lhs", "rhs")


def _binary(name, fwd, vjps, doc, *, domain=((-2.0, 2.0),), distinct=False,
            np_names=None, **flags):
    return defop(name, fwd, vjps, inputs=BINARY, nd=(name,), np=np_names or (name,), doc=doc,
                 test=GradTest("broadcast", domain=domain, distinct=distinct), **flags)


add = _binary("add", np.add, (lambda g, ans, a, b: g, lambda g, ans, a, b: g),
              "Elementwise sum with broadcasting.\n\n    >>> nd.add(nd.array([1, 2]), 1)\n"
              "    [2. 3.]", save_inputs=False)
subtract = _binary("subtract", np.subtract,
                   (lambda g, ans, a, b: g, lambda g, ans, a, b: -g),
                   "Elementwise difference with broadcasting.", save_inputs=False)
multiply = _binary("multiply", np.multiply,
                   (lambda g, ans, a, b: g * b, lambda g, ans, a, b: g * a),
                   "Elementwise product with broadcasting.")
divide = _binary("divide", np.true_divide,
                 (lambda g, ans, a, b: g / b, lambda g, ans, a, b: -g * a / (b * b)),
                 "Elementwise true division with broadcasting.",
                 np_names=("divide", "true_divide"),
                 domain=((-2.0, 2.0), (0.5, 2.0)))


def _log_of(x):
    # log of a power's base; a Python scalar base stays a Python float so that it does
    # not promote the gradient's dtype.
    return math.log(x) if isinstance(x, (int, float)) else log(x)


power = _binary("power", np.power,
                (lambda g, ans, a, b: g * b * power(a, b - 1),
                 lambda g, ans, a, b: g * ans * _log_of(a)),
                "Elementwise power with broadcasting: lhs ** rhs.",
                domain=((0.5, 2.0), (-2.0, 2.0)), save_output=True)
maximum = _binary("maximum", np.maximum,
                  (lambda g, ans, a, b: g * (a >= b), lambda g, ans, a, b: g * (a < b)),
                  "Elementwise maximum; ties send the gradient to lhs.", distinct=True)
minimum = _binary("minimum", np.minimum,
                  (lambda g, ans, a, b: g * (a <= b), lambda g, ans, a, b: g * (a > b)),
                  "Elementwise minimum; ties send the gradient to lhs.", distinct=True)


def _compare(name, ufunc, symbol, np_name=None):
    def forward(lhs, rhs, dtype=None):
        out = ufunc(lhs, rhs)
        return out if dtype is None else out.astype(dtype)
    forward.__doc__ = (f"1 where lhs {symbol} rhs, else 0 (with broadcasting). Not "
                       "differentiable: no gradient flows through it.")
    return defop(name, forward, inputs=BINARY, nd=(name,), np=(np_name or name,),
                 differentiable=False)


equal = _compare("equal", np.equal, "==")
not_equal = _compare("not_equal", np.not_equal, "!=")
greater = _compare("greater", np.greater, ">")
greater_equal = _compare("greater_equal", np.greater_equal, ">=")
lesser = _compare("lesser", np.less, "<", np_name="less")
lesser_equal = _compare("lesser_equal", np.less_equal, "<=", np_name="less_equal")


def _unary(name, fwd, vjp, doc, *, domain=(-2.0, 2.0), avoid=(),
           np_names=None, **flags):
    return defop(name, fwd, (vjp,), nd=(name,), np=(name,) if np_names is None else np_names,
                 doc=doc,
                 test=GradTest("elementwise", domain=(domain,), avoid=avoid), **flags)


# Fused backward kernels (Cython), each an op with its own VJPs.
tanh_grad = defop(
    "_tanh_grad", _kernels.tanh_grad,
    (lambda g, ans, gy, t: tanh_grad(g, t), lambda g, ans, gy, t: -2 * g * gy * t),
    inputs=("g", "t"), doc="g * (1 - t**2): the backward of tanh given its output.",
    test=GradTest("broadcast", domain=((-2.0, 2.0), (-0.99, 0.99))))
sigmoid_grad = defop(
    "_sigmoid_grad", _kernels.sigmoid_grad,
    (lambda g, ans, gy, s: sigmoid_grad(g, s), lambda g, ans, gy, s: g * gy * (1 - 2 * s)),
    inputs=("g", "s"), doc="g * s * (1 - s): the backward of sigmoid given its output.",
    test=GradTest("broadcast", domain=((-2.0, 2.0), (0.01, 0.99))))
relu_grad = defop(
    "_relu_grad", _kernels.relu_grad, (lambda g, ans, gy, x: relu_grad(g, x), None),
    inputs=("g", "x"), doc="g where x > 0, else 0: the backward of relu.",
    test=GradTest("broadcast", avoid=(0.0,)))

negative = _unary("negative", np.negative, lambda g, ans, x: -g,
                  "Numerical negative, elementwise.", save_inputs=False)
exp = _unary("exp", np.exp, lambda g, ans, x: g * ans,
             "Exponential, elementwise.\n\n    >>> nd.exp(nd.array([0, 1]))\n"
             "    [1.        2.7182817]", save_inputs=False, save_output=True)
expm1 = _unary("expm1", np.expm1, lambda g, ans, x: g * (ans + 1),
               "exp(x) - 1, accurate near 0.", save_inputs=False, save_output=True)
log = _unary("log", np.log, lambda g, ans, x: g / x, "Natural logarithm, elementwise.",
             domain=(0.1, 3.0))
log1p = _unary("log1p", np.log1p, lambda g, ans, x: g / (x + 1),
               "log(1 + x), accurate near 0.", domain=(-0.9, 3.0))
sqrt = _unary("sqrt", np.sqrt, lambda g, ans, x: g / (2 * ans), "Square root, elementwise.",
              domain=(0.1, 3.0), save_inputs=False, save_output=True)
square = _unary("square", np.square, lambda g, ans, x: g * 2 * x, "x * x, elementwise.")
reciprocal = _unary("reciprocal", np.reciprocal, lambda g, ans, x: -g * ans * ans,
                    "1 / x, elementwise.", domain=(0.5, 2.0), save_inputs=False,
                    save_output=True)
sin = _unary("sin", np.sin, lambda g, ans, x: g * cos(x), "Sine, elementwise.")
cos = _unary("cos", np.cos, lambda g, ans, x: -g * sin(x), "Cosine, elementwise.")
tanh = _unary("tanh", np.tanh, lambda g, ans, x: tanh_grad(g, ans),
              "Hyperbolic tangent, elementwise.", save_inputs=False, save_output=True)


def _sigmoid(x):
    """Logistic function 1 / (1 + exp(-x)), elementwise."""
    return np.reciprocal(1 + np.exp(-x))


sigmoid = _unary("sigmoid", _sigmoid, lambda g, ans, x: sigmoid_grad(g, ans),
                 _sigmoid.__doc__, np_names=(), npx=("sigmoid",), save_inputs=False,
                 save_output=True)
relu = _unary("relu", lambda x: np.maximum(x, 0), lambda g, ans, x: relu_grad(g, ans),
              "max(x, 0), elementwise.", avoid=(0.0,), np_names=(), npx=("relu",),
              save_inputs=False,
              save_output=True)
sign = defop("sign", np.sign, nd=("sign",), np=("sign",), differentiable=False,
             doc="-1, 0 or 1 by the sign of x. Its gradient is zero, as in MXNet.")
abs = _unary("abs", np.abs, lambda g, ans, x: g * sign(x), "Absolute value, elementwise.",
             avoid=(0.0,), np_names=("abs", "absolute"))
