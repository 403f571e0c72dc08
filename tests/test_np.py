"""ndgrad.np / ndgrad.npx against MXNet 1.9.1: printing, dtypes and promotion, indexing,
gradients through np functions, npx, flavour mixing. Every expected text or value
below was printed by MXNet 1.9.1 (numpy 1.23.5) for the same code, unless a comment
says ndgrad differs on purpose (and why)."""
import warnings

import numpy as onp
import pytest
from hypothesis import given, strategies as st
from hypothesis.extra import numpy as hnp

from ndgrad import autograd, nd, np, npx
from ndgrad.testing import check_gradients


@pytest.fixture(autouse=True)
def np_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _grad(f, *arrays):
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        out = f(*arrays)
    out.backward()
    return [a.grad.asnumpy().tolist() for a in arrays]


# ---- printing ------------------------------------------------------------------------

@pytest.mark.parametrize("make, text", [
    (lambda: np.arange(4), "array([0., 1., 2., 3.])"),
    (lambda: np.array([[1.5, 2], [3, 4]]), "array([[1.5, 2. ],\n       [3. , 4. ]])"),
    (lambda: np.array([1, 2], dtype="int32"), "array([1, 2], dtype=int32)"),
    (lambda: np.array(onp.array([1.0, 2.0])), "array([1., 2.], dtype=float64)"),
    (lambda: np.array(onp.array([1, 2, 3])), "array([1, 2, 3], dtype=int64)"),
    (lambda: np.array(28.), "array(28.)"),
    (lambda: np.zeros((0, 3)), "array([], shape=(0, 3))"),
    (lambda: np.arange(6) > 2, "array([False, False, False,  True,  True,  True])"),
    (lambda: np.array([1, 2], dtype="float16"), "array([1., 2.], dtype=float16)"),
    (lambda: np.array(3, dtype="int32"), "array(3, dtype=int32)"),
    (lambda: np.arange(12).reshape(3, 4) / 7,
     "array([[0.        , 0.14285715, 0.2857143 , 0.42857143],\n"
     "       [0.5714286 , 0.71428573, 0.85714287, 1.        ],\n"
     "       [1.1428572 , 1.2857143 , 1.4285715 , 1.5714285 ]])"),
    (lambda: np.arange(30, dtype="float64")[25:] / 7,
     "array([3.57142857, 3.71428571, 3.85714286, 4.        , 4.14285714], dtype=float64)"),
])
def test_repr_is_mxnets(make, text):
    assert repr(make()) == text


def test_long_float64_repr_keeps_the_dtype_on_the_last_line():
    text = repr(np.arange(30, dtype="float64") / 7)
    assert text.endswith("4.14285714], dtype=float64)")


def test_str_and_format():
    assert str(np.arange(4)) == "[0. 1. 2. 3.]"
    assert str(np.array(28.)) == "28.0"
    assert "{:.2f}".format(np.array(3.14159)) == "3.14"
    assert f"{np.array([3.14159])}" == "[3.14159]"


# ---- dtypes --------------------------------------------------------------------------

def test_float32_by_default_and_dtype_is_a_numpy_dtype():
    for x in (np.arange(4), np.array([1, 2, 3]), np.zeros((2, 3)), np.ones(2),
              np.full((2,), 3), np.eye(2), np.linspace(0, 1, 5), np.empty((2,)),
              np.random.normal(size=3), np.random.uniform(size=(2, 3))):
        assert x.dtype == onp.float32
    assert np.arange(3).dtype == onp.dtype("float32")
    assert np.array([True, False]).dtype == onp.float32   # lists are always float
    assert np.zeros(2, dtype="int64").dtype == onp.int64


@pytest.mark.parametrize("make, dtype", [
    (lambda: np.array([1, 2], dtype="int32") + np.array([1., 2.]), "float32"),
    (lambda: np.array([1, 2], dtype="int32") + np.array([1., 2.], dtype="float64"),
     "float64"),
    (lambda: np.array([1, 2]) + np.array([1., 2.], dtype="float64"), "float64"),
    (lambda: np.array([1, 2], dtype="int32") + np.array([1, 2], dtype="int64"), "int64"),
    (lambda: np.array([1, 2], dtype="int32") / 2, "float32"),
    (lambda: np.array([1, 2], dtype="int32") / np.array([1, 2], dtype="int32"),
     "float32"),
    (lambda: np.array([1, 2], dtype="float16") + np.array([1, 2], dtype="int64"),
     "float16"),
    (lambda: np.array([1, 2], dtype="bool") + np.array([1, 2], dtype="int32"), "int32"),
    (lambda: np.array([1, 0], dtype="bool") * 2, "int64"),
    (lambda: np.array([1, 2], dtype="int32") ** 2, "int32"),
    (lambda: np.array([1, 2], dtype="int32").mean(), "float32"),
    (lambda: (np.arange(4) > 1).sum(), "int64"),
    (lambda: np.array([1, 2], dtype="int32").sum(), "int32"),
    (lambda: np.array([1, 2], dtype="int8").sum(), "int8"),
    (lambda: np.argmax(np.array([1, 3, 2])), "int64"),
    (lambda: np.array([1, 2], dtype="int32") == 1.0, "bool"),
    (lambda: np.random.randint(0, 3, size=(2,)), "int64"),
    (lambda: np.random.choice(4, size=(2,)), "int64"),
    (lambda: np.random.multinomial(5, [0.5, 0.5]), "int64"),
])
def test_promotion_is_mxnets(make, dtype):
    assert make().dtype == onp.dtype(dtype)


