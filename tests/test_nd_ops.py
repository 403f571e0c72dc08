"""The nd operator surface against MXNet 1.9.1: forward values, dtypes and shapes,
gradients (including MXNet's zero gradients and tie rules), printing and errors.

Every expected value below was printed by MXNet 1.9.1 (/tmp/mxref, mxnet==1.9.1 with
numpy 1.23.5) for the same call; ndgrad's tests do not need MXNet. Float32 results
are compared to 1e-6 relative (MXNet computes special functions in float32)."""
import re

import numpy as np
import pytest

from ndgrad import AutogradError, autograd, nd
from ndgrad.testing import check_gradients

NAN = float("nan")


def _x():
    return nd.arange(6).reshape((2, 3))


def _close(got, want, dtype=np.float32, rtol=1e-6):
    assert got.dtype == dtype, (got.dtype, dtype)
    want = np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got.asnumpy().astype(np.float64), want, rtol=rtol,
                               atol=1e-7, equal_nan=True)


def _grads(fn, *xs):
    for v in xs:
        v.attach_grad()
    with autograd.record():
        out = fn(*xs)
    out.backward()
    return [v.grad.asnumpy().tolist() for v in xs]


# ---- forward values, pinned ------------------------------------------------------
H = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5]
FORWARD = [
    ("floor", lambda: nd.floor(nd.array(H)), [-3, -2, -1, 0, 1, 2]),
    ("ceil", lambda: nd.ceil(nd.array(H)), [-2, -1, -0., 1, 2, 3]),
    ("round", lambda: nd.round(nd.array(H)), [-3, -2, -1, 1, 2, 3]),
    ("rint", lambda: nd.rint(nd.array(H)), [-3, -2, -1, 0, 1, 2]),
    ("trunc", lambda: nd.trunc(nd.array(H)), [-2, -1, -0., 0, 1, 2]),
    ("fix", lambda: nd.fix(nd.array(H)), [-2, -1, -0., 0, 1, 2]),
    ("clip", lambda: nd.clip(nd.array([-2.5, -1.5, 1.5, 2.5]), -1.5, 1.5),
     [-1.5, -1.5, 1.5, 1.5]),
    ("erf", lambda: nd.erf(nd.array([-1, 0, 0.5, 2])),
     [-0.8427008, 0., 0.5204999, 0.9953223]),
    ("erfinv", lambda: nd.erfinv(nd.array([-0.5, 0, 0.5, 0.99])),
     [-0.47693628, 0., 0.47693628, 1.8213866]),
    ("gamma", lambda: nd.gamma(nd.array([0.5, 1, 4.5, -1.5])),
     [1.7724538, 1., 11.631729, 2.3632717]),
    ("gammaln", lambda: nd.gammaln(nd.array([0.5, 1, 4.5, -1.5])),
     [0.5723649, 0., 2.4537368, 0.86004704]),
    ("softsign", lambda: nd.softsign(nd.array([-1, 0, 3])), [-0.5, 0., 0.75]),
    ("rcbrt", lambda: nd.rcbrt(nd.array([-8, 1, 27])), [-0.5, 1., 0.33333334]),
    ("cbrt", lambda: nd.cbrt(nd.array([-8, 1, 27])), [-2., 1., 3.]),
    ("rsqrt", lambda: nd.rsqrt(nd.array([4, 1, 0.25])), [0.5, 1., 2.]),
    ("degrees", lambda: nd.degrees(nd.array([3.14159265])), [180.]),
    ("arccosh", lambda: nd.arccosh(nd.array([0.5, 1, 2])), [NAN, 0., 1.316958]),
    # MXNet 1.9.1 at the edges (inf was nan, -0 was inf)
    ("gamma edges", lambda: nd.gamma(nd.array([np.inf, -0., 0., -np.inf, -1.])),
     [np.inf, -np.inf, np.inf, NAN, NAN]),
    ("gammaln edges", lambda: nd.gammaln(nd.array([np.inf, -0., 0., -np.inf, -1.])),
     [np.inf] * 5),
    ("mod", lambda: nd.array([-3, 3, 5.5]) % 2, [1., 1., 1.5]),
    ("mod negative divisor", lambda: nd.array([-3, 3, 5.5]) % -2, [-1., -1., -0.5]),
    ("rmod", lambda: 7 % nd.array([-3, 3, 5.]), [-2., 1., 2.]),
    ("broadcast_hypot", lambda: nd.broadcast_hypot(nd.array([3, 5]), nd.array([4, 12])),
     [5., 13.]),
    ("equal", lambda: nd.equal(nd.array([1, 2, 3]), 2), [0., 1, 0]),
    ("lesser scalar first", lambda: nd.lesser(2, nd.array([1, 2, 3])), [0., 0, 1]),
    ("logical_and", lambda: nd.logical_and(nd.array([0, 1, 2]), nd.array([1, 0, 3])),
     [0., 0., 1.]),
    ("logical_not", lambda: nd.logical_not(nd.array([0, 1, 2])), [1., 0., 0.]),
    ("broadcast_logical_xor", lambda: nd.broadcast_logical_xor(
        nd.array([0, 1, 2]), nd.array([[1], [0]])), [[1., 0, 0], [0, 1, 1]]),
    ("elemwise_add", lambda: nd.elemwise_add(nd.array([1, 2]), nd.array([3, 4])), [4, 6]),
    ("add_n", lambda: nd.add_n(nd.array([1, 2]), nd.array([3, 4]), nd.array([5, 6])),
     [9., 12.]),
    ("prod", lambda: nd.prod(nd.array([[1, 2, 2], [3, 3, 1]]), axis=0), [3, 6, 2]),
    ("nansum", lambda: nd.nansum(nd.array([1, NAN, 2])), [3.]),
    ("nanprod", lambda: nd.nanprod(nd.array([1, NAN, 2])), [2.]),
    ("norm ord=1", lambda: nd.norm(nd.array([[1, 2, 2], [3, 3, 1]]), ord=1), [12.]),
    ("norm ord=1 axis", lambda: nd.norm(nd.array([[1, 2, 2], [3, 3, 1]]), ord=1, axis=1,
                                        keepdims=True), [[5.], [7.]]),
    ("norm axis tuple", lambda: nd.norm(nd.array([[1, 2, 2], [3, 3, 1]]), axis=(0, 1)),
     [5.291503]),
    # squares past float32's range, as MXNet (they once overflowed to inf)
    ("norm large", lambda: nd.norm(nd.array([1e30, 1e30])), [1.4142135e+30]),
    ("norm large axis", lambda: nd.norm(nd.array([[1e30, 1e30], [1, 1]]), axis=1),
     [1.4142135e+30, 1.4142135]),
    ("norm inf", lambda: nd.norm(nd.array([np.inf, 1.])), [np.inf]),
    ("max keepdims", lambda: nd.max(_x(), axis=0, keepdims=True), [[3., 4, 5]]),
    ("argmax", lambda: nd.argmax(nd.array([[1, 2, 2], [3, 3, 1]]), axis=1), [1., 0]),
    ("argmax flat", lambda: nd.argmax(nd.array([[1, 2, 2], [3, 3, 1]])), [3.]),
    ("argmin keepdims", lambda: nd.argmin(nd.array([[1, 2, 2], [3, 3, 1]]), axis=0,
                                          keepdims=True), [[0., 0, 1]]),
    ("argmax nan", lambda: nd.array([1, NAN, 2]).argmax(), [1.]),
    ("topk", lambda: nd.topk(nd.array([[3, 1, 2], [1, 5, 4]]), k=2), [[0., 2], [1, 2]]),
    ("topk value asc", lambda: nd.topk(nd.array([[3, 1, 2], [1, 5, 4]]), k=2,
                                       ret_typ="value", is_ascend=True), [[1., 2], [1, 4]]),
    ("topk mask", lambda: nd.topk(nd.array([[3, 1, 2], [1, 5, 4]]), k=2, ret_typ="mask"),
     [[1., 0, 1], [0, 1, 1]]),
    ("topk flat", lambda: nd.topk(nd.array([[3, 1, 2], [1, 5, 4]]), axis=None, k=2),
     [4., 5]),
    ("topk ties", lambda: nd.topk(nd.array([1, 3, 3, 2, 3]), k=2), [1., 2]),
    # MXNet 1.9.1: k < 1 sorts the whole axis
    ("topk k=0", lambda: nd.topk(nd.array([[3, 1, 2]]), k=0), [[0., 2, 1]]),
    ("topk k=-1 value", lambda: nd.topk(nd.array([[3, 1, 2]]), k=-1, ret_typ="value"),
     [[3., 2, 1]]),
    ("topk k=0 flat", lambda: nd.topk(nd.array([[3, 1, 2], [0, 5, 1]]), k=0, axis=None,
                                      ret_typ="value"), [5., 3, 2, 1, 1, 0]),
    ("topk k=0 mask", lambda: nd.topk(nd.array([[3, 1, 2]]), k=0, ret_typ="mask"),
     [[1., 1, 1]]),
    ("topk ties asc", lambda: nd.topk(nd.array([1, 3, 1, 2, 1]), k=2, is_ascend=True),
     [0., 2]),
    ("sort desc", lambda: nd.sort(nd.array([[3, 1, 2], [1, 5, 4]]), is_ascend=False),
     [[3., 2, 1], [5, 4, 1]]),
    ("sort flat", lambda: nd.sort(nd.array([[3, 1, 2], [1, 5, 4]]), axis=None),
     [1., 1, 2, 3, 4, 5]),
    ("argsort", lambda: nd.argsort(nd.array([[3, 1, 2], [1, 5, 4]]), axis=0),
     [[1., 0, 0], [0, 1, 1]]),
    ("argsort ties desc", lambda: nd.argsort(nd.array([2, 1, 2, 1, 2]), is_ascend=False),
     [0., 2, 4, 1, 3]),
    ("argsort ties", lambda: nd.argsort(nd.array([2, 1, 2, 1, 2])), [1., 3, 0, 2, 4]),
    # descending without negating: -x wraps for unsigned ints and INT_MIN
    ("argsort desc uint8", lambda: nd.argsort(nd.array([[4, 0, 5, 4]], dtype="uint8"),
                                              is_ascend=False), [[2., 0, 3, 1]]),
    ("argsort desc int32 min", lambda: nd.argsort(
        nd.array([[1, -2147483648, 5]], dtype="int32"), is_ascend=False), [[2., 0, 1]]),
    ("eye", lambda: nd.eye(2, 3, k=1), [[0., 1, 0], [0, 0, 1]]),
    ("eye square", lambda: nd.eye(2), [[1., 0], [0, 1]]),
    ("linspace", lambda: nd.linspace(0, 1, 5), [0., 0.25, 0.5, 0.75, 1]),
    ("linspace open", lambda: nd.linspace(0, 1, 5, endpoint=False),
     [0., 0.2, 0.4, 0.6, 0.8]),
    ("flip", lambda: nd.flip(_x(), axis=1), [[2., 1, 0], [5, 4, 3]]),
    ("flip axes", lambda: nd.flip(_x(), axis=(0, 1)), [[5., 4, 3], [2, 1, 0]]),
    ("tile", lambda: nd.tile(_x(), reps=(2,)), [[0., 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]),
    ("repeat", lambda: nd.repeat(_x(), repeats=2), [0., 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
    ("repeat axis", lambda: nd.repeat(_x(), repeats=2, axis=0),
     [[0., 1, 2], [0, 1, 2], [3, 4, 5], [3, 4, 5]]),
    ("reshape_like", lambda: nd.reshape_like(_x(), nd.zeros((3, 2))),
     [[0., 1], [2, 3], [4, 5]]),
    ("concat", lambda: nd.concat(_x(), _x(), dim=0),
     [[0., 1, 2], [3, 4, 5], [0, 1, 2], [3, 4, 5]]),
    ("concat num_args", lambda: nd.concat(_x(), _x(), dim=0, num_args=2).T,
     [[0., 3, 0, 3], [1, 4, 1, 4], [2, 5, 2, 5]]),
    ("concat default dim", lambda: nd.concat(_x(), _x()),
     [[0., 1, 2, 0, 1, 2], [3, 4, 5, 3, 4, 5]]),
    ("stack", lambda: nd.stack(_x(), _x(), axis=1),
     [[[0., 1, 2], [0, 1, 2]], [[3, 4, 5], [3, 4, 5]]]),
    ("split one output", lambda: nd.split(_x(), num_outputs=1, axis=0),
     [[0., 1, 2], [3, 4, 5]]),
    ("slice", lambda: nd.slice(_x(), begin=(0, 1), end=(2, 3)), [[1., 2], [4, 5]]),
    ("slice None and steps", lambda: nd.slice(_x(), begin=(None, 0), end=(None, 3),
                                             step=(-1, 2)), [[3., 5], [0, 2]]),
    ("slice_axis", lambda: nd.slice_axis(_x(), axis=1, begin=1, end=None),
     [[1., 2], [4, 5]]),
    ("slice_axis negative", lambda: nd.slice_axis(_x(), axis=1, begin=-2, end=-1),
     [[1.], [4]]),
    ("slice_like", lambda: nd.slice_like(_x(), nd.zeros((1, 2))), [[0., 1]]),
    ("slice_like axes", lambda: nd.slice_like(_x(), nd.zeros((1, 2)), axes=(1,)),
     [[0., 1], [3, 4]]),
    ("take", lambda: nd.take(_x(), nd.array([0, 1.7, 5])),
     [[0., 1, 2], [3, 4, 5], [3, 4, 5]]),
    ("take wrap", lambda: nd.take(_x(), nd.array([-1, 3]), mode="wrap"),
     [[3., 4, 5], [3, 4, 5]]),
    ("take axis", lambda: nd.take(_x(), nd.array([[0, 2]]), axis=1), [[[0., 2]], [[3, 5]]]),
    ("pick", lambda: nd.pick(_x(), nd.array([0, 2])), [0., 5]),
    ("pick axis 0", lambda: nd.pick(_x(), nd.array([0, 1, 1]), axis=0, keepdims=True),
     [[0., 4, 5]]),
    ("pick clip", lambda: nd.pick(_x(), nd.array([5, -1])), [2., 3]),
    ("pick wrap", lambda: nd.pick(_x(), nd.array([5, -1]), mode="wrap"), [2., 5]),
    ("pick float", lambda: nd.pick(_x(), nd.array([0.7, 1.2])), [0., 4]),
    ("one_hot", lambda: nd.one_hot(nd.array([0, 2, 5]), 3),
     [[1., 0, 0], [0, 0, 1], [0, 0, 0]]),
    ("where", lambda: nd.where(nd.array([1, 0]), nd.array([1, 2]), nd.array([3, 4])),
     [1., 4]),
    ("where rows", lambda: nd.where(nd.array([1, 0]), _x()[:, :2].T, nd.zeros((2, 2))),
     [[0., 3], [0, 0]]),
    ("gather_nd", lambda: nd.gather_nd(_x(), nd.array([[1, 0], [2, 1]])), [5., 1]),
    ("scatter_nd", lambda: nd.scatter_nd(nd.array([9, 8]), nd.array([[1, 0], [2, 1]]),
                                         shape=(2, 3)), [[0., 8, 0], [0, 0, 9]]),
    ("scatter_nd repeated: last wins", lambda: nd.scatter_nd(
        nd.array([9, 8]), nd.array([[1, 1], [2, 2]]), shape=(2, 3)), [[0., 0, 0], [0, 0, 8]]),
    ("diag", lambda: nd.diag(_x(), k=1), [1., 5]),
    ("diag of a vector", lambda: nd.diag(nd.array([1, 2])), [[1., 0], [0, 2]]),
    ("diag axes", lambda: nd.diag(nd.arange(8).reshape((2, 2, 2)), axis1=1, axis2=2),
     [[0., 3], [4, 7]]),
    ("pad constant", lambda: nd.pad(nd.arange(4).reshape((1, 1, 2, 2)), mode="constant",
                                    pad_width=(0, 0, 0, 0, 1, 1, 1, 2), constant_value=7),
     [[[[7., 7, 7, 7, 7], [7, 0, 1, 7, 7], [7, 2, 3, 7, 7], [7, 7, 7, 7, 7]]]]),
    ("pad edge", lambda: nd.pad(nd.arange(4).reshape((1, 1, 2, 2)), mode="edge",
                                pad_width=(0, 0, 0, 0, 1, 0, 0, 1)),
     [[[[0., 1, 1], [0, 1, 1], [2, 3, 3]]]]),
    ("pad reflect", lambda: nd.pad(nd.arange(6).reshape((1, 1, 2, 3)), mode="reflect",
                                   pad_width=(0, 0, 0, 0, 1, 1, 2, 2)),
     [[[[5., 4, 3, 4, 5, 4, 3], [2, 1, 0, 1, 2, 1, 0], [5, 4, 3, 4, 5, 4, 3],
        [2, 1, 0, 1, 2, 1, 0]]]]),
    ("SequenceMask", lambda: nd.SequenceMask(nd.ones((3, 2, 2)), nd.array([1, 2]),
                                             use_sequence_length=True, value=-1),
     [[[1., 1], [1, 1]], [[-1, -1], [1, 1]], [[-1, -1], [-1, -1]]]),
    ("SequenceMask unused", lambda: nd.SequenceMask(nd.ones((3, 2))),
     [[1., 1], [1, 1], [1, 1]]),
    ("SequenceMask axis 1", lambda: nd.SequenceMask(nd.ones((2, 3)), nd.array([1, 2]),
                                                    use_sequence_length=True, axis=1),
     [[1., 0, 0], [1, 1, 0]]),
    ("broadcast_like", lambda: nd.broadcast_like(nd.ones((1, 3)), nd.zeros((2, 3))),
     [[1., 1, 1], [1, 1, 1]]),
    ("broadcast_like axes", lambda: nd.broadcast_like(nd.ones((1, 3)), nd.zeros((2, 4)),
                                                      lhs_axes=(0,), rhs_axes=(0,)),
     [[1., 1, 1], [1, 1, 1]]),
    ("broadcast_axis", lambda: nd.broadcast_axis(nd.ones((1, 3)), axis=0, size=2),
     [[1., 1, 1], [1, 1, 1]]),
    ("gemm2", lambda: nd.linalg.gemm2(nd.ones((2, 3)), nd.ones((3, 2)), alpha=2.0),
     [[6., 6], [6, 6]]),
    ("dot transpose_a n-d", lambda: nd.dot(nd.arange(24).reshape((4, 3, 2)),
                                           nd.arange(20).reshape((4, 5)),
                                           transpose_a=True).reshape((-1,))[:8],
     [420., 456, 492, 528, 564, 450, 490, 530]),
    ("dot transpose_b n-d", lambda: nd.dot(nd.arange(12).reshape((3, 4)),
                                           nd.arange(40).reshape((2, 5, 4)),
                                           transpose_b=True).reshape((-1,))[:6],
     [14., 38, 62, 86, 110, 134]),
    ("dot both transposed", lambda: nd.dot(nd.arange(6).reshape((3, 2)),
                                           nd.arange(6).reshape((2, 3)),
                                           transpose_a=True, transpose_b=True),
     [[10., 28], [13, 40]]),
]


@pytest.mark.parametrize("name,fn,want", FORWARD, ids=[f[0] for f in FORWARD])
def test_forward_matches_mxnet(name, fn, want):
    _close(fn(), want)


SHAPES = [
    ("empty", lambda: nd.empty((2, 0)), (2, 0)),
    # MXNet 1.9.1: in broadcast_to's shape, 0 keeps the input's dimension
    ("broadcast_to 0 first", lambda: nd.broadcast_to(nd.ones((2, 1)), shape=(0, 3)),
     (2, 3)),
    ("broadcast_to 0 last", lambda: nd.broadcast_to(nd.ones((1, 3)), shape=(4, 0)),
     (4, 3)),
    ("broadcast_to 0 only", lambda: nd.broadcast_to(nd.ones((2, 1)), shape=(2, 0)),
     (2, 1)),
    # MXNet 1.9.1: argmax/argmin of the whole array with keepdims keep every axis
    ("argmax keepdims", lambda: nd.argmax(nd.ones((2, 3)), keepdims=True), (1, 1)),
    ("argmin keepdims 3-d", lambda: nd.argmin(nd.ones((2, 3, 4)), keepdims=True),
     (1, 1, 1)),
    ("squeeze", lambda: nd.squeeze(nd.zeros((1, 2, 1))), (2,)),
    ("squeeze axis", lambda: nd.squeeze(nd.zeros((1, 2, 1)), axis=2), (1, 2)),
    ("squeeze to one", lambda: nd.squeeze(nd.zeros((1, 1))), (1,)),
    ("flatten", lambda: nd.flatten(nd.zeros((2, 3, 4))), (2, 12)),
    ("Flatten 1-d", lambda: nd.Flatten(nd.zeros((3,))), (3, 1)),
    ("swapaxes", lambda: nd.swapaxes(nd.zeros((2, 3, 4)), 0, 2), (4, 3, 2)),
    ("SwapAxis default", lambda: nd.SwapAxis(nd.zeros((2, 3, 4))), (2, 3, 4)),
    ("tile more reps", lambda: nd.tile(_x(), reps=(2, 1, 1)), (2, 2, 3)),
    ("broadcast_axes", lambda: nd.broadcast_axes(nd.ones((1, 3, 1)), axis=(0, 2),
                                                 size=(2, 4)), (2, 3, 4)),
    ("batch_dot", lambda: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 4, 5))), (2, 3, 5)),
    ("batch_dot transposed", lambda: nd.batch_dot(nd.ones((2, 4, 3)), nd.ones((2, 5, 4)),
                                                  transpose_a=True, transpose_b=True),
     (2, 3, 5)),
    ("dot n-d", lambda: nd.dot(nd.ones((2, 3, 4)), nd.ones((4, 5, 6))), (2, 3, 5, 6)),
    ("gemm2 batched", lambda: nd.linalg.gemm2(nd.ones((2, 3, 2)), nd.ones((2, 3, 4)),
                                              transpose_a=True), (2, 2, 4)),
    ("x[0, 1]", lambda: _x()[0, 1], (1,)),
    ("x[NDArray]", lambda: _x()[nd.array([1, 0])], (2, 3)),
    ("x[list, list]", lambda: _x()[[1, 0], [2, 2]], (2,)),
    ("x[:, NDArray]", lambda: _x()[:, nd.array([0, 2])], (2, 2)),
    ("x[float mask] indexes rows, as in MXNet", lambda: _x()[_x() > 2], (2, 3, 3)),
]


