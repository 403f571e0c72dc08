"""Official NumPy functions and ufuncs applied to ndgrad arrays (``__array_function__``,
``__array_ufunc__``, ``__array__``): ndgrad's function runs where it has one (recorded),
NumPy computes otherwise outside record(), and inside record() a NumPy result that would
drop the graph is an error naming the function. See ndgrad/_interop.py."""
import numpy as onp
import pytest

from ndgrad import AutogradError, autograd, nd, np, npx


@pytest.fixture(autouse=True)
def np_mode():
    npx.set_np()
    yield
    npx.reset_np()


def _grad(f, *values):
    xs = [np.array(v) for v in values]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        out = f(*xs)
    out.backward()
    return [x.grad.asnumpy().tolist() for x in xs]


# ---- NumPy functions that ndgrad has are recorded ------------------------------------

def test_numpy_concatenate_is_recorded():
    # The audit's case: NumPy's concatenate used to return a NumPy array (the graph
    # dropped), giving [2, 4, 6].
    got = _grad(lambda x: (x * x).sum() + np.array(onp.concatenate([x, x])).sum(),
                [1., 2., 3.])
    assert got == [[4.0, 6.0, 8.0]]


@pytest.mark.parametrize("numpy_fn, ndgrad_fn", [
    (lambda x: onp.sort(x * x), lambda x: np.sort(x * x)),
    (lambda x: onp.linalg.norm(x), lambda x: np.linalg.norm(x)),
    (lambda x: onp.linalg.det(onp.reshape(x, (2, 2))),
     lambda x: np.linalg.det(np.reshape(x, (2, 2)))),
    (lambda x: onp.sum(onp.stack([x, 2 * x]), axis=0), lambda x: (3 * x)),
    (lambda x: onp.mean(onp.exp(x)), lambda x: np.mean(np.exp(x))),
    (lambda x: onp.add.reduce(x * x), lambda x: np.sum(x * x)),
    (lambda x: onp.maximum(x, 2.5) * onp.tanh(x),
     lambda x: np.maximum(x, 2.5) * np.tanh(x)),
    (lambda x: onp.dot(x, x) + onp.matmul(x, x), lambda x: 2 * np.dot(x, x)),
    (lambda x: onp.where(x > 2, x, 0), lambda x: np.where(x > 2, x, 0)),
])
def test_numpy_functions_ndgrad_has_give_ndgrads_gradients(numpy_fn, ndgrad_fn):
    want = _grad(lambda x: ndgrad_fn(x).sum(), [3., 1., 2., 4.])[0]
    assert _grad(lambda x: numpy_fn(x).sum(), [3., 1., 2., 4.])[0] == pytest.approx(want)


def test_results_are_ndgrad_arrays_with_np_conventions():
    x = np.array([3., 1., 2.])
    assert type(onp.sort(x)) is np.ndarray and repr(onp.sort(x)) == "array([1., 2., 3.])"
    assert repr(onp.exp(np.array([1, 2], dtype="int32")).dtype) == "dtype('float32')"
    assert repr(onp.linalg.norm(np.array([3., 4.]))) == "array(5.)"
    # a float64 NumPy array and a float32 np array: float64, as np's promotion says
    assert repr(onp.array([1., 2.]) * np.array([3., 4.])) == \
        "array([3., 8.], dtype=float64)"


# ---- NumPy functions ndgrad does not have ---------------------------------------------

def test_outside_record_numpy_computes_and_gives_ndgrad_arrays():
    x = np.array([3., 1., 2., 5.])
    assert onp.median(x) == 2.5                           # a NumPy scalar, as NumPy
    got = onp.arctan2(x, np.ones(4))
    assert type(got) is np.ndarray
    onp.testing.assert_allclose(got.asnumpy(), onp.arctan2([3., 1, 2, 5], 1), rtol=1e-6)
    assert type(onp.diff(x)) is np.ndarray and onp.diff(x).tolist() == [-2.0, 1.0, 3.0]
    assert repr(onp.fmax(x, 2.)) == "array([3., 2., 2., 5.])"
    # a ufunc call with options ndgrad does not take
    got = onp.add(x, 10, where=onp.array([True, False, True, False]), out=np.zeros(4))
    assert type(got) is np.ndarray and got.tolist() == [13.0, 0.0, 12.0, 0.0]
    # an option ndgrad's function does not take: NumPy's ord=inf norm
    assert float(onp.linalg.norm(x, ord=onp.inf)) == 5.0