def test_integer_times_float_scalar_is_float():
    # MXNet 1.9.1 truncates here (array([2, 4], dtype=int32)); ndgrad gives the float
    # result in the default float dtype, as it does for int / int.
    assert repr(np.array([1, 2], dtype="int32") * 2.5) == "array([2.5, 5. ])"


def test_set_np_dtype_true_makes_float64_the_default():
    npx.set_np(dtype=True)
    try:
        assert np.arange(3).dtype == onp.float64
        assert np.ones(2).dtype == onp.float64
        assert (np.array([1, 2], dtype="int32") / 2).dtype == onp.float64
    finally:
        npx.reset_np()
    assert not npx.is_np_array()
    assert np.arange(3).dtype == onp.float32


# ---- scalars, conversions ------------------------------------------------------------

def test_python_scalars_and_control_flow():
    assert np.array(3.).item() == 3.0 and isinstance(np.array([3.]).item(), float)
    assert float(np.array([3.])) == 3.0 and int(np.array([3.5])) == 3
    assert int(np.array(2.7)) == 2 and bool(np.array([3.5])) is True
    y, steps = np.array([1.0, 1.0]), 0
    while np.linalg.norm(y) < 1000:
        y = y * 2
        steps += 1
    assert steps == 10
    with pytest.raises(ValueError, match="ambiguous"):
        bool(np.arange(3))
    with pytest.raises(TypeError):
        float(np.arange(3))
    with pytest.raises(TypeError):
        len(np.array(3.))


def test_array_methods_and_attributes():
    x = np.arange(6).reshape(2, 3)
    assert x.shape == (2, 3) and x.size == 6 and len(x) == 2 and x.ndim == 2
    assert repr(x.T) == "array([[0., 3.],\n       [1., 4.],\n       [2., 5.]])"
    assert x.reshape(3, 2).shape == x.reshape((3, 2)).shape == (3, 2)
    assert x.reshape(-1, 2).shape == (3, 2)
    assert x.transpose(1, 0).shape == (3, 2)
    assert x.tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    flat = x.flatten()
    flat[0] = 7
    assert x[0, 0] == 0 and x.ravel().shape == (6,)   # flatten copies
    assert isinstance(x.asnumpy(), onp.ndarray) and x.asnumpy().dtype == onp.float32
    assert str(x.ctx) == "cpu(0)" and x.context == npx.cpu() and x.stype == "default"
    assert [repr(v) for v in np.arange(3)] == ["array(0.)", "array(1.)", "array(2.)"]
    assert repr(x.astype("int32")) == "array([[0, 1, 2],\n       [3, 4, 5]], dtype=int32)"
    with pytest.raises(ValueError, match="reshape"):
        x.reshape(0, -1)   # MXNet's np refuses nd's reshape codes too


def test_nd_and_np_conversions_share_data_and_graph():
    x = np.arange(3)
    nd_x = x.as_nd_ndarray()
    assert isinstance(nd_x, nd.NDArray)
    assert repr(nd_x) == "\n[0. 1. 2.]\n<NDArray 3 @cpu(0)>"
    assert isinstance(nd.arange(3).as_np_ndarray(), np.ndarray)
    x.attach_grad()
    with autograd.record():
        z = (x.as_nd_ndarray() * 2).as_np_ndarray().sum()
    z.backward()
    assert x.grad.tolist() == [2.0, 2.0, 2.0]


def test_flavours_do_not_mix():
    with pytest.raises(TypeError, match="as_np_ndarray"):
        np.arange(3) + nd.arange(3)
    with pytest.raises(TypeError, match="as_np_ndarray"):
        nd.arange(3) + np.arange(3)
    with pytest.raises(TypeError, match="as_np_ndarray"):
        np.add(np.arange(3), nd.arange(3))
    with pytest.raises(TypeError, match="as_np_ndarray"):
        np.exp(nd.arange(3))


# ---- indexing ------------------------------------------------------------------------