@pytest.mark.parametrize("name,fn,shape", SHAPES, ids=[s[0] for s in SHAPES])
def test_shape_matches_mxnet(name, fn, shape):
    assert fn().shape == shape


def test_reshape_codes_match_mxnet():
    x = nd.arange(24).reshape((2, 3, 4))
    cases = [((0, -1), {}, (2, 12)), ((-2,), {}, (2, 3, 4)), ((-3, 4), {}, (6, 4)),
             ((2, -4, 1, 3, 4), {}, (2, 1, 3, 4)), ((-4, 1, 2, -2), {}, (1, 2, 3, 4)),
             ((0, 0, -1), {}, (2, 3, 4)), ((-1, 0), {"reverse": True}, (6, 4)),
             ((6, 0), {"reverse": True}, (6, 4)), ((0, -3), {}, (2, 12)),
             ((2, -4, -1, 3, -2), {}, (2, 1, 3, 4)), ((-1,), {}, (24,))]
    for codes, kwargs, want in cases:
        assert x.reshape(codes, **kwargs).shape == want, codes


@pytest.mark.parametrize("args,kwargs", [
    (((3, 2),), {}), ((3, 2), {}), ((), {"shape": (6,)}),    # plain: the method's own path
    (([3, 2],), {}), ((np.int64(3), 2), {}), (((3.0, 2),), {}),  # converted by nd.reshape
    ((np.array([3, 2]),), {}), ((nd.array([3, 2]),), {}),
    (((0, -1),), {}), (((-1, 0),), {"reverse": True})])     # codes
