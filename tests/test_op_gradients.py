"""Generated from the registry: every differentiable op's first and second derivatives
against central differences in float64, on inputs hypothesis draws per the op's
GradTest metadata (broadcastable shapes for binary ops). Adding an op with a GradTest
adds its tests here."""
import numpy as np
import pytest
from hypothesis import given, strategies as st

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