def test_indexing_follows_numpy():
    x = np.arange(6).reshape(2, 3)
    assert repr(x[[0, 1], [1, 2]]) == "array([1., 5.])"
    assert repr(x[[0, 1], np.array([1, 2])]) == "array([1., 5.])"   # float indices too
    assert repr(np.arange(6)[np.arange(6) > 2]) == "array([3., 4., 5.])"
    assert repr(x[1]) == "array([3., 4., 5.])" and repr(x[1, 2]) == "array(5.)"
    assert repr(x[..., 1]) == "array([1., 4.])" and x[None].shape == (1, 2, 3)
    assert repr(x[range(2), [0, 1]]) == "array([0., 4.])"


def test_index_gradients_add_up():
    got = _grad(lambda x: (x[1:, ::2] * 2).sum() + x[np.array([0, 0, 2])].sum()
                + x[x > 9].sum(), np.arange(12).reshape(3, 4))
    assert got == [[[2.0, 2.0, 2.0, 2.0], [2.0, 0.0, 2.0, 0.0], [3.0, 1.0, 4.0, 2.0]]]


def test_cross_entropy_pick_by_integer_arrays():
    y_hat, y = np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), np.array([0, 2])
    y_hat.attach_grad()
    with autograd.record():
        loss = -np.log(y_hat[[0, 1], y])
    loss.backward()
    assert repr(loss) == "array([2.3025851, 0.6931472])"
    assert y_hat.grad.tolist() == [[-10.0, 0.0, 0.0], [0.0, 0.0, -2.0]]


def test_setitem_and_inplace_operators():
    x = np.arange(3)
    x[0] = np.array(5.)
    x[x > 1] = 0
    assert repr(x) == "array([0., 1., 0.])"
    x[[0, 2]] = 9
    assert repr(x) == "array([9., 1., 9.])"
    y = np.array([1., 2., 3.])
    y += 1
    y *= 2
    y -= np.array([1., 1., 1.])
    y /= 2
    assert repr(y) == "array([1.5, 2.5, 3.5])"


def test_recorded_setitem_is_differentiable():
    # MXNet refuses writes into arrays of a recorded graph; ndgrad records them:
    # z = [x0, 10 x0, 10 x1, x3], w = sum(z^2), so dw/dx = [202 x0, 200 x1, 0, 2 x3].
    got = _grad(lambda x: _written(x), np.arange(4.))
    assert got == [[0.0, 200.0, 0.0, 6.0]]


def _written(x):
    z = x * 1
    z[1:3] = x[0:2] * 10
    return (z * z).sum()


# ---- functions -----------------------------------------------------------------------

def test_matmul_and_einsum():
    a, b = np.arange(6).reshape(2, 3), np.arange(12).reshape(3, 4)
    assert np.einsum("ij,jk->ik", a, b).tolist() == [[20.0, 23.0, 26.0, 29.0],
                                                     [56.0, 68.0, 80.0, 92.0]]
    got = _grad(lambda a, b: (np.matmul(a, b) * np.arange(8).reshape(2, 4)).sum(), a, b)
    assert got == [[[14.0, 38.0, 62.0], [38.0, 126.0, 214.0]],
                   [[12.0, 15.0, 18.0, 21.0], [16.0, 21.0, 26.0, 31.0],
                    [20.0, 27.0, 34.0, 41.0]]]
    assert np.dot(np.ones((2, 2, 3)), np.ones((4, 3, 5))).shape == (2, 2, 4, 5)
    assert np.matmul(np.ones((2, 2, 3)), np.ones((3, 5))).shape == (2, 2, 5)
    assert repr(np.dot(np.ones((2, 3)), np.ones(3))) == "array([3., 3.])"
    assert repr(np.outer(np.arange(2), np.arange(3))) == \
        "array([[0., 0., 0.],\n       [0., 1., 2.]])"
    assert repr(np.inner(np.arange(3), np.arange(3))) == "array(5.)"
    assert repr(np.vdot(np.arange(3), np.arange(3))) == "array(5.)"
    assert repr(np.tensordot(np.ones((2, 3)), np.ones((3, 2)), axes=1)) == \
        "array([[3., 3.],\n       [3., 3.]])"


def test_reductions():
    m = np.array([[1., 5, 3], [4, 2, 6]])
    assert repr(m.argmax(axis=1)) == "array([1, 2], dtype=int64)"
    assert repr(m.std(axis=0)) == "array([1.5, 1.5, 1.5])"
    assert repr(m.var()) == "array(2.9166667)"
    assert repr(np.cumsum(m, axis=1)) == "array([[ 1.,  6.,  9.],\n       [ 4.,  6., 12.]])"
    assert repr(np.arange(6).reshape(2, 3).sum(axis=[0])) == "array([3., 5., 7.])"
    assert repr(np.all(np.array([[1, 3, 0]]))) == "array(False)"
    assert repr(np.any(np.array([[1, 3, 0]]), axis=1)) == "array([ True])"
    assert repr(np.arange(6).reshape(2, 3).sum(axis=(0, 1))) == "array(15.)"
    assert repr(np.arange(6).reshape(2, 3).max()) == "array(5.)"
    assert repr(m.min(axis=0)) == "array([1., 2., 3.])"
    assert repr(np.prod(m, axis=1)) == "array([15., 48.])"
    assert repr(np.array([[1, 5, 3], [4, 2, 6]], dtype="int32").max()) == \
        "array(6, dtype=int32)"