def test_reshape_method_is_nd_reshape(args, kwargs):
    x = nd.arange(6).reshape((2, 3))
    x.attach_grad()
    with autograd.record():
        y = x.reshape(*args, **kwargs)
        want = nd.reshape(x, kwargs.get("shape", args[0] if len(args) == 1 else args),
                          **{k: v for k, v in kwargs.items() if k != "shape"})
        loss = y * nd.arange(6).reshape(y.shape)
    assert type(y) is nd.NDArray and y.shape == want.shape
    assert y._node.op is want._node.op and y._node.attrs == want._node.attrs
    assert y.asnumpy().tolist() == want.asnumpy().tolist()
    loss.backward()
    assert x.grad.asnumpy().tolist() == [[0, 1, 2], [3, 4, 5]]


def test_reshape_method_errors_and_scalars_are_nd_reshape():
    x = nd.arange(6)
    for shape in [(4,), (4, 2), ()]:
        with pytest.raises(ValueError, match=re.escape(
                f"reshape: cannot reshape an array of shape (6,) to {shape}")):
            x.reshape(shape)
    one = nd.array([5.0]).reshape(())  # nd arrays are never 0-d
    assert one.shape == (1,) and one.asnumpy().tolist() == [5]
    out = nd.zeros((3, 2))
    assert x.reshape((3, 2), out=out) is out
    assert out.asnumpy().tolist() == [[0, 1], [2, 3], [4, 5]]


