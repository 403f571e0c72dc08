"""Neural-network ops of MXNet's ``nd`` namespace, with MXNet's names, layouts (NCW,
NCHW, NCDHW) and arguments.

Every VJP is written with ndgrad ops, so gradients of every order work. Convolution,
Deconvolution and Pooling share one pair of linear ops, ``_im2col`` (gather every
window of the input) and ``_col2im`` (scatter-add windows back), each the other's
transpose; the layers contract the windows with ``tensordot``.

Training-mode behaviour follows ``autograd.is_training()`` as in MXNet: Dropout draws a
mask from ``ndgrad.random``'s generator, and BatchNorm normalises with batch statistics
and updates its moving statistics in place when its backward pass runs.
"""
import math
from functools import lru_cache

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ndgrad import _kernels, random as _random
from ndgrad._engine import G, SHAPE, Call
from ndgrad._state import flags
from ndgrad.ops import elementwise as ew
from ndgrad.ops.axes import normalize_axes, normalize_axis
from ndgrad.ops import reduce as rd
from ndgrad.ops import shape as sh
from ndgrad.ops.creation import zeros_like
from ndgrad.ops.linalg import tensordot
from ndgrad.ops.special import erf
from ndgrad.ops.registry import GradTest, defop


def _raw(x):
    """The NumPy data of an array (VJPs see arrays under create_graph)."""
    return getattr(x, "_data", x)


def _kernel(kernel, op):
    if kernel is None or np.size(kernel) == 0:
        raise ValueError(f"{op}: kernel is required, e.g. kernel=(3, 3)")
    return (int(kernel),) if np.ndim(kernel) == 0 else tuple(int(k) for k in kernel)


def _tuple(value, n, name, op):
    """MXNet's shape-like argument (int or sequence) as an n-tuple of ints."""
    if value is None or (np.ndim(value) and len(value) == 0):
        return None
    t = (int(value),) * n if np.ndim(value) == 0 else tuple(int(v) for v in value)
    if len(t) != n:
        raise ValueError(f"{op}: {name}={value} has {len(t)} values; the {n}-d kernel "
                         f"needs {n}")
    return t


# ---- softmax family ------------------------------------------------------------

def _tempered(x, temperature):
    """x / temperature; None (MXNet's default) and 1 leave x as it is. A temperature
    of 0 divides by zero, as in MXNet (the softmax is then NaN)."""
    return x if temperature is None or temperature == 1 else x / temperature


def _in_dtype(x, dtype, op):
    """x ready for a softmax whose output is ``dtype`` (None: x's): in the wider of
    the two, so that float16 output of float32 input is computed in float32."""
    if dtype is None:
        return x
    if np.dtype(dtype).kind != "f":
        raise ValueError(f"{op}: dtype must be a float type (float16, float32 or "
                         f"float64), not {dtype!r}")
    return x.astype(np.promote_types(x.dtype, dtype), copy=False)


def _out_dtype(y, dtype):
    return y if dtype is None else y.astype(dtype, copy=False)


def _softmax(data, axis=-1, temperature=None, dtype=None):
    """Softmax along ``axis``: exp(x / T) normalised to sum to one; ``dtype`` sets the
    output's float type (the gradient has the input's).

        >>> nd.softmax(nd.array([[1, 2, 3]]))
        [[0.09003057 0.24472848 0.66524094]]
    """
    x = _in_dtype(_tempered(data, temperature), dtype, "softmax")
    return _out_dtype(_kernels.softmax(x, axis), dtype)


def _softmin(data, axis=-1, temperature=None, dtype=None):
    """Softmax of -x along ``axis``: the smallest value gets the largest weight.

        >>> nd.softmin(nd.array([[1, 2, 3]]))
        [[0.66524094 0.24472848 0.09003057]]
    """
    return _softmax(-data, axis, temperature, dtype)


def _log_softmax(data, axis=-1, temperature=None, dtype=None):
    """log(softmax(x)) along ``axis``, computed without overflow; ``dtype`` sets the
    output's float type (the gradient has the input's).

        >>> nd.log_softmax(nd.array([[1, 2, 3]]))
        [[-2.407606   -1.407606   -0.40760598]]
    """
    x = _in_dtype(_tempered(data, temperature), dtype, "log_softmax")
    return _out_dtype(_kernels.softmax(x, axis, True), dtype)


def _softmax_grad_g(h, ans, g, y, axis=-1, from_log=False):
    if from_log:
        return h - rd.sum(h * ew.exp(y), axis=axis, keepdims=True)
    return softmax_grad(h, y, axis=axis)


def _softmax_grad_y(h, ans, g, y, axis=-1, from_log=False):
    if from_log:
        return -h * ew.exp(y) * rd.sum(g, axis=axis, keepdims=True)
    return (h * (g - rd.sum(g * y, axis=axis, keepdims=True))
            - g * rd.sum(h * y, axis=axis, keepdims=True))


# The backward of softmax and log_softmax (a fused kernel for short rows), an op in its
# own right so that create_graph differentiates it again.
softmax_grad = defop("_softmax_grad", _kernels.softmax_grad,
                     (_softmax_grad_g, _softmax_grad_y), inputs=("g", "y"),
                     doc=_kernels.softmax_grad.__doc__, test=GradTest("custom"))


def _in_input_dtype(g, ans, x, dtype):
    # With an output dtype, the backward is computed in the input's, as MXNet does:
    # float16 arithmetic would cancel in g - exp(y) * sum(g).
    if dtype is None:
        return g, ans
    return sh.astype(g, dtype=x.dtype), sh.astype(ans, dtype=x.dtype)


def _softmax_vjp(g, ans, x, axis=-1, temperature=None, dtype=None):
    g, ans = _in_input_dtype(g, ans, x, dtype)
    return _tempered(softmax_grad(g, ans, axis=axis), temperature)


def _log_softmax_vjp(g, ans, x, axis=-1, temperature=None, dtype=None):
    g, ans = _in_input_dtype(g, ans, x, dtype)
    return _tempered(softmax_grad(g, ans, axis=axis, from_log=True), temperature)


_AXIS_TEST = GradTest("custom")
softmax = defop("softmax", _softmax, (_softmax_vjp,), nd=("softmax",), npx=("softmax",),
                save_inputs=False, save_output=True, test=_AXIS_TEST)
softmin = defop("softmin", _softmin,
                (lambda g, ans, x, **kw: -_softmax_vjp(g, ans, x, **kw),),
                nd=("softmin",),
                save_inputs=False, save_output=True, test=_AXIS_TEST)
log_softmax = defop("log_softmax", _log_softmax, (_log_softmax_vjp,), nd=("log_softmax",),
                    npx=("log_softmax",),
                    save_inputs=False, save_output=True, test=_AXIS_TEST)


# ---- SoftmaxOutput: softmax forward, (softmax - one_hot(label)) backward ----------

def _softmax_output(data, label, grad_scale=1.0, ignore_label=-1.0, multi_output=False,
                    use_ignore=False, preserve_shape=False, normalization="null",
                    smooth_alpha=0.0):
    """Softmax (over axis 1 with ``multi_output``, the last axis with ``preserve_shape``,
    else over all but the first axis) whose backward pass ignores the head gradient and
    gives ``(softmax - one_hot(label)) * grad_scale / norm``, MXNet's cross-entropy
    training output. ``normalization``: 'null' (norm 1, or the number of positions per
    sample with multi_output), 'batch' (all positions), 'valid' (non-ignored labels).
    ``smooth_alpha`` smooths the one-hot target: 1 - alpha at the label, alpha / (C - 1)
    elsewhere. The label gets no gradient.

        >>> x = nd.array([[1, 2, 3]]); x.attach_grad()
        >>> with autograd.record():
        ...     y = nd.SoftmaxOutput(x, nd.array([2]))
        >>> y.backward(); x.grad
        [[ 0.09003057  0.24472848 -0.33475906]]
    """
    if multi_output or preserve_shape:
        return _softmax(data, axis=1 if multi_output else -1)
    return _softmax(data.reshape(data.shape[0], -1), axis=1).reshape(data.shape)