@given(st.sampled_from([onp.float32, onp.float64]),
       hnp.array_shapes(min_dims=1, max_dims=3, min_side=0, max_side=9), st.data())
def test_mean_is_numpys_bit_for_bit(dtype, shape, data):
    # ndgrad computes a float mean itself (a sum, then one division) rather than
    # through np.mean's Python layers: it must round exactly as np.mean does.
    x = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-1e6, 1e6, width=32)))
    axis = data.draw(st.none() | st.integers(-len(shape), len(shape) - 1)
                     | st.lists(st.integers(0, len(shape) - 1), min_size=1, unique=True)
                     .map(tuple))
    keepdims = data.draw(st.booleans())
    with warnings.catch_warnings():  # the mean of an empty slice warns, in both
        warnings.simplefilter("ignore", RuntimeWarning)
        want = onp.mean(x, axis=axis, keepdims=keepdims)
        got = np.mean(np.array(x, dtype=dtype), axis=axis, keepdims=keepdims)
    assert got.dtype == want.dtype and got.shape == onp.shape(want)
    onp.testing.assert_array_equal(got.asnumpy(), want)


def test_linalg_values_and_gradients():
    a = np.array([[4., 1], [2, 3]])
    assert repr(np.linalg.det(a)) == "array(10.)"
    assert repr(np.linalg.inv(a)) == "array([[ 0.3, -0.1],\n       [-0.2,  0.4]])"
    assert repr(np.linalg.norm(a)) == "array(5.477226)"
    assert repr(np.linalg.norm(np.arange(4), 1)) == "array(6.)"
    # MXNet prints 3.7416573; sqrt(14) rounds to float32 3.7416575, 1 ulp away
    onp.testing.assert_allclose(np.linalg.norm(np.arange(4).reshape(2, 2), "fro").item(),
                                3.7416573, rtol=1e-7)
    assert repr(np.linalg.norm(np.arange(4).reshape(2, 2), axis=1)) == \
        "array([1.       , 3.6055512])"
    with pytest.raises(NotImplementedError, match="ord=inf"):
        np.linalg.norm(np.arange(4), onp.inf)
    got = _grad(lambda a: np.linalg.det(a) + np.linalg.inv(a).sum(), a)
    onp.testing.assert_allclose(got[0], [[2.98, -2.02], [-1.06, 3.94]], rtol=1e-6)


def test_several_outputs_are_lists_but_decompositions_tuples():
    a = np.array([[2., 1], [1, 3]])
    assert [type(f(a)) for f in (np.linalg.qr, np.linalg.eigh, np.linalg.svd,
                                 np.linalg.slogdet)] == [tuple, tuple, tuple, list]
    assert type(np.array_split(np.arange(4), 2)) is list
    assert type(npx.topk(np.arange(4.), k=2, ret_typ="both")) is list
    assert repr(np.linalg.slogdet(a)) == "[array(1.), array(1.609438)]"


def test_shape_functions():
    assert np.squeeze(np.ones((1, 2, 1))).shape == (2,)
    assert np.swapaxes(np.ones((1, 2, 3)), 0, 2).shape == (3, 2, 1)
    assert np.moveaxis(np.ones((1, 2, 3)), 0, -1).shape == (2, 3, 1)
    assert np.expand_dims(np.ones(2), 1).shape == (2, 1)
    assert repr(np.concatenate([np.ones((2, 2)), np.zeros((1, 2))]).shape) == "(3, 2)"
    assert repr(np.stack([np.ones(2), np.zeros(2)], axis=1)) == \
        "array([[1., 0.],\n       [1., 0.]])"
    assert np.vstack([np.ones(2), np.zeros(2)]).shape == (2, 2)
    assert np.hstack([np.ones(2), np.zeros(3)]).shape == (5,)
    assert np.tile(np.arange(2), (2, 2)).shape == (2, 4)
    assert repr(np.repeat(np.arange(2), 2)) == "array([0., 0., 1., 1.])"
    assert repr(np.flip(np.arange(3))) == "array([2., 1., 0.])"
    assert repr(np.where(np.array([1., 0, 1]) > 0, np.arange(3), -np.ones(3))) == \
        "array([ 0., -1.,  2.])"
    assert repr(np.clip(np.arange(5), 1, 3)) == "array([1., 1., 2., 3., 3.])"
    assert repr(np.diag(np.array([1., 2.]))) == "array([[1., 0.],\n       [0., 2.]])"
    assert repr(np.diag(np.arange(9).reshape(3, 3))) == "array([0., 4., 8.])"
    assert repr(np.split(np.arange(6), [1, 4])) == \
        "[array([0.]), array([1., 2., 3.]), array([4., 5.])]"
    assert repr(np.tril(np.ones((3, 3)))) == \
        "array([[1., 0., 0.],\n       [1., 1., 0.],\n       [1., 1., 1.]])"
    assert repr(np.pad(np.ones((1, 2)), ((1, 1), (1, 1)))) == \
        "array([[0., 0., 0., 0.],\n       [0., 1., 1., 0.],\n       [0., 0., 0., 0.]])"
    assert repr(np.broadcast_to(np.arange(2), (2, 2))) == \
        "array([[0., 1.],\n       [0., 1.]])"
    assert [a.shape for a in np.broadcast_arrays(np.ones((2, 1)), np.ones(3))] == \
        [(2, 3), (2, 3)]