def test_take_clips_as_the_gradient_does():
    # The forward lets NumPy clip; the VJP clips with _lanes: they must agree.
    from ndgrad.ops.indexing import _lanes
    x = nd.arange(6).reshape((3, 2))
    x.attach_grad()
    idx = np.array([-5, 0, 2, 7, 1.9, -0.5])
    with autograd.record():
        y = nd.take(x, nd.array(idx))
    y.backward()
    lanes = _lanes("take", idx, (3, 2), 0, "clip")
    assert lanes.tolist() == [0, 0, 2, 2, 1, 0]
    assert y.asnumpy().tolist() == x.asnumpy()[lanes].tolist()
    assert x.grad.asnumpy().tolist() == [[3, 3], [1, 1], [2, 2]]
    ints = np.array([-1, 5])
    assert nd.take(x, ints).asnumpy().tolist() == [[0, 1], [4, 5]]
    assert ints.tolist() == [-1, 5]  # indices are never written
    with pytest.raises(IndexError, match=re.escape(
            "take: cannot do a non-empty take from an empty axes. (input shapes (0, 2), "
            "(1,))")):
        nd.take(nd.zeros((0, 2)), nd.array([1]))


def test_dtypes_match_mxnet():
    i32 = nd.array([1, 2], dtype="int32")
    assert i32.max().dtype == np.int32 and i32.prod().dtype == np.int32
    assert i32.argmax().dtype == np.int32  # argmax: in the input's dtype
    mean = nd.array([1, 2, 4], dtype="int32").mean()
    assert mean.dtype == np.int32 and mean.asnumpy().tolist() == [2]
    assert nd.array([1, 2, 3], dtype="int32").sum().dtype == np.int32
    assert nd.topk(nd.array([[3, 1, 2]]), k=2, dtype="int32").dtype == np.int32
    assert (nd.array([3, 4], dtype="int32") % 0).asnumpy().tolist() == [0, 0]
    assert nd.one_hot(nd.array([1]), 3, on_value=5, off_value=-1,
                      dtype="int32").asnumpy().tolist() == [[-1, 5, -1]]
    assert nd.arange(0, 3, 1, repeat=2, dtype="int32").asnumpy().tolist() == \
        [0, 0, 1, 1, 2, 2]
    assert nd.shape_array(_x()).dtype == np.int64
    i3 = nd.array([1, 2, 3], dtype="int32")
    assert nd.broadcast_equal(i3, nd.array([2], dtype="int32")).dtype == np.int32
    assert nd.shape_array(_x()).asnumpy().tolist() == [2, 3]
    assert nd.size_array(_x()).asnumpy().tolist() == [6]
    assert nd.round(nd.array([2.5], dtype="float64")).dtype == np.float64


def test_multiple_outputs_are_lists_printed_as_mxnet():
    both = nd.topk(_x(), k=2, ret_typ="both")
    assert isinstance(both, list)
    assert repr(both) == ("[\n[[2. 1.]\n [5. 4.]]\n<NDArray 2x2 @cpu(0)>, \n[[2. 1.]\n"
                          " [2. 1.]]\n<NDArray 2x2 @cpu(0)>]")
    parts = nd.split(_x(), num_outputs=3, axis=1)
    assert isinstance(parts, list) and len(parts) == 3
    assert repr(parts[0]) == "\n[[0.]\n [3.]]\n<NDArray 2x1 @cpu(0)>"
    squeezed = nd.split(_x(), num_outputs=2, axis=0, squeeze_axis=True)
    assert [p.shape for p in squeezed] == [(3,), (3,)]
    assert repr(nd.argmax(_x(), axis=1)) == "\n[2. 2.]\n<NDArray 2 @cpu(0)>"
    assert repr(nd.norm(_x(), ord=1)) == "\n[15.]\n<NDArray 1 @cpu(0)>"


def test_methods_call_the_namespace_functions():
    x = nd.array([[3, 1, 2], [1, 5, 4]])
    assert x.max(axis=1).asnumpy().tolist() == [3, 5]
    assert x.topk(k=1).asnumpy().tolist() == [[0], [1]]
    assert x.clip(2, 4).asnumpy().tolist() == [[3, 2, 2], [2, 4, 4]]
    assert x.flatten().shape == (2, 3) and x.swapaxes(0, 1).shape == (3, 2)
    assert x.one_hot(6).shape == (2, 3, 6)
    assert x.tostype("default").asnumpy().tolist() == x.asnumpy().tolist()
    with pytest.raises(ValueError, match="tostype"):
        x.tostype("csr")


# ---- gradients, pinned --------------------------------------------------------------
ZERO_GRAD = ["floor", "ceil", "round", "rint", "trunc", "fix", "sign", "logical_not"]


@pytest.mark.parametrize("name", ZERO_GRAD)
def test_zero_gradient_as_mxnet(name):
    # MXNet records these and backward delivers zeros (it does not refuse).
    assert _grads(getattr(nd, name), nd.array(H)) == [[0.0] * 6]


def test_zero_gradients_of_positions_and_comparisons():
    x = [3., 1, 2]
    assert _grads(lambda z: nd.argmax(z, axis=0), nd.array(x)) == [[0., 0, 0]]
    assert _grads(lambda z: z == 1, nd.array(x)) == [[0., 0, 0]]
    assert _grads(lambda z: nd.topk(z, k=1), nd.array(x)) == [[0., 0, 0]]
    assert _grads(nd.argsort, nd.array(x)) == [[0., 0, 0]]
    assert _grads(lambda z: nd.one_hot(z, 3), nd.array([1., 0])) == [[0., 0]]


PINNED_GRADS = [
    ("max ties all get it", lambda z: nd.max(z, axis=1),
     [nd.array([[1, 2, 2], [3, 3, 1]])], [[[0., 1, 1], [1, 1, 0]]]),
    ("min ties all get it", lambda z: nd.min(z), [nd.array([[1, 2, 2], [1, 3, 1]])],
     [[[1., 0, 0], [1, 0, 1]]]),
    ("maximum tie goes to lhs", lambda z: nd.maximum(z, nd.array([-2.5, 0, 0, 0.5, 0, 0])),
     [nd.array(H)], [[1., 0, 0, 1, 1, 1]]),
    ("clip ends included", lambda z: nd.clip(z, -1.5, 1.5), [nd.array(H)],
     [[0., 1, 1, 1, 1, 0]]),
    ("prod: prod / x, nan at 0", lambda z: nd.prod(z), [nd.array([1, 0, 3.])],
     [[0., NAN, 0]]),
    ("nansum", lambda z: nd.nansum(z), [nd.array([1, NAN, 2])], [[1., 0, 1]]),
    ("nanprod", lambda z: nd.nanprod(z), [nd.array([1, NAN, 2])], [[2., 0, 1]]),
    ("norm ord=1", lambda z: nd.norm(z, ord=1), [nd.array([1, 0, -3.])], [[1., 0, -1]]),
    ("mod lhs", lambda z: z % 2, [nd.array([-3.5, 3.5])], [[1., 1]]),
    ("mod rhs", lambda z: nd.broadcast_mod(nd.array([7., 7.]), z), [nd.array([-3., 3.])],
     [[3., -2]]),
    ("gamma", nd.gamma, [nd.array([0.5, 1, 4.5, -1.5])],
     [[-3.480232, -0.5772157, 16.154972, 1.6617506]]),
    ("gammaln", nd.gammaln, [nd.array([0.5, 1, 4.5, -1.5])],
     [[-1.9635108, -0.5772157, 1.3888711, 0.70315677]]),
    ("erfinv", nd.erfinv, [nd.array([-0.5, 0, 0.5])], [[1.112585, 0.88622695, 1.112585]]),
    ("erf", nd.erf, [nd.array([0.5, -1.])], [[0.8787825703620911, 0.41510748863220215]]),
    ("softsign", nd.softsign, [nd.array([0.5, -1.])], [[0.4444444477558136, 0.25]]),
    ("rcbrt", nd.rcbrt, [nd.array([8., -1.])], [[-0.02083333395421505, -0.3333333432674408]]),
    ("round times x", lambda z: nd.round(z) * z, [nd.array([1.4, 2.6])], [[1., 3.]]),
    ("take repeats add", lambda z: nd.take(z, nd.array([0, 0, 1])),
     [nd.array([[1., 2], [3, 4]])], [[[2., 2], [1, 1]]]),
    ("pick", lambda z: nd.pick(z, nd.array([1, 0])) * nd.array([2, 3]),
     [nd.array([[1., 2], [3, 4]])], [[[0., 2], [3, 0]]]),
    ("topk value", lambda z: nd.topk(z, k=2, ret_typ="value") * nd.array([1, 10]),
     [nd.array([3., 1, 2])], [[1., 0, 10]]),
    ("where", lambda c, a, b: nd.where(c, a, b) * nd.array([1, 10]),
     [nd.array([1., 0]), nd.array([1., 2]), nd.array([3., 4])],
     [[0., 0], [1, 0], [0, 10]]),
    ("gather_nd", lambda z: nd.gather_nd(z, nd.array([[1, 1], [0, 0]])),
     [nd.array([[1., 2], [3, 4]])], [[[0., 0], [2, 0]]]),
    ("pad reflect", lambda z: nd.pad(z, mode="reflect", pad_width=(0, 0, 0, 0, 1, 1, 1, 1)),
     [nd.arange(6).reshape((1, 1, 2, 3))], [[[[[2., 6, 2], [2, 6, 2]]]]]),
    ("pad edge", lambda z: nd.pad(z, mode="edge", pad_width=(0, 0, 0, 0, 1, 0, 0, 2)),
     [nd.arange(6).reshape((1, 1, 2, 3))], [[[[[2., 2, 6], [1, 1, 3]]]]]),
    ("tile", lambda z: nd.tile(z, reps=(2, 2)), [nd.array([1., 2])], [[4., 4]]),
    ("repeat", lambda z: nd.repeat(z, repeats=3, axis=0), [nd.array([[1., 2]])],
     [[[3., 3]]]),
    ("SequenceMask", lambda z: nd.SequenceMask(z, nd.array([1, 2]),
                                               use_sequence_length=True),
     [nd.ones((3, 2))], [[[1., 1], [0, 1], [0, 0]]]),
    ("batch_dot", lambda a, b: nd.batch_dot(a, b, transpose_b=True),
     [nd.arange(6).reshape((1, 2, 3)), nd.arange(6).reshape((1, 2, 3))],
     [[[[3., 5, 7], [3, 5, 7]]], [[[3., 5, 7], [3, 5, 7]]]]),
    ("gemm2", lambda a, b: nd.linalg.gemm2(a, b, alpha=2.0),
     [nd.arange(6).reshape((2, 3)), nd.arange(6).reshape((3, 2))],
     [[[2., 10, 18], [2, 10, 18]], [[6., 6], [10, 10], [14, 14]]]),
    ("split", lambda z: nd.split(z, num_outputs=2, axis=0)[1] * 3,
     [nd.arange(4).reshape((2, 2))], [[[0., 0], [3, 3]]]),
    ("concat", lambda a, b: nd.concat(a, b, dim=0) * nd.arange(3).reshape((3, 1)),
     [nd.ones((1, 2)), nd.ones((2, 2))], [[[0., 0]], [[1, 1], [2, 2]]]),
    ("slice_axis", lambda z: nd.slice_axis(z, axis=1, begin=1, end=None),
     [nd.ones((2, 3))], [[[0., 1, 1], [0, 1, 1]]]),
    ("diag", lambda z: nd.diag(z, k=1) * nd.array([1, 10]), [nd.ones((2, 3))],
     [[[0., 1, 0], [0, 0, 10]]]),
    ("broadcast_axis", lambda z: nd.broadcast_axis(z, axis=0, size=3), [nd.ones((1, 2))],
     [[[3., 3]]]),
    ("scatter_nd", lambda z: nd.scatter_nd(z, nd.array([[1, 0], [0, 1]]), shape=(2, 2)) *
     nd.array([[1, 2], [3, 4]]), [nd.array([5., 6])], [[3., 2]]),
    ("add_n", lambda a, b: nd.add_n(a, b, a), [nd.ones((2,)), nd.ones((2,))],
     [[2., 2], [1, 1]]),
    ("broadcast_hypot", nd.broadcast_hypot, [nd.array([3.]), nd.array([4.])],
     [[0.6000000238418579], [0.800000011920929]]),
]


