"""Input samplers for the neural-network ops (ndgrad/ops/nn.py), used by
``strategies.op_inputs`` for ops whose GradTest kind is 'custom'.

Each sampler draws ``(input shapes, keyword arguments)``; the values are drawn by
``op_inputs`` from the op's GradTest domain. Shapes stay small: the generated tests
differentiate numerically to second order.
"""
import numpy as np
from hypothesis import assume, strategies as st
from hypothesis.extra import numpy as hnp

_side = st.integers(1, 3)


def _shape(min_dims=1, max_dims=3):
    return hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1, max_side=3)


@st.composite
def _axis_op(draw):
    shape = draw(_shape())
    return [shape], {"axis": draw(st.integers(-len(shape), len(shape) - 1)),
                     "temperature": draw(st.sampled_from([None, 2.0]))}


@st.composite
def _softmax_grad(draw):
    shape = draw(_shape())
    return [shape, shape], {"axis": draw(st.integers(-len(shape), len(shape) - 1)),
                            "from_log": draw(st.booleans())}


@st.composite
def _softmax_output_grad(draw):
    n, s, classes = draw(_side), draw(_side), 3
    layout = draw(st.sampled_from(["flat", "multi", "preserve"]))
    kwargs = {"multi_output": layout == "multi", "preserve_shape": layout == "preserve",
              "normalization": draw(st.sampled_from(["null", "batch", "valid"])),
              "grad_scale": draw(st.sampled_from([1.0, 0.5])),
              "use_ignore": draw(st.booleans()), "ignore_label": 1.0,
              "smooth_alpha": draw(st.sampled_from([0.0, 0.1]))}
    shapes = {"flat": [(n, classes), (n,)], "multi": [(n, classes, s), (n, s)],
              "preserve": [(n, s, classes), (n, s)]}[layout]
    return shapes, kwargs


@st.composite
def _softmax_cross_entropy(draw):
    n = draw(_side)
    return [(n, 3), (n,)], {}


@st.composite
def _activation(draw):
    act = draw(st.sampled_from(["relu", "sigmoid", "tanh", "softrelu", "softsign"]))
    return [draw(_shape(0))], {"act_type": act}


@st.composite
def _leaky_relu(draw):
    act = draw(st.sampled_from(["leaky", "elu", "selu", "gelu", "prelu"]))
    kwargs = {"act_type": act, "slope": draw(st.sampled_from([0.25, 0.1]))}
    if act != "prelu":
        return [draw(_shape(0))], kwargs
    shape = draw(_shape(2, 4))
    return [shape, (draw(st.sampled_from([shape[1], 1])),)], kwargs


@st.composite
def _fully_connected(draw):
    data = draw(_shape(2, 3))
    flatten = draw(st.booleans())
    hidden = draw(_side)
    features = int(np.prod(data[1:])) if flatten else data[-1]
    shapes = [data, (hidden, features)]
    if draw(st.booleans()):
        shapes.append((hidden,))
    return shapes, {"flatten": flatten}