def _label_layout(shape, label_shape, multi_output, preserve_shape):
    """Where the label indexes: (axis, shape of the data seen as classes on that axis,
    whether only the label's first N elements count). Checks the label's shape."""
    shape, label_shape = tuple(shape), tuple(label_shape)
    first_n = False
    if multi_output:  # label (N, *rest) indexes axis 1 of (N, C, *rest)
        axis, flat = 1, shape
    elif preserve_shape:  # label (*lead) indexes the last axis
        axis, flat = len(shape) - 1, shape
    else:  # label (N,) indexes the flattened (N, rest)
        axis, flat = 1, (shape[0], int(np.prod(shape[1:])))
        # MXNet's quirk for data of more than 2 dims: it asks for a label of shape
        # data.shape[:-1] and reads its first N elements, in flat order, as the N
        # samples' labels.
        first_n = len(shape) > 2 and label_shape == shape[:-1]
    expected = shape[:-1] if first_n else flat[:axis] + flat[axis + 1:]
    if label_shape != expected:
        raise ValueError(f"SoftmaxOutput: label of shape {label_shape} does not match "
                         f"data of shape {shape} (expected label shape {expected})")
    return axis, flat, first_n


def _label_positions(shape, label, multi_output, preserve_shape, ignore_label,
                     use_ignore, smooth_alpha=0.0):
    """The target (the one-hot of ``label``, smoothed by ``smooth_alpha``) in the
    output's layout, and the mask of counted positions (broadcastable to the output)."""
    label = np.asarray(label)
    axis, flat, first_n = _label_layout(shape, label.shape, multi_output,
                                           preserve_shape)
    if first_n:
        label = label.reshape(-1)[:shape[0]]
    idx = label.astype(np.int64)  # float labels truncate, as in MXNet
    classes = np.arange(flat[axis]).reshape((-1,) + (1,) * (len(flat) - axis - 1))
    onehot = np.expand_dims(idx, axis) == classes
    keep = np.expand_dims((idx != int(ignore_label)) if use_ignore
                          else np.ones(label.shape, bool), axis)
    if flat != tuple(shape):
        keep = keep.reshape((shape[0],) + (1,) * (len(shape) - 1))
    off = smooth_alpha / max(flat[axis] - 1, 1)
    return np.where(onehot, 1 - smooth_alpha, off).reshape(shape), keep


def _softmax_output_grad(ans, label, grad_scale=1.0, ignore_label=-1.0,
                         multi_output=False, use_ignore=False, preserve_shape=False,
                         normalization="null", smooth_alpha=0.0):
    """SoftmaxOutput's backward given its output: (ans - one_hot(label)) scaled."""
    target, keep = _label_positions(ans.shape, label, multi_output, preserve_shape,
                                    ignore_label, use_ignore, smooth_alpha)
    factor = _softmax_output_factor(ans.shape, keep, grad_scale, multi_output,
                                    normalization)
    return np.where(keep, (ans - target) * factor, 0).astype(ans.dtype)


def _softmax_output_factor(shape, keep, grad_scale, multi_output, normalization):
    spatial = int(np.prod(shape[2:])) if multi_output else 1
    if normalization == "batch":
        return grad_scale / (shape[0] * spatial)
    if normalization == "valid":
        return grad_scale / max(int(np.sum(keep)), 1)
    if normalization == "null":
        return grad_scale / spatial
    raise ValueError(f"SoftmaxOutput: normalization must be 'null', 'batch' or 'valid', "
                     f"not {normalization!r}")


def _softmax_output_grad_vjp(g, ans, y, label, grad_scale=1.0, ignore_label=-1.0,
                             multi_output=False, use_ignore=False, preserve_shape=False,
                             normalization="null", smooth_alpha=0.0):
    # Linear in y: the same mask and factor, applied to g.
    _, keep = _label_positions(y.shape, _raw(label), multi_output, preserve_shape,
                               ignore_label, use_ignore)
    return g * (keep * _softmax_output_factor(y.shape, keep, grad_scale, multi_output,
                                              normalization))


softmax_output_grad = defop(
    "_softmax_output_grad", _softmax_output_grad, (_softmax_output_grad_vjp, None),
    inputs=("data", "label"), doc=_softmax_output_grad.__doc__,
    test=GradTest("custom", domain=((-2.0, 2.0), (0.0, 2.9)), avoid=(0.0, 1.0, 2.0, 3.0)))


def _nd_softmax_output(data, label, grad_scale=1.0, ignore_label=-1.0,
                       multi_output=False, use_ignore=False, preserve_shape=False,
                       normalization="null", out_grad=False, smooth_alpha=0.0):
    if out_grad:
        raise NotImplementedError("SoftmaxOutput: out_grad=True is not supported")
    _label_layout(data.shape, label.shape, multi_output, preserve_shape)
    return (data, label), dict(grad_scale=grad_scale, ignore_label=ignore_label,
                               multi_output=multi_output, use_ignore=use_ignore,
                               preserve_shape=preserve_shape, normalization=normalization,
                               smooth_alpha=smooth_alpha)


def _softmax_output_vjp(g, ans, x, label, multi_output=False, preserve_shape=False,
                        **kw):
    # The head gradient is ignored (MXNet's design): the gradient is the function
    # (softmax(x) - onehot) * scale of x. A plain backward reads it off the saved
    # output. Under create_graph the output would lead back into this VJP, which
    # ignores its head gradient, so the gradient's own derivative would be wrong:
    # the probabilities are recomputed from x with the softmax op instead.
    p = ans
    if _raw(x) is not x:
        if multi_output or preserve_shape:
            p = softmax(x, axis=1 if multi_output else -1)
        else:
            p = sh.reshape(softmax(sh.reshape(x, shape=(x.shape[0], -1)), axis=1),
                           shape=x.shape)
    return softmax_output_grad(p, label, multi_output=multi_output,
                               preserve_shape=preserve_shape, **kw)


# Not a Jacobian (the head gradient is ignored, by MXNet's design), so its gradient is
# tested by hand against MXNet in tests/test_nn_ops.py, and its derivatives (those of
# the gradient function) in tests/test_autograd_depth.py; _softmax_output_grad has a
# generated test.
SoftmaxOutput = defop(
    "SoftmaxOutput",
    _softmax_output,
    (_softmax_output_vjp, None),
    inputs=("data", "label"), nd=("SoftmaxOutput", "Softmax"), nd_args=_nd_softmax_output,
    doc=_softmax_output.__doc__, save_output=True)


def _softmax_cross_entropy(data, label):
    """The cross-entropy of softmax(data) (N, C) against integer labels (N,), summed
    over the batch: shape (1,). Float labels truncate, as in MXNet. As MXNet, which
    takes the log of the probability clipped at 1e-8, a sample's loss is at most
    -log(1e-8) = 18.420681; the gradient is softmax - one_hot(label) there too.

        >>> nd.softmax_cross_entropy(nd.array([[1, 2, 3]]), nd.array([2]))
        [0.40760598]
    """
    if data.ndim != 2 or np.shape(label) != data.shape[:1]:
        raise ValueError(f"softmax_cross_entropy: data must be 2-d (N, C) and label "
                         f"(N,); got data of shape {data.shape} and label of shape "
                         f"{np.shape(label)}")
    picked = _kernels.softmax(data, -1, True)[np.arange(len(data)), _classes(label, data)]
    return np.reshape(-np.sum(np.maximum(picked, _LOG_MIN_PROBABILITY)), (1,))


_LOG_MIN_PROBABILITY = math.log(1e-8)  # MXNet's clip


def _classes(label, data):
    return np.clip(np.asarray(label).astype(np.int64), 0, data.shape[1] - 1)


def _softmax_cross_entropy_vjp(g, ans, x, label):
    onehot = _classes(_raw(label), x)[:, None] == np.arange(x.shape[1])
    return (softmax(x) - onehot.astype(x.dtype)) * g


softmax_cross_entropy = defop(
    "softmax_cross_entropy", _softmax_cross_entropy, (_softmax_cross_entropy_vjp, None),
    inputs=("data", "label"), nd=("softmax_cross_entropy",),
    # Labels stay 0.05 away from integers, where truncation jumps.
    test=GradTest("custom", domain=((-2.0, 2.0), (0.0, 2.9)), avoid=(0.0, 1.0, 2.0, 3.0)))


# ---- elementwise activations ------------------------------------------------------