@pytest.mark.parametrize("name,fn,xs,want", PINNED_GRADS, ids=[p[0] for p in PINNED_GRADS])
def test_gradient_matches_mxnet(name, fn, xs, want):
    with np.errstate(all="ignore"):
        got = _grads(fn, *xs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, equal_nan=True)


@pytest.mark.parametrize("base, want", [  # MXNet 1.9.1's forward; its gradient: NaN
    (-2, [-2., 4., NAN]), (0, [0., 0., 0.]), (-1.5, [-1.5, 2.25, NAN])])
def test_gradient_of_a_scalar_base_at_most_zero_is_nan_as_mxnet(base, want):
    x = nd.array([1., 2., 0.5])
    x.attach_grad()
    with np.errstate(invalid="ignore"), autograd.record():
        y = base ** x
    with np.errstate(invalid="ignore"):
        y.backward()
    _close(y, want)
    assert np.isnan(x.grad.asnumpy()).all()


def test_norm_of_float16_past_its_range_as_mxnet():
    x = nd.array([300., 300.], dtype="float16")
    x.attach_grad()
    with autograd.record():
        y = nd.norm(x)
    y.backward()
    _close(y, [424.25], dtype=np.float16, rtol=1e-3)  # MXNet 1.9.1: [424.25]
    _close(x.grad, [0.7071, 0.7071], dtype=np.float16, rtol=1e-3)


@pytest.mark.parametrize("op", [  # computed in float64; they once came back float32
    "cbrt", "rcbrt", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "arcsinh",
    "arccosh", "arctanh", "erf", "erfinv", "gamma", "gammaln", "log2", "log10"])
def test_float16_stays_float16_as_mxnet(op):
    x = nd.array([0.5, 1.5], dtype="float16")
    with np.errstate(invalid="ignore", divide="ignore"):
        y = getattr(nd, op)(x)
        want = getattr(nd, op)(x.astype("float32")).asnumpy()
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.asnumpy(), want, rtol=1e-3, equal_nan=True)


def test_descending_sort_keeps_unsigned_values_as_mxnet():
    x = nd.array([[4, 0, 5, 4]], dtype="uint8")
    y = nd.sort(x, is_ascend=False)
    assert y.dtype == np.uint8 and y.asnumpy().tolist() == [[5, 4, 4, 0]]
    t = nd.topk(nd.array([[3, 0, 2, 0]], dtype="uint8"), k=2, ret_typ="value")
    assert t.dtype == np.uint8 and t.asnumpy().tolist() == [[3, 2]]


def test_sort_gradient():
    # MXNet 1.9.1's sort cannot be differentiated (its backward fails to parse axis);
    # ndgrad scatters the gradient back to where each value came from.
    assert _grads(lambda z: nd.sort(z) * nd.array([1, 10, 100]), nd.array([3., 1, 2])) == \
        [[100., 1, 10]]


def test_where_gradients_to_second_order():
    # where is tested by hand: its condition is an input that numeric
    # differentiation must not perturb.
    cond = nd.array([[1, 0, 1], [0, 0, 1]])
    check_gradients(lambda x, y: nd.where(cond, x, y) * x,
                    [np.linspace(-1, 1, 6).reshape(2, 3), np.ones((2, 3))], order=2)
    rows = nd.array([0, 1])
    check_gradients(lambda x, y: nd.where(rows, x * x, y), [np.ones((2, 2)),
                                                             np.full((2, 2), 3.0)], order=2)


def test_norm_gradient_at_zero_is_zero_not_nan():
    # MXNet gives nan (0/0); ndgrad uses the subgradient 0.
    assert _grads(nd.norm, nd.array([0., 0, 0])) == [[0., 0, 0]]


# ---- in-place writes --------------------------------------------------------------
def test_setitem_matches_mxnet():
    z = nd.zeros((2, 3))
    z[0, 1] = 5
    z[:, 2:] = nd.array([7, 8]).reshape((2, 1))
    z[1] = 1
    assert z.asnumpy().tolist() == [[0., 5, 7], [1, 1, 1]]
    z = nd.zeros((2, 3))
    z[0, 1] = nd.array([1, 2, 3]).sum()  # a (1,) value into a scalar slot
    assert z.asnumpy().tolist() == [[0., 6, 0], [0, 0, 0]]
    z = nd.zeros((2, 3))
    z[0] = nd.array([[1, 2, 3]])
    assert z.asnumpy().tolist() == [[1., 2, 3], [0, 0, 0]]
    y = _x()
    y[nd.array([0, 1]), nd.array([1, 2])] = 5
    assert y.asnumpy().tolist() == [[0., 5, 2], [3, 4, 5]]
    y[:] = nd.array([1, 2, 3])
    assert y.asnumpy().tolist() == [[1., 2, 3], [1, 2, 3]]
    y %= 2
    assert y.asnumpy().tolist() == [[1., 0, 1], [1, 0, 1]]


def test_setitem_shape_errors_match_mxnet_and_change_nothing():
    z = _x()
    for key, value in [((slice(None), 1), nd.array([[5], [6]])), (0, nd.array([1, 2]))]:
        with pytest.raises(ValueError, match=r"setitem: a value of shape \(2, ?1?\)"):
            z[key] = value
    assert z.asnumpy().tolist() == [[0., 1, 2], [3, 4, 5]]
    z[:, 1] = nd.array([[5, 6]])  # leading length-1 axes are dropped, as in MXNet
    assert z.asnumpy().tolist() == [[0., 5, 2], [3, 6, 5]]


