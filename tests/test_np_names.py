"""np / npx / nd names the audit of issue 4 found missing: npx.masked_softmax,
npx.stop_gradient (nd.stop_gradient, nd.BlockGrad), np.rint, np.logical_*. Expected
values are MXNet 1.9.1's (its documentation's examples) unless a comment says why not."""
import re

import numpy as onp
import pytest

from ndgrad import autograd, nd, np, npx
from ndgrad.testing import check_gradients


@pytest.fixture(autouse=True)
def np_mode():
    npx.set_np()
    yield
    npx.reset_np()


# ---- masked_softmax --------------------------------------------------------------------

def test_masked_softmax_values():
    mask = np.array([1, 0, 1, 0, 1])
    # MXNet's documentation prints [0.01587624, 0., 0.11731042, 0., 0.8668133]: float32
    # exp without the max subtracted; ndgrad subtracts it (normalize=True), 1 ulp away.
    onp.testing.assert_allclose(npx.masked_softmax(np.arange(5), mask).asnumpy(),
                                [0.01587624, 0., 0.11731042, 0., 0.8668133], rtol=1e-6)
    got = npx.masked_softmax(np.arange(10).reshape(2, 5), mask, axis=0)
    assert repr(got) == ("array([[0.00669285, 0.        , 0.00669285, 0.        , "
                         "0.00669285],\n       [0.9933072 , 0.        , 0.9933072 , "
                         "0.        , 0.9933072 ]])")
    # a boolean mask, a temperature, a row with nothing unmasked (all zeros, no nan)
    data = np.array([[1., 2., 3.], [4., 5., 6.]])
    keep = np.array([[True, False, True], [False, False, False]])
    got = npx.masked_softmax(data, keep, temperature=2.0).asnumpy()
    e = onp.exp(onp.array([0.5, 1.5]))
    onp.testing.assert_allclose(got, [[e[0] / e.sum(), 0, e[1] / e.sum()], [0, 0, 0]],
                                rtol=1e-6)
    # without normalize, as softmax where nothing is masked
    onp.testing.assert_allclose(
        npx.masked_softmax(data, np.ones((2, 3)), normalize=False).asnumpy(),
        npx.softmax(data).asnumpy(), rtol=1e-6)
    assert npx.masked_softmax(data, keep).dtype == onp.float32


def test_masked_softmax_gradient():
    mask = onp.array([[True, False, True, True], [False, True, True, False]])
    x = np.array(onp.random.default_rng(0).standard_normal((2, 4)))
    check_gradients(lambda x: npx.masked_softmax(x, np.array(mask), temperature=1.5), [x],
                    order=2)
    x = np.array([[1., 2., 3., 4.], [1., 1., 1., 1.]])
    x.attach_grad()
    with autograd.record():
        y = (npx.masked_softmax(x, np.array(mask)) * np.arange(8).reshape(2, 4)).sum()
    y.backward()
    assert (x.grad.asnumpy()[~mask] == 0).all()      # masked positions get nothing
    assert nd.masked_softmax(nd.array([1, 2]), nd.array([1, 1])).shape == (2,)


# ---- stop_gradient ---------------------------------------------------------------------

@pytest.mark.parametrize("flavour", ["np", "nd"])
def test_stop_gradient_is_identity_with_zero_gradient(flavour):
    if flavour == "np":
        x, stops = np.array([1., 2.]), [npx.stop_gradient]
    else:
        x, stops = nd.array([1., 2.]), [nd.stop_gradient, nd.BlockGrad]
    for stop in stops:
        x.attach_grad()
        with autograd.record():
            z = stop(x * 2)
            y = z * x
        assert z.asnumpy().tolist() == [2.0, 4.0]
        y.backward()
        assert x.grad.asnumpy().tolist() == [2.0, 4.0]   # z is a constant: d(z x)/dx = z
        with autograd.record():
            w = stop(x).sum()
        w.backward()                                      # runs, as in MXNet: zeros
        assert x.grad.asnumpy().tolist() == [0.0, 0.0]


# ---- rint and the logical functions ----------------------------------------------------

def test_rint_rounds_halves_down_as_mxnet():
    # MXNet 1.9.1's np.rint (docs/mxnet-1.9.1-behaviour.md); NumPy rounds halves to even
    assert repr(np.rint(np.array([0.5, 1.5, -0.5, 2.5, 1.7]))) == \
        "array([ 0.,  1., -1.,  2.,  2.])"
    assert _grad_of(np.rint, [0.3, 1.2]) == [0.0, 0.0]


def test_logical_functions_give_bools():
    a, b = np.array([0., 1., 2.]), np.array([1., 0., 3.])
    assert repr(np.logical_and(a, b)) == "array([False, False,  True])"
    assert repr(np.logical_or(a, b)) == "array([ True,  True,  True])"
    assert repr(np.logical_xor(a, b)) == "array([ True,  True, False])"
    assert repr(np.logical_not(a)) == "array([ True, False, False])"
    assert repr(np.logical_and(a, 0)) == "array([False, False, False])"
    assert repr(np.logical_or(np.arange(3) > 1, np.arange(3) < 1)) == \
        "array([ True, False,  True])"
    # nd keeps MXNet's 0/1 in the input dtype
    got = nd.logical_and(nd.array([0, 1, 2]), nd.array([1, 0, 3]))
    assert got.asnumpy().tolist() == [0.0, 0.0, 1.0]


def _grad_of(f, values):
    x = np.array(values)
    x.attach_grad()
    with autograd.record():
        y = f(x * 1).astype("float32").sum()
    y.backward()
    return x.grad.tolist()


# ---- docstrings -----------------------------------------------------------------------

def _np_functions():
    for prefix, module in (("np", np), ("np.random", np.random), ("np.linalg", np.linalg),
                           ("npx", npx)):
        for name in getattr(module, "__all__", ()):
            yield f"{prefix}.{name}", getattr(module, name)


@pytest.mark.parametrize("name, fn", list(_np_functions()),
                         ids=[n for n, _ in _np_functions()])
def test_np_examples_are_written_with_np(name, fn):
    # (tests/test_docstrings.py runs every example; here: they show np, not nd)
    lines = [line.strip() for line in (fn.__doc__ or "").splitlines()]
    code = [line[4:] for line in lines if line.startswith((">>> ", "... "))]
    assert code, f"{name} has no example"
    assert not [c for c in code if re.search(r"\bnd\.", c)], (name, code)
    assert any(re.search(rf"\b{re.escape(name)}\b", c) or
               re.search(rf"\.{re.escape(name.rpartition('.')[2])}\(", c)
               for c in code), f"{name}'s example does not call it: {code}"