def _smooth_l1(data, scalar=1.0):
    """0.5 * (sigma * x)**2 where |x| < 1 / sigma**2, else |x| - 0.5 / sigma**2, with
    sigma = ``scalar``.

        >>> nd.smooth_l1(nd.array([-2, 0.5]), scalar=1.0)
        [1.5   0.125]
    """
    s2 = scalar * scalar
    a = np.abs(data)
    # sigma = 0 is the quadratic everywhere, 0, as in MXNet: no division by s2 there
    offset = 0.5 / s2 if s2 else np.inf
    return np.where(a * s2 < 1.0, 0.5 * s2 * data * data, a - offset).astype(data.dtype)


smooth_l1 = defop(
    "smooth_l1", _smooth_l1,
    (lambda g, ans, x, scalar=1.0:
        g * ew.minimum(ew.maximum(x * (scalar * scalar), -1.0), 1.0),),
    nd=("smooth_l1",),
    test=GradTest("elementwise", avoid=(-1.0, 1.0), kwargs={"scalar": 1.0}))


def _softrelu(x):
    return np.logaddexp(0, x).astype(x.dtype)


def _softsign(x):
    return x / (1 + np.abs(x))


_ACTIVATIONS = {"relu": lambda x: np.maximum(x, 0), "sigmoid": ew._sigmoid,
                "tanh": np.tanh, "softrelu": _softrelu, "softsign": _softsign}


def _activation(data, act_type):
    """An activation function chosen by ``act_type``: 'relu', 'sigmoid', 'tanh',
    'softrelu' (log(1 + exp(x))) or 'softsign' (x / (1 + |x|)).

        >>> nd.Activation(nd.array([-1, 2]), act_type='relu')
        [0. 2.]
    """
    try:
        f = _ACTIVATIONS[act_type]
    except KeyError:
        raise ValueError(f"Activation: act_type must be one of {sorted(_ACTIVATIONS)}, "
                         f"not {act_type!r}") from None
    return f(data)


def _activation_vjp(g, ans, x, act_type):
    if act_type == "relu":
        return ew.relu_grad(g, ans)
    if act_type == "sigmoid":
        return ew.sigmoid_grad(g, ans)
    if act_type == "tanh":
        return ew.tanh_grad(g, ans)
    if act_type == "softrelu":
        return g * ew.sigmoid(x)
    return g / ew.square(1 + ew.abs(x))  # softsign


Activation = defop("Activation", _activation, (_activation_vjp,), nd=("Activation",),
                   npx=("activation",),
                   save_output=True, test=GradTest("custom", avoid=(0.0,)))

_SELU_SCALE, _SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def _normal_cdf(x):
    """Phi(x), with ndgrad's erf (so that it is differentiable again)."""
    return 0.5 * (1 + erf(x * (1 / math.sqrt(2.0))))


def _phi(x):
    """The normal density: Phi's derivative."""
    return ew.exp(-0.5 * ew.square(x)) * (1 / math.sqrt(2 * math.pi))


def _channel_axis(ndim):
    """PReLU's channel axis: 1, or the only axis of 1-d data (as in MXNet)."""
    return 1 if ndim > 1 else 0


def _channel(gamma, ndim):
    """A per-channel parameter (C,) shaped to broadcast along the channel axis."""
    return _along(gamma, ndim, _channel_axis(ndim))


def _leaky_relu(data, gamma=None, act_type="leaky", slope=0.25):
    """Leaky rectifiers chosen by ``act_type``: 'leaky' (x, or slope * x below 0),
    'elu' (slope * (exp(x) - 1) below 0), 'selu' (scaled elu with fixed constants),
    'gelu' (x * Phi(x), Phi the normal CDF) or 'prelu' (a learnt per-channel slope
    ``gamma`` along axis 1; along axis 0 of 1-d data).

        >>> nd.LeakyReLU(nd.array([-2, 1]), act_type='leaky', slope=0.1)
        [-0.2  1. ]
    """
    neg = np.minimum(data, 0)
    if act_type == "leaky":
        return np.where(data > 0, data, slope * data).astype(data.dtype)
    if act_type == "elu":
        return np.where(data > 0, data, slope * np.expm1(neg)).astype(data.dtype)
    if act_type == "selu":
        return (_SELU_SCALE * np.where(data > 0, data, _SELU_ALPHA * np.expm1(neg))
                ).astype(data.dtype)
    if act_type == "gelu":
        return (data * _normal_cdf(data)).astype(data.dtype)
    if act_type == "prelu":
        if gamma is None or data.ndim < 1:
            raise ValueError(f"LeakyReLU: act_type='prelu' needs gamma and data of at "
                             f"least 1 dim (got data of shape {data.shape})")
        return np.where(data > 0, data, _channel(gamma, data.ndim) * data)
    raise ValueError(f"LeakyReLU: act_type must be 'leaky', 'elu', 'selu', 'gelu' or "
                     f"'prelu', not {act_type!r}")


def _leaky_relu_vjp(g, ans, x, gamma=None, act_type="leaky", slope=0.25):
    pos = ew.greater(x, 0.0, dtype=x.dtype)
    if act_type == "gelu":
        return g * (_normal_cdf(x) + x * _phi(x))
    if act_type == "leaky":
        return g * (slope + (1 - slope) * pos)
    if act_type == "prelu":
        return g * (pos + (1 - pos) * _channel(gamma, x.ndim))
    below = ew.exp(ew.minimum(x, 0.0)) * (1 - pos)  # exp(x) below 0; no overflow above
    if act_type == "elu":
        return g * (pos + slope * below)
    return g * (_SELU_SCALE * (pos + _SELU_ALPHA * below))  # selu


def _prelu_gamma_vjp(g, ans, x, gamma, act_type="leaky", slope=0.25):
    below = g * x * (1 - ew.greater(x, 0.0, dtype=x.dtype))
    channel = _channel_axis(x.ndim)
    axes = tuple(a for a in range(x.ndim) if a != channel or gamma.size == 1)
    return sh.reshape(rd.sum(below, axis=axes), gamma.shape)


def _nd_leaky_relu(data, gamma=None, act_type="leaky", slope=0.25, lower_bound=0.125,
                   upper_bound=0.334):
    if act_type == "rrelu":
        raise NotImplementedError("LeakyReLU: act_type='rrelu' is not supported")
    return (data, gamma), {"act_type": act_type, "slope": slope}


LeakyReLU = defop("LeakyReLU", _leaky_relu, (_leaky_relu_vjp, _prelu_gamma_vjp),
                  inputs=("data", "gamma"), nd=("LeakyReLU",), nd_args=_nd_leaky_relu,
                  npx=("leaky_relu",), npx_args=_nd_leaky_relu,
                  doc=_leaky_relu.__doc__, test=GradTest("custom", avoid=(0.0,)))


# ---- dense layers -----------------------------------------------------------------

def _fully_connected(data, weight, bias=None, flatten=True):
    """data . weight.T + bias, over the last axis of data, or over all but the first
    with ``flatten`` (the default). weight has shape (num_hidden, input features).

        >>> nd.FullyConnected(nd.ones((2, 3)), nd.ones((4, 3)), nd.zeros(4), num_hidden=4)
        [[3. 3. 3. 3.]
         [3. 3. 3. 3.]]
    """
    x = data.reshape(data.shape[0], -1) if flatten else data
    out = np.tensordot(x, weight, ([-1], [1])) if x.ndim > 2 else x @ weight.T
    return out if bias is None else out + bias


def _fc_data_vjp(g, ans, x, w, b=None, flatten=True):
    return sh.reshape(tensordot(g, w, axes=1), x.shape)


def _fc_weight_vjp(g, ans, x, w, b=None, flatten=True):
    lead = list(range(g.ndim - 1))
    return tensordot(g, sh.reshape(x, g.shape[:-1] + (-1,)), axes=(lead, lead))


def _nd_fully_connected(data, weight, bias=None, num_hidden=None, no_bias=False,
                        flatten=True):
    features = int(np.prod(data.shape[1:])) if flatten else data.shape[-1]
    want = (num_hidden if num_hidden is not None else weight.shape[0], features)
    if weight.shape != want:
        raise ValueError(f"FullyConnected: weight has shape {weight.shape}, expected "
                         f"{want} (num_hidden, input features) for data of shape "
                         f"{data.shape} with flatten={flatten}")
    if bias is not None and bias.shape != (want[0],):
        raise ValueError(f"FullyConnected: bias has shape {bias.shape}, expected "
                         f"({want[0]},)")
    return _with_bias("FullyConnected", data, weight, bias, no_bias), {"flatten": flatten}