def test_setitem_of_the_whole_array():
    # x[:] = value of x's own shape skips fitting the value; every other value is fitted.
    z = _x()
    z[:] = np.arange(6.0).reshape((3, 2)).T * 2  # float64, non-contiguous: cast, copied
    assert z.asnumpy().tolist() == [[0., 4, 8], [2, 6, 10]] and z.dtype == np.float32
    z[:] = nd.array([[1, 2, 3]]) - 1  # broadcast
    assert z.asnumpy().tolist() == [[0., 1, 2], [0, 1, 2]]
    z[:] = nd.ones((1, 2, 3)) * 7  # a leading length-1 axis is dropped
    assert z.asnumpy().tolist() == [[7.] * 3] * 2
    with pytest.raises(ValueError, match=r"^setitem: a value of shape \(3, 2\) does "
                                         r"not broadcast to the slot's shape \(2, 3\)"):
        z[:] = nd.ones((3, 2))
    with pytest.raises(TypeError, match=r"^setitem: only integer scalar arrays"):
        z[np.array([0, 1]):] = nd.ones((2, 3))  # a slice, but not the whole array
    x = nd.ones((2, 3))
    x.attach_grad()
    with autograd.record():
        y = x * z
    z[:] = nd.zeros((2, 3))  # a write the backward of y must see
    with pytest.raises(AutogradError, match="modified in place"):
        y.backward()


SETITEM_ERRORS = [
    # key, value, error, what the message says after "setitem: "
    (4, 1.0, IndexError, r"index 4 is out of bounds for axis 0 with size 2"),
    ((slice(None), 7), 1.0, IndexError, r"index 7 is out of bounds for axis 1 with size 3"),
    (nd.array([0, 4]), 1.0, IndexError, r"index 4 is out of bounds for axis 0"),
    (0, nd.ones((4,)), ValueError,
     r"a value of shape \(4,\) does not broadcast to the slot's shape \(3,\)"),
    ((slice(None), 1), nd.ones((2, 1)), ValueError,
     r"a value of shape \(2, 1\) does not broadcast to the slot's shape \(2,\)"),
]


@pytest.mark.parametrize("recording", [False, True])
@pytest.mark.parametrize("key,value,error,detail", SETITEM_ERRORS)
def test_setitem_errors_name_setitem_and_the_shapes_and_change_nothing(
        key, value, error, detail, recording):
    """x[key] = value: the error says setitem (what the user did, not the engine's
    internal op), the array's shape, and leaves arrays, graph and gradients as they
    were."""
    x = _x()
    x.attach_grad()
    v = value.copy() if isinstance(value, nd.NDArray) else value
    if isinstance(v, nd.NDArray):
        v.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(error) as info:
            if recording:
                y[key] = v * 1 if isinstance(v, nd.NDArray) else v
            else:
                with autograd.pause():
                    y[key] = v
        loss = y.sum()
    msg = str(info.value)
    assert msg.startswith("setitem: ") and "_setitem" not in msg, msg
    assert re.search(detail, msg) and "(2, 3)" in msg, msg
    assert y.asnumpy().tolist() == [[0., 2, 4], [6, 8, 10]]
    loss.backward()
    assert x.grad.asnumpy().tolist() == [[2.] * 3] * 2
    if isinstance(v, nd.NDArray):
        assert not v.grad.asnumpy().any()
    with pytest.raises(error, match="^setitem: " + detail):
        x[key] = value  # a variable, outside record()
    assert x.asnumpy().tolist() == [[0., 1, 2], [3, 4, 5]]


def test_x01_is_a_view_of_shape_1():
    x = _x()
    v = x[0, 1]
    assert v.shape == (1,)
    v[:] = 9
    assert x.asnumpy()[0, 1] == 9


# ---- errors: named op and shapes, nothing changed -----------------------------------
ERRORS = [
    ("elemwise_add", lambda a: nd.elemwise_add(a, nd.ones((3, 1))), ValueError, r"\(3, 1\)"),
    ("add_n", lambda a: nd.add_n(a, nd.ones((3, 1))), ValueError, r"\(2, 3\), \(3, 1\)"),
    ("squeeze", lambda a: nd.squeeze(a, axis=1), ValueError, r"\(2, 3\)"),
    ("concat", lambda a: nd.concat(a, nd.zeros((3, 3)), dim=1), ValueError,
     r"\(2, 3\), \(3, 3\)"),
    ("split", lambda a: nd.split(a, num_outputs=2, axis=1), ValueError, r"\(2, 3\)"),
    # MXNet: "If squeeze axis is True, the size of the sliced axis must be the same as
    # num_outputs" (ndgrad once ignored squeeze_axis here)
    ("split", lambda a: nd.split(a, num_outputs=1, axis=1, squeeze_axis=True),
     ValueError, r"squeeze_axis=True needs parts of length 1.*\(2, 3\)"),
    ("take", lambda a: nd.take(a, nd.array([0, 3]), mode="raise"), IndexError, "3"),
    ("where", lambda a: nd.where(nd.ones((3,)), a, a), ValueError, r"\(3,\)"),
    ("pad", lambda a: nd.pad(a, mode="constant", pad_width=(1, 1, 1, 1)), ValueError,
     r"\(2, 3\)"),
    ("batch_dot", lambda a: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 3, 5))),
     ValueError, r"\(2, 3, 4\) and \(2, 3, 5\)"),
    ("dot", lambda a: nd.dot(a, a), ValueError, r"\(2, 3\) and \(2, 3\)"),
    ("norm", lambda a: nd.norm(a, ord=3), ValueError, "ord"),
    ("topk", lambda a: nd.topk(a, k=4), ValueError, r"\(2, 3\)"),
    ("argmax", lambda a: nd.argmax(a, axis=2), IndexError, "axis 2"),
    ("swapaxes", lambda a: nd.swapaxes(a, 0, 3), IndexError, "axis 3"),
    ("gather_nd", lambda a: nd.gather_nd(a, nd.array([[2], [0]])), IndexError, "index 2"),
    ("pick", lambda a: nd.pick(a, nd.array([0, 1, 2])), ValueError, r"\(2, 3\)"),
    ("add", lambda a: nd.broadcast_add(a, nd.ones((2,))), ValueError,
     r"\(2,3\) \(2,\)"),
    ("SequenceMask", lambda a: nd.SequenceMask(a, nd.array([1, 2]),
                                               use_sequence_length=True), ValueError,
     r"\(2, 3\)"),
    ("getitem", lambda a: a[2], IndexError, "out of bounds"),
    ("SequenceMask", lambda a: nd.SequenceMask(a, nd.array([1, 2, 1])), ValueError,
     "use_sequence_length"),
    ("concat", lambda a: nd.concat(a, a, num_args=3), ValueError, "num_args=3"),
    # axis and index errors give the shape too
    ("concat", lambda a: nd.concat(a, a, dim=3), IndexError, r"axis 3 .*\(2, 3\)"),
    ("stack", lambda a: nd.stack(a, a, axis=3), IndexError, r"axis 3 .*\(2, 3\)"),
    ("flip", lambda a: nd.flip(a, axis=3), IndexError, r"axis 3 .*\(2, 3\)"),
    ("slice_axis", lambda a: nd.slice_axis(a, axis=3, begin=0, end=1), IndexError,
     r"axis 3 .*\(2, 3\)"),
    ("split", lambda a: nd.split(a, num_outputs=2, axis=3), IndexError,
     r"axis 3 .*\(2, 3\)"),
    ("pick", lambda a: nd.pick(a, nd.array([0, 1]), axis=3), IndexError,
     r"axis 3 .*\(2, 3\)"),
    ("take", lambda a: nd.take(a, nd.array([0, 3]), mode="raise"), IndexError,
     r"index 3 .*\(2, 3\)"),
    ("gather_nd", lambda a: nd.gather_nd(a, nd.array([[2], [0]])), IndexError,
     r"index 2 .*\(2, 3\)"),
    ("scatter_nd", lambda a: nd.scatter_nd(a, nd.array([[5, 0], [0, 1]]), shape=(2, 3)),
     IndexError, r"index 5 .*shape \(2, 3\)"),
    ("Convolution", lambda a: nd.Convolution(nd.ones((1, 5, 5, 3)), nd.ones((8, 3, 3, 3)),
                                             kernel=(3, 3), num_filter=8, no_bias=True,
                                             layout="NHWC"),
     NotImplementedError, r"NHWC.*\(1, 5, 5, 3\).*\(8, 3, 3, 3\)"),
    ("Deconvolution", lambda a: nd.Deconvolution(nd.ones((1, 5, 5, 3)),
                                                 nd.ones((3, 8, 3, 3)), kernel=(3, 3),
                                                 num_filter=8, layout="NHWC"),
     NotImplementedError, r"NHWC.*\(1, 5, 5, 3\).*\(3, 8, 3, 3\)"),
    ("Pooling", lambda a: nd.Pooling(nd.ones((1, 5, 5, 3)), kernel=(2, 2),
                                     layout="NHWC"),
     NotImplementedError, r"NHWC.*\(1, 5, 5, 3\)"),
]