def test_creation_functions():
    assert repr(np.eye(2, k=1)) == "array([[0., 1.],\n       [0., 0.]])"
    assert repr(np.identity(2)) == "array([[1., 0.],\n       [0., 1.]])"
    assert repr(np.linspace(0, 1, 3)) == "array([0. , 0.5, 1. ])"
    assert repr(np.linspace(0, 1, 4, endpoint=False)) == "array([0.  , 0.25, 0.5 , 0.75])"
    assert repr(np.full((2,), 7, dtype="int32")) == "array([7, 7], dtype=int32)"
    assert repr(np.full_like(np.ones(2), 3)) == "array([3., 3.])"
    assert np.empty_like(np.ones(2, dtype="int32")).dtype == onp.int32
    assert repr(np.arange(0, 1, 0.25)) == "array([0.  , 0.25, 0.5 , 0.75])"
    assert repr(np.arange(0.5, 3, 0.3)) == (
        "array([0.5      , 0.8      , 1.1      , 1.4000001, 1.7      , 2.       ,\n"
        "       2.3000002, 2.6000001, 2.9      ])")   # start + i * step in float32
    assert repr(np.arange(5, dtype="int64")) == "array([0, 1, 2, 3, 4], dtype=int64)"
    assert repr(np.arange(3, 0, -1)) == "array([3., 2., 1.])"
    assert repr(np.array([np.array(1.), np.array(2.)])) == "array([1., 2.])"
    assert repr(np.array(np.array(1., dtype="float64"))) == "array(1., dtype=float64)"


def test_operators_and_elementwise_functions():
    assert repr(np.array([1, 2]) ** 2) == "array([1., 4.])"
    assert repr(2 ** np.array([1., 2])) == "array([2., 4.])"
    assert repr(-np.array([1.])) == "array([-1.])"
    assert repr(abs(np.array([-1.]))) == "array([1.])"
    # NumPy's float32 exp may round e to the next float32 (2.718282): 1 ulp apart
    onp.testing.assert_allclose(np.exp(np.array([0., 1.])).asnumpy(), [1.0, 2.7182817],
                                rtol=3e-7)
    assert repr(np.maximum(np.array([1., 5]), np.array([3., 2]))) == "array([3., 5.])"
    assert repr(np.sqrt(np.array([4.]))) == "array([2.])"
    halves = np.array([0.5, 1.5, 2.5, -0.5, -1.5])
    assert repr(np.round(halves)) == "array([ 0.,  2.,  2.,  0., -2.])"   # to even
    assert repr(halves.round()) == repr(np.around(halves))


def test_random_sizes_and_seed():
    assert np.random.uniform(size=(2, 3)).shape == (2, 3)
    assert np.random.normal().shape == ()     # a 0-d array, as in seed 003
    assert np.random.rand(2, 3).shape == np.random.randn(2, 3).shape == (2, 3)
    npx.random.seed(7)
    first = np.random.normal(size=4).tolist()
    npx.random.seed(7)
    assert np.random.normal(size=4).tolist() == first
    assert sorted(np.random.permutation(5).tolist()) == [0, 1, 2, 3, 4]
    x = np.arange(5)
    np.random.shuffle(x)
    assert sorted(x.tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]


# ---- npx -----------------------------------------------------------------------------

# The lists, in full: creation; the elementwise math of the nd issue under its
# NumPy names (those NumPy has: rsqrt, rcbrt, softsign, erf, gamma... are nd-only);
# products; reductions; shape ops; np.linalg; np.random; npx.
NP_NAMES = """array asarray zeros ones full empty eye identity arange linspace zeros_like
    ones_like full_like empty_like
    abs absolute sign exp expm1 log log1p log2 log10 sqrt cbrt square reciprocal sin cos
    tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh degrees radians floor
    ceil round around rint trunc fix clip negative
    add subtract multiply divide true_divide mod power maximum minimum hypot equal
    not_equal greater greater_equal less less_equal logical_and logical_or logical_xor
    logical_not
    dot matmul tensordot einsum inner outer vdot
    sum mean prod max min std var cumsum argmax argmin all any
    reshape transpose swapaxes moveaxis expand_dims squeeze concatenate stack vstack
    hstack split array_split tile repeat flip broadcast_to broadcast_arrays where clip pad
    diag tril triu""".split()