@pytest.mark.parametrize("call, name", [
    (lambda x: onp.median(x), "numpy.median"),
    (lambda x: onp.arctan2(x, x), "numpy.arctan2"),
    (lambda x: onp.diff(x), "numpy.diff"),
    (lambda x: onp.add(x, 1, where=onp.array([True, False, True])), "numpy.add"),
    (lambda x: onp.linalg.norm(x, ord=onp.inf), "numpy.linalg.norm"),
    (lambda x: onp.add.outer(x, x), "numpy.add.outer"),
])
def test_inside_record_numpy_dropping_the_graph_is_an_error(call, name):
    x = np.array([3., 1., 2.])
    x.attach_grad()
    with autograd.record():
        with pytest.raises(AutogradError, match=rf"{name} is not differentiable in "
                                               r"ndgrad \(.*\).*x\.detach\(\)"):
            call(x * 2)
    with autograd.record():  # no input needs a gradient: a constant, allowed
        assert call(np.array([3., 1., 2.])) is not None


def test_inside_record_results_without_floats_are_allowed():
    x = np.array([3., 0., 2.])
    x.attach_grad()
    with autograd.record():
        assert onp.isnan(x).tolist() == [False, False, False]
        assert onp.shape(x) == (3,) and onp.ndim(x) == 1
        assert onp.argwhere(x > 2).tolist() == [[0]]
        assert onp.count_nonzero(x) == 2
        y = x.sum()
    y.backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]


def test_numpy_never_writes_behind_ndgrads_back():
    x = np.array([1., 2., 3.])
    with pytest.raises(ValueError, match="numpy.put writes into its ndgrad array"):
        onp.put(x, [0], [5.])
    assert x.tolist() == [1.0, 2.0, 3.0]
    # out= arrays are written through ndgrad, their version bumped: a recorded op that
    # saved the array refuses the stale value
    w = np.array([1., 2., 3.])
    w.attach_grad()
    z = np.array([2., 2., 2.])
    with autograd.record():
        y = (w * z).sum()
    onp.arctan2(w.detach(), 1., out=z)
    with pytest.raises(AutogradError, match="modified in place"):
        y.backward()


def test_out_of_a_recorded_ufunc_is_recorded():
    x = np.array([1., 2.])
    x.attach_grad()
    z = np.zeros(2)
    with autograd.record():
        got = onp.multiply(x, x, out=z)
        y = (z * 3).sum()
    assert got is z
    y.backward()
    assert x.grad.tolist() == [6.0, 12.0]


def test_ufunc_dtype_and_reduce_options():
    x = np.array([[1., 2.], [3., 4.]])
    assert onp.exp(x, dtype="float64").dtype == onp.float64
    assert onp.add.reduce(x).tolist() == [4.0, 6.0]           # axis 0, as NumPy
    assert onp.add.reduce(x, axis=None).item() == 10.0
    assert onp.multiply.reduce(x, axis=1, keepdims=True).tolist() == [[2.0], [12.0]]
    assert onp.add.accumulate(x).tolist() == [[1.0, 2.0], [4.0, 6.0]]


# ---- __array__ ------------------------------------------------------------------------

def test_array_protocol_is_numpy_2s():
    x = np.array([1., 2.])
    view = onp.asarray(x)
    assert view.dtype == onp.float32 and not view.flags.writeable   # no silent writes
    assert onp.shares_memory(view, x._data)                           # no copy made
    copied = onp.array(x)
    assert copied.flags.writeable and not onp.shares_memory(copied, view)
    assert onp.asarray(x, dtype="float64").dtype == onp.float64
    assert onp.array(x, copy=True).flags.writeable
    assert x.__array__(copy=False).base is not None                  # a view, no copy
    if int(onp.__version__.split(".")[0]) >= 2:  # asarray(copy=) is NumPy 2's API
        with pytest.raises(ValueError, match="copy=False"):
            onp.asarray(x, dtype="float64", copy=False)


# ---- the nd flavour -------------------------------------------------------------------

def test_nd_arrays_fall_back_outside_record_and_refuse_inside():
    a = nd.array([3, 1, 2])
    assert type(onp.sort(a)) is nd.NDArray and onp.sort(a).asnumpy().tolist() == [1, 2, 3]
    assert type(onp.exp(a)) is nd.NDArray                         # the registry's exp op
    a.attach_grad()
    with autograd.record():
        with pytest.raises(AutogradError, match="numpy.sort is not differentiable"):
            onp.sort(a * 1)
        y = onp.exp(a).sum()
    y.backward()
    onp.testing.assert_allclose(a.grad.asnumpy(), onp.exp([3., 1, 2]), rtol=1e-6)


def test_np_array_of_recorded_arrays_keeps_the_graph():
    # np.array copies (recorded), np.asarray is the array itself; lists of arrays that
    # need a gradient are stacked (recorded) instead of read as plain values.
    got = _grad(lambda x: np.array(x).sum() + 2 * np.asarray(x).sum()
                + np.array([x, x * x]).sum() + np.array(x, dtype="float64").sum(),
                [1., 2.])
    assert got == [[7.0, 9.0]]          # 1 + 2 + (1 + 2 x) + 1
    x = np.array([1., 2.])
    assert np.asarray(x) is x and np.array(x) is not x