@pytest.mark.parametrize("name,fn,error,detail", ERRORS, ids=[e[0] for e in ERRORS])
def test_bad_input_names_the_op_and_changes_nothing(name, fn, error, detail):
    a = _x()
    a.attach_grad()
    with pytest.raises(error, match=f"{name}.*{detail}|{detail}.*{name}"):
        with autograd.record():
            fn(a)
    assert a.asnumpy().tolist() == [[0., 1, 2], [3, 4, 5]]
    assert a.grad.asnumpy().tolist() == [[0.] * 3] * 2



@pytest.mark.skipif(np.lib.NumpyVersion(np.__version__) < "2.0.0",
                    reason="NumPy 1 casts by value: uint8 + -2 is int16 there")
def test_an_int_out_of_an_integer_array_s_range_names_the_op():
    # NumPy 2 refuses it (MXNet wraps it around)
    with pytest.raises(OverflowError, match=r"^add: .*-2 .* uint8.*\(2,\)"):
        nd.array([5, 1], dtype="uint8") + (-2)


# ---- creation and randomness -------------------------------------------------------
def test_samplers_shapes_dtypes_and_seed():
    import ndgrad
    cases = [lambda: nd.random.randn(2, 2), lambda: nd.random.exponential(2, shape=3),
             lambda: nd.random.gamma(2, 1, shape=3), lambda: nd.random.poisson(2, shape=3),
             lambda: nd.random.multinomial(nd.array([0.2, 0.8]), shape=4),
             lambda: nd.random.shuffle(nd.arange(6).reshape((3, 2))),
             lambda: nd.random.normal(nd.array([0, 10]), nd.array([1, 1]), shape=2)]
    ndgrad.random.seed(7)
    first = [f().asnumpy() for f in cases]
    ndgrad.random.seed(7)
    again = [f().asnumpy() for f in cases]
    for a, b in zip(first, again):
        np.testing.assert_array_equal(a, b)
    shapes = [(2, 2), (3,), (3,), (3,), (4,), (3, 2), (2, 2)]
    dtypes = [np.float32] * 4 + [np.int32] + [np.float32] * 2
    for a, s, d in zip(first, shapes, dtypes):
        assert a.shape == s and a.dtype == d
    assert sorted(first[5].ravel().tolist()) == list(range(6))  # a permutation of rows
    assert (first[6][1] > 5).all() and (first[6][0] < 5).all()  # loc per row
    assert nd.random.randn(2, dtype="float64").dtype == np.float64
    assert nd.random.exponential().shape == (1,)
    assert nd.random.multinomial(nd.array([[0.2, 0.8], [1, 0]])).shape == (2,)
    assert nd.random.multinomial(nd.array([0., 1.]), shape=3).asnumpy().tolist() == [1, 1, 1]
    draw, logp = nd.random.multinomial(nd.array([0.2, 0.8]), get_prob=True)
    assert draw.shape == (1,) and draw.dtype == np.int32 and logp.dtype == np.float32
    assert np.isclose(logp.asnumpy()[0], np.log([0.2, 0.8])[draw.asnumpy()[0]])


# MXNet 1.9.1's samplers with array parameters (_sample_normal, _sample_uniform...,
# src/operator/random/multisample_op.cc) and sample_multinomial without get_prob
# register MakeZeroGradNodes: backward runs and gives zeros. _shuffle registers no
# FGradient: backward through it is an error ("non-differentiable because it didn't
# register FGradient attribute").
RANDOM_ZERO_GRAD = [
    ("normal", lambda p: nd.random.normal(p, p + 1, shape=3)),
    ("normal-keywords", lambda p: nd.random.normal(loc=p, scale=p + 1, shape=3)),
    ("normal-loc-only", lambda p: nd.random.normal(loc=p, shape=2)),
    ("uniform", lambda p: nd.random.uniform(p, p + 1)),
    ("uniform-keywords", lambda p: nd.random.uniform(low=p, high=p + 1, shape=(2, 2))),
    ("gamma", lambda p: nd.random.gamma(alpha=p, beta=p, shape=2)),
    ("exponential", lambda p: nd.random.exponential(scale=p, shape=2)),
    ("poisson", lambda p: nd.random.poisson(lam=p, shape=2)),
    ("randn", lambda p: nd.random.randn(2, loc=p, scale=p)),
    ("multinomial", lambda p: nd.random.multinomial(p / p.sum(), shape=3)),
]


@pytest.mark.parametrize("fn", [c[1] for c in RANDOM_ZERO_GRAD],
                         ids=[c[0] for c in RANDOM_ZERO_GRAD])
def test_samplers_with_array_parameters_have_zero_gradient_as_mxnet(fn):
    import ndgrad
    p = nd.array([0.5, 2.0])
    p.attach_grad()
    p.grad[:] = 7
    ndgrad.random.seed(3)
    with autograd.record():
        y = fn(p)
    assert y._node is not None  # recorded: backward runs
    y.backward()
    assert p.grad.asnumpy().tolist() == [0., 0.]
    ndgrad.random.seed(3)
    np.testing.assert_array_equal(fn(p).asnumpy(), y.asnumpy())  # same draws


def test_sampler_keyword_parameters_are_the_parameters():
    import ndgrad
    ndgrad.random.seed(0)
    y = nd.random.normal(loc=nd.array([0., 100.]), scale=nd.array([1., 1.]), shape=500)
    assert abs(y[0].mean().asscalar()) < 0.3 and abs(y[1].mean().asscalar() - 100) < 0.3
    assert nd.random.normal(scale=nd.array([1., 1.])).shape == (2,)
    assert abs(nd.random.normal(scale=2.0, shape=4000).mean().asscalar()) < 0.2
    z = nd.random.randn(300, loc=nd.array([0., 50.]))
    assert z.shape == (2, 300) and abs(z[1].mean().asscalar() - 50) < 0.3


def test_shuffle_is_not_differentiable_as_mxnet():
    x = nd.array([[1., 2], [3, 4], [5, 6]])
    x.attach_grad()
    x.grad[:] = 7
    with autograd.record():
        y = nd.random.shuffle(x) * 2 + x
    with pytest.raises(AutogradError, match=r"random\.shuffle is not differentiable.*"
                                            r"detach\(\)"):
        y.backward()
    assert x.grad.asnumpy().tolist() == [[7.] * 2] * 3  # unchanged
    with autograd.record():
        y = nd.random.shuffle(x.detach()) * 2 + x  # the way round it
    y.backward()
    assert x.grad.asnumpy().tolist() == [[1.] * 2] * 3
    assert sorted(nd.random.shuffle(x).asnumpy()[:, 0].tolist()) == [1, 3, 5]


def test_multinomial_get_prob_gradient_is_reinforce_as_mxnet():
    """MXNet's _backward_sample_multinomial: the gradient of the log-probability output
    with respect to the probabilities is head / p at each drawn category (added up over
    draws); the head gradient of the draws themselves is ignored."""
    import ndgrad
    probs = np.array([[0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1]])
    p = nd.array(probs)
    p.attach_grad()
    reward = nd.array([[1., 2, 3, 4, 5], [-1, -2, -3, -4, -5]])
    ndgrad.random.seed(5)
    with autograd.record():
        draws, logp = nd.random.multinomial(p, shape=5, get_prob=True)
    assert draws.shape == logp.shape == (2, 5) and draws.dtype == np.int32
    np.testing.assert_allclose(
        logp.asnumpy(), np.log(np.take_along_axis(probs, draws.asnumpy(), 1)), rtol=1e-6)
    autograd.backward([draws, logp], [nd.ones((2, 5), dtype="int32"), reward])
    want = np.zeros((2, 4))
    for i in range(2):
        for j, k in enumerate(draws.asnumpy()[i]):
            want[i, k] += reward.asnumpy()[i, j] / probs[i, k]
    np.testing.assert_allclose(p.grad.asnumpy(), want, rtol=1e-6)
    with autograd.record():  # the draws alone: zero gradient (MakeZeroGradNodes)
        draws = nd.random.multinomial(p, shape=5)
    draws.backward()
    assert not p.grad.asnumpy().any()

    def logp_of(q):  # reseeded: the same draws at q and at q + eps
        ndgrad.random.seed(11)
        return nd.random.multinomial(q, shape=(2, 3), get_prob=True)[1]

    check_gradients(logp_of, [probs], order=2)
    one = nd.array([0.25, 0.75])
    one.attach_grad()
    with autograd.record():
        draw, logp = nd.random.multinomial(one, get_prob=True)
    logp.backward()
    k = int(draw.asscalar())
    np.testing.assert_allclose(one.grad.asnumpy(), [4 * (k == 0), 4 / 3 * (k == 1)],
                               rtol=1e-6)