NP_LINALG = "norm det inv solve svd cholesky qr eigh slogdet pinv".split()
NP_RANDOM = "normal uniform randint choice multinomial shuffle permutation rand randn".split()
NPX_NAMES = """relu sigmoid softmax log_softmax masked_softmax pick one_hot batch_dot
    batch_flatten fully_connected convolution deconvolution pooling dropout batch_norm
    layer_norm embedding leaky_relu activation sequence_mask topk reshape gather_nd
    stop_gradient""".split()


def test_namespaces_have_their_functions():
    # Each is a registry op under its np / npx name (or, for broadcast_arrays and
    # random.shuffle, a composition of them); a name dropped from a defop fails here.
    assert [n for n in NP_NAMES if not callable(getattr(np, n, None))] == []
    assert [n for n in NPX_NAMES if not callable(getattr(npx, n, None))] == []
    assert [n for n in NP_LINALG if not callable(getattr(np.linalg, n, None))] == []
    assert [n for n in NP_RANDOM if not callable(getattr(np.random, n, None))] == []


def test_npx_mode_switches():
    assert npx.is_np_array()
    npx.reset_np()
    assert not npx.is_np_array()
    assert npx.cpu() == npx.current_context()
    npx.waitall()


def test_npx_reshape_codes():
    x = np.arange(24).reshape(2, 3, 4)
    assert npx.reshape(x, (-2, -1)).shape == (2, 12)
    assert npx.reshape(x, (-6, 1, 2, -4)).shape == (1, 2, 3, 4)
    assert npx.reshape(np.ones((2, 1, 3)), (-2, -3, -2)).shape == (2, 3)
    assert npx.reshape(np.arange(6).reshape(1, 2, 3), (-5, -1)).shape == (2, 3)


def test_npx_activations():
    assert repr(npx.relu(np.array([-1., 2.]))) == "array([0., 2.])"
    assert repr(npx.sigmoid(np.array([0.]))) == "array([0.5])"


def test_npx_ops_are_the_nd_ops_with_mxnets_results():
    onp.testing.assert_allclose(npx.softmax(np.array([[1., 2]])).asnumpy(),
                                [[0.26894143, 0.73105854]], rtol=1e-6)
    assert repr(npx.pick(np.array([[1., 2], [3, 4]]), np.array([0, 1]))) == \
        "array([1., 4.])"
    assert repr(npx.one_hot(np.array([0, 1]), 3)) == \
        "array([[1., 0., 0.],\n       [0., 1., 0.]])"
    assert repr(npx.topk(np.array([1., 3, 2]), k=2)) == "array([1., 2.])"
    assert repr(npx.sequence_mask(np.ones((2, 3)), np.array([1, 2]),
                                  use_sequence_length=True, axis=1)) == \
        "array([[1., 0., 0.],\n       [1., 1., 0.]])"
    assert npx.batch_dot(np.ones((2, 3, 4)), np.ones((2, 4, 5))).shape == (2, 3, 5)
    assert repr(npx.gather_nd(np.arange(6).reshape(2, 3), np.array([[0, 1], [2, 0]]))) == \
        "array([2., 3.])"
    assert repr(npx.leaky_relu(np.array([-1., 2.]), slope=0.1)) == "array([-0.1,  2. ])"
    assert repr(npx.activation(np.array([-1., 2.]), act_type="relu")) == "array([0., 2.])"
    assert repr(npx.embedding(np.array([0, 2]), np.arange(6).reshape(3, 2), input_dim=3,
                              output_dim=2)) == "array([[0., 1.],\n       [4., 5.]])"
    assert repr(npx.layer_norm(np.array([[1., 2, 3]]), np.ones(3), np.zeros(3))) == \
        "array([[-1.2247356,  0.       ,  1.2247356]])"
    assert npx.pooling(np.arange(16).reshape(1, 1, 4, 4), kernel=(2, 2), stride=(2, 2),
                       pool_type="max").tolist() == [[[[5.0, 7.0], [13.0, 15.0]]]]


# ---- gradients of the np-only compositions -------------------------------------------

def test_std_gradient():
    # MXNet 1.9.1's np.std passes no gradient at all (zeros); ndgrad's is
    # (x - mean) / (N std): rows [1, 5, 3], [4, 2, 6] have std sqrt(8/3).
    m = np.array([[1., 5, 3], [4, 2, 6]])
    got = _grad(lambda m: m.std(axis=1).sum(), m)[0]
    onp.testing.assert_allclose(got, [[-0.4082483, 0.4082483, 0.0],
                                      [0.0, -0.4082483, 0.4082483]], rtol=1e-6)


