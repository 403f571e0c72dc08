"""Generated from the registry: every differentiable op's first and second derivatives
against central differences in float64, on inputs hypothesis draws per the op's
GradTest metadata (broadcastable shapes for binary ops), and grad_req='add'
accumulating. Adding an op with a GradTest adds its tests here."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

from ndgrad import autograd
from ndgrad.ndarray import NDArray
from ndgrad.ops.registry import differentiable_specs
from ndgrad.testing import check_gradients
from ndgrad.testing.strategies import op_inputs

OPS = sorted(differentiable_specs())


def _check(name, order, data):
    spec = differentiable_specs()[name]
    inputs, kwargs = data.draw(op_inputs(name))
    before = [x.copy() for x in inputs]
    check_gradients(lambda *xs: spec.op(*xs, **kwargs), inputs, order=order,
                    rtol=spec.test.rtol, atol=spec.test.atol)
    for x, b in zip(inputs, before):
        np.testing.assert_array_equal(x, b, err_msg=f"{name} mutated its input")


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_first_derivative(name, data):
    _check(name, 1, data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_second_derivative(name, data):
    _check(name, 2, data)


@pytest.mark.parametrize("name", OPS)
@given(data=st.data())
def test_grad_req_add_accumulates(name, data):
    """Two backward passes with grad_req='add' give twice one pass with 'write'."""
    spec = differentiable_specs()[name]
    inputs, kwargs = data.draw(op_inputs(name))

    def grads(req, passes):
        xs = [NDArray._wrap(np.array(x, dtype=np.float64)) for x in inputs]
        for x in xs:
            x.attach_grad(grad_req=req)
        for _ in range(passes):
            with autograd.record():
                out = spec.op(*xs, **kwargs)
            autograd.backward(list(out) if isinstance(out, (tuple, list)) else [out])
        return [x.grad.asnumpy() for x in xs]

    for once, twice in zip(grads("write", 1), grads("add", 2)):
        np.testing.assert_allclose(twice, 2 * once, rtol=1e-12, atol=1e-12)