FullyConnected = defop("FullyConnected", _fully_connected,
                       (_fc_data_vjp, _fc_weight_vjp, lambda g, ans, x, w, b, **kw: g),
                       inputs=("data", "weight", "bias"), nd=("FullyConnected",),
                       nd_args=_nd_fully_connected, npx=("fully_connected",),
                       npx_args=_nd_fully_connected, doc=_fully_connected.__doc__,
                       test=GradTest("custom"))


def _flatten(data):
    """Collapse all axes but the first: shape (N, d1, d2, ...) becomes (N, d1*d2*...).

        >>> nd.Flatten(nd.ones((2, 3, 4))).shape
        (2, 12)
    """
    return data.reshape(data.shape[0], -1) if data.ndim else data.reshape(1, 1)


Flatten = defop("Flatten", _flatten, (Call(sh.reshape, G, SHAPE),),
                nd=("Flatten",), npx=("batch_flatten",), save_inputs=False, view=True,
                test=GradTest("elementwise"))


# ---- windows: im2col / col2im -------------------------------------------------------

def _padded(data, pad, fill):
    if any(p for pair in pad for p in pair):
        return np.pad(data, ((0, 0), (0, 0)) + tuple(pad), constant_values=fill)
    return data


def _at_offset(offs, stride, dilate, out_sp):
    """The index of the elements at kernel offset ``offs`` of every window."""
    return (Ellipsis,) + tuple(slice(o * d, o * d + s * (m - 1) + 1, s) for o, d, s, m
                               in zip(offs, dilate, stride, out_sp))


def _im2col(data, kernel, stride, dilate, pad, fill=0.0):
    """Every window of ``data`` (N, C, *spatial): shape (N, C, *out, *kernel). ``pad``
    holds a (before, after) pair per spatial axis, filled with ``fill``."""
    n = len(kernel)
    data = _padded(data, pad, fill)
    span = tuple(d * (k - 1) + 1 for k, d in zip(kernel, dilate))
    windows = sliding_window_view(data, span, axis=tuple(range(2, 2 + n)))
    return windows[(slice(None),) * 2 + tuple(slice(None, None, s) for s in stride)
                   + tuple(slice(None, None, d) for d in dilate)]


def _col2im(cols, shape, kernel, stride, dilate, pad, fill=0.0):
    """Add every window of ``cols`` (N, C, *out, *kernel) back at its place in an array
    of ``shape``: the transpose of _im2col (overlapping windows add up)."""
    n = len(kernel)
    out_sp = cols.shape[2:2 + n]
    out = np.zeros(tuple(shape[:2]) + tuple(s + lo + hi for s, (lo, hi)
                                             in zip(shape[2:], pad)), dtype=cols.dtype)
    for offs in np.ndindex(*kernel):
        out[_at_offset(offs, stride, dilate, out_sp)] += cols[(Ellipsis,) + offs]
    return out[(Ellipsis,) + tuple(slice(lo, lo + s) for s, (lo, hi)
                                   in zip(shape[2:], pad))]


im2col = defop("_im2col", _im2col,
               (lambda g, ans, x, **geo: col2im(g, shape=x.shape, **geo),),
               doc=_im2col.__doc__, save_inputs=False, view=True, test=GradTest("custom"))
col2im = defop("_col2im", _col2im,
               (lambda g, ans, c, shape, fill=0.0, **geo: im2col(g, **geo),),
               inputs=("cols",), doc=_col2im.__doc__, save_inputs=False,
               test=GradTest("custom"))


def _slices(n, groups):
    size = n // groups
    return [slice(i * size, (i + 1) * size) for i in range(groups)]


def _grouped(parts, shape, axis):
    """Place per-group results along ``axis`` of an array of ``shape``."""
    if len(parts) == 1:
        return parts[0][1]
    total = None
    for where, part in parts:
        piece = sh.index_grad(part, shape=shape, index=(slice(None),) * axis + (where,))
        total = piece if total is None else total + piece
    return total


def _channels(x, where, groups):
    return x if groups == 1 else sh.getitem(x, index=(slice(None), where))


def _rows(w, where, groups):
    return w if groups == 1 else sh.getitem(w, index=(where,))


# The three contractions of a convolution, written with ops so that each serves as a
# forward and, through its own VJP, at every order. Each puts the windows' output axes
# last in tensordot, so that gathering the windows copies along long rows (2-3x
# faster than ending on the short kernel axes). w is (wide, narrow, *kernel): wide
# is split into groups and narrow is per group; for Convolution wide is the output
# channels, for Deconvolution the input channels.

def _conv(x, w, groups, geo):
    """x (N, groups*narrow, *in) -> (N, wide, *out)."""
    n = len(geo["kernel"])
    k_axes = list(range(2 + n, 2 + 2 * n))
    parts = []
    for c, f in zip(_slices(x.shape[1], groups), _slices(w.shape[0], groups)):
        cols = im2col(_channels(x, c, groups), **geo)
        y = tensordot(_rows(w, f, groups), cols,
                      axes=(list(range(1, 2 + n)), [1] + k_axes))
        parts.append((f, sh.transpose(y, (1, 0) + tuple(range(2, n + 2)))))
    out_shape = (x.shape[0], w.shape[0]) + parts[0][1].shape[2:]
    return _grouped(parts, out_shape, 1)


def _conv_transpose(y, w, shape, groups, geo):
    """y (N, wide, *out) -> (N, groups*narrow, *in) = shape: the transpose of _conv."""
    n = len(geo["kernel"])
    narrow = w.shape[1]
    order = (n + 1, 0) + tuple(range(n + 2, 2 * n + 2)) + tuple(range(1, n + 1))
    parts = []
    for c, f in zip(_slices(shape[1], groups), _slices(w.shape[0], groups)):
        cols = tensordot(_rows(w, f, groups), _channels(y, f, groups), axes=([0], [1]))
        part_shape = (shape[0], narrow) + tuple(shape[2:])
        parts.append((c, col2im(sh.transpose(cols, order), shape=part_shape, **geo)))
    return _grouped(parts, tuple(shape), 1)


def _conv_weight(x, y, w_shape, groups, geo):
    """The gradient of <y, _conv(x, w)> with respect to w, of shape w_shape."""
    n = len(geo["kernel"])
    lead = [0] + list(range(2, 2 + n))
    parts = []
    for c, f in zip(_slices(x.shape[1], groups), _slices(w_shape[0], groups)):
        cols = im2col(_channels(x, c, groups), **geo)
        dw = tensordot(cols, _channels(y, f, groups), axes=(lead, lead))
        parts.append((f, sh.transpose(dw, (n + 1,) + tuple(range(n + 1)))))
    return _grouped(parts, tuple(w_shape), 0)


def _bias_shape(bias, ndim):
    return sh.reshape(bias, (-1,) + (1,) * (ndim - 2))


def _geometry(kernel, stride, dilate, pad):
    return {"kernel": kernel, "stride": stride, "dilate": dilate,
            "pad": tuple((p, p) for p in pad)}


def _convolution(data, weight, bias=None, *, kernel, stride, dilate, pad, num_group=1):
    """N-d convolution (cross-correlation) of data (N, C, *spatial) with weight
    (num_filter, C / num_group, *kernel), plus bias (num_filter,); 1-d, 2-d or 3-d by
    the length of ``kernel``. ``stride``, ``dilate`` and ``pad`` (zeros, both sides)
    default to 1, 1 and 0 per axis.

        >>> nd.Convolution(nd.ones((1, 1, 3, 3)), nd.ones((1, 1, 2, 2)), nd.zeros(1),
        ...                kernel=(2, 2), num_filter=1)
        [[[[4. 4.]
           [4. 4.]]]]
    """
    out = _conv(data, weight, num_group, _geometry(kernel, stride, dilate, pad))
    return out if bias is None else out + _bias_shape(bias, out.ndim)


def _conv_vjps(transposed):
    """VJPs of Convolution (transposed=False) and Deconvolution (True): the data
    gradient of one is the forward of the other."""
    def data_vjp(g, ans, x, w, b=None, *, kernel, stride, dilate, pad, num_group=1, **_):
        geo = _geometry(kernel, stride, dilate, pad)
        if transposed:
            return _conv(g, w, num_group, geo)
        return _conv_transpose(g, w, x.shape, num_group, geo)

    def weight_vjp(g, ans, x, w, b=None, *, kernel, stride, dilate, pad, num_group=1,
                   **_):
        geo = _geometry(kernel, stride, dilate, pad)
        if transposed:
            return _conv_weight(g, x, w.shape, num_group, geo)
        return _conv_weight(x, g, w.shape, num_group, geo)

    def bias_vjp(g, ans, x, w, b, **_):
        return rd.sum(g, axis=(0,) + tuple(range(2, g.ndim)))

    return data_vjp, weight_vjp, bias_vjp