def test_where_gradient_by_hand():
    # where's condition is not a differentiable input, so its generated test cannot
    # perturb it; the two branches are checked here.
    mask = onp.array([True, False, True])
    check_gradients(lambda x, y: np.where(np.array(mask), x, y),
                    [np.array([0.5, -1.0, 2.0]), np.array([1.0, 3.0, -2.0])], order=2)


# ---- NumPy's signatures --------------------------------------------------------------

def test_reductions_take_numpys_arguments():
    x = np.array([[1., 2.], [3., 4.]])
    # positional order (a, axis, dtype), NumPy's first argument name, dtype=
    assert repr(np.sum(x, 0, "float64")) == "array([4., 6.], dtype=float64)"
    assert repr(np.sum(a=x)) == "array(10.)"
    assert repr(x.sum(dtype="int32")) == "array(10, dtype=int32)"
    assert repr(np.prod(x, 1, "float64")) == "array([ 2., 12.], dtype=float64)"
    assert repr(np.mean(x, 1, "float64")) == "array([1.5, 3.5], dtype=float64)"
    assert repr(np.mean(a=x, axis=0, keepdims=True)) == "array([[2., 3.]])"
    assert repr(np.max(x, 1)) == "array([2., 4.])" and repr(np.amin(a=x)) == "array(1.)"
    assert repr(np.argmax(x, 0)) == "array([1, 1], dtype=int64)"
    assert repr(np.all(x > 1, 1)) == "array([False,  True])"
    assert repr(np.std(x, None, "float64", ddof=1)) == \
        "array(1.29099445, dtype=float64)"
    with pytest.raises(NotImplementedError, match="initial="):
        np.sum(x, initial=1.0)
    assert _grad(lambda x: np.sum(x, 0, "float64").sum(), x) == [[[1.0, 1.0], [1.0, 1.0]]]


def test_creation_and_shape_functions_take_numpys_arguments():
    x = np.array([[1, 2], [3, 4]], dtype="int32")
    assert repr(np.zeros_like(x, dtype="float32")) == \
        "array([[0., 0.],\n       [0., 0.]])"
    assert np.ones_like(x, "int64").dtype == onp.int64
    assert np.ones_like(a=x).dtype == onp.int32
    assert np.empty_like(x, dtype="float64").dtype == onp.float64
    assert np.reshape(x, (4,)).shape == np.reshape(x, shape=(4,)).shape == (4,)
    assert np.reshape(x, newshape=(1, 4)).shape == (1, 4)
    assert np.reshape(x, -1).shape == (4,)
    assert repr(np.transpose(a=x)) == "array([[1, 3],\n       [2, 4]], dtype=int32)"
    assert repr(np.dot(np.array([[1., 2.]]), 2.)) == "array([[2., 4.]])"
    assert repr(np.dot(3, np.array([1., 2.]))) == "array([3., 6.])"
    assert repr(np.clip(np.arange(4), None, 2)) == "array([0., 1., 2., 2.])"
    assert repr(np.concatenate(arrays=[np.ones(1), np.zeros(1)])) == "array([1., 0.])"
    assert repr(np.sort(np.array([3., 1, 2]), kind="stable")) == "array([1., 2., 3.])"


def test_where_with_one_argument_is_nonzero():
    c = np.array([[0., 3], [5, 0]])
    got = np.where(c)
    assert type(got) is tuple and repr(got) == \
        "(array([0, 1], dtype=int64), array([1, 0], dtype=int64))"
    assert repr(np.nonzero(c > 4)) == "(array([1], dtype=int64), array([0], dtype=int64))"
    assert repr(c.nonzero()[1]) == "array([1, 0], dtype=int64)"