@st.composite
def _window(draw, max_kernel=3):
    """A spatial geometry: kernel, stride, dilate, symmetric pad, and an input size
    that fits at least one window."""
    n = draw(st.integers(1, 2))
    kernel = tuple(draw(st.integers(1, max_kernel)) for _ in range(n))
    stride = tuple(draw(st.integers(1, 2)) for _ in range(n))
    dilate = tuple(draw(st.integers(1, 2)) for _ in range(n))
    pad = tuple(draw(st.integers(0, k // 2)) for k in kernel)
    span = [d * (k - 1) + 1 for k, d in zip(kernel, dilate)]
    size = tuple(max(1, s - 2 * p) + draw(st.integers(0, 2)) for s, p in zip(span, pad))
    return {"kernel": kernel, "stride": stride, "dilate": dilate, "pad": pad}, size


def _out_size(size, geo):
    return tuple((n + 2 * p - (d * (k - 1) + 1)) // s + 1 for n, k, s, d, p in zip(
        size, geo["kernel"], geo["stride"], geo["dilate"], geo["pad"]))


def _pairs(geo):
    return {**geo, "pad": tuple((p, p) for p in geo["pad"])}


@st.composite
def _im2col(draw):
    geo, size = draw(_window())
    return [(draw(_side), draw(_side)) + size], _pairs(geo)


@st.composite
def _col2im(draw):
    geo, size = draw(_window())
    shape = (draw(_side), draw(_side)) + size
    return [shape[:2] + _out_size(size, geo) + geo["kernel"]], {"shape": shape,
                                                                **_pairs(geo)}


@st.composite
def _convolution(draw):
    geo, size = draw(_window())
    groups, narrow, per_group = draw(st.integers(1, 2)), draw(_side), draw(_side)
    shapes = [(draw(st.integers(1, 2)), groups * narrow) + size,
              (groups * per_group, narrow) + geo["kernel"]]
    if draw(st.booleans()):
        shapes.append((groups * per_group,))
    return shapes, {**geo, "num_group": groups}


@st.composite
def _deconvolution(draw):
    geo, size = draw(_window())
    groups, narrow, per_group = draw(st.integers(1, 2)), draw(_side), draw(_side)
    adj = [draw(st.integers(0, s - 1)) for s in geo["stride"]]
    out = tuple((i - 1) * s - 2 * p + d * (k - 1) + 1 + a for i, s, p, d, k, a in zip(
        size, geo["stride"], geo["pad"], geo["dilate"], geo["kernel"], adj))
    assume(min(out) >= 1)
    n = draw(st.integers(1, 2))
    shapes = [(n, groups * per_group) + size,
              (groups * per_group, narrow) + geo["kernel"]]
    if draw(st.booleans()):
        shapes.append((groups * narrow,))
    return shapes, {**geo, "num_group": groups, "shape": (n, groups * narrow) + out}


@st.composite
def _pooling(draw):
    # Max pooling is checked by hand (tests/test_nn_ops.py) on distinct values: drawn
    # values may tie within a window, where max is not differentiable.
    geo, size = draw(_window())
    return [(draw(_side), draw(_side)) + size], {
        "kernel": geo["kernel"], "stride": geo["stride"], "pad": geo["pad"],
        "pool_type": draw(st.sampled_from(["avg", "sum"])),
        "pooling_convention": draw(st.sampled_from(["valid", "full"])),
        "count_include_pad": draw(st.booleans())}


@st.composite
def _dropout(draw):
    shape = draw(_shape())
    mask = tuple(1 if draw(st.booleans()) else d for d in shape)
    return [shape, mask], {}


@st.composite
def _batch_norm(draw):
    data = (draw(st.integers(2, 3)),) + draw(_shape(1, 3))
    axis = draw(st.sampled_from([1, -1]))
    channels = (data[axis],)
    return [data] + [channels] * 4, {"batch_stats": draw(st.booleans()),
                                     "fix_gamma": draw(st.booleans()), "axis": axis}


@st.composite
def _layer_norm(draw):
    data = draw(_shape(1, 3))
    axis = draw(st.integers(-len(data), len(data) - 1))
    return [data, (data[axis],), (data[axis],)], {"axis": axis}


@st.composite
def _instance_norm(draw):
    data = draw(_shape(3, 4))
    return [data, data[1:2], data[1:2]], {}


@st.composite
def _l2_normalization(draw):
    mode = draw(st.sampled_from(["instance", "channel", "spatial"]))
    return [draw(_shape(3 if mode == "spatial" else 2, 4))], {"mode": mode}


@st.composite
def _embedding(draw):
    dim = draw(_side)
    return [draw(_shape(1, 2)), (3, dim)], {"input_dim": 3, "output_dim": dim}


SAMPLERS = {
    "softmax": _axis_op, "softmin": _axis_op, "log_softmax": _axis_op,
    "_softmax_grad": _softmax_grad,
    "_softmax_output_grad": _softmax_output_grad, "Activation": _activation,
    "softmax_cross_entropy": _softmax_cross_entropy,
    "LeakyReLU": _leaky_relu, "FullyConnected": _fully_connected,
    "_im2col": _im2col, "_col2im": _col2im, "Convolution": _convolution,
    "Deconvolution": _deconvolution, "Pooling": _pooling, "Dropout": _dropout,
    "BatchNorm": _batch_norm, "LayerNorm": _layer_norm, "Embedding": _embedding,
    "InstanceNorm": _instance_norm, "L2Normalization": _l2_normalization,
}