def _with_bias(op, data, weight, bias, no_bias):
    """The op's array inputs; a bias with no_bias=True is an error, as in MXNet."""
    if bias is None:
        if not no_bias:
            raise ValueError(f"{op}: bias is required unless no_bias=True")
        return data, weight
    if no_bias:
        default = " (Deconvolution's default)" if op == "Deconvolution" else ""
        raise ValueError(f"{op}: a bias was given but no_bias=True{default}")
    return data, weight, bias


_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


def _window_args(op, data, kernel, stride, dilate, pad, layout=None, weight=None):
    n = len(kernel)
    if layout is not None and layout != _LAYOUTS.get(n):
        shapes = f"data of shape {data.shape}" + (
            "" if weight is None else f" and weight of shape {weight.shape}")
        raise NotImplementedError(f"{op}: layout={layout!r} is not supported ({shapes}); "
                                  f"data must be {_LAYOUTS.get(n, 'NC + spatial axes')} "
                                  f"for a {n}-d kernel {kernel}: move the channel axis "
                                  "to axis 1 with transpose")
    dtype = np.dtype(data.dtype)  # nd arrays' .dtype is the scalar type
    if dtype.kind != "f":  # as MXNet: integer windows would average by truncating
        raise TypeError(f"{op}: data must be floating point (float16, float32 or "
                        f"float64), got {dtype} of shape {data.shape}")
    if data.ndim != n + 2:
        raise ValueError(f"{op}: a {n}-d kernel {kernel} needs {n + 2}-d data "
                         f"({_LAYOUTS.get(n, '?')}), but data has shape {data.shape}")
    stride = _tuple(stride, n, "stride", op) or (1,) * n
    dilate = _tuple(dilate, n, "dilate", op) or (1,) * n
    pad = _tuple(pad, n, "pad", op) or (0,) * n
    return stride, dilate, pad


def _nd_convolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(),
                    num_filter=None, num_group=1, workspace=1024, no_bias=False,
                    cudnn_tune=None, cudnn_off=False, layout=None):
    kernel = _kernel(kernel, "Convolution")
    stride, dilate, pad = _window_args("Convolution", data, kernel, stride, dilate, pad,
                                       layout, weight)
    want = (num_filter or weight.shape[0], data.shape[1] // num_group) + kernel
    if data.shape[1] % num_group or weight.shape != want:
        raise ValueError(f"Convolution: weight has shape {weight.shape}, expected {want} "
                         f"(num_filter, channels / num_group, *kernel) for data of shape "
                         f"{data.shape} with num_group={num_group}")
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilate)]
    if any(s + 2 * p < w for s, p, w in zip(data.shape[2:], pad, span)):
        raise ValueError(f"Convolution: kernel {kernel} (dilate {dilate}) is larger than "
                         f"the padded data of shape {data.shape} (pad {pad})")
    return _with_bias("Convolution", data, weight, bias, no_bias), dict(
        kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_group=num_group)


Convolution = defop("Convolution", _convolution, _conv_vjps(False),
                    inputs=("data", "weight", "bias"), nd=("Convolution",),
                    nd_args=_nd_convolution, npx=("convolution",),
                    npx_args=_nd_convolution, doc=_convolution.__doc__,
                    test=GradTest("custom"))


def _deconvolution(data, weight, bias=None, *, kernel, stride, dilate, pad, num_group=1,
                   shape):
    """The transpose of Convolution (the gradient of a convolution with respect to
    its data): data (N, C, *in) and weight (C, num_filter / num_group, *kernel) give
    (N, num_filter, *out) with out = (in - 1) * stride - 2 * pad + dilate * (kernel - 1)
    + 1 + adj. ``target_shape`` sets out instead, with pad and adj worked out as in
    MXNet: the output without padding, cropped by ceil(excess / 2) at the start.

        >>> nd.Deconvolution(nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 2, 2)),
        ...                  kernel=(2, 2), num_filter=1)
        [[[[1. 2. 1.]
           [2. 4. 2.]
           [1. 2. 1.]]]]
    """
    out = _conv_transpose(data, weight, shape, num_group,
                          _geometry(kernel, stride, dilate, pad))
    return out if bias is None else out + _bias_shape(bias, out.ndim)


def _nd_deconvolution(data, weight, bias=None, kernel=None, stride=(), dilate=(), pad=(),
                      adj=(), target_shape=(), num_filter=None, num_group=1,
                      workspace=512, no_bias=True, cudnn_tune=None, cudnn_off=False,
                      layout=None):
    kernel = _kernel(kernel, "Deconvolution")
    n = len(kernel)
    stride, dilate, pad = _window_args("Deconvolution", data, kernel, stride, dilate, pad,
                                       layout, weight)
    adj = _tuple(adj, n, "adj", "Deconvolution") or (0,) * n
    narrow = (num_filter or weight.shape[1] * num_group) // num_group
    want = (data.shape[1], narrow) + kernel
    if data.shape[1] % num_group or weight.shape != want:
        raise ValueError(f"Deconvolution: weight has shape {weight.shape}, expected "
                         f"{want} (channels, num_filter / num_group, *kernel) for data "
                         f"of shape {data.shape} with num_group={num_group}")
    out = tuple((i - 1) * s - 2 * p + d * (k - 1) + 1 + a for i, s, p, d, k, a
                in zip(data.shape[2:], stride, pad, dilate, kernel, adj))
    target = _tuple(target_shape, n, "target_shape", "Deconvolution") or ()
    if any(target):  # all 0 (MXNet's default) is unset
        pad, out = _target_geometry(data, kernel, stride, dilate, pad, out, target)
    shape = (data.shape[0], narrow * num_group) + out
    return _with_bias("Deconvolution", data, weight, bias, no_bias), dict(
        kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_group=num_group,
        shape=shape)