def test_more_operators_and_methods():
    a, b = np.arange(6).reshape(2, 3), np.ones((3, 2))
    assert repr(a @ b) == "array([[ 3.,  3.],\n       [12., 12.]])"
    assert repr(onp.ones((1, 2)) @ np.ones((2, 1))) == "array([[2.]], dtype=float64)"
    c = np.ones((2, 2))
    c @= np.eye(2) * 3
    assert repr(c) == "array([[3., 3.],\n       [3., 3.]])"
    assert repr(np.array([7., -7.]) // 2) == "array([ 3., -4.])"
    assert repr(7 // np.array([2., 3.])) == "array([3., 2.])"
    assert repr(np.array([7, 8], dtype="int32") // 3) == "array([2, 2], dtype=int32)"
    t, f = np.arange(3) > 0, np.arange(3) < 2
    assert repr(t & f) == "array([False,  True, False])"
    assert repr(t | f) == "array([ True,  True,  True])"
    assert repr(t ^ f) == "array([ True, False,  True])" and repr(~t) == \
        "array([ True, False, False])"
    assert repr(np.array([1, 2], dtype="int32") | 4) == "array([5, 6], dtype=int32)"
    with pytest.raises(TypeError, match="bitwise_and"):
        np.ones(2) & np.ones(2)               # floats have no bits to and, as in NumPy
    x = np.zeros(3)
    x.fill(4)
    assert repr(x) == "array([4., 4., 4.])" and repr(x.take([0, 2])) == "array([4., 4.])"
    y = np.zeros(3)
    assert np.arange(3).copyto(y) is y and repr(y) == "array([0., 1., 2.])"
    np.copyto(y, 9, where=np.arange(3) > 1)
    assert repr(y) == "array([0., 1., 9.])"
    # @ and // are recorded (// with a zero gradient, as a piecewise constant)
    got = _grad(lambda w: (w @ np.array([[1., 2], [3, 4]])).sum() + (w // 1).sum(),
                np.array([1., 2.]))
    assert got == [[3.0, 7.0]]


def test_random_parameters_broadcast_against_size_as_in_numpy():
    # size is the whole shape of the result (MXNet nd's shape= is per parameter element)
    assert np.random.uniform(np.zeros(2), np.ones(2), size=(3, 2)).shape == (3, 2)
    assert np.random.normal(np.zeros((2, 1)), np.ones(3)).shape == (2, 3)
    assert np.random.normal(np.zeros(3), 1.0, (4, 3)).shape == (4, 3)
    assert np.random.normal(0, 1, 4).shape == (4,) and np.random.normal().shape == ()
    assert np.random.randint(np.array([0, 10]), 20).shape == (2,)
    assert np.random.randint(0, np.array([[5], [6]]), size=(2, 3)).shape == (2, 3)
    with pytest.raises(ValueError, match=r"shape \(2,\) do not broadcast to size \(3,\)"):
        np.random.normal(np.zeros(2), size=(3,))
    npx.random.seed(0)
    got = np.random.uniform(np.array([0., 10.]), np.array([1., 11.]), size=(500, 2))
    assert ((got >= np.array([0., 10.])) & (got < np.array([1., 11.]))).all()
    onp.testing.assert_allclose(got.mean(axis=0).asnumpy(), [0.5, 10.5], atol=0.05)
    low = np.random.randint(np.array([0, 100]), np.array([10, 110]), size=(50, 2))
    assert low.asnumpy()[:, 0].max() < 10 and low.asnumpy()[:, 1].min() >= 100


def test_random_parameters_with_a_gradient_are_refused_inside_record():
    loc = np.zeros(2)
    loc.attach_grad()
    with autograd.record():
        with pytest.raises(NotImplementedError, match="no gradient with respect to its "
                                                      "parameters"):
            np.random.normal(loc, 1.0)


@pytest.mark.parametrize("mode, options", [
    ("constant", {}), ("constant", {"constant_values": 1.5}),
    ("constant", {"constant_values": ((1, 2), (3, 4))}), ("edge", {}), ("reflect", {})])
@pytest.mark.parametrize("widths", [1, (1, 2), ((0, 2), (3, 1)), ((2, 0), (0, 0)),
                                    ((4, 5), (1, 6))])
def test_pad_is_nds_pad_op_with_numpys_arguments(mode, options, widths):
    # np.pad pads with nd's pad op (the only one), one axis at a time; its values are
    # NumPy's (reflect repeats past the border as NumPy does) and it is differentiable.
    a = onp.arange(6.).reshape(2, 3)
    got = np.pad(np.array(a), widths, mode=mode, **options)
    want = onp.pad(a, widths, mode=mode, **options)
    assert got.shape == want.shape and got.asnumpy().tolist() == want.tolist()
    check_gradients(lambda x: np.pad(x, widths, mode=mode, **options), [np.array(a)],
                    order=2)


def test_pad_of_other_ranks_and_modes():
    b = onp.arange(24, dtype="int32").reshape(2, 3, 4)
    got = np.pad(np.array(b), ((1, 0), (0, 2), (1, 1)), mode="edge")
    assert got.dtype == onp.int32
    assert got.asnumpy().tolist() == onp.pad(b, ((1, 0), (0, 2), (1, 1)), "edge").tolist()
    assert repr(np.pad(np.array([1., 2.]), 1, mode="edge")) == "array([1., 1., 2., 2.])"
    with pytest.raises(NotImplementedError, match="mode='wrap' is not supported"):
        np.pad(np.ones(2), 1, mode="wrap")
    # NumPy's own pad on an np array: ndgrad's where it can, NumPy's for the rest
    assert repr(onp.pad(np.array([1., 2.]), 1)) == "array([0., 1., 2., 0.])"
    assert repr(onp.pad(np.array([1., 2.]), 1, mode="wrap")) == "array([2., 1., 2., 1.])"