def test_save_and_load_lists_and_dicts(tmp_path):
    a, b = nd.arange(6).reshape((2, 3)), nd.array([1, 2], dtype="int32")
    nd.save(str(tmp_path / "list"), [a, b])
    got = nd.load(str(tmp_path / "list"))
    assert isinstance(got, list) and [g.dtype for g in got] == [np.float32, np.int32]
    assert got[0].asnumpy().tolist() == a.asnumpy().tolist()
    nd.save(str(tmp_path / "dict"), {"w": a, "b": b})
    got = nd.load(str(tmp_path / "dict"))
    assert sorted(got) == ["b", "w"] and got["b"].asnumpy().tolist() == [1, 2]
    nd.save(str(tmp_path / "one"), a)
    assert len(nd.load(str(tmp_path / "one"))) == 1
    with pytest.raises(TypeError, match="save"):
        nd.save(str(tmp_path / "bad"), [a, np.ones(2)])
    np.save(str(tmp_path / "plain.npy"), np.ones(2))
    with pytest.raises(ValueError, match="load"):
        nd.load(str(tmp_path / "plain.npy"))


def test_context_conveniences():
    import ndgrad
    x = nd.ones((2,))
    assert x.context == ndgrad.cpu() and x.ctx == ndgrad.cpu()
    assert x.as_in_context(ndgrad.cpu()) is x
    y = nd.zeros((2,))
    x.copyto(y)
    assert y.asnumpy().tolist() == [1., 1.]
    x.wait_to_read()
    nd.waitall()
    assert x.astype("float32", copy=False) is x
    assert x.astype("float64", copy=False) is not x


def test_out_argument_and_ctx():
    import ndgrad
    c = nd.zeros((2,))
    assert nd.elemwise_add(nd.ones(2), nd.ones(2), out=c) is c
    assert c.asnumpy().tolist() == [2., 2.]
    with pytest.raises(ValueError, match="elemwise_add"):
        nd.elemwise_add(nd.ones(2), nd.ones(3), out=c)
    assert c.asnumpy().tolist() == [2., 2.]
    assert nd.random.exponential(2, shape=(2,), ctx=ndgrad.cpu()).shape == (2,)
    with pytest.raises(ValueError, match="CPU only"):
        nd.random.poisson(2, shape=2, ctx=ndgrad.gpu())


def test_special_functions_are_accurate_in_float64():
    import math
    xs = np.linspace(-4, 4, 81)
    got = nd.erf(nd.array(xs, dtype="float64")).asnumpy()
    np.testing.assert_allclose(got, [math.erf(v) for v in xs], rtol=2e-7, atol=1e-15)
    pos = np.linspace(0.1, 20, 60)
    np.testing.assert_allclose(nd.gammaln(nd.array(pos, dtype="float64")).asnumpy(),
                               [math.lgamma(v) for v in pos], rtol=1e-9, atol=1e-10)
    neg = np.array([-3.7, -2.5, -0.3, 0.3, 5.5])
    np.testing.assert_allclose(nd.gamma(nd.array(neg, dtype="float64")).asnumpy(),
                               [math.gamma(v) for v in neg], rtol=1e-9)
    ys = np.linspace(-0.999, 0.999, 41)
    back = nd.erf(nd.erfinv(nd.array(ys, dtype="float64"))).asnumpy()
    np.testing.assert_allclose(back, ys, rtol=1e-7)
    edges = nd.erfinv(nd.array([-1, 1, 2])).asnumpy()
    assert edges[0] == -np.inf and edges[1] == np.inf and np.isnan(edges[2])


@pytest.mark.parametrize("make, shape", [
    (lambda: nd.array([1, 2]), (2,)),      # a NumPy array of the op's: only wrapped
    (lambda: nd.zeros((2, 3)), (2, 3)),
    (lambda: nd.array(3), (1,)),           # 0-d: finished as MXNet does, to shape (1,)
    (lambda: nd.zeros(()), (1,)),
])
def test_creators_give_unrecorded_nd_arrays_never_0d(make, shape):
    x = make()
    assert type(x) is nd.NDArray and x.shape == shape and x.dtype is np.float32
    assert x._node is None


# ---- which results share the input's memory: as MXNet 1.9.1 ---------------------------
# Run under MXNet: writing to x changed y, and writing to y changed x, exactly for
# VIEWS; ndgrad once returned NumPy's views for every shape op (silent corruption).
VIEWS = {
    "reshape method": lambda x: x.reshape(3, 2),
    "reshape method, codes": lambda x: x.reshape((0, -1)),
    "detach": lambda x: x.detach(),
    "x[0]": lambda x: x[0], "x[1:]": lambda x: x[1:], "x[:]": lambda x: x[:],
    "x[...]": lambda x: x[...], "x[0, 1]": lambda x: x[0, 1],
    "x[0, 1:3]": lambda x: x[0, 1:3], "x[::2]": lambda x: x[::2],  # one row: contiguous
    "x[None]": lambda x: x[None], "x[1][0:2]": lambda x: x[1][0:2],
}
COPIES = {
    "T": lambda x: x.T, "transpose": lambda x: nd.transpose(x),
    "transpose method": lambda x: x.transpose(),
    "swapaxes": lambda x: nd.swapaxes(x, 0, 1), "flip": lambda x: nd.flip(x, axis=0),
    "reverse": lambda x: nd.reverse(x, axis=0),
    "expand_dims": lambda x: nd.expand_dims(x, axis=0),
    "expand_dims method": lambda x: x.expand_dims(0),
    "squeeze": lambda x: nd.squeeze(x.reshape(1, 2, 3)),
    "flatten": lambda x: nd.flatten(x), "Flatten": lambda x: nd.Flatten(x),
    "flatten method": lambda x: x.flatten(),
    "reshape function": lambda x: nd.reshape(x, shape=(3, 2)),
    "reshape_like": lambda x: nd.reshape_like(x, nd.ones((3, 2))),
    "slice": lambda x: nd.slice(x, begin=(0, 0), end=(1, 2)),
    "slice_axis": lambda x: nd.slice_axis(x, axis=0, begin=0, end=1),
    "slice_like": lambda x: nd.slice_like(x, nd.ones((1, 2))),
    "split": lambda x: nd.split(x, num_outputs=2, axis=0)[1],
    "split along columns": lambda x: nd.split(x, num_outputs=3, axis=1)[2],
    "broadcast_to": lambda x: nd.broadcast_to(x.reshape(1, 6), shape=(2, 6)),
    "broadcast_axis": lambda x: nd.broadcast_axis(x.reshape(1, 6), axis=0, size=2),
    "BlockGrad": lambda x: nd.BlockGrad(x), "copy": lambda x: x.copy(),
    "x[:, 1]": lambda x: x[:, 1], "x[::-1]": lambda x: x[::-1],
    "x[0:2, 1:3]": lambda x: x[0:2, 1:3], "x[[0]]": lambda x: x[[0]],
}


@pytest.mark.parametrize("name", sorted(VIEWS) + sorted(COPIES))
def test_results_share_memory_exactly_where_mxnet_s_do(name):
    shares = name in VIEWS
    f = VIEWS.get(name) or COPIES[name]
    x = nd.arange(6).reshape((2, 3))
    y = f(x)
    before = y.asnumpy()
    x[:] = -7
    assert (y.asnumpy() != before).any() == shares
    x = nd.arange(6).reshape((2, 3))
    f(x)[:] = 99
    assert (x.asnumpy() == 99).any() == shares


def test_rint_keeps_the_sign_of_zero_as_mxnet():
    y = nd.rint(nd.array([-0.4, 0.4, -0.5]))
    assert np.signbit(y.asnumpy()).tolist() == [True, False, True]
    assert str(y) == "\n[-0.  0. -1.]\n<NDArray 3 @cpu(0)>"  # MXNet 1.9.1's print


def test_integer_arrays_in_float_arithmetic_are_not_truncated():
    # A deliberate difference (README): MXNet 1.9.1 gives [0 1 1], [2 4 6], [2 7 20]
    # and [0 1 0] here, all int32.
    i = nd.array([1, 2, 3], dtype="int32")
    for got, want, dtype in [(i / 2, [0.5, 1, 1.5], np.float64),
                             (i * 2.5, [2.5, 5, 7.5], np.float64),
                             (nd.exp(i), np.exp([1., 2, 3]), np.float64),
                             (i == 2.5, [0, 0, 0], np.int32)]:
        assert got.dtype == dtype
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-12)