def _target_geometry(data, kernel, stride, dilate, pad, out, target):
    """(pad, output shape) for Deconvolution's target_shape, as MXNet works them out:
    pad and adj are replaced by the padding that crops the unpadded output to the
    target, ceil(excess / 2) at the start; a 0 keeps that axis as pad and adj give."""
    full = tuple((i - 1) * s + d * (k - 1) + 1 for i, s, d, k
                 in zip(data.shape[2:], stride, dilate, kernel))
    if any(t > f for t, f in zip(target, full)):
        raise ValueError(f"Deconvolution: target_shape {target} is larger than {full}, "
                         f"the output without padding for data of shape {data.shape}, "
                         f"kernel {kernel} and stride {stride}")
    return (tuple((f - t + 1) // 2 if t else p for f, t, p in zip(full, target, pad)),
            tuple(t or o for t, o in zip(target, out)))


Deconvolution = defop("Deconvolution", _deconvolution, _conv_vjps(True),
                      inputs=("data", "weight", "bias"), nd=("Deconvolution",),
                      nd_args=_nd_deconvolution, npx=("deconvolution",),
                      npx_args=_nd_deconvolution, doc=_deconvolution.__doc__,
                      test=GradTest("custom"))


# ---- pooling ----------------------------------------------------------------------

def _pool_geometry(spatial, kernel, stride, pad, convention):
    """im2col's geometry; 'full' rounds the output size up, padding more at the end."""
    geo = {"kernel": kernel, "stride": stride, "dilate": (1,) * len(kernel), "pad": []}
    for n, k, s, p in zip(spatial, kernel, stride, pad):
        room = n + 2 * p - k
        out = (-(-room // s) if convention == "full" else room // s) + 1
        geo["pad"].append((p, p + max(0, (out - 1) * s + k - (n + 2 * p))))
    geo["pad"] = tuple(geo["pad"])
    return geo


@lru_cache(maxsize=64)
def _pool_count(spatial, kernel, stride, pad, convention, count_include_pad):
    """How many elements each averaging window divides by: those inside the data, or
    inside the padded data with count_include_pad (never the 'full' overhang). A window
    wholly in the overhang sums nothing and divides by 1: its average is 0, as MXNet's."""
    inside = np.ones((1, 1) + spatial)
    if count_include_pad:
        inside = np.pad(inside, ((0, 0), (0, 0)) + tuple((p, p) for p in pad),
                        constant_values=1.0)
        pad = (0,) * len(pad)
    geo = _pool_geometry(inside.shape[2:], kernel, stride, pad, convention)
    count = _im2col(inside, **geo).sum(axis=tuple(range(-len(kernel), 0)))
    np.maximum(count, 1.0, out=count)
    count.flags.writeable = False
    return count


def _pooling(data, *, kernel, stride, pad, pool_type="max", pooling_convention="valid",
             count_include_pad=True, p_value=2):
    """Max, average, sum or Lp norm ('lp': (sum x**p_value) ** (1 / p_value), without
    absolute values, as MXNet) over windows of data (N, C, *spatial), 1-d to 3-d.
    ``pooling_convention='full'`` rounds the output size up; average windows divide
    by the elements inside the zero-padded data (count_include_pad, MXNet's default)
    or inside the data only. As in MXNet, a maximum is at least the dtype's lowest
    finite value, and a 'full' window with no elements gives that (max) or 0.
    ``global_pool=True`` pools each channel whole. Data must be floating point.

        >>> nd.Pooling(nd.arange(16).reshape(1, 1, 4, 4), kernel=(2, 2), stride=(2, 2),
        ...            pool_type='max')
        [[[[ 5.  7.]
           [13. 15.]]]]
    """
    geo = _pool_geometry(data.shape[2:], kernel, stride, pad, pooling_convention)
    if pool_type == "max":
        return _window_max(data, geo)
    if pool_type == "lp":
        total = _window_reduce(data ** p_value, geo, np.add, 0.0)
        return (total ** (1.0 / p_value)).astype(data.dtype)
    total = _window_reduce(data, geo, np.add, 0.0)
    if pool_type == "sum":
        return total
    count = _pool_count(data.shape[2:], kernel, stride, pad, pooling_convention,
                        count_include_pad)
    return (total / count).astype(data.dtype)


def _window_offsets(data, geo, fill):
    """(offset, elements at that offset of every window) for each kernel offset."""
    padded = _padded(data, geo["pad"], fill)
    out_sp = tuple((n - (d * (k - 1) + 1)) // s + 1 for n, k, s, d in zip(
        padded.shape[2:], geo["kernel"], geo["stride"], geo["dilate"]))
    for offs in np.ndindex(*geo["kernel"]):
        yield offs, padded[_at_offset(offs, geo["stride"], geo["dilate"], out_sp)]


def _window_reduce(data, geo, ufunc, fill):
    """``ufunc`` over every window, one strided pass per kernel offset (20x faster
    than reducing _im2col's windows, whose kernel axes are short and strided)."""
    out = None
    for _, part in _window_offsets(data, geo, fill):
        out = part.copy() if out is None else ufunc(out, part, out=out)
    return out


def _window_max(data, geo):
    """The maximum of each window, at least the dtype's lowest finite value, as MXNet
    starts from it: a 'full' window wholly in the overhang (no elements) gives it too."""
    best = _window_reduce(data, geo, np.maximum, -np.inf)
    return np.maximum(best, np.finfo(best.dtype).min, out=best)


def _window_argmax(data, geo):
    """1 at the first maximum of each window (N, C, *out, *kernel), else 0; none in a
    window of no elements or only -inf (padding never matches: it is -inf)."""
    best = _window_max(data, geo)
    mask = np.zeros(best.shape + tuple(geo["kernel"]), dtype=data.dtype)
    taken = np.zeros(best.shape, dtype=bool)
    for offs, part in _window_offsets(data, geo, -np.inf):
        first = (part == best) & ~taken
        mask[(Ellipsis,) + offs] = first
        taken |= first
    return mask


window_argmax = defop("_window_argmax", _window_argmax, differentiable=False,
                      doc=_window_argmax.__doc__)


def _pooling_vjp(g, ans, x, *, kernel, stride, pad, pool_type="max",
                 pooling_convention="valid", count_include_pad=True, p_value=2):
    geo = _pool_geometry(x.shape[2:], kernel, stride, pad, pooling_convention)
    if pool_type == "lp":  # d/dx_i (sum x**p) ** (1/p) = (x_i / out) ** (p - 1)
        out = Pooling(x, kernel=kernel, stride=stride, pad=pad, pool_type="lp",
                      pooling_convention=pooling_convention, p_value=p_value)
        g = g * out ** (1 - p_value)
    if pool_type == "avg":
        g = g / _pool_count(x.shape[2:], kernel, stride, pad, pooling_convention,
                            count_include_pad)
    spread = g.shape + (1,) * len(kernel)
    cols_shape = g.shape + tuple(kernel)
    cols = sh.broadcast_to(sh.reshape(g, spread), cols_shape)
    if pool_type == "max":  # the gradient goes to the first maximum, as in MXNet
        cols = cols * window_argmax(x, geo=geo)
    elif pool_type == "lp":
        cols = cols * im2col(x ** (p_value - 1), **geo)
    return col2im(cols, shape=x.shape, **geo)


def _nd_pooling(data, kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
                pooling_convention="valid", stride=(), pad=(), p_value=None,
                count_include_pad=None, layout=None):
    if pool_type not in ("max", "avg", "sum", "lp"):
        raise ValueError(f"Pooling: pool_type must be 'max', 'avg', 'sum' or 'lp', not "
                         f"{pool_type!r}")
    if pool_type == "lp" and p_value is None:
        raise ValueError("Pooling: pool_type='lp' needs p_value")
    if pooling_convention not in ("valid", "full"):
        raise ValueError(f"Pooling: pooling_convention must be 'valid' or 'full', not "
                         f"{pooling_convention!r}")
    if global_pool:
        kernel, stride, pad = tuple(data.shape[2:]), (), ()
    kernel = _kernel(kernel, "Pooling")
    stride, _, pad = _window_args("Pooling", data, kernel, stride, (), pad, layout)
    if any(n + 2 * p < k for n, p, k in zip(data.shape[2:], pad, kernel)):
        raise ValueError(f"Pooling: kernel {kernel} is larger than the padded data of "
                         f"shape {data.shape} (pad {pad})")
    return (data,), dict(kernel=kernel, stride=stride, pad=pad, pool_type=pool_type,
                         pooling_convention=pooling_convention,
                         count_include_pad=count_include_pad in (None, True),
                         p_value=2 if p_value is None else int(p_value))


Pooling = defop("Pooling", _pooling, (_pooling_vjp,), nd=("Pooling",),
                nd_args=_nd_pooling, npx=("pooling",), npx_args=_nd_pooling,
                doc=_pooling.__doc__, test=GradTest("custom"))


# ---- Dropout ----------------------------------------------------------------------

def _dropout(data, mask=None):
    """Randomly zero elements with probability ``p`` and scale the rest by 1 / (1 - p),
    in training mode (``autograd.record()``, ``train_mode()``) or with
    ``mode='always'``; otherwise the identity. ``axes`` share one draw along the
    given axes. The mask comes from ndgrad.random's generator.

        >>> with autograd.train_mode():
        ...     y = nd.Dropout(nd.ones((2, 4)), p=0.5)   # each entry 0 or 2
    """
    return data.copy() if mask is None else data * mask


def _nd_dropout(data, p=0.5, mode="training", axes=(), cudnn_off=False):
    if not 0 <= p <= 1:
        raise ValueError(f"Dropout: p must be in [0, 1], not {p}")
    if p == 0 or not (flags.training or mode == "always"):
        return (data, None), {}
    shared = set(normalize_axes("Dropout", axes, data.shape))
    shape = tuple(1 if a in shared else d for a, d in enumerate(data.shape))
    keep = _random.generator().random(shape) >= p
    dtype = data._data.dtype
    mask = keep.astype(dtype) / dtype.type(1 - p) if p < 1 else np.zeros(shape, dtype)
    return (data, mask), {}


Dropout = defop("Dropout", _dropout,
                (lambda g, ans, x, mask=None: g if mask is None else g * mask,
                 lambda g, ans, x, mask: g * x),
                inputs=("data", "mask"), nd=("Dropout",), nd_args=_nd_dropout,
                npx=("dropout",), npx_args=_nd_dropout,
                doc=_dropout.__doc__, test=GradTest("custom"))


# ---- normalisation ----------------------------------------------------------------

def _norm_axes(shape, axis):
    """BatchNorm's reduced axes (all but ``axis``) and ``axis``, checked."""
    axis = normalize_axis("BatchNorm", axis, shape)
    return tuple(a for a in range(len(shape)) if a != axis), axis


def _along(p, ndim, axis):
    return sh.reshape(p, tuple(-1 if a == axis else 1 for a in range(ndim)))


def _normalized_grad(dxhat, xhat, rstd, red):
    """d/dx of (x - mean) * rstd with batch mean and variance over ``red``."""
    return rstd * (dxhat - rd.mean(dxhat, axis=red, keepdims=True)
                   - xhat * rd.mean(dxhat * xhat, axis=red, keepdims=True))


def _batch_moments(x, red):
    mu = rd.mean(x, axis=red, keepdims=True)
    return mu, rd.mean(ew.square(x - mu), axis=red, keepdims=True)


class MovingAverages:
    """BatchNorm's pending update of its moving statistics. MXNet applies it when the
    backward pass runs (not in the forward); the first VJP of the op to run does it."""

    def __init__(self, moving_mean, moving_var, momentum):
        self.arrays, self.momentum, self.done = (moving_mean, moving_var), momentum, False

    def apply(self, x, red):
        if self.done:
            return
        self.done = True
        x = _raw(x)
        stats = (x.mean(axis=red), x.var(axis=red))
        for array, value in zip(self.arrays, stats):
            data = array._writable()
            data[...] = data * self.momentum + value * (1 - self.momentum)
            array._bump()


def _batch_norm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, fix_gamma=True,
                batch_stats=False, axis=1, update=None):
    """Batch normalisation along ``axis`` (channels): (x - mean) / sqrt(var + eps) *
    gamma + beta. In training mode (and not use_global_stats) mean and var are the
    batch's, and the backward pass updates moving_mean and moving_var in place as
    moving * momentum + batch * (1 - momentum); otherwise the moving statistics are
    used. ``fix_gamma`` (MXNet's default, True) sets gamma to 1 and gives it no
    gradient.

        >>> nd.BatchNorm(nd.array([[1, 2], [3, 6]]), nd.ones(2), nd.zeros(2),
        ...              nd.zeros(2), nd.ones(2), axis=1)
        [[0.9995004 1.9990008]
         [2.9985013 5.9970026]]
    """
    red, axis = _norm_axes(data.shape, axis)
    if batch_stats:
        mean, var = data.mean(axis=red), data.var(axis=red)
    else:
        mean, var = moving_mean, moving_var
    scale = (1.0 if fix_gamma else gamma) / np.sqrt(var + eps)
    out = (data - _along(mean, data.ndim, axis)) * _along(scale, data.ndim, axis)
    return (out + _along(beta, data.ndim, axis)).astype(data.dtype)


def _bn_parts(x, mm, mv, eps, batch_stats, axis, update):
    red, axis = _norm_axes(x.shape, axis)
    if update is not None:
        update.apply(x, red)
    if batch_stats:
        mu, var = _batch_moments(x, red)
    else:
        mu, var = _along(mm, x.ndim, axis), _along(mv, x.ndim, axis)
    rstd = 1 / ew.sqrt(var + eps)
    return red, axis, (x - mu) * rstd, rstd


def _bn_data_vjp(g, ans, x, gamma, beta, mm, mv, eps=1e-3, fix_gamma=True,
                 batch_stats=False, axis=1, update=None):
    red, axis, xhat, rstd = _bn_parts(x, mm, mv, eps, batch_stats, axis, update)
    dxhat = g if fix_gamma else g * _along(gamma, x.ndim, axis)
    return _normalized_grad(dxhat, xhat, rstd, red) if batch_stats else dxhat * rstd


def _bn_gamma_vjp(g, ans, x, gamma, beta, mm, mv, eps=1e-3, fix_gamma=True,
                  batch_stats=False, axis=1, update=None):
    red, axis, xhat, rstd = _bn_parts(x, mm, mv, eps, batch_stats, axis, update)
    return zeros_like(gamma) if fix_gamma else rd.sum(g * xhat, axis=red)


def _bn_beta_vjp(g, ans, x, gamma, beta, mm, mv, eps=1e-3, fix_gamma=True,
                 batch_stats=False, axis=1, update=None):
    red, axis = _norm_axes(x.shape, axis)
    if update is not None:
        update.apply(x, red)
    return rd.sum(g, axis=red)


def _bn_moving_vjp(which):
    # MXNet gives the moving statistics no gradient; they do have one in predict mode,
    # and ndgrad gives it if asked (an attached moving_mean is unusual).
    def vjp(g, ans, x, gamma, beta, mm, mv, eps=1e-3, fix_gamma=True, batch_stats=False,
            axis=1, update=None):
        if batch_stats:
            return None
        red, axis, xhat, rstd = _bn_parts(x, mm, mv, eps, batch_stats, axis, None)
        dxhat = g if fix_gamma else g * _along(gamma, x.ndim, axis)
        if which == "mean":
            return -rd.sum(dxhat * rstd, axis=red)
        return rd.sum(dxhat * xhat, axis=red) * -0.5 / (mv + eps)
    return vjp


def _nd_batch_norm(data, gamma, beta, moving_mean, moving_var, eps=1e-3, momentum=0.9,
                   fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
                   cudnn_off=False, min_calib_range=None, max_calib_range=None):
    if output_mean_var:
        raise NotImplementedError("BatchNorm: output_mean_var=True is not supported")
    channels = data.shape[normalize_axis("BatchNorm", axis, data.shape)]
    for name, p in (("gamma", gamma), ("beta", beta), ("moving_mean", moving_mean),
                    ("moving_var", moving_var)):
        if p.shape != (channels,):
            raise ValueError(f"BatchNorm: {name} has shape {p.shape}, expected "
                             f"({channels},) for data of shape {data.shape} and axis "
                             f"{axis}")
    if fix_gamma:  # MXNet writes the ones into gamma
        gamma._writable()[...] = 1
        gamma._bump()
    if flags.training and not use_global_stats:
        # Batch statistics: the op does not read the moving ones, only updates them.
        update = MovingAverages(moving_mean, moving_var, momentum)
        return ((data, gamma, beta, None, None),
                dict(eps=eps, fix_gamma=fix_gamma, batch_stats=True, axis=axis,
                     update=update))
    return ((data, gamma, beta, moving_mean, moving_var),
            dict(eps=eps, fix_gamma=fix_gamma, axis=axis))


BatchNorm = defop("BatchNorm", _batch_norm,
                  (_bn_data_vjp, _bn_gamma_vjp, _bn_beta_vjp, _bn_moving_vjp("mean"),
                   _bn_moving_vjp("var")),
                  inputs=("data", "gamma", "beta", "moving_mean", "moving_var"),
                  nd=("BatchNorm",), nd_args=_nd_batch_norm,
                  npx=("batch_norm",), npx_args=_nd_batch_norm, doc=_batch_norm.__doc__,
                  test=GradTest("custom", domain=((-2.0, 2.0),) * 4 + ((0.5, 2.0),)))


def _layer_norm(data, gamma, beta, axis=-1, eps=1e-5):
    """Normalise along ``axis`` per sample: (x - mean) / sqrt(var + eps) * gamma + beta,
    with gamma and beta of the length of that axis.

        >>> nd.LayerNorm(nd.array([[1, 2, 3]]), nd.ones(3), nd.zeros(3))
        [[-1.2247356  0.         1.2247356]]
    """
    ax = normalize_axis("LayerNorm", axis, data.shape)
    n = data.shape[ax]
    if np.shape(gamma) != (n,) or np.shape(beta) != (n,):
        raise ValueError(f"LayerNorm: gamma and beta must have shape ({n},), the length "
                         f"of axis {axis} of data of shape {data.shape}; got "
                         f"{np.shape(gamma)} and {np.shape(beta)}")
    return _affine_normalize(data, ax, gamma, beta, ax, eps)


def _affine_normalize(data, red, gamma, beta, along, eps):
    """(x - mean) / sqrt(var + eps), the moments over the axes ``red``, times gamma plus
    beta, both of the length of axis ``along``: LayerNorm's and InstanceNorm's."""
    mean = data.mean(axis=red, keepdims=True)
    var = data.var(axis=red, keepdims=True)
    out = (data - mean) / np.sqrt(var + eps) * _along(gamma, data.ndim, along)
    return (out + _along(beta, data.ndim, along)).astype(data.dtype)


def _affine_normalize_vjps(geometry):
    """The data, gamma and beta VJPs of an _affine_normalize op whose ``geometry(x,
    **kwargs)`` gives its (red, along, eps)."""
    def parts(x, kwargs):
        red, along, eps = geometry(x, **kwargs)
        mu, var = _batch_moments(x, red)
        rstd = 1 / ew.sqrt(var + eps)
        return red, along, (x - mu) * rstd, rstd

    def data_vjp(g, ans, x, gamma, beta, **kwargs):
        red, along, xhat, rstd = parts(x, kwargs)
        return _normalized_grad(g * _along(gamma, x.ndim, along), xhat, rstd, red)

    def gamma_vjp(g, ans, x, gamma, beta, **kwargs):
        _, along, xhat, _ = parts(x, kwargs)
        return rd.sum(g * xhat, axis=_all_but(x.ndim, along))

    def beta_vjp(g, ans, x, gamma, beta, **kwargs):
        return rd.sum(g, axis=_all_but(x.ndim, geometry(x, **kwargs)[1]))
    return data_vjp, gamma_vjp, beta_vjp


def _all_but(ndim, axis):
    return tuple(a for a in range(ndim) if a != axis)


LayerNorm = defop("LayerNorm", _layer_norm,
                  _affine_normalize_vjps(
                      lambda x, axis=-1, eps=1e-5: (axis % x.ndim, axis % x.ndim, eps)),
                  inputs=("data", "gamma", "beta"), nd=("LayerNorm",),
                  npx=("layer_norm",),
                  doc=_layer_norm.__doc__, test=GradTest("custom"))


def _instance_norm(data, gamma, beta, eps=1e-3):
    """Normalise each sample's each channel over its spatial axes: (x - mean) /
    sqrt(var + eps) * gamma + beta, for data (N, C, *spatial) and gamma, beta (C,).

        >>> nd.InstanceNorm(nd.array([[[1, 3]]]), nd.ones(1), nd.zeros(1))
        [[[-0.9995004  0.9995004]]]
    """
    if data.ndim < 3:
        raise ValueError(f"InstanceNorm: data must have at least 3 dims (N, C, *spatial), "
                         f"got shape {data.shape}")
    c = data.shape[1]
    if np.shape(gamma) != (c,) or np.shape(beta) != (c,):
        raise ValueError(f"InstanceNorm: gamma and beta must have shape ({c},), the "
                         f"channels of data of shape {data.shape}; got {np.shape(gamma)} "
                         f"and {np.shape(beta)}")
    return _affine_normalize(data, tuple(range(2, data.ndim)), gamma, beta, 1, eps)


InstanceNorm = defop("InstanceNorm", _instance_norm,
                     _affine_normalize_vjps(
                         lambda x, eps=1e-3: (tuple(range(2, x.ndim)), 1, eps)),
                     inputs=("data", "gamma", "beta"), nd=("InstanceNorm",),
                     doc=_instance_norm.__doc__, test=GradTest("custom"))


_L2_MODES = {"instance": lambda ndim: tuple(range(1, ndim)),
             "channel": lambda ndim: (1,),
             "spatial": lambda ndim: tuple(range(2, ndim))}


def _l2_axes(x, mode):
    if mode not in _L2_MODES:
        raise ValueError(f"L2Normalization: mode must be 'instance', 'channel' or "
                         f"'spatial', not {mode!r}")
    if x.ndim < (3 if mode == "spatial" else 2):
        raise ValueError(f"L2Normalization: mode={mode!r} needs data of at least "
                         f"{3 if mode == 'spatial' else 2} dims, got shape {x.shape}")
    return _L2_MODES[mode](x.ndim)


def _l2_normalization(data, eps=1e-10, mode="instance"):
    """x / sqrt(sum(x ** 2) + eps), the sum over each sample ('instance': all axes but
    the first), over the channels at each position ('channel': axis 1) or over each
    channel's spatial axes ('spatial': axes 2 and up).

        >>> nd.L2Normalization(nd.array([[3, 4]]))
        [[0.6 0.8]]
    """
    red = _l2_axes(data, mode)
    norm = np.sqrt(np.sum(np.square(data), axis=red, keepdims=True) + eps)
    return (data / norm).astype(data.dtype)


def _l2_normalization_vjp(g, ans, x, eps=1e-10, mode="instance"):
    # d/dx x / n = g / n - x * sum(g * x) / n^3, n the norm
    red = _l2_axes(x, mode)
    rnorm = 1 / ew.sqrt(rd.sum(ew.square(x), axis=red, keepdims=True) + eps)
    return (g - x * (rd.sum(g * x, axis=red, keepdims=True) * ew.square(rnorm))) * rnorm


L2Normalization = defop("L2Normalization", _l2_normalization, (_l2_normalization_vjp,),
                        nd=("L2Normalization",), doc=_l2_normalization.__doc__,
                        # at 0 the slope is 1 / sqrt(eps): no finite difference sees it
                        test=GradTest("custom", avoid=(0.0,)))


# ---- Embedding --------------------------------------------------------------------

def _rows_of(data, input_dim):
    """Row numbers from float indices: truncated and clipped to [0, input_dim), as
    MXNet does."""
    return np.clip(np.asarray(data).astype(np.int64), 0, input_dim - 1)


def _embedding(data, weight, input_dim, output_dim, dtype="float32", sparse_grad=False):
    """Look up rows of weight (input_dim, output_dim) for the indices in data: the
    result has shape data.shape + (output_dim,). Only weight gets a gradient.

        >>> nd.Embedding(nd.array([2, 0]), nd.arange(6).reshape(3, 2), input_dim=3,
        ...              output_dim=2)
        [[4. 5.]
         [0. 1.]]
    """
    if weight.shape != (input_dim, output_dim):
        raise ValueError(f"Embedding: weight has shape {weight.shape}, expected "
                         f"({input_dim}, {output_dim}) (input_dim, output_dim)")
    return weight[_rows_of(data, input_dim)]


Embedding = defop(
    "Embedding", _embedding,
    (None, lambda g, ans, x, w, input_dim, output_dim, **kw: sh.index_grad(
        g, shape=w.shape, index=(_rows_of(_raw(x), input_dim),))),
    inputs=("data", "weight"), nd=("Embedding",), npx=("embedding",),
    # Indices stay 0.05 away from integers, where truncation jumps.
    test=GradTest("custom", domain=((0.0, 2.9), (-2.0, 2.0)), avoid=(0.0, 1.0, 2.0, 3.0)))


# ---- masked softmax (npx) ------------------------------------------------------------

def _masked_softmax(data, mask, axis=-1, temperature=1.0, normalize=True):
    """Softmax of ``data / temperature`` along ``axis`` over the positions where
    ``mask`` (broadcast to data's shape) is true; masked positions are 0, and a row
    with nothing unmasked is all 0. ``normalize`` subtracts the row's largest unmasked
    value first, to avoid overflow. No gradient flows to the mask.

        >>> npx.masked_softmax(np.arange(5.), np.array([1, 0, 1, 0, 1]))
        array([0.01587624, 0.        , 0.11731043, 0.        , 0.86681336])
    """
    keep = np.broadcast_to(np.asarray(mask).astype(bool), np.shape(data))
    x = np.asarray(data) / temperature if temperature != 1.0 else np.asarray(data)
    if normalize:
        top = np.max(x, axis=axis, keepdims=True, where=keep, initial=-np.inf)
        x = x - np.where(np.isfinite(top), top, 0)
    with np.errstate(over="ignore", under="ignore"):
        e = np.exp(np.where(keep, x, -np.inf))
    total = e.sum(axis=axis, keepdims=True)
    return (e / np.where(total == 0, 1, total)).astype(np.result_type(data, np.float32))


def _masked_softmax_vjp(g, ans, x, mask, axis=-1, temperature=1.0, normalize=True):
    # softmax's gradient: masked positions have ans = 0, so they receive none.
    d = softmax_grad(g, ans, axis=axis)
    return d / temperature if temperature != 1.0 else d


masked_softmax = defop("masked_softmax", _masked_softmax, (_masked_softmax_vjp, None),
                       inputs=("data", "mask"), nd=("masked_softmax",),
                       npx=("masked_softmax",), save_inputs=False, save_output=True,
                       doc=_masked_softmax.__doc__)
# (no generated gradient test: its mask is not a differentiable input; checked to second
# order in tests/test_np_names.py)
